import * as vscode from 'vscode';
import { cardId, DECISION_LABELS, summaryOf } from '../approval-items';
import { decideWithConsent, isOpen, sessionOf, type Approvals, type PendingEntry } from '../approvals';
import type { ChatController } from '../chat-controller';
import type { HostServices } from '../host-services';
import { Command } from './settings';

/** A notification shows this much of a command; the chat card and "Show Pending Approvals" show all of it. */
const NOTIFY_CHARS = 300;

/**
 * What the agent waits for, outside the chat: a status bar badge counting it, a notification with
 * the same decisions when its card is not on screen (the chat hidden, or another session shown),
 * and "OpenClaw: Show Pending Approvals" listing it across sessions. Every decision goes through
 * the same host checks as the chat's (`decideWithConsent`).
 */
export class ApprovalsUi implements vscode.Disposable {
  private readonly badge = vscode.window.createStatusBarItem('openclaw.approvals', vscode.StatusBarAlignment.Left, 9);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly controller: ChatController,
    private readonly services: HostServices,
    private readonly chat: { readonly visible: boolean; focus(): Promise<void> },
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {
    this.badge.name = 'OpenClaw Approvals';
    this.badge.command = Command.showPendingApprovals;
    this.badge.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.disposables.push(
      this.badge,
      { dispose: this.approvals.onChange((change) => this.onChange(change)) },
      vscode.commands.registerCommand(Command.showPendingApprovals, () => this.showPending()),
    );
    this.updateBadge();
  }

  private get approvals(): Approvals {
    return this.controller.approvals;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private onChange(change: Parameters<Parameters<Approvals['onChange']>[0]>[0]): void {
    this.updateBadge();
    if (change.kind !== 'entry' || !change.fresh || !isOpen(change.entry)) return;
    const seen = this.chat.visible && sessionOf(change.entry) === this.controller.sessionKey;
    // Said in the log: whether a person was told is what to check when they say they never were.
    this.log('info', `${cardId(change.entry)} in ${sessionOf(change.entry) ?? 'no session'}: ${seen ? 'its card is on screen' : 'notifying'}`);
    if (!seen) void this.notify(change.entry);
  }

  private updateBadge(): void {
    const count = this.approvals.pendingCount;
    if (!count) return this.badge.hide();
    const what = count === 1 ? 'One approval or question waits' : `${count} approvals and questions wait`;
    this.badge.text = `$(bell-dot) ${count}`;
    this.badge.tooltip = `${what} for you. Click to see them.`;
    this.badge.accessibilityInformation = { label: `OpenClaw: ${what} for you` };
    this.badge.show();
  }

  /** A notification with the card's decisions (an approval) or the way to the card (a question). */
  private async notify(entry: PendingEntry): Promise<void> {
    try {
      if (entry.kind === 'approval') {
        const { approval } = entry;
        const labels = approval.allowedDecisions.map((d) => DECISION_LABELS[d]);
        const picked = await vscode.window.showWarningMessage(`OpenClaw: the agent wants to run “${clip(approval.command)}”`, ...labels, 'Show in Chat');
        if (picked === 'Show in Chat') return await this.reveal(entry);
        const decision = approval.allowedDecisions.find((d) => DECISION_LABELS[d] === picked);
        // Dismissed, or already decided elsewhere while the notification was up: nothing to do.
        if (!decision || !isOpen(this.approvals.approval(approval.id) ?? entry)) return;
        await decideWithConsent(this.approvals, this.services, approval.id, decision);
        return;
      }
      const picked = await vscode.window.showInformationMessage(`OpenClaw: the agent asks “${clip(summaryOf(entry))}”`, 'Answer in Chat', 'Skip');
      if (picked === 'Answer in Chat') await this.reveal(entry);
      else if (picked === 'Skip' && isOpen(entry)) await this.approvals.skip(entry.question.id);
    } catch (error) {
      this.log('warn', `a decision from a notification failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`OpenClaw: ${(error as Error).message}`);
    }
  }

  /** Shows the session the entry belongs to in the chat, with its card. */
  private async reveal(entry: PendingEntry): Promise<void> {
    const session = sessionOf(entry);
    if (session && session !== this.controller.sessionKey) await this.controller.switchSession(session);
    await this.chat.focus();
  }

  private async showPending(): Promise<void> {
    const pending = this.approvals.pending();
    if (!pending.length) {
      void vscode.window.showInformationMessage('OpenClaw: nothing waits for your approval or answer.');
      return;
    }
    type Item = vscode.QuickPickItem & { entry: PendingEntry };
    const items: Item[] = pending.map((entry) => ({
      entry,
      label: `${entry.kind === 'approval' ? '$(terminal)' : '$(question)'} ${summaryOf(entry)}`,
      description: sessionOf(entry) ?? 'no session',
      detail:
        entry.kind === 'approval'
          ? [entry.approval.host, entry.approval.cwd].filter(Boolean).join(' · ') || undefined
          : `${entry.question.questions.length} question(s)`,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'OpenClaw: Pending Approvals and Questions',
      placeHolder: 'Pick one to decide it in the chat',
      matchOnDescription: true,
    });
    if (picked) await this.reveal(picked.entry);
  }
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > NOTIFY_CHARS ? `${line.slice(0, NOTIFY_CHARS - 1)}…` : line;
}
