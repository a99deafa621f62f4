/**
 * How a change looks in the chat and in the diff editor when there is no file to compare with:
 * a card's lines from a parsed patch (or from the numbered `details.diff` that history keeps), and
 * the two sides a patch alone can show (what its hunks hold, with a marker where lines are left out).
 */
import { MAX_DIFF_LINES, type FileDiffView } from '../../protocol/webview';
import type { FilePatch } from './patch';

type DiffLine = FileDiffView['lines'][number];

/** The card's lines of one file's patch: each hunk's header, then its lines; cut at MAX_DIFF_LINES. */
export function diffLines(file: FilePatch): { lines: DiffLine[]; truncated: boolean } {
  const lines: DiffLine[] = [];
  for (const hunk of file.hunks) {
    lines.push({ op: '@', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
    for (const line of hunk.lines) lines.push({ op: line.op, text: line.text });
  }
  return { lines: lines.slice(0, MAX_DIFF_LINES), truncated: lines.length > MAX_DIFF_LINES };
}

/**
 * The lines of `details.diff` as history keeps it ("-1 old" / "+1 new", a line number after the
 * sign), with the counts; undefined when it is not that shape.
 */
export function numberedDiffLines(diff: string): { lines: DiffLine[]; truncated: boolean; additions: number; deletions: number } | undefined {
  const lines: DiffLine[] = [];
  let additions = 0;
  let deletions = 0;
  for (const raw of diff.split('\n')) {
    const match = /^([+\- ])\s*\d*\s?(.*)$/.exec(raw);
    if (!match) return undefined;
    const op = match[1] as DiffLine['op'];
    if (op === '+') additions++;
    if (op === '-') deletions++;
    lines.push({ op, text: match[2] });
  }
  if (!additions && !deletions) return undefined;
  return { lines: lines.slice(0, MAX_DIFF_LINES), truncated: lines.length > MAX_DIFF_LINES, additions, deletions };
}

/** Marks where a patch-only side leaves lines out. */
export const GAP_MARKER = '⋯';

/**
 * Before and after as far as the patch shows them: its hunks' old and new lines, with a marker
 * line between hunks and where the file goes on. Exact for a file the patch creates.
 */
export function patchSides(file: FilePatch): { before: string; after: string } {
  const before: string[] = [];
  const after: string[] = [];
  file.hunks.forEach((hunk, index) => {
    if (index > 0 || hunk.oldStart > 1) {
      before.push(GAP_MARKER);
      after.push(GAP_MARKER);
    }
    for (const line of hunk.lines) {
      if (line.op !== '+') before.push(line.text);
      if (line.op !== '-') after.push(line.text);
    }
  });
  const text = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
  return { before: text(before), after: text(after) };
}

/** Why a diff read back from history cannot be opened. */
export const HISTORY_DIFF_NOTE = 'From history: the diff the tool reported then; it cannot be opened, kept or reverted now.';

/**
 * The diff a file tool's history row kept (`details.diff`, numbered lines; the row has no patch),
 * for the card of a turn read back from history. Undefined when there is none to show.
 */
export function historyDiffs(toolName: string, args: unknown, details: unknown): FileDiffView[] | undefined {
  if (!['write', 'edit', 'apply_patch'].includes(toolName) || typeof details !== 'object' || details === null) return undefined;
  const diff = (details as Record<string, unknown>).diff;
  const path = typeof args === 'object' && args !== null ? (args as Record<string, unknown>).path : undefined;
  if (typeof diff !== 'string' || typeof path !== 'string' || !path || path.length > 4096) return undefined;
  const read = numberedDiffLines(diff);
  if (!read) return undefined;
  return [{ path, ...read, openable: false, readOnly: HISTORY_DIFF_NOTE }];
}
