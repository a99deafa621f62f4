/** The string helper the host and the webview share (protocol/strings.ts). Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasPrefix } from '../../src/protocol/strings';

describe('hasPrefix', () => {
  it('is true for the text itself, an empty prefix and a proper start', () => {
    assert.equal(hasPrefix('abc', 'abc'), true);
    assert.equal(hasPrefix('abc', ''), true);
    assert.equal(hasPrefix('abc', 'ab'), true);
  });

  it('is false for a longer prefix that the text starts, another start, and a prefix of an empty text', () => {
    assert.equal(hasPrefix('ab', 'abc'), false);
    assert.equal(hasPrefix('abc', 'abd'), false);
    assert.equal(hasPrefix('abc', 'b'), false);
    assert.equal(hasPrefix('', 'a'), false);
  });
});
