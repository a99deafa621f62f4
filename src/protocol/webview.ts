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

/** How the composer may send a message while a reply of the same session is running. */
export const DELIVERIES = ['steer', 'queue', 'interrupt'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** What a chip above the box (and on a sent message) stands for. */
export const CHIP_KINDS = ['file', 'image', 'selection', 'problems', 'diff', 'terminal'] as const;
export type ChipKind = (typeof CHIP_KINDS)[number];
/** What `@` offers: a workspace file, or one of the editor's own sources. */
export const MENTION_KINDS = ['file', 'selection', 'problems', 'diff', 'terminal'] as const;
export type MentionKind = (typeof MENTION_KINDS)[number];
/** Most chips one message carries. */
export const MAX_CHIPS = 20;
/**
 * Longest base64 a pasted or dropped file may be posted as: 25 MiB decoded, the gateway's own
 * frame limit. The limits that apply are the gateway's (`hello-ok.policy.attachments`), checked
 * by the host; this only keeps a runaway page from posting more.
 */
export const MAX_ATTACHMENT_DATA_CHARS = Math.ceil((25 * 1024 * 1024 * 4) / 3) + 4;
const MAX_PATH_CHARS = 4_096;

/** Buttons the webview may offer; the host decides what each does. */
export const ACTION_IDS = [
  'reconnect',
  'setToken',
  'approvePairing',
  'openSettings',
  'showLog',
  'newSession',
  'switchSession',
  'trustCertificate',
  'switchGateway',
] as const;
export type ActionId = (typeof ACTION_IDS)[number];

const text = string();
const count = number({ min: 0, integer: true });
// Ids are made by the host, partly from gateway ids; no length cap, so a long one cannot make the chat drop every snapshot.
const id = string({ min: 1 });

/** Most diff lines a card carries; a longer diff is cut (Open Diff shows it whole). */
export const MAX_DIFF_LINES = 500;
/** What a person decides about a file the agent changed. */
export const CHANGE_DECISIONS = ['keep', 'revert'] as const;
export const CHANGE_STATES = ['pending', 'kept', 'reverted'] as const;

/**
 * A file a tool changed, as its card shows it: the diff's lines (`@` a hunk's header), the counts,
 * and why it is read-only when it is not the open folder's file (then Open Diff shows the tool's patch).
 */
const FileDiffView = object({
  path: string({ max: MAX_PATH_CHARS }),
  additions: count,
  deletions: count,
  lines: array(object({ op: literal(' ', '-', '+', '@'), text }), { max: MAX_DIFF_LINES }),
  /** More lines than `lines` holds. */
  truncated: boolean(),
  readOnly: optional(text),
  /** Open Diff can show it (a diff read back from history has no patch to open). */
  openable: boolean(),
});
export type FileDiffView = Infer<typeof FileDiffView>;

/** A tool call as the chat shows it: arguments and result are already pretty, truncated text. */
const ToolCallView = object({
  toolCallId: string(),
  name: string(),
  args: optional(text),
  result: optional(text),
  state: literal('running', 'done', 'error'),
  /** The files a write/edit/apply_patch call changed. */
  diffs: optional(array(FileDiffView, { max: 100 })),
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
const label = string({ max: 1_000 });
/** A chip as a sent message shows it: what it was (a file and its lines, an image) and a detail (its size, "cut"). */
const ChipView = object({ kind: literal(...CHIP_KINDS), label, detail: optional(label) });
export type ChipView = Infer<typeof ChipView>;

/**
 * A chip above the box: something the host has read and keeps until the message is sent (or the
 * chip removed), by `id`. `thumbnail` is a data: URL of an image the page shrinks for display.
 */
const StagedChip = object({
  id,
  kind: literal(...CHIP_KINDS),
  label,
  detail: optional(label),
  thumbnail: optional(string({ max: MAX_ATTACHMENT_DATA_CHARS + 100 })),
});
export type StagedChip = Infer<typeof StagedChip>;

export const ChatItem = variants('kind', {
  user: {
    id,
    text,
    /**
     * `queued`: typed while offline, sent once connected (never twice); `waiting`: queued behind
     * the reply that is running, sent when it ends; `sending`: on its way.
     */
    pending: optional(literal('queued', 'waiting', 'sending')),
    /** What went with the message: files, images, mentions, "Ask About Selection". */
    chips: optional(array(ChipView, { max: 100 })),
    /** How it was sent while a reply was running: into it, after it, or instead of it. */
    delivery: optional(literal(...DELIVERIES)),
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
  /** The files one turn changed, after it ended: each kept, reverted or waiting for the person. */
  changes: {
    id,
    files: array(
      object({
        path: string({ max: MAX_PATH_CHARS }),
        additions: count,
        deletions: count,
        state: literal(...CHANGE_STATES),
        readOnly: optional(text),
        /** Why the last keep or revert did not happen. */
        error: optional(text),
      }),
      { max: 1_000 },
    ),
  },
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
  /** At most one button per action (a fixed 8 was outgrown when the gateway switcher's actions came). */
  actions: array(object({ id: literal(...ACTION_IDS), label: text }), { max: ACTION_IDS.length }),
});
export type ConnectionView = Infer<typeof ConnectionView>;

const SessionView = object({
  key: text,
  title: text,
  /** The connection may rewind this session (`sessions.rewind` needs operator.admin): user messages offer it. */
  canRewind: optional(boolean()),
});
export type SessionView = Infer<typeof SessionView>;

/** A model the picker offers: `id` is "provider/model", what `sessions.patch` takes. */
const ModelView = object({ id: string({ min: 1 }), label, images: boolean() });
export type ModelView = Infer<typeof ModelView>;

/** The header's pickers and the composer's busy mode, for the session shown. */
const ControlsView = object({
  /** The session's model ("provider/model"); absent while unknown. */
  model: optional(string()),
  models: array(ModelView, { max: 5_000 }),
  thinking: optional(string()),
  /** The session model's own thinking levels. */
  thinkingLevels: array(string({ max: 100 }), { max: 50 }),
  /** What Enter does while a reply runs. */
  busyMode: literal(...DELIVERIES),
});
export type ControlsView = Infer<typeof ControlsView>;

/** One entry of the `@` list. `path` names a workspace file (kind `file`). */
const MentionCandidate = object({ kind: literal(...MENTION_KINDS), label, detail: optional(label), path: optional(string({ max: MAX_PATH_CHARS })) });
export type MentionCandidate = Infer<typeof MentionCandidate>;

/** One entry of the `/` list, from the gateway's `commands.list`. */
const CommandView = object({ name: string({ min: 1, max: 200 }), description: label, args: optional(label), takesArgs: boolean() });
export type CommandView = Infer<typeof CommandView>;

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
    controls: ControlsView,
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
  /** The shown session's model, thinking level or the models on offer changed. */
  controls: { controls: ControlsView },
  /** The answer to a webview request of the same id (the result is checked against its method). */
  reply: { id: number({ min: 1, integer: true }), ok: boolean(), result: optional(unknown()), error: optional(string()) },
  focus: {},
};

/** Webview -> host. */
export const WEBVIEW_MESSAGES = {
  /** Sent on load and whenever the webview lost track: the host answers with a snapshot. */
  ready: {},
  /**
   * The typed text, the staged chips that go with it (ids from the staging requests), and how to
   * send it while a reply runs (the host ignores `delivery` when none does). Blank text without
   * chips is ignored.
   */
  send: { text: string({ max: MAX_SEND_CHARS }), chips: optional(array(id, { max: MAX_CHIPS })), delivery: optional(literal(...DELIVERIES)) },
  /** The person removed staged chips: the host forgets what it read for them. */
  discard: { ids: array(id, { max: 100 }) },
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
  /** The editor's file picker; each file becomes a chip, or a sentence saying why not. */
  pickFiles: { params: {}, result: object({ chips: array(StagedChip, { max: 100 }), refused: array(label, { max: 100 }) }, { strict: true }) },
  /** A pasted image or a file dropped from the OS, as base64. */
  attachData: {
    params: { name: string({ min: 1, max: 1_000 }), mimeType: string({ max: 200 }), data: string({ max: MAX_ATTACHMENT_DATA_CHARS }) },
    result: object({ chip: StagedChip }, { strict: true }),
  },
  /** Files dropped from the explorer (or any URI list). */
  attachUris: {
    params: { uris: array(string({ min: 1, max: MAX_PATH_CHARS }), { max: 100 }) },
    result: object({ chips: array(StagedChip, { max: 100 }), refused: array(label, { max: 100 }) }, { strict: true }),
  },
  /** What `@query` offers: the editor's sources that match, then workspace files, best first. */
  searchMentions: { params: { query: string({ max: 500 }) }, result: object({ candidates: array(MentionCandidate, { max: 200 }) }, { strict: true }) },
  /** Reads what a mention stands for now (the selection as it is, the file as it is) into a chip. */
  resolveMention: {
    params: { kind: literal(...MENTION_KINDS), path: optional(string({ max: MAX_PATH_CHARS })) },
    result: object({ chip: StagedChip }, { strict: true }),
  },
  /** The gateway's slash commands for the shown session. */
  listCommands: { params: {}, result: object({ commands: array(CommandView, { max: 1_000 }) }, { strict: true }) },
  /** Sets the shown session's model (`sessions.patch`). */
  setModel: { params: { model: string({ min: 1, max: 500 }) }, result: object({}, { strict: true }) },
  /** Sets the shown session's thinking level (`sessions.patch`). */
  setThinking: { params: { level: string({ min: 1, max: 100 }) }, result: object({}, { strict: true }) },
  /** Opens VS Code's diff editor for a file of a tool card (`t:` id) or a change set (`c:` id). */
  openDiff: { params: { id, path: string({ min: 1, max: MAX_PATH_CHARS }) }, result: object({}, { strict: true }) },
  /** Keeps or reverts one file of a change set, or (without `path`) every file still waiting; `refused` says why any was not. */
  decideChanges: {
    params: { id, path: optional(string({ min: 1, max: MAX_PATH_CHARS })), decision: literal(...CHANGE_DECISIONS) },
    result: object({ refused: array(text, { max: 1_000 }) }, { strict: true }),
  },
  /** Sets what Enter does while a reply runs, for every session (a setting). */
  setBusyMode: { params: { mode: literal(...DELIVERIES) }, result: object({}, { strict: true }) },
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
