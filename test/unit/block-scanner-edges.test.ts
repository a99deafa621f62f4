/**
 * The block scanner's edges (webview/block-scanner.ts) that block-scanner.test.ts leaves out: how far
 * a fence, an HTML block or a link definition may be indented (three spaces; four make code), and
 * a tilde fence taking backticks in its info string. Each cut is checked line by line.
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
});
