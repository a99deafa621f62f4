import * as vscode from 'vscode';
import type { SessionRow } from '../../protocol/gateway';
import type { ChatController } from '../chat-controller';
import { Command, SessionItemKind } from './settings';
import { relativeTime, sessionTitle } from '../transcript';

/** A row of the Sessions view. `contextValue` says whether it may be deleted (not the main session). */
export class SessionItem extends vscode.TreeItem {
  constructor(
    readonly session: SessionRow,
    current: boolean,
    main: boolean,
  ) {
    super(sessionTitle(session), vscode.TreeItemCollapsibleState.None);
    this.id = session.key;
    this.description = [current ? 'current' : '', relativeTime(session.updatedAt), session.model ?? ''].filter(Boolean).join(' · ');
    this.tooltip = new vscode.MarkdownString(undefined, false);
    this.tooltip.appendText(`${sessionTitle(session)}\n${session.key}${main ? "\nThe gateway's main session: it cannot be deleted." : ''}`);
    this.iconPath = new vscode.ThemeIcon(current ? 'comment-discussion' : 'comment', current ? new vscode.ThemeColor('charts.blue') : undefined);
    this.contextValue = main ? SessionItemKind.main : SessionItemKind.session;
    this.command = { command: Command.switchSession, title: 'Open Session', arguments: [session.key] };
    this.accessibilityInformation = { label: `${sessionTitle(session)}${current ? ', current session' : ''}, ${relativeTime(session.updatedAt)}` };
  }
}

/** The Sessions view: the gateway's sessions, kept live through `sessions.changed`. */
export class SessionTreeProvider implements vscode.TreeDataProvider<SessionItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly off: () => void;
  private view: vscode.TreeView<SessionItem> | undefined;

  constructor(private readonly controller: ChatController) {
    this.off = controller.onChange((change) => {
      if (change.type === 'sessions' || (change.type === 'connection' && change.state.kind !== 'reconnecting')) {
        this.showError();
        this.changed.fire();
      }
    });
  }

  /** The view this provider fills: a failed list shows its error there, above the rows it still has. */
  attach(view: vscode.TreeView<SessionItem>): void {
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

  getTreeItem(item: SessionItem): vscode.TreeItem {
    return item;
  }

  getChildren(): SessionItem[] {
    const current = this.controller.sessionKey;
    const main = this.controller.client.mainSessionKey;
    const rows = [...this.controller.sessions].sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
    return rows.map((row) => new SessionItem(row, row.key === current, row.key === main));
  }

  dispose(): void {
    this.off();
    this.changed.dispose();
  }
}
