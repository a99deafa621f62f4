/**
 * Streaming markdown in Node under jsdom (see jsdom.ts): whatever the cutting, the streamed DOM
 * equals a one-shot render, for the Chromium test's corpus (test/webview/streaming.test.ts is the
 * reference for the page and its frames). It takes seconds, too slow to run per mutant; the rules
 * it rests on are held one by one, fast, in stream-rules.test.ts, which mutation testing runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chop, flat, oneShot, stream } from './streamed';
import { TRICKY } from '../webview/tricky-markdown';

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
});
