import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGatewayUrl, gatewayOrigin, isLoopbackHost, redactUrl } from '../../src/gateway/gateway-url';

describe('gateway URLs', () => {
  it('knows which hosts are this computer', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['10.0.0.5', '192.168.1.2', '127.0.0.1.example.com', 'localhost.example', '::ffff:10.0.0.1', '1270.0.0.1', ''])
      assert.ok(!isLoopbackHost(host), host);
  });

  it('refuses ws:// to another computer: the token and signature would travel in the clear', () => {
    for (const url of ['ws://192.168.1.20:18789', 'ws://gateway.example', 'ws://10.0.0.5:18789/']) {
      const checked = checkGatewayUrl(url);
      assert.equal(checked.ok, false, url);
      assert.equal(!checked.ok && checked.reason, 'insecure-url');
      assert.match(!checked.ok ? checked.message : '', /Use wss:\/\/ \(TLS\) for a remote gateway\.$/);
    }
    for (const url of ['ws://127.0.0.1:18789', 'ws://localhost:1', 'wss://gateway.example', 'wss://192.168.1.20:18789/gw'])
      assert.equal(checkGatewayUrl(url).ok, true, url);
  });

  it('refuses URLs that carry credentials, and never repeats them', () => {
    for (const url of ['wss://alice:s3cret-pw@gateway.example', 'wss://gateway.example/?token=s3cret-pw', 'ws://127.0.0.1:18789?s3cret-pw']) {
      const checked = checkGatewayUrl(url);
      assert.equal(checked.ok, false, url);
      assert.ok(!checked.ok && !checked.message.includes('s3cret-pw'), !checked.ok ? checked.message : '');
      assert.match(!checked.ok ? checked.message : '', /carries credentials/);
    }
  });

  it('refuses what is not a WebSocket URL', () => {
    assert.equal(checkGatewayUrl('http://127.0.0.1:18789').ok, false);
    assert.equal(checkGatewayUrl('not a url').ok, false);
  });

  it('names a gateway by its origin, with the port always written', () => {
    assert.equal(gatewayOrigin('ws://LOCALHOST:18789/'), 'ws://localhost:18789');
    assert.equal(gatewayOrigin('wss://gateway.example/openclaw'), 'wss://gateway.example:443');
    assert.equal(gatewayOrigin('ws://[::1]:5'), 'ws://[::1]:5');
  });

  it('redacts credentials in URLs for logs and messages', () => {
    assert.equal(redactUrl('wss://alice:pw@gateway.example:9/x?token=abc#frag'), 'wss://***:***@gateway.example:9/x?***');
    assert.equal(redactUrl('ws://127.0.0.1:18789'), 'ws://127.0.0.1:18789');
    assert.equal(redactUrl('garbage //user:pw@host ?token=abc'), 'garbage //***@host ?***');
  });
});
