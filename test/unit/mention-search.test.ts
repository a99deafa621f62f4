/**
 * The `@` file search: typing narrows the previous query's hits instead of scanning the workspace
 * again, and only the best few are kept in order. Both are shortcuts, so each is checked against
 * the long way round: a fresh index for every query, and the whole ranking cut afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workspacePaths } from '../../bench/lib/workspace-paths';
import { FileIndex } from '../../src/extension/composer/mention-search';

const paths = workspacePaths(3000);

describe('the @ file search', () => {
  it('gives, key by key, what a fresh index gives (typing on, deleting back, starting over)', () => {
    const typed = new FileIndex(paths);
    const queries = ['n', 'ne', 'nee', 'need', 'needl', 'needle', 'needle-3', 'needle-', 'nee', 'se', 'ses', 'sesv', 'ses', 's', 'st', 'sto', 'store-1'];
    for (const query of queries) assert.deepEqual(typed.search(query, 20), new FileIndex(paths).search(query, 20), `@${query}`);
  });

  it('keeps the best ones in the order of the whole ranking', () => {
    for (const query of ['s', 'in', 'gw', 'test', 'vw.ts']) {
      const whole = new FileIndex(paths).search(query, paths.length);
      assert.ok(whole.length > 20, `@${query} matches many`);
      assert.deepEqual(new FileIndex(paths).search(query, 20), whole.slice(0, 20), `@${query}`);
    }
  });

  it('ranks a match in the file name first, and offers the shortest paths for a bare @', () => {
    assert.equal(new FileIndex(paths).search('needle', 5)[0], 'packages/composer-7/mentions/needle-3141.ts');
    const index = new FileIndex(paths);
    const bare = index.search('', 10);
    const lengths = bare.map((p) => p.length);
    assert.deepEqual(
      lengths,
      [...lengths].sort((a, b) => a - b),
    );
    assert.ok(lengths[9] <= Math.min(...paths.filter((p) => !bare.includes(p)).map((p) => p.length)), 'no shorter path left out');
    assert.deepEqual(index.search('', 10), bare, 'the same list the second time');
  });
});
