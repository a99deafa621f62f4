/**
 * The `@` list as the composer gets it (MentionSearch), and the ranking rules of the file search
 * on paths small enough to reason about: each rule of FileIndex.score decides one comparison here.
 * The benchmark-sized tests in mention-search.test.ts check the shortcuts, not the rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileIndex, MENTION_SOURCES, MentionSearch } from '../../src/extension/composer/mention-search';

describe('the @ ranking rules', () => {
  it('name prefix, then inside the name (word start first), then inside the path, then spread out', () => {
    const paths = ['bar.ts', 'fxoxo.ts', 'f/o/o.ts', 'lib/afoo/y.ts', 'foo/x.ts', 'src/barfoo.ts', 'src/bar-foo.ts', 'src/foo.ts'];
    assert.deepEqual(new FileIndex(paths).search('foo'), [
      'src/foo.ts',
      'src/bar-foo.ts',
      'src/barfoo.ts',
      'foo/x.ts',
      'lib/afoo/y.ts',
      'f/o/o.ts',
      'fxoxo.ts',
    ]);
  });

  it('a word starts after / . - _ or a space; equal scores go to the shorter path, then the first in order', () => {
    const paths = ['a,b', 'ab', 'a_b', 'a.b', 'a-b', 'a b', 'a/b', 'zz/b'];
    assert.deepEqual(new FileIndex(paths).search('b'), ['a/b', 'zz/b', 'a b', 'a-b', 'a.b', 'a_b', 'ab', 'a,b']);
  });

  it('spread-out characters: runs and the file name count, and the query’s spaces and case do not', () => {
    const paths = ['x/ab/c', 'x/a/bc', 'abxc/zz'];
    assert.deepEqual(new FileIndex(paths).search('A B C'), new FileIndex(paths).search('abc'));
    assert.deepEqual(new FileIndex(['zaxb/c', 'zxab/c']).search('abc'), ['zxab/c', 'zaxb/c'], 'a run beats the same characters apart');
    assert.deepEqual(new FileIndex(['zaxb/c', 'q/a/b/c']).search('abc'), ['q/a/b/c', 'zaxb/c'], 'word starts beat a shorter path');
    assert.deepEqual(new FileIndex(['xab.c/z', 'xab/c_z']).search('abc'), ['xab/c_z', 'xab.c/z'], 'a character in the file name counts');
    assert.deepEqual(new FileIndex(['a', 'b', 'c']).search('abc'), [], 'every character, in order, or nothing');
    assert.deepEqual(new FileIndex(['cba']).search('abc'), []);
  });

  it('keeps only `limit`, and a query narrowed then widened again still finds everything', () => {
    const index = new FileIndex(['a1', 'a2', 'a3', 'b1']);
    assert.deepEqual(index.search('a', 2), ['a1', 'a2']);
    assert.deepEqual(index.search('a3', 2), ['a3']);
    assert.deepEqual(index.search('1', 5), ['a1', 'b1']);
  });
});

describe('the @ list', () => {
  it('offers the sources whose name starts with the query first, then files with their name and path', () => {
    const search = new MentionSearch();
    const files = ['src/problems.ts', 'docs/diff.md', 'a.ts'];
    assert.deepEqual(search.search(' PRO ', files), [
      { kind: 'problems', label: 'problems', detail: 'Errors and warnings of the active file, or of the workspace' },
      { kind: 'file', label: 'problems.ts', detail: 'src/problems.ts', path: 'src/problems.ts' },
    ]);
    const bare = search.search('', files, 6);
    assert.deepEqual(
      bare.map((c) => c.label),
      ['selection', 'problems', 'diff', 'terminal', 'a.ts', 'docs/diff.md'.split('/').pop()],
    );
    assert.deepEqual(
      bare.slice(0, 4),
      MENTION_SOURCES.map((s) => ({ ...s })),
    );
    assert.deepEqual(
      MENTION_SOURCES.map((s) => [s.kind, s.label, s.detail]),
      [
        ['selection', 'selection', 'The text selected in the editor'],
        ['problems', 'problems', 'Errors and warnings of the active file, or of the workspace'],
        ['diff', 'diff', "The working tree's changes (git diff)"],
        ['terminal', 'terminal', 'The last output of the active terminal'],
      ],
    );
  });

  it('searches the file list it is given: a new list, a new index', () => {
    const search = new MentionSearch();
    assert.deepEqual(
      search.search('x', ['x.ts']).map((c) => c.path),
      ['x.ts'],
    );
    assert.deepEqual(
      search.search('x', ['y/x.md']).map((c) => c.path),
      ['y/x.md'],
    );
  });
});
