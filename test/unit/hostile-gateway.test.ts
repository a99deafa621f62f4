/**
 * A hostile gateway: 10,000 malformed, truncated, oversized, out-of-order, wrong-typed and unknown
 * frames on an open connection, in the middle of a turn. The client must not crash, must not leave
 * an unhandled rejection, must log each kind of problem once, and must keep working afterwards.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { readTranscript } from '../support/transcripts';
import { sleep, waitFor, waitForState } from '../support/wait';

/** A small deterministic PRNG, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/** Real frames the gateway sent, as raw text, to cut and twist. */
function recordedFrames(): string[] {
  return ['03-agent.jsonl', '11-tool-events.jsonl', '09-subscribe-observer.jsonl']
    .flatMap((file) => readTranscript(file))
    .filter((o) => o.dir === 'in' && o.frame)
    .map((o) => JSON.stringify(o.frame));
}

function hostileFrames(count: number, runId: string): string[] {
  const random = prng(20261121);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const real = recordedFrames();
  const huge = 'x'.repeat(2 * 1024 * 1024);
  const makers: Array<() => string> = [
    () => pick(real).slice(0, Math.floor(random() * 200)), // truncated
    () => `${pick(real)}}}`, // trailing garbage
    () => '', // empty
    () => 'null',
    () => '[]',
    () => String(random()),
    () => JSON.stringify({ type: pick(['res', 'event', 'req', 'hello', 42, null]) }),
    () => JSON.stringify({ type: 'res', id: `nobody-${Math.floor(random() * 1e6)}`, ok: true, payload: {} }), // unknown id
    () => JSON.stringify({ type: 'res', id: 7, ok: 'yes' }), // wrong types
    () => JSON.stringify({ type: 'event', event: 42, payload: {} }),
    () => JSON.stringify({ type: 'event', event: 'tick', seq: 'one' }),
    () => JSON.stringify({ type: 'event', event: 'tick', payload: { ts: 1 }, seq: Math.floor(random() * 50) }), // seq backwards or ahead
    () => JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'again', ts: 1 } }), // second challenge
    () => JSON.stringify({ type: 'event', event: `unknown.${Math.floor(random() * 100)}`, payload: { anything: [1, 2, 3] } }),
    () => JSON.stringify({ type: 'event', event: 'agent', payload: { runId, stream: 'assistant', seq: 'x', data: { text: 5 } } }),
    () => JSON.stringify({ type: 'event', event: 'agent', payload: { runId, stream: 'assistant', seq: 1, data: { text: null, delta: {} } } }), // replay of an old seq, wrong types
    () =>
      JSON.stringify({
        type: 'event',
        event: 'agent',
        payload: { runId: 'someone-else', stream: 'assistant', seq: 5, data: { text: 'not ours', delta: 'not ours' } },
      }),
    () => JSON.stringify({ type: 'event', event: 'agent', payload: [1, 2] }),
    () => JSON.stringify({ type: 'event', event: 'sessions.changed', payload: huge.slice(0, 100_000) }),
    () => '['.repeat(5000) + ']'.repeat(5000), // deep nesting
    () => JSON.stringify({ type: 'event', event: 'shutdown', payload: 'not an object' }),
  ];
  // Every 500th frame carries a 2 MiB string: big enough to hurt, few enough that the test measures
  // the client rather than how fast loopback moves a gigabyte.
  return Array.from({ length: count }, (_, i) =>
    i % 500 === 499 ? JSON.stringify({ type: 'event', event: 'health', payload: { text: huge } }) : pick(makers)(),
  );
}

describe('a hostile gateway', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('survives 10,000 bad frames mid-turn, logs each problem once, and keeps working', { timeout: 120_000 }, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => process.off('unhandledRejection', onUnhandled));

    const gw = await new FakeGateway({ token: TOKEN, deltaDelayMs: 5 }).start();
    const client = makeClient(gw.url, { requestTimeoutMs: 10_000 });
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');

    gw.reply = () => Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    const deltas: string[] = [];
    let runId = '';
    const turn = client.runTurn(
      { sessionKey: 'agent:main:fuzz', message: 'long' },
      { onAccepted: (id) => (runId = id), onEvent: (e) => e.kind === 'text' && deltas.push(e.delta) },
    );
    await waitFor(() => runId, 'turn accepted');

    const frames = hostileFrames(10_000, runId);
    for (let i = 0; i < frames.length; i += 500) {
      for (const text of frames.slice(i, i + 500)) gw.sendRaw(text);
      await sleep(1);
    }
    const result = await turn;
    assert.equal(result.status, 'ok');
    assert.equal(result.text, gw.reply(''));
    assert.equal(deltas.join(''), result.text, 'no foreign or replayed text got into the reply');

    // Still working: a request and a whole new turn.
    assert.deepEqual(await client.request('health'), { ok: true });
    gw.reply = (message) => `Echo: ${message}`;
    const again = await client.runTurn({ sessionKey: 'agent:main:fuzz', message: 'after the storm' });
    assert.equal(again.text, 'Echo: after the storm');
    assert.equal(client.state.kind, 'connected');
    assert.equal(gw.connections, 1, 'never dropped the connection');

    await sleep(50);
    assert.deepEqual(unhandled, []);
    const counts = [...client.problems.values()].reduce((a, b) => a + b, 0);
    const warnings = client.logs.filter(([level, line]) => level === 'warn' && line.startsWith('dropped a frame'));
    assert.equal(warnings.length, new Set(client.problems.keys()).size, 'each kind of problem is logged once');
    assert.ok(client.problems.size >= 10, `${client.problems.size} kinds of problem seen`);
    assert.ok(counts >= 5000, `${counts} problems counted`);
    assert.ok(client.logs.length < 100, `the log stayed short (${client.logs.length} lines)`);
  });
});
