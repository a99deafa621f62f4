/**
 * The agent's changes in VS Code: Open Diff shows `vscode.diff` with the before side served
 * read-only by a content provider (and the after side too when it is only the tool's patch), and
 * a revert goes through a WorkspaceEdit, so it can be undone, and compares against the editor's
 * buffer (unsaved edits included) before anything is written. Which paths may be written at all
 * is decided by the core (changes/workspace-files.ts) before any of this is called.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DiffRequest } from '../changes/change-tracker';
import type { ChangeFiles } from '../changes/workspace-files';

/** The scheme of the read-only sides; VS Code offers no editing for a content provider's documents. */
export const DIFF_SCHEME = 'openclaw-diff';
/** Sides kept for the diff editors that may still show them; the oldest go first. */
const KEPT_SIDES = 200;

export class ChangeReview implements vscode.Disposable {
  private readonly sides = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private next = 1;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.sides.get(uri.toString()) ?? '',
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }

  /** The open folder, where the agent's relative paths are looked for (a local folder only). */
  root(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  }

  /** Opens the diff editor: the real file on the right when the change is the open folder's, else the patch's after side. */
  async openDiff(request: DiffRequest): Promise<void> {
    const n = this.next++;
    const name = path.basename('absolute' in request.after ? request.after.absolute : request.title.split(' ')[0]);
    const left = this.side(`/${n}/before/${name}`, request.before);
    const right = 'absolute' in request.after ? vscode.Uri.file(request.after.absolute) : this.side(`/${n}/after/${name}`, request.after.text);
    const title = request.readOnly ? `${request.title} — read-only, from the tool’s patch` : request.title;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }

  private side(uriPath: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: DIFF_SCHEME, path: uriPath });
    this.sides.set(uri.toString(), text);
    if (this.sides.size > KEPT_SIDES) this.sides.delete(this.sides.keys().next().value as string);
    return uri;
  }

  /** Reads and writes through the editor: an open buffer is what counts, and a revert is one undoable edit, then saved. */
  readonly files: ChangeFiles = {
    read: async (absolute) => {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === absolute);
      if (open) return new TextEncoder().encode(open.getText());
      try {
        return await fs.readFile(absolute);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    write: async (absolute, bytes) => {
      const uri = vscode.Uri.file(absolute);
      const text = new TextDecoder().decode(bytes);
      const edit = new vscode.WorkspaceEdit();
      let exists = true;
      try {
        await fs.stat(absolute);
      } catch {
        exists = false;
      }
      if (!exists) {
        edit.createFile(uri, { contents: bytes, ignoreIfExists: false });
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not create ${absolute}.`);
        return;
      }
      const document = await vscode.workspace.openTextDocument(uri);
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not apply the revert of ${absolute}.`);
      if (!(await document.save())) throw new Error(`VS Code did not save ${absolute} after the revert.`);
    },
    remove: async (absolute) => {
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(vscode.Uri.file(absolute), { ignoreIfNotExists: true });
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not delete ${absolute}.`);
    },
  };
}
