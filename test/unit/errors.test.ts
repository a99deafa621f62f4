/** The client's error classes (errors.ts): the fields each carries and the words a person reads. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GatewayCancelledError,
  GatewayClosedError,
  GatewayConnectError,
  GatewayPayloadTooLargeError,
  GatewayRequestError,
  GatewayTimeoutError,
  GatewayTurnNotSentError,
} from '../../src/gateway/errors';
import type { FailedState } from '../../src/gateway/connection-state';

describe('gateway errors', () => {
  it('a request error carries what the gateway answered', () => {
    const e = new GatewayRequestError('chat.send', {
      code: 'UNAVAILABLE',
      message: 'busy',
      details: { code: 'AUTH_TOKEN_MISMATCH' },
      retryable: true,
      retryAfterMs: 2500,
    });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'GatewayRequestError');
    assert.equal(e.message, 'busy');
    assert.equal(e.method, 'chat.send');
    assert.equal(e.code, 'UNAVAILABLE');
    assert.deepEqual(e.details, { code: 'AUTH_TOKEN_MISMATCH' });
    assert.equal(e.retryable, true);
    assert.equal(e.retryAfterMs, 2500);
    assert.equal(e.detailCode, 'AUTH_TOKEN_MISMATCH');
  });

  it('a request error is retryable only when the gateway says true, and falls back to its code', () => {
    const plain = new GatewayRequestError('sessions.list', { code: 'INVALID_REQUEST', message: 'no' });
    assert.equal(plain.retryable, false);
    assert.equal(plain.retryAfterMs, undefined);
    assert.equal(plain.details, undefined);
    assert.equal(plain.detailCode, 'INVALID_REQUEST');
    const odd = new GatewayRequestError('x', { code: 'E', message: 'm', retryable: 'true' as unknown as boolean, details: { code: 7 } });
    assert.equal(odd.retryable, false);
    assert.equal(odd.detailCode, 'E');
  });

  it('a payload too large says its size and the limit in megabytes', () => {
    const e = new GatewayPayloadTooLargeError('chat.send', 30 * 1024 * 1024 + 52429, 25 * 1024 * 1024);
    assert.equal(e.name, 'GatewayPayloadTooLargeError');
    assert.equal(e.method, 'chat.send');
    assert.equal(e.bytes, 30 * 1024 * 1024 + 52429);
    assert.equal(e.limit, 25 * 1024 * 1024);
    assert.equal(e.message, 'This message is 30.1 MB; the gateway takes at most 25.0 MB in one request. Send less (a shorter text or a smaller attachment).');
  });

  it('a turn not sent says why and that it can be sent again', () => {
    const e = new GatewayTurnNotSentError('the connection closed');
    assert.equal(e.name, 'GatewayTurnNotSentError');
    assert.equal(e.message, 'This message was not run: the connection closed. Send it again once the gateway is working.');
  });

  it('closed, connect, timeout and cancelled errors carry their message and fields', () => {
    const closed = new GatewayClosedError('socket closed', 1006);
    assert.deepEqual([closed.name, closed.message, closed.closeCode], ['GatewayClosedError', 'socket closed', 1006]);
    assert.equal(new GatewayClosedError('never open').closeCode, undefined);
    const failure = { kind: 'failed', reason: 'auth' } as unknown as FailedState;
    const connect = new GatewayConnectError('token refused', failure);
    assert.deepEqual([connect.name, connect.message, connect.failure], ['GatewayConnectError', 'token refused', failure]);
    const timeout = new GatewayTimeoutError('no answer', 15000);
    assert.deepEqual([timeout.name, timeout.message, timeout.timeoutMs], ['GatewayTimeoutError', 'no answer', 15000]);
    assert.deepEqual([new GatewayCancelledError().name, new GatewayCancelledError().message], ['GatewayCancelledError', 'request cancelled']);
    assert.equal(new GatewayCancelledError('stopped').message, 'stopped');
  });
});
