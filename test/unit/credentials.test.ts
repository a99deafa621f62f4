/**
 * "Clear Credentials" forgets everything: the tokens of every gateway, the device tokens they
 * issued, the device key in the store and the one held in memory, so the next connection pairs a
 * new device.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { storeDeviceTokenKey, storeGatewayTokenKey, STORE_DEVICE_KEY } from '../../src/gateway/constants';
import { LEGACY_TOKEN_KEY, SecretCredentialStore } from '../../src/extension/vscode/secret-store';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { waitFor, waitForState } from '../support/wait';

/** VS Code's SecretStorage, in memory (the store uses only get, store and delete). */
class MemorySecrets {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

function secretStore() {
  const secrets = new MemorySecrets();
  return { secrets, store: new SecretCredentialStore(secrets as never) };
}

describe('credentials', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('clear() forgets the tokens of every gateway, every device token, the device key and the old single token', async () => {
    const { secrets, store } = secretStore();
    await secrets.store(LEGACY_TOKEN_KEY, 'old-token');
    await store.set(STORE_DEVICE_KEY, 'pem');
    for (const origin of ['ws://127.0.0.1:18789', 'wss://home.example:443']) {
      await store.set(storeGatewayTokenKey(origin), `token for ${origin}`);
      await store.set(storeDeviceTokenKey(origin), `device token for ${origin}`);
    }
    assert.equal(await store.get(storeGatewayTokenKey('wss://home.example:443')), 'token for wss://home.example:443');
    await store.clear();
    assert.deepEqual([...secrets.values.keys()], []);
  });

  it('keeps every key in its index when many are written at once', async () => {
    const { secrets, store } = secretStore();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(storeDeviceTokenKey(`wss://g${i}.example:443`), `t${i}`)));
    await store.delete(storeDeviceTokenKey('wss://g3.example:443'));
    assert.equal(secrets.values.size, 20, '19 tokens and the index');
    await store.clear();
    assert.deepEqual([...secrets.values.keys()], []);
  });

  it('after clearing, the client pairs a new device instead of reusing the key it held', async () => {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const { store } = secretStore();
    const client = makeClient(gw.url, { store: store });
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');
    await waitFor(() => gw.paired.size === 1, 'paired');
    const deviceOf = (n: number) => ((gw.requests('connect')[n].params as Record<string, any>).device as Record<string, string>).id;

    await store.clear();
    client.forgetCredentials();
    client.setEndpoint(gw.url, TOKEN);
    await waitFor(() => gw.requests('connect').length === 2 && client.state.kind === 'connected', 'reconnected');
    assert.notEqual(deviceOf(1), deviceOf(0), 'a new device key');
    assert.equal(gw.paired.size, 2);
    assert.equal((gw.requests('connect')[1].params as Record<string, any>).auth.deviceToken, undefined, 'no old device token sent');
  });
});
