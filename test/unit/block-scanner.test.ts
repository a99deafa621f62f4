/**
 * The block scanner (webview/block-scanner.ts): where a growing markdown source can be cut, checked
 * line by line. Pure, no DOM; test/dom/stream-rules.test.ts streams by these cuts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockBoundaryScanner } from '../../webview/block-scanner';

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
