/**
 * Nothing a gateway sends can wedge the client: a hello-ok with unusable fields, retry hints past
 * what a timer can hold, a turn that closes the connection each time it is sent, a request larger
 * than the gateway takes. Each case runs against the fake gateway and fails without its guard.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { GatewayPayloadTooLargeError, GatewayTurnNotSentError } from '../../src/gateway/errors';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('a gateway cannot wedge the client', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connectTo(options: ConstructorParameters<typeof FakeGateway>[0]) {
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start();
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    return { gw, client };
  }

  for (const [what, patch, problem] of [
    ['a tick interval that is a string', (h: any) => (h.policy.tickIntervalMs = '30000'), /policy: tickIntervalMs: not a finite number/],
    ['a tick interval of 0', (h: any) => (h.policy.tickIntervalMs = 0), /policy: tickIntervalMs: below 1/],
    ['no server version', (h: any) => delete h.server.version, /server: version: not a string/],
    ['scopes that are not strings', (h: any) => (h.auth.scopes = ['operator.read', 7]), /auth: scopes: \[1\] not a string/],
    ['a protocol it never offered', (h: any) => (h.protocol = 9), /protocol: above 4/],
  ] as const) {
    it(`stops with a clear failed state on a hello-ok with ${what}, without a retry loop`, async () => {
      const { gw, client } = await connectTo({ hello: patch });
      const state = await waitForState(client, 'failed');
      assert.equal(state.reason, 'bad-hello');
      assert.equal(state.action, 'update');
      assert.match(state.message, problem);
      await sleep(300);
      assert.equal(gw.connections, 1, 'no reconnect loop');
    });
  }

  for (const [what, tick] of [
    ['1 ms', 1],
    ['past what a timer can hold', 2 ** 40],
  ] as const) {
    it(`keeps a tick interval of ${what} within sane bounds instead of dropping the connection at once`, async () => {
      const { gw, client } = await connectTo({ hello: (h) => (h.policy.tickIntervalMs = tick), ticks: false });
      await waitForState(client, 'connected');
      await sleep(600);
      assert.equal(client.state.kind, 'connected');
      assert.equal(gw.connections, 1);
    });
  }

  it('keeps no device token in the hello-ok it holds', async () => {
    const { client } = await connectTo({});
    await waitForState(client, 'connected');
    assert.equal(client.hello?.auth?.deviceToken, undefined);
    await waitFor(
      () => [...client.store.values.keys()].some((k) => k.startsWith('openclaw.deviceToken:ws://127.0.0.1:')),
      'the device token stored under the gateway origin',
    );
  });

  it('caps a retryAfterMs past 2^31 ms instead of retrying after 1 ms', async () => {
    const { gw, client } = await connectTo({});
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent') return false;
      conn.res(frame.id, false, { code: 'UNAVAILABLE', message: 'busy', retryable: true, retryAfterMs: 2 ** 31 + 5 });
      return true;
    });
    await waitForState(client, 'connected');
    const turn = client.runTurn({ sessionKey: 'agent:main:main', message: 'hello' }).catch((e: Error) => e);
    await sleep(500);
    assert.equal(gw.requests('agent').length, 1, 'sent once, then waiting');
    client.close();
    assert.ok((await turn) instanceof Error);
  });

  it('waits at least half a second between retries, whatever retryAfterMs says', async () => {
    const { gw, client } = await connectTo({});
    const at: number[] = [];
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent') return false;
      at.push(Date.now());
      conn.res(frame.id, false, { code: 'UNAVAILABLE', message: 'busy', retryable: true, retryAfterMs: 0 });
      return true;
    });
    await waitForState(client, 'connected');
    const turn = client.runTurn({ sessionKey: 'agent:main:main', message: 'hello' }).catch((e: Error) => e);
    await waitFor(() => at.length >= 3, 'three tries', 10_000);
    assert.ok(at[1] - at[0] >= 450 && at[2] - at[1] >= 450, `tries ${at[1] - at[0]} and ${at[2] - at[1]} ms apart`);
    client.close();
    await turn;
  });

  it('gives a turn up after five sends that each closed the connection, and says it did not run', async () => {
    const { gw, client } = await connectTo({});
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent') return false;
      conn.ws.terminate();
      return true;
    });
    await waitForState(client, 'connected');
    const error = await client.runTurn({ sessionKey: 'agent:main:main', message: 'poison' }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(error instanceof GatewayTurnNotSentError, String(error));
    assert.match(
      error.message,
      /^This message was not run: the connection closed each of the 5 times it was sent\. Send it again once the gateway is working\.$/,
    );
    assert.equal(gw.requests('agent').length, 5);
    await waitForState(client, 'connected', 5000);
    await waitFor(() => client.stats.pendingRequests === 0, 'nothing left pending');
  });

  it('refuses a request larger than policy.maxPayload before sending it, naming the limit', async () => {
    const { gw, client } = await connectTo({ hello: (h) => (h.policy.maxPayload = 4096) });
    await waitForState(client, 'connected');
    const error = await client.runTurn({ sessionKey: 'agent:main:main', message: 'x'.repeat(5000) }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(error instanceof GatewayPayloadTooLargeError, String(error));
    assert.match(error.message, /^This message is 0\.0 MB; the gateway takes at most 0\.0 MB in one request\./);
    assert.equal(error.limit, 4096);
    assert.equal(gw.requests('agent').length, 0, 'nothing was sent');
    await waitFor(() => client.stats.pendingRequests === 0, 'nothing left pending (sessions.subscribe answered)');
    assert.equal(client.state.kind, 'connected');
    // A message that fits still goes.
    assert.equal((await client.runTurn({ sessionKey: 'agent:main:main', message: 'small' })).status, 'ok');
  });

  it('takes the token out of every gateway message that echoes it, before logs and the chat see it', async () => {
    const { gw, client } = await connectTo({});
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent') return false;
      conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: `bad token ${TOKEN} in request` });
      return true;
    });
    await waitForState(client, 'connected');
    const error = await client.runTurn({ sessionKey: 'agent:main:main', message: 'hi' }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.equal(error?.message, 'bad token [redacted] in request');
    const refused = await new FakeGateway({ token: 'another-token' }).start();
    const echoing = makeClient(refused.url);
    cleanups.push(
      () => refused.stop(),
      () => echoing.close(),
    );
    refused.handlers.push((conn, frame) => {
      if (frame.method !== 'connect') return false;
      conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: `refused ${TOKEN}`, details: { code: 'SOMETHING_ELSE' } });
      return true;
    });
    echoing.start();
    const state = await waitForState(echoing, 'failed');
    assert.ok(!state.message.includes(TOKEN), state.message);
    assert.ok(!echoing.logs.some(([, line]) => line.includes(TOKEN)), 'no log line holds the token');
  });
});
