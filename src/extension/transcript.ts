/**
 * The chat transcript the host owns, and how gateway history and live turn events become chat
 * items. Pure logic with no `vscode` import, so it is unit-tested directly.
 */
import type { HistoryMessage, SessionRow } from '../protocol/gateway';
import type { ChatItem, ChipView, ToolCallView, UsageView } from '../protocol/webview';
import { formatBytes } from './composer/limits';
import { isRecord, str } from '../protocol/schema';
import { messageText } from '../gateway/run-stream';
import { splitMessage } from './composer/context-text';
import { historyDiffs } from './changes/diff-view';

/** Tool arguments and results are cut to this many characters before they reach the webview. */
export const MAX_TOOL_TEXT = 4000;

export interface HistoryReadOptions {
  /** Rows of these runs are left out (a turn still streaming is shown from its live events). */
  skipRuns?: ReadonlySet<string>;
  /**
   * The rows are a whole stretch of history (default): a tool call whose result is not among them
   * was cut short. Off for rows that arrive one by one (`session.message`), where the result comes later.
   */
  complete?: boolean;
  /** Tool calls that wait for an approval: running, not cut short. */
  waiting?: ReadonlySet<string>;
}

/**
 * Chat items from `chat.history` rows: user and assistant text, tool calls merged with their
 * results. Item ids come from the rows' own ids (`u:<id>`, `a:<id>`, `t:<toolCallId>`), so the same
 * row read in another page, or live, is the same item. The gateway sends an assistant message with
 * text and a tool call as two rows of one id (text, then the call): both are kept, under distinct ids.
 */
export function itemsFromHistory(messages: readonly HistoryMessage[], options: HistoryReadOptions | ReadonlySet<string> = {}): ChatItem[] {
  const {
    skipRuns = new Set<string>(),
    complete = true,
    waiting = new Set<string>(),
  } = options instanceof Set ? { skipRuns: options } : (options as HistoryReadOptions);
  const items: ChatItem[] = [];
  const tools = new Map<string, ToolCallView>();
  /** Each call's arguments as the gateway sent them, for a file tool's diff. */
  const rawArgs = new Map<string, unknown>();
  const used = new Set<string>();
  const push = (item: ChatItem) => {
    let id = item.id;
    for (let n = 2; used.has(id); n++) id = `${item.id}:${n}`;
    used.add(id);
    items.push(id === item.id ? item : { ...item, id });
  };
  messages.forEach((message, index) => {
    // Rows of a turn still streaming are shown from the live events instead.
    if (skipRuns.size && skipRuns.has(runOf(message))) return;
    const rowId = rowIdOf(message, index);
    switch (message.role) {
      case 'user': {
        const text = messageText(message.content);
        // The gateway's own notes to the agent (after a restart, say) are not the person's words.
        if (text && isSystemNote(message)) push({ kind: 'notice', id: `n:${rowId}`, level: 'info', text: systemNoteText(text) });
        else if (text) {
          // After a crash the gateway folds a message it never answered into the next one; each is shown as sent.
          const { orphans, own } = unfoldQueued(text);
          // (the row right before, notes aside: an orphan is the session's last message when it is folded)
          const previous = items.findLast((i) => i.kind !== 'notice');
          orphans.forEach((orphan, n) => {
            // A gateway that kept the orphan's own row already showed it.
            if (n === 0 && previous?.kind === 'user' && previous.text === orphan) return;
            push(userItem(`u:${rowId}:q${n}`, orphan, undefined));
          });
          push(userItem(`u:${rowId}`, own, message.__openclaw));
        }
        break;
      }
      case 'assistant': {
        const parts = Array.isArray(message.content) ? message.content : [{ type: 'text', text: messageText(message.content) }];
        let text = '';
        parts.forEach((part, partIndex) => {
          if (!isRecord(part)) return;
          if (part.type === 'text' && typeof part.text === 'string') text += part.text;
          if (part.type === 'toolCall') {
            const toolCallId = str(part, 'id') ?? `${rowId}:${partIndex}`;
            // The same call seen twice (a row repeated) stays one card.
            if (tools.has(toolCallId)) return;
            const tool: ToolCallView = { toolCallId, name: str(part, 'name') ?? 'tool', args: toolText(part.arguments), state: 'running' };
            tools.set(toolCallId, tool);
            rawArgs.set(toolCallId, part.arguments);
            push({ kind: 'tool', id: `t:${toolCallId}`, tool });
          }
        });
        if (text.trim()) {
          const item: ChatItem = { kind: 'assistant', id: `a:${rowId}`, text: text.trimEnd(), streaming: false };
          const usage = usageView(message.usage);
          if (usage && message.stopReason !== 'toolUse') item.usage = usage;
          if (message.stopReason === 'aborted' || (isRecord(message.openclawAbort) && message.openclawAbort.aborted === true)) item.outcome = 'aborted';
          if (message.stopReason === 'error' && typeof message.errorMessage === 'string') {
            item.outcome = 'error';
            item.error = message.errorMessage;
          }
          push(item);
        }
        break;
      }
      case 'toolResult': {
        const toolCallId = message.toolCallId ?? '';
        const tool = tools.get(toolCallId);
        const result = toolText(message.content);
        if (tool) {
          tool.result = result;
          tool.state = message.isError ? 'error' : 'done';
          const diffs = message.isError ? undefined : historyDiffs(tool.name, rawArgs.get(toolCallId), message.details);
          if (diffs) tool.diffs = diffs;
        } else {
          push({
            kind: 'tool',
            id: `t:${toolCallId || rowId}`,
            tool: { toolCallId, name: message.toolName ?? 'tool', result, state: message.isError ? 'error' : 'done' },
          });
        }
        break;
      }
      case 'system': {
        const kind = message.__openclaw?.kind;
        if (kind === 'reset') push({ kind: 'notice', id: `n:${rowId}`, level: 'info', text: 'Session reset' });
        if (kind === 'compaction')
          push({ kind: 'notice', id: `n:${rowId}`, level: 'info', text: 'Session compacted: earlier turns were replaced by a summary' });
        break;
      }
      default:
        break;
    }
  });
  // A tool call whose result never came was cut short, unless it waits for a person.
  if (complete) for (const tool of tools.values()) if (tool.state === 'running' && !waiting.has(tool.toolCallId)) tool.state = 'error';
  return items;
}

/** A row's own id (`__openclaw.id`), else one made from its place in the history or the page. */
export function rowIdOf(message: HistoryMessage, index: number): string {
  const id = message.__openclaw?.id;
  if (typeof id === 'string' && id) return id;
  const seq = message.__openclaw?.seq;
  return typeof seq === 'number' ? `seq-${seq}` : `row-${index}`;
}

/** The row id behind a chat item made from history (`u:<id>` of a user message), if it is one. */
export function entryIdOf(itemId: string): string | undefined {
  return itemId.startsWith('u:') ? itemId.slice(2) : undefined;
}

/**
 * A person's message from history, with its chips: those of the context blocks in its text
 * (what this extension sent), and the files the gateway stored for it (`__openclaw.media`, what
 * `chat.send` clients such as OpenClaw's own web chat sent) that no block names already.
 */
function userItem(id: string, content: string, meta: unknown): ChatItem {
  const { text, chips } = splitMessage(content);
  const media = isRecord(meta) && Array.isArray(meta.media) ? meta.media.filter(isRecord) : [];
  const images = chips.filter((c) => c.kind === 'image').length;
  media.forEach((file, index) => {
    const isImage = file.kind === 'image';
    // Our images are named by their blocks already; the gateway stores them with no name.
    if (isImage && index < images) return;
    const name = str(file, 'fileName') ?? (isImage ? 'image' : 'file');
    const chip: ChipView = { kind: isImage ? 'image' : 'file', label: name };
    if (typeof file.sizeBytes === 'number') chip.detail = formatBytes(file.sizeBytes);
    chips.push(chip);
  });
  const item: ChatItem = { kind: 'user', id, text };
  if (chips.length) item.chips = chips;
  return item;
}

/** What the gateway puts before a message it folds into the next prompt after a restart. */
export const QUEUED_MARKER = '[Queued user message from a previous active turn; preserved as context only. Continue with the active prompt below.]';

/**
 * A user row's own message and the unanswered ones the gateway folded in before it, each as
 * `MARKER\n<message>\n\n` (OpenClaw's orphaned-prompt repair after a crash).
 */
export function unfoldQueued(text: string): { orphans: string[]; own: string } {
  const orphans: string[] = [];
  let rest = text;
  while (rest.startsWith(`${QUEUED_MARKER}\n`)) {
    const body = rest.slice(QUEUED_MARKER.length + 1);
    const end = body.indexOf('\n\n');
    if (end < 0) break;
    orphans.push(body.slice(0, end));
    rest = body.slice(end + 2);
  }
  return { orphans, own: rest };
}

/** A row the gateway wrote in the user's place: `provenance.kind` is `internal_system`. */
function isSystemNote(message: HistoryMessage): boolean {
  return isRecord(message.provenance) && message.provenance.kind === 'internal_system';
}

/** "System note: " and the note's first sentence, without its "[System]" tag. */
function systemNoteText(text: string): string {
  const body = text.replace(/^\s*\[System\]\s*/i, '').trim();
  const first = /^.*?[.!?](?=\s|$)/s.exec(body)?.[0] ?? body;
  return `System note: ${first.length > 300 ? `${first.slice(0, 297)}…` : first}`;
}

/** The run a history row belongs to: its `__openclaw.runId`, or the key its user row was sent with. */
export function runOf(message: HistoryMessage): string {
  const runId = message.__openclaw?.runId;
  if (runId) return runId;
  const key = message.idempotencyKey;
  return typeof key === 'string' ? key.replace(/:user$/, '') : '';
}

/** Pretty, bounded text for tool arguments and results (objects as JSON, text parts as text). */
export function toolText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((p) => isRecord(p) && p.type === 'text')) text = messageText(value);
  else if (isRecord(value) && Array.isArray(value.content)) text = messageText(value.content) || safeJson(value);
  else text = safeJson(value);
  return text.length > MAX_TOOL_TEXT ? `${text.slice(0, MAX_TOOL_TEXT)}\n… (${text.length - MAX_TOOL_TEXT} more characters)` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Token usage as the chat shows it, from either history (`input`/`output`) or a final result. */
export function usageView(usage: unknown): UsageView | undefined {
  if (!isRecord(usage)) return undefined;
  const num = (...keys: string[]) => {
    for (const key of keys) {
      const value = usage[key];
      if (typeof value === 'number') return value;
    }
    return undefined;
  };
  const view: UsageView = { input: num('input', 'inputTokens'), output: num('output', 'outputTokens'), total: num('totalTokens', 'total') };
  // All zeros is what a stopped or injected reply carries: no count at all, not a count of nothing.
  return [view.input, view.output, view.total].some((n) => n !== undefined && n !== 0) ? view : undefined;
}

/**
 * A session's title, the same in the chat header, the tree and the pickers: its label, display name
 * or derived title, else the last part of its key. A display name that only repeats the key's last
 * part (what the gateway shows for an unnamed session) is no title.
 */
export function sessionTitle(row: Pick<SessionRow, 'key' | 'label' | 'displayName' | 'derivedTitle'>): string {
  const parts = row.key.split(':');
  const last = parts[parts.length - 1] || row.key;
  for (const candidate of [row.label, row.displayName, row.derivedTitle]) {
    if (typeof candidate === 'string' && candidate.trim() && candidate.trim() !== last) return candidate.trim();
  }
  // Sessions this extension starts are named by time until the gateway derives a title.
  return /^vscode-[0-9a-z]+$/.test(last) ? 'New session' : last;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(ms: number | undefined, now = Date.now()): string {
  if (!ms) return '';
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}
