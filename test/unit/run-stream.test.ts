import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAgentPayload, FrameProblem } from '../../src/gateway/frames';
import { messageText, RunStream, type TurnEvent } from '../../src/gateway/run-stream';
import { readTranscript } from '../support/transcripts';

/** The `agent` events one connection received in a recorded transcript. */
function recordedAgentEvents(file: string, conn: string) {
  return readTranscript(file)
    .filter((o) => o.conn === conn && o.dir === 'in' && o.frame?.event === 'agent')
    .map((o) => {
      const checked = checkAgentPayload(o.frame!.payload);
      assert.ok(!(checked instanceof FrameProblem));
      return checked;
    });
}

describe('RunStream on recorded runs', () => {
  it('assembles the recorded 03-agent run into the final text, without a false gap', () => {
    const stream = new RunStream('idem-mwpxucj3-40');
    const events = recordedAgentEvents('03-agent.jsonl', 'op').flatMap((e) => stream.accept(e) ?? []);
    assert.equal(stream.text, 'Echo: hello from probe agent');
    assert.equal(
      events
        .filter((e) => e.kind === 'text')
        .map((e) => (e as { delta: string }).delta)
        .join(''),
      stream.text,
    );
    assert.ok(!events.some((e) => e.kind === 'gap'));
    assert.deepEqual(
      events.find((e) => e.kind === 'usage'),
      { kind: 'usage', usage: { outputTokens: 5 } },
    );
  });

  it('joins two assistant items with a blank line and reports the tool call (11-tool-events)', () => {
    const stream = new RunStream('idem-mwpxutlz-86');
    const events = recordedAgentEvents('11-tool-events.jsonl', 'withcaps').flatMap((e) => stream.accept(e) ?? []);
    assert.equal(stream.text, 'Let me look.\n\nTool result had 17 chars. Done.');
    const tools = events.filter((e): e is Extract<TurnEvent, { kind: 'tool' }> => e.kind === 'tool');
    assert.deepEqual(
      tools.map((t) => [t.phase, t.name, t.toolCallId]),
      [
        ['start', 'ls', 'call_probe_1'],
        ['result', 'ls', 'call_probe_1'],
      ],
    );
    assert.deepEqual(tools[0].args, { path: '.' });
    assert.equal(tools[1].isError, false);
    assert.equal(
      events
        .filter((e) => e.kind === 'text')
        .map((e) => (e as { delta: string }).delta)
        .join(''),
      stream.text,
    );
  });

  it('drops replays and repairs lost text from the cumulative field', () => {
    const stream = new RunStream('r');
    const ev = (seq: number, text: string, delta: string) => ({ runId: 'r', stream: 'assistant', seq, data: { text, delta, itemId: 'i' } });
    assert.equal(stream.accept(ev(1, 'Hello', 'Hello'))?.kind, 'text');
    assert.equal(stream.accept(ev(1, 'Hello', 'Hello')), undefined, 'same seq again');
    const gap = stream.accept(ev(5, 'Hello there world', ' world'));
    assert.deepEqual(gap, { kind: 'gap', reason: 'assistant text did not continue' });
    assert.equal(stream.text, 'Hello there world');
  });

  it('sees a delta that replaced the text before it, even when the lengths add up', () => {
    const stream = new RunStream('r');
    const ev = (seq: number, text: string, delta: string) => ({ runId: 'r', stream: 'assistant', seq, data: { text, delta, itemId: 'i' } });
    assert.equal(stream.accept(ev(1, 'Hello', 'Hello'))?.kind, 'text');
    assert.deepEqual(stream.accept(ev(2, 'Jello world', ' world')), { kind: 'gap', reason: 'assistant text did not continue' });
    assert.equal(stream.text, 'Jello world');
    assert.deepEqual(stream.accept(ev(3, 'Jello world!', '?')), { kind: 'gap', reason: 'assistant text did not continue' });
    assert.equal(stream.text, 'Jello world!');
  });

  it('handles protocol-3 style events that carry only cumulative text', () => {
    const stream = new RunStream('r');
    const ev = (seq: number, text: string) => ({ runId: 'r', stream: 'assistant', seq, data: { text } });
    const deltas = [ev(1, 'Ec'), ev(2, 'Echo:'), ev(3, 'Echo: hi')].flatMap((e) => stream.accept(e) ?? []).map((e) => (e as { delta: string }).delta);
    assert.deepEqual(deltas, ['Ec', 'ho:', ' hi']);
  });

  it('checks the seam across the pieces an item came in, and only the last 32 characters of it', () => {
    const stream = new RunStream('r');
    let text = '';
    let seq = 0;
    const grow = (delta: string, claimed = text + delta) => {
      const event = stream.accept({ runId: 'r', stream: 'assistant', seq: ++seq, data: { text: claimed, delta, itemId: 'i' } });
      text = claimed;
      return event;
    };
    for (const piece of ['ab', 'cd', 'ef', 'gh', 'ij', 'kl', 'mn', 'op', 'qr', 'st', 'uv', 'wx', 'yz', '01', '23', '45', '67', '89'])
      assert.equal(grow(piece)?.kind, 'text');
    // One character changed 4 pieces back (inside the seam, across piece boundaries): seen.
    assert.equal(grow('!', `${text.slice(0, text.length - 7)}X${text.slice(text.length - 6)}!`)?.kind, 'gap');
    assert.equal(stream.text, text);
    // A change further back than the seam is the gateway's rewrite, taken as the whole it sends.
    assert.deepEqual(grow('?', `Z${text.slice(1)}?`), { kind: 'text', delta: '?', itemId: 'i' });
    assert.equal(stream.text, text);
  });

  it('streams interleaved items into their own items, joined in the reply by a blank line', () => {
    const stream = new RunStream('r');
    const ev = (seq: number, itemId: string, text: string, delta: string) => ({ runId: 'r', stream: 'assistant', seq, data: { text, delta, itemId } });
    const got = [ev(1, 'a', 'One', 'One'), ev(2, 'b', 'Two', 'Two'), ev(3, 'a', 'One more', ' more'), ev(4, 'b', 'Two!', '!')].map((e) => stream.accept(e));
    assert.deepEqual(got, [
      { kind: 'text', delta: 'One', itemId: 'a' },
      { kind: 'text', delta: '\n\nTwo', itemId: 'b' },
      { kind: 'text', delta: ' more', itemId: 'a' },
      { kind: 'text', delta: '!', itemId: 'b' },
    ]);
    assert.equal(stream.text, 'One more\n\nTwo!');
  });

  it('joins a long delta-only reply once, to the text its deltas make', () => {
    const stream = new RunStream('r');
    let expected = '';
    for (let seq = 1; seq <= 20_000; seq++) {
      const delta = `${seq} `.padEnd(20 + (seq % 41), '.');
      expected += delta;
      assert.equal(stream.accept({ runId: 'r', stream: 'assistant', seq, data: { delta, itemId: 'i' } })?.kind, 'text');
    }
    assert.equal(stream.text, expected);
    assert.equal(stream.text, expected, 'asked again: the same text');
  });

  it('reads message text from strings and part arrays', () => {
    assert.equal(messageText('plain'), 'plain');
    assert.equal(messageText([{ type: 'text', text: 'a' }, { type: 'toolCall' }, { type: 'text', text: 'b' }]), 'ab');
    assert.equal(messageText(42), '');
  });
});
