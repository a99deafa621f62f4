/**
 * GatewayClient (gateway-client.ts), the facade, over a scripted connection: what each of its calls
 * hands to the connection and to its parts (sessions, turns, chat), what its listeners hear, and
 * that the watched session is subscribed again on each new connection. Pure: the ws-server tests
 * (client.test.ts, sessions.test.ts, turns.test.ts) cover the same through a real socket, too slowly
 * to run once per mutant.
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { AgentEventPayload, EventFrame } from '../../src/protocol/gateway';
import type { GatewayClientOptions, GatewayEvents, ResyncNotice } from '../../src/gateway/client-options';
import type { ConnectionState } from '../../src/gateway/connection-state';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { GatewayClosedError } from '../../src/gateway/errors';
import { GatewayClient } from '../../src/gateway/gateway-client';
import { connectedState, FakeConnection, helloWith, type Answer } from './fake-connection';

const options: GatewayClientOptions = { url: 'ws://127.0.0.1:1', store: new MemoryCredentialStore(), clientVersion: 'test' };

/** The fake connection plus the lifecycle calls only the facade makes, each recorded by name. */
class FacadeConnection extends FakeConnection {
  readonly calls: unknown[][] = [];
  url = 'ws://gateway.test:18789';
  stats = { pendingRequests: 1, runs: 2, listeners: 3, socketOpen: true, timers: 4 };
  problems = new Map([['bad-frame', 2]]);

  setTrace(trace: unknown): void {
    this.calls.push(['setTrace', trace]);
  }
  start(): void {
    this.calls.push(['start']);
  }
  reconnect(): void {
    this.calls.push(['reconnect']);
  }
  setEndpoint(url: string, token: string | undefined): void {
    this.calls.push(['setEndpoint', url, token]);
  }
  trustCertificate(fingerprint: string): Promise<void> {
    this.calls.push(['trustCertificate', fingerprint]);
    return Promise.resolve();
  }
  forgetCertificate(): Promise<void> {
    this.calls.push(['forgetCertificate']);
    return Promise.resolve();
  }
  forgetCredentials(): void {
    this.calls.push(['forgetCredentials']);
  }
  close(): void {
    this.calls.push(['close']);
  }
}

function client(answer: Answer = () => ({})) {
  const connection = new FacadeConnection(answer);
  let emitter!: EventEmitter<GatewayEvents>;
  const gateway = new GatewayClient(options, (given, events) => {
    assert.equal(given, options);
    emitter = events;
    return connection.asConnection;
  });
  return { gateway, connection, emitter };
}

/** What a finished `agent` request answers. */
const finished = { status: 'ok', summary: 'completed', result: { payloads: [{ text: 'done' }], meta: { stopReason: 'stop' } } };

describe('GatewayClient over a scripted connection', () => {
  it('reads its state, hello, url, main session, stats and problems from the connection', () => {
    const { gateway, connection } = client();
    const hello = helloWith({ methods: ['agent'] });
    connection.hello = hello;
    connection.mainSessionKey = 'agent:ops:main';
    assert.deepEqual(gateway.state, connectedState());
    assert.equal(gateway.hello, hello);
    assert.equal(gateway.url, 'ws://gateway.test:18789');
    assert.equal(gateway.mainSessionKey, 'agent:ops:main');
    assert.deepEqual(gateway.stats, { pendingRequests: 1, runs: 2, listeners: 3, socketOpen: true, timers: 4 });
    assert.deepEqual([...gateway.problems], [['bad-frame', 2]]);
  });

  it('passes the lifecycle calls to the connection; a new token keeps the current url', async () => {
    const { gateway, connection } = client();
    const trace = () => undefined;
    gateway.setTrace(trace);
    gateway.start();
    gateway.reconnect();
    gateway.setToken('tok-2');
    gateway.setToken(undefined);
    gateway.setEndpoint('wss://other.test', 'tok-3');
    await gateway.trustCertificate('AB:CD');
    await gateway.forgetCertificate();
    gateway.forgetCredentials();
    gateway.close();
    assert.deepEqual(connection.calls, [
      ['setTrace', trace],
      ['start'],
      ['reconnect'],
      ['setEndpoint', 'ws://gateway.test:18789', 'tok-2'],
      ['setEndpoint', 'ws://gateway.test:18789', undefined],
      ['setEndpoint', 'wss://other.test', 'tok-3'],
      ['trustCertificate', 'AB:CD'],
      ['forgetCertificate'],
      ['forgetCredentials'],
      ['close'],
    ]);
  });

  it('sends a request with empty params and options unless given, and resolves its payload', async () => {
    const { gateway, connection } = client((request) => ({ echoed: request.method }));
    assert.deepEqual(await gateway.request('health'), { echoed: 'health' });
    const signal = new AbortController().signal;
    assert.deepEqual(await gateway.request('status', { deep: true }, { signal, timeoutMs: 5 }), { echoed: 'status' });
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params, r.options]),
      [
        ['health', {}, {}],
        ['status', { deep: true }, { signal, timeoutMs: 5 }],
      ],
    );
  });

  it('waits for a connection through the connection, with the caller signal', async () => {
    const { gateway, connection } = client();
    const seen: Array<AbortSignal | undefined> = [];
    connection.waitForConnection = (signal) => {
      seen.push(signal);
      return Promise.resolve();
    };
    const signal = new AbortController().signal;
    await gateway.whenConnected(signal);
    assert.deepEqual(seen, [signal]);
  });

  it('hands each listener its own event, and stops calling it once removed', () => {
    const { gateway, emitter } = client();
    const heard: Array<[string, unknown]> = [];
    const offs = [
      gateway.onState((state) => heard.push(['state', state])),
      gateway.onEvent((event) => heard.push(['event', event])),
      gateway.onAgentEvent((payload) => heard.push(['agentEvent', payload])),
      gateway.onResync((notice) => heard.push(['resync', notice])),
      gateway.onSessionsChanged((payload) => heard.push(['sessionsChanged', payload])),
    ];
    const state: ConnectionState = { kind: 'idle' };
    const event = { type: 'event', event: 'tick', payload: {} } as EventFrame;
    const agent = { runId: 'r1', stream: 'lifecycle', data: {} } as unknown as AgentEventPayload;
    const notice: ResyncNotice = { reason: 'frame-gap' };
    const emitAll = () => {
      emitter.emit('state', state);
      emitter.emit('event', event);
      emitter.emit('agentEvent', agent);
      emitter.emit('resync', notice);
      emitter.emit('sessionsChanged', { key: 'k' });
    };
    emitAll();
    assert.deepEqual(heard, [
      ['state', state],
      ['event', event],
      ['agentEvent', agent],
      ['resync', notice],
      ['sessionsChanged', { key: 'k' }],
    ]);
    for (const off of offs) off();
    emitAll();
    assert.equal(heard.length, 5);
  });

  it('subscribes to the watched session again on each new connection, and only then', async () => {
    const { gateway, connection, emitter } = client();
    await gateway.sessions.watchMessages('agent:main:s1');
    assert.deepEqual(connection.methods, ['sessions.messages.subscribe']);
    emitter.emit('state', { kind: 'reconnecting', url: options.url, attempt: 1, delayMs: 10, nextAttemptAt: 0, reason: 'closed', cause: 'closed' });
    emitter.emit('state', { kind: 'connecting', url: options.url, attempt: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(connection.methods, ['sessions.messages.subscribe']);
    emitter.emit('state', connectedState());
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params]),
      [
        ['sessions.messages.subscribe', { key: 'agent:main:s1' }],
        ['sessions.messages.subscribe', { key: 'agent:main:s1' }],
      ],
    );
  });

  it('runs a turn, and asks history through its own history reader when the connection drops before an answer', async () => {
    let agents = 0;
    const { gateway, connection } = client((request) => {
      if (request.method === 'agent' && ++agents === 1) throw new GatewayClosedError('the socket closed');
      if (request.method === 'chat.history') return { sessionKey: 'agent:main:main', messages: [] };
      return finished;
    });
    const result = await gateway.runTurn({ sessionKey: 'agent:main:main', message: 'hi', idempotencyKey: 'run-1' });
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'done');
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.method === 'chat.history' ? r.params : r.params.idempotencyKey]),
      [
        ['agent', 'run-1'],
        ['chat.history', { sessionKey: 'agent:main:main', limit: 50 }],
        ['agent', 'run-1'],
      ],
    );
  });

  it('aborts, steers and runs commands through the turn runner and the chat sender', async () => {
    const events: { emitter?: EventEmitter<GatewayEvents> } = {};
    const { gateway, connection, emitter } = client((request) => {
      if (request.method === 'chat.send' && request.params.queueMode !== 'steer') {
        // The gateway runs a slash command itself and answers with a final chat event.
        const payload = { runId: request.params.idempotencyKey, state: 'final', message: { text: 'pong' } };
        events.emitter?.emit('event', { type: 'event', event: 'chat', payload });
      }
      return {};
    });
    events.emitter = emitter;
    await gateway.abortTurn('agent:main:main', 'run-1');
    assert.deepEqual(await gateway.steerTurn('agent:main:main', 'also this', 'steer-1'), { runId: 'steer-1' });
    assert.deepEqual(await gateway.runCommand('agent:main:main', '/status', 'cmd-1'), { status: 'ok', text: 'pong' });
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params]),
      [
        ['chat.abort', { sessionKey: 'agent:main:main', runId: 'run-1' }],
        ['chat.send', { sessionKey: 'agent:main:main', message: 'also this', idempotencyKey: 'steer-1', queueMode: 'steer' }],
        ['chat.send', { sessionKey: 'agent:main:main', message: '/status', idempotencyKey: 'cmd-1' }],
      ],
    );
  });

  it('asks the session RPCs and resolves what they read', async () => {
    const { gateway, connection } = client((request) => {
      switch (request.method) {
        case 'sessions.list':
          return { sessions: [{ key: 'agent:main:main' }], defaults: { model: 'm1' } };
        case 'models.list':
          return { models: [{ id: 'm1', name: 'Model one', provider: 'p' }] };
        case 'commands.list':
          return { commands: [{ name: 'status', description: 'Shows status' }] };
        case 'chat.history':
          return { sessionKey: request.params.sessionKey, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
        case 'sessions.patch':
          return { ok: true, key: request.params.key, entry: { key: request.params.key } };
        case 'sessions.delete':
          return { ok: true, key: request.params.key, deleted: true };
        default:
          return {};
      }
    });
    connection.state = connectedState(['operator.admin', 'operator.read', 'operator.write']);
    const rows = await gateway.listSessions();
    assert.deepEqual(
      rows.map((row) => row.key),
      ['agent:main:main'],
    );
    assert.equal(gateway.sessionDefaults, gateway.sessions.defaults);
    assert.notEqual(gateway.sessionDefaults, undefined);
    assert.deepEqual(
      (await gateway.listModels()).map((model) => model.id),
      ['m1'],
    );
    assert.deepEqual(
      (await gateway.listCommands('agent:main:main')).map((command) => command.name),
      ['status'],
    );
    const history = await gateway.history('agent:main:s1');
    assert.equal(history.messages.length, 1);
    assert.equal(await gateway.patchSession('agent:main:s1', { model: 'm1' }), undefined);
    const deleted = await gateway.deleteSession('agent:main:s1', {}, 'sid-1');
    assert.equal(deleted.deleted, true);
    const history200 = connection.sent.find((r) => r.method === 'chat.history');
    assert.deepEqual(history200?.params, { sessionKey: 'agent:main:s1', limit: 200 });
    const patch = connection.sent.find((r) => r.method === 'sessions.patch');
    assert.deepEqual(patch?.params, { key: 'agent:main:s1', model: 'm1' });
    assert.ok(connection.methods.includes('sessions.delete'));
    assert.ok(connection.methods.includes('commands.list'));
  });
});

describe('GatewayClient with its default connection', () => {
  it('opens no socket until started, and says where it will connect', () => {
    const gateway = new GatewayClient(options);
    assert.deepEqual(gateway.state, { kind: 'idle' });
    assert.equal(gateway.url, 'ws://127.0.0.1:1');
    assert.equal(gateway.mainSessionKey, 'agent:main:main');
    assert.equal(gateway.stats.socketOpen, false);
    gateway.close();
  });
});
