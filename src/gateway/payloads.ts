/**
 * Every answer payload the client reads, read in one place: the gateway's JSON is untrusted, so
 * each reader keeps what has the right type and drops the rest, never throws, and says in its type
 * what the rest of the client may rely on. (`hello-ok` has a full schema in protocol/gateway.ts;
 * frames and `agent` events are checked in frames.ts, on the hot path.)
 */
import type { ChatHistoryResult, HistoryMessage, SessionRow, SessionsDeleteResult } from '../protocol/gateway';
import { isRecord, str } from '../protocol/schema';
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
  const rows = payload.sessions.filter((row): row is SessionRow => isRecord(row) && typeof row.key === 'string');
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
