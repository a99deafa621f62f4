/**
 * What the agent changed (src/extension/changes/): patches parsed and applied both ways, tool
 * results read at the edge (the recorded `write` result of the real gateway), and a turn's change
 * set kept or reverted on a real temporary folder, with every hostile path and patch refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { ChangeSet, type FileChange } from '../../src/extension/changes/change-set';
import { applyPatch, parsePatch, PatchError } from '../../src/extension/changes/patch';
import { readToolChanges, type ToolFileChange } from '../../src/extension/changes/tool-change';
import { nodeChangeFiles, resolveInWorkspace, PathRefusal } from '../../src/extension/changes/workspace-files';
import { readTranscript } from '../support/transcripts';

const recorded = readTranscript('diff-write-tool.jsonl').map((line) => line.frame!.payload.data);
const writeStart = recorded.find((d) => d.phase === 'start');
const writeResult = recorded.find((d) => d.phase === 'result');

const EDIT_PATCH = '--- notes.txt\n+++ notes.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n';

function change(pathName: string, patch: string, created = false): ToolFileChange {
  const reading = readToolChanges('edit', { path: pathName }, { details: { changed: true, created, patch } }, false);
  assert.ok(reading && 'changes' in reading, 'the patch reads');
  return reading.changes[0];
}

describe('unified patches', () => {
  it('parse with their counts, and apply forwards and backwards to exactly the same text', () => {
    const [file] = parsePatch(EDIT_PATCH);
    assert.deepEqual([file.oldPath, file.newPath, file.additions, file.deletions, file.hunks.length], ['notes.txt', 'notes.txt', 1, 1, 1]);
    assert.equal(applyPatch('one\ntwo\nthree\n', file), 'one\nTWO\nthree\n');
    assert.equal(applyPatch('one\nTWO\nthree\n', file, { reverse: true }), 'one\ntwo\nthree\n');
  });

  it('create a file from nothing and take it back to nothing', () => {
    const [file] = parsePatch(writeResult.result.details.patch);
    assert.equal(applyPatch('', file), 'hello from the fake model\n');
    assert.equal(applyPatch('hello from the fake model\n', file, { reverse: true }), '');
  });

  it('keep a missing newline at the end of the file', () => {
    const [file] = parsePatch('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n');
    assert.equal(applyPatch('a\nb', file), 'a\nc\n');
    assert.equal(applyPatch('a\nc\n', file, { reverse: true }), 'a\nb');
    assert.throws(() => applyPatch('a\nb\n', file), PatchError, 'the old side had no newline at the end');
  });

  it('apply several hunks, with git headers and a/ b/ prefixes', () => {
    const text = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const patch = 'diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-l1\n+L1\n l2\n@@ -19,2 +19,3 @@\n l19\n l20\n+l21\n';
    const [file] = parsePatch(patch);
    const changed = applyPatch(text, file);
    assert.match(changed, /^L1\nl2\n/);
    assert.match(changed, /l20\nl21\n$/);
    assert.equal(applyPatch(changed, file, { reverse: true }), text);
  });

  it('refuses a patch that does not apply where it says, or is not a patch', () => {
    const [file] = parsePatch(EDIT_PATCH);
    assert.throws(() => applyPatch('one\nzwei\nthree\n', file), /line 2 is not what the patch expects/);
    assert.throws(() => applyPatch('x\none\ntwo\nthree\n', file), PatchError, 'a line moved: no fuzz');
    assert.throws(() => parsePatch('rm -rf /\n'), /no file in the patch/);
    assert.throws(() => parsePatch('--- a\n+++ a\n@@ -1,3 +1,3 @@\n one\n'), /shorter than its header/);
    assert.throws(() => parsePatch('--- a\n+++ a\n@@ -1,1 +1,1 @@\n*one\n'), /not a patch line/);
    const [far] = parsePatch('--- a\n+++ a\n@@ -50,1 +50,1 @@\n-x\n+y\n');
    assert.throws(() => applyPatch('x\n', far), /outside the file/);
  });
});

describe('file tool results', () => {
  it('read the recorded write result: its path, patch and that it created the file', () => {
    const reading = readToolChanges(writeResult.name, writeStart.args, writeResult.result, writeResult.isError);
    assert.ok(reading && 'changes' in reading);
    const [one] = reading.changes;
    assert.deepEqual([one.path, one.created, one.file.additions, one.file.deletions], ['probe-notes.txt', true, 1, 0]);
  });

  it('are nothing for other tools, errors, unchanged files or no patch; a bad patch is a problem, not a change', () => {
    const details = { changed: true, patch: EDIT_PATCH };
    assert.equal(readToolChanges('ls', {}, { details }, false), undefined);
    assert.equal(readToolChanges('edit', {}, { details }, true), undefined);
    assert.equal(readToolChanges('edit', {}, { details: { ...details, changed: false } }, false), undefined);
    assert.equal(readToolChanges('edit', {}, { details: { changed: true, patch: 42 } }, false), undefined);
    assert.equal(readToolChanges('edit', {}, 'Successfully', false), undefined);
    const bad = readToolChanges('edit', { path: 'x' }, { details: { changed: true, patch: '--- x\n+++ x\n@@ -1 +1 @@\n?\n' } }, false);
    assert.ok(bad && 'problem' in bad && /cannot be read/.test(bad.problem));
  });

  it('split an apply_patch over several files by their headers', () => {
    const patch = '--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+n\n--- a/old.txt\n+++ b/old.txt\n@@ -1 +1 @@\n-o\n+O\n';
    const reading = readToolChanges('apply_patch', { input: '*** Begin Patch' }, { details: { patch } }, false);
    assert.ok(reading && 'changes' in reading);
    assert.deepEqual(
      reading.changes.map((c) => [c.path, c.created]),
      [
        ['new.txt', true],
        ['old.txt', false],
      ],
    );
  });
});

describe('paths from the gateway', () => {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-paths-')));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
  symlinkSync(outside, path.join(root, 'linked'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'src', 'alias.txt'));
  after(() => rmSync(base, { recursive: true, force: true }));

  it('resolve inside the folder, relative or absolute', async () => {
    assert.equal(await resolveInWorkspace(root, 'src/a.ts'), path.join(root, 'src', 'a.ts'));
    assert.equal(await resolveInWorkspace(root, path.join(root, 'b.txt')), path.join(root, 'b.txt'));
    assert.equal(await resolveInWorkspace(root, 'new/dir/c.txt'), path.join(root, 'new', 'dir', 'c.txt'));
  });

  for (const [what, named, reason] of [
    ['a ..', 'src/../../outside/secret.txt', /goes up with “\.\.”/],
    ['a harmless-looking ..', 'src/../a.txt', /goes up/],
    ['an absolute path elsewhere', '/etc/passwd', /outside the workspace folder/],
    ['a directory link out', 'linked/secret.txt', /symbolic link \(linked\)/],
    ['a file link out', 'src/alias.txt', /symbolic link/],
    ['the folder itself', '.', /outside the workspace folder/],
    ['a NUL', 'a\0b', /no file path/],
    ['nothing', '', /no file path/],
  ] as const) {
    it(`refuse ${what}`, async () => {
      await assert.rejects(resolveInWorkspace(root, named), (error: Error) => error instanceof PathRefusal && reason.test(error.message));
    });
  }
});

/** The entry of the last change's file once the set has read the folder, as at a turn's end. */
async function settled(set: ChangeSet, ...changes: ToolFileChange[]): Promise<FileChange> {
  changes.forEach((c, i) => set.add(`t:${i}`, c));
  await set.settle();
  return set.get(changes[changes.length - 1].path)!;
}

describe('a turn’s change set', () => {
  let base: string;
  let root: string;
  beforeEach(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-changes-')));
    root = path.join(base, 'ws');
    mkdirSync(root);
  });
  after(() => rmSync(base, { recursive: true, force: true }));
  const file = (name: string) => path.join(root, name);

  it('reverts an edit to the exact bytes from before, a CRLF and a missing final newline included', async () => {
    const before = 'one\r\ntwo\r\nthree';
    writeFileSync(file('notes.txt'), before.replace('two', 'TWO'));
    const set = new ChangeSet(root, nodeChangeFiles);
    const entry = await settled(
      set,
      change('notes.txt', '--- notes.txt\n+++ notes.txt\n@@ -1,3 +1,3 @@\n one\r\n-two\r\n+TWO\r\n three\n\\ No newline at end of file\n'),
    );
    assert.equal(entry.readOnly, undefined);
    assert.deepEqual([entry.before, entry.additions, entry.deletions], [before, 1, 1]);
    assert.deepEqual(await set.revert('notes.txt'), { ok: true });
    assert.deepEqual(readFileSync(file('notes.txt')), Buffer.from(before));
    assert.equal(set.get('notes.txt')?.state, 'reverted');
    assert.match((await set.revert('notes.txt')).ok ? '' : 'already', /already/);
  });

  it('keeps the first before and the last after across a write then an edit, and a revert removes the created file', async () => {
    const set = new ChangeSet(root, nodeChangeFiles);
    writeFileSync(file('probe.txt'), 'goodbye\n');
    const entry = await settled(
      set,
      change('probe.txt', '--- probe.txt\n+++ probe.txt\n@@ -0,0 +1,1 @@\n+hello\n', true),
      change('probe.txt', '--- probe.txt\n+++ probe.txt\n@@ -1,1 +1,1 @@\n-hello\n+goodbye\n'),
    );
    assert.deepEqual(set.sidesOf('t:0', 'probe.txt'), { before: '', after: 'hello\n' });
    assert.deepEqual(set.sidesOf('t:1', 'probe.txt'), { before: 'hello\n', after: 'goodbye\n' });
    assert.deepEqual([entry.before, entry.after, entry.created, entry.patches.length], ['', 'goodbye\n', true, 2]);
    assert.deepEqual([entry.additions, entry.deletions], [1, 0]);
    assert.deepEqual(await set.revert('probe.txt'), { ok: true });
    assert.equal(existsSync(file('probe.txt')), false);
  });

  it('keep leaves the file as the agent left it, and it can no longer be reverted', async () => {
    writeFileSync(file('notes.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    await settled(set, change('notes.txt', EDIT_PATCH));
    set.keep('notes.txt');
    assert.equal((await set.revert('notes.txt')).ok, false);
    assert.equal(readFileSync(file('notes.txt'), 'utf8'), 'one\nTWO\nthree\n');
  });

  it('does not revert a file changed since the turn', async () => {
    writeFileSync(file('notes.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    await settled(set, change('notes.txt', EDIT_PATCH));
    writeFileSync(file('notes.txt'), 'one\nTWO\nthree\nmine\n');
    const outcome = await set.revert('notes.txt');
    assert.ok(!outcome.ok && /changed after the turn/.test(outcome.reason));
    assert.equal(readFileSync(file('notes.txt'), 'utf8'), 'one\nTWO\nthree\nmine\n');
    assert.equal(set.get('notes.txt')?.state, 'pending');
  });

  it('shows read-only, never writes, a file that does not match the patch (not the agent’s workspace)', async () => {
    writeFileSync(file('notes.txt'), 'something else\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    const entry = await settled(set, change('notes.txt', EDIT_PATCH));
    assert.match(entry.readOnly ?? '', /does not match the tool’s patch/);
    const outcome = await set.revert('notes.txt');
    assert.ok(!outcome.ok && /read-only/.test(outcome.reason));
    assert.equal(readFileSync(file('notes.txt'), 'utf8'), 'something else\n');
  });

  it('shows read-only a path outside, through .., or with no folder open', async () => {
    writeFileSync(path.join(base, 'victim.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', change('../victim.txt', EDIT_PATCH));
    set.add('t:1', change(path.join(base, 'victim.txt'), EDIT_PATCH));
    await set.settle();
    assert.match(set.get('../victim.txt')?.readOnly ?? '', /goes up/);
    assert.match(set.get(path.join(base, 'victim.txt'))?.readOnly ?? '', /outside the workspace/);
    assert.equal((await set.revert('../victim.txt')).ok, false);
    assert.equal(readFileSync(path.join(base, 'victim.txt'), 'utf8'), 'one\nTWO\nthree\n');
    const none = new ChangeSet(undefined, nodeChangeFiles);
    assert.match((await settled(none, change('notes.txt', EDIT_PATCH))).readOnly ?? '', /No folder is open/);
  });

  it('refuses a revert through a symbolic link that appeared after the turn', async () => {
    mkdirSync(path.join(root, 'sub'));
    writeFileSync(file('sub/notes.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    await settled(set, change('sub/notes.txt', EDIT_PATCH));
    const elsewhere = path.join(base, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'notes.txt'), 'one\nTWO\nthree\n');
    rmSync(path.join(root, 'sub'), { recursive: true });
    symlinkSync(elsewhere, path.join(root, 'sub'));
    const outcome = await set.revert('sub/notes.txt');
    assert.ok(!outcome.ok && /symbolic link/.test(outcome.reason));
    assert.equal(readFileSync(path.join(elsewhere, 'notes.txt'), 'utf8'), 'one\nTWO\nthree\n');
  });
});
