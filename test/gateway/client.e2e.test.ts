/**
 * The gateway client against the real `openclaw` gateway from npm, with our offline model server.
 * One gateway serves the suite in order; the restart test runs last because it stops and starts it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeDeviceTokenKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import type { GatewayClient, GatewayClientOptions } from '../../src/gateway/gateway-client';
import type { TurnEvent } from '../../src/gateway/run-stream';
import { itemsFromHistory } from '../../src/extension/transcript';
import { makeClient } from '../support/clients';
import { sleep, waitFor, waitForState } from '../support/wait';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { OPENCLAW_PROTOCOL3_VERSION, OPENCLAW_VERSION } from '../../tools/versions';

/** A cap, not a budget: the protocol-3 gateway alone takes 2-4 minutes on a quiet machine (first-run plugin installs). */
const SUITE_TIMEOUT = 25 * 60_000;

describe('GatewayClient against the real openclaw gateway', { timeout: SUITE_TIMEOUT }, () => {
  let gw: GatewayHandle;
  const clients: GatewayClient[] = [];
  const sessionKey = `agent:main:e2e-${Date.now().toString(36)}`;

  /** A client with the real timings, except a short backoff so the restart test is quick. */
  function client(overrides: Partial<GatewayClientOptions> = {}) {
    const c = makeClient(gw.url, {
      token: gw.token,
      handshakeTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      backoff: { initialMs: 250, maxMs: 2000 },
      ...overrides,
    });
    clients.push(c);
    return c;
  }

  before(async () => {
    gw = await startGateway();
  });

  after(async () => {
    for (const c of clients) c.close();
    await gw?.dispose();
    assert.equal(gw.running, false, 'the gateway is stopped');
  });

  it('connects with the token and a signed device, and is given a device token', async () => {
    const c = client();
    c.start();
    const state = await waitForState(c, 'connected', 30_000);
    assert.equal(state.protocol, 4);
    assert.equal(state.serverVersion, OPENCLAW_VERSION);
    assert.ok(state.scopes.includes('operator.admin'), `scopes ${state.scopes}`);
    assert.equal(state.mainSessionKey, 'agent:main:main');
    await waitFor(() => c.store.values.get(storeDeviceTokenKey(gw.url)), 'device token stored');
  });

  it('reconnects with the device token alone', async () => {
    const first = client();
    first.start();
    await waitForState(first, 'connected', 30_000);
    await waitFor(() => first.store.values.get(storeDeviceTokenKey(gw.url)), 'device token stored');
    first.close();
    const sent: unknown[] = [];
    const again = client({ store: first.store, token: undefined, trace: (dir, frame) => dir === 'out' && sent.push(frame) });
    again.start();
    const state = await waitForState(again, 'connected', 30_000);
    const connect = sent.find((f) => (f as { method: string }).method === 'connect') as { params: { auth: Record<string, string> } };
    assert.deepEqual(Object.keys(connect.params.auth), ['deviceToken']);
    assert.ok(state.scopes.includes('operator.read'));
  });

  it('fails on a wrong token with AUTH_TOKEN_MISMATCH and does not loop', async () => {
    const attempts: unknown[] = [];
    const wrong = client({
      token: 'definitely-not-the-token',
      store: new MemoryCredentialStore(),
      trace: (dir, frame) => dir === 'out' && (frame as { method: string }).method === 'connect' && attempts.push(frame),
    });
    wrong.start();
    const state = await waitForState(wrong, 'failed', 30_000);
    assert.equal(state.code, 'AUTH_TOKEN_MISMATCH');
    assert.equal(state.action, 'set-token');
    await sleep(3000);
    assert.equal(attempts.length, 1, 'one attempt, no retry loop');
    assert.equal(wrong.state.kind, 'failed');
  });

  it('streams a turn whose deltas add up to the final text, and history shows it', async () => {
    const c = client();
    c.start();
    await waitForState(c, 'connected', 30_000);
    const deltas: string[] = [];
    const result = await c.runTurn({ sessionKey, message: 'hello from the end to end test' }, { onEvent: (e) => e.kind === 'text' && deltas.push(e.delta) });
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'Echo: hello from the end to end test');
    assert.ok(deltas.length >= 2, `streamed in ${deltas.length} deltas`);
    assert.equal(deltas.join(''), result.text);
    const history = await c.history(sessionKey);
    const items = itemsFromHistory(history.messages);
    assert.deepEqual(
      items.map((i) => [i.kind, 'text' in i ? i.text : '']),
      [
        ['user', 'hello from the end to end test'],
        ['assistant', 'Echo: hello from the end to end test'],
      ],
    );
    const user = history.messages.find((m) => m.role === 'user')!;
    assert.equal(user.idempotencyKey, `${result.runId}:user`);
  });

  it('reports tool calls as tool events', async () => {
    const c = client();
    c.start();
    await waitForState(c, 'connected', 30_000);
    const events: TurnEvent[] = [];
    const result = await c.runTurn({ sessionKey: `${sessionKey}-tool`, message: 'please use TOOL to list files' }, { onEvent: (e) => events.push(e) });
    assert.equal(result.status, 'ok');
    const tools = events.filter((e): e is Extract<TurnEvent, { kind: 'tool' }> => e.kind === 'tool');
    assert.deepEqual(
      tools.map((t) => [t.phase, t.name]),
      [
        ['start', 'ls'],
        ['result', 'ls'],
      ],
    );
    assert.deepEqual(tools[0].args, { path: '.' });
    assert.match(result.text, /Tool result had \d+ chars\. Done\./);
  });

  it('lists sessions, refuses to delete the main one, and deletes another', async () => {
    const c = client();
    c.start();
    await waitForState(c, 'connected', 30_000);
    const keys = (await c.listSessions()).map((s) => s.key);
    assert.ok(keys.includes(sessionKey), `${sessionKey} in ${keys}`);
    await assert.rejects(c.deleteSession('agent:main:main'), /main session \(agent:main:main\) cannot be deleted/);
    const deleted = await c.deleteSession(`${sessionKey}-tool`);
    assert.equal(deleted.deleted, true);
    assert.ok(!(await c.listSessions()).some((s) => s.key === `${sessionKey}-tool`));
  });

  it('aborts a turn mid-stream', async () => {
    const c = client();
    c.start();
    await waitForState(c, 'connected', 30_000);
    let text = '';
    let runId = '';
    const turn = c.runTurn(
      { sessionKey: `${sessionKey}-abort`, message: 'SLOW please take your time' },
      { onAccepted: (id) => (runId = id), onEvent: (e) => e.kind === 'text' && (text += e.delta) },
    );
    await waitFor(() => text.length > 0 && runId, 'some streamed text', 60_000);
    await c.abortTurn(`${sessionKey}-abort`, runId);
    const result = await turn;
    assert.equal(result.status, 'aborted');
  });

  it('survives SIGTERM mid-stream: the turn drains, the client reconnects by itself, history reconciles', { timeout: 10 * 60_000 }, async () => {
    const c = client();
    const notices: string[] = [];
    c.onResync((n) => notices.push(n.reason));
    c.start();
    await waitForState(c, 'connected', 30_000);
    const key = `${sessionKey}-restart`;
    let streamed = '';
    const turn = c.runTurn({ sessionKey: key, message: 'SLOW survive a restart' }, { onEvent: (e) => e.kind === 'text' && (streamed += e.delta) });
    await waitFor(() => streamed.length > 0, 'streaming started', 60_000);
    const stopped = gw.stop();
    const result = await turn;
    assert.ok(['ok', 'interrupted'].includes(result.status), `turn ended ${result.status}`);
    await waitFor(() => c.state.kind === 'reconnecting', 'client notices the shutdown', 30_000);
    await stopped;
    await gw.start();
    await waitForState(c, 'connected', 60_000);
    await waitFor(() => notices.includes('reconnected'), 'resync notice');
    const history = await c.history(key);
    const items = itemsFromHistory(history.messages);
    assert.equal(items.filter((i) => i.kind === 'user').length, 1, 'the message ran once');
    if (result.status === 'ok') {
      const assistant = items
        .filter((i) => i.kind === 'assistant')
        .map((i) => ('text' in i ? i.text : ''))
        .join('\n\n');
      assert.equal(assistant, result.text);
    }
  });
});

describe(`GatewayClient against a protocol-3 gateway (openclaw ${OPENCLAW_PROTOCOL3_VERSION})`, { timeout: SUITE_TIMEOUT }, () => {
  let gw: GatewayHandle;
  let c: GatewayClient | undefined;

  before(async () => {
    gw = await startGateway({ version: OPENCLAW_PROTOCOL3_VERSION });
  });

  after(async () => {
    c?.close();
    await gw?.dispose();
  });

  it('negotiates protocol 3 and runs a turn', async (t) => {
    c = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    c.start();
    const state = await waitForState(c, 'connected', 30_000);
    assert.equal(state.protocol, 3);
    assert.equal(state.serverVersion, OPENCLAW_PROTOCOL3_VERSION);
    const deltas: string[] = [];
    // This gateway's first turn loads its agent runtime with the event loop blocked (94 s on a busy
    // 2-core machine, by its own liveness log): no ticks, so the client reconnects mid-turn and the
    // stream's events can be lost. The reply must come through all the same.
    let reconnected = false;
    const off = c.onState((s) => (reconnected ||= s.kind === 'reconnecting'));
    const result = await c.runTurn(
      { sessionKey: 'agent:main:p3', message: 'hello protocol three' },
      { onEvent: (e) => e.kind === 'text' && deltas.push(e.delta) },
    );
    off();
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'Echo: hello protocol three');
    if (reconnected) t.diagnostic(`reconnected mid-turn; ${deltas.length} deltas arrived before`);
    else assert.equal(deltas.join(''), result.text);
  });
});
