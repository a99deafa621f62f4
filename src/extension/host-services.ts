/**
 * What the vscode-free core asks of the editor it runs in. The glue (vscode/host-services.ts)
 * implements it with VS Code's API; unit tests implement it with a recorder. Every method that
 * reads something the person did not hand over explicitly stays within the workspace.
 */
import type { ActionId, Delivery } from '../protocol/webview';
import type { DiffRequest } from './changes/change-tracker';
import type { DiagnosticInfo, SelectionInfo } from './composer/context-blocks';

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

  /** The editor's open-file dialog: the URIs picked (none when cancelled). */
  pickFiles(): Promise<string[]>;
  /**
   * Reads a file the person picked or dropped, by URI, with the name to show (its path in the
   * workspace where it has one). With `workspaceOnly` a URI outside the workspace folders is refused
   * (a drop from the explorer is always inside; a page that names some other file is not trusted).
   * Throws a sentence for the person when it cannot.
   */
  readFile(uri: string, options?: { workspaceOnly?: boolean }): Promise<{ name: string; bytes: Uint8Array }>;
  /**
   * The workspace's files, as paths relative to their folder (prefixed with the folder's name in a
   * multi-root workspace), for `@`. The same array while nothing changed, so the search can keep
   * its index.
   */
  workspaceFiles(): Promise<readonly string[]>;
  /** Reads a workspace file by a path `workspaceFiles` gave; throws a sentence when it cannot. */
  readWorkspaceFile(path: string): Promise<Uint8Array>;
  /** The active editor's selection, when text is selected. */
  activeSelection(): SelectionInfo | undefined;
  /** Every diagnostic VS Code shows, and the path of the active file (if one is open). */
  diagnostics(): { activePath?: string; items: DiagnosticInfo[] };
  /** `git diff HEAD` of the workspace; throws a sentence when there is no repository to ask. */
  gitDiff(): Promise<string>;
  /** The last output of the active terminal; throws a sentence when VS Code does not expose it. */
  terminalOutput(): Promise<{ name: string; text: string }>;
  /** Remembers what Enter does while a reply runs (the `openclaw.sendWhileBusy` setting). */
  saveBusyMode(mode: Delivery): Promise<void>;
  /** Opens the editor's diff view (absent where there is none: Open Diff then says so). */
  openDiff?(request: DiffRequest): Promise<void>;
}
