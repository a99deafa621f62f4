/**
 * Every answer payload the client reads, read in one place: the gateway's JSON is untrusted, so
 * each reader keeps what has the right type and drops the rest, never throws, and says in its type
 * what the rest of the client may rely on. (`hello-ok` has a full schema in protocol/gateway.ts;
 * frames and `agent` events are checked in frames.ts, on the hot path.)
 */
import {
  SearchHitSchema,
  type ChatHistoryResult,
  type HistoryMessage,
  type SearchHit,
  type SessionRow,
  type SessionsDeleteResult,
  type UsageSummary,
  type UsageTotals,
} from '../protocol/gateway';
import { is, isRecord, str } from '../protocol/schema';
import { messageText } from './run-stream';

/** One page of `sessions.list`: the rows with a string key, and where the next page starts. */
export function readSessionsPage(payload: unknown): { rows: SessionRow[]; nextOffset: number | undefined } {
  if (!isRecord(payload) || !Array.isArray(payload.sessions)) return { rows: [], nextOffset: undefined };
  const rows: SessionRow[] = [];
  for (const row of payload.sessions) {
    const read = readSessionRow(row);
    if (read) rows.push(read);
  }
  const more = payload.hasMore === true && typeof payload.nextOffset === 'number';
  return { rows, nextOffset: more ? (payload.nextOffset as number) : undefined };
}

const ROW_STRINGS = ['sessionId', 'label', 'displayName', 'derivedTitle', 'model', 'modelProvider'] as const;
const ROW_NUMBERS = ['updatedAt', 'pinnedAt', 'inputTokens', 'outputTokens', 'totalTokens', 'estimatedCostUsd'] as const;
const ROW_BOOLEANS = ['archived', 'pinned'] as const;

/**
 * A session row with a string key, its typed fields kept only where they have their type (a
 * `label: null` after a rename is cleared, a number where a name should be is dropped); the other
 * fields pass through for whoever reads them with their own checks.
 */
export function readSessionRow(value: unknown): SessionRow | undefined {
  if (!isRecord(value) || typeof value.key !== 'string' || !value.key) return undefined;
  const row: Record<string, unknown> = { ...value };
  for (const key of ROW_STRINGS) if (typeof row[key] !== 'string') delete row[key];
  for (const key of ROW_NUMBERS) if (typeof row[key] !== 'number' || !Number.isFinite(row[key])) delete row[key];
  for (const key of ROW_BOOLEANS) if (typeof row[key] !== 'boolean') delete row[key];
  return row as SessionRow;
}

/** `chat.history` (or `sessions.history`): the rows that are objects, oldest first, and where older rows start. */
export function readHistory(payload: unknown, sessionKey: string): ChatHistoryResult {
  if (!isRecord(payload) || !Array.isArray(payload.messages)) return { sessionKey, messages: [] };
  return {
    sessionKey,
    sessionId: str(payload, 'sessionId'),
    messages: payload.messages.filter(isRecord) as HistoryMessage[],
    hasMore: payload.hasMore === true,
    totalMessages: count(payload.totalMessages),
    nextOffset: count(payload.nextOffset),
  };
}

/** `sessions.search`: the hits that have every field a hit needs (the rest are dropped). */
export function readSearchHits(payload: unknown): SearchHit[] {
  if (!isRecord(payload) || !Array.isArray(payload.results)) return [];
  return payload.results.filter((hit): hit is SearchHit => is(SearchHitSchema, hit));
}

/** A `session.message` event: one new row of a session's history (from any client). */
export interface SessionMessageEvent {
  sessionKey: string;
  message: HistoryMessage;
}

export function readSessionMessage(payload: unknown): SessionMessageEvent | undefined {
  const sessionKey = str(payload, 'sessionKey');
  const message = isRecord(payload) ? payload.message : undefined;
  if (!sessionKey || !isRecord(message) || typeof message.role !== 'string') return undefined;
  return { sessionKey, message: message as HistoryMessage };
}

/** A `session.tool` event (to `sessions.subscribe` subscribers): a tool of some run started or has its result. */
export interface SessionToolEvent {
  sessionKey: string;
  runId?: string;
  toolCallId: string;
  name?: string;
  phase: string;
  result?: unknown;
  isError: boolean;
}

export function readSessionTool(payload: unknown): SessionToolEvent | undefined {
  const sessionKey = str(payload, 'sessionKey');
  const data = isRecord(payload) ? payload.data : undefined;
  const toolCallId = str(data, 'toolCallId');
  const phase = str(data, 'phase');
  if (!sessionKey || !isRecord(data) || !toolCallId || !phase) return undefined;
  return { sessionKey, runId: str(payload, 'runId'), toolCallId, name: str(data, 'name'), phase, result: data.result, isError: data.isError === true };
}

/** `sessions.fork`: the new session, and the user message it was forked at (to edit and send again). */
export function readFork(payload: unknown): { sessionKey: string; editorText: string } | undefined {
  const sessionKey = str(payload, 'sessionKey');
  return sessionKey ? { sessionKey, editorText: str(payload, 'editorText') ?? '' } : undefined;
}

/** `sessions.rewind`: the user message the history was cut before. */
export function readRewind(payload: unknown): { editorText: string } {
  return { editorText: str(payload, 'editorText') ?? '' };
}

/** `sessions.compact`: whether anything was compacted, and the model's summary when it wrote one. */
export function readCompact(payload: unknown): { compacted: boolean; summary?: string; tokensBefore?: number } {
  if (!isRecord(payload)) return { compacted: false };
  const result = isRecord(payload.result) ? payload.result : undefined;
  return { compacted: payload.compacted === true, summary: str(result, 'summary'), tokensBefore: count(result?.tokensBefore) };
}

/** `sessions.usage`: the totals over its period, how many sessions and messages they cover. */
export function readUsage(payload: unknown): UsageSummary {
  const record = isRecord(payload) ? payload : {};
  const aggregates = isRecord(record.aggregates) ? record.aggregates : {};
  const messages = isRecord(aggregates.messages) ? count(aggregates.messages.total) : undefined;
  return {
    startDate: str(record, 'startDate'),
    endDate: str(record, 'endDate'),
    totals: readTotals(record.totals),
    sessions: Array.isArray(record.sessions) ? record.sessions.length : 0,
    messages,
    cacheStatus: str(record.cacheStatus, 'status'),
  };
}

function readTotals(value: unknown): UsageTotals {
  const t = isRecord(value) ? value : {};
  const num = (key: string) => (typeof t[key] === 'number' && Number.isFinite(t[key]) && t[key] >= 0 ? t[key] : 0);
  return {
    input: num('input'),
    output: num('output'),
    totalTokens: num('totalTokens'),
    totalCost: num('totalCost'),
    missingCostEntries: num('missingCostEntries'),
  };
}

/** A count the gateway sent: a whole number from 0 up, else undefined. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** `sessions.delete`. */
export function readDeleteResult(payload: unknown): SessionsDeleteResult {
  if (!isRecord(payload)) return { deleted: false };
  return {
    ok: payload.ok === true,
    key: str(payload, 'key'),
    deleted: payload.deleted === true,
    archived: Array.isArray(payload.archived) ? payload.archived.filter((a): a is string => typeof a === 'string') : [],
  };
}

/** The final `res` of an `agent` request, as the turn needs it. */
export interface AgentOutcome {
  /** `ok`, `error`, `timeout`; an aborted run is `{status: "timeout", summary: "aborted"}`. */
  status: string | undefined;
  summary?: string;
  /** The reply's text from `result.payloads` ('' when none). */
  text: string;
  stopReason?: string;
  durationMs?: number;
  usage?: Record<string, unknown>;
}

export function readAgentFinal(payload: unknown): AgentOutcome | undefined {
  if (!isRecord(payload)) return undefined;
  const result = isRecord(payload.result) ? payload.result : undefined;
  const meta = result && isRecord(result.meta) ? result.meta : undefined;
  const parts = result && Array.isArray(result.payloads) ? result.payloads : [];
  const agentMeta = meta && isRecord(meta.agentMeta) ? meta.agentMeta : undefined;
  return {
    status: str(payload, 'status'),
    summary: str(payload, 'summary'),
    text: parts
      .map((p) => (isRecord(p) ? messageText([{ type: 'text', text: p.text }]) : ''))
      .filter(Boolean)
      .join('\n\n'),
    stopReason: meta ? str(meta, 'stopReason') : undefined,
    durationMs: meta && typeof meta.durationMs === 'number' ? meta.durationMs : undefined,
    usage: agentMeta && isRecord(agentMeta.usage) ? agentMeta.usage : undefined,
  };
}

/** `agent.wait`: how a run ended, and its reply where the gateway gives it. */
export function readAgentWait(payload: unknown): { status: string | undefined; stopReason?: string; text?: string } | undefined {
  if (!isRecord(payload)) return undefined;
  const reply = str(payload.terminalReply, 'text');
  return { status: str(payload, 'status'), stopReason: str(payload, 'stopReason'), text: reply };
}
