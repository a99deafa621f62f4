/**
 * The handshake's steps (handshake.ts) one by one, on a socket that is only an event emitter: what
 * is answered, what is dropped, and how each way of failing rejects. Pure and fast; the handshake
 * against a fake gateway over ws is test/unit/handshake.test.ts.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import type { FailedState } from '../../src/gateway/connection-state';
import { GatewayClosedError, GatewayConnectError, GatewayRequestError, GatewayTimeoutError } from '../../src/gateway/errors';
import { Handshake, type HandshakeHooks } from '../../src/gateway/handshake';
import type { ConnectParams } from '../../src/protocol/gateway';

const URL = 'ws://127.0.0.1:18789';
const PARAMS = { minProtocol: 3 } as ConnectParams;
const HELLO = { type: 'hello-ok', protocol: 3, server: { version: '2026.1' } };

interface Sent {
  type: 'req';
  id: string;
  method: string;
  params: unknown;
}

function setup(overrides: Partial<HandshakeHooks> = {}) {
  const socket = new EventEmitter() as EventEmitter & WebSocket;
  const calls: string[] = [];
  const sent: Sent[] = [];
  const traced: unknown[] = [];
  const hellos: unknown[] = [];
  let ids = 0;
  const hooks: HandshakeHooks = {
    connectParams: (challenge) => {
      calls.push(`params ${challenge.nonce} ${challenge.ts}`);
      return Promise.resolve(PARAMS);
    },
    newId: (method) => `${method}-${++ids}`,
    sendFrame: (_socket, frame) => void sent.push(frame),
    traceIn: (frame) => void traced.push(frame),
    problem: (kind) => void calls.push(`problem ${kind}`),
    onHello: (s, hello) => {
      assert.equal(s, socket);
      hellos.push(hello);
    },
    onRestarting: () => void calls.push('restarting'),
    redact: (text) => text.replaceAll('sekrit', '***'),
    checkTls: () => undefined,
    ...overrides,
  };
  const receive = (frame: unknown) => socket.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)));
  const challenge = (payload: unknown = { nonce: 'n1', ts: 42 }) => receive({ type: 'event', event: 'connect.challenge', payload });
  const settled = (p: Promise<unknown>) => p.catch((e: unknown) => e);
  return { socket, hooks, handshake: new Handshake(hooks), calls, sent, traced, hellos, receive, challenge, settled };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the handshake', () => {
  // Every handshake's timer is a mock one: one left pending must not hold the test process.
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('answers the challenge with signed params, then resolves on hello-ok after onHello ran', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.challenge();
    await tick();
    assert.deepEqual(t.calls, ['params n1 42']);
    assert.deepEqual(t.sent, [{ type: 'req', id: 'connect-1', method: 'connect', params: PARAMS }]);
    t.receive({ type: 'res', id: 'connect-1', ok: true, payload: HELLO });
    assert.deepEqual(t.hellos, [HELLO], 'synchronously');
    assert.deepEqual(await done, HELLO);
    assert.equal(t.traced.length, 2);
    assert.equal(t.socket.listenerCount('message'), 0, 'it stops listening once settled');
  });

  it('answers one challenge only, and ignores answers to other requests', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.challenge();
    t.challenge({ nonce: 'n2', ts: 43 });
    await tick();
    t.challenge({ nonce: 'n3', ts: 44 });
    await tick();
    assert.deepEqual(t.calls, ['params n1 42'], 'not even while the first was being signed');
    assert.equal(t.sent.length, 1);
    t.receive({ type: 'res', id: 'other', ok: false, error: { code: 'X', message: 'no' } });
    t.receive({ type: 'event', event: 'tick', payload: {} });
    t.receive({ type: 'res', id: 'connect-1', ok: true, payload: HELLO });
    assert.deepEqual(await done, HELLO);
  });

  it('takes nothing for the hello-ok before its connect was sent', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.receive({ type: 'event', event: 'tick', payload: {} });
    t.receive({ type: 'res', id: 'connect-1', ok: true, payload: HELLO });
    t.receive({ type: 'res', id: 'r', ok: true, event: 'connect.challenge', payload: { nonce: 'n1', ts: 42 } });
    await tick();
    assert.deepEqual(t.hellos, []);
    assert.deepEqual(t.calls, [], 'only a connect.challenge event is a challenge');
    t.socket.emit('close', 1000, Buffer.from(''));
    assert.ok((await done) instanceof GatewayClosedError);
  });

  it('drops a malformed frame or a challenge without nonce and ts, naming the problem', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.receive('not json');
    for (const payload of [null, 'n', { nonce: 'n' }, { ts: 1 }, { nonce: 1, ts: 1 }, { nonce: 'n', ts: '1' }]) t.challenge(payload);
    await tick();
    assert.deepEqual(t.calls, ['problem frame is not JSON', ...Array(6).fill('problem connect.challenge without nonce and ts')]);
    assert.deepEqual(t.sent, []);
    assert.equal(t.traced.length, 6, 'good frames are traced, bad ones not');
    t.challenge();
    await tick();
    t.receive({ type: 'res', id: 'connect-1', ok: true, payload: HELLO });
    assert.deepEqual(await done, HELLO);
  });

  it('rejects with the params error when the params cannot be made', async () => {
    const t = setup({ connectParams: () => Promise.reject(new Error('no key')) });
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.challenge();
    const error = await done;
    assert.equal((error as Error).message, 'no key');
    assert.equal(t.socket.listenerCount('message'), 0);
  });

  it('a refused connect rejects with the gateway error, its message redacted', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.challenge();
    await tick();
    t.receive({
      type: 'res',
      id: 'connect-1',
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'bad token sekrit', details: { code: 'AUTH_TOKEN_MISMATCH' } },
    });
    const error = (await done) as GatewayRequestError;
    assert.ok(error instanceof GatewayRequestError);
    assert.equal(error.method, 'connect');
    assert.equal(error.message, 'bad token ***');
    assert.equal(error.detailCode, 'AUTH_TOKEN_MISMATCH');
    assert.deepEqual(t.hellos, []);
  });

  for (const payload of [undefined, 'hello-ok', { type: 'hello' }]) {
    it(`an ok answer that is not a hello-ok (${JSON.stringify(payload)}) closes the attempt`, async () => {
      const t = setup();
      const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
      t.challenge();
      await tick();
      t.receive({ type: 'res', id: 'connect-1', ok: true, payload });
      const error = (await done) as GatewayClosedError;
      assert.ok(error instanceof GatewayClosedError);
      assert.equal(error.message, 'the gateway answered connect without hello-ok');
      assert.deepEqual(t.hellos, []);
    });
  }

  it('a hello-ok the client cannot use asks for an update, with the problem redacted and cut', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.challenge();
    await tick();
    t.receive({ type: 'res', id: 'connect-1', ok: true, payload: { ...HELLO, protocol: 99, server: { version: 'sekrit' } } });
    const error = (await done) as GatewayConnectError;
    assert.ok(error instanceof GatewayConnectError);
    assert.match(
      error.message,
      /^The gateway at ws:\/\/127\.0\.0\.1:18789 answered with a hello-ok this extension cannot use \((.+)\)\. Update the gateway or the extension; reconnect once it is fixed\.$/,
    );
    assert.deepEqual(error.failure, { kind: 'failed', url: URL, reason: 'bad-hello', action: 'update', message: error.message });
    assert.deepEqual(t.hellos, []);

    const long = setup({ redact: () => 'p'.repeat(300) });
    const longDone = long.settled(long.handshake.run(long.socket, URL, 60_000));
    long.challenge();
    await tick();
    long.receive({ type: 'res', id: 'connect-1', ok: true, payload: { ...HELLO, protocol: 99 } });
    const cut = (await longDone) as GatewayConnectError;
    assert.ok(cut.message.includes(`(${'p'.repeat(200)}).`));
  });

  it('times out waiting for the challenge, then for hello-ok, saying which', async () => {
    const t = setup();
    const first = t.settled(t.handshake.run(t.socket, URL, 5_000));
    mock.timers.tick(4_999);
    t.socket.emit('close', 1000, Buffer.from(''));
    assert.ok((await first) instanceof GatewayClosedError, 'not timed out before its time');

    const u = setup();
    const waiting = u.settled(u.handshake.run(u.socket, URL, 5_000));
    mock.timers.tick(5_000);
    const error = (await waiting) as GatewayTimeoutError;
    assert.ok(error instanceof GatewayTimeoutError);
    assert.equal(error.message, `no connect.challenge from the gateway at ${URL} within 5000 ms`);
    assert.equal(error.timeoutMs, 5_000);

    const v = setup();
    const answered = v.settled(v.handshake.run(v.socket, URL, 5_000));
    v.challenge();
    await Promise.resolve();
    await Promise.resolve();
    mock.timers.tick(5_000);
    const late = (await answered) as GatewayTimeoutError;
    assert.equal(late.message, `no hello-ok from the gateway at ${URL} within 5000 ms`);
  });

  it('a close during the handshake rejects with its code and reason', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.socket.emit('close', 1006, Buffer.from('gone'));
    const error = (await done) as GatewayClosedError;
    assert.ok(error instanceof GatewayClosedError);
    assert.equal(error.message, 'the gateway closed the connection during the handshake (1006 gone)');
    assert.equal(error.closeCode, 1006);
  });

  it('a close without a reason names the code alone', async () => {
    const t = setup();
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.socket.emit('close', 1000, Buffer.from(''));
    assert.equal(((await done) as Error).message, 'the gateway closed the connection during the handshake (1000)');
  });

  it('an untrusted certificate stops the attempt before the challenge is answered', async () => {
    const failure: FailedState = { kind: 'failed', url: URL, reason: 'tls-untrusted', action: 'trust-certificate', message: 'not trusted' };
    const checked: unknown[] = [];
    const tls = { encrypted: true } as unknown as TLSSocket;
    const t = setup({
      checkTls: (s) => {
        checked.push(s);
        return failure;
      },
    });
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.socket.emit('upgrade', { socket: tls });
    t.challenge();
    await tick();
    const error = (await done) as GatewayConnectError;
    assert.ok(error instanceof GatewayConnectError);
    assert.equal(error.message, 'not trusted');
    assert.equal(error.failure, failure);
    assert.deepEqual(checked, [tls]);
    assert.deepEqual(t.sent, [], 'nothing was sent');
  });

  it('a trusted certificate, or a plain socket, lets the handshake go on', async () => {
    let checks = 0;
    const t = setup({
      checkTls: () => {
        checks++;
        return undefined;
      },
    });
    const done = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.socket.emit('upgrade', { socket: { encrypted: true } });
    t.socket.emit('upgrade', { socket: { encrypted: false } });
    t.socket.emit('upgrade', { socket: {} });
    assert.equal(checks, 1, 'a plain socket is not checked');
    t.challenge();
    await tick();
    t.receive({ type: 'res', id: 'connect-1', ok: true, payload: HELLO });
    assert.deepEqual(await done, HELLO);
  });

  it('an HTTP 503 to the upgrade is a restart to wait for; another status a wrong URL', async () => {
    const resumed: number[] = [];
    const answer = (statusCode: number | undefined) => ({ statusCode, resume: () => resumed.push(statusCode ?? -1) });

    const t = setup();
    const draining = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.socket.emit('unexpected-response', {}, answer(503));
    const retry = (await draining) as GatewayConnectError;
    assert.ok(retry instanceof GatewayConnectError);
    assert.equal(retry.message, `the gateway at ${URL} is restarting (HTTP 503)`);
    assert.equal(retry.failure, undefined);
    assert.deepEqual(t.calls, ['restarting']);

    const u = setup();
    const wrong = u.settled(u.handshake.run(u.socket, URL, 60_000));
    u.socket.emit('unexpected-response', {}, answer(404));
    const failed = (await wrong) as GatewayConnectError;
    assert.equal(failed.failure?.reason, 'bad-url');
    assert.equal(failed.failure?.code, 'HTTP_404');
    assert.equal(failed.message, failed.failure?.message);
    assert.deepEqual(u.calls, []);

    const v = setup();
    const none = v.settled(v.handshake.run(v.socket, URL, 60_000));
    v.socket.emit('unexpected-response', {}, answer(undefined));
    assert.equal(((await none) as GatewayConnectError).failure?.code, 'HTTP_0');
    assert.deepEqual(resumed, [503, 404, -1], 'every answer body is drained');
  });

  it('a transport error rejects as a retry, or as a failure a person must fix', async () => {
    const t = setup();
    const refused = t.settled(t.handshake.run(t.socket, URL, 60_000));
    t.socket.emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const retry = (await refused) as GatewayConnectError;
    assert.ok(retry instanceof GatewayConnectError);
    assert.equal(retry.message, `nothing is listening at ${URL} (connection refused)`);
    assert.equal(retry.failure, undefined);

    const u = setup();
    const tls = u.settled(u.handshake.run(u.socket, URL, 60_000));
    u.socket.emit('error', Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
    const failed = (await tls) as GatewayConnectError;
    assert.equal(failed.failure?.reason, 'tls');
    assert.equal(failed.message, failed.failure?.message);
  });
});
