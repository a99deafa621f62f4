/**
 * `OpenClaw: Export Session to Markdown`'s second half: where the Markdown goes. A new untitled
 * editor (nothing written anywhere until the person saves it), or a file in the workspace chosen
 * with the save dialog, written through `vscode.workspace.fs` (so remote and virtual workspaces
 * work) and only inside a workspace folder (export-target.ts says why).
 */
import * as vscode from 'vscode';
import { exportFileName, folderHolding, folderHoldingOnDisk } from '../export-target';

const UNTITLED = 'Open in a new editor';
const SAVE_AS = 'Save as a file in the workspace…';

/** How the export command asks; the choice is offered only when a workspace folder is open. */
export async function chooseExportTarget(title: string): Promise<'untitled' | 'file' | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return 'untitled';
  const picked = await vscode.window.showQuickPick(
    [
      { label: UNTITLED, detail: 'An untitled Markdown editor; nothing is written until you save it.' },
      { label: SAVE_AS, detail: 'Pick the file name and folder; the file is written inside this workspace.' },
    ],
    { title: `OpenClaw: Export “${title}”`, placeHolder: 'Where should the Markdown go?' },
  );
  if (!picked) return undefined;
  return picked.label === UNTITLED ? 'untitled' : 'file';
}

/** Asks for a file in the workspace; undefined when the person cancels. Throws a sentence for a path outside it. */
export async function askWorkspaceFile(title: string): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folders[0].uri, exportFileName(title)),
    filters: { Markdown: ['md'] },
    saveLabel: 'Export',
    title: `OpenClaw: Export “${title}” to a Markdown file`,
  });
  if (!target) return undefined;
  const inside = folders.filter((f) => f.uri.scheme === target.scheme && f.uri.authority === target.authority).map((f) => f.uri.path);
  // Windows and macOS file systems ignore case; VS Code's own path checks do the same there.
  const caseInsensitive = process.platform !== 'linux';
  const names = folders.map((f) => f.name).join(', ');
  if (!folderHolding(inside, target.path, caseInsensitive)) {
    throw new Error(`${target.fsPath} is outside the workspace (${names}): export again and pick a place inside it.`);
  }
  // On disk, a link inside the workspace may lead out of it.
  const onDisk = folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  if (target.scheme === 'file' && !(await folderHoldingOnDisk(onDisk, target.fsPath, caseInsensitive))) {
    throw new Error(`${target.fsPath} leads outside the workspace (${names}) through a link: export again and pick a place inside it.`);
  }
  return target;
}

/** Writes the Markdown to `target` and opens it. */
export async function writeExport(target: vscode.Uri, markdown: string): Promise<void> {
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
  await vscode.window.showTextDocument(target, { preview: false });
}
