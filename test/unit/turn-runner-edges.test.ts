/**
 * Edges of TurnRunner the first mutation run found untested: which history rows are a recovered
 * run's reply when several could be, rows of other runs, repeated or non-usage events, and a cancel
 * that came before a pause. Pure, on a fake connection and a mocked clock.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { beforeEach, describe, it, type TestContext } from 'node:test';
import type { ChatHistoryResult, HistoryMessage } from '../../src/protocol/gateway';
import type { GatewayEvents, ResyncNotice } from '../../src/gateway/client-options';
import { GatewayCancelledError, GatewayClosedError, GatewayRequestError } from '../../src/gateway/errors';
import { TurnRunner } from '../../src/gateway/turn-runner';
import { FakeConnection, type SentRequest } from './fake-connection';

function turns(answer: (request: SentRequest, connection: FakeConnection) => unknown, history: () => HistoryMessage[] = () => []) {
  const connection: FakeConnection = new FakeConnection((request) => answer(request, connection));
  const emitter = new EventEmitter<GatewayEvents>();
  const resyncs: ResyncNotice[] = [];
  emitter.on('resync', (notice) => resyncs.push(notice));
  const reader = async (sessionKey: string): Promise<ChatHistoryResult> => ({ sessionKey, messages: history() });
  return { connection, resyncs, runner: new TurnRunner(connection.asConnection, emitter, reader) };
}

const row = (role: string, text: string, extra: Partial<HistoryMessage> = {}): HistoryMessage => ({ role, content: [{ type: 'text', text }], ...extra });
const flush = () => new Promise((resolve) => setImmediate(resolve));

async function settle<T>(t: TestContext, promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 200 && !done; i++) {
    await flush();
    if (!done) t.mock.timers.tick(1000);
  }
  return promise;
}

/** (The clock is mocked by the caller.) The reply a recovered run (accepted, connection lost, `agent.wait` ok without text) gets from `history`. */
async function recoveredReply(t: TestContext, history: HistoryMessage[]): Promise<string> {
  const { runner } = turns(
    (request) => {
      if (request.method === 'agent.wait') return { status: 'ok' };
      request.options.onAccepted?.({});
      throw new GatewayClosedError('gone');
    },
    () => history,
  );
  return (await settle(t, runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }))).text;
}

describe('TurnRunner: which history rows are the reply', () => {
  beforeEach((t) => (t as TestContext).mock.timers.enable({ apis: ['setTimeout'] }));

  it('rows tagged with the run win over rows after its user message', async (t) => {
    assert.equal(
      await recoveredReply(t, [
        row('user', 'hi', { idempotencyKey: 'r:user' }),
        row('assistant', 'untagged'),
        row('assistant', 'tagged', { __openclaw: { runId: 'r' } }),
      ]),
      'tagged',
    );
  });

  it('the user row found by key (or run id) wins over a later one with the same text, and only a user row', async (t) => {
    for (const mark of [{ idempotencyKey: 'r:user' }, { __openclaw: { runId: 'r' } }]) {
      const history = [
        row('system', 'x', { idempotencyKey: 'r:user' }),
        row('assistant', 'not after a user row'),
        row('user', 'hi', mark),
        row('assistant', 'A'),
        row('user', 'hi'),
        row('assistant', 'B'),
      ];
      assert.equal(await recoveredReply(t, history), 'A');
    }
  });

  it('a marked user row first in history', async (t) => {
    assert.equal(
      await recoveredReply(t, [row('user', 'hi', { idempotencyKey: 'r:user' }), row('assistant', 'A'), row('user', 'hi'), row('assistant', 'B')]),
      'A',
    );
  });

  it('by text: the last user row with the same text, not any user row nor any row with the text', async (t) => {
    assert.equal(await recoveredReply(t, [row('user', 'hi'), row('assistant', 'A'), row('user', 'other'), row('assistant', 'B')]), 'A');
    assert.equal(await recoveredReply(t, [row('user', 'hi'), row('assistant', 'A'), row('assistant', 'hi')]), 'A\n\nhi');
  });

  it('no user row of ours, or a user row right after it, gives no reply', async (t) => {
    assert.equal(await recoveredReply(t, [row('assistant', 'stray')]), '');
    assert.equal(await recoveredReply(t, [row('user', 'hi', { idempotencyKey: 'r:user' }), row('user', 'next'), row('assistant', 'late')]), '');
  });
});

describe('TurnRunner: other edges', () => {
  it('history rows of other runs do not count as our message', async () => {
    let sends = 0;
    const { connection, runner } = turns(
      () => {
        sends += 1;
        if (sends === 1) throw new GatewayClosedError('gone');
        return { status: 'ok' };
      },
      () => [row('user', 'hi', { idempotencyKey: 'x:user' }), row('user', 'hi', { __openclaw: { runId: 'x' } })],
    );
    await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
    assert.deepEqual(connection.methods, ['agent', 'agent']);
  });

  it('only a usage event sets the usage, only a gap asks for a resync, and a repeated event is dropped', async () => {
    const { runner, resyncs } = turns((_, c) => {
      const listener = c.runListeners.get('r')!;
      listener({ runId: 'r', seq: 1, stream: 'usage', data: { input: 4 } });
      listener({ runId: 'r', seq: 2, stream: 'assistant', data: { delta: 'text' } });
      listener({ runId: 'r', seq: 2, stream: 'assistant', data: { delta: 'text' } });
      return { status: 'ok' };
    });
    const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
    assert.deepEqual(result.usage, { input: 4 });
    assert.equal(result.text, 'text');
    assert.deepEqual(resyncs, []);
  });

  it('a cancel that came before a pause ends the turn without waiting it out', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const controller = new AbortController();
    const { runner } = turns(() => {
      controller.abort();
      throw new GatewayRequestError('agent', { code: 'UNAVAILABLE', message: 'busy', details: { code: 'SESSION_WORK_START_CHANGED' } });
    });
    const outcome = runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { signal: controller.signal }).catch((e: Error) => e);
    for (let i = 0; i < 5; i++) await flush();
    // The mocked clock never moved: only a cancel seen at once can have ended the turn.
    assert.ok((await Promise.race([outcome, Promise.resolve('still waiting')])) instanceof GatewayCancelledError);
  });
});
