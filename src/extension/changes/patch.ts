/**
 * Unified patches as the gateway's file tools report them (`details.patch` of `write`, `edit` and
 * `apply_patch` results): parsed strictly, and applied forwards or backwards to a file's text only
 * where every context and removed line matches exactly at the place the hunk names. A patch from
 * the gateway is untrusted input: one that does not parse or does not apply is refused, never fuzzed.
 */

export interface PatchLine {
  /** ' ' context, '-' removed, '+' added. */
  op: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: PatchLine[];
  /** The old side's last line has no newline after it (`\ No newline at end of file`). */
  oldNoEol: boolean;
  newNoEol: boolean;
}

export interface FilePatch {
  /** The paths of the `---` and `+++` lines, without `a/`/`b/` prefixes; `/dev/null` stays as it is. */
  oldPath: string;
  newPath: string;
  hunks: Hunk[];
  additions: number;
  deletions: number;
}

/** Longest patch read at all (a bigger one is shown as refused, never parsed). */
export const MAX_PATCH_CHARS = 2_000_000;

export class PatchError extends Error {}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The files of a unified patch, in order. Throws a PatchError saying what is wrong with it. */
export function parsePatch(text: string): FilePatch[] {
  if (text.length > MAX_PATCH_CHARS) throw new PatchError(`the patch is longer than ${MAX_PATCH_CHARS} characters`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const files: FilePatch[] = [];
  let file: FilePatch | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      file = { oldPath: headerPath(line.slice(4)), newPath: headerPath(lines[i + 1].slice(4)), hunks: [], additions: 0, deletions: 0 };
      files.push(file);
      i += 2;
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      if (!file) throw new PatchError(`line ${i + 1}: a hunk before any file header`);
      const hunk: Hunk = {
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        lines: [],
        oldNoEol: false,
        newNoEol: false,
      };
      i++;
      let oldSeen = 0;
      let newSeen = 0;
      while (i < lines.length && (oldSeen < hunk.oldLines || newSeen < hunk.newLines || lines[i].startsWith('\\'))) {
        const body = lines[i];
        const op = body[0];
        if (op === '\\') {
          // Applies to the line just before it: the old side, the new side, or both for context.
          const last = hunk.lines[hunk.lines.length - 1];
          if (!last) throw new PatchError(`line ${i + 1}: "\\ No newline" with no line before it`);
          if (last.op !== '+') hunk.oldNoEol = true;
          if (last.op !== '-') hunk.newNoEol = true;
        } else if (op === ' ' || op === '-' || op === '+') {
          hunk.lines.push({ op, text: body.slice(1) });
          if (op !== '+') oldSeen++;
          if (op !== '-') newSeen++;
          if (op === '+') file.additions++;
          if (op === '-') file.deletions++;
        } else if (body === '') {
          // Some writers drop the space of an empty context line.
          hunk.lines.push({ op: ' ', text: '' });
          oldSeen++;
          newSeen++;
        } else {
          throw new PatchError(`line ${i + 1}: not a patch line`);
        }
        i++;
      }
      if (oldSeen !== hunk.oldLines || newSeen !== hunk.newLines) throw new PatchError(`line ${i}: a hunk shorter than its header says`);
      file.hunks.push(hunk);
      continue;
    }
    // Git's own lines (`diff --git`, `index`, `new file mode`) say nothing an apply needs.
    if (file && file.hunks.length && !/^(diff |index |new file|deleted file|old mode|new mode|similarity|rename |Binary )/.test(line)) {
      throw new PatchError(`line ${i + 1}: not a patch line`);
    }
    i++;
  }
  if (!files.length) throw new PatchError('no file in the patch');
  return files;
}

function headerPath(raw: string): string {
  // A tab starts the optional timestamp.
  const path = raw.split('\t')[0].trim();
  // `/dev/null` has no `a/` or `b/` to drop: it stays as it is.
  return /^[ab]\//.test(path) ? path.slice(2) : path;
}

/** A file's text as lines without their newlines, and whether the last line has one. */
interface Lines {
  lines: string[];
  eol: boolean;
}

function splitText(text: string): Lines {
  // '' splits to [''] and so reads as no lines, ending in a newline: no case of its own.
  const lines = text.split('\n');
  const eol = lines[lines.length - 1] === '';
  if (eol) lines.pop();
  return { lines, eol };
}

function joinText({ lines, eol }: Lines): string {
  if (!lines.length) return '';
  return lines.join('\n') + (eol ? '\n' : '');
}

/**
 * The text after the patch, or (with `reverse`) before it. Every hunk must match exactly where it
 * says; throws a PatchError naming the first line that does not.
 */
export function applyPatch(text: string, patch: FilePatch, options: { reverse?: boolean } = {}): string {
  const reverse = options.reverse === true;
  const file = splitText(text);
  const out: string[] = [];
  let at = 0;
  let eol = file.eol;
  for (const hunk of patch.hunks) {
    const from = reverse ? hunk.newStart : hunk.oldStart;
    const fromLines = reverse ? hunk.newLines : hunk.oldLines;
    // A hunk of no lines on this side names the line before which it goes.
    const start = fromLines === 0 ? from : from - 1;
    if (start < at || start > file.lines.length) throw new PatchError(`a hunk at line ${from} is outside the file or out of order`);
    // One push per line: spreading the slice would pass every line as an argument, which overflows
    // the call stack for a file of a few hundred thousand lines.
    for (const line of file.lines.slice(at, start)) out.push(line);
    at = start;
    for (const line of hunk.lines) {
      const op = reverse ? (line.op === '+' ? '-' : line.op === '-' ? '+' : ' ') : line.op;
      if (op === '+') {
        out.push(line.text);
        continue;
      }
      if (file.lines[at] !== line.text) throw new PatchError(`line ${at + 1} is not what the patch expects`);
      if (op === ' ') out.push(line.text);
      at++;
    }
    if (at === file.lines.length) {
      // The hunk reaches the end: the newline after the last line is the patch's to say.
      const expectNoEol = reverse ? hunk.newNoEol : hunk.oldNoEol;
      if (fromLines > 0 && expectNoEol === file.eol) throw new PatchError('the end of the file is not what the patch expects');
      eol = !(reverse ? hunk.oldNoEol : hunk.newNoEol);
    }
  }
  for (const line of file.lines.slice(at)) out.push(line);
  return joinText({ lines: out, eol });
}

/** Added and removed lines of the whole patch. */
export function countChanges(files: readonly FilePatch[]): { additions: number; deletions: number } {
  return files.reduce((sum, f) => ({ additions: sum.additions + f.additions, deletions: sum.deletions + f.deletions }), { additions: 0, deletions: 0 });
}
