/**
 * The files one turn changed, each with its content before the turn and after it, and what the
 * person decided (keep or revert). Before-content is never taken from the gateway's word alone: it
 * is the tools' patches applied backwards to the file as it is in the workspace when the turn ends, so a file that is not
 * the one the agent changed (another folder, a remote gateway) simply does not match and is shown
 * read-only from the patch. A revert writes the exact before-content only while the file still holds
 * exactly the after-content, and checks the path again right before writing.
 */
import { applyPatch, PatchError } from './patch';
import type { ToolFileChange } from './tool-change';
import { PathRefusal, resolveInWorkspace, type ChangeFiles } from './workspace-files';

export type FileChangeState = 'pending' | 'kept' | 'reverted';

export interface FileChange {
  /** The path as the tool named it. */
  path: string;
  /** Each patch of the turn's tools to this file, in order (the diff shown is of their sum when local). */
  patches: string[];
  additions: number;
  deletions: number;
  /** Where it is in the open folder, when it is the file the agent changed; else undefined. */
  absolute?: string;
  /** Text before the turn's first change, and after its last (local files only). */
  before?: string;
  after?: string;
  /** The file did not exist before the turn (a revert removes it). */
  created: boolean;
  /** Why it is shown read-only (no folder, outside it, does not match the patch). */
  readOnly?: string;
  state: FileChangeState;
}

export type RevertOutcome = { ok: true } | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text, when they are UTF-8 that encodes back to exactly the same bytes. */
export function exactText(bytes: Uint8Array): string | undefined {
  try {
    const text = decoder.decode(bytes);
    const again = new TextEncoder().encode(text);
    return again.length === bytes.length && again.every((b, i) => b === bytes[i]) ? text : undefined;
  } catch {
    return undefined;
  }
}

export class ChangeSet {
  private readonly byPath = new Map<string, FileChange>();
  /** Each file's patches in the order the turn's tools made them, with the tool that made each. */
  private readonly steps = new Map<string, Array<{ toolId: string; change: ToolFileChange; sides?: { before: string; after: string } }>>();
  private settled = false;

  /**
   * @param root the open workspace folder, where the agent's relative paths are looked for; undefined
   *   when no folder is open (everything is read-only).
   */
  constructor(
    readonly root: string | undefined,
    private readonly files: ChangeFiles,
  ) {}

  get changes(): FileChange[] {
    return [...this.byPath.values()];
  }

  get(path: string): FileChange | undefined {
    return this.byPath.get(path);
  }

  /** A tool of the turn changed a file (what it is before and after is read once the turn ends: `settle`). */
  add(toolId: string, change: ToolFileChange): FileChange {
    const entry = this.byPath.get(change.path) ?? { path: change.path, patches: [], additions: 0, deletions: 0, created: change.created, state: 'pending' };
    entry.patches.push(change.patch);
    entry.additions += change.file.additions;
    entry.deletions += change.file.deletions;
    this.byPath.set(change.path, entry);
    const steps = this.steps.get(change.path) ?? [];
    steps.push({ toolId, change });
    this.steps.set(change.path, steps);
    return entry;
  }

  /**
   * The turn ended: each file is read as it is now, and its patches are applied backwards from the
   * last to the first, which gives each tool's before and after and the turn's before. A file whose
   * patches do not apply backwards is not the one the agent changed: it is shown read-only, as is
   * a file that could not be read at all.
   */
  async settle(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    for (const entry of this.byPath.values()) {
      const steps = this.steps.get(entry.path) ?? [];
      let local: Awaited<ReturnType<ChangeSet['readLocal']>>;
      try {
        local = await this.readLocal(entry.path, steps);
      } catch (error) {
        // The folder could not be read (gone, or the disk failed): this file is shown as the tool's
        // patch, with the reason, and the files after it are still read.
        local = { reason: `${entry.path} could not be read (${(error as Error).message}): the diff is the tool’s own patch, read-only.` };
      }
      if ('reason' in local) {
        entry.readOnly = local.reason;
        continue;
      }
      entry.absolute = local.absolute;
      entry.after = local.after;
      entry.before = local.before;
      const counts = lineCounts(entry.before, entry.after);
      entry.additions = counts.additions;
      entry.deletions = counts.deletions;
    }
  }

  /** One tool's before and after of a file, once settled and when the file is the open folder's. */
  sidesOf(toolId: string, path: string): { before: string; after: string } | undefined {
    return this.steps.get(path)?.find((step) => step.toolId === toolId)?.sides;
  }

  private async readLocal(
    named: string,
    steps: Array<{ change: ToolFileChange; sides?: { before: string; after: string } }>,
  ): Promise<{ absolute: string; before: string; after: string } | { reason: string }> {
    if (!this.root) return { reason: 'No folder is open: the diff is the tool’s own patch, read-only.' };
    let absolute: string;
    try {
      absolute = await resolveInWorkspace(this.root, named);
    } catch (error) {
      if (error instanceof PathRefusal) return { reason: `${error.message}; the diff is read-only.` };
      throw error;
    }
    const bytes = await this.files.read(absolute);
    const after = bytes ? exactText(bytes) : undefined;
    if (after === undefined)
      return {
        reason: 'The file in the open folder is not the one the agent changed (missing or not UTF-8 text): the diff is the tool’s own patch, read-only.',
      };
    let text = after;
    try {
      for (let k = steps.length - 1; k >= 0; k--) {
        const before = applyPatch(text, steps[k].change.file, { reverse: true });
        steps[k].sides = { before, after: text };
        text = before;
      }
      return { absolute, before: text, after };
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      for (const step of steps) step.sides = undefined;
      return {
        reason: `The file in the open folder does not match the tool’s patch (${error.message}): it is not the agent’s workspace, or it changed since. The diff is the tool’s own patch, read-only.`,
      };
    }
  }

  /** The person keeps the file as the agent left it. */
  keep(path: string): void {
    const entry = this.byPath.get(path);
    if (entry && entry.state === 'pending') entry.state = 'kept';
  }

  /**
   * Puts back the exact content from before the turn, only while the file holds exactly what the
   * turn left there; a file created by the turn is removed.
   */
  async revert(path: string): Promise<RevertOutcome> {
    const entry = this.byPath.get(path);
    if (!entry) return { ok: false, reason: `${path} was not changed by this turn.` };
    if (entry.state !== 'pending') return { ok: false, reason: `${path} was already ${entry.state}.` };
    if (entry.readOnly || !this.root || entry.before === undefined || entry.after === undefined)
      return { ok: false, reason: `${path} is shown read-only and is not written. ${entry.readOnly ?? ''}`.trim() };
    let absolute: string;
    try {
      // Again: a link may have appeared since the tool ran.
      absolute = await resolveInWorkspace(this.root, path);
    } catch (error) {
      if (error instanceof PathRefusal) return { ok: false, reason: error.message };
      throw error;
    }
    const bytes = await this.files.read(absolute);
    const now = bytes ? exactText(bytes) : undefined;
    if (now !== entry.after)
      return {
        ok: false,
        reason: `${path} changed after the turn (or has unsaved edits): it was not reverted. Look at it and undo by hand if you still want to.`,
      };
    if (entry.created && entry.before === '') await this.files.remove(absolute);
    else await this.files.write(absolute, new TextEncoder().encode(entry.before));
    entry.state = 'reverted';
    return { ok: true };
  }
}

/** Lines added and removed between two texts: what is left once their common first and last lines are set aside. */
function lineCounts(before: string, after: string): { additions: number; deletions: number } {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { additions: b.length - head - tail, deletions: a.length - head - tail };
}
