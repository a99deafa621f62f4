/**
 * The refusals that used to live only in command handlers (which only the slow VS Code layer
 * loads): "Set Gateway Token" for a URL that is no URL, a blank token, "Ask About Selection"
 * without a selection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectionTarget, tokenInputProblem, tokenTarget } from '../../src/extension/command-checks';

describe('command refusals', () => {
  it('keeps a token only under a gateway origin, and names a bad URL without its credentials', () => {
    assert.deepEqual(tokenTarget({ origin: 'wss://gw.example:443', url: 'wss://gw.example' }), { origin: 'wss://gw.example:443' });
    assert.deepEqual(tokenTarget({ origin: undefined, url: 'not a url ?token=abc' }), {
      refusal: 'The gateway URL "not a url ?***" is not a URL: fix openclaw.gatewayUrl first, then set its token.',
    });
    assert.deepEqual(tokenTarget({ origin: '', url: 'wss://alice:pw@' }), {
      refusal: 'The gateway URL "wss://***@" is not a URL: fix openclaw.gatewayUrl first, then set its token.',
    });
  });

  it('asks for a token until one is typed (blank is none)', () => {
    for (const blank of ['', '   ', '\t\n']) assert.equal(tokenInputProblem(blank), 'Paste the token');
    assert.equal(tokenInputProblem(' abc '), undefined);
  });

  it('asks about a selection only when there is one', () => {
    const refusal = { refusal: 'Select some code first, then ask OpenClaw about it.' };
    assert.deepEqual(selectionTarget(undefined), refusal);
    assert.deepEqual(selectionTarget({ selection: { isEmpty: true } }), refusal);
    const editor = { selection: { isEmpty: false }, id: 1 };
    assert.deepEqual(selectionTarget(editor), { editor });
  });
});
