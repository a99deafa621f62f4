import * as vscode from 'vscode';
import type { ActionId } from '../../protocol/webview';
import type { HostServices, NoticeLevel } from '../host-services';

/** The core's host services, done with VS Code's API. */
export class VsCodeHostServices implements HostServices {
  constructor(private readonly actions: (id: ActionId) => void) {}

  async copyText(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  /** Only into the editor the person is working in: with none active, nothing is written. */
  async insertIntoActiveEditor(text: string): Promise<boolean> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return false;
    return editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, text);
    });
  }

  /** `openExternal` asks first for a domain the person has not trusted: the one path a link takes. */
  async openExternal(url: string): Promise<void> {
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  notify(level: NoticeLevel, message: string, ...buttons: string[]): Promise<string | undefined> {
    const show = { info: vscode.window.showInformationMessage, warning: vscode.window.showWarningMessage, error: vscode.window.showErrorMessage }[level];
    return Promise.resolve(show(message, ...buttons));
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }

  runAction(id: ActionId): void {
    this.actions(id);
  }
}
