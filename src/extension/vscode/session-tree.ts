import * as vscode from 'vscode';
import type { SessionRow } from '../../protocol/gateway';
import type { ChatController } from '../chat-controller';
import { Command, SessionItemKind, sessionItemKind } from './settings';
import { relativeTime, sessionTitle } from '../transcript';
import { sessionUsageLines } from '../usage-report';

/** A row of the Sessions view. `contextValue` (settings.ts, SessionItemKind) says which menu items it offers. */
export class SessionItem extends vscode.TreeItem {
  constructor(
    readonly session: SessionRow,
    current: boolean,
    main: boolean,
  ) {
    super(sessionTitle(session), vscode.TreeItemCollapsibleState.None);
    this.id = `${session.archived ? 'archived:' : ''}${session.key}`;
    const state = session.archived ? 'archived' : session.pinned ? 'pinned' : '';
    this.description = [current ? 'current' : '', state, relativeTime(session.updatedAt), session.model ?? ''].filter(Boolean).join(' · ');
    this.tooltip = new vscode.MarkdownString(undefined, false);
    const notes = [main ? "The gateway's main session: it cannot be deleted or archived." : '', ...sessionUsageLines(session)].filter(Boolean);
    this.tooltip.appendText([sessionTitle(session), session.key, ...notes].join('\n'));
    const icon = current ? 'comment-discussion' : session.archived ? 'archive' : session.pinned ? 'pinned' : 'comment';
    this.iconPath = new vscode.ThemeIcon(icon, current ? new vscode.ThemeColor('charts.blue') : undefined);
    this.contextValue = sessionItemKind(session, main);
    this.command = { command: Command.switchSession, title: 'Open Session', arguments: [session.key] };
    this.accessibilityInformation = {
      label: `${sessionTitle(session)}${current ? ', current session' : ''}${state ? `, ${state}` : ''}, ${relativeTime(session.updatedAt)}`,
    };
  }
}

/** The collapsed "Archived" group: its sessions are listed (one request) when it is opened. */
export class ArchivedGroupItem extends vscode.TreeItem {
  constructor(count: number | undefined) {
    super('Archived', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = 'openclaw.archived';
    this.description = count === undefined ? undefined : String(count);
    this.iconPath = new vscode.ThemeIcon('archive');
    this.contextValue = SessionItemKind.archivedGroup;
    this.tooltip = 'Archived sessions: unarchive one to list it again';
  }
}

export type SessionTreeNode = SessionItem | ArchivedGroupItem;

/** The Sessions view: the gateway's sessions (pinned first), kept live through `sessions.changed`, and the archived ones apart. */
export class SessionTreeProvider implements vscode.TreeDataProvider<SessionTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly off: () => void;
  private view: vscode.TreeView<SessionTreeNode> | undefined;

  constructor(private readonly controller: ChatController) {
    this.off = controller.onChange((change) => {
      if (change.type === 'sessions' || (change.type === 'connection' && change.state.kind !== 'reconnecting')) {
        this.showError();
        this.changed.fire();
      }
    });
  }

  /** The view this provider fills: a failed list shows its error there, above the rows it still has. */
  attach(view: vscode.TreeView<SessionTreeNode>): void {
    this.view = view;
    this.showError();
  }

  /** What the view says above its rows (a failed list's error), if anything. */
  get message(): string | undefined {
    return this.view?.message;
  }

  private showError(): void {
    if (this.view) this.view.message = this.controller.sessionsError ? `Could not list the sessions: ${this.controller.sessionsError}` : undefined;
  }

  getTreeItem(item: SessionTreeNode): vscode.TreeItem {
    return item;
  }

  getChildren(parent?: SessionTreeNode): SessionTreeNode[] | Promise<SessionTreeNode[]> {
    if (parent instanceof ArchivedGroupItem) return this.archivedItems();
    if (parent) return [];
    const rows = this.sessionItems();
    return rows.length ? [...rows, new ArchivedGroupItem(this.controller.list.archived?.length)] : [];
  }

  /** The listed sessions' rows, in SessionList's order: pinned first, then the most recently used. */
  sessionItems(): SessionItem[] {
    const current = this.controller.sessionKey;
    const main = this.controller.client.mainSessionKey;
    return this.controller.sessions.map((row) => new SessionItem(row, row.key === current, row.key === main));
  }

  /** The archived sessions' rows, listed from the gateway the first time the group opens. */
  async archivedItems(): Promise<SessionItem[]> {
    const current = this.controller.sessionKey;
    try {
      const rows = await this.controller.list.listArchived();
      return rows.map((row) => new SessionItem({ ...row, archived: true }, row.key === current, false));
    } catch (error) {
      if (this.view) this.view.message = `Could not list the archived sessions: ${(error as Error).message}`;
      return [];
    }
  }

  dispose(): void {
    this.off();
    this.changed.dispose();
  }
}
