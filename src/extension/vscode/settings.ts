/** Setting, context, command and storage keys in one place. */
import type { ActionId } from '../../protocol/webview';

export const SECTION = 'openclaw';

export const Setting = {
  gatewayUrl: 'gatewayUrl',
  defaultSession: 'defaultSession',
  thinkingLevel: 'thinkingLevel',
  sendWhileBusy: 'sendWhileBusy',
  traceFrames: 'trace',
} as const;

/** Context keys the menus' `when` clauses read. */
export const ContextKey = {
  connected: 'openclaw.connected',
  busy: 'openclaw.busy',
} as const;

/** workspaceState key of the session the chat shows. */
export const STATE_CURRENT_SESSION = 'openclaw.currentSession';

export const Command = {
  newSession: 'openclaw.newSession',
  switchSession: 'openclaw.switchSession',
  deleteSession: 'openclaw.deleteSession',
  refreshSessions: 'openclaw.refreshSessions',
  stop: 'openclaw.stop',
  reconnect: 'openclaw.reconnect',
  setToken: 'openclaw.setToken',
  clearCredentials: 'openclaw.clearCredentials',
  showLog: 'openclaw.showLog',
  askAboutSelection: 'openclaw.askAboutSelection',
  focusChat: 'openclaw.focusChat',
  /** Internal: what the status bar runs when a pairing is pending. */
  showPairing: 'openclaw.showPairing',
} as const;

/** The command each button of the chat's banner runs (but `openSettings`, which opens the settings). */
export const ACTION_COMMANDS: Record<Exclude<ActionId, 'openSettings'>, string> = {
  reconnect: Command.reconnect,
  setToken: Command.setToken,
  approvePairing: Command.showPairing,
  showLog: Command.showLog,
  newSession: Command.newSession,
  switchSession: Command.switchSession,
};

/** `contextValue` of the Sessions view's rows, which package.json's menus match on. */
export const SessionItemKind = {
  session: 'openclaw.session',
  /** The gateway's main session: no delete (the command says why). */
  main: 'openclaw.session.main',
} as const;

export const VIEW_CHAT = 'openclaw.chat';
export const VIEW_SESSIONS = 'openclaw.sessions';
