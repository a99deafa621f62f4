/**
 * Streaming markdown in Node under jsdom (see jsdom.ts), so mutation testing reaches stream.ts:
 * whatever the cutting, the streamed DOM equals a one-shot render; finished blocks are kept and
 * announced once; the scanner's cuts are checked line by line. The Chromium test
 * (test/webview/streaming.test.ts) is the reference for the page and its frames.
 */
import { container, markupOf } from './jsdom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../webview/markdown';
import { BlockBoundaryScanner, IncrementalMarkdown } from '../../webview/stream';
import { TRICKY } from '../webview/tricky-markdown';

/** The element's markup without the `.md-chunk` wrappers, to compare with a one-shot render. */
function flat(element: HTMLElement): string {
  const copy = element.cloneNode(true) as HTMLElement;
  for (const chunk of copy.querySelectorAll('.md-chunk')) chunk.replaceWith(...chunk.childNodes);
  return copy.innerHTML;
}

const oneShot = (text: string) => markupOf(renderMarkdown(text.replace(/\r\n?/g, '\n')));

/** Streams `pieces` as `append`s, a render after each, as frames would. */
function stream(pieces: string[], onCommit?: (text: string) => void): IncrementalMarkdown {
  const md = new IncrementalMarkdown(container(), onCommit);
  md.setSource('');
  md.render(true);
  for (const piece of pieces) {
    md.append(piece);
    md.render(true);
  }
  return md;
}

/** Pieces of 1..max characters, cut the same way each run. */
function chop(text: string, max: number): string[] {
  const pieces: string[] = [];
  for (let i = 0, n = 1; i < text.length; n = (n * 7 + 3) % max) {
    pieces.push(text.slice(i, i + n + 1));
    i += n + 1;
  }
  return pieces;
}

/**
 * Where the scanner cuts after each line of `lines` (each given with its newline), as the index of
 * the line the cut comes before (0: no cut yet).
 */
function cuts(lines: string[]): number[] {
  const scanner = new BlockBoundaryScanner();
  const starts = lines.map((_, i) => lines.slice(0, i).join('').length);
  let text = '';
  return lines.map((line) => {
    const cut = scanner.scan((text += line));
    assert.ok(starts.includes(cut), `cut at ${cut}, not at a line start`);
    return starts.indexOf(cut);
  });
}

describe('IncrementalMarkdown', () => {
  for (const [name, text] of Object.entries(TRICKY)) {
    it(`equals a one-shot render however it is cut: ${name}`, () => {
      const expected = oneShot(text);
      // Line by line and in odd pieces (the Chromium test also goes character by character).
      for (const [i, pieces] of [text.split(/(?<=\n)/), chop(text, 7)].entries()) {
        const md = stream(pieces);
        assert.equal(flat(md.element), expected, `cutting ${i} while streaming`);
        md.setSource(text);
        assert.equal(md.render(false), false, 'the same text again: nothing to do');
        assert.equal(flat(md.element), expected, `cutting ${i} when finished`);
      }
    });
  }

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

describe('BlockBoundaryScanner', () => {
  it('cuts before a line at the margin that follows a blank line', () => {
    assert.deepEqual(cuts(['a\n', '\n', 'b\n', '  \t\n', 'c\n']), [0, 0, 2, 2, 4]);
    assert.deepEqual(cuts(['a\n', '\n', '  indented\n']), [0, 0, 0], 'an indented line may belong to the block before');
  });

  it('scans only complete lines, and each once', () => {
    const scanner = new BlockBoundaryScanner();
    assert.equal(scanner.scan('a\n\nb'), 0, 'b has no newline yet');
    assert.equal(scanner.scan('a\n\nb\n'), 3);
    assert.equal(scanner.scan('b\n\nc\n', 3), 6, 'offsets stay those of the whole source');
  });

  it('does not cut inside a list that a next item continues, and cuts after it', () => {
    assert.deepEqual(cuts(['- a\n', '\n', '- b\n', '\n', 'text\n', '\n', '1) c\n']), [0, 0, 0, 0, 4, 4, 6]);
    assert.deepEqual(cuts(['1. a\n', '\n', '123456789. b\n', '\n', '1234567890. c\n']), [0, 0, 0, 0, 4]);
    assert.deepEqual(cuts(['+\n', '\n', '*\tb\n']), [0, 0, 0], 'a bare marker and a tab both open items');
    assert.deepEqual(cuts(['-a\n', '\n', '-b\n']), [0, 0, 2], '"-a" is a paragraph, not an item');
    assert.deepEqual(cuts(['p\n', '\n', '- a\n', '\n', '- b\n']), [0, 0, 2, 2, 2], 'the first item after a paragraph is a cut');
  });

  it('never cuts inside a fence, and closes it only with the same mark at least as long', () => {
    assert.deepEqual(cuts(['```\n', '\n', 'x\n', '``\n', '~~~\n', '\n', 'y\n', '   ````  \n', '\n', 'z\n']), [0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    assert.deepEqual(cuts(['~~~~\n', '\n', 'a\n', '~~~\n', '\n', 'b\n', '~~~~~\n', '\n', 'c\n']), [0, 0, 0, 0, 0, 0, 0, 0, 8]);
    assert.deepEqual(
      cuts(['```\n', '\n', 'a\n', '    ```\n', '\n', 'b\n', '``` x\n', '\n', 'c\n']),
      [0, 0, 0, 0, 0, 0, 0, 0, 0],
      'not indented 4, and nothing after',
    );
    assert.deepEqual(cuts(['``` `x`\n', '\n', 'b\n']), [0, 0, 2], 'backticks in the info string: not a fence');
  });

  it('never cuts inside an HTML block that runs to an end marker', () => {
    const cases: Array<[string, string]> = [
      ['<script>', '</script>'],
      ['<PRE class=x>', 'x</pre>'],
      ['<style', '</style>'],
      ['<textarea>', '</TEXTAREA>'],
      ['<!--', '-->'],
      ['<?php', '?>'],
      ['<![CDATA[', ']]>'],
      ['<!DOCTYPE', '>'],
    ];
    for (const [open, close] of cases) {
      const lines = [`${open}\n`, '\n', 'inside\n', `${close}\n`, '\n', 'after\n'];
      assert.deepEqual(cuts(lines), [0, 0, 0, 0, 0, 5], open);
    }
    assert.deepEqual(cuts(['<!-- one line -->\n', '\n', 'b\n']), [0, 0, 2], 'ended on its own line');
    assert.deepEqual(cuts(['<scripts>\n', '\n', 'b\n']), [0, 0, 2], 'another tag ends at a blank line');
    assert.deepEqual(cuts(['    <!--\n', '\n', 'b\n']), [0, 0, 2], 'indented 4 is code, not HTML');
  });

  it('never cuts once a link reference definition is seen', () => {
    assert.deepEqual(cuts(['a\n', '\n', 'b\n', '\n', '   [x]: https://e.example\n', '\n', 'c\n']), [0, 0, 2, 2, 0, 0, 0]);
    assert.deepEqual(cuts(['a\n', '\n', '[]: x\n', '\n', 'c\n']), [0, 0, 2, 2, 4], '"[]:" defines nothing');
  });
});
