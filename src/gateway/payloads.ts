/**
 * Every answer payload the client reads, read in one place: the gateway's JSON is untrusted, so
 * each reader keeps what has the right type and drops the rest, never throws, and says in its type
 * what the rest of the client may rely on. (`hello-ok` has a full schema in protocol/gateway.ts;
 * frames and `agent` events are checked in frames.ts, on the hot path.)
 */
import type { ChatHistoryResult, HistoryMessage, SessionRow, SessionsDeleteResult } from '../protocol/gateway';
import { isRecord, str } from '../protocol/schema';
import { messageText } from './run-stream';

/** One page of `sessions.list`: the rows with a string key, and where the next page starts. */
export function readSessionsPage(payload: unknown): { rows: SessionRow[]; nextOffset: number | undefined } {
  if (!isRecord(payload) || !Array.isArray(payload.sessions)) return { rows: [], nextOffset: undefined };
  const rows = payload.sessions.filter((row): row is SessionRow => isRecord(row) && typeof row.key === 'string');
  const more = payload.hasMore === true && typeof payload.nextOffset === 'number';
  return { rows, nextOffset: more ? (payload.nextOffset as number) : undefined };
}

/** `chat.history` (or `sessions.history`): the rows that are objects, oldest first. */
export function readHistory(payload: unknown, sessionKey: string): ChatHistoryResult {
  if (!isRecord(payload) || !Array.isArray(payload.messages)) return { sessionKey, messages: [] };
  return {
    sessionKey,
    messages: payload.messages.filter(isRecord) as HistoryMessage[],
    hasMore: payload.hasMore === true,
    totalMessages: typeof payload.totalMessages === 'number' ? payload.totalMessages : undefined,
  };
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
