/**
 * The rules of streamed markdown (webview/stream.ts) one by one, under jsdom (see jsdom.ts): finished
 * blocks kept and announced once, the wrappers, line ends split across pieces, and small streamed
 * texts equal to their one-shot render. Fast enough to run per mutant; stream.test.ts streams the
 * Chromium test's whole corpus, and test/unit/block-scanner.test.ts checks where the text is cut.
 */
import { container } from './jsdom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IncrementalMarkdown } from '../../webview/stream';
import { chop, flat, oneShot, stream } from './streamed';

describe('IncrementalMarkdown', () => {
  it('streams small texts line by line to their one-shot render', () => {
    for (const text of [
      '- one\n\n- two\n\nafter\n',
      'See [d][d].\n\nmid\n\n[d]: https://e.example\n',
      'a\n\n<!-- c\n\n-->\n\nb\n',
      'x\r\n\r\n```\r\nc\r\n\r\n```\r\n\r\ny\r\n',
    ]) {
      const md = stream(text.split(/(?<=\n)/));
      assert.equal(flat(md.element), oneShot(text), JSON.stringify(text));
    }
  });

  it('renders a new text in one piece when not streaming, and a repeat not at all', () => {
    const md = new IncrementalMarkdown(container());
    md.setSource('# T\n\npara\n\nmore\n');
    assert.equal(md.render(false), true);
    assert.equal(md.element.innerHTML, oneShot('# T\n\npara\n\nmore\n'));
    assert.equal(md.element.querySelector('.md-chunk'), null, 'no finished blocks kept apart');
    assert.equal(md.render(false), false);
    md.setSource('other\n\ntext\n');
    assert.equal(md.render(true), true);
    assert.equal(flat(md.element), oneShot('other\n\ntext\n'));
    assert.equal(md.element.querySelectorAll('.md-chunk').length, 1, 'streaming: "other" is finished and kept');
  });

  it('keeps finished blocks as the same nodes while the tail grows', () => {
    const md = stream(['# Head\n\nfirst para\n\n', 'sec']);
    const heading = md.element.querySelector('h1');
    const chunk = md.element.querySelector('.md-chunk');
    assert.ok(heading && chunk);
    assert.equal(md.element.lastElementChild?.textContent, 'sec', 'the tail comes after the finished blocks');
    md.append('ond\n\nthird');
    md.render(true);
    assert.equal(md.element.querySelector('h1'), heading);
    assert.equal(flat(md.element), oneShot('# Head\n\nfirst para\n\nsecond\n\nthird'));
    // A text that does not continue the shown one starts over.
    md.setSource('# Other\n');
    md.render(true);
    assert.notEqual(md.element.querySelector('h1'), heading);
    assert.equal(flat(md.element), oneShot('# Other\n'));
  });

  it('continues from a whole text that extends the one shown, as from appends', () => {
    const md = new IncrementalMarkdown(container());
    md.setSource('one\n\ntwo\n');
    md.render(true);
    const first = md.element.querySelector('p');
    md.setSource('one\n\ntwo\n\nthree');
    md.render(true);
    assert.equal(md.element.querySelector('p'), first, 'the first paragraph is kept');
    assert.equal(flat(md.element), oneShot('one\n\ntwo\n\nthree'));
  });

  it('announces each finished block once, and leaves the tail as pending text', () => {
    const said: string[] = [];
    const md = stream(chop('First paragraph.\n\nSecond with `code`.\n\n```\n\n```\n\n- one\n- two\n\nLast words', 3), (text) => said.push(text));
    assert.deepEqual(said, ['First paragraph.', 'Second with code.']);
    assert.equal(md.pendingText, 'one\ntwo\nLast words');
    assert.equal(new IncrementalMarkdown(container()).pendingText, '');
  });

  it('puts finished blocks into wrappers of about 16,000 characters', () => {
    const para = `${'word '.repeat(999)}end\n\n`;
    const md = stream(Array.from({ length: 8 }, () => para).concat('tail\n'));
    const chunks = md.element.querySelectorAll('.md-chunk');
    assert.equal(chunks.length, 2, '8 paragraphs of 5,000 characters: 4 fill a wrapper (20,000 >= 16,000), 4 more the next');
    assert.equal(chunks[0].querySelectorAll('p').length, 4);
    assert.equal(chunks[1].querySelectorAll('p').length, 4);
    assert.equal(chunks[0].className, 'md-chunk');
  });

  it('joins a CR at the end of one piece with the LF at the start of the next', () => {
    for (const pieces of [
      ['a\r', '\n\r', '\nb\r\n', '\r', '\nc'],
      ['a\r', '\r', 'b\r\n\r\nc'],
    ]) {
      const md = stream(pieces);
      assert.equal(flat(md.element), oneShot(pieces.join('')), JSON.stringify(pieces));
    }
    const md = stream(['a\r', '\n', '\r', '\n', 'b']);
    assert.equal(flat(md.element), oneShot('a\n\nb'));
    assert.equal(md.element.querySelectorAll('p').length, 2);
    const lone = new IncrementalMarkdown(container());
    lone.setSource('x\r');
    lone.render(true);
    lone.append('\ny');
    lone.render(true);
    assert.equal(flat(lone.element), oneShot('x\ny'), 'a whole text ending in CR joins the next LF too');
  });

  it('does nothing for an empty piece or a lone LF after a CR', () => {
    const md = stream(['a\r']);
    md.append('\n');
    assert.equal(md.render(true), false);
    md.append('');
    assert.equal(md.render(true), false);
  });
});
