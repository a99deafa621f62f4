/**
 * What the client proves in `connect` (connect-auth.ts, device-identity.ts): which token goes to
 * which gateway, what the device signature covers (checked with the public key, as the gateway
 * does), and when a refused token earns one more try. Pure: a memory store, no socket.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConnectAuth } from '../../src/gateway/connect-auth';
import { STORE_DEVICE_KEY, storeDeviceTokenKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { DeviceIdentity } from '../../src/gateway/device-identity';
import { GatewayRequestError } from '../../src/gateway/errors';
import type { ConnectParams, DeviceProof, HelloOk } from '../../src/protocol/gateway';

const URL_A = 'ws://127.0.0.1:18789';
const URL_B = 'wss://other.example:8443';
const CHALLENGE = { nonce: 'nonce-1', ts: 1_700_000_000_123 };
const ALL_SCOPES = 'operator.read,operator.write,operator.admin,operator.approvals,operator.questions';

function makeAuth(options: { token?: string; store?: MemoryCredentialStore; platform?: string } = {}) {
  const store = options.store ?? new MemoryCredentialStore();
  const logs: string[] = [];
  const auth = new ConnectAuth({ token: options.token, store, clientVersion: '1.2.3', platform: options.platform ?? 'Linux' }, (level, message) =>
    logs.push(`${level}: ${message}`),
  );
  return { auth, store, logs };
}

/** Checks a device proof the way the gateway does: the v3 string, signed by the key whose hash is the id. */
function verifyProof(proof: DeviceProof, signed: { token: string; platform: string; nonce?: string; ts?: number }): boolean {
  const raw = Buffer.from(proof.publicKey, 'base64url');
  assert.equal(raw.length, 32);
  assert.equal(proof.id, createHash('sha256').update(raw).digest('hex'));
  const text = [
    'v3',
    proof.id,
    'gateway-client',
    'ui',
    'operator',
    ALL_SCOPES,
    String(signed.ts ?? CHALLENGE.ts),
    signed.token,
    signed.nonce ?? CHALLENGE.nonce,
    signed.platform,
    '',
  ].join('|');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: proof.publicKey }, format: 'jwk' });
  return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(proof.signature, 'base64url'));
}

const refusal = (code: string, details?: Record<string, unknown>) =>
  new GatewayRequestError('connect', { code: 'INVALID_REQUEST', message: 'refused', details: { code, ...details } });

const hello = (deviceToken?: string): HelloOk => ({
  type: 'hello-ok',
  protocol: 3,
  server: { version: '1' },
  auth: deviceToken ? { deviceToken, role: 'operator' } : { role: 'operator' },
});

describe('the connect params', () => {
  it('name this client, its role, scopes and caps, and carry the shared token signed for the challenge', async () => {
    const { auth } = makeAuth({ token: 'shared-1' });
    const params: ConnectParams = await auth.connectParams(URL_A, CHALLENGE);
    const { device, ...rest } = params;
    assert.deepEqual(rest, {
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: 'gateway-client', version: '1.2.3', platform: 'Linux', mode: 'ui' },
      role: 'operator',
      scopes: ALL_SCOPES.split(','),
      caps: ['tool-events', 'exec-approvals'],
      auth: { token: 'shared-1' },
      userAgent: 'openclaw-vscode/1.2.3',
    });
    assert.equal(device.nonce, CHALLENGE.nonce);
    assert.equal(device.signedAt, CHALLENGE.ts);
    assert.ok(verifyProof(device, { token: 'shared-1', platform: 'linux' }));
    assert.ok(!verifyProof(device, { token: '', platform: 'linux' }), 'the signature covers the token');
    assert.ok(!verifyProof(device, { token: 'shared-1', platform: 'linux', nonce: 'other' }), 'and the nonce');
  });

  it('without a shared token, present the device token stored for this gateway only', async () => {
    const store = new MemoryCredentialStore();
    await store.set(storeDeviceTokenKey(URL_A), 'device-a');
    const { auth } = makeAuth({ store });
    const forA = await auth.connectParams(URL_A + '/', CHALLENGE);
    assert.deepEqual(forA.auth, { deviceToken: 'device-a' });
    assert.ok(verifyProof(forA.device, { token: 'device-a', platform: 'linux' }));
    const forB = await auth.connectParams(URL_B, CHALLENGE);
    assert.deepEqual(forB.auth, {});
    assert.ok(verifyProof(forB.device, { token: '', platform: 'linux' }));
  });

  it('a shared token wins over a stored device token', async () => {
    const store = new MemoryCredentialStore();
    await store.set(storeDeviceTokenKey(URL_A), 'device-a');
    const { auth } = makeAuth({ store, token: 'shared-1' });
    assert.deepEqual((await auth.connectParams(URL_A, CHALLENGE)).auth, { token: 'shared-1' });
  });

  it('an empty shared token is no token', async () => {
    const { auth } = makeAuth({ token: '' });
    assert.deepEqual((await auth.connectParams(URL_A, CHALLENGE)).auth, {});
    assert.deepEqual([...auth.secrets], []);
  });

  it("uses this computer's platform when none is given", async () => {
    const store = new MemoryCredentialStore();
    const auth = new ConnectAuth({ store, clientVersion: '9' }, () => {});
    const params = await auth.connectParams(URL_A, CHALLENGE);
    assert.equal(params.client.platform, process.platform);
    assert.ok(verifyProof(params.device, { token: '', platform: process.platform.toLowerCase() }));
  });

  it('keeps one device key, saved in the store, until told to forget it', async () => {
    const { auth, store } = makeAuth();
    const first = (await auth.connectParams(URL_A, CHALLENGE)).device;
    const pem = store.values.get(STORE_DEVICE_KEY);
    assert.ok(pem?.includes('PRIVATE KEY'), 'saved as PEM');
    assert.equal(DeviceIdentity.fromPem(pem ?? '').id, first.id);
    await store.clear();
    assert.equal((await auth.connectParams(URL_A, CHALLENGE)).device.id, first.id, 'the key in memory is kept');
    await store.clear();
    auth.forget();
    const after = (await auth.connectParams(URL_A, CHALLENGE)).device;
    assert.notEqual(after.id, first.id, 'a forgotten key is not used again');
    assert.equal(DeviceIdentity.fromPem(store.values.get(STORE_DEVICE_KEY)!).id, after.id);
  });

  it('forget drops the shared token too', async () => {
    const store = new MemoryCredentialStore();
    await store.set(storeDeviceTokenKey(URL_A), 'device-a');
    const { auth } = makeAuth({ store, token: 'shared-1' });
    auth.forget();
    assert.deepEqual((await auth.connectParams(URL_A, CHALLENGE)).auth, { deviceToken: 'device-a' });
  });

  it('remembers every token it handled, for redaction', async () => {
    const store = new MemoryCredentialStore();
    await store.set(storeDeviceTokenKey(URL_A), 'device-a');
    const { auth } = makeAuth({ store, token: 'shared-1' });
    auth.setToken('shared-2');
    await auth.connectParams(URL_A, CHALLENGE);
    auth.onHello(URL_A, hello('device-new'));
    assert.deepEqual(new Set(auth.secrets), new Set(['shared-1', 'shared-2', 'device-a', 'device-new']));
  });
});

describe('the device token a hello-ok hands out', () => {
  it("is stored under that gateway's origin and taken out of the hello", async () => {
    const { auth, store } = makeAuth();
    const answer = hello('device-new');
    auth.onHello('ws://LOCALHOST:18789/path', answer);
    await Promise.resolve();
    assert.equal(store.values.get(storeDeviceTokenKey('ws://localhost:18789')), 'device-new');
    assert.deepEqual(answer.auth, { role: 'operator' });
  });

  it('a hello without one stores nothing', async () => {
    const { auth, store } = makeAuth();
    const answer = hello();
    auth.onHello(URL_A, answer);
    await Promise.resolve();
    assert.equal(store.values.size, 0);
    assert.deepEqual(answer.auth, { role: 'operator' });
  });

  it('a hello with no auth block at all stores nothing either', async () => {
    const { auth, store } = makeAuth();
    auth.onHello(URL_A, { type: 'hello-ok', protocol: 3, server: { version: '1' } });
    await Promise.resolve();
    assert.equal(store.values.size, 0);
  });

  it('a store that fails is logged, not thrown', async () => {
    const store = new MemoryCredentialStore();
    store.set = () => Promise.reject(new Error('keyring locked'));
    const { auth, logs } = makeAuth({ store });
    auth.onHello(URL_A, hello('device-new'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(logs, ['warn: could not store the device token: keyring locked']);
  });
});

describe('after connect was refused', () => {
  /** A client with a shared token (null: none) and a device token stored for URL_A, after one connect. */
  async function connected(token: string | null = 'shared-1') {
    const store = new MemoryCredentialStore();
    await store.set(storeDeviceTokenKey(URL_A), 'device-a');
    const made = makeAuth({ store, token: token ?? undefined });
    await made.auth.connectParams(URL_A, CHALLENGE);
    return made;
  }
  const tokenOf = async (auth: ConnectAuth) => (await auth.connectParams(URL_A, CHALLENGE)).auth;

  it('a refused shared token is tried once more as the device token, when the gateway offers it', async () => {
    const { auth, logs } = await connected();
    const refused = refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true });
    assert.equal(auth.retryAfterRefusal(URL_A, refused), true);
    assert.deepEqual(logs, ['info: the shared token was refused; retrying once with the device token']);
    assert.deepEqual(await tokenOf(auth), { deviceToken: 'device-a' });
    assert.equal(auth.retryAfterRefusal(URL_A, refused), false, 'once');
    auth.allowDeviceTokenRetry();
    assert.equal(auth.retryAfterRefusal(URL_A, refused), true, 'again after a person asked');
  });

  it('a hello-ok allows that retry again', async () => {
    const { auth } = await connected();
    const refused = refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true });
    assert.equal(auth.retryAfterRefusal(URL_A, refused), true);
    auth.onHello(URL_A, hello());
    assert.equal(auth.retryAfterRefusal(URL_A, refused), true);
  });

  it('no device-token retry when the gateway does not offer it, or no device token is held', async () => {
    const { auth } = await connected();
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH')), false);
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: 'yes' })), false);
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('OTHER', { canRetryWithDeviceToken: true })), false);
    const bare = makeAuth({ token: 'shared-1' });
    await bare.auth.connectParams(URL_A, CHALLENGE);
    assert.equal(bare.auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), false);
    assert.deepEqual(await tokenOf(bare.auth), { token: 'shared-1' });
  });

  it('before any connect, no device token is known to retry with', async () => {
    const store = new MemoryCredentialStore();
    await store.set(storeDeviceTokenKey(URL_A), 'device-a');
    const { auth } = makeAuth({ store, token: 'shared-1' });
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), false);
  });

  it('a forgotten device holds no device token to retry with', async () => {
    const { auth } = await connected();
    auth.forget();
    auth.setToken('shared-1');
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), false);
  });

  it('a device token short of the scopes asked for is followed once by the shared token', async () => {
    const { auth, logs } = await connected();
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), true);
    logs.length = 0;
    const scopes = refusal('AUTH_SCOPE_MISMATCH');
    assert.equal(auth.retryAfterRefusal(URL_A, scopes), true);
    assert.deepEqual(logs, ['info: the device token does not cover the scopes asked for (approvals, questions); retrying once with the shared token']);
    assert.deepEqual(await tokenOf(auth), { token: 'shared-1' });
    assert.equal(auth.retryAfterRefusal(URL_A, scopes), false, 'once');
    auth.allowDeviceTokenRetry();
    assert.equal(auth.retryAfterRefusal(URL_A, scopes), true, 'again after a person asked');
    auth.onHello(URL_A, hello());
    assert.equal(auth.retryAfterRefusal(URL_A, scopes), true, 'and after a hello-ok');
  });

  it('no scope retry without a shared token', async () => {
    const { auth } = await connected(null);
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_SCOPE_MISMATCH')), false);
  });

  for (const code of ['AUTH_DEVICE_TOKEN_MISMATCH', 'DEVICE_TOKEN_MISMATCH']) {
    it(`${code} deletes that gateway's device token, and goes back to the shared token`, async () => {
      const { auth, store } = await connected();
      await store.set(storeDeviceTokenKey(URL_B), 'device-b');
      assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), true);
      assert.equal(auth.retryAfterRefusal(URL_A, refusal(code)), true);
      await Promise.resolve();
      assert.equal(store.values.has(storeDeviceTokenKey(URL_A)), false);
      assert.equal(store.values.get(storeDeviceTokenKey(URL_B)), 'device-b');
      assert.deepEqual(await tokenOf(auth), { token: 'shared-1' });
    });

    it(`${code} with the shared token already in use, or none, is not retried`, async () => {
      const { auth, store } = await connected();
      assert.equal(auth.retryAfterRefusal(URL_A, refusal(code)), false);
      const none = await connected(null);
      assert.equal(none.auth.retryAfterRefusal(URL_A, refusal(code)), false);
      await Promise.resolve();
      assert.equal(store.values.has(storeDeviceTokenKey(URL_A)), false);
      assert.equal(none.store.values.has(storeDeviceTokenKey(URL_A)), false);
    });
  }

  it('a setToken goes back to the shared token after a device-token retry', async () => {
    const { auth } = await connected();
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), true);
    auth.setToken('shared-2');
    assert.deepEqual(await tokenOf(auth), { token: 'shared-2' });
  });

  it('forget goes back from device-token-only too', async () => {
    const { auth, store } = await connected();
    assert.equal(auth.retryAfterRefusal(URL_A, refusal('AUTH_TOKEN_MISMATCH', { canRetryWithDeviceToken: true })), true);
    auth.forget();
    await store.delete(storeDeviceTokenKey(URL_A));
    auth.setToken('shared-2');
    assert.deepEqual(await tokenOf(auth), { token: 'shared-2' });
  });
});

describe('the device identity', () => {
  it('signs the v3 string with platform and device family in lower case', () => {
    const device = DeviceIdentity.generate();
    const fields = {
      clientId: 'c',
      clientMode: 'm',
      role: 'r',
      scopes: ['a', 'b'],
      token: 't',
      nonce: 'n',
      signedAt: 5,
      platform: 'MacOS',
      deviceFamily: 'Desk',
    };
    const proof = device.prove(fields);
    assert.deepEqual(
      { id: proof.id, publicKey: proof.publicKey, signedAt: proof.signedAt, nonce: proof.nonce },
      {
        id: device.id,
        publicKey: device.publicKey,
        signedAt: 5,
        nonce: 'n',
      },
    );
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: device.publicKey }, format: 'jwk' });
    const text = `v3|${device.id}|c|m|r|a,b|5|t|n|macos|desk`;
    assert.ok(verify(null, Buffer.from(text), key, Buffer.from(proof.signature, 'base64url')));
    assert.match(device.id, /^[0-9a-f]{64}$/);
  });

  it('loads the saved key, or makes and saves one when there is none or it is damaged', async () => {
    const store = new MemoryCredentialStore();
    const made = await DeviceIdentity.load(store);
    assert.equal((await DeviceIdentity.load(store)).id, made.id);
    assert.equal(DeviceIdentity.fromPem(made.toPem()).publicKey, made.publicKey);
    await store.set(STORE_DEVICE_KEY, 'not a key');
    const fresh = await DeviceIdentity.load(store);
    assert.notEqual(fresh.id, made.id);
    assert.equal(DeviceIdentity.fromPem(store.values.get(STORE_DEVICE_KEY)!).id, fresh.id);
  });
});
