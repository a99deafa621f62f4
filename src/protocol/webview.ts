/**
 * The contract between the extension host and the chat webview. The host owns the transcript and
 * the connection; the webview renders what it is sent and keeps only UI state (draft, scroll,
 * which tool cards are open). No secret ever crosses this boundary. Imports nothing.
 */

/** A tool call as the chat shows it: arguments and result are already pretty, truncated text. */
export interface ToolCallView {
  toolCallId: string;
  name: string;
  args?: string;
  result?: string;
  state: 'running' | 'done' | 'error';
}

export interface UsageView {
  input?: number;
  output?: number;
  total?: number;
}

export type ChatItem =
  | {
      kind: 'user';
      id: string;
      text: string;
      /** `queued`: typed while offline, sent once connected (never twice). */
      pending?: 'queued' | 'sending';
      /** Context attached by "Ask About Selection": file and line range, shown as a chip. */
      context?: string;
    }
  | {
      kind: 'assistant';
      id: string;
      /** Markdown. While `streaming`, `delta` messages append to it. */
      text: string;
      streaming: boolean;
      /** How the turn ended; absent while streaming and for history rows. */
      outcome?: 'ok' | 'aborted' | 'error' | 'interrupted';
      error?: string;
      usage?: UsageView;
      /** What the agent is doing now ("thinking", "running ls"), while streaming. */
      activity?: string;
    }
  | { kind: 'tool'; id: string; tool: ToolCallView }
  | { kind: 'notice'; id: string; level: 'info' | 'warning' | 'error'; text: string };

/** Buttons the webview may offer; the host decides what each does. */
export type ActionId = 'reconnect' | 'setToken' | 'approvePairing' | 'openSettings' | 'showLog' | 'newSession' | 'switchSession';

export interface ConnectionView {
  kind: 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'unconfigured' | 'closed';
  /** One line: "Connected to OpenClaw 2026.9.6", "Reconnecting in 4 s", "Wrong gateway token". */
  title: string;
  /** What to do, in a sentence (e.g. the pairing command to run). */
  detail?: string;
  actions: Array<{ id: ActionId; label: string }>;
}

export interface SessionView {
  key: string;
  title: string;
}

/**
 * Host -> webview. Every message carries `seq`, increasing by one per message; a webview that sees
 * a hole asks for a fresh `snapshot` with `ready`.
 */
export type HostMessage =
  | { type: 'snapshot'; seq: number; session: SessionView; items: ChatItem[]; busy: boolean; connection: ConnectionView; loading: boolean }
  /** Add an item, or replace the item with the same id. */
  | { type: 'upsert'; seq: number; item: ChatItem }
  /** Streamed text for an assistant item, already coalesced by the host. */
  | { type: 'append'; seq: number; id: string; text: string }
  | { type: 'remove'; seq: number; id: string }
  | { type: 'busy'; seq: number; busy: boolean }
  | { type: 'connection'; seq: number; connection: ConnectionView }
  | { type: 'focus'; seq: number };

/** Webview -> host. */
export type WebviewMessage =
  /** Sent on load and whenever the webview lost track: the host answers with a snapshot. */
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'action'; id: ActionId }
  | { type: 'copy'; text: string }
  | { type: 'insert'; text: string }
  | { type: 'openLink'; href: string };

/** What the webview keeps across hide/show through `vscode.setState`: UI only, never the transcript. */
export interface WebviewUiState {
  draft: string;
  scrollTop: number;
  /** Ids of the tool cards the person opened. */
  openTools: string[];
  /** Pinned to the bottom while streaming, unless the person scrolled up. */
  stickToBottom: boolean;
}
