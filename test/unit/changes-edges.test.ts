/**
 * The edges of what the agent changed (src/extension/changes/), next to changes.test.ts: tool
 * results that are almost file changes, many-file patches written back per file, paths named in
 * odd ways (a folder opened through a link, control characters, very long names), and a change
 * set's refusals word for word. Real temporary folders; no gateway.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { ChangeSet, exactText } from '../../src/extension/changes/change-set';
import { MAX_PATCH_CHARS } from '../../src/extension/changes/patch';
import { readToolChanges, type ToolFileChange } from '../../src/extension/changes/tool-change';
import { nodeChangeFiles, PathRefusal, resolveInWorkspace, type ChangeFiles } from '../../src/extension/changes/workspace-files';

const EDIT = '--- notes.txt\n+++ notes.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n';

function changes(name: string, args: unknown, details: Record<string, unknown>): ToolFileChange[] {
  const reading = readToolChanges(name, args, { details }, false);
  assert.ok(reading && 'changes' in reading, JSON.stringify(reading));
  return reading.changes;
}

describe('file tool results, at the edges', () => {
  it('are nothing without details, or with a blank patch, for each file tool', () => {
    for (const tool of ['write', 'edit', 'apply_patch']) {
      assert.equal(readToolChanges(tool, {}, {}, false), undefined);
      assert.equal(readToolChanges(tool, {}, { details: 'x' }, false), undefined);
      assert.equal(readToolChanges(tool, {}, { details: { patch: ' \n\t' } }, false), undefined);
      assert.equal(readToolChanges(tool, {}, { details: {} }, false), undefined);
      assert.equal(changes(tool, { path: 'notes.txt' }, { patch: EDIT }).length, 1);
    }
    assert.equal(readToolChanges('Write', {}, { details: { patch: EDIT } }, false), undefined);
  });

  it('say a patch too long to read is a problem, and why', () => {
    assert.deepEqual(readToolChanges('edit', {}, { details: { patch: 'x'.repeat(MAX_PATCH_CHARS + 1) } }, false), {
      problem: `its patch is longer than ${MAX_PATCH_CHARS} characters`,
    });
    assert.deepEqual(readToolChanges('edit', {}, { details: { patch: 'not a patch' } }, false), { problem: 'its patch cannot be read: no file in the patch' });
  });

  it('take the tool’s own path and the whole patch for one file, and mark a created one', () => {
    const [one] = changes('edit', { path: 'docs/notes.txt' }, { patch: EDIT, changed: true, created: false });
    assert.deepEqual([one.path, one.patch, one.created], ['docs/notes.txt', EDIT, false]);
    assert.equal(changes('write', { path: 'n.txt' }, { patch: EDIT, created: true })[0].created, true);
    assert.equal(changes('write', { path: 'n.txt' }, { patch: EDIT, created: 'yes' })[0].created, false);
    assert.equal(changes('edit', {}, { patch: EDIT })[0].path, 'notes.txt');
    assert.equal(changes('edit', { path: '' }, { patch: EDIT })[0].path, 'notes.txt');
  });

  it('name a deleted file by its old path, and write each file of a many-file patch back as its own patch', () => {
    const patch =
      '--- a/gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-g1\n-g2\n' +
      '--- a/kept.txt\n+++ b/kept.txt\n@@ -1,2 +1,3 @@\n k1\n-k2\n+K2\n+k3\n@@ -9 +10 @@\n-k9\n+K9\n';
    const [gone, kept] = changes('apply_patch', { path: 'ignored.txt' }, { patch, created: false });
    assert.deepEqual([gone.path, gone.created, kept.path, kept.created], ['gone.txt', false, 'kept.txt', false]);
    assert.equal(gone.patch, '--- gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-g1\n-g2\n');
    assert.equal(kept.patch, '--- kept.txt\n+++ kept.txt\n@@ -1,2 +1,3 @@\n k1\n-k2\n+K2\n+k3\n@@ -9,1 +10,1 @@\n-k9\n+K9\n');
    assert.equal(changes('apply_patch', {}, { patch, created: true })[1].created, true);
  });
});

describe('paths from the gateway, at the edges', () => {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-path-edges-')));
  const real = path.join(base, 'real');
  const viaLink = path.join(base, 'via');
  mkdirSync(path.join(real, 'src'), { recursive: true });
  symlinkSync(real, viaLink);
  after(() => rmSync(base, { recursive: true, force: true }));

  it('map an absolute path under a folder opened through a link to the real folder', async () => {
    assert.equal(await resolveInWorkspace(viaLink, path.join(viaLink, 'src', 'a.ts')), path.join(real, 'src', 'a.ts'));
    assert.equal(await resolveInWorkspace(viaLink, path.join(real, 'src', 'a.ts')), path.join(real, 'src', 'a.ts'));
    assert.equal(await resolveInWorkspace(viaLink, 'src/a.ts'), path.join(real, 'src', 'a.ts'));
    assert.equal(await resolveInWorkspace(real + path.sep, 'src/a.ts'), path.join(real, 'src', 'a.ts'));
  });

  it('refuse the folder itself and a sibling that only shares its name’s start', async () => {
    for (const named of [viaLink, real, `${real}-evil/a.ts`, `${viaLink}-evil/a.ts`, `${viaLink}/`]) {
      await assert.rejects(
        resolveInWorkspace(viaLink, named),
        (e: Error) => e instanceof PathRefusal && /is outside the workspace folder/.test(e.message),
        named,
      );
    }
  });

  it('say which path was refused and where, its control characters shown as ? and a long one cut', async () => {
    await assert.rejects(resolveInWorkspace(real, '/etc/x\u0007y'), { message: `“/etc/x?y” is outside the workspace folder ${real}` });
    await assert.rejects(resolveInWorkspace(real, 'a/../b'), { message: '“a/../b” goes up with “..”: only files inside the workspace are written' });
    await assert.rejects(resolveInWorkspace(real, 'a\\..\\b'), /goes up/);
    await assert.rejects(resolveInWorkspace(real, 'a\0'), { message: '“a?” is no file path' });
    const long = `/${'d'.repeat(130)}`;
    await assert.rejects(resolveInWorkspace(real, long), { message: `“${long.slice(0, 117)}…” is outside the workspace folder ${real}` });
    const fits = `/${'d'.repeat(119)}`;
    await assert.rejects(resolveInWorkspace(real, fits), { message: `“${fits}” is outside the workspace folder ${real}` });
    await assert.rejects(resolveInWorkspace(real, '/ \u001f'), /“\/ \?” is/);
  });

  it('name the link a path goes through, relative to the folder', async () => {
    mkdirSync(path.join(real, 'deep', 'er'), { recursive: true });
    symlinkSync(base, path.join(real, 'deep', 'er', 'up'));
    await assert.rejects(resolveInWorkspace(real, 'deep/er/up/x.txt'), {
      message: `“deep/er/up/x.txt” goes through a symbolic link (${path.join('deep', 'er', 'up')}): it is not written`,
    });
  });

  it('are read, written and removed on disk: a missing file reads as none, a folder is an error', async () => {
    const file = path.join(real, 'new', 'dir', 'f.txt');
    assert.equal(await nodeChangeFiles.read(file), undefined);
    await nodeChangeFiles.write(file, new TextEncoder().encode('hi'));
    assert.equal(readFileSync(file, 'utf8'), 'hi');
    assert.deepEqual(await nodeChangeFiles.read(file), Buffer.from('hi'));
    await assert.rejects(nodeChangeFiles.read(path.join(real, 'new')), { code: 'EISDIR' });
    await nodeChangeFiles.remove(file);
    assert.equal(existsSync(file), false);
    await nodeChangeFiles.remove(file);
  });
});

describe('a change set, at the edges', () => {
  let base: string;
  let root: string;
  beforeEach(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-set-edges-')));
    root = path.join(base, 'ws');
    mkdirSync(root);
  });
  after(() => rmSync(base, { recursive: true, force: true }));
  const one = (patch: string, name = 'notes.txt', created = false) => changes('edit', { path: name }, { patch, created })[0];

  it('reads text only when its bytes are exactly UTF-8: no BOM, no bad byte', () => {
    assert.equal(exactText(new TextEncoder().encode('héllo\n')), 'héllo\n');
    assert.equal(exactText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])), undefined);
    assert.equal(exactText(Uint8Array.from([0x61, 0xff])), undefined);
    assert.equal(exactText(new Uint8Array()), '');
  });

  it('counts the lines between the first and last that differ, once settled, and settles once', async () => {
    writeFileSync(path.join(root, 'notes.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    const entry = set.add('t:0', one(EDIT));
    assert.deepEqual([entry.additions, entry.deletions, entry.state, entry.created], [1, 1, 'pending', false]);
    assert.equal(set.add('t:1', one('--- notes.txt\n+++ notes.txt\n@@ -1,3 +1,4 @@\n one\n TWO\n three\n+four\n')), entry);
    assert.deepEqual([entry.additions, entry.deletions, entry.patches.length], [2, 1, 2]);
    writeFileSync(path.join(root, 'notes.txt'), 'one\nTWO\nthree\nfour\n');
    await set.settle();
    assert.deepEqual(
      [entry.before, entry.after, entry.absolute, entry.additions, entry.deletions],
      ['one\ntwo\nthree\n', 'one\nTWO\nthree\nfour\n', path.join(root, 'notes.txt'), 3, 2],
    );
    assert.deepEqual(set.sidesOf('t:1', 'notes.txt'), { before: 'one\nTWO\nthree\n', after: 'one\nTWO\nthree\nfour\n' });
    assert.equal(set.sidesOf('t:9', 'notes.txt'), undefined);
    assert.equal(set.sidesOf('t:0', 'other.txt'), undefined);
    writeFileSync(path.join(root, 'notes.txt'), 'changed');
    await set.settle();
    assert.equal(entry.after, 'one\nTWO\nthree\nfour\n');
    assert.deepEqual(set.changes, [entry]);
  });

  it('counts a file emptied, and one whose middle changed with equal ends', async () => {
    writeFileSync(path.join(root, 'gone.txt'), '');
    writeFileSync(path.join(root, 'mid.txt'), 'a\nX\nY\nz\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', one('--- gone.txt\n+++ gone.txt\n@@ -1,2 +0,0 @@\n-g1\n-g2\n', 'gone.txt'));
    set.add('t:1', one('--- mid.txt\n+++ mid.txt\n@@ -1,3 +1,4 @@\n a\n-b\n+X\n+Y\n z\n', 'mid.txt'));
    await set.settle();
    assert.deepEqual([set.get('gone.txt')!.before, set.get('gone.txt')!.additions, set.get('gone.txt')!.deletions], ['g1\ng2\n', 0, 2]);
    assert.deepEqual([set.get('mid.txt')!.additions, set.get('mid.txt')!.deletions], [2, 1]);
  });

  it('shows read-only a file that is missing or not exact UTF-8, and forgets the sides of one that does not match', async () => {
    writeFileSync(path.join(root, 'bom.txt'), '\ufeffone\nTWO\nthree\n');
    writeFileSync(path.join(root, 'two.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', one(EDIT, 'bom.txt'));
    set.add('t:1', one(EDIT, 'missing.txt'));
    set.add('t:2', one('--- two.txt\n+++ two.txt\n@@ -1,3 +1,3 @@\n one\n-zwei\n+drei\n three\n', 'two.txt'));
    set.add('t:3', one(EDIT, 'two.txt'));
    await set.settle();
    const why = 'The file in the open folder is not the one the agent changed (missing or not UTF-8 text): the diff is the tool’s own patch, read-only.';
    assert.equal(set.get('bom.txt')!.readOnly, why);
    assert.equal(set.get('missing.txt')!.readOnly, why);
    assert.equal(set.get('missing.txt')!.absolute, undefined);
    assert.match(
      set.get('two.txt')!.readOnly!,
      /^The file in the open folder does not match the tool’s patch \(line 2 is not what the patch expects.*\): it is not the agent’s workspace, or it changed since\. The diff is the tool’s own patch, read-only\.$/,
    );
    assert.equal(set.sidesOf('t:3', 'two.txt'), undefined);
    assert.equal(set.get('two.txt')!.before, undefined);
    assert.deepEqual(await set.revert('missing.txt'), { ok: false, reason: `missing.txt is shown read-only and is not written. ${why}` });
  });

  it('says why a file cannot be reverted: never changed, already kept or reverted, no folder', async () => {
    writeFileSync(path.join(root, 'notes.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', one(EDIT));
    await set.settle();
    assert.deepEqual(await set.revert('other.txt'), { ok: false, reason: 'other.txt was not changed by this turn.' });
    set.keep('other.txt');
    set.keep('notes.txt');
    set.keep('notes.txt');
    assert.equal(set.get('notes.txt')!.state, 'kept');
    assert.deepEqual(await set.revert('notes.txt'), { ok: false, reason: 'notes.txt was already kept.' });
    const none = new ChangeSet(undefined, nodeChangeFiles);
    none.add('t:0', one(EDIT));
    await none.settle();
    assert.deepEqual(await none.revert('notes.txt'), {
      ok: false,
      reason: 'notes.txt is shown read-only and is not written. No folder is open: the diff is the tool’s own patch, read-only.',
    });
  });

  it('does not keep a reverted file, and reverts a file emptied by the turn by writing, not removing', async () => {
    writeFileSync(path.join(root, 'notes.txt'), 'one\nTWO\nthree\n');
    writeFileSync(path.join(root, 'made.txt'), 'x\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', one(EDIT));
    // Created by the turn, but what was there before is not empty: it is written back, not removed.
    set.add('t:1', one('--- made.txt\n+++ made.txt\n@@ -1 +1 @@\n-w\n+x\n', 'made.txt', true));
    await set.settle();
    assert.deepEqual(await set.revert('notes.txt'), { ok: true });
    set.keep('notes.txt');
    assert.equal(set.get('notes.txt')!.state, 'reverted');
    assert.deepEqual(await set.revert('made.txt'), { ok: true });
    assert.equal(readFileSync(path.join(root, 'made.txt'), 'utf8'), 'w\n');
  });

  it('re-checks the path right before writing and passes on errors that are not refusals; a file it cannot read when settling is shown read-only', async () => {
    writeFileSync(path.join(root, 'notes.txt'), 'one\nTWO\nthree\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', one(EDIT));
    await set.settle();
    rmSync(root, { recursive: true });
    await assert.rejects(set.revert('notes.txt'), { code: 'ENOENT' });
    mkdirSync(root);
    const failing: ChangeFiles = { ...nodeChangeFiles, read: () => Promise.reject(new Error('disk on fire')) };
    const broken = new ChangeSet(root, failing);
    broken.add('t:0', one(EDIT));
    await broken.settle();
    assert.equal(broken.get('notes.txt')?.readOnly, 'notes.txt could not be read (disk on fire): the diff is the tool’s own patch, read-only.');
  });
});
