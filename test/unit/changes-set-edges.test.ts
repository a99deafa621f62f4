/**
 * A change set's edges the first mutation run found (change-set.ts): a second settle reads nothing
 * again, and a turn whose patches cancel out counts no lines (and ends). Real temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeSet } from '../../src/extension/changes/change-set';
import { readToolChanges, type ToolFileChange } from '../../src/extension/changes/tool-change';
import { nodeChangeFiles } from '../../src/extension/changes/workspace-files';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-set-more-')));
after(() => rmSync(root, { recursive: true, force: true }));

function change(patch: string): ToolFileChange {
  const reading = readToolChanges('edit', { path: 'n.txt' }, { details: { patch } }, false);
  assert.ok(reading && 'changes' in reading);
  return reading.changes[0];
}

describe('a change set, settled', () => {
  it('reads the folder once: a file changed after the first settle stays as read', async () => {
    writeFileSync(path.join(root, 'n.txt'), 'b\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', change('--- n.txt\n+++ n.txt\n@@ -1 +1 @@\n-a\n+b\n'));
    await set.settle();
    writeFileSync(path.join(root, 'n.txt'), 'other\n');
    await set.settle();
    assert.deepEqual([set.get('n.txt')!.readOnly, set.get('n.txt')!.before], [undefined, 'a\n']);
  });

  it('counts no lines for a turn whose patches cancel out', async () => {
    writeFileSync(path.join(root, 'n.txt'), 'a\nb\n');
    const set = new ChangeSet(root, nodeChangeFiles);
    set.add('t:0', change('--- n.txt\n+++ n.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n'));
    set.add('t:1', change('--- n.txt\n+++ n.txt\n@@ -1,2 +1,2 @@\n a\n-c\n+b\n'));
    await set.settle();
    const entry = set.get('n.txt')!;
    assert.deepEqual([entry.before, entry.after, entry.additions, entry.deletions], ['a\nb\n', 'a\nb\n', 0, 0]);
  });
});
