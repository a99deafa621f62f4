/**
 * The contract between the extension host and the chat webview. The host owns the transcript and
 * the connection; the webview renders what it is sent and keeps only UI state (draft, scroll,
 * which tool cards are open). No secret ever crosses this boundary.
 *
 * Each direction is one map of `{ type: fields }` written with schema.ts: the message types and the
 * runtime guards both come from it, and both sides use the guards, since neither side may trust what
 * the other posts (a compromised page, a stale bundle, another frame). Imports only schema.ts, and
 * from gateway.ts the decisions an approval card may offer.
 */
import { APPROVAL_DECISIONS } from './gateway';
import { array, boolean, isRecord, literal, number, object, optional, string, unknown, variants, type Infer, type InferShape, type Schema } from './schema';

/** Longest message the composer may send; the gateway's own frame limit is checked again in the client. */
export const MAX_SEND_CHARS = 1_000_000;
/** Longest text the webview may ask to copy or insert (a code block of a reply). */
export const MAX_CODE_CHARS = 5_000_000;
const MAX_HREF_CHARS = 8_192;
/** Longest answer to one of the agent's questions, as typed. */
export const MAX_ANSWER_CHARS = 10_000;

/** Buttons the webview may offer; the host decides what each does. */
export const ACTION_IDS = ['reconnect', 'setToken', 'approvePairing', 'openSettings', 'showLog', 'newSession', 'switchSession'] as const;
export type ActionId = (typeof ACTION_IDS)[number];

const text = string();
const count = number({ min: 0, integer: true });
// Ids are made by the host, partly from gateway ids; no length cap, so a long one cannot make the chat drop every snapshot.
const id = string({ min: 1 });

/** A tool call as the chat shows it: arguments and result are already pretty, truncated text. */
const ToolCallView = object({
  toolCallId: string(),
  name: string(),
  args: optional(text),
  result: optional(text),
  state: literal('running', 'done', 'error'),
});
export type ToolCallView = Infer<typeof ToolCallView>;

const UsageView = object({ input: optional(number()), output: optional(number()), total: optional(number()) });
export type UsageView = Infer<typeof UsageView>;

/** Where an approval or a question stands, as its card shows it. */
export const APPROVAL_STATES = ['pending', 'deciding', 'allowed', 'denied', 'expired', 'cancelled'] as const;
export const QUESTION_STATES = ['pending', 'submitting', 'answered', 'skipped', 'expired', 'cancelled'] as const;
/** Ids of approvals and questions are the gateway's (a UUID, `ask_<hash>`): short. */
const gatewayId = string({ min: 1, max: 200 });

/** One of the agent's questions: its options, and whether an own answer ("other") or a masked one is asked for. */
const QuestionView = object({
  id: gatewayId,
  header: text,
  question: text,
  options: array(object({ label: text, description: optional(text) }), { max: 16 }),
  multiSelect: boolean(),
  other: boolean(),
  /** A secret: typed into a masked field, never shown back. */
  secret: boolean(),
  /** The answer as the card shows it once given ("Blue", "S, L"; a secret's is masked). */
  answer: optional(text),
});
export type QuestionView = Infer<typeof QuestionView>;

export const ChatItem = variants('kind', {
  user: {
    id,
    text,
    /** `queued`: typed while offline, sent once connected (never twice). */
    pending: optional(literal('queued', 'sending')),
    /** Context attached by "Ask About Selection": file and line range, shown as a chip. */
    context: optional(text),
  },
  assistant: {
    id,
    /** Markdown. While `streaming`, `append` messages add to it. */
    text,
    streaming: boolean(),
    /** How the turn ended; absent while streaming and for history rows. */
    outcome: optional(literal('ok', 'aborted', 'error', 'interrupted')),
    error: optional(text),
    usage: optional(UsageView),
    /** What the agent is doing now ("thinking", "running ls"), while streaming. */
    activity: optional(text),
  },
  tool: { id, tool: ToolCallView },
  notice: { id, level: literal('info', 'warning', 'error'), text },
  /** The agent waits for a person to allow or deny a shell command. Every string is the gateway's, shown as text. */
  approval: {
    id,
    approvalId: gatewayId,
    /** The whole command, untruncated: the card folds a long one and unfolds it on request. */
    command: text,
    /** Where it runs: the gateway host or a node, and the working directory. */
    host: optional(text),
    cwd: optional(text),
    /** Who asks: the agent's id. */
    agent: optional(text),
    warnings: array(text, { max: 20 }),
    /** Exactly the decisions the gateway allows, in the order the buttons show them. */
    decisions: array(literal(...APPROVAL_DECISIONS), { max: APPROVAL_DECISIONS.length }),
    /** When the gateway stops waiting and denies it (epoch ms), for the countdown. */
    expiresAtMs: optional(number({ min: 0 })),
    state: literal(...APPROVAL_STATES),
    /** Who decided what, or why it ended ("Allowed once by you"). */
    outcome: optional(text),
    /** Why the last decision could not be sent. */
    error: optional(text),
  },
  /** The agent asks the person (`ask_user`) and waits for the answers. */
  question: {
    id,
    questionId: gatewayId,
    questions: array(QuestionView, { max: 8 }),
    expiresAtMs: optional(number({ min: 0 })),
    state: literal(...QUESTION_STATES),
    outcome: optional(text),
    error: optional(text),
  },
});
export type ChatItem = Infer<typeof ChatItem>;

const ConnectionView = object({
  /** `limited`: connected, but the gateway routes no approvals or questions to this client. */
  kind: literal('connecting', 'connected', 'limited', 'reconnecting', 'failed', 'unconfigured', 'closed'),
  /** One line: "Connected to OpenClaw 2026.9.6", "Reconnecting in 4 s", "Wrong gateway token". */
  title: text,
  /** What to do, in a sentence (e.g. the pairing command to run). */
  detail: optional(text),
  actions: array(object({ id: literal(...ACTION_IDS), label: text }), { max: 8 }),
});
export type ConnectionView = Infer<typeof ConnectionView>;

const SessionView = object({
  key: text,
  title: text,
  /** The connection may rewind this session (`sessions.rewind` needs operator.admin): user messages offer it. */
  canRewind: optional(boolean()),
});
export type SessionView = Infer<typeof SessionView>;

/**
 * Host -> webview. Every message also carries `seq`, one more per message; a webview that sees a
 * hole asks for a fresh `snapshot` with `ready`.
 */
export const HOST_MESSAGES = {
  snapshot: {
    session: SessionView,
    items: array(ChatItem),
    busy: boolean(),
    connection: ConnectionView,
    loading: boolean(),
    /** How many older messages the gateway has before `items` (loaded with the `loadEarlier` request); absent or 0: none. */
    earlier: optional(count),
  },
  /** Add an item, or replace the item with the same id. */
  upsert: { item: ChatItem },
  /** Streamed text for an assistant item, already coalesced by the host. */
  append: { id, text },
  remove: { id },
  /** Older items, to go before the first one without moving what the person reads; `earlier` is how many are still older. */
  prepend: { items: array(ChatItem), earlier: count },
  /** Scroll to this item and highlight it (a search hit opened). */
  reveal: { id },
  /** Put this text in the message box, to be edited and sent (a message forked or rewound to). */
  draft: { text: string({ max: MAX_SEND_CHARS }) },
  busy: { busy: boolean() },
  connection: { connection: ConnectionView },
  /** The shown session's title changed (renamed, or titled by the gateway). */
  session: { session: SessionView },
  /** The answer to a webview request of the same id (the result is checked against its method). */
  reply: { id: number({ min: 1, integer: true }), ok: boolean(), result: optional(unknown()), error: optional(string()) },
  focus: {},
};

/** Webview -> host. */
export const WEBVIEW_MESSAGES = {
  /** Sent on load and whenever the webview lost track: the host answers with a snapshot. */
  ready: {},
  send: { text: string({ min: 1, max: MAX_SEND_CHARS }) },
  stop: {},
  action: { id: literal(...ACTION_IDS) },
  openLink: { href: string({ min: 1, max: MAX_HREF_CHARS }) },
};

/**
 * Webview -> host requests, each naming the result its reply carries. The webview sends
 * `{type: 'request', id, method, params}`; the host answers with a `reply` host message of the same
 * id, `ok` with the result or not with an error sentence. The webview gives up after a timeout.
 */
export const WEBVIEW_REQUESTS = {
  /** Puts a code block on the clipboard. */
  copy: { params: { text: string({ max: MAX_CODE_CHARS }) }, result: object({}, { strict: true }) },
  /** Writes a code block into the active editor; `inserted: false` when no editor is active. */
  insert: { params: { text: string({ max: MAX_CODE_CHARS }) }, result: object({ inserted: boolean() }, { strict: true }) },
  /**
   * A decision on a pending approval. The host checks that the gateway waits for exactly this
   * approval and offers this decision, and asks in a modal before allowing it always;
   * `decided: false` when the person cancelled that modal.
   */
  decideApproval: { params: { id: gatewayId, decision: literal(...APPROVAL_DECISIONS) }, result: object({ decided: boolean() }, { strict: true }) },
  /** Answers a pending question: the chosen labels and own words per question (checked by the host). */
  answerQuestion: {
    params: {
      id: gatewayId,
      answers: array(object({ questionId: gatewayId, values: array(string({ max: MAX_ANSWER_CHARS }), { max: 16 }) }, { strict: true }), { max: 8 }),
    },
    result: object({ answered: boolean() }, { strict: true }),
  },
  /** Skips a pending question: the agent goes on without an answer. */
  skipQuestion: { params: { id: gatewayId }, result: object({ skipped: boolean() }, { strict: true }) },
  /** Loads the page of history before the first item (it arrives as a `prepend`); `earlier` is how many are still older. */
  loadEarlier: { params: {}, result: object({ earlier: count }, { strict: true }) },
  /** "Edit and resend from here" on a user message: a new session with the history before it, that message in the box. */
  forkFrom: { params: { id }, result: object({}, { strict: true }) },
  /** "Rewind to here" on a user message, after the person confirms: `done: false` when they did not. */
  rewindTo: { params: { id }, result: object({ done: boolean() }, { strict: true }) },
};

type MessageMap = Record<string, Record<string, Schema<unknown>>>;
/** The union of `{ type, ...fields }` that a message map describes. */
export type MessageOf<M extends MessageMap> = { [K in keyof M & string]: { type: K } & InferShape<M[K]> }[keyof M & string];

type Requests = typeof WEBVIEW_REQUESTS;
export type RequestMethod = keyof Requests;
export type RequestParams<M extends RequestMethod> = InferShape<Requests[M]['params']>;
export type RequestResult<M extends RequestMethod> = Infer<Requests[M]['result']>;
export type WebviewRequest = { [M in RequestMethod]: { type: 'request'; id: number; method: M; params: RequestParams<M> } }[RequestMethod];

export type HostMessage = MessageOf<typeof HOST_MESSAGES> & { seq: number };
export type WebviewMessage = MessageOf<typeof WEBVIEW_MESSAGES> | WebviewRequest;

/** A message as the host builds it; `seq` is stamped when it is posted. */
export type UnnumberedHostMessage = MessageOf<typeof HOST_MESSAGES>;

const seq = number({ min: 0, integer: true });
const hostMessage = variants('type', Object.fromEntries(Object.entries(HOST_MESSAGES).map(([type, shape]) => [type, { ...shape, seq }])), { strict: true });
const webviewMessage = variants('type', WEBVIEW_MESSAGES, { strict: true });
const webviewRequest = variants(
  'method',
  Object.fromEntries(
    Object.entries(WEBVIEW_REQUESTS).map(([method, { params }]) => [
      method,
      { type: literal('request'), id: number({ min: 1, integer: true }), params: object(params, { strict: true }) },
    ]),
  ),
  { strict: true },
);

/** The message if it fits the host -> webview contract, else undefined (dropped whole, never half-applied). */
export function parseHostMessage(data: unknown): HostMessage | undefined {
  return hostMessage.check(data) === undefined ? (data as HostMessage) : undefined;
}

/** The message if it fits the webview -> host contract; else what is wrong with it. */
export function parseWebviewMessage(data: unknown): { message: WebviewMessage } | { problem: string } {
  const problem = (isRecord(data) && data.type === 'request' ? webviewRequest : webviewMessage).check(data);
  return problem === undefined ? { message: data as WebviewMessage } : { problem };
}

/** A reply's result for `method`, if it fits what that method promises. */
export function parseRequestResult<M extends RequestMethod>(method: M, result: unknown): RequestResult<M> | undefined {
  return WEBVIEW_REQUESTS[method].result.check(result) === undefined ? (result as RequestResult<M>) : undefined;
}

/** What the webview keeps across hide/show through `vscode.setState`: UI only, never the transcript. */
export interface WebviewUiState {
  draft: string;
  scrollTop: number;
  /** Ids of the tool cards the person opened. */
  openTools: string[];
  /** Pinned to the bottom while streaming, unless the person scrolled up. */
  stickToBottom: boolean;
}
