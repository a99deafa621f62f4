/**
 * Two edges of a file tool's result (tool-change.ts) the mutation run found untested: a patch of
 * exactly MAX_PATCH_CHARS is read, and a one-file patch is kept as the gateway sent it (its git
 * header and short hunk counts included), not written back. Pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PATCH_CHARS } from '../../src/extension/changes/patch';
import { readToolChanges } from '../../src/extension/changes/tool-change';

describe('file tool results, at their limits', () => {
  it('read a patch of exactly the longest length', () => {
    const head = '--- a\n+++ a\n@@ -1 +1 @@\n-x\n+';
    const patch = `${head}${'y'.repeat(MAX_PATCH_CHARS - head.length - 1)}\n`;
    assert.equal(patch.length, MAX_PATCH_CHARS);
    const reading = readToolChanges('edit', { path: 'a' }, { details: { patch } }, false);
    assert.ok(reading && 'changes' in reading);
    assert.equal(reading.changes[0].file.additions, 1);
  });

  it('keep a one-file patch as sent', () => {
    const patch = 'diff --git a/n.txt b/n.txt\n--- a/n.txt\n+++ b/n.txt\n@@ -1 +1 @@\n-a\n+b\n';
    const reading = readToolChanges('edit', { path: 'n.txt' }, { details: { patch } }, false);
    assert.ok(reading && 'changes' in reading);
    assert.equal(reading.changes[0].patch, patch);
  });
});
