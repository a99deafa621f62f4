/**
 * What a file tool's result says it changed, read at the edge: `write`, `edit` and `apply_patch`
 * results carry `details.patch` (a unified patch) and `details.diff` (numbered +/- lines). The
 * result is the gateway's untrusted JSON: every field is checked here and nothing else reads it.
 */
import { isRecord, str } from '../../protocol/schema';
import { MAX_PATCH_CHARS, parsePatch, PatchError, type FilePatch } from './patch';

/** The tools whose results may carry a patch. */
export const FILE_TOOLS = new Set(['write', 'edit', 'apply_patch']);

export interface ToolFileChange {
  /** The path as the tool named it (relative to the agent workspace, or absolute). */
  path: string;
  /** The unified patch as the gateway sent it. */
  patch: string;
  /** The parsed patch of this one file. */
  file: FilePatch;
  /** The tool created the file (`details.created`). */
  created: boolean;
}

export type ToolChangeReading = { changes: ToolFileChange[] } | { problem: string };

/**
 * The files a tool result changed, or undefined when it is no file tool's successful result with a
 * patch; `problem` when it claims a patch that cannot be read (shown, never applied).
 */
export function readToolChanges(name: string, args: unknown, result: unknown, isError: boolean): ToolChangeReading | undefined {
  if (!FILE_TOOLS.has(name) || isError || !isRecord(result) || !isRecord(result.details)) return undefined;
  const details = result.details;
  if (details.changed === false) return undefined;
  const patch = str(details, 'patch');
  if (patch === undefined || !patch.trim()) return undefined;
  if (patch.length > MAX_PATCH_CHARS) return { problem: `its patch is longer than ${MAX_PATCH_CHARS} characters` };
  let files: FilePatch[];
  try {
    files = parsePatch(patch);
  } catch (error) {
    if (error instanceof PatchError) return { problem: `its patch cannot be read: ${error.message}` };
    throw error;
  }
  const argPath = str(args, 'path');
  const created = details.created === true;
  const changes = files.map((file) => {
    const named = file.newPath !== '/dev/null' ? file.newPath : file.oldPath;
    // write/edit name one file in their arguments; the patch header is the tool's own rendering of it.
    const path = files.length === 1 && argPath ? argPath : named;
    return { path, patch: files.length === 1 ? patch : patchOf(file), file, created: created || file.oldPath === '/dev/null' };
  });
  return { changes };
}

/** One file's part of a many-file patch, written back as text for the diff view. */
function patchOf(file: FilePatch): string {
  const out = [`--- ${file.oldPath}`, `+++ ${file.newPath}`];
  for (const hunk of file.hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) out.push(`${line.op}${line.text}`);
  }
  return `${out.join('\n')}\n`;
}
