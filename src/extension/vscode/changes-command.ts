/**
 * OpenClaw: Show Changes — the git changes of the shown session's workspace (`sessions.diff`):
 * uncommitted files, and on a feature branch each commit since it left the base branch. A file
 * opens in the diff editor: against the real file when the workspace is the open folder and the
 * patch applies backwards to it, else read-only from the gateway's patch.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { exactText } from '../changes/change-set';
import { patchSides } from '../changes/diff-view';
import { applyPatch, parsePatch } from '../changes/patch';
import { resolveInWorkspace } from '../changes/workspace-files';
import type { ChatController } from '../chat-controller';
import { sessionDiff, unavailableText, type SessionDiff, type SessionDiffFile } from '../../gateway/sessions-diff';
import type { ChangeReview } from './change-review';
import { Command } from './settings';

type Pick = vscode.QuickPickItem & { file?: SessionDiffFile; commit?: string };

export function registerChangesCommand(context: vscode.ExtensionContext, controller: ChatController, review: ChangeReview): void {
  context.subscriptions.push(vscode.commands.registerCommand(Command.showChanges, () => showChanges(controller, review)));
}

async function showChanges(controller: ChatController, review: ChangeReview, commit?: { sha: string; subject: string }): Promise<void> {
  const sessionKey = controller.sessionKey;
  let diff: SessionDiff;
  try {
    diff = await sessionDiff(controller.client, sessionKey, commit ? 'commit' : 'all', commit?.sha);
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not ask the gateway for the session’s changes: ${(error as Error).message}`);
    return;
  }
  if (diff.unavailableReason) {
    void vscode.window.showWarningMessage(unavailableText(diff.unavailableReason));
    return;
  }
  const items: Pick[] = diff.files.map((file) => ({
    label: file.path,
    description: `+${file.additions} \u2212${file.deletions}`,
    detail: file.untracked ? `${file.status}, untracked` : file.status,
    file,
  }));
  if (!commit && diff.commits.length) {
    items.push({ label: 'Commits', kind: vscode.QuickPickItemKind.Separator });
    for (const c of diff.commits) items.push({ label: `$(git-commit) ${c.sha.slice(0, 8)}`, description: c.subject, commit: c.sha });
  }
  if (!items.length) {
    void vscode.window.showInformationMessage(`No changes in the agent’s workspace${diff.root ? ` (${diff.root})` : ''} on ${diff.branch ?? 'its branch'}.`);
    return;
  }
  const where = commit ? `commit ${commit.sha.slice(0, 8)} ${commit.subject}` : `${diff.branch ?? 'workspace'} against ${diff.baseRef ?? 'HEAD'}`;
  const picked = await vscode.window.showQuickPick(items, {
    title: `Changes of the agent’s workspace: ${where} (+${diff.additions} \u2212${diff.deletions})`,
    placeHolder: 'A file opens in the diff editor; a commit lists its files',
    matchOnDescription: true,
  });
  if (!picked) return;
  if (picked.commit) {
    const chosen = diff.commits.find((c) => c.sha === picked.commit)!;
    // The list names commits by short sha; the gateway was seen to take a full one.
    return showChanges(controller, review, { ...chosen, sha: await fullSha(chosen.sha, diff.root, review.root()) });
  }
  if (picked.file) await openFile(picked.file, diff.root, review, commit ? commit.sha.slice(0, 8) : 'uncommitted');
}

async function openFile(file: SessionDiffFile, root: string | undefined, review: ChangeReview, what: string): Promise<void> {
  const title = `${path.basename(file.path)} (${what})`;
  let parsed;
  try {
    parsed = file.patch ? parsePatch(file.patch)[0] : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    void vscode.window.showWarningMessage(`The gateway sent no readable patch for ${file.path} (a binary file?).`);
    return;
  }
  // The real file on the right only when it is this folder's, uncommitted, and the patch matches it.
  const local = review.root();
  if (local && root && what === 'uncommitted' && (await sameFolder(local, root))) {
    try {
      const absolute = await resolveInWorkspace(local, file.path);
      const now = exactText(await fs.readFile(absolute));
      if (now !== undefined) return await review.openDiff({ title, before: applyPatch(now, parsed, { reverse: true }), after: { absolute } });
    } catch {
      // Shown from the patch below.
    }
  }
  const sides = patchSides(parsed);
  await review.openDiff({ title, before: sides.before, after: { text: sides.after }, readOnly: 'from the gateway’s patch' });
}

/** The full sha of a short one, from the open folder's git when it is the agent's workspace; else the short one. */
async function fullSha(short: string, root: string | undefined, local: string | undefined): Promise<string> {
  if (!root || !local || !/^[0-9a-f]{4,40}$/.test(short) || !(await sameFolder(root, local))) return short;
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--verify', '--quiet', `${short}^{commit}`], { cwd: local, timeout: 10_000 }, (error, stdout) =>
      resolve(!error && /^[0-9a-f]{40}\s*$/.test(stdout) ? stdout.trim() : short),
    );
  });
}

async function sameFolder(a: string, b: string): Promise<boolean> {
  try {
    return (await fs.realpath(a)) === (await fs.realpath(b));
  } catch {
    return false;
  }
}
