/**
 * The in-memory credential store the tests and benchmarks use in place of SecretStorage: it must
 * behave like one (keys apart, delete and clear forget), or a test on it proves nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';

describe('memory credential store', () => {
  it('keeps each key apart, forgets one on delete and all on clear', async () => {
    const store = new MemoryCredentialStore();
    assert.equal(await store.get('device-key'), undefined);
    await store.set('device-key', 'k1');
    await store.set('device-token:wss://a:1', 't1');
    assert.equal(await store.get('device-key'), 'k1');
    await store.set('device-key', 'k2');
    assert.equal(await store.get('device-key'), 'k2', 'set replaces');
    await store.delete('device-key');
    assert.equal(await store.get('device-key'), undefined);
    assert.equal(await store.get('device-token:wss://a:1'), 't1', 'delete leaves the others');
    await store.clear();
    assert.equal(store.values.size, 0);
    assert.equal(await store.get('device-token:wss://a:1'), undefined);
  });
});
