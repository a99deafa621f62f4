/**
 * The block scanner's edges (webview/block-scanner.ts) that block-scanner.test.ts leaves out: how far
 * a fence, an HTML block or a link definition may be indented (three spaces; four make code), and
 * a fence's info string, what ends a fence or an HTML block, a list's lazy lines, and a blank first
 * line. Each cut is checked line by line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockBoundaryScanner } from '../../webview/block-scanner';

/** The scanner's cut after each line, as the index of the line it comes before (0: none yet). */
function cuts(lines: string[]): number[] {
  const scanner = new BlockBoundaryScanner();
  const starts = lines.map((_, i) => lines.slice(0, i).join('').length);
  let text = '';
  return lines.map((line) => starts.indexOf(scanner.scan((text += line))));
}

describe('BlockBoundaryScanner edges', () => {
  it('opens a fence indented up to three spaces, not four', () => {
    assert.deepEqual(cuts(['   ```\n', '\n', 'b\n', '```\n', '\n', 'c\n']), [0, 0, 0, 0, 0, 5]);
    assert.deepEqual(cuts(['    ```\n', '\n', 'b\n']), [0, 0, 2], 'indented four: code, ended by the blank line');
    assert.deepEqual(cuts(['~~~ `x`\n', '\n', 'b\n']), [0, 0, 0], 'a tilde fence may have backticks after it');
  });

  it('opens an HTML block indented up to three spaces', () => {
    assert.deepEqual(cuts(['   <!--\n', '\n', 'b\n', '-->\n', '\n', 'c\n']), [0, 0, 0, 0, 0, 5]);
    assert.deepEqual(cuts(['   <pre>\n', '\n', 'b\n', '</pre>\n', '\n', 'c\n']), [0, 0, 0, 0, 0, 5]);
  });

  it('takes a link definition indented up to three spaces, not four', () => {
    assert.deepEqual(cuts(['a\n', '\n', '    [x]: y\n', '\n', 'b\n']), [0, 0, 0, 0, 4]);
  });

  it('opens a backtick fence with an info string, and reads a label of any length', () => {
    assert.deepEqual(cuts(['```js\n', '\n', 'b\n']), [0, 0, 0]);
    assert.deepEqual(cuts(['a\n', '\n', '[xy]: u\n', '\n', 'b\n']), [0, 0, 0, 0, 0], 'the definition freezes the cut');
  });

  it('does not take HTML block openers indented four spaces (code)', () => {
    for (const open of ['<pre>', '<?', '<![CDATA[', '<!x']) {
      assert.deepEqual(cuts([`    ${open}\n`, '\n', 'b\n']), [0, 0, 2], open);
    }
  });

  it('looks for the end marker of an HTML block after its opener', () => {
    assert.deepEqual(cuts(['<?>\n', '\n', 'b\n', '?>\n', '\n', 'c\n']), [0, 0, 0, 0, 0, 5]);
  });

  it('runs an HTML block to its end marker, blank or not, and the line after it is no new block', () => {
    assert.deepEqual(cuts(['<!--\n', 'x\n', '\n', 'b\n', '-->\n']), [0, 0, 0, 0, 0]);
    assert.deepEqual(cuts(['<!--\n', '-->\n', 'b\n']), [0, 0, 0]);
    assert.deepEqual(cuts(['```\n', 'x\n', '```\n', 'b\n']), [0, 0, 0, 0], 'nor after a fence');
  });

  it('keeps consecutive lines together, and a lazy line inside a list item', () => {
    assert.deepEqual(cuts(['a\n', 'b\n']), [0, 0]);
    assert.deepEqual(cuts(['- a\n', 'lazy\n', '\n', '- b\n']), [0, 0, 0, 0]);
  });

  it('scans a blank first line', () => {
    assert.deepEqual(cuts(['\n', 'a\n']), [0, 1]);
  });
});
