/**
 * What the vscode-free core asks of the editor it runs in. The glue (vscode/host-services.ts)
 * implements it with VS Code's API; unit tests implement it with a recorder.
 */
import type { ActionId } from '../protocol/webview';

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface HostServices {
  /** Puts text on the clipboard. */
  copyText(text: string): Promise<void>;
  /** Replaces the selections of the active editor with `text`; false when no editor is active. */
  insertIntoActiveEditor(text: string): Promise<boolean>;
  /** Opens a web or mail link outside the editor, through the editor's own confirmation. */
  openExternal(url: string): Promise<void>;
  /** Tells the person something; resolves with the button they chose, if any. */
  notify(level: NoticeLevel, message: string, ...buttons: string[]): Promise<string | undefined>;
  /** Asks before something that cannot be undone (a modal dialog): true when the person chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** Does what a button of the chat's connection banner offers (a command of the extension). */
  runAction(id: ActionId): void;
}
