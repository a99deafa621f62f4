import assert from 'node:assert/strict';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { afterEach, describe, it } from 'node:test';
import type { ConnectionState } from '../../src/gateway/connection-state';
import { storeDeviceTokenKey, storeTlsPinKey } from '../../src/gateway/constants';
import { gatewayOrigin } from '../../src/gateway/gateway-url';
import { checkCertificate } from '../../src/gateway/tls-trust';
import { FakeGateway } from '../../tools/fake-gateway';
import { makeSelfSignedCert } from '../../tools/self-signed-cert';
import { makeClient, TOKEN } from '../support/clients';
import { waitFor, waitForState } from '../support/wait';

describe('remote gateways: wss:// with a pinned certificate, and pairing that waits for approval', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function gateway(options: ConstructorParameters<typeof FakeGateway>[0], port = 0): Promise<FakeGateway> {
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start(port);
    cleanups.push(() => gw.stop());
    return gw;
  }

  function client(url: string, overrides: Parameters<typeof makeClient>[1] = {}) {
    const c = makeClient(url, overrides);
    cleanups.push(() => c.close());
    return c;
  }

  it('stops at a self-signed certificate with its SHA-256 fingerprint, sends nothing, and connects once it is trusted', async () => {
    const cert = makeSelfSignedCert();
    const gw = await gateway({ tls: cert });
    const c = client(gw.url);
    c.start();
    const failed = await waitForState(c, 'failed');
    assert.equal(failed.reason, 'tls-untrusted');
    assert.equal(failed.action, 'trust-certificate');
    assert.equal(failed.fingerprint, cert.fingerprint);
    assert.match(failed.message, new RegExp(cert.fingerprint));
    assert.equal(gw.requests('connect').length, 0, 'no connect (token, signature) went to an untrusted server');

    await c.trustCertificate(cert.fingerprint.toLowerCase().replace(/:/g, ''));
    await waitForState(c, 'connected');
    assert.equal(c.store.values.get(storeTlsPinKey(gatewayOrigin(gw.url))), cert.fingerprint);
    assert.equal((gw.requests('connect')[0].params as { auth: { token?: string } }).auth.token, TOKEN);
  });

  it('refuses a different certificate at a trusted gateway as a hard stop, even after a restart', async () => {
    const first = makeSelfSignedCert();
    const gw = await gateway({ tls: first });
    const c = client(gw.url);
    await c.store.set(storeTlsPinKey(gatewayOrigin(gw.url)), first.fingerprint);
    c.start();
    await waitForState(c, 'connected');

    // The same address now answers with another certificate: someone in between, or a renewal.
    const port = gw.port;
    await gw.stop();
    const other = makeSelfSignedCert();
    const impostor = await gateway({ tls: other }, port);
    const failed = await waitForState(c, 'failed', 10_000);
    assert.equal(failed.reason, 'tls-pin-mismatch');
    assert.equal(failed.fingerprint, other.fingerprint);
    assert.match(failed.message, /changed/);
    assert.ok(failed.message.includes(first.fingerprint) && failed.message.includes(other.fingerprint));
    assert.equal(impostor.requests('connect').length, 0, 'nothing was sent to the other certificate');
    // A person asking to reconnect gets the same stop: the pin is never dropped silently.
    c.reconnect();
    assert.equal((await waitForState(c, 'failed')).reason, 'tls-pin-mismatch');
    assert.equal(impostor.requests('connect').length, 0);
  });

  it('shows the pairing request, asks again at its own pace, and continues once approved', async () => {
    const gw = await gateway({ requirePairing: true });
    const c = client(gw.url, { pairingRetryMs: 300 });
    const states: ConnectionState[] = [];
    c.onState((s) => states.push(s));
    c.start();
    const failed = await waitForState(c, 'failed');
    assert.equal(failed.reason, 'pairing-required');
    const requestId = failed.requestId!;
    assert.ok(gw.pendingPairings.has(requestId));
    assert.match(failed.message, new RegExp(`openclaw devices approve ${requestId}`));
    assert.ok(failed.retryAt! > Date.now() - 1000);
    // It asks again by itself, with the same request (one pending request, not one per retry).
    await waitFor(() => gw.requests('connect').length >= 3, 'retries while waiting', 5000);
    assert.equal(gw.pendingPairings.size, 1);
    assert.ok(!states.slice(1).some((s) => s.kind === 'connecting'), 'the pairing banner stays while it waits');

    gw.approvePairing(requestId);
    await waitForState(c, 'connected', 5000);
    await waitFor(() => c.store.values.get(storeDeviceTokenKey(gatewayOrigin(gw.url))), 'device token kept');
  });

  it('"I approved it" asks at once instead of waiting for the next retry', async () => {
    const gw = await gateway({ requirePairing: true });
    const c = client(gw.url, { pairingRetryMs: 10 * 60_000 });
    c.start();
    const failed = await waitForState(c, 'failed');
    assert.equal(gw.requests('connect').length, 1);
    gw.approvePairing(failed.requestId!);
    const started = Date.now();
    c.reconnect();
    await waitForState(c, 'connected', 5000);
    assert.ok(Date.now() - started < 5000);
    assert.equal(gw.requests('connect').length, 2);
  });
});

describe('a resumed TLS session', () => {
  it('never passes the certificate check: it shows no certificate to check', async () => {
    const cert = makeSelfSignedCert();
    const gw = await new FakeGateway({ tls: cert }).start();
    try {
      // Node's https.globalAgent caches sessions (VS Code's proxy support routes sockets through it).
      const agent = new https.Agent({ maxCachedSessions: 10 });
      const connectOnce = () =>
        new Promise<ReturnType<typeof checkCertificate> | 'no-upgrade'>((resolve) => {
          const ws = new WebSocket(gw.url, { rejectUnauthorized: false, agent });
          ws.on('upgrade', (res) => resolve(checkCertificate(gw.url, res.socket as TLSSocket, cert.fingerprint)));
          ws.on('open', () => ws.close());
          ws.on('error', () => resolve('no-upgrade'));
        });
      assert.equal(await connectOnce(), undefined, 'a full handshake with the pinned certificate passes');
      const resumed = await connectOnce();
      assert.ok(resumed && resumed !== 'no-upgrade', 'the resumed session is refused');
      assert.equal(resumed.reason, 'tls');
      assert.match(resumed.message, /resumed/);
    } finally {
      await gw.stop();
    }
  });

  it('is never offered by the client, even through a caching agent like VS Code injects: each attempt shows the certificate', async () => {
    const cert = makeSelfSignedCert();
    const gw = await new FakeGateway({ tls: cert }).start();
    // What VS Code's proxy support does to every extension: https.request gets an agent that caches TLS sessions.
    const original = https.request;
    const caching = new https.Agent({ maxCachedSessions: 10 });
    (https as { request: unknown }).request = (options: https.RequestOptions, ...rest: unknown[]) =>
      (original as (...args: unknown[]) => unknown)({ ...options, agent: caching, createConnection: undefined }, ...rest);
    const c = makeClient(gw.url);
    try {
      await c.store.set(storeTlsPinKey(gatewayOrigin(gw.url)), cert.fingerprint);
      c.start();
      await waitForState(c, 'connected');
      for (let i = 0; i < 3; i++) {
        c.reconnect();
        const state = await Promise.race([waitForState(c, 'connected'), waitForState(c, 'failed')]);
        assert.equal(state.kind, 'connected', JSON.stringify(state));
      }
      assert.equal(gw.requests('connect').length, 4);
    } finally {
      (https as { request: unknown }).request = original;
      c.close();
      await gw.stop();
    }
  });
});
