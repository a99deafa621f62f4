/**
 * The names the client is known by (constants.ts) that are a contract with something outside this
 * repository: the gateway checks the client id, mode, role and scopes against what a signed Node
 * UI client may ask for, and the credential store's keys must read the secrets an earlier version
 * of the extension saved. Changing any of these silently breaks pairing or loses a person's tokens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CAPS,
  CLIENT_ID,
  CLIENT_MODE,
  DEFAULT_GATEWAY_PORT,
  DEFAULT_GATEWAY_URL,
  DEFAULT_MAX_PAYLOAD,
  ROLE,
  SCOPES,
  STORE_DEVICE_KEY,
  storeDeviceTokenKey,
  storeGatewayTokenKey,
  storeTlsPinKey,
  TURN_TIMEOUT_MS,
} from '../../src/gateway/constants';

describe('the gateway contract', () => {
  it('a local gateway listens on the loopback default port', () => {
    assert.equal(DEFAULT_GATEWAY_URL, `ws://127.0.0.1:${DEFAULT_GATEWAY_PORT}`);
    assert.equal(DEFAULT_GATEWAY_PORT, 18789);
  });

  it('the client asks as an operator UI, for approvals and questions, with tool events', () => {
    assert.deepEqual([CLIENT_ID, CLIENT_MODE, ROLE], ['gateway-client', 'ui', 'operator']);
    assert.deepEqual(SCOPES, ['operator.read', 'operator.write', 'operator.admin', 'operator.approvals', 'operator.questions']);
    assert.deepEqual(CAPS, ['tool-events', 'exec-approvals']);
  });

  it("the request size limit without a policy is the gateway's own default, 25 MiB; a turn may take 15 minutes", () => {
    assert.equal(DEFAULT_MAX_PAYLOAD, 26_214_400);
    assert.equal(TURN_TIMEOUT_MS, 900_000);
  });
});

describe('the credential store keys', () => {
  it('are the ones earlier versions saved under, one per gateway origin', () => {
    assert.equal(STORE_DEVICE_KEY, 'openclaw.device.privateKey');
    assert.equal(storeDeviceTokenKey('wss://a.example:443'), 'openclaw.deviceToken:wss://a.example:443');
    assert.equal(storeTlsPinKey('wss://a.example:443'), 'openclaw.tlsPin:wss://a.example:443');
    assert.equal(storeGatewayTokenKey('wss://a.example:443'), 'openclaw.gatewayToken:wss://a.example:443');
  });
});
