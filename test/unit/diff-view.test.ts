/**
 * How a change is shown from a patch alone: the card's lines (cut at MAX_DIFF_LINES), the numbered
 * `details.diff` history keeps, and the before/after sides a patch can show. Plain patch objects in,
 * plain lines and text out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GAP_MARKER, HISTORY_DIFF_NOTE, diffLines, historyDiffs, numberedDiffLines, patchSides } from '../../src/extension/changes/diff-view';
import type { FilePatch, Hunk, PatchLine } from '../../src/extension/changes/patch';
import { MAX_DIFF_LINES } from '../../src/protocol/webview';

const hunk = (oldStart: number, lines: PatchLine[]): Hunk => ({
  oldStart,
  oldLines: lines.filter((l) => l.op !== '+').length,
  newStart: oldStart,
  newLines: lines.filter((l) => l.op !== '-').length,
  lines,
  oldNoEol: false,
  newNoEol: false,
});
const file = (...hunks: Hunk[]): FilePatch => ({ oldPath: 'a.ts', newPath: 'a.ts', hunks, additions: 0, deletions: 0 });
const same = (text: string): PatchLine => ({ op: ' ', text });
const del = (text: string): PatchLine => ({ op: '-', text });
const add = (text: string): PatchLine => ({ op: '+', text });

describe('diff view', () => {
  it('card lines: each hunk’s header, then its lines', () => {
    const view = diffLines(file(hunk(3, [same('a'), del('b'), add('c')]), hunk(20, [add('d')])));
    assert.deepEqual(view, {
      lines: [
        { op: '@', text: '@@ -3,2 +3,2 @@' },
        { op: ' ', text: 'a' },
        { op: '-', text: 'b' },
        { op: '+', text: 'c' },
        { op: '@', text: '@@ -20,0 +20,1 @@' },
        { op: '+', text: 'd' },
      ],
      truncated: false,
    });
  });

  it('card lines: MAX_DIFF_LINES fit, one more is cut and marked', () => {
    const many = (n: number) =>
      hunk(
        1,
        Array.from({ length: n }, (_, i) => add(`line ${i}`)),
      );
    const full = diffLines(file(many(MAX_DIFF_LINES - 1)));
    assert.deepEqual([full.lines.length, full.truncated], [MAX_DIFF_LINES, false]);
    const over = diffLines(file(many(MAX_DIFF_LINES)));
    assert.deepEqual([over.lines.length, over.truncated, over.lines.at(-1)?.text], [MAX_DIFF_LINES, true, `line ${MAX_DIFF_LINES - 2}`]);
  });

  it('numbered diff: the sign, a line number (any width, spaces around it), then the text', () => {
    assert.deepEqual(numberedDiffLines('-12 old\n+12 new\n 13 same\n+  7   indented\n+9tight\n-'), {
      lines: [
        { op: '-', text: 'old' },
        { op: '+', text: 'new' },
        { op: ' ', text: 'same' },
        { op: '+', text: '  indented' },
        { op: '+', text: 'tight' },
        { op: '-', text: '' },
      ],
      truncated: false,
      additions: 3,
      deletions: 2,
    });
  });

  it('numbered diff: counts each side alone; nothing changed or another shape is not one', () => {
    assert.deepEqual(numberedDiffLines('+1 a')?.[`additions`], 1);
    assert.deepEqual(numberedDiffLines('-1 a')?.[`deletions`], 1);
    assert.equal(numberedDiffLines(' 1 a\n 2 b'), undefined, 'context only');
    assert.equal(numberedDiffLines('+1 a\nplain'), undefined, 'a line without a sign');
    assert.equal(numberedDiffLines('x+1 a'), undefined, 'the sign must come first');
    assert.equal(numberedDiffLines('+1 a\u2028b'), undefined, 'a line break inside a line');
  });

  it('numbered diff: MAX_DIFF_LINES fit, one more is cut; the counts cover every line', () => {
    const diff = (n: number) => Array.from({ length: n }, (_, i) => `+${i + 1} x`).join('\n');
    const full = numberedDiffLines(diff(MAX_DIFF_LINES))!;
    assert.deepEqual([full.lines.length, full.truncated, full.additions], [MAX_DIFF_LINES, false, MAX_DIFF_LINES]);
    const over = numberedDiffLines(diff(MAX_DIFF_LINES + 1))!;
    assert.deepEqual([over.lines.length, over.truncated, over.additions], [MAX_DIFF_LINES, true, MAX_DIFF_LINES + 1]);
  });

  it('patch sides: a file the patch creates is exact, with no marker', () => {
    assert.deepEqual(patchSides(file(hunk(1, [add('one'), add('two')]))), { before: '', after: 'one\ntwo\n' });
    assert.deepEqual(patchSides(file(hunk(1, [same('a'), del('b'), add('c')]))), { before: 'a\nb\n', after: 'a\nc\n' });
  });

  it('patch sides: a marker where lines are left out, before a later hunk and between hunks', () => {
    const sides = patchSides(file(hunk(2, [del('b')]), hunk(9, [same('i'), add('j')])));
    assert.deepEqual(sides, {
      before: `${GAP_MARKER}\nb\n${GAP_MARKER}\ni\n`,
      after: `${GAP_MARKER}\n${GAP_MARKER}\ni\nj\n`,
    });
    assert.notEqual(sides.after.split('\n')[0].trim(), '', 'a gap must not read as a blank line of the file');
    assert.deepEqual(patchSides(file()), { before: '', after: '' });
  });

  it('history diffs: a file tool’s numbered diff with its path, read-only', () => {
    for (const tool of ['write', 'edit', 'apply_patch']) {
      assert.deepEqual(historyDiffs(tool, { path: 'src/a.ts' }, { diff: '-1 a\n+1 b' }), [
        {
          path: 'src/a.ts',
          lines: [
            { op: '-', text: 'a' },
            { op: '+', text: 'b' },
          ],
          truncated: false,
          additions: 1,
          deletions: 1,
          openable: false,
          readOnly: HISTORY_DIFF_NOTE,
        },
      ]);
    }
    // The webview offers keep and revert on a diff whose readOnly is empty: it must say why it cannot.
    assert.ok(historyDiffs('write', { path: 'a' }, { diff: '+1 a' })?.[0].readOnly);
    assert.equal(historyDiffs('edit', { path: 'p'.repeat(4096) }, { diff: '+1 a' })?.[0].path.length, 4096);
  });

  it('history diffs: none for another tool, or without a usable path or diff', () => {
    const ok = { diff: '+1 a' };
    const cases: [string, unknown, unknown][] = [
      ['read', { path: 'a' }, ok],
      ['edit', { path: 'a' }, null],
      ['edit', { path: 'a' }, 'diff'],
      ['edit', { path: 'a' }, { diff: 1 }],
      ['edit', { path: 'a' }, { diff: 'plain' }],
      ['edit', null, ok],
      ['edit', 'a', ok],
      ['edit', { path: 1 }, ok],
      ['edit', { path: '' }, ok],
      ['edit', { path: 'p'.repeat(4097) }, ok],
    ];
    for (const [tool, args, details] of cases) assert.equal(historyDiffs(tool, args, details), undefined, JSON.stringify([tool, args, details]).slice(0, 80));
  });
});
