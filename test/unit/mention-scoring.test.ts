/**
 * The fuzzy file search's scoring details (src/extension/composer/mention-search.ts), each on two or
 * three paths small enough to work the scores out by hand: every query character takes its own
 * path character, and a spread-out match is worth more for word starts (the path's first character
 * is one) and runs, not for anything after its last character.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileIndex } from '../../src/extension/composer/mention-search';

const search = (query: string, paths: string[]) => new FileIndex(paths).search(query);

describe('FileIndex scoring', () => {
  it('matches each query character with a path character of its own, in order', () => {
    assert.deepEqual(search('aa', ['a.ts']), [], 'one a cannot match two');
    assert.deepEqual(search('aba', ['ab.ts']), [], 'the a before the b cannot match the a after it');
    assert.deepEqual(search('aba', ['abba.ts']), ['abba.ts']);
  });

  it('counts the start of the path as a word start, inside the path', () => {
    // Both hold "src" outside the file name; at the start it is a word start (+500), which beats
    // the other path being 3 characters shorter.
    assert.deepEqual(search('src', ['xsrc/a', 'src/ab.ts']), ['src/ab.ts', 'xsrc/a']);
  });

  it('spread out: the first character at the start of the path is a word start and a run', () => {
    // a-c: a at 0 (run 1: +30, word start +60, in the name +40), c (+60, +40), minus 3 = 1227;
    // xxa-c: a (+40), c (+60, +40), minus 5 = 1135.
    assert.deepEqual(search('ac', ['xxa-c', 'a-c']), ['a-c', 'xxa-c']);
  });

  it('spread out: a character that runs on from the one before gains 30 for each in the run', () => {
    // In ab-d the b runs on from a (run 2: +60); in a-b-d it is a word start instead (+60). Equal
    // gains, so the shorter path wins: 1000 + 130 + 100 + 100 - 4 = 1326 against 1325.
    assert.deepEqual(search('abd', ['a-b-d', 'ab-d']), ['ab-d', 'a-b-d']);
  });

  it('spread out: each character is looked for after the one before, never at or before it', () => {
    // a-xa: the second a is the last one (no word start): 1000 + 130 + 40 - 4 = 1166; b-a-a: both
    // at word starts, 1000 + 100 + 100 - 5 = 1195.
    assert.deepEqual(search('aa', ['a-xa', 'b-a-a']), ['b-a-a', 'a-xa']);
  });

  it('spread out: nothing after the last query character counts, only the length', () => {
    assert.deepEqual(search('ac', ['a-c-undefined', 'a-c-undefine']), ['a-c-undefine', 'a-c-undefined']);
  });
});
