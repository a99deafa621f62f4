/**
 * ChatSender (chat-sender.ts) against a fake connection: a steer's `chat.send`, and a slash command
 * answered by its `chat` final, or ended by an error, an abort, a drop, the caller or the clock. Pure.
 */
import assert from 'node:assert/strict';
import { EventEmitter, getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { ChatSender } from '../../src/gateway/chat-sender';
import type { GatewayEvents } from '../../src/gateway/client-options';
import { GatewayCancelledError, GatewayClosedError, GatewayTimeoutError } from '../../src/gateway/errors';
import { FakeConnection, type SentRequest } from './fake-connection';

function sender(answer: (request: SentRequest) => unknown = () => ({ ok: true })) {
  const connection = new FakeConnection(answer);
  const emitter = new EventEmitter<GatewayEvents>();
  return { connection, emitter, chat: new ChatSender(connection.asConnection, emitter) };
}

function chatEvent(emitter: EventEmitter<GatewayEvents>, payload: Record<string, unknown>, event = 'chat'): void {
  emitter.emit('event', { type: 'event', event, payload });
}

const reply = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('ChatSender.steer', () => {
  it('waits for the connection and sends chat.send with queueMode steer', async () => {
    const { connection, chat } = sender();
    const signal = new AbortController().signal;
    assert.deepEqual(await chat.steer('k', 'go left', 'run-1', { signal }), { runId: 'run-1' });
    assert.equal(connection.whenConnectedCalls, 1);
    assert.deepEqual(connection.sent, [
      { method: 'chat.send', params: { sessionKey: 'k', message: 'go left', idempotencyKey: 'run-1', queueMode: 'steer' }, options: { signal } },
    ]);
  });

  it('sends attachments only when there are some', async () => {
    const { connection, chat } = sender();
    const image = { type: 'image', mimeType: 'image/png', content: 'AAAA' } as never;
    await chat.steer('k', 'look', 'r1', { attachments: [image] });
    await chat.steer('k', 'look', 'r2', { attachments: [] });
    await chat.steer('k', 'look', 'r3');
    assert.deepEqual(connection.sent[0].params.attachments, [image]);
    assert.equal('attachments' in connection.sent[1].params, false);
    assert.equal('attachments' in connection.sent[2].params, false);
    assert.deepEqual(connection.sent[2].options, { signal: undefined });
  });

  it('does not send when the caller cancels while waiting for the connection', async () => {
    const { connection, chat } = sender();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(chat.steer('k', 'm', 'r', { signal: controller.signal }), GatewayCancelledError);
    assert.equal(connection.sent.length, 0);
  });
});

describe('ChatSender.command', () => {
  it('resolves with the chat final of its own run, after the request went', async () => {
    const { connection, emitter, chat } = sender(({ params }) => {
      chatEvent(emitter, { runId: params.idempotencyKey, state: 'final', message: reply('Status: fine') });
      return { ok: true };
    });
    const signal = new AbortController().signal;
    assert.deepEqual(await chat.command('k', '/status', 'cmd-1', { signal }), { status: 'ok', text: 'Status: fine' });
    assert.deepEqual(connection.sent, [{ method: 'chat.send', params: { sessionKey: 'k', message: '/status', idempotencyKey: 'cmd-1' }, options: { signal } }]);
    assert.equal(connection.whenConnectedCalls, 1);
  });

  it('ignores other events, other runs and states that do not end the run', async () => {
    const { emitter, chat } = sender(() => {
      chatEvent(emitter, { runId: 'cmd-1', state: 'final', message: reply('not chat') }, 'agent');
      chatEvent(emitter, { runId: 'other', state: 'final', message: reply('not mine') });
      chatEvent(emitter, { runId: 'cmd-1' });
      chatEvent(emitter, { runId: 'cmd-1', state: 'delta', message: reply('partial') });
      setImmediate(() => chatEvent(emitter, { runId: 'cmd-1', state: 'final', message: reply('mine') }));
      return {};
    });
    assert.deepEqual(await chat.command('k', '/help', 'cmd-1'), { status: 'ok', text: 'mine' });
  });

  it('a final, aborted or error answer without text', async () => {
    const cases: Array<[Record<string, unknown>, unknown]> = [
      [{ state: 'final' }, { status: 'ok', text: '' }],
      [{ state: 'aborted' }, { status: 'aborted', text: '' }],
      [
        { state: 'aborted', message: reply('stopped here') },
        { status: 'aborted', text: 'stopped here' },
      ],
      [{ state: 'error' }, { status: 'error', text: '', error: 'the command failed' }],
      [
        { state: 'error', errorMessage: 'no such command', message: reply('ignored') },
        { status: 'error', text: '', error: 'no such command' },
      ],
    ];
    for (const [payload, expected] of cases) {
      const { emitter, chat } = sender(() => {
        chatEvent(emitter, { runId: 'c', ...payload });
        return {};
      });
      assert.deepEqual(await chat.command('k', '/x', 'c'), expected);
    }
  });

  it('rejects with GatewayClosedError when the connection goes before the answer', async () => {
    const { connection, emitter, chat } = sender(() => {
      emitter.emit('state', connection.state);
      connection.state = { kind: 'reconnecting', url: 'ws://x', attempt: 1, delayMs: 1, nextAttemptAt: 0, reason: 'gone', cause: 'closed' };
      emitter.emit('state', connection.state);
      return {};
    });
    await assert.rejects(
      chat.command('k', '/x', 'c'),
      (e) => e instanceof GatewayClosedError && e.message === 'the connection closed before the command answered',
    );
  });

  it('a connection that goes while the request is out fails the request alone', async () => {
    const closed = new GatewayClosedError('socket closed');
    const { connection, emitter, chat } = sender(() => {
      connection.state = { kind: 'idle' };
      emitter.emit('state', connection.state);
      throw closed;
    });
    await assert.rejects(chat.command('k', '/x', 'c'), (e) => e === closed);
    // The answer's own rejection is handled: nothing is left unhandled.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('rejects with GatewayCancelledError when the caller cancels, and stops listening', async () => {
    const controller = new AbortController();
    const { emitter, chat } = sender(() => {
      setImmediate(() => controller.abort());
      return {};
    });
    await assert.rejects(chat.command('k', '/x', 'c', { signal: controller.signal }), GatewayCancelledError);
    assert.equal(emitter.listenerCount('event'), 0);
    assert.equal(emitter.listenerCount('state'), 0);
  });

  it('stops listening once answered', async () => {
    const controller = new AbortController();
    const { emitter, chat } = sender(() => {
      chatEvent(emitter, { runId: 'c', state: 'final' });
      return {};
    });
    await chat.command('k', '/x', 'c', { signal: controller.signal });
    assert.equal(emitter.listenerCount('event'), 0);
    assert.equal(emitter.listenerCount('state'), 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('times out after the given time, with the time in the message', async () => {
    const { chat } = sender(() => ({}));
    await assert.rejects(
      chat.command('k', '/compact', 'c', { timeoutMs: 20 }),
      (e) => e instanceof GatewayTimeoutError && e.timeoutMs === 20 && e.message === 'the command got no answer within 0.02 s',
    );
  });

  it('waits five minutes by default', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { chat } = sender(() => ({}));
    const outcome = chat.command('k', '/compact', 'c').then(
      () => 'answered',
      (e: Error) => e,
    );
    // Let the request go out before moving the clock.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    t.mock.timers.tick(299_999);
    await Promise.resolve();
    t.mock.timers.tick(1);
    const error = await outcome;
    assert.ok(error instanceof GatewayTimeoutError);
    assert.equal(error.timeoutMs, 300_000);
    assert.equal(error.message, 'the command got no answer within 300 s');
  });
});
