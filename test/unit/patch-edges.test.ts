/**
 * Unified patches at their edges (src/extension/changes/patch.ts): headers and lines where they do
 * not belong, the `\ No newline` marker at the end of a hunk, counts of two digits, the size limit,
 * and where the end-of-file newline is checked. A patch is the gateway's untrusted input: what does
 * not parse is refused with a PatchError that names the line. Found by the mutation run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, countChanges, MAX_PATCH_CHARS, parsePatch, PatchError } from '../../src/extension/changes/patch';

const ONE = '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-x\n+y\n';
const refused = (text: string, message: RegExp) =>
  assert.throws(
    () => parsePatch(text),
    (e: unknown) => e instanceof PatchError && message.test(e.message),
  );

describe('parsing a patch', () => {
  it('takes exactly MAX_PATCH_CHARS characters, and refuses one more', () => {
    const pad = (n: number) => `diff ${'-'.repeat(n - ONE.length - 6)}\n${ONE}`;
    assert.equal(pad(MAX_PATCH_CHARS).length, MAX_PATCH_CHARS);
    assert.equal(parsePatch(pad(MAX_PATCH_CHARS))[0].newPath, 'x');
    refused(pad(MAX_PATCH_CHARS + 1), /^the patch is longer than 2000000 characters$/);
  });

  it('reads a last line without a newline, paths without prefixes or timestamps, and two-digit counts', () => {
    const [file] = parsePatch('--- a/src/b/x.ts\t2026-01-01 10:00\n+++ b/src/b/x.ts  \n@@ -1 +1 @@\n-x\n+y');
    assert.deepEqual([file.oldPath, file.newPath, file.additions, file.deletions], ['src/b/x.ts', 'src/b/x.ts', 1, 1]);
    assert.deepEqual(
      parsePatch('--- lib/b/y\n+++ lib/a/y\n@@ -1 +1 @@\n-x\n+y\n').map((f) => [f.oldPath, f.newPath]),
      [['lib/b/y', 'lib/a/y']],
      'no a/ or b/ at the start: nothing to drop',
    );
    assert.equal(parsePatch('--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+n\n')[0].oldPath, '/dev/null');
    const old = Array.from({ length: 12 }, (_, i) => `l${i}`);
    const body = old.map((l) => `-${l}`).join('\n');
    const [long] = parsePatch(`--- a/x\n+++ b/x\n@@ -1,12 +0,0 @@\n${body}\n`);
    assert.deepEqual([long.hunks[0].oldLines, long.hunks[0].newLines, long.deletions], [12, 0, 12]);
    const [wide] = parsePatch(
      `--- a/x\n+++ b/x\n@@ -10,2 +10,12 @@\n a\n b\n${old
        .slice(0, 10)
        .map((l) => `+${l}`)
        .join('\n')}\n`,
    );
    assert.deepEqual([wide.hunks[0].oldStart, wide.hunks[0].newLines, wide.additions], [10, 12, 10]);
  });

  it('keeps an empty context line whose space a writer dropped', () => {
    const [file] = parsePatch('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n\n-c\n+C\n');
    assert.deepEqual(file.hunks[0].lines, [
      { op: ' ', text: 'a' },
      { op: ' ', text: '' },
      { op: '-', text: 'c' },
      { op: '+', text: 'C' },
    ]);
    assert.equal(applyPatch('a\n\nc\n', file), 'a\n\nC\n');
  });

  it('skips git’s own lines between files, and counts the whole patch', () => {
    const files = parsePatch(
      `diff --git a/x b/x\nindex 1..2 100644\n${ONE}diff --git a/n b/n\nnew file mode 100644\n--- /dev/null\n+++ b/n\n@@ -0,0 +1,2 @@\n+1\n+2\ndeleted file mode 100644\nBinary files differ\n`,
    );
    assert.deepEqual(
      files.map((f) => f.newPath),
      ['x', 'n'],
    );
    assert.deepEqual(countChanges(files), { additions: 3, deletions: 1 });
    assert.deepEqual(countChanges([]), { additions: 0, deletions: 0 });
  });

  it('a "\\ No newline" marker at the very end belongs to the hunk, and to the new side after an added line', () => {
    const [file] = parsePatch('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file');
    assert.deepEqual([file.hunks[0].oldNoEol, file.hunks[0].newNoEol], [false, true]);
    assert.equal(applyPatch('a\n', file), 'b');
    assert.equal(applyPatch('b', file, { reverse: true }), 'a\n');
  });

  it('refuses what is out of place, naming the line', () => {
    refused('@@ -1 +1 @@\n-x\n+y\n', /^line 1: a hunk before any file header$/);
    refused('--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n\\ No newline at end of file\n+x\n', /^line 4: "\\ No newline" with no line before it$/);
    refused('--- a\n+++ a\n@@ -1,1 +1,1 @@\n*one\n', /^line 4: not a patch line$/);
    refused('--- a\n+++ a\n@@ -1,2 +1,0 @@\n-a\n', /^line 4: a hunk shorter than its header says$/);
    refused('--- a\n+++ a\n@@ -1,0 +1,2 @@\n+a\n', /^line 4: a hunk shorter than its header says$/);
    refused(`${ONE}junk diff --git a/x b/x\n`, /^line 6: not a patch line$/);
    refused(`${ONE}garbage @@ -1 +1 @@\n-x\n+y\n`, /^line 6: not a patch line$/);
    refused(`${ONE}--- a/x\n y\n`, /^line 6: not a patch line$/);
    refused(`${ONE}junk\n+++ b/x\n`, /^line 6: not a patch line$/);
    refused(`${ONE}--- a/x`, /^line 6: not a patch line$/);
  });
});

describe('applying a patch', () => {
  it('refuses hunks out of order', () => {
    const [file] = parsePatch('--- a/x\n+++ b/x\n@@ -3 +3 @@\n-c\n+C\n@@ -1 +1 @@\n-a\n+A\n');
    assert.throws(() => applyPatch('a\nb\nc\n', file), /^Error: a hunk at line 1 is outside the file or out of order$/);
  });

  it('checks the newline at the end only where a hunk reaches the end', () => {
    const [first] = parsePatch('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+A\n');
    assert.equal(applyPatch('a\nb\nc', first), 'A\nb\nc', 'the last line is untouched: its missing newline too');
    const [append] = parsePatch('--- a/x\n+++ b/x\n@@ -1,0 +2 @@\n+b\n');
    assert.equal(applyPatch('a', append), 'a\nb\n', 'an addition after the end says nothing about the old end');
    const [last] = parsePatch('--- a/x\n+++ b/x\n@@ -2 +2 @@\n-b\n+B\n');
    assert.throws(() => applyPatch('a\nb', last), /^Error: the end of the file is not what the patch expects$/);
  });
});
