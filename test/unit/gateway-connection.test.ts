/**
 * GatewayConnection's state machine without a server: a scripted socket stands in for ws (opened
 * through the injected opener), node:test's mock timers drive the handshake timeout, the watchdog
 * and the reconnect delays. The ws-server tests (reconnect, handshake, hostile-gateway) cover the
 * same paths over real sockets but are too slow to run once per mutant.
 */
import assert from 'node:assert/strict';
import { EventEmitter, getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type WebSocket from 'ws';
import type { GatewayClientOptions, GatewayEvents } from '../../src/gateway/client-options';
import type { ConnectionState } from '../../src/gateway/connection-state';
import { storeTlsPinKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { GatewayCancelledError, GatewayClosedError, GatewayPayloadTooLargeError } from '../../src/gateway/errors';
import { MAX_INCOMING_FRAME_BYTES } from '../../src/gateway/frames';
import { GatewayConnection } from '../../src/gateway/gateway-connection';

const URL_A = 'ws://127.0.0.1:18789';
const TOKEN = 'tok-secret-1234567890';
/** A backoff whose first wait (5 s, no jitter) is far from the one-second restart probe. */
const SLOW_BACKOFF = { initialMs: 5_000, maxMs: 30_000, jitter: 0 };

/** A socket that records what the connection does to it; the test speaks the gateway's part. */
class ScriptedSocket extends EventEmitter {
  readyState = 1;
  readonly sent: Array<Record<string, unknown>> = [];
  readonly closes: Array<[number, string]> = [];
  terminated = 0;

  constructor(
    readonly url: URL,
    readonly options: WebSocket.ClientOptions,
  ) {
    super();
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }

  close(code: number, reason: string): void {
    this.closes.push([code, reason]);
    this.readyState = 2;
  }

  terminate(): void {
    this.terminated += 1;
    this.readyState = 3;
  }

  /** A frame from the gateway. */
  receive(frame: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(frame)));
  }

  /** The gateway closes the connection. */
  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.emit('close', code, Buffer.from(reason));
  }

  methods(): unknown[] {
    return this.sent.map((frame) => frame.method);
  }
}

function hello(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'hello-ok',
    protocol: 3,
    server: { version: '9.9', connId: 'c-1', bootId: 'boot-1' },
    auth: { role: 'operator', scopes: ['operator.read'] },
    ...extra,
  };
}

/** Lets promise chains (key loading, signing, store reads) run; the mocked timers do not move. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

function makeConnection(options: Partial<GatewayClientOptions> = {}, opener?: (url: URL, o: WebSocket.ClientOptions) => ScriptedSocket) {
  const store = new MemoryCredentialStore();
  const sockets: ScriptedSocket[] = [];
  const logs: string[] = [];
  const states: ConnectionState[] = [];
  const emitter = new EventEmitter<GatewayEvents>();
  emitter.on('state', (state) => states.push(state));
  const connection = new GatewayConnection(
    {
      url: URL_A,
      store,
      clientVersion: '1.0.0',
      platform: 'Linux',
      backoff: { initialMs: 100, maxMs: 1_000, jitter: 0 },
      log: (level, message) => logs.push(`${level}: ${message}`),
      ...options,
    },
    emitter,
    (url, o) => {
      const socket = opener ? opener(url, o) : new ScriptedSocket(url, o);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
  );
  const last = () => sockets[sockets.length - 1];
  return { connection, store, sockets, last, logs, states, emitter };
}

/** Runs the handshake on `socket` up to `hello-ok` (or the given answer to `connect`). */
async function shake(socket: ScriptedSocket, answer: Record<string, unknown> = { ok: true, payload: hello() }): Promise<void> {
  await settle(2);
  socket.receive({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n-1', ts: 1 } });
  for (let i = 0; i < 50 && !socket.sent.some((f) => f.method === 'connect'); i += 1) await settle(1);
  const connect = socket.sent.find((f) => f.method === 'connect');
  assert.ok(connect, 'connect was sent');
  socket.receive({ type: 'res', id: connect.id, ...answer });
  await settle(2);
}

async function connected(options: Partial<GatewayClientOptions> = {}, helloOk = hello()) {
  const made = makeConnection(options);
  made.connection.start();
  await settle();
  await shake(made.last(), { ok: true, payload: helloOk });
  assert.equal(made.connection.state.kind, 'connected');
  return made;
}

/** The state read afresh (an assert on an earlier read narrows `connection.state` for the type checker). */
function current(connection: GatewayConnection): ConnectionState {
  return connection.state;
}

/** Answers the request last sent on `socket` with `payload`. */
function answerLast(socket: ScriptedSocket, payload: unknown): void {
  const request = socket.sent[socket.sent.length - 1];
  socket.receive({ type: 'res', id: request.id, ok: true, payload });
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

describe('GatewayConnection: connecting', () => {
  it('opens one socket with the limits and reports connecting, then connected with what hello-ok says', async () => {
    const { connection, sockets, states, last } = makeConnection();
    assert.equal(connection.wanted, false);
    connection.start();
    connection.start();
    assert.equal(connection.wanted, true);
    await settle();
    assert.equal(sockets.length, 1);
    assert.deepEqual(states[0], { kind: 'connecting', url: URL_A, attempt: 1 });
    const socket = last();
    assert.equal(socket.url.href, `${URL_A}/`);
    assert.equal(socket.options.maxPayload, MAX_INCOMING_FRAME_BYTES);
    assert.equal(socket.options.handshakeTimeout, 10_000);
    assert.equal(socket.options.skipUTF8Validation, true);
    assert.equal('rejectUnauthorized' in socket.options, false);
    assert.equal('sessionIdContext' in socket.options, false);
    assert.equal(connection.socket, socket as unknown as WebSocket);
    await shake(socket, { ok: true, payload: hello({ snapshot: { sessionDefaults: { mainSessionKey: 'agent:x:main' } } }) });
    assert.deepEqual(connection.state, {
      kind: 'connected',
      url: URL_A,
      serverVersion: '9.9',
      protocol: 3,
      connId: 'c-1',
      scopes: ['operator.read'],
      mainSessionKey: 'agent:x:main',
    });
    assert.equal(connection.bootId, 'boot-1');
    assert.equal(connection.hello?.server.version, '9.9');
    assert.equal(connection.mainSessionKey, 'agent:x:main');
    assert.deepEqual(socket.methods(), ['connect', 'sessions.subscribe']);
    assert.deepEqual(socket.sent[1].params, {});
    const stats = connection.stats;
    assert.equal(stats.socketOpen, true);
    assert.equal(stats.pendingRequests, 1);
    assert.equal(stats.timers, 2, 'the watchdog and the subscribe request');
    assert.equal(stats.runs, 0);
    assert.equal(stats.listeners, 1);
    assert.equal(connection.problems.size, 0);
  });

  it('defaults what hello-ok leaves out', async () => {
    const { connection } = await connected({}, { type: 'hello-ok', protocol: 3, server: { version: '1' } });
    const state = current(connection) as Extract<ConnectionState, { kind: 'connected' }>;
    assert.deepEqual(state.scopes, []);
    assert.equal(state.connId, undefined);
    assert.equal(state.mainSessionKey, 'agent:main:main');
    assert.equal(connection.mainSessionKey, 'agent:main:main');
    assert.equal(connection.bootId, undefined);
  });

  it('uses the handshake timeout given, and times the handshake out into a reconnect', async () => {
    const { connection, last, states, sockets } = makeConnection({ handshakeTimeoutMs: 500 });
    connection.start();
    await settle();
    assert.equal(last().options.handshakeTimeout, 500);
    mock.timers.tick(499);
    assert.equal(connection.state.kind, 'connecting');
    mock.timers.tick(1);
    await settle();
    const state = states[states.length - 1] as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.kind, 'reconnecting');
    assert.equal(state.cause, 'unreachable');
    assert.equal(state.attempt, 1);
    assert.equal(state.delayMs, 100);
    assert.equal(state.nextAttemptAt, Date.now() + 100);
    assert.match(state.reason, /no connect\.challenge/);
    assert.equal(sockets[0].terminated, 0);
    assert.deepEqual(sockets[0].closes, [[1000, 'handshake failed']]);
    assert.equal(connection.socket, undefined);
    mock.timers.tick(100);
    await settle();
    assert.equal(sockets.length, 2);
    assert.deepEqual(states[states.length - 1], { kind: 'connecting', url: URL_A, attempt: 2 });
    // The second failure waits twice as long.
    mock.timers.tick(500);
    await settle();
    assert.equal((current(connection) as { delayMs: number }).delayMs, 200);
    assert.equal((current(connection) as { attempt: number }).attempt, 2);
  });

  it('terminates a socket that is not open yet when the handshake fails', async () => {
    const { connection, last } = makeConnection({ handshakeTimeoutMs: 500 });
    connection.start();
    await settle();
    last().readyState = 0;
    mock.timers.tick(500);
    await settle();
    assert.equal(last().terminated, 1);
    assert.deepEqual(last().closes, []);
  });

  it('refuses a URL that fails the checks, before any socket', async () => {
    const { connection, sockets, states } = makeConnection({ url: 'ws://user:pw@example.com:1' });
    connection.start();
    await settle();
    assert.equal(sockets.length, 0);
    const state = states[0] as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(state.kind, 'failed');
    assert.equal(state.action, 'check-url');
    assert.equal(state.url.includes('pw'), false);
  });

  it('reports a socket that cannot be made as a bad URL, with the token taken out', async () => {
    const { connection, states } = makeConnection({ token: TOKEN }, () => {
      throw new Error(`no such thing ${TOKEN}`);
    });
    connection.start();
    await settle();
    const state = states[states.length - 1] as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(state.kind, 'failed');
    assert.equal(state.reason, 'bad-url');
    assert.equal(state.action, 'check-url');
    assert.equal(state.url, URL_A);
    assert.equal(state.message, `"${URL_A}" is not a WebSocket URL (no such thing [redacted]). Set openclaw.gatewayUrl to ws://host:port.`);
  });

  it('opens wss:// without Node rejecting the certificate and with a fresh TLS session context, checking the pin on upgrade', async () => {
    const url = 'wss://gw.example:8443';
    const { connection, store, last, states, sockets } = makeConnection({ url });
    await store.set(storeTlsPinKey('wss://gw.example:8443'), 'AA'.repeat(32));
    connection.start();
    await settle();
    const options = last().options as Record<string, unknown>;
    assert.equal(options.rejectUnauthorized, false);
    assert.match(String(options.sessionIdContext), /^[0-9a-f]{32}$/);
    const tls = { encrypted: true, authorized: true, getPeerCertificate: () => ({ fingerprint256: 'BB'.repeat(32) }), isSessionReused: () => false };
    last().emit('upgrade', { socket: tls });
    await settle();
    const state = states[states.length - 1] as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(state.reason, 'tls-pin-mismatch');
    assert.equal(sockets.length, 1);
  });

  it('stops an attempt whose endpoint changed while the pin was read', async () => {
    const { connection, sockets, last } = makeConnection({ url: 'wss://gw.example:8443' });
    connection.start();
    connection.setEndpoint('ws://127.0.0.1:2', undefined);
    await settle();
    assert.equal(sockets.length, 1);
    assert.equal(last().url.href, 'ws://127.0.0.1:2/');
  });

  it('stops an attempt closed while the pin was read', async () => {
    const { connection, sockets } = makeConnection({ url: 'wss://gw.example:8443' });
    connection.start();
    connection.close();
    await settle();
    assert.equal(sockets.length, 0);
  });
});

describe('GatewayConnection: requests', () => {
  it('refuses to send when not connected, naming the state', async () => {
    const { connection } = makeConnection();
    await assert.rejects(
      connection.send('x', {}, {}),
      (error: Error) => error instanceof GatewayClosedError && /not connected to the gateway \(/.test(error.message),
    );
  });

  it('refuses to send on a socket that is no longer open', async () => {
    const { connection, last } = await connected();
    last().readyState = 2;
    await assert.rejects(connection.send('x', {}, {}), GatewayClosedError);
  });

  it('refuses an already cancelled request without sending it', async () => {
    const { connection, last } = await connected();
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(connection.send('x', {}, { signal: abort.signal }), GatewayCancelledError);
    assert.deepEqual(last().methods(), ['connect', 'sessions.subscribe']);
  });

  it('sends a req frame, resolves with its answer, and times out after requestTimeoutMs', async () => {
    const { connection, last } = await connected({ requestTimeoutMs: 300 });
    const answered = connection.send('sessions.list', { limit: 1 }, {});
    const frame = last().sent[last().sent.length - 1];
    assert.deepEqual({ ...frame, id: undefined }, { type: 'req', id: undefined, method: 'sessions.list', params: { limit: 1 } });
    answerLast(last(), { sessions: [] });
    assert.deepEqual(await answered, { sessions: [] });
    const late = connection.send('slow', {}, {});
    mock.timers.tick(299);
    await settle(2);
    mock.timers.tick(1);
    await assert.rejects(late, /slow/);
    const own = connection.send('slow', {}, { timeoutMs: 50 });
    mock.timers.tick(50);
    await assert.rejects(own, /slow/);
  });

  it('times a request out after 30 s by default', async () => {
    const { connection } = await connected();
    const late = connection.send('slow', {}, {});
    let done = false;
    late.catch(() => (done = true));
    mock.timers.tick(29_999);
    await settle(2);
    assert.equal(done, false);
    mock.timers.tick(1);
    await settle(2);
    assert.equal(done, true);
  });

  it('refuses a request over the gateway maxPayload before sending it', async () => {
    const { connection, last } = await connected({}, hello({ policy: { maxPayload: 60 } }));
    const before = last().sent.length;
    await assert.rejects(connection.send('m', { text: 'x'.repeat(100) }, {}), GatewayPayloadTooLargeError);
    assert.equal(last().sent.length, before);
    const small = connection.send('m', {}, {});
    answerLast(last(), 1);
    assert.equal(await small, 1);
  });

  it('takes a frame of exactly maxPayload bytes', async () => {
    const { connection, last } = await connected({}, hello({ policy: { maxPayload: 1000 } }));
    // connect-1 and sessions.subscribe-2 went first: this request is m-3.
    const empty = Buffer.byteLength(JSON.stringify({ type: 'req', id: 'm-3', method: 'm', params: { t: '' } }));
    const fits = connection.send('m', { t: 'y'.repeat(1000 - empty) }, {});
    assert.equal(last().sent[last().sent.length - 1].id, 'm-3');
    answerLast(last(), 2);
    assert.equal(await fits, 2);
  });

  it('traces frames in and out with the token redacted, and stops when the trace is turned off', async () => {
    const { connection, last } = await connected({ token: TOKEN });
    const traced: Array<[string, unknown]> = [];
    connection.setTrace((direction, frame) => traced.push([direction, frame]));
    const answered = connection.send('echo', { value: TOKEN }, {});
    answerLast(last(), { value: TOKEN });
    await answered;
    assert.equal(traced.length, 2);
    assert.equal(traced[0][0], 'out');
    assert.equal((traced[0][1] as { method: string }).method, 'echo');
    assert.equal((traced[0][1] as { type: string }).type, 'req');
    assert.equal(traced[1][0], 'in');
    assert.equal(JSON.stringify(traced).includes(TOKEN), false);
    connection.setTrace(undefined);
    const again = connection.send('echo', {}, {});
    answerLast(last(), 1);
    await again;
    assert.equal(traced.length, 2);
  });

  it('traces the handshake frames', async () => {
    const traced: string[] = [];
    await connected({ trace: (direction) => traced.push(direction) });
    assert.deepEqual(traced, ['in', 'out', 'in', 'out']);
  });

  it('hands a run its agent events until it stops listening', async () => {
    const { connection, last } = await connected();
    const seen: number[] = [];
    connection.listenToRun('r1', (payload) => seen.push(payload.seq));
    assert.equal(connection.stats.runs, 1);
    last().receive({ type: 'event', event: 'agent', payload: { runId: 'r1', stream: 'assistant', data: {}, seq: 1 } });
    connection.stopListeningToRun('r1');
    last().receive({ type: 'event', event: 'agent', payload: { runId: 'r1', stream: 'assistant', data: {}, seq: 2 } });
    assert.deepEqual(seen, [1]);
    assert.equal(connection.stats.runs, 0);
  });
});

describe('GatewayConnection: drops and reconnects', () => {
  it('rejects what was pending when the gateway closes, and reconnects after the backoff', async () => {
    const { connection, last, sockets, states, emitter, logs } = await connected({ token: TOKEN });
    const resyncs: string[] = [];
    emitter.on('resync', (notice) => resyncs.push(notice.reason));
    const pending = connection.send('slow', {}, {});
    last().drop(1001, `going ${TOKEN}`);
    await assert.rejects(
      pending,
      (error: Error) => error instanceof GatewayClosedError && error.message.startsWith('the connection to the gateway closed (1001 going '),
    );
    const state = states[states.length - 1] as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.deepEqual(state, {
      kind: 'reconnecting',
      url: URL_A,
      attempt: 1,
      delayMs: 100,
      nextAttemptAt: Date.now() + 100,
      reason: 'connection closed (1001 going [redacted])',
      cause: 'closed',
    });
    assert.equal(connection.socket, undefined);
    assert.equal(connection.stats.timers, 1, 'only the reconnect timer');
    mock.timers.tick(99);
    await settle();
    assert.equal(sockets.length, 1);
    mock.timers.tick(1);
    await settle();
    assert.equal(sockets.length, 2);
    await shake(last(), { ok: true, payload: hello({ server: { version: '9.9', bootId: 'boot-2' } }) });
    assert.deepEqual(resyncs, ['reconnected']);
    assert.ok(logs.includes('info: the gateway restarted while we were away'));
    assert.equal(connection.bootId, 'boot-2');
  });

  it('does not call a reconnect to the same boot a restart', async () => {
    const { connection, last, logs } = await connected();
    last().drop(1001);
    assert.equal((current(connection) as { reason: string }).reason, 'connection closed (1001)');
    mock.timers.tick(100);
    await settle();
    await shake(last());
    assert.equal(
      logs.some((line) => line.includes('restarted while we were away')),
      false,
    );
  });

  it('does not call it a restart when the new hello has no boot id', async () => {
    const { last, logs } = await connected();
    last().drop(1001);
    mock.timers.tick(100);
    await settle();
    await shake(last(), { ok: true, payload: hello({ server: { version: '9.9' } }) });
    assert.equal(
      logs.some((line) => line.includes('restarted while we were away')),
      false,
    );
  });

  it('emits no resync on the first connection', async () => {
    const made = makeConnection();
    const resyncs: unknown[] = [];
    made.emitter.on('resync', (notice) => resyncs.push(notice));
    made.connection.start();
    await settle();
    await shake(made.last());
    assert.deepEqual(resyncs, []);
  });

  it('probes about once a second after a 1012 restart close', async () => {
    const { connection, last } = await connected({ backoff: SLOW_BACKOFF });
    last().drop(1012, 'restart');
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'restarting');
    assert.equal(state.reason, 'the gateway is restarting');
    assert.equal(state.delayMs, 1_000);
  });

  it('probes about once a second after a drop without a close frame (1006)', async () => {
    const { connection, last } = await connected({ backoff: SLOW_BACKOFF });
    last().drop(1006);
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'closed');
    assert.equal(state.reason, 'connection closed (1006)');
    assert.equal(state.delayMs, 1_000);
  });

  it('waits the full backoff after an ordinary close', async () => {
    const { connection, last } = await connected({ backoff: SLOW_BACKOFF });
    last().drop(1001);
    assert.equal((current(connection) as { delayMs: number }).delayMs, 5_000);
  });

  it('after a shutdown event, waits the hint and calls the next close a restart', async () => {
    const { connection, last, logs } = await connected({ backoff: SLOW_BACKOFF });
    last().receive({ type: 'event', event: 'shutdown', payload: { reason: 'upgrade' } });
    last().receive({ type: 'event', event: 'shutdown', payload: {} });
    assert.deepEqual(
      logs.filter((line) => line.includes('shutting down')),
      ['info: the gateway is shutting down: upgrade'],
    );
    last().drop(1000);
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'restarting');
    assert.equal(state.delayMs, 1_000);
  });

  it('logs a shutdown without a reason plainly', async () => {
    const { last, logs } = await connected();
    last().receive({ type: 'event', event: 'shutdown', payload: {} });
    assert.ok(logs.includes('info: the gateway is shutting down'));
  });

  it('ignores the close of a socket it already dropped', async () => {
    const { connection, last, sockets } = await connected();
    const first = last();
    connection.reconnect();
    await settle();
    assert.equal(sockets.length, 2);
    first.drop(1001);
    assert.equal(connection.state.kind, 'connecting');
  });

  it('logs socket errors after the handshake', async () => {
    const { last, logs } = await connected();
    last().emit('error', new Error('boom'));
    assert.ok(logs.includes('warn: socket error: boom'));
  });

  it('does not reconnect after a close once no longer wanted', async () => {
    const { connection, last } = await connected();
    const socket = last();
    connection.close();
    socket.emit('close', 1000, Buffer.from(''));
    assert.equal(connection.state.kind, 'closed');
  });
});

describe('GatewayConnection: the watchdog', () => {
  it('ends a silent connection after two ticks and reconnects', async () => {
    const { connection, last, logs, sockets } = await connected({ tickIntervalMs: 1_000 });
    const socket = last();
    mock.timers.tick(1_500);
    socket.receive({ type: 'event', event: 'tick', payload: {} });
    mock.timers.tick(1_999);
    assert.equal(connection.state.kind, 'connected');
    mock.timers.tick(1);
    assert.deepEqual(socket.closes, [[4000, 'watchdog: gateway silent']]);
    assert.equal(socket.terminated, 1);
    assert.ok(logs.includes('warn: no frames from the gateway for 2000 ms (limit 2000 ms); reconnecting'));
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'silent');
    assert.equal(state.reason, 'no frames from the gateway for two tick intervals');
    assert.equal(connection.socket, undefined);
    socket.drop(4000);
    assert.equal(sockets.length, 1);
  });

  it("takes the gateway's tick interval, clamped to the protocol's bounds", async () => {
    const { connection } = await connected({}, hello({ policy: { tickIntervalMs: 10 } }));
    mock.timers.tick(1_999);
    assert.equal(connection.state.kind, 'connected');
    mock.timers.tick(1);
    assert.equal(connection.state.kind, 'reconnecting');
  });

  it('waits two of the default 30 s ticks when the gateway names none', async () => {
    const { connection } = await connected();
    mock.timers.tick(59_999);
    assert.equal(connection.state.kind, 'connected');
    mock.timers.tick(1);
    assert.equal(connection.state.kind, 'reconnecting');
  });

  it('caps a long tick interval at ten minutes', async () => {
    const { connection } = await connected({}, hello({ policy: { tickIntervalMs: 3_600_000 } }));
    mock.timers.tick(1_199_999);
    assert.equal(connection.state.kind, 'connected');
    mock.timers.tick(1);
    assert.equal(connection.state.kind, 'reconnecting');
  });
});

describe('GatewayConnection: refusals during the handshake', () => {
  it('waits for a pairing approval, asking again at the pairing pace and logging once', async () => {
    const { connection, last, sockets, states, logs } = makeConnection({ pairingRetryMs: 700 });
    connection.start();
    await settle();
    const refusal = { ok: false, error: { code: 'NOT_PAIRED', message: 'pair first', details: { code: 'PAIRING_REQUIRED', requestId: 'req-7' } } };
    await shake(last(), refusal);
    const failed = current(connection) as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(failed.reason, 'pairing-required');
    assert.equal(failed.requestId, 'req-7');
    assert.equal(failed.retryAt, Date.now() + 700);
    assert.equal(logs.filter((line) => line.startsWith('warn: waiting for approval')).length, 1);
    mock.timers.tick(699);
    await settle();
    assert.equal(sockets.length, 1);
    mock.timers.tick(1);
    await settle();
    assert.equal(sockets.length, 2);
    assert.equal(states[states.length - 1].kind, 'failed', 'the pairing banner stays while asking again');
    await shake(last(), refusal);
    assert.equal(logs.filter((line) => line.startsWith('warn: waiting for approval')).length, 1);
    mock.timers.tick(700);
    await settle();
    await shake(last());
    assert.equal(connection.state.kind, 'connected');
    // Connected: a later drop shows "reconnecting" again, not the pairing banner.
    last().drop(1001);
    mock.timers.tick(100);
    await settle();
    assert.equal(connection.state.kind, 'connecting');
  });

  it('asks again for pairing every 10 s by default', async () => {
    const { connection, last, sockets } = makeConnection();
    connection.start();
    await settle();
    await shake(last(), { ok: false, error: { code: 'NOT_PAIRED', message: 'pair first' } });
    mock.timers.tick(9_999);
    await settle();
    assert.equal(sockets.length, 1);
    mock.timers.tick(1);
    await settle();
    assert.equal(sockets.length, 2);
  });

  it('fails for good on a refusal a person must fix, with the gateway words logged', async () => {
    const { connection, last, logs, sockets } = makeConnection({ token: TOKEN });
    connection.start();
    await settle();
    await shake(last(), { ok: false, error: { code: 'INVALID_REQUEST', message: 'no', details: { code: 'AUTH_TOKEN_MISMATCH' } } });
    const failed = current(connection) as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(failed.reason, 'auth-token-mismatch');
    assert.ok(logs.some((line) => line.startsWith('error: connection failed: The gateway at')));
    mock.timers.tick(60_000);
    await settle();
    assert.equal(sockets.length, 1);
  });

  it('comes back soon when the gateway says it is starting, honouring its retry hint', async () => {
    const { connection, last } = makeConnection({ backoff: SLOW_BACKOFF });
    connection.start();
    await settle();
    await shake(last(), { ok: false, error: { code: 'UNAVAILABLE', message: 'starting', retryable: true, retryAfterMs: 2_500 } });
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'restarting');
    assert.equal(state.delayMs, 2_500);
    assert.match(state.reason, /starting/);
  });

  it('probes once a second when the gateway says it is starting without a hint', async () => {
    const { connection, last } = makeConnection({ backoff: SLOW_BACKOFF });
    connection.start();
    await settle();
    await shake(last(), { ok: false, error: { code: 'UNAVAILABLE', message: 'starting', retryable: true } });
    assert.equal((current(connection) as { delayMs: number }).delayMs, 1_000);
  });

  it('calls an unreachable gateway restarting while a restart is known, and waits its 503 hint', async () => {
    const { connection, last } = await connected({ backoff: SLOW_BACKOFF });
    last().drop(1012);
    mock.timers.tick(1_000);
    await settle();
    const res = { statusCode: 503, resume: () => undefined };
    last().emit('unexpected-response', {}, res);
    await settle();
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'restarting');
    assert.equal(state.delayMs, 1_000);
  });

  it('calls a refused transport unreachable', async () => {
    const { connection, last } = makeConnection();
    connection.start();
    await settle();
    last().emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await settle();
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'unreachable');
    assert.equal(state.delayMs, 100);
  });

  it('redacts the token in the reason of a transport failure it will retry', async () => {
    const { connection, last } = makeConnection({ token: TOKEN });
    connection.start();
    await settle();
    // A proxy or a TLS library may quote the URL it was given, query and all.
    last().emit('error', new Error(`getaddrinfo ENOTFOUND gateway?token=${TOKEN}`));
    await settle();
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.reason, 'cannot reach the gateway at ws://127.0.0.1:18789: getaddrinfo ENOTFOUND gateway?token=[redacted]');
  });

  it('turns a typed transport failure into its failed state', async () => {
    const { connection, last, logs } = makeConnection();
    connection.start();
    await settle();
    last().emit('unexpected-response', {}, { statusCode: 401, resume: () => undefined });
    await settle();
    assert.equal(connection.state.kind, 'failed');
    assert.ok(logs.some((line) => line.startsWith('error: connection failed: ')));
  });

  it('retries once with the device token when the shared token is refused, and logs it', async () => {
    const { connection, last, sockets, logs } = makeConnection({ token: TOKEN });
    connection.start();
    await settle();
    await shake(last(), { ok: true, payload: hello({ auth: { role: 'operator', deviceToken: 'dev-tok' } }) });
    last().drop(1001);
    mock.timers.tick(100);
    await settle();
    await shake(last(), {
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'no', details: { code: 'AUTH_TOKEN_MISMATCH', canRetryWithDeviceToken: true } },
    });
    await settle();
    assert.equal(sockets.length, 3);
    assert.equal(connection.state.kind, 'connecting');
    assert.ok(logs.includes('info: the shared token was refused; retrying once with the device token'));
  });
});

describe('GatewayConnection: commands', () => {
  it('reconnect drops the socket and connects again at once', async () => {
    const { connection, last, sockets, states } = await connected();
    const first = last();
    const pending = connection.send('slow', {}, {});
    connection.reconnect();
    assert.deepEqual(first.closes, [[1000, 'reconnect requested']]);
    assert.equal(first.listenerCount('message'), 0);
    assert.equal(first.listenerCount('error'), 1, 'a late error is swallowed');
    await assert.rejects(
      pending,
      (error: Error) => error instanceof GatewayClosedError && error.message === 'the connection to the gateway closed (reconnect requested)',
    );
    await settle();
    assert.equal(sockets.length, 2);
    assert.deepEqual(states[states.length - 1], { kind: 'connecting', url: URL_A, attempt: 1 });
  });

  it('reconnect clears a scheduled attempt', async () => {
    const { connection, last, sockets } = await connected();
    last().drop(1001);
    connection.reconnect();
    await settle();
    assert.equal(sockets.length, 2);
    mock.timers.tick(100);
    await settle();
    assert.equal(sockets.length, 2);
  });

  it('setEndpoint reconnects to the new URL while wanted, and only records it otherwise', async () => {
    const idle = makeConnection();
    idle.connection.setEndpoint('ws://127.0.0.1:3', undefined);
    await settle();
    assert.equal(idle.connection.url, 'ws://127.0.0.1:3');
    assert.equal(idle.sockets.length, 0);
    const { connection, sockets, last } = await connected();
    connection.setEndpoint('ws://127.0.0.1:4', undefined);
    await settle();
    assert.equal(sockets.length, 2);
    assert.equal(last().url.href, 'ws://127.0.0.1:4/');
    await shake(last(), { ok: true, payload: hello({ server: { version: '9.9', bootId: 'other' } }) });
    assert.equal(connection.state.kind, 'connected');
  });

  it('a new endpoint forgets the old boot id, so its hello is no restart', async () => {
    const { connection, last, logs } = await connected();
    connection.setEndpoint('ws://127.0.0.1:4', undefined);
    await settle();
    await shake(last(), { ok: true, payload: hello({ server: { version: '9.9', bootId: 'other' } }) });
    assert.equal(
      logs.some((line) => line.includes('restarted while we were away')),
      false,
    );
  });

  it('close rejects what is pending, stops reconnecting, aborts its signal and drops listeners', async () => {
    const { connection, last, emitter, sockets } = await connected();
    const pending = connection.send('slow', {}, {});
    connection.close();
    assert.equal(connection.closedSignal.aborted, true);
    assert.equal(connection.wanted, false);
    assert.deepEqual(last().closes, [[1000, 'client closed']]);
    await assert.rejects(pending, GatewayClosedError);
    assert.equal(connection.state.kind, 'closed');
    assert.equal(emitter.eventNames().length, 0);
    assert.deepEqual(connection.stats, { pendingRequests: 0, runs: 0, listeners: 0, socketOpen: false, timers: 0 });
    mock.timers.tick(120_000);
    await settle();
    assert.equal(sockets.length, 1);
  });

  it('whenConnected resolves at once when connected, on connecting, and rejects on close or abort', async () => {
    const { connection, last } = makeConnection();
    connection.start();
    await settle();
    let resolved = false;
    const waiting = connection.whenConnected().then(() => (resolved = true));
    await settle(2);
    assert.equal(resolved, false);
    await shake(last());
    await waiting;
    await connection.whenConnected();
    last().drop(1001);
    const aborter = new AbortController();
    const aborted = connection.whenConnected(aborter.signal);
    aborter.abort();
    await assert.rejects(aborted, (error: Error) => error instanceof GatewayCancelledError && error.message === 'cancelled while waiting for the gateway');
    await assert.rejects(connection.whenConnected(aborter.signal), GatewayCancelledError);
    const closed = connection.whenConnected();
    connection.close();
    await assert.rejects(closed, (error: Error) => error instanceof GatewayClosedError && error.message === 'the gateway client was closed');
  });

  it('whenConnected waits through other states and leaves no listener behind', async () => {
    const { connection, last, emitter } = makeConnection();
    connection.start();
    await settle();
    const aborter = new AbortController();
    const waiting = connection.whenConnected(aborter.signal);
    const before = emitter.listenerCount('state');
    last().emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await settle();
    assert.equal(connection.state.kind, 'reconnecting');
    mock.timers.tick(100);
    await settle();
    await shake(last());
    await waiting;
    assert.equal(emitter.listenerCount('state'), before - 1);
  });

  it('trusts a certificate fingerprint for the current origin and reconnects; forgets it again', async () => {
    const { connection, store, sockets } = makeConnection({ url: 'wss://gw.example:8443' });
    await assert.rejects(connection.trustCertificate('nope'), /"nope" is not a SHA-256 fingerprint/);
    assert.equal(sockets.length, 0);
    await connection.trustCertificate('ab'.repeat(32));
    assert.equal(connection.wanted, true);
    const key = storeTlsPinKey('wss://gw.example:8443');
    assert.ok(await store.get(key));
    await settle();
    assert.equal(sockets.length, 1);
    await connection.forgetCertificate();
    assert.equal(await store.get(key), undefined);
    await settle();
    assert.equal(sockets.length, 2);
  });

  it('redacts the token in what it logs and in the text it is given', async () => {
    const { connection, logs } = makeConnection({ token: TOKEN });
    connection.log('info', `a ${TOKEN} b`);
    assert.deepEqual(logs, ['info: a [redacted] b']);
    assert.equal(connection.redact(`x${TOKEN}`), 'x[redacted]');
    connection.forgetCredentials();
  });

  it('redacts the token out of a failed state code and request id', async () => {
    const { connection, last } = makeConnection({ token: TOKEN });
    connection.start();
    await settle();
    await shake(last(), { ok: false, error: { code: 'NOT_PAIRED', message: 'pair', details: { code: 'PAIRING_REQUIRED', requestId: TOKEN } } });
    const failed = current(connection) as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(failed.requestId, '[redacted]');
    assert.equal(failed.message.includes(TOKEN), false);
  });
});

describe('GatewayConnection: stale sockets and timers', () => {
  it('ignores the late failure of a handshake whose socket was already replaced', async () => {
    const { connection, sockets } = makeConnection({ handshakeTimeoutMs: 500 });
    connection.start();
    await settle();
    mock.timers.tick(300);
    connection.reconnect();
    await settle();
    assert.equal(sockets.length, 2);
    mock.timers.tick(200);
    await settle();
    assert.deepEqual(sockets[1].closes, []);
    assert.equal(connection.socket, sockets[1] as unknown as WebSocket);
    assert.equal(connection.state.kind, 'connecting');
  });

  it('close clears a scheduled reconnect', async () => {
    const { connection, last } = await connected();
    last().drop(1001);
    assert.equal(connection.stats.timers, 1);
    connection.close();
    assert.equal(connection.stats.timers, 0);
  });

  it('a new endpoint ends a pairing wait: its first attempt shows connecting', async () => {
    const { connection, last, states } = makeConnection();
    connection.start();
    await settle();
    await shake(last(), { ok: false, error: { code: 'NOT_PAIRED', message: 'pair first' } });
    connection.setEndpoint('ws://127.0.0.1:5', undefined);
    await settle();
    assert.deepEqual(states[states.length - 1], { kind: 'connecting', url: 'ws://127.0.0.1:5', attempt: 1 });
  });

  it('reconnect and a fresh start count attempts from one again', async () => {
    const { connection, states } = makeConnection({ handshakeTimeoutMs: 500 });
    connection.start();
    await settle();
    mock.timers.tick(500);
    await settle();
    mock.timers.tick(100);
    await settle();
    assert.equal((current(connection) as { attempt: number }).attempt, 2);
    connection.reconnect();
    await settle();
    assert.deepEqual(states[states.length - 1], { kind: 'connecting', url: URL_A, attempt: 1 });
    mock.timers.tick(500);
    await settle();
    mock.timers.tick(100);
    await settle();
    assert.equal((current(connection) as { attempt: number }).attempt, 2);
  });

  it('a connection ends the restart probing: a later ordinary drop waits the full backoff', async () => {
    const { connection, last } = await connected({ backoff: SLOW_BACKOFF });
    last().drop(1012);
    mock.timers.tick(1_000);
    await settle();
    await shake(last());
    last().drop(1001);
    assert.equal((current(connection) as { delayMs: number }).delayMs, 5_000);
  });

  it('whenConnected takes its abort listener off the signal once settled', async () => {
    const { connection, last } = makeConnection();
    connection.start();
    await settle();
    const aborter = new AbortController();
    const waiting = connection.whenConnected(aborter.signal);
    assert.equal(getEventListeners(aborter.signal, 'abort').length, 1);
    await shake(last());
    await waiting;
    assert.equal(getEventListeners(aborter.signal, 'abort').length, 0);
  });

  it('starts idle, with the default main session', () => {
    const { connection } = makeConnection();
    assert.deepEqual(connection.state, { kind: 'idle' });
    assert.equal(connection.mainSessionKey, 'agent:main:main');
  });

  it('reads a main session key past a snapshot without defaults', async () => {
    const { connection } = await connected({}, hello({ snapshot: {} }));
    assert.equal(connection.mainSessionKey, 'agent:main:main');
  });

  it('opens a real ws socket when no opener is given', () => {
    const connection = new GatewayConnection(
      { url: 'ws://127.0.0.1:1', store: new MemoryCredentialStore(), clientVersion: '1' },
      new EventEmitter<GatewayEvents>(),
    );
    // A ws:// URL reads no pin, so the socket is made before start() returns.
    connection.start();
    assert.equal(connection.socket?.constructor.name, 'WebSocket');
    connection.close();
  });

  it('logs nothing and does not throw without a log function', () => {
    const connection = new GatewayConnection({ url: URL_A, store: new MemoryCredentialStore(), clientVersion: '1' }, new EventEmitter<GatewayEvents>());
    connection.log('info', 'nobody listens');
  });

  it("redacts the token out of a request's refusal", async () => {
    const { connection, last } = await connected({ token: TOKEN });
    const refused = connection.send('x', {}, {});
    const request = last().sent[last().sent.length - 1];
    last().receive({ type: 'res', id: request.id, ok: false, error: { code: 'E', message: `bad ${TOKEN}` } });
    await assert.rejects(refused, (error: Error) => error.message.includes('bad [redacted]') && !error.message.includes(TOKEN));
  });

  it('logs the retry with the device token and counts bad frames in and after the handshake', async () => {
    const { connection, last, logs } = makeConnection();
    connection.start();
    await settle();
    last().emit('message', Buffer.from('not json'));
    assert.equal(connection.problems.size, 1);
    await shake(last());
    last().emit('message', Buffer.from('{"type":"nonsense"}'));
    assert.equal(connection.problems.size, 2);
    assert.ok(logs.length >= 2, 'each kind of bad frame is logged once');
  });

  it('a 503 from a gateway not known to restart probes once a second', async () => {
    const { connection, last } = makeConnection({ backoff: SLOW_BACKOFF });
    connection.start();
    await settle();
    last().emit('unexpected-response', {}, { statusCode: 503, resume: () => undefined });
    await settle();
    const state = current(connection) as Extract<ConnectionState, { kind: 'reconnecting' }>;
    assert.equal(state.cause, 'restarting');
    assert.equal(state.delayMs, 1_000);
  });

  it('forgetCredentials stops sending the shared token', async () => {
    const { connection, last } = makeConnection({ token: TOKEN });
    connection.forgetCredentials();
    connection.start();
    await settle();
    await shake(last());
    assert.equal(JSON.stringify(last().sent[0]).includes(TOKEN), false);
  });

  it('refuses to send while the handshake still runs', async () => {
    const { connection } = makeConnection();
    connection.start();
    await settle();
    await assert.rejects(connection.send('x', {}, {}), GatewayClosedError);
  });

  it('logs a failed sessions.subscribe', async () => {
    const { last, logs } = await connected();
    const subscribe = last().sent[1];
    last().receive({ type: 'res', id: subscribe.id, ok: false, error: { code: 'E', message: 'nope' } });
    await settle(2);
    assert.ok(logs.some((line) => line.startsWith('warn: sessions.subscribe failed: ') && line.includes('nope')));
  });

  it('ignores the late close of the socket the watchdog ended, so the reconnect keeps its time', async () => {
    const { last, sockets } = await connected({ tickIntervalMs: 1_000 });
    const socket = last();
    mock.timers.tick(2_000);
    mock.timers.tick(50);
    socket.drop(1006);
    mock.timers.tick(50);
    await settle();
    assert.equal(sockets.length, 2);
  });

  it('names a close without a reason by its code alone, and the watchdog by its reason', async () => {
    const { connection, last } = await connected({ tickIntervalMs: 1_000 });
    const first = connection.send('slow', {}, {});
    last().drop(1001);
    await assert.rejects(first, (error: Error) => error.message === 'the connection to the gateway closed (1001)');
    mock.timers.tick(100);
    await settle();
    await shake(last());
    const second = connection.send('slow', {}, {});
    mock.timers.tick(2_000);
    await assert.rejects(second, (error: Error) => error.message === 'the connection to the gateway closed (4000 watchdog: gateway silent)');
  });

  it('waits at least a second after a restart close even when the backoff draws less', async () => {
    const { connection, last } = await connected({ backoff: { initialMs: 1_000, maxMs: 30_000, jitter: 0.5, random: () => 0.99 } });
    last().drop(1012);
    assert.equal((current(connection) as { delayMs: number }).delayMs, 1_000);
  });

  it('calls an unreachable gateway restarting while a restart is known', async () => {
    const { connection, last } = await connected();
    last().drop(1012);
    mock.timers.tick(1_000);
    await settle();
    last().emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await settle();
    assert.equal((current(connection) as { cause: string }).cause, 'restarting');
  });

  it('redacts the token out of a failed state code', async () => {
    const { connection, last } = makeConnection({ url: 'wss://gw.example:8443', token: TOKEN });
    connection.start();
    await settle();
    const tls = {
      encrypted: true,
      authorized: false,
      authorizationError: `self-signed ${TOKEN}`,
      getPeerCertificate: () => ({ fingerprint256: 'BB'.repeat(32) }),
      isSessionReused: () => false,
    };
    last().emit('upgrade', { socket: tls });
    await settle();
    const failed = current(connection) as Extract<ConnectionState, { kind: 'failed' }>;
    assert.equal(failed.reason, 'tls-untrusted');
    assert.equal(failed.code, 'self-signed [redacted]');
  });
});
