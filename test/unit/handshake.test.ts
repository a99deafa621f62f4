import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { storeDeviceTokenKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { DeviceIdentity, signaturePayload } from '../../src/gateway/device-identity';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { OPENCLAW_PROTOCOL3_VERSION, OPENCLAW_VERSION } from '../../tools/versions';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('handshake', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => undefined);

  async function setup(options: ConstructorParameters<typeof FakeGateway>[0] = { token: TOKEN }, clientOverrides = {}) {
    const gw = await new FakeGateway(options).start();
    const client = makeClient(gw.url, clientOverrides);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    return { gw, client };
  }

  it('answers the challenge with a signed connect and reaches connected', async () => {
    const { gw, client } = await setup();
    client.start();
    const state = await waitForState(client, 'connected');
    assert.equal(state.serverVersion, OPENCLAW_VERSION);
    assert.equal(state.protocol, 4);
    assert.equal(state.mainSessionKey, 'agent:main:main');
    assert.deepEqual(state.scopes, ['operator.read', 'operator.write', 'operator.admin', 'operator.approvals', 'operator.questions']);
    const connect = gw.requests('connect')[0].params as Record<string, any>;
    assert.equal(connect.minProtocol, 3);
    assert.equal(connect.maxProtocol, 4);
    assert.deepEqual(connect.client, { id: 'gateway-client', version: '0.1.0-test', platform: process.platform, mode: 'ui' });
    assert.equal(connect.role, 'operator');
    assert.deepEqual(connect.caps, ['tool-events', 'exec-approvals']);
    assert.deepEqual(connect.auth, { token: TOKEN });
    assert.match(connect.device.id, /^[0-9a-f]{64}$/);
  });

  it('keeps the device token from hello-ok and the key across clients', async () => {
    const { gw, client } = await setup();
    client.start();
    await waitForState(client, 'connected');
    const deviceToken = await waitFor(() => client.store.values.get(storeDeviceTokenKey(gw.url)), 'device token stored');
    assert.equal(deviceToken, [...gw.paired.values()][0].deviceToken);
    assert.ok(client.store.values.get('openclaw.device.privateKey')?.includes('PRIVATE KEY'));
    client.close();

    // A second client with no shared token reconnects with the stored device token and the same key.
    const again = makeClient(gw.url, { store: client.store, token: undefined });
    cleanups.push(() => again.close());
    again.start();
    await waitForState(again, 'connected');
    const connects = gw.requests('connect');
    const second = connects[connects.length - 1].params as Record<string, any>;
    assert.deepEqual(second.auth, { deviceToken });
    assert.equal(second.device.id, (connects[0].params as Record<string, any>).device.id);
  });

  it('negotiates protocol 3 with an older gateway', async () => {
    const { client } = await setup({ token: TOKEN, protocol: 3 });
    client.start();
    const state = await waitForState(client, 'connected');
    assert.equal(state.protocol, 3);
    assert.equal(state.serverVersion, OPENCLAW_PROTOCOL3_VERSION);
  });

  it('builds the v3 signature payload exactly as the gateway expects', () => {
    const payload = signaturePayload('abc', {
      clientId: 'gateway-client',
      clientMode: 'ui',
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
      token: 'tok',
      nonce: 'n-1',
      signedAt: 1795237142288,
      platform: 'Linux',
      deviceFamily: 'Desktop',
    });
    assert.equal(payload, 'v3|abc|gateway-client|ui|operator|operator.read,operator.write|1795237142288|tok|n-1|linux|desktop');
    const identity = DeviceIdentity.generate();
    assert.equal(DeviceIdentity.fromPem(identity.toPem()).id, identity.id);
    assert.equal(Buffer.from(identity.publicKey, 'base64url').length, 32);
  });

  it('times out with a clear error when no challenge comes, and keeps retrying', async () => {
    // Long enough for the upgrade itself on a busy machine; the challenge never comes.
    const { client } = await setup({ token: TOKEN, silent: true }, { handshakeTimeoutMs: 1000 });
    client.start();
    const state = await waitForState(client, 'reconnecting', 10_000);
    assert.match(state.reason, /no connect\.challenge from the gateway at ws:\/\/127\.0\.0\.1:\d+ within 1000 ms/);
  });

  it('fails without a retry loop on a wrong token and says what to do', async () => {
    const { gw, client } = await setup({ token: 'the-right-one' });
    client.start();
    const state = await waitForState(client, 'failed');
    assert.equal(state.reason, 'auth-token-mismatch');
    assert.equal(state.action, 'set-token');
    assert.equal(state.code, 'AUTH_TOKEN_MISMATCH');
    assert.match(state.message, /Set Gateway Token/);
    await sleep(300); // many backoff periods at 20 ms
    assert.equal(gw.connections, 1);
    assert.equal(client.state.kind, 'failed');
  });

  it('retries once with the device token when the gateway says it can', async () => {
    const store = new MemoryCredentialStore();
    const { gw, client } = await setup({ token: TOKEN }, { store });
    client.start();
    await waitForState(client, 'connected');
    await waitFor(() => store.values.get(storeDeviceTokenKey(gw.url)), 'device token');
    client.close();
    const rotated = makeClient(gw.url, { store, token: 'an-old-token' });
    cleanups.push(() => rotated.close());
    rotated.start();
    await waitForState(rotated, 'connected');
    const auths = gw
      .requests('connect')
      .slice(1)
      .map((f) => (f.params as Record<string, any>).auth);
    assert.deepEqual(auths[0], { token: 'an-old-token' });
    assert.deepEqual(Object.keys(auths[1]), ['deviceToken']);
    assert.equal(gw.connections, 3);
  });

  it('reports a pending pairing with its request id', async () => {
    const store = new MemoryCredentialStore();
    const { gw, client } = await setup({ token: TOKEN }, { store, platform: 'linux' });
    client.start();
    await waitForState(client, 'connected');
    client.close();
    const moved = makeClient(gw.url, { store, platform: 'darwin' });
    cleanups.push(() => moved.close());
    moved.start();
    const state = await waitForState(moved, 'failed');
    assert.equal(state.reason, 'pairing-required');
    assert.equal(state.action, 'approve-pairing');
    assert.match(state.requestId!, /^[0-9a-f-]{36}$/);
    assert.ok(state.message.includes(`openclaw devices approve ${state.requestId}`));
    await sleep(200);
    assert.equal(gw.connections, 2);
  });

  it('stops on a protocol mismatch', async () => {
    const { gw, client } = await setup({ token: TOKEN, protocol: 5 });
    client.start();
    const state = await waitForState(client, 'failed');
    assert.equal(state.reason, 'protocol-mismatch');
    assert.equal(state.action, 'update');
    assert.equal(state.code, 'PROTOCOL_MISMATCH');
    await sleep(200);
    assert.equal(gw.connections, 1);
  });

  it('says when the URL is not a WebSocket URL', async () => {
    const client: GatewayClient = makeClient('http//nope');
    cleanups.push(() => client.close());
    client.start();
    const state = await waitForState(client, 'failed');
    assert.equal(state.reason, 'bad-url');
    assert.equal(state.action, 'check-url');
  });
});
