/**
 * Every answer payload the client reads, read in one place: the gateway's JSON is untrusted, so
 * each reader keeps what has the right type and drops the rest, never throws, and says in its type
 * what the rest of the client may rely on. (`hello-ok` has a full schema in protocol/gateway.ts;
 * frames and `agent` events are checked in frames.ts, on the hot path.)
 */
import {
  APPROVAL_DECISIONS,
  SearchHitSchema,
  type ApprovalDecision,
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

/** What a session that sets nothing of its own runs with (`sessions.list` `defaults`). */
export interface SessionDefaults {
  model?: string;
  modelProvider?: string;
  thinkingLevels: string[];
  thinkingDefault?: string;
}

/** One page of `sessions.list`: the rows with a string key, where the next page starts, and the defaults. */
export function readSessionsPage(payload: unknown): { rows: SessionRow[]; nextOffset: number | undefined; defaults?: SessionDefaults } {
  if (!isRecord(payload) || !Array.isArray(payload.sessions)) return { rows: [], nextOffset: undefined };
  const rows: SessionRow[] = [];
  for (const row of payload.sessions) {
    const read = readSessionRow(row);
    if (read) rows.push(read);
  }
  const more = payload.hasMore === true && typeof payload.nextOffset === 'number';
  const d = payload.defaults;
  const defaults = isRecord(d)
    ? {
        model: str(d, 'model'),
        modelProvider: str(d, 'modelProvider'),
        thinkingLevels: readLevels(d.thinkingLevels ?? d.thinkingOptions),
        thinkingDefault: str(d, 'thinkingDefault'),
      }
    : undefined;
  return { rows, nextOffset: more ? (payload.nextOffset as number) : undefined, defaults };
}

/** Thinking levels as ids, from `[{id, label}]` (models, rows) or `["off", ...]` (`thinkingOptions`). */
export function readLevels(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const ids = value.map((level) => (typeof level === 'string' ? level : str(level, 'id'))).filter((id): id is string => !!id && id.length <= 100);
  return [...new Set(ids)];
}

/** A model of `models.list`. `ref` ("provider/id") is what `sessions.patch {model}` takes. */
export interface ModelInfo {
  ref: string;
  id: string;
  provider?: string;
  name: string;
  /** What it takes (`["text", "image"]`); only the `provider-config` view says. */
  input?: string[];
  thinkingLevels: string[];
  thinkingDefault?: string;
}

/** `models.list`: the rows with a string id. */
export function readModels(payload: unknown): ModelInfo[] {
  if (!isRecord(payload) || !Array.isArray(payload.models)) return [];
  const models: ModelInfo[] = [];
  for (const row of payload.models) {
    const id = str(row, 'id');
    if (!id || !isRecord(row)) continue;
    const provider = str(row, 'provider');
    const input = Array.isArray(row.input) ? row.input.filter((i): i is string => typeof i === 'string') : undefined;
    models.push({
      ref: provider ? `${provider}/${id}` : id,
      id,
      provider,
      name: str(row, 'name') ?? id,
      input,
      thinkingLevels: readLevels(row.thinkingLevels),
      thinkingDefault: str(row, 'thinkingDefault'),
    });
  }
  return models;
}

/** A slash command of `commands.list`. */
export interface CommandInfo {
  name: string;
  description: string;
  /** The words that run it: `/help`, and aliases like `/tell` for `/steer`. */
  aliases: string[];
  takesArgs: boolean;
  /** Its arguments as a hint: "<message>", "[mode: on|off]". */
  argsHint?: string;
}

/** `commands.list`: commands with a name, each with at least its own `/name` as an alias. */
export function readCommands(payload: unknown): CommandInfo[] {
  if (!isRecord(payload) || !Array.isArray(payload.commands)) return [];
  const commands: CommandInfo[] = [];
  for (const row of payload.commands) {
    const name = str(row, 'name');
    if (!name || !isRecord(row) || !/^[\w.-]{1,100}$/.test(name)) continue;
    const aliases = Array.isArray(row.textAliases) ? row.textAliases.filter((a): a is string => typeof a === 'string' && /^\/[\w.-]{1,100}$/.test(a)) : [];
    if (!aliases.includes(`/${name}`)) aliases.unshift(`/${name}`);
    const args = Array.isArray(row.args) ? row.args.filter(isRecord) : [];
    const hint = args
      .map((arg) => {
        const argName = str(arg, 'name') ?? 'arg';
        const choices = Array.isArray(arg.choices) ? arg.choices.map((c) => str(c, 'value')).filter(Boolean) : [];
        const inner = choices.length ? `${argName}: ${choices.join('|')}` : argName;
        return arg.required === true ? `<${inner}>` : `[${inner}]`;
      })
      .join(' ');
    commands.push({ name, description: str(row, 'description') ?? '', aliases, takesArgs: row.acceptsArgs === true, argsHint: hint || undefined });
  }
  return commands;
}

/** A `chat` event: the state of a `chat.send` run, and the reply's text when it is final. */
export interface ChatEventInfo {
  runId: string;
  sessionKey?: string;
  state: string;
  text?: string;
  error?: string;
}

export function readChatEvent(payload: unknown): ChatEventInfo | undefined {
  const runId = str(payload, 'runId');
  const state = str(payload, 'state');
  if (!runId || !state || !isRecord(payload)) return undefined;
  const message = isRecord(payload.message) ? payload.message : undefined;
  return {
    runId,
    sessionKey: str(payload, 'sessionKey'),
    state,
    text: message ? messageText(message.content) || str(message, 'text') : undefined,
    error: str(payload, 'errorMessage'),
  };
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

// ---- approvals and questions ---------------------------------------------------------------

/** An exec approval the gateway waits for, merged from whichever frames told of it. */
export interface ExecApproval {
  id: string;
  /** The session whose run asks (absent for runs outside any session). */
  sessionKey?: string;
  runId?: string;
  toolCallId?: string;
  /** The command as the gateway will run it. */
  command: string;
  cwd?: string;
  /** `gateway`, `sandbox`, `node`. */
  host?: string;
  nodeId?: string;
  agentId?: string;
  /** The gateway's warnings about the command (`warningText`, then `commandAnalysis.warningLines`). */
  warnings: string[];
  /** Never empty: `deny` is always allowed, and an approval that names no decision offers only `deny`. */
  allowedDecisions: ApprovalDecision[];
  createdAtMs?: number;
  expiresAtMs?: number;
}

/** How an approval ended, as the gateway tells it. */
export interface ApprovalResolution {
  id: string;
  status: 'allowed' | 'denied' | 'expired' | 'cancelled';
  decision?: ApprovalDecision;
  /** `user`, `timeout`, `no-route`, `run-aborted`, `gateway-restart`, ... */
  reason?: string;
  resolvedAtMs?: number;
  /** Who decided: `resolver.kind` (`device`, `runtime`, `system`) and `resolvedBy` (a client id). */
  resolverKind?: string;
  resolvedBy?: string;
}

/** What one approval snapshot (`session.approval`, a replay, `approval.get`) says: still pending, or how it ended. */
export type ApprovalSnapshot = { pending: ExecApproval } | { ended: ApprovalResolution };

const MAX_WARNINGS = 20;
const TERMINAL_APPROVAL = new Set(['allowed', 'denied', 'expired', 'cancelled']);

function num(value: unknown, key: string): number | undefined {
  const field = isRecord(value) ? value[key] : undefined;
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

function decisions(value: unknown): ApprovalDecision[] {
  const given = Array.isArray(value) ? value : [];
  const allowed = APPROVAL_DECISIONS.filter((d) => given.includes(d));
  // Deny is always possible: an approval that names nothing can still be refused.
  return allowed.includes('deny') ? allowed : [...allowed, 'deny'];
}

function warnings(...sources: unknown[]): string[] {
  const out: string[] = [];
  for (const source of sources) {
    for (const line of Array.isArray(source) ? source : [source]) if (typeof line === 'string' && line.trim() && !out.includes(line)) out.push(line);
  }
  return out.slice(0, MAX_WARNINGS);
}

/** Drops the fields a reader left undefined, so that merging two readings keeps what either knew. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * `exec.approval.requested`, and each row of `exec.approval.list`: `{approvalKind, id, request{command,
 * cwd, host, sessionKey, runId, toolCallId, allowedDecisions, ...}, createdAtMs, expiresAtMs}`.
 */
export function readExecApprovalRequest(payload: unknown): ExecApproval | undefined {
  if (!isRecord(payload) || !isRecord(payload.request)) return undefined;
  const kind = payload.approvalKind;
  if (kind !== undefined && kind !== 'exec') return undefined;
  const id = str(payload, 'id');
  const request = payload.request;
  const command = str(request, 'command');
  if (!id || !command) return undefined;
  const analysis = isRecord(request.commandAnalysis) ? request.commandAnalysis : undefined;
  return defined({
    id,
    sessionKey: str(request, 'sessionKey'),
    runId: str(request, 'runId'),
    toolCallId: str(request, 'toolCallId'),
    command,
    cwd: str(request, 'cwd'),
    host: str(request, 'host'),
    nodeId: str(request, 'nodeId'),
    agentId: str(request, 'agentId'),
    warnings: warnings(request.warningText, analysis?.warningLines),
    allowedDecisions: decisions(request.allowedDecisions),
    createdAtMs: num(payload, 'createdAtMs'),
    expiresAtMs: num(payload, 'expiresAtMs'),
  });
}

/** `exec.approval.list`: the pending exec approvals of every session. */
export function readExecApprovalList(payload: unknown): ExecApproval[] {
  const rows = Array.isArray(payload) ? payload : [];
  return rows.map(readExecApprovalRequest).filter((a): a is ExecApproval => a !== undefined);
}

/**
 * One approval snapshot: `{id, status, presentation{kind, commandText, warningText, host, nodeId, agentId,
 * allowedDecisions}, createdAtMs, expiresAtMs, resolvedAtMs?, decision?, reason?, resolver?}`. Only exec
 * approvals are read; `sessionKey` is the session the snapshot came with.
 */
export function readApprovalSnapshot(value: unknown, sessionKey?: string): ApprovalSnapshot | undefined {
  if (!isRecord(value)) return undefined;
  const id = str(value, 'id');
  const status = str(value, 'status');
  if (!id || !status) return undefined;
  if (TERMINAL_APPROVAL.has(status)) {
    const decision = str(value, 'decision');
    return {
      ended: defined({
        id,
        status: status as ApprovalResolution['status'],
        decision: APPROVAL_DECISIONS.find((d) => d === decision),
        reason: str(value, 'reason'),
        resolvedAtMs: num(value, 'resolvedAtMs'),
        resolverKind: str(value.resolver, 'kind'),
      }),
    };
  }
  const presentation = value.presentation;
  if (status !== 'pending' || !isRecord(presentation) || presentation.kind !== 'exec') return undefined;
  const command = str(presentation, 'commandText');
  if (!command) return undefined;
  return {
    pending: defined({
      id,
      sessionKey: sessionKey ?? str(value, 'sourceSessionKey'),
      command,
      host: str(presentation, 'host'),
      nodeId: str(presentation, 'nodeId'),
      agentId: str(presentation, 'agentId'),
      warnings: warnings(presentation.warningText),
      allowedDecisions: decisions(presentation.allowedDecisions),
      createdAtMs: num(value, 'createdAtMs'),
      expiresAtMs: num(value, 'expiresAtMs'),
    }),
  };
}

/** `session.approval`: `{sessionKey, phase: pending|terminal, approval{...snapshot}}`. */
export function readSessionApproval(payload: unknown): ApprovalSnapshot | undefined {
  if (!isRecord(payload)) return undefined;
  return readApprovalSnapshot(payload.approval, str(payload, 'sessionKey'));
}

/** The `approvalReplay` of a `sessions.messages.subscribe {key, includeApprovals: true}` answer: what is still pending. */
export function readApprovalReplay(payload: unknown): ExecApproval[] {
  const replay = isRecord(payload) && isRecord(payload.approvalReplay) ? payload.approvalReplay : undefined;
  if (!replay || !Array.isArray(replay.approvals)) return [];
  const sessionKey = str(replay, 'sessionKey');
  return replay.approvals.flatMap((row) => {
    const snapshot = readApprovalSnapshot(row, str(row, 'sourceSessionKey') ?? sessionKey);
    return snapshot && 'pending' in snapshot ? [snapshot.pending] : [];
  });
}

/** `exec.approval.resolved`: `{id, decision, resolvedBy, ts}`. */
export function readExecApprovalResolved(payload: unknown): ApprovalResolution | undefined {
  const id = str(payload, 'id');
  const decision = APPROVAL_DECISIONS.find((d) => d === str(payload, 'decision'));
  if (!id || !decision) return undefined;
  return defined({
    id,
    status: decision === 'deny' ? ('denied' as const) : ('allowed' as const),
    decision,
    reason: 'user',
    resolvedAtMs: num(payload, 'ts'),
    resolvedBy: str(payload, 'resolvedBy'),
  });
}

/** One of the agent's questions as the gateway asks it (`question.requested`, `question.list`). */
export interface AgentQuestionItem {
  id: string;
  header: string;
  question: string;
  options: Array<{ label: string; description?: string }>;
  multiSelect: boolean;
  /** An own answer besides the options is welcome. */
  other: boolean;
  /** The answer is a secret: typed masked, never shown back. */
  secret: boolean;
}

export type QuestionStatus = 'pending' | 'answered' | 'cancelled' | 'expired';

/** A question record: one `ask_user` call, with one to a few questions. */
export interface AgentQuestion {
  id: string;
  sessionKey?: string;
  runId?: string;
  agentId?: string;
  questions: AgentQuestionItem[];
  createdAtMs?: number;
  expiresAtMs?: number;
  status: QuestionStatus;
  /** Per question id, the answers given (once `answered`). */
  answers?: Record<string, string[]>;
}

const QUESTION_STATUSES: readonly QuestionStatus[] = ['pending', 'answered', 'cancelled', 'expired'];
const MAX_QUESTIONS = 8;
const MAX_OPTIONS = 16;

function readAnswers(value: unknown): Record<string, string[]> | undefined {
  const inner = isRecord(value) ? value.answers : undefined;
  if (!isRecord(inner)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(inner)) {
    if (Array.isArray(values)) out[key] = values.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

function readQuestionItem(value: unknown): AgentQuestionItem | undefined {
  const id = str(value, 'questionId');
  const question = str(value, 'question');
  if (!isRecord(value) || !id || !question) return undefined;
  const options = (Array.isArray(value.options) ? value.options : [])
    .slice(0, MAX_OPTIONS)
    .flatMap((o) => (str(o, 'label') ? [defined({ label: str(o, 'label')!, description: str(o, 'description') })] : []));
  return {
    id,
    header: str(value, 'header') ?? '',
    question,
    options,
    multiSelect: value.multiSelect === true,
    other: value.isOther === true,
    secret: value.isSecret === true,
  };
}

/** A question record (`question.requested`, a row of `question.list`, `question.get`'s `question`). */
export function readQuestionRecord(value: unknown): AgentQuestion | undefined {
  const id = str(value, 'id');
  if (!isRecord(value) || !id || !Array.isArray(value.questions)) return undefined;
  const questions = value.questions
    .slice(0, MAX_QUESTIONS)
    .map(readQuestionItem)
    .filter((q): q is AgentQuestionItem => q !== undefined);
  if (!questions.length) return undefined;
  const status = QUESTION_STATUSES.find((s) => s === value.status) ?? 'pending';
  return defined({
    id,
    sessionKey: str(value, 'sessionKey'),
    runId: str(value, 'runId'),
    agentId: str(value, 'agentId'),
    questions,
    createdAtMs: num(value, 'createdAtMs'),
    expiresAtMs: num(value, 'expiresAtMs'),
    status,
    answers: readAnswers(value.answers),
  });
}

/** `question.list`: `{questions: [record]}`. */
export function readQuestionList(payload: unknown): AgentQuestion[] {
  const rows = isRecord(payload) && Array.isArray(payload.questions) ? payload.questions : [];
  return rows.map(readQuestionRecord).filter((q): q is AgentQuestion => q !== undefined);
}

/** `question.resolved` and `question.resolve`'s answer: `{id?, status, answers?}`. */
export function readQuestionOutcome(
  payload: unknown,
): { id?: string; status: Exclude<QuestionStatus, 'pending'>; answers?: Record<string, string[]> } | undefined {
  const status = QUESTION_STATUSES.find((s) => s !== 'pending' && s === str(payload, 'status'));
  if (!status || status === 'pending') return undefined;
  return defined({ id: str(payload, 'id'), status, answers: readAnswers(isRecord(payload) ? payload.answers : undefined) });
}
