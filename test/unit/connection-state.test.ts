/**
 * How the client sorts what went wrong (connection-state.ts): a failure a person must fix, with its
 * words and action, or a reason to keep retrying. Pure: the errors are built here, no socket.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHandshakeError, classifyTransportError, classifyUpgradeStatus, describeState } from '../../src/gateway/connection-state';
import { GatewayRequestError } from '../../src/gateway/errors';
import type { ErrorShape } from '../../src/protocol/gateway';

const URL = 'wss://gw.example:18789';
const handshake = (shape: ErrorShape) => classifyHandshakeError(URL, new GatewayRequestError('connect', shape));
const transport = (message: string, code?: string) => classifyTransportError(URL, Object.assign(new Error(message), code === undefined ? {} : { code }));

describe('classifyHandshakeError', () => {
  it('a token mismatch (in details.code) asks for the right token', () => {
    assert.deepEqual(handshake({ code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } }), {
      kind: 'failed',
      url: URL,
      code: 'AUTH_TOKEN_MISMATCH',
      reason: 'auth-token-mismatch',
      action: 'set-token',
      message: `The gateway at ${URL} rejected the token (AUTH_TOKEN_MISMATCH). Set the right token with "OpenClaw: Set Gateway Token"; it is gateway.auth.token in the gateway's openclaw.json.`,
    });
  });

  it('pairing: names the request to approve when there is one', () => {
    assert.deepEqual(handshake({ code: 'INVALID_REQUEST', message: 'pairing required', details: { code: 'PAIRING_REQUIRED', requestId: 'req-7' } }), {
      kind: 'failed',
      url: URL,
      code: 'PAIRING_REQUIRED',
      reason: 'pairing-required',
      action: 'approve-pairing',
      requestId: 'req-7',
      message:
        'This VS Code needs to be paired with the gateway. Approve request req-7: run "openclaw devices approve req-7" on the gateway host, or approve it in the OpenClaw app, then reconnect.',
    });
    assert.deepEqual(handshake({ code: 'NOT_PAIRED', message: 'not paired' }), {
      kind: 'failed',
      url: URL,
      code: 'NOT_PAIRED',
      reason: 'pairing-required',
      action: 'approve-pairing',
      requestId: undefined,
      message:
        'This VS Code needs to be paired with the gateway. Approve this device in the OpenClaw app or with "openclaw devices list" / "openclaw devices approve", then reconnect.',
    });
  });

  it('pairing for wider scopes says which permissions wait for approval', () => {
    const failed = handshake({ code: 'NOT_PAIRED', message: 'x', details: { code: 'PAIRING_REQUIRED', reason: 'scope-upgrade', requestId: 'r2' } });
    assert.equal(failed?.reason, 'pairing-required');
    assert.equal(
      failed?.message,
      "This VS Code is paired with the gateway, which must approve its new permissions first (operator.approvals, operator.questions: approving the agent's commands and answering its questions). " +
        'Approve request r2: run "openclaw devices approve r2" on the gateway host, or approve it in the OpenClaw app, then reconnect.',
    );
  });

  it('a missing device identity (NOT_PAIRED with that detail) is a device failure', () => {
    assert.deepEqual(handshake({ code: 'NOT_PAIRED', message: 'device identity required', details: { code: 'DEVICE_IDENTITY_REQUIRED' } }), {
      kind: 'failed',
      url: URL,
      code: 'DEVICE_IDENTITY_REQUIRED',
      reason: 'device-auth',
      action: 'reconnect',
      message: 'The gateway requires a device identity: device identity required.',
    });
  });

  it('a scope mismatch, a protocol mismatch and an expired signature each get their own action', () => {
    assert.deepEqual(handshake({ code: 'INVALID_REQUEST', message: 'm', details: { code: 'AUTH_SCOPE_MISMATCH' } }), {
      kind: 'failed',
      url: URL,
      code: 'AUTH_SCOPE_MISMATCH',
      reason: 'scope-upgrade',
      action: 'set-token',
      message: `This VS Code was paired with the gateway at ${URL} before it asked for the permissions to approve the agent's commands and answer its questions (operator.approvals, operator.questions), and its device token cannot widen them. Set the gateway's token with "OpenClaw: Set Gateway Token" (gateway.auth.token in its openclaw.json): the gateway then grants them itself on this computer. On a remote gateway, approve the upgrade with "openclaw devices list" and "openclaw devices approve <requestId>", then reconnect.`,
    });
    assert.deepEqual(handshake({ code: 'PROTOCOL_MISMATCH', message: 'm' }), {
      kind: 'failed',
      url: URL,
      code: 'PROTOCOL_MISMATCH',
      reason: 'protocol-mismatch',
      action: 'update',
      message: `The gateway at ${URL} speaks a protocol this extension does not (it supports 3 to 4). Update the extension or the gateway.`,
    });
    assert.deepEqual(handshake({ code: 'DEVICE_AUTH_SIGNATURE_EXPIRED', message: 'm' }), {
      kind: 'failed',
      url: URL,
      code: 'DEVICE_AUTH_SIGNATURE_EXPIRED',
      reason: 'device-auth',
      action: 'check-clock',
      message: "The gateway refused the device signature as expired: this computer's clock and the gateway's differ. Fix the clock, then reconnect.",
    });
  });

  it('another device refusal says to reconnect, then clear credentials', () => {
    assert.deepEqual(handshake({ code: 'DEVICE_AUTH_NONCE_MISMATCH', message: 'bad nonce' }), {
      kind: 'failed',
      url: URL,
      code: 'DEVICE_AUTH_NONCE_MISMATCH',
      reason: 'device-auth',
      action: 'reconnect',
      message: 'The gateway refused this device (DEVICE_AUTH_NONCE_MISMATCH: bad nonce). Reconnect; if it persists, run "OpenClaw: Clear Credentials".',
    });
  });

  it('an AUTH_ code, or words of a missing token, ask for a token', () => {
    const needsToken = (code: string) => ({
      kind: 'failed',
      url: URL,
      code,
      reason: 'auth-required',
      action: 'set-token',
      message: `The gateway at ${URL} needs a token (${code}). Set it with "OpenClaw: Set Gateway Token".`,
    });
    assert.deepEqual(handshake({ code: 'AUTH_REQUIRED', message: 'm' }), needsToken('AUTH_REQUIRED'));
    for (const message of ['Unauthorised', 'unauthorized client', 'Token required', 'token missing']) {
      assert.deepEqual(handshake({ code: 'INVALID_REQUEST', message, retryable: true }), needsToken('INVALID_REQUEST'), message);
    }
  });

  it('anything else is a refusal, unless the gateway says retrying may help', () => {
    assert.deepEqual(handshake({ code: 'INVALID_REQUEST', message: 'bad params' }), {
      kind: 'failed',
      url: URL,
      code: 'INVALID_REQUEST',
      reason: 'rejected',
      action: 'reconnect',
      message: 'The gateway refused the connection: bad params (INVALID_REQUEST).',
    });
    assert.equal(handshake({ code: 'UNAVAILABLE', message: 'starting', retryable: true }), undefined);
    assert.equal(handshake({ code: 'MY_AUTH_THING', message: 'm', retryable: true }), undefined, 'AUTH_ counts only at the start');
    assert.equal(handshake({ code: 'X_DEVICE_AUTH_Y', message: 'm', retryable: true }), undefined, 'DEVICE_AUTH_ counts only at the start');
  });
});

describe('classifyTransportError', () => {
  const tls = (code: string | undefined, reason: string, hint: string) => ({
    kind: 'failed',
    url: URL,
    reason: 'tls',
    action: 'check-url',
    code,
    message: `The secure (TLS) connection to ${URL} failed (${reason}). ${hint}`,
  });
  const PLAIN = 'The server at that address does not speak TLS: use ws:// instead of wss:// in openclaw.gatewayUrl.';
  const CERT = 'Check the certificate (a self-signed one must be trusted by this computer) or use the URL the gateway really serves.';

  it("shrinks OpenSSL's text to its reason, and tells a plain server from a bad certificate", () => {
    const openssl = 'write EPROTO 80AC0F:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl/record.c:354:';
    assert.deepEqual(transport(openssl, 'EPROTO'), tls('EPROTO', 'wrong version number', PLAIN));
    assert.deepEqual(
      transport('  self-signed certificate  ', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
      tls('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', CERT),
    );
    assert.deepEqual(
      transport('packet length too long', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'),
      tls('ERR_SSL_PACKET_LENGTH_TOO_LONG', 'packet length too long', PLAIN),
    );
    assert.deepEqual(transport('it sent an HTTP request', 'ERR_TLS_X'), tls('ERR_TLS_X', 'it sent an HTTP request', PLAIN));
  });

  it('takes a TLS error by its code or by its words, and leaves the code out when there is none', () => {
    for (const code of [
      'ERR_SSL_X',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'EPROTO',
      'CERT_HAS_EXPIRED',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_GET_ISSUER_CERT',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]) {
      assert.deepEqual(transport('odd', code), tls(code, 'odd', CERT), code);
    }
    for (const message of ['SSL alert', 'tls failure', 'bad Certificate']) assert.deepEqual(transport(message), tls(undefined, message, CERT), message);
  });

  it('anchors the TLS codes: a code that only contains one is no TLS error', () => {
    for (const code of [
      'EPROTOX',
      'XEPROTO',
      'X_CERT_Y',
      'DEPTH_ZERO_SELF_SIGNED_CERTX',
      'SELF_SIGNED_CERT_IN_CHAINX',
      'XERR_SSL_',
      'XUNABLE_TO_GET_',
      'UNABLE_TO_SEE_',
    ]) {
      assert.deepEqual(transport('odd', code), { retry: `cannot reach the gateway at ${URL}: odd` }, code);
    }
  });

  it('says why it keeps retrying for the network errors', () => {
    assert.deepEqual(transport('x', 'ECONNREFUSED'), { retry: `nothing is listening at ${URL} (connection refused)` });
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      assert.deepEqual(transport('x', code), { retry: `cannot find the host of ${URL} (${code}): check openclaw.gatewayUrl` });
    }
    for (const code of ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']) assert.deepEqual(transport('x', code), { retry: `cannot reach ${URL} (${code})` });
    assert.deepEqual(transport('socket hang up', 'ECONNRESET'), { retry: `cannot reach the gateway at ${URL}: socket hang up` });
    assert.deepEqual(transport('socket hang up'), { retry: `cannot reach the gateway at ${URL}: socket hang up` });
  });
});

describe('classifyUpgradeStatus', () => {
  it('waits out a 503, and takes any other status for a wrong URL', () => {
    assert.deepEqual(classifyUpgradeStatus(URL, 503), { retry: `the gateway at ${URL} is restarting (HTTP 503)` });
    assert.deepEqual(classifyUpgradeStatus(URL, 404), {
      kind: 'failed',
      url: URL,
      reason: 'bad-url',
      action: 'check-url',
      code: 'HTTP_404',
      message: `${URL} answered HTTP 404 instead of opening a WebSocket: it is not an OpenClaw gateway. Check openclaw.gatewayUrl (a local gateway listens on ws://127.0.0.1:18789).`,
    });
  });
});

describe('describeState', () => {
  it('puts each state in one line', () => {
    assert.equal(describeState({ kind: 'idle' }), 'not started');
    assert.equal(describeState({ kind: 'connecting', url: URL, attempt: 1 }), `connecting to ${URL}`);
    assert.equal(
      describeState({ kind: 'connected', url: URL, serverVersion: '2026.11.3', protocol: 4, scopes: [], mainSessionKey: 'main' }),
      `connected to OpenClaw 2026.11.3 (protocol 4) at ${URL}`,
    );
    const reconnecting = {
      kind: 'reconnecting',
      url: URL,
      attempt: 3,
      delayMs: 2001,
      nextAttemptAt: 0,
      reason: 'nothing is listening',
      cause: 'unreachable',
    } as const;
    assert.equal(describeState(reconnecting), 'reconnecting in 3 s (attempt 3): nothing is listening');
    assert.equal(describeState({ ...reconnecting, delayMs: 2000 }), 'reconnecting in 2 s (attempt 3): nothing is listening');
    assert.equal(describeState({ kind: 'failed', url: URL, reason: 'tls', action: 'check-url', message: 'no TLS' }), 'failed: no TLS');
    assert.equal(describeState({ kind: 'closed' }), 'closed');
  });
});
