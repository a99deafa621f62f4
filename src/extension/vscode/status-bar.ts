import * as vscode from 'vscode';
import type { ConnectionState } from '../../gateway/connection-state';
import { Command } from './settings';

/** The connection in the status bar; a click does the one useful thing for the state. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('openclaw.connection', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'OpenClaw Gateway';
    this.item.show();
  }

  update(state: ConnectionState, now = Date.now()): void {
    const item = this.item;
    item.backgroundColor = undefined;
    try {
      this.render(state, now);
    } finally {
      // Screen readers hear the state, not just "OpenClaw" with an icon they cannot see.
      item.accessibilityInformation = { label: `OpenClaw: ${typeof item.tooltip === 'string' ? item.tooltip : item.text}` };
    }
  }

  private render(state: ConnectionState, now: number): void {
    const item = this.item;
    switch (state.kind) {
      case 'connected':
        item.text = '$(comment-discussion) OpenClaw';
        item.tooltip = `Connected to OpenClaw ${state.serverVersion} (protocol ${state.protocol}) at ${state.url}`;
        item.command = Command.focusChat;
        break;
      case 'idle':
      case 'connecting':
        item.text = '$(sync~spin) OpenClaw';
        item.tooltip = 'Connecting to the OpenClaw gateway…';
        item.command = Command.showLog;
        break;
      case 'reconnecting': {
        const seconds = Math.max(0, Math.ceil((state.nextAttemptAt - now) / 1000));
        item.text = `$(debug-disconnect) OpenClaw: reconnecting in ${seconds} s`;
        item.tooltip = `${state.reason}. Click to retry now.`;
        item.command = Command.reconnect;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      }
      case 'failed':
        item.text = `$(error) OpenClaw: ${shortFailure(state)}`;
        item.tooltip = state.message;
        item.command = state.action === 'set-token' ? Command.setToken : state.action === 'approve-pairing' ? Command.showPairing : Command.reconnect;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'closed':
        item.text = '$(debug-disconnect) OpenClaw';
        item.tooltip = 'Disconnected. Click to connect.';
        item.command = Command.reconnect;
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}

function shortFailure(state: Extract<ConnectionState, { kind: 'failed' }>): string {
  switch (state.reason) {
    case 'auth-token-mismatch':
      return 'wrong token';
    case 'auth-required':
      return 'token needed';
    case 'pairing-required':
      return 'pairing required';
    case 'scope-upgrade':
      return 'permissions needed';
    case 'protocol-mismatch':
      return 'update needed';
    case 'bad-url':
      return 'bad URL';
    case 'tls':
      return 'TLS failed';
    default:
      return 'cannot connect';
  }
}
