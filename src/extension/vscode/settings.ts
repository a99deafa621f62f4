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
/** workspaceState key of the session the chat showed on one gateway (by origin), for switching back. */
export const stateGatewaySession = (origin: string): string => `${STATE_CURRENT_SESSION}:${origin}`;
/** globalState keys: the gateways the person added by URL, and the one chosen with Switch Gateway. */
export const STATE_ADDED_GATEWAYS = 'openclaw.addedGateways';
export const STATE_SELECTED_GATEWAY = 'openclaw.selectedGateway';

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
  renameSession: 'openclaw.renameSession',
  pinSession: 'openclaw.pinSession',
  unpinSession: 'openclaw.unpinSession',
  archiveSession: 'openclaw.archiveSession',
  unarchiveSession: 'openclaw.unarchiveSession',
  searchSessions: 'openclaw.searchSessions',
  exportSession: 'openclaw.exportSession',
  compactSession: 'openclaw.compactSession',
  resetSession: 'openclaw.resetSession',
  showUsage: 'openclaw.showUsage',
  /** The git changes of the shown session's workspace (`sessions.diff`). */
  showChanges: 'openclaw.showChanges',
  /** Internal: what the status bar runs when a pairing is pending. */
  showPairing: 'openclaw.showPairing',
  /** Lists what the agent waits on a person for, in every session; what the approvals badge runs. */
  showPendingApprovals: 'openclaw.showPendingApprovals',
  /** Picks the gateway to talk to (discovered, OpenClaw profiles, added by URL), or adds one. */
  switchGateway: 'openclaw.switchGateway',
  /** Trusts the self-signed certificate of the current wss:// gateway by its SHA-256 fingerprint. */
  trustCertificate: 'openclaw.trustCertificate',
  forgetCertificate: 'openclaw.forgetCertificate',
} as const;

/** The command each button of the chat's banner runs (but `openSettings`, which opens the settings). */
export const ACTION_COMMANDS: Record<Exclude<ActionId, 'openSettings'>, string> = {
  reconnect: Command.reconnect,
  setToken: Command.setToken,
  approvePairing: Command.showPairing,
  showLog: Command.showLog,
  newSession: Command.newSession,
  switchSession: Command.switchSession,
  trustCertificate: Command.trustCertificate,
  switchGateway: Command.switchGateway,
};

/**
 * `contextValue` of the Sessions view's rows, which package.json's menus match on: a session's kind
 * is `openclaw.session`, `.main` for the gateway's main session (no delete, no archive), then
 * `.pinned` when pinned (unpin instead of pin); archived sessions are `openclaw.session.archived`
 * (unarchive instead of archive) under the `openclaw.archivedGroup` row.
 */
export const SessionItemKind = {
  session: 'openclaw.session',
  pinned: 'openclaw.session.pinned',
  /** The gateway's main session: no delete, no archive (the commands say why). */
  main: 'openclaw.session.main',
  mainPinned: 'openclaw.session.main.pinned',
  archived: 'openclaw.session.archived',
  /** The collapsed "Archived" group. */
  archivedGroup: 'openclaw.archivedGroup',
} as const;

/** The kind of a session's row, by the rule above. */
export function sessionItemKind(row: { archived?: boolean; pinned?: boolean }, main: boolean): string {
  if (row.archived) return SessionItemKind.archived;
  if (main) return row.pinned ? SessionItemKind.mainPinned : SessionItemKind.main;
  return row.pinned ? SessionItemKind.pinned : SessionItemKind.session;
}

export const VIEW_CHAT = 'openclaw.chat';
export const VIEW_SESSIONS = 'openclaw.sessions';
