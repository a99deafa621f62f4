/**
 * Edges of streamed markdown (webview/stream.ts) under jsdom, beside stream-rules.test.ts: whole
 * texts given after one is shown, lone CRs as line ends, a wrapper filled to exactly 16,000
 * characters, a tail with nothing finished yet, and a container given appends only.
 */
import { container } from './jsdom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IncrementalMarkdown } from '../../webview/stream';
import { flat, oneShot, stream } from './streamed';

/** An IncrementalMarkdown whose announced blocks are collected in `said`. */
function announcing(): { md: IncrementalMarkdown; said: string[] } {
  const said: string[] = [];
  return { md: new IncrementalMarkdown(container(), (text) => said.push(text)), said };
}

describe('IncrementalMarkdown edges', () => {
  it('appends to a whole text that replaced the shown one, not to the shown one', () => {
    const md = new IncrementalMarkdown(container());
    md.setSource('one\n\ntwo');
    md.render(true);
    md.setSource('other\n\n');
    md.append('more\n');
    md.render(true);
    assert.equal(flat(md.element), oneShot('other\n\nmore\n'));
  });

  it('starts over for a whole text that drops the end of the shown one', () => {
    const md = stream(['# Head\n\nbody\n\nlast']);
    const heading = md.element.querySelector('h1');
    md.setSource('# Head\n\nbody\n\nla');
    md.render(true);
    assert.equal(flat(md.element), oneShot('# Head\n\nbody\n\nla'));
    assert.notEqual(md.element.querySelector('h1'), heading, 'the shown text is not a start of the new one');
  });

  it('keeps the shown blocks when a whole text extends it and appends follow', () => {
    const md = stream(['# Head\n\nbody\n\nla']);
    const heading = md.element.querySelector('h1');
    md.setSource('# Head\n\nbody\n\nlast');
    md.append(' words\n\nend');
    md.render(true);
    assert.equal(md.element.querySelector('h1'), heading);
    assert.equal(flat(md.element), oneShot('# Head\n\nbody\n\nlast words\n\nend'));
  });

  it('treats lone CRs in a whole text as line ends, finishing blocks at blank lines', () => {
    const { md, said } = announcing();
    md.setSource('first\r\rsecond\r\rthi');
    md.render(true);
    assert.deepEqual(said, ['first'], 'the block before the last is final');
    assert.equal(flat(md.element), oneShot('first\n\nsecond\n\nthi'));
    assert.equal(md.pendingText, 'second\nthi');
  });

  it('treats lone CRs in appended pieces as line ends too', () => {
    const said: string[] = [];
    const md = stream(['first\r\rsec', 'ond\r\rthi'], (text) => said.push(text));
    assert.deepEqual(said, ['first']);
    assert.equal(md.pendingText, 'second\nthi');
  });

  it('keeps a LF that starts an append when the whole text before did not end in CR', () => {
    const md = new IncrementalMarkdown(container());
    md.setSource('a');
    md.render(true);
    md.append('\n\nb');
    md.render(true);
    assert.equal(md.element.querySelectorAll('p').length, 2);
    assert.equal(flat(md.element), oneShot('a\n\nb'));
  });

  it('makes no wrapper while nothing is finished', () => {
    const md = stream(['one line', ' still going']);
    assert.equal(md.element.querySelector('.md-chunk'), null);
    assert.equal(md.element.innerHTML, oneShot('one line still going'));
  });

  it('starts a new wrapper once one holds exactly 16,000 characters', () => {
    const md = stream([`${'x'.repeat(15_998)}\n\n`, 'next\n\n', 'more\n\n']);
    const chunks = md.element.querySelectorAll('.md-chunk');
    assert.equal(chunks.length, 2, 'the first commit is 16,000 characters long');
    assert.equal(chunks[0].querySelectorAll('p').length, 1);
    assert.equal(chunks[1].textContent?.trim(), 'next');
  });

  it('shows only what a fresh container is given, and in one piece when not streaming', () => {
    const md = new IncrementalMarkdown(container());
    assert.equal(md.render(false), true);
    assert.equal(md.element.innerHTML, '');
    md.append('one\n\ntwo');
    md.render(false);
    assert.equal(md.element.innerHTML, oneShot('one\n\ntwo'));
    assert.equal(md.element.querySelector('.md-chunk'), null);
    // Appends alone, with no whole text and no render before: still a new text, rendered whole.
    const appendedOnly = new IncrementalMarkdown(container());
    appendedOnly.append('one\n\ntwo\n\nthree');
    appendedOnly.render(false);
    assert.equal(appendedOnly.element.innerHTML, oneShot('one\n\ntwo\n\nthree'));
  });
});
