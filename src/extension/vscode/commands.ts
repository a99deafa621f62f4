import * as vscode from 'vscode';
import { storeGatewayTokenKey } from '../../gateway/constants';
import type { DiscoveredGateway } from '../../gateway/discovery';
import type { ChatController } from '../chat-controller';
import { selectionBlock } from '../composer/context-blocks';
import type { ChatViewProvider } from './chat-view-provider';
import type { SessionItem } from './session-tree';
import type { SecretCredentialStore } from './secret-store';
import { Command } from './settings';
import { relativeTime, sessionTitle } from '../transcript';
import { selectionTarget, tokenInputProblem, tokenTarget } from '../command-checks';

export interface CommandContext {
  context: vscode.ExtensionContext;
  controller: ChatController;
  chatView: ChatViewProvider;
  log: vscode.LogOutputChannel;
  /** Every secret of the extension. */
  store: SecretCredentialStore;
  /** The gateway the client talks to, and where its URL and token came from. */
  gateway(): DiscoveredGateway;
  /** Finds the gateway and its token again and reconnects with them. */
  rediscover(): Promise<void>;
}

/** Registers every command of the extension on `context.subscriptions`. */
export function registerCommands(c: CommandContext): void {
  const { controller } = c;
  const client = controller.client;
  const register = (id: string, run: (...args: never[]) => unknown) => c.context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register(Command.focusChat, () => c.chatView.focus());

  register(Command.newSession, async () => {
    await controller.newSession();
    await c.chatView.focus();
  });

  register(Command.switchSession, async (key?: string) => {
    if (typeof key === 'string') return controller.switchSession(key);
    await controller.refreshSessions();
    const current = controller.sessionKey;
    type Pick = vscode.QuickPickItem & { key?: string };
    const rows = [...controller.sessions].sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
    const items: Pick[] = [
      { label: '$(add) New Session', alwaysShow: true },
      { label: 'Sessions', kind: vscode.QuickPickItemKind.Separator },
      ...rows.map((row) => ({
        key: row.key,
        label: `${row.key === current ? '$(check) ' : ''}${sessionTitle(row)}`,
        description: [relativeTime(row.updatedAt), row.model].filter(Boolean).join(' · '),
        detail: row.key === current ? 'current session' : undefined,
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'OpenClaw: Switch Session',
      placeHolder: 'Type to filter sessions',
      matchOnDescription: true,
    });
    if (!picked) return;
    if (!picked.key) await controller.newSession();
    else await controller.switchSession(picked.key);
    await c.chatView.focus();
  });

  register(Command.deleteSession, async (arg?: SessionItem | string) => {
    let key = typeof arg === 'string' ? arg : arg?.session?.key;
    if (!key) {
      // The main session is listed too, saying why it cannot go: an empty picker says nothing.
      type Pick = vscode.QuickPickItem & { key: string };
      const items: Pick[] = controller.sessions.map((row) => {
        const refusal = controller.deletionRefusal(row.key);
        return {
          key: row.key,
          label: sessionTitle(row),
          description: refusal ? 'main session: kept by the gateway, cannot be deleted' : relativeTime(row.updatedAt),
        };
      });
      if (!items.some((item) => !controller.deletionRefusal(item.key))) {
        void vscode.window.showInformationMessage(
          'There is no session to delete: only the main session, which the gateway keeps. Start a new session with "OpenClaw: New Session".',
        );
        return;
      }
      const picked = await vscode.window.showQuickPick(items, { title: 'OpenClaw: Delete Session', placeHolder: 'Pick the session to delete' });
      key = picked?.key;
    }
    if (!key) return;
    const refusal = controller.deletionRefusal(key);
    if (refusal) {
      void vscode.window.showWarningMessage(refusal);
      return;
    }
    const row = controller.sessions.find((s) => s.key === key);
    const title = row ? sessionTitle(row) : key;
    const answer = await vscode.window.showWarningMessage(
      `Delete the session “${title}”?`,
      { modal: true, detail: 'Its history is removed from the gateway. This cannot be undone.' },
      'Delete',
    );
    if (answer !== 'Delete') return;
    try {
      await controller.deleteSession(key);
      c.log.info(`deleted session ${key}`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not delete “${title}”: ${(error as Error).message}`);
    }
  });

  register(Command.refreshSessions, () => controller.refreshSessions());
  register(Command.stop, () => controller.stop());
  register(Command.reconnect, () => client.reconnect());
  register(Command.showLog, () => c.log.show(true));

  register(Command.setToken, async () => {
    const target = tokenTarget(c.gateway());
    if ('refusal' in target) return void vscode.window.showErrorMessage(target.refusal);
    const { origin } = target;
    const token = await vscode.window.showInputBox({
      title: `OpenClaw: Set Gateway Token for ${origin}`,
      prompt: `The token of the gateway at ${origin} (gateway.auth.token in its openclaw.json). It is kept in VS Code's secret storage and sent to this gateway only.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: tokenInputProblem,
    });
    if (!token) return;
    await c.store.set(storeGatewayTokenKey(origin), token.trim());
    await c.rediscover();
  });

  register(Command.clearCredentials, async () => {
    const answer = await vscode.window.showWarningMessage(
      'Forget every gateway token and this device’s identity?',
      { modal: true, detail: 'Tokens of every gateway and the device tokens they issued are removed. The next connection pairs this VS Code as a new device.' },
      'Clear',
    );
    if (answer !== 'Clear') return;
    await c.store.clear();
    client.forgetCredentials();
    await c.rediscover();
    void vscode.window.showInformationMessage('OpenClaw credentials cleared.');
  });

  register(Command.showPairing, async () => {
    const state = client.state;
    if (state.kind !== 'failed' || state.reason !== 'pairing-required') return client.reconnect();
    const command = state.requestId ? `openclaw devices approve ${state.requestId}` : 'openclaw devices list';
    const answer = await vscode.window.showInformationMessage(state.message, { modal: true }, 'Copy Command', 'Reconnect');
    if (answer === 'Copy Command') await vscode.env.clipboard.writeText(command);
    if (answer === 'Reconnect') client.reconnect();
  });

  register(Command.askAboutSelection, async () => {
    const target = selectionTarget(vscode.window.activeTextEditor);
    if ('refusal' in target) return void vscode.window.showInformationMessage(target.refusal);
    const { editor } = target;
    const question = await vscode.window.showInputBox({
      title: 'OpenClaw: Ask About Selection',
      prompt: 'What do you want to know?',
      value: 'Explain this code.',
    });
    if (question === undefined) return;
    const { start, end } = editor.selection;
    const selection = {
      path: vscode.workspace.asRelativePath(editor.document.uri, false),
      startLine: start.line + 1,
      endLine: end.line + 1,
      languageId: editor.document.languageId,
      text: editor.document.getText(editor.selection),
    };
    // The same block and chip as `@selection`, so history shows it the same way.
    const block = selectionBlock(selection);
    const chip = block.detail ? { kind: block.kind, label: block.label, detail: block.detail } : { kind: block.kind, label: block.label };
    await c.chatView.focus();
    controller.send(question || 'Explain this code.', { blocks: [block], images: [], chips: [chip] });
  });
}
