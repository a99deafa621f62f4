/**
 * TurnRunner (turn-runner.ts) against a fake connection and a fake history, with a mocked clock: a
 * turn's `agent` request and result, and what happens when the connection drops, the gateway is
 * busy or refuses for a while, or restarts under an accepted turn. Pure; turns.test.ts and
 * reconnect.test.ts cover the same through a ws server.
 */
import assert from 'node:assert/strict';
import { EventEmitter, getEventListeners } from 'node:events';
import { describe, it, type TestContext } from 'node:test';
import type { ChatHistoryResult, HistoryMessage } from '../../src/protocol/gateway';
import type { GatewayEvents, ResyncNotice } from '../../src/gateway/client-options';
import { GatewayCancelledError, GatewayClosedError, GatewayRequestError, GatewayTurnNotSentError } from '../../src/gateway/errors';
import type { RequestOptions } from '../../src/gateway/pending-requests';
import type { TurnEvent } from '../../src/gateway/run-stream';
import { TurnRunner } from '../../src/gateway/turn-runner';
import { FakeConnection, type SentRequest } from './fake-connection';

type HistoryAnswer = (call: number) => HistoryMessage[] | Promise<HistoryMessage[]>;

function turns(answer: (request: SentRequest, connection: FakeConnection) => unknown, history: HistoryAnswer = () => []) {
  const connection: FakeConnection = new FakeConnection((request) => answer(request, connection));
  const emitter = new EventEmitter<GatewayEvents>();
  const reads: Array<[string, number, RequestOptions]> = [];
  const resyncs: ResyncNotice[] = [];
  emitter.on('resync', (notice) => resyncs.push(notice));
  const reader = async (sessionKey: string, limit: number, options: RequestOptions): Promise<ChatHistoryResult> => {
    reads.push([sessionKey, limit, options]);
    return { sessionKey, messages: await history(reads.length) };
  };
  return { connection, emitter, reads, resyncs, runner: new TurnRunner(connection.asConnection, emitter, reader) };
}

const closed = () => new GatewayClosedError('the socket closed');
const busy = (where: 'details' | 'message') =>
  new GatewayRequestError('agent', {
    code: 'UNAVAILABLE',
    message: where === 'message' ? 'start failed: SESSION_WORK_START_CHANGED' : 'busy',
    details: where === 'details' ? { code: 'SESSION_WORK_START_CHANGED' } : undefined,
  });
const refused = (retryAfterMs?: number) => new GatewayRequestError('agent', { code: 'UNAVAILABLE', message: 'try later', retryable: true, retryAfterMs });

function final(text: string, status = 'ok', extra: Record<string, unknown> = {}) {
  return {
    status,
    summary: 'completed',
    result: { payloads: text ? [{ text }] : [], meta: { stopReason: 'stop', durationMs: 12, agentMeta: { usage: { total: 3 } } } },
    ...extra,
  };
}

function textRow(role: string, text: string, extra: Partial<HistoryMessage> = {}): HistoryMessage {
  return { role, content: [{ type: 'text', text }], ...extra };
}

/** Runs whatever is queued (promise callbacks), then the timers of the next `ms` of mocked time, until `promise` settles. */
async function settle<T>(t: TestContext, promise: Promise<T>, stepMs = 1000, maxSteps = 500): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < maxSteps && !done; i++) {
    await flush();
    if (!done) t.mock.timers.tick(stepMs);
  }
  return promise;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Throws once, the first `times` calls, then returns `then`. */
function failFirst(times: number, error: () => unknown, then: unknown): () => unknown {
  let calls = 0;
  return () => {
    calls += 1;
    if (calls <= times) throw error();
    return then;
  };
}

describe('TurnRunner: a turn that goes through', () => {
  it('sends one agent request and returns its final result', async () => {
    const image = { type: 'image', mimeType: 'image/png', content: 'AAAA' } as never;
    const accepted: string[] = [];
    const events: TurnEvent[] = [];
    const { connection, runner, reads } = turns(({ options }, c) => {
      options.onAccepted?.({});
      const listener = c.runListeners.get('run-1')!;
      listener({ runId: 'run-1', seq: 1, stream: 'assistant', data: { text: 'Hello', delta: 'Hello' } });
      listener({ runId: 'run-1', seq: 2, stream: 'usage', data: { input: 1 } });
      return final('Hello there');
    });
    const signal = new AbortController().signal;
    const result = await runner.run(
      { sessionKey: 'k', message: 'hi', idempotencyKey: 'run-1', thinking: 'high', attachments: [image] },
      { signal, onAccepted: (id) => accepted.push(id), onEvent: (e) => events.push(e) },
    );
    assert.deepEqual(result, {
      runId: 'run-1',
      sessionKey: 'k',
      status: 'ok',
      usage: { total: 3 },
      summary: 'completed',
      text: 'Hello there',
      stopReason: 'stop',
      durationMs: 12,
    });
    assert.equal(connection.sent.length, 1);
    const [request] = connection.sent;
    assert.equal(request.method, 'agent');
    assert.deepEqual(request.params, { message: 'hi', sessionKey: 'k', idempotencyKey: 'run-1', thinking: 'high', attachments: [image] });
    assert.equal(request.options.timeoutMs, 900_000);
    assert.equal(request.options.signal, signal);
    assert.deepEqual(accepted, ['run-1']);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['text', 'usage'],
    );
    assert.equal(connection.whenConnectedCalls, 1);
    assert.equal(reads.length, 0);
    assert.equal(connection.listening.size, 0);
  });

  it('a turn without thinking or images sends three params under a new key, and keeps the streamed usage', async () => {
    let listenedTo: string[] = [];
    const { connection, runner } = turns(({ params }, c) => {
      listenedTo = [...c.listening];
      c.runListeners.get(params.idempotencyKey as string)!({ runId: 'x', seq: 1, stream: 'usage', data: { input: 5 } });
      return { status: 'ok', result: { payloads: [{ text: 'fine' }] } };
    });
    const result = await runner.run({ sessionKey: 'k', message: 'hi', attachments: [] });
    const params = connection.sent[0].params;
    assert.deepEqual(Object.keys(params).sort(), ['idempotencyKey', 'message', 'sessionKey']);
    assert.match(result.runId, /^[0-9a-f-]{36}$/);
    assert.equal(params.idempotencyKey, result.runId);
    assert.deepEqual(listenedTo, [result.runId]);
    assert.deepEqual(result.usage, { input: 5 });
    assert.equal(result.text, 'fine');
  });

  it('reads how the final result ended the turn', async () => {
    const cases: Array<[unknown, string, string | undefined]> = [
      [{ status: 'ok' }, 'ok', undefined],
      [{ status: 'timeout', summary: 'aborted' }, 'aborted', 'aborted'],
      [{ status: 'aborted' }, 'aborted', undefined],
      [{ status: 'timeout' }, 'timeout', undefined],
      [{ status: 'error', summary: 'boom' }, 'error', 'boom'],
      [{ status: 'other' }, 'error', undefined],
      ['not an object', 'error', 'the gateway sent no result'],
    ];
    for (const [payload, status, summary] of cases) {
      const { runner } = turns(({ params }, c) => {
        c.runListeners.get(params.idempotencyKey as string)!({ runId: 'r', seq: 1, stream: 'assistant', data: { delta: 'streamed' } });
        return payload;
      });
      const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
      assert.equal(result.status, status, JSON.stringify(payload));
      assert.equal(result.summary, summary, JSON.stringify(payload));
      // The final result names no text: the streamed reply is the text.
      assert.equal(result.text, 'streamed', JSON.stringify(payload));
    }
  });

  it('a gap in the streamed text asks for a resync of the session', async () => {
    const events: TurnEvent[] = [];
    const { runner, resyncs } = turns((_, c) => {
      const listener = c.runListeners.get('r')!;
      listener({ runId: 'r', seq: 1, stream: 'assistant', data: { text: 'abc' } });
      listener({ runId: 'r', seq: 2, stream: 'assistant', data: { text: 'xyz' } });
      return final('xyz');
    });
    await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { onEvent: (e) => events.push(e) });
    assert.deepEqual(resyncs, [{ reason: 'run-gap', sessionKey: 'k', runId: 'r' }]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['text', 'gap'],
    );
  });

  it('a refusal that is neither busy nor retryable is thrown as it is', async () => {
    const error = new GatewayRequestError('agent', { code: 'INVALID_REQUEST', message: 'bad' });
    const { connection, runner } = turns(() => {
      throw error;
    });
    await assert.rejects(runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }), (e) => e === error);
    assert.equal(connection.sent.length, 1);
    assert.equal(connection.listening.size, 0);
  });

  it('abort sends chat.abort for the session, and the run when named', async () => {
    const { connection, runner } = turns(() => ({ ok: true }));
    assert.deepEqual(await runner.abort('k'), { ok: true });
    await runner.abort('k', 'r');
    assert.deepEqual(connection.sent, [
      { method: 'chat.abort', params: { sessionKey: 'k' }, options: {} },
      { method: 'chat.abort', params: { sessionKey: 'k', runId: 'r' }, options: {} },
    ]);
  });
});

describe('TurnRunner: the connection drops before the gateway took the turn', () => {
  it('sends the same key again when history does not have the message', async () => {
    const signal = new AbortController().signal;
    const { connection, runner, reads } = turns(failFirst(1, closed, final('done')));
    const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { signal });
    assert.equal(result.status, 'ok');
    assert.deepEqual(connection.methods, ['agent', 'agent']);
    assert.deepEqual(
      connection.sent.map((r) => r.params.idempotencyKey),
      ['r', 'r'],
    );
    assert.deepEqual(reads, [['k', 50, { signal }]]);
    assert.ok(connection.whenConnectedCalls >= 3);
  });

  it('gives up after the fifth time the connection closes on it', async () => {
    const { connection, runner } = turns(() => {
      throw closed();
    });
    await assert.rejects(runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }), {
      name: 'GatewayTurnNotSentError',
      message: 'This message was not run: the connection closed each of the 5 times it was sent. Send it again once the gateway is working.',
    });
    assert.equal(connection.sent.length, 5);
    assert.equal(connection.listening.size, 0);
  });

  it('a close the client asked for is thrown at once', async () => {
    const error = closed();
    const { connection, runner, reads } = turns(() => {
      throw error;
    });
    connection.wanted = false;
    await assert.rejects(runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }), (e) => e === error);
    assert.equal(connection.sent.length, 1);
    assert.equal(reads.length, 0);
  });

  it('a message history has (by key or by run id) is not sent again but waited for', async () => {
    for (const row of [textRow('user', 'hi', { idempotencyKey: 'r:user' }), textRow('user', 'hi', { __openclaw: { runId: 'r' } })]) {
      const signal = new AbortController().signal;
      const { connection, runner } = turns(
        ({ method }) => {
          if (method === 'agent') throw closed();
          return { status: 'ok', stopReason: 'end', terminalReply: { text: 'waited reply' } };
        },
        () => [textRow('user', 'other', { idempotencyKey: 'x:user' }), row],
      );
      const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { signal });
      assert.deepEqual(connection.methods, ['agent', 'agent.wait']);
      assert.deepEqual(connection.sent[1].params, { runId: 'r', timeoutMs: 895_000 });
      assert.deepEqual(connection.sent[1].options, { timeoutMs: 900_000, signal });
      assert.equal(result.status, 'ok');
      assert.equal(result.text, 'waited reply');
      assert.equal(result.stopReason, 'end');
    }
  });

  it('a history that cannot be read counts as not having the message; a cancel is thrown', async () => {
    const failing = turns(failFirst(1, closed, final('done')), () => {
      throw new Error('history failed');
    });
    assert.equal((await failing.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).status, 'ok');
    assert.deepEqual(failing.connection.methods, ['agent', 'agent']);

    const cancelled = turns(failFirst(1, closed, final('done')), () => {
      throw new GatewayCancelledError();
    });
    await assert.rejects(cancelled.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }), GatewayCancelledError);
    assert.equal(cancelled.connection.sent.length, 1);
  });

  it('history is asked once connected again', async () => {
    const order: string[] = [];
    const { connection, runner } = turns(failFirst(1, closed, final('done')), () => {
      order.push('history');
      return [];
    });
    connection.waitForConnection = () => {
      order.push('connected');
      return Promise.resolve();
    };
    await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
    assert.deepEqual(order, ['connected', 'connected', 'history', 'connected']);
  });
});

describe('TurnRunner: the connection drops after the gateway took the turn', () => {
  function acceptedThenClosed(wait: (request: SentRequest, connection: FakeConnection) => unknown, bootAfter?: string) {
    return turns((request, c) => {
      if (request.method === 'agent') {
        request.options.onAccepted?.({});
        c.bootId = bootAfter ?? c.bootId;
        throw closed();
      }
      return wait(request, c);
    });
  }

  it('waits for the run with agent.wait, without asking history', async () => {
    const { connection, runner, reads } = acceptedThenClosed(() => ({ status: 'ok', stopReason: 'stop', terminalReply: { text: 'the answer' } }));
    connection.bootId = 'boot-1';
    const accepted: string[] = [];
    const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { onAccepted: (id) => accepted.push(id) });
    assert.deepEqual(result, { runId: 'r', sessionKey: 'k', status: 'ok', usage: undefined, stopReason: 'stop', text: 'the answer' });
    assert.deepEqual(connection.methods, ['agent', 'agent.wait']);
    assert.deepEqual(accepted, ['r']);
    assert.equal(reads.length, 0);
    assert.equal(connection.listening.size, 0);
  });

  it('a run that ended in error keeps its text, and history is not asked for it', async () => {
    const { runner, reads } = acceptedThenClosed(() => ({ status: 'error', stopReason: 'error' }));
    const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
    assert.equal(result.status, 'error');
    assert.equal(result.stopReason, 'error');
    assert.equal(result.text, '');
    assert.equal(reads.length, 0);
  });

  it('an ok run without reply text takes the streamed text first', async () => {
    const { runner, reads } = turns((request, c) => {
      if (request.method === 'agent.wait') return { status: 'ok' };
      request.options.onAccepted?.({});
      c.runListeners.get('r')!({ runId: 'r', seq: 1, stream: 'assistant', data: { delta: 'so far' } });
      throw closed();
    });
    assert.equal((await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).text, 'so far');
    assert.equal(reads.length, 0);
  });

  it('a wait that does not tell how the run ended leaves the turn interrupted', async () => {
    for (const waited of [{ status: 'timeout' }, {}, 'nothing']) {
      const { runner } = acceptedThenClosed(() => waited);
      const result = await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
      assert.deepEqual(result, { runId: 'r', sessionKey: 'k', status: 'interrupted', usage: undefined, text: '' });
    }
  });

  it('a gateway that restarted is not asked: the run died with it', async () => {
    const { connection, runner } = acceptedThenClosed(() => ({ status: 'ok' }), 'boot-2');
    connection.bootId = 'boot-1';
    assert.equal((await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).status, 'interrupted');
    assert.deepEqual(connection.methods, ['agent']);
  });

  it('without a boot id on either side, the gateway is asked', async () => {
    for (const [before, after] of [
      [undefined, 'boot-2'],
      ['boot-1', undefined],
    ]) {
      const { connection, runner } = turns((request, c) => {
        if (request.method === 'agent.wait') return { status: 'ok', terminalReply: { text: 'yes' } };
        request.options.onAccepted?.({});
        c.bootId = after;
        throw closed();
      });
      connection.bootId = before;
      assert.equal((await runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).status, 'ok');
      assert.deepEqual(connection.methods, ['agent', 'agent.wait']);
    }
  });

  it('a wait cut by another drop is asked again; other failures leave the turn interrupted', async () => {
    const again = acceptedThenClosed(failFirst(1, closed, { status: 'ok', terminalReply: { text: 'second time' } }));
    assert.equal((await again.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).text, 'second time');
    assert.deepEqual(again.connection.methods, ['agent', 'agent.wait', 'agent.wait']);

    const unwanted = acceptedThenClosed((_, c) => {
      c.wanted = false;
      throw closed();
    });
    assert.equal((await unwanted.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).status, 'interrupted');
    assert.deepEqual(unwanted.connection.methods, ['agent', 'agent.wait']);

    const failed = acceptedThenClosed(() => {
      throw new Error('wait failed');
    });
    assert.equal((await failed.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })).status, 'interrupted');
  });
});

describe('TurnRunner: the reply of a recovered run, from history', () => {
  function recovered(history: HistoryAnswer) {
    return turns((request) => {
      if (request.method === 'agent.wait') return { status: 'ok' };
      request.options.onAccepted?.({});
      throw closed();
    }, history);
  }
  const run = (runner: TurnRunner, signal?: AbortSignal) => runner.run({ sessionKey: 'k', message: ' hi ', idempotencyKey: 'r' }, { signal });

  it('takes the assistant rows tagged with the run', async () => {
    const signal = new AbortController().signal;
    const { runner, reads } = recovered(() => [
      textRow('assistant', 'before', { __openclaw: { runId: 'old' } }),
      textRow('user', 'hi', { __openclaw: { runId: 'r' } }),
      textRow('assistant', 'one', { __openclaw: { runId: 'r' } }),
      { role: 'assistant', content: [{ type: 'toolCall', name: 'x' }], __openclaw: { runId: 'r' } },
      textRow('assistant', 'two', { __openclaw: { runId: 'r' } }),
    ]);
    assert.equal((await run(runner, signal)).text, 'one\n\ntwo');
    assert.deepEqual(reads, [['k', 50, { signal }]]);
  });

  it('else the assistant rows after its user message, up to the next user message', async () => {
    for (const mark of [{ idempotencyKey: 'r:user' }, { __openclaw: { runId: 'r' } }]) {
      const { runner } = recovered(() => [
        textRow('user', 'hi'),
        textRow('assistant', 'not this'),
        textRow('user', 'hi', mark),
        textRow('tool', 'a tool result'),
        textRow('assistant', 'this'),
        textRow('user', 'later'),
        textRow('assistant', 'not that'),
      ]);
      assert.equal((await run(runner)).text, 'this');
    }
  });

  it('else after the last user message with the same text', async () => {
    const { runner } = recovered(() => [
      textRow('user', 'hi'),
      textRow('assistant', 'older answer'),
      textRow('user', ' hi  '),
      textRow('assistant', 'the answer'),
      textRow('assistant', 'and more'),
    ]);
    assert.equal((await run(runner)).text, 'the answer\n\nand more');
  });

  it('asks again a second apart until the reply is there', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { runner, reads } = recovered((call) => {
      if (call === 2) throw new Error('history failed');
      return call < 4
        ? [textRow('user', 'hi', { idempotencyKey: 'r:user' })]
        : [textRow('user', 'hi', { idempotencyKey: 'r:user' }), textRow('assistant', 'late')];
    });
    const result = run(runner);
    await flush();
    assert.equal(reads.length, 1);
    t.mock.timers.tick(999);
    await flush();
    assert.equal(reads.length, 1);
    t.mock.timers.tick(1);
    await flush();
    assert.equal(reads.length, 2);
    assert.equal((await settle(t, result)).text, 'late');
    assert.equal(reads.length, 4);
  });

  it('gives up after thirty tries with no text', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const empty = recovered(() => [textRow('user', 'something else')]);
    const result = await settle(t, run(empty.runner));
    assert.equal(result.status, 'ok');
    assert.equal(result.text, '');
    assert.equal(empty.reads.length, 30);

    const failing = recovered(() => {
      throw new Error('history failed');
    });
    assert.equal((await settle(t, run(failing.runner))).text, '');
    assert.equal(failing.reads.length, 30);
  });

  it('a cancel while reading history ends the turn', async () => {
    const { runner } = recovered(() => {
      throw new GatewayCancelledError();
    });
    await assert.rejects(run(runner), GatewayCancelledError);
  });
});

describe('TurnRunner: a busy session', () => {
  it('waits two seconds, then sends the message again under a new key', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    for (const where of ['details', 'message'] as const) {
      const runIds: string[] = [];
      const signal = new AbortController().signal;
      const { connection, runner, reads } = turns(failFirst(1, () => busy(where), final('done')));
      const result = runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'first' }, { signal, onRunId: (id) => runIds.push(id) });
      await flush();
      t.mock.timers.tick(1999);
      await flush();
      assert.equal(connection.sent.length, 1);
      t.mock.timers.tick(1);
      const outcome = await settle(t, result);
      assert.equal(outcome.status, 'ok');
      assert.deepEqual(reads, [['k', 50, { signal }]]);
      assert.equal(connection.sent.length, 2);
      const second = connection.sent[1].params.idempotencyKey as string;
      assert.notEqual(second, 'first');
      assert.match(second, /^[0-9a-f-]{36}$/);
      assert.equal(outcome.runId, second);
      assert.deepEqual(runIds, [second]);
      assert.deepEqual(connection.logs, [['info', `the session was busy with the gateway's own work; sending the message again as run ${second}`]]);
      assert.equal(connection.listening.size, 0);
      assert.equal(getEventListeners(signal, 'abort').length, 0);
      assert.equal(getEventListeners(connection.closedSignal, 'abort').length, 0);
    }
  });

  it('listens to the new run, not the old one', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const listened: string[][] = [];
    const { runner } = turns((request, c) => {
      listened.push([...c.listening]);
      if (listened.length === 1) throw busy('details');
      c.runListeners.get(request.params.idempotencyKey as string)!({ runId: 'x', seq: 1, stream: 'assistant', data: { delta: 'new run text' } });
      return { status: 'ok' };
    });
    const result = await settle(t, runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'first' }));
    assert.deepEqual(listened, [['first'], [result.runId]]);
    assert.equal(result.text, 'new run text');
  });

  it('a message history has by then is waited for under its first key', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const runIds: string[] = [];
    const { connection, runner } = turns(
      (request) => {
        if (request.method === 'agent') throw busy('details');
        return { status: 'ok', terminalReply: { text: 'ran after all' } };
      },
      () => [textRow('user', 'hi', { idempotencyKey: 'first:user' })],
    );
    const result = await settle(t, runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'first' }, { onRunId: (id) => runIds.push(id) }));
    assert.equal(result.runId, 'first');
    assert.equal(result.text, 'ran after all');
    assert.deepEqual(connection.methods, ['agent', 'agent.wait']);
    assert.deepEqual(connection.sent[1].params.runId, 'first');
    assert.deepEqual(runIds, []);
  });

  it('gives up after sixty busy answers, throwing the last', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { connection, runner } = turns(() => {
      throw busy('details');
    });
    await assert.rejects(settle(t, runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }), 2000), { message: 'busy' });
    assert.equal(connection.sent.length, 61);
  });

  it('waits for the connection again after the pause', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { connection, runner } = turns(failFirst(1, () => busy('details'), final('done')));
    const result = runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
    await flush();
    const before = connection.whenConnectedCalls;
    let release!: () => void;
    connection.waitForConnection = () => new Promise((resolve) => (release = resolve));
    t.mock.timers.tick(2000);
    await flush();
    assert.equal(connection.whenConnectedCalls, before + 1);
    const reads = connection.sent.length;
    assert.equal(reads, 1);
    connection.waitForConnection = () => Promise.resolve();
    release();
    assert.equal((await settle(t, result)).status, 'ok');
  });

  it('a cancel or a close during the pause ends the turn', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const controller = new AbortController();
    const cancelled = turns(() => {
      throw busy('details');
    });
    const first = cancelled.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { signal: controller.signal });
    await flush();
    controller.abort();
    await assert.rejects(first, GatewayCancelledError);
    assert.equal(cancelled.connection.sent.length, 1);

    const closing = turns(() => {
      throw busy('details');
    });
    const second = closing.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
    await flush();
    closing.connection.closer.abort();
    await assert.rejects(second, (e) => e instanceof GatewayClosedError && e.message === 'the gateway client was closed');
  });

  it('a cancel or close that came before the pause ends the turn at once', async () => {
    const controller = new AbortController();
    const cancelled = turns(() => {
      controller.abort();
      throw busy('details');
    });
    // whenConnected is not asked again before the pause: the pause itself sees the cancel.
    await assert.rejects(cancelled.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }, { signal: controller.signal }), GatewayCancelledError);

    const closing = turns((_, c) => {
      c.closer.abort();
      throw busy('details');
    });
    await assert.rejects(closing.runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' }), { message: 'the gateway client was closed' });
  });
});

describe('TurnRunner: a retryable refusal', () => {
  it('waits as long as the gateway says, at least half a second, a second when it does not say', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    for (const [retryAfterMs, wait] of [
      [3000, 3000],
      [undefined, 1000],
      [100, 500],
    ] as const) {
      const { connection, runner } = turns(failFirst(1, () => refused(retryAfterMs), final('done')));
      const result = runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' });
      await flush();
      t.mock.timers.tick(wait - 1);
      await flush();
      assert.equal(connection.sent.length, 1, `${retryAfterMs}`);
      t.mock.timers.tick(1);
      assert.equal((await settle(t, result)).status, 'ok');
      assert.deepEqual(
        connection.sent.map((r) => r.params.idempotencyKey),
        ['r', 'r'],
      );
    }
  });

  it('gives up after the sixtieth refusal', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { connection, runner } = turns(() => {
      throw refused();
    });
    await assert.rejects(settle(t, runner.run({ sessionKey: 'k', message: 'hi', idempotencyKey: 'r' })), {
      name: 'GatewayTurnNotSentError',
      message: 'This message was not run: the gateway refused it 60 times (try later). Send it again once the gateway is working.',
    });
    assert.equal(connection.sent.length, 60);
    assert.ok(GatewayTurnNotSentError);
  });
});
