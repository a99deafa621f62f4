// Host messages arrive as structured-clone data on `window.message`; nothing about their shape is
// guaranteed at runtime (another frame could post too), so each one is checked before it is used.
// A message that does not fit the contract is dropped whole rather than half-applied.
import type { ActionId, ChatItem, ConnectionView, HostMessage, SessionView, ToolCallView, UsageView } from '../src/protocol/webview';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optional = <T>(v: unknown, check: (x: unknown) => x is T): boolean => v === undefined || check(v);
const oneOf =
  <T extends string>(...values: T[]) =>
  (v: unknown): v is T =>
    values.includes(v as T);

const ACTION_IDS: ActionId[] = ['reconnect', 'setToken', 'approvePairing', 'openSettings', 'showLog', 'newSession', 'switchSession'];
const isActionId = oneOf(...ACTION_IDS);
const isConnectionKind = oneOf('connecting', 'connected', 'reconnecting', 'failed', 'unconfigured', 'closed');

function isUsage(v: unknown): v is UsageView {
  return isObj(v) && optional(v.input, isNum) && optional(v.output, isNum) && optional(v.total, isNum);
}

function isTool(v: unknown): v is ToolCallView {
  return (
    isObj(v) &&
    isStr(v.toolCallId) &&
    isStr(v.name) &&
    optional(v.args, isStr) &&
    optional(v.result, isStr) &&
    oneOf('running', 'done', 'error')(v.state)
  );
}

export function isChatItem(v: unknown): v is ChatItem {
  if (!isObj(v) || !isStr(v.id)) return false;
  switch (v.kind) {
    case 'user':
      return isStr(v.text) && optional(v.pending, oneOf('queued', 'sending')) && optional(v.context, isStr);
    case 'assistant':
      return (
        isStr(v.text) &&
        isBool(v.streaming) &&
        optional(v.outcome, oneOf('ok', 'aborted', 'error', 'interrupted')) &&
        optional(v.error, isStr) &&
        optional(v.usage, isUsage) &&
        optional(v.activity, isStr)
      );
    case 'tool':
      return isTool(v.tool);
    case 'notice':
      return oneOf('info', 'warning', 'error')(v.level) && isStr(v.text);
    default:
      return false;
  }
}

function isConnection(v: unknown): v is ConnectionView {
  return (
    isObj(v) &&
    isConnectionKind(v.kind) &&
    isStr(v.title) &&
    optional(v.detail, isStr) &&
    Array.isArray(v.actions) &&
    v.actions.every((a) => isObj(a) && isActionId(a.id) && isStr(a.label))
  );
}

function isSession(v: unknown): v is SessionView {
  return isObj(v) && isStr(v.key) && isStr(v.title);
}

/** Returns the message if it matches the `HostMessage` contract, otherwise undefined. */
export function parseHostMessage(data: unknown): HostMessage | undefined {
  if (!isObj(data) || !isNum(data.seq)) return undefined;
  const m = data;
  let ok: boolean;
  switch (m.type) {
    case 'snapshot':
      ok = isSession(m.session) && Array.isArray(m.items) && m.items.every(isChatItem) && isBool(m.busy) && isConnection(m.connection) && isBool(m.loading);
      break;
    case 'upsert':
      ok = isChatItem(m.item);
      break;
    case 'append':
      ok = isStr(m.id) && isStr(m.text);
      break;
    case 'remove':
      ok = isStr(m.id);
      break;
    case 'busy':
      ok = isBool(m.busy);
      break;
    case 'connection':
      ok = isConnection(m.connection);
      break;
    case 'focus':
      ok = true;
      break;
    default:
      ok = false;
  }
  return ok ? (m as HostMessage) : undefined;
}
