/**
 * A settled change's line counts where the lines the two sides share at the start and at the end
 * overlap (change-set.ts's `lineCounts`): a line counted as common at the start is not counted
 * again at the end, and a common end longer than one line is found whole. Real temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeSet } from '../../src/extension/changes/change-set';
import { readToolChanges, type ToolFileChange } from '../../src/extension/changes/tool-change';
import { nodeChangeFiles } from '../../src/extension/changes/workspace-files';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-set-counts-')));
after(() => rmSync(root, { recursive: true, force: true }));

function change(patch: string): ToolFileChange {
  const reading = readToolChanges('edit', { path: 'c.txt' }, { details: { patch } }, false);
  assert.ok(reading && 'changes' in reading);
  return reading.changes[0];
}

/** Settles a one-patch turn on a file holding `now`, and gives its before and its line counts. */
async function settled(now: string, patch: string): Promise<[string | undefined, number, number]> {
  writeFileSync(path.join(root, 'c.txt'), now);
  const set = new ChangeSet(root, nodeChangeFiles);
  set.add('t:0', change(patch));
  await set.settle();
  const entry = set.get('c.txt')!;
  return [entry.before, entry.additions, entry.deletions];
}

describe('a settled change counts its lines', () => {
  it('one line added after an equal one: the shared first line is not also a shared last line', async () => {
    assert.deepEqual(await settled('x\nx\n', '--- c.txt\n+++ c.txt\n@@ -1 +1,2 @@\n x\n+x\n'), ['x\n', 1, 0]);
  });

  it('one line removed after an equal one: the same from the other side', async () => {
    assert.deepEqual(await settled('x\n', '--- c.txt\n+++ c.txt\n@@ -1,2 +1 @@\n x\n-x\n'), ['x\nx\n', 0, 1]);
  });

  it('a first line changed before two equal ones: both end lines are shared', async () => {
    assert.deepEqual(await settled('q\nx\ny\n', '--- c.txt\n+++ c.txt\n@@ -1,3 +1,3 @@\n-p\n+q\n x\n y\n'), ['p\nx\ny\n', 1, 1]);
  });
});
