/**
 * Edges of the gateway's method wrappers the first mutation run found untested: a hello without
 * `features` (or without `methods`), a `null` answer to `sessions.patch`, a commands.list failure
 * that is not "session not found", and a command that sees the connection come up again. Pure.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ApprovalsApi } from '../../src/gateway/approvals-api';
import { ChatSender } from '../../src/gateway/chat-sender';
import type { GatewayEvents } from '../../src/gateway/client-options';
import { SessionsApi } from '../../src/gateway/sessions-api';
import type { HelloOk } from '../../src/protocol/gateway';
import { FakeConnection } from './fake-connection';

const helloWithoutFeatures = { protocol: 4 } as unknown as HelloOk;
const helloWithoutMethods = { protocol: 4, features: {} } as unknown as HelloOk;

describe('a hello that names no methods', () => {
  it('history uses chat.history', async () => {
    for (const hello of [helloWithoutFeatures, helloWithoutMethods]) {
      const connection = new FakeConnection(() => ({ messages: [] }));
      connection.hello = hello;
      await new SessionsApi(connection.asConnection).history('k');
      assert.deepEqual(connection.methods, ['chat.history']);
    }
  });

  it('approvals try approval.get', async () => {
    const connection = new FakeConnection(() => ({}));
    connection.hello = helloWithoutFeatures;
    await new ApprovalsApi(connection.asConnection).lookup('a1');
    assert.deepEqual(connection.methods, ['approval.get']);
  });
});

describe('SessionsApi edges', () => {
  it('a null answer to sessions.patch gives no row', async () => {
    const connection = new FakeConnection(() => null);
    assert.equal(await new SessionsApi(connection.asConnection).patch('k', { label: 'x' }), undefined);
  });

  it('a commands.list failure other than "session not found" is not asked again without the session', async () => {
    const failure = new Error('forbidden');
    const connection = new FakeConnection(({ params }) => {
      if (params.sessionKey) throw failure;
      return { commands: [{ name: 'default' }] };
    });
    await assert.rejects(new SessionsApi(connection.asConnection).commands('k'), (e) => e === failure);
    assert.equal(connection.sent.length, 1);
  });
});

describe('ChatSender edges', () => {
  it('a command still waits when the connection reports itself connected', async () => {
    const connection = new FakeConnection();
    const emitter = new EventEmitter<GatewayEvents>();
    connection.answer = ({ params }) => {
      emitter.emit('state', connection.state);
      setImmediate(() =>
        emitter.emit('event', {
          type: 'event',
          event: 'chat',
          payload: { runId: params.idempotencyKey, state: 'final', message: { role: 'assistant', content: [{ type: 'text', text: 'ok' }] } },
        }),
      );
      return {};
    };
    assert.deepEqual(await new ChatSender(connection.asConnection, emitter).command('k', '/status', 'c'), { status: 'ok', text: 'ok' });
  });
});
