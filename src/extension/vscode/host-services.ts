import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { ActionId, Delivery } from '../../protocol/webview';
import type { DiffRequest } from '../changes/change-tracker';
import type { DiagnosticInfo, SelectionInfo } from '../composer/context-blocks';
import { MAX_ITEM_CHARS } from '../composer/limits';
import { assertReallyInside, hasDotSegments, workspacePathParts } from '../composer/workspace-read';
import type { HostServices, NoticeLevel } from '../host-services';
import { SECTION, Setting } from './settings';

/** Files `@` searches at most: past this a workspace is searched by its first files only. */
const MAX_WORKSPACE_FILES = 100_000;
const EXCLUDE = '{**/node_modules/**,**/.git/**}';
/** Output kept per terminal command: more than a mention takes, so the cut is the mention's. */
const MAX_TERMINAL_CHARS = MAX_ITEM_CHARS * 2;
/** A diff bigger than this is not read whole (the mention cuts far sooner). */
const MAX_DIFF_BYTES = 8 * 1024 * 1024;

const SEVERITY: Record<vscode.DiagnosticSeverity, DiagnosticInfo['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** The core's host services, done with VS Code's API. */
export class VsCodeHostServices implements HostServices, vscode.Disposable {
  private files: Promise<readonly string[]> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The last command output of each terminal, as shell integration reports it. */
  private readonly terminalOutputs = new WeakMap<vscode.Terminal, string>();
  /** Set by activate to the ChangeReview's (change-review.ts), which owns the diff sides. */
  openDiff?: (request: DiffRequest) => Promise<void>;

  constructor(private readonly actions: (id: ActionId) => void) {
    // The file list is read once and kept until a file is created, deleted or a folder changes.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    const forget = () => (this.files = undefined);
    this.disposables.push(watcher, watcher.onDidCreate(forget), watcher.onDidDelete(forget), vscode.workspace.onDidChangeWorkspaceFolders(forget));
    // Only commands run with shell integration can be read back: VS Code exposes no other output.
    this.disposables.push(vscode.window.onDidStartTerminalShellExecution((event) => void this.capture(event.terminal, event.execution)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

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

  async pickFiles(): Promise<string[]> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Attach', title: 'OpenClaw: Attach Files' });
    return (picked ?? []).map((uri) => uri.toString());
  }

  async readFile(uriText: string, options: { workspaceOnly?: boolean } = {}): Promise<{ name: string; bytes: Uint8Array }> {
    let uri: vscode.Uri;
    try {
      uri = uriText.includes('://') || uriText.startsWith('file:') ? vscode.Uri.parse(uriText, true) : vscode.Uri.file(uriText);
    } catch {
      throw new Error(`“${uriText}” is not a file this editor can open.`);
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const name = folder ? vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1) : uri.path.split('/').pop() || uri.path;
    if (options.workspaceOnly) {
      if (!folder || hasDotSegments(uri.path)) throw new Error(`${name} is outside the workspace: attach it with the paperclip instead.`);
      if (uri.scheme === 'file') await assertReallyInside(folder.uri.fsPath, uri.fsPath, name);
    }
    try {
      return { name, bytes: await vscode.workspace.fs.readFile(uri) };
    } catch (error) {
      throw new Error(`Could not read ${name}: ${(error as Error).message}`, { cause: error });
    }
  }

  workspaceFiles(): Promise<readonly string[]> {
    const files =
      this.files ??
      Promise.resolve(vscode.workspace.findFiles('**/*', EXCLUDE, MAX_WORKSPACE_FILES)).then((uris) => {
        const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
        return uris.map((uri) => vscode.workspace.asRelativePath(uri, multi)).sort();
      });
    this.files = files;
    return files;
  }

  async readWorkspaceFile(path: string): Promise<Uint8Array> {
    const { folder, uri } = this.workspaceUri(path);
    if (uri.scheme === 'file') await assertReallyInside(folder.uri.fsPath, uri.fsPath, path);
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch (error) {
      throw new Error(`Could not read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  activeSelection(): SelectionInfo | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) return undefined;
    const { start, end } = editor.selection;
    // A selection that ends at the start of a line does not take that line.
    const endLine = end.character === 0 && end.line > start.line ? end.line : end.line + 1;
    return {
      path: vscode.workspace.asRelativePath(editor.document.uri, false),
      startLine: start.line + 1,
      endLine,
      languageId: editor.document.languageId,
      text: editor.document.getText(editor.selection),
    };
  }

  diagnostics(): { activePath?: string; items: DiagnosticInfo[] } {
    const active = vscode.window.activeTextEditor?.document.uri;
    const items: DiagnosticInfo[] = [];
    for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
      const path = vscode.workspace.asRelativePath(uri, false);
      for (const d of diagnostics) {
        const item: DiagnosticInfo = {
          path,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          severity: SEVERITY[d.severity],
          message: d.message,
        };
        if (d.source) item.source = d.source;
        if (d.code !== undefined) item.code = String(typeof d.code === 'object' ? d.code.value : d.code);
        items.push(item);
      }
    }
    return { activePath: active ? vscode.workspace.asRelativePath(active, false) : undefined, items };
  }

  gitDiff(): Promise<string> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return Promise.reject(new Error('No folder is open on this computer, so there is no git diff to mention.'));
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        ['diff', 'HEAD', '--no-color', '--no-ext-diff'],
        { cwd: folder.uri.fsPath, maxBuffer: MAX_DIFF_BYTES, timeout: 15_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`git diff failed in ${folder.name}: ${(stderr || error.message).trim().split('\n')[0]}`));
          else resolve(stdout);
        },
      );
    });
  }

  terminalOutput(): Promise<{ name: string; text: string }> {
    const terminal = vscode.window.activeTerminal;
    if (!terminal) return Promise.reject(new Error('No terminal is open: run the command in a terminal, then mention @terminal again.'));
    const text = this.terminalOutputs.get(terminal);
    if (text === undefined) {
      return Promise.reject(
        new Error(
          `VS Code shows extensions the output of commands run with shell integration only, and none has run in “${terminal.name}” since the extension started. Run the command again, then mention @terminal.`,
        ),
      );
    }
    return Promise.resolve({ name: terminal.name, text });
  }

  async saveBusyMode(mode: Delivery): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update(Setting.sendWhileBusy, mode, vscode.ConfigurationTarget.Global);
  }

  private async capture(terminal: vscode.Terminal, execution: vscode.TerminalShellExecution): Promise<void> {
    let text = execution.commandLine.value ? `$ ${execution.commandLine.value}\n` : '';
    this.terminalOutputs.set(terminal, text);
    try {
      for await (const chunk of execution.read()) {
        text = (text + chunk).slice(-MAX_TERMINAL_CHARS);
        this.terminalOutputs.set(terminal, text);
      }
    } catch {
      // The terminal closed while it was read: what was read stays.
    }
  }

  /** A workspace path as `workspaceFiles` gave it, back to a URI inside a workspace folder. */
  private workspaceUri(path: string): { folder: vscode.WorkspaceFolder; uri: vscode.Uri } {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) throw new Error('No folder is open, so there is no workspace file to mention.');
    const parts = workspacePathParts(path);
    const named = folders.length > 1 ? folders.find((f) => f.name === parts[0]) : undefined;
    const folder = named ?? folders[0];
    return { folder, uri: vscode.Uri.joinPath(folder.uri, ...(named ? parts.slice(1) : parts)) };
  }
}
