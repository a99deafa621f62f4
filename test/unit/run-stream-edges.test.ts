/**
 * RunStream at its edges: every stream kind read field by field, events that carry too little, and
 * the seam and prefix checks over an item that came in pieces (delta-only events), which the
 * recorded runs never reach. Found by the mutation run: each case here was a changed line no test saw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageText, RunStream } from '../../src/gateway/run-stream';

/** A stream and a feeder that numbers its events. */
function stream() {
  const s = new RunStream('r');
  let seq = 0;
  const feed = (stream: string, data: Record<string, unknown>) => s.accept({ runId: 'r', stream, seq: ++seq, data });
  return { s, feed, say: (data: Record<string, unknown>) => feed('assistant', data) };
}

describe('RunStream: every stream kind, field by field', () => {
  it('lifecycle: phase, stop reason, aborted and the error (or errorMessage) only when given', () => {
    const { feed } = stream();
    assert.deepEqual(feed('lifecycle', { phase: 'end', stopReason: 'stop', aborted: false, error: 'boom', errorMessage: 'other' }), {
      kind: 'lifecycle',
      phase: 'end',
      stopReason: 'stop',
      aborted: false,
      error: 'boom',
    });
    assert.deepEqual(feed('lifecycle', { errorMessage: 'quota', aborted: 'yes', stopReason: '' }), { kind: 'lifecycle', phase: 'unknown', error: 'quota' });
    assert.deepEqual(feed('lifecycle', { phase: 'start' }), { kind: 'lifecycle', phase: 'start' });
  });

  it('run_status, usage, and a stream this client does not know', () => {
    const { feed } = stream();
    assert.deepEqual(feed('run_status', { phase: 'thinking' }), { kind: 'status', phase: 'thinking' });
    assert.deepEqual(feed('run_status', {}), { kind: 'status', phase: 'working' });
    assert.deepEqual(feed('usage', { inputTokens: 3 }), { kind: 'usage', usage: { inputTokens: 3 } });
    assert.equal(feed('compaction', { phase: 'start' }), undefined);
  });

  it('tool: each phase, a default name, args and result only when present, isError only when boolean', () => {
    const { feed } = stream();
    assert.deepEqual(feed('tool', { phase: 'update', toolCallId: 'c1' }), { kind: 'tool', phase: 'update', toolCallId: 'c1', name: 'tool' });
    assert.deepEqual(feed('tool', { phase: 'result', toolCallId: 'c1', name: 'ls', result: null, args: 0, isError: true }), {
      kind: 'tool',
      phase: 'result',
      toolCallId: 'c1',
      name: 'ls',
      args: 0,
      result: null,
      isError: true,
    });
    assert.deepEqual(feed('tool', { phase: 'start', toolCallId: 'c2', isError: 'no' }), { kind: 'tool', phase: 'start', toolCallId: 'c2', name: 'tool' });
    assert.equal(feed('tool', { phase: 'start' }), undefined, 'no call id');
    assert.equal(feed('tool', { phase: 'end', toolCallId: 'c3' }), undefined, 'an unknown phase');
    assert.equal(feed('tool', { toolCallId: 'c3' }), undefined, 'no phase');
  });
});

describe('RunStream: assistant events that carry too little or too much', () => {
  it('an item without a string id is "main"; a non-string text is not a cumulative text', () => {
    const { s, say } = stream();
    assert.equal(s.text, '', 'nothing yet');
    assert.deepEqual(say({ delta: 'Hi', itemId: 7, text: 5 }), { kind: 'text', delta: 'Hi', itemId: 'main' });
    assert.deepEqual(say({ delta: '!' }), { kind: 'text', delta: '!', itemId: 'main' });
    assert.equal(s.text, 'Hi!');
    assert.equal(say({ delta: 5 }), undefined, 'a non-string delta is no delta');
    assert.deepEqual(say({ text: 'Hi! there', delta: 5 }), { kind: 'text', delta: ' there', itemId: 'main' });
    assert.equal(s.text, 'Hi! there');
  });

  it('an event with neither text nor delta, or with nothing new, means nothing', () => {
    const { s, say } = stream();
    assert.equal(say({ itemId: 'a' }), undefined);
    assert.equal(say({ itemId: 'a', delta: '' }), undefined);
    assert.equal(say({ itemId: 'b', text: 'Same' })?.kind, 'text');
    assert.equal(say({ itemId: 'b', text: 'Same' }), undefined, 'the same whole text again');
    // Item a exists but has no text: it is neither in the reply nor joined to it by a blank line.
    assert.equal(s.text, 'Same');
  });

  it('cumulative-only text over an item that came in pieces: grows, or is a rewrite', () => {
    const { s, say } = stream();
    say({ delta: 'He' });
    say({ delta: 'llo' });
    assert.deepEqual(say({ text: 'Hello!' }), { kind: 'text', delta: '!', itemId: 'main' });
    say({ delta: ' A' });
    say({ delta: 'B' });
    assert.deepEqual(say({ text: 'Hello! AX' }), { kind: 'gap', reason: 'assistant text was rewritten' });
    assert.equal(s.text, 'Hello! AX');
    assert.deepEqual(say({ text: 'Hello!' }), { kind: 'gap', reason: 'assistant text was rewritten' }, 'shorter');
    assert.equal(s.text, 'Hello!');
  });

  it('text and delta over an item that came in pieces: the seam crosses them, the delta must be the end', () => {
    const { s, say } = stream();
    for (const piece of ['ab', 'cd', 'ef']) say({ delta: piece });
    assert.deepEqual(say({ text: 'abcdefgh', delta: 'gh' }), { kind: 'text', delta: 'gh', itemId: 'main' });
    assert.equal(s.text, 'abcdefgh');
    for (const piece of ['ij', 'kl']) say({ delta: piece });
    assert.deepEqual(say({ text: 'abXdefghijklmn', delta: 'mn' }), { kind: 'gap', reason: 'assistant text did not continue' }, 'a change two pieces back');
    assert.equal(s.text, 'abXdefghijklmn');
    assert.deepEqual(say({ text: 'abXdefghijklmnoX', delta: 'op' }), { kind: 'gap', reason: 'assistant text did not continue' }, 'the delta is not the end');
    assert.equal(s.text, 'abXdefghijklmnoX');
    assert.deepEqual(say({ text: 'abXdefghijklmnoX yes!!', delta: ' yes' }), { kind: 'gap', reason: 'assistant text did not continue' }, 'more than the delta');
    assert.equal(s.text, 'abXdefghijklmnoX yes!!');
  });

  it('the seam is the last 32 characters: a change at the 33rd from the end is the gateway’s rewrite', () => {
    const { s, say } = stream();
    const base = 'x'.repeat(40);
    say({ text: base, delta: base });
    const changed = `${base.slice(0, 40 - 33)}Y${base.slice(40 - 32)}!`;
    assert.deepEqual(say({ text: changed, delta: '!' }), { kind: 'text', delta: '!', itemId: 'main' });
    assert.equal(s.text, changed);
    const inside = `${changed.slice(0, 41 - 32)}Z${changed.slice(41 - 31)}?`;
    assert.equal(say({ text: inside, delta: '?' })?.kind, 'gap', 'the 32nd from the end is inside the seam');
  });

  it('a rewrite keeps count of the items with text: the next item is joined by a blank line only after text', () => {
    const first = stream();
    assert.equal(first.say({ itemId: 'a', text: '', delta: 'x' })?.kind, 'gap', 'an empty item told its text is empty');
    assert.deepEqual(first.say({ itemId: 'b', delta: 'B' }), { kind: 'text', delta: 'B', itemId: 'b' }, 'nothing before it');
    assert.deepEqual(first.say({ itemId: 'c', delta: 'C' }), { kind: 'text', delta: '\n\nC', itemId: 'c' }, 'after b');
    const second = stream();
    assert.equal(second.say({ itemId: 'a', text: 'Ab', delta: 'b' })?.kind, 'gap', 'a rewrite gives the empty item its text');
    assert.deepEqual(second.say({ itemId: 'b', delta: 'B' }), { kind: 'text', delta: '\n\nB', itemId: 'b' });
    assert.equal(second.s.text, 'Ab\n\nB');
    const third = stream();
    third.say({ itemId: 'a', delta: 'A' });
    assert.equal(third.say({ itemId: 'a', text: '', delta: 'x' })?.kind, 'gap', 'its text rewritten to nothing');
    assert.deepEqual(third.say({ itemId: 'b', delta: 'B' }), { kind: 'text', delta: 'B', itemId: 'b' });
    assert.equal(third.s.text, 'B');
    assert.equal(third.say({ itemId: 'a', text: 'A2', delta: 'x' })?.kind, 'gap');
    assert.deepEqual(third.say({ itemId: 'c', delta: 'C' }), { kind: 'text', delta: '\n\nC', itemId: 'c' });
    assert.equal(third.s.text, 'A2\n\nB\n\nC');
  });

  it('a rewrite of an item with text to other text changes no count', () => {
    const once = stream();
    once.say({ itemId: 'a', delta: 'A' });
    assert.equal(once.say({ itemId: 'a', text: 'Bb', delta: 'x' })?.kind, 'gap');
    assert.deepEqual(once.say({ itemId: 'b', delta: 'x' }), { kind: 'text', delta: '\n\nx', itemId: 'b' }, 'a still has text');
    const twice = stream();
    twice.say({ itemId: 'a', delta: 'A' });
    assert.equal(twice.say({ itemId: 'a', text: 'Bb', delta: 'x' })?.kind, 'gap');
    assert.equal(twice.say({ itemId: 'a', text: '', delta: 'x' })?.kind, 'gap');
    assert.deepEqual(twice.say({ itemId: 'b', delta: 'x' }), { kind: 'text', delta: 'x', itemId: 'b' }, 'a has no text any more');
    assert.equal(twice.s.text, 'x');
  });
});

describe('messageText', () => {
  it('keeps only text parts with string text, and nothing but strings and arrays', () => {
    const parts = [null, { type: 'text', text: 'a' }, { type: 'image', text: 'not this' }, { type: 'text', text: 5 }, 'raw', { type: 'text', text: 'b' }];
    assert.equal(messageText(parts), 'ab');
    assert.equal(messageText({ type: 'text', text: 'x' }), '');
    assert.equal(messageText(undefined), '');
  });
});
