/**
 * What a change set reads and refuses (change-set.ts): bytes that do not come back the same from
 * their text (a byte-order mark the decoder drops), a folder gone before the turn settles (every file read-only, with why), a file
 * too long to spread into one call, and a revert asked before the turn settled. Real temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeSet, exactText } from '../../src/extension/changes/change-set';
import { readToolChanges, type ToolFileChange } from '../../src/extension/changes/tool-change';
import { nodeChangeFiles } from '../../src/extension/changes/workspace-files';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-set-reading-')));
after(() => rmSync(root, { recursive: true, force: true }));

const BOM = [0xef, 0xbb, 0xbf];

function change(patch: string, named = 'r.txt'): ToolFileChange {
  const reading = readToolChanges('edit', { path: named }, { details: { patch } }, false);
  assert.ok(reading && 'changes' in reading);
  return reading.changes[0];
}

describe('exactText', () => {
  it('refuses a file that starts with a byte-order mark (the decoder drops it, so writing the text back would too)', () => {
    assert.equal(exactText(new Uint8Array([...BOM, 0x61, 0x62])), undefined);
  });

  it('refuses two marks as well, although the text left (one mark) is the bytes’ own start', () => {
    assert.equal(exactText(new Uint8Array([...BOM, ...BOM])), undefined);
  });
});

describe('a change set reading the folder', () => {
  it('shows every file read-only with the file system’s words when the folder is gone (no refusal of the path, and none left unsettled)', async () => {
    const gone = mkdtempSync(path.join(os.tmpdir(), 'oc-set-gone-'));
    rmSync(gone, { recursive: true });
    const set = new ChangeSet(gone, nodeChangeFiles);
    set.add('t:0', change('--- r.txt\n+++ r.txt\n@@ -1 +1 @@\n-a\n+b\n'));
    set.add('t:1', change('--- s.txt\n+++ s.txt\n@@ -1 +1 @@\n-a\n+b\n', 's.txt'));
    await set.settle();
    for (const named of ['r.txt', 's.txt']) {
      assert.match(
        set.get(named)!.readOnly ?? '',
        new RegExp(`^${named.replace('.', '\\.')} could not be read \\(ENOENT: .*\\): the diff is the tool’s own patch, read-only\\.$`),
      );
      const outcome = await set.revert(named);
      assert.ok(!outcome.ok);
      assert.match(outcome.reason, /is shown read-only and is not written\. .* could not be read \(ENOENT/);
    }
  });

  it('settles a file of 200,000 lines changed at its end (its lines are not passed as arguments)', async () => {
    const count = 200_000;
    const lines = Array.from({ length: count }, (_, i) => `line ${i}`);
    const before = lines.join('\n') + '\n';
    writeFileSync(path.join(root, 'big.txt'), before.replace(/line 199999\n$/, 'last\n'));
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', change(`--- big.txt\n+++ big.txt\n@@ -${count} +${count} @@\n-line 199999\n+last\n`, 'big.txt'));
    await set.settle();
    const entry = set.get('big.txt')!;
    assert.deepEqual([entry.readOnly, entry.before === before, entry.additions, entry.deletions], [undefined, true, 1, 1]);
  });

  it('refuses a revert asked before the turn settled, with no reason of its own appended', async () => {
    writeFileSync(path.join(root, 'r.txt'), 'b\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', change('--- r.txt\n+++ r.txt\n@@ -1 +1 @@\n-a\n+b\n'));
    assert.deepEqual(await set.revert('r.txt'), { ok: false, reason: 'r.txt is shown read-only and is not written.' });
  });
});
