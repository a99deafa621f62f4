/**
 * Every failure a person can hit, end to end through the client and the chat's banner: the exact
 * words shown and the one action offered. Real sockets on loopback throughout.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { connectionView } from '../../src/extension/connection-view';
import type { ConnectionState } from '../../src/gateway/connection-state';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { waitForState } from '../support/wait';

describe('errors a person can act on', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function failureOf(url: string, overrides = {}): Promise<ConnectionState> {
    const client = makeClient(url, overrides);
    cleanups.push(() => client.close());
    client.start();
    return new Promise((resolve) => {
      const check = (s: ConnectionState) => (s.kind === 'failed' || s.kind === 'reconnecting') && resolve(s);
      client.onState(check);
    });
  }

  async function gateway(options = {}) {
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start();
    cleanups.push(() => gw.stop());
    return gw;
  }

  it('gateway not running: keeps retrying, says so, offers Retry now', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const state = await failureOf(`ws://127.0.0.1:${port}`);
    assert.equal(state.kind, 'reconnecting');
    const view = connectionView(state, { tokenSource: 'secret' });
    assert.equal(state.kind === 'reconnecting' && state.reason, `nothing is listening at ws://127.0.0.1:${port} (connection refused)`);
    assert.match(view.title, /^Gateway unreachable — reconnecting in \d s$/);
    assert.equal(view.detail!.split('running?').length, 2, `asks once whether the gateway runs: ${view.detail}`);
    assert.deepEqual(
      view.actions.map((a) => a.label),
      ['Retry now', 'Show Log'],
    );
  });

  it('wrong URL (a web server, not a gateway): stops and points at the setting', async () => {
    const web = createServer((_req, res) => res.end('hello'));
    web.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => web.close(resolve)));
    const url = `ws://127.0.0.1:${(web.address() as AddressInfo).port}`;
    const state = await failureOf(url);
    assert.equal(state.kind, 'failed');
    assert.equal(
      state.kind === 'failed' && state.message,
      `${url} answered HTTP 404 instead of opening a WebSocket: it is not an OpenClaw gateway. Check openclaw.gatewayUrl (a local gateway listens on ws://127.0.0.1:18789).`,
    );
    const view = connectionView(state, { tokenSource: 'secret' });
    assert.equal(view.title, 'Bad gateway URL');
    assert.equal(view.actions[0].id, 'openSettings');
  });

  it('TLS failure on wss:// to a plain gateway: says to use ws://', async () => {
    const gw = await gateway();
    const url = gw.url.replace('ws://', 'wss://');
    const state = await failureOf(url);
    assert.equal(state.kind, 'failed');
    assert.equal(state.kind === 'failed' && state.reason, 'tls');
    assert.match(
      state.kind === 'failed' ? state.message : '',
      /^The secure \(TLS\) connection to wss:\/\/127\.0\.0\.1:\d+ failed \(wrong version number\)\. The server at that address does not speak TLS: use ws:\/\/ instead of wss:\/\/ in openclaw\.gatewayUrl\.$/,
    );
    assert.equal(connectionView(state, { tokenSource: 'secret' }).title, 'Secure connection failed');
  });

  it('wrong token: stops, names AUTH_TOKEN_MISMATCH, offers Set Token', async () => {
    const gw = await gateway({ token: 'the-real-one' });
    const state = await failureOf(gw.url, { store: new MemoryCredentialStore() });
    assert.equal(state.kind, 'failed');
    assert.equal(
      state.kind === 'failed' && state.message,
      `The gateway at ${gw.url} rejected the token (AUTH_TOKEN_MISMATCH). Set the right token with "OpenClaw: Set Gateway Token"; it is gateway.auth.token in the gateway's openclaw.json.`,
    );
    const view = connectionView(state, { tokenSource: 'secret' });
    assert.equal(view.title, 'Wrong gateway token');
    assert.deepEqual(
      view.actions.map((a) => a.label),
      ['Set Token', 'Show Log'],
    );
  });

  it('pairing required: the request id and the command to approve it', async () => {
    const gw = await gateway();
    const store = new MemoryCredentialStore();
    const first = makeClient(gw.url, { store, platform: 'linux' });
    first.start();
    await waitForState(first, 'connected');
    first.close();
    const state = await failureOf(gw.url, { store, platform: 'darwin' });
    assert.equal(state.kind, 'failed');
    const requestId = state.kind === 'failed' ? state.requestId : '';
    assert.equal(
      state.kind === 'failed' && state.message,
      `This VS Code needs to be paired with the gateway. Approve request ${requestId}: run "openclaw devices approve ${requestId}" on the gateway host, or approve it in the OpenClaw app, then reconnect.`,
    );
    assert.deepEqual(
      connectionView(state, { tokenSource: 'secret' }).actions.map((a) => a.label),
      ['Copy Approve Command', 'I Approved It'],
    );
  });

  it('protocol mismatch: says to update', async () => {
    const gw = await gateway({ protocol: 5 });
    const state = await failureOf(gw.url);
    assert.equal(
      state.kind === 'failed' && state.message,
      `The gateway at ${gw.url} speaks a protocol this extension does not (it supports 3 to 4). Update the extension or the gateway.`,
    );
    assert.equal(connectionView(state, { tokenSource: 'secret' }).title, 'Update needed');
  });
});
