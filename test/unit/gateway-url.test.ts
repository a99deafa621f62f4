import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGatewayUrl, gatewayOrigin, isLoopbackHost, redactUrl, tryGatewayOrigin } from '../../src/gateway/gateway-url';

describe('gateway URLs', () => {
  it('knows which hosts are this computer', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['10.0.0.5', '192.168.1.2', '127.0.0.1.example.com', 'localhost.example', '::ffff:10.0.0.1', '1270.0.0.1', ''])
      assert.ok(!isLoopbackHost(host), host);
  });

  it('takes only a whole dotted 127.x.y.z, and brackets only around an IPv6 literal', () => {
    assert.ok(isLoopbackHost('127.255.255.255'));
    for (const host of ['127.0.0', '127.0.0.1.5', '127.0.0.256', '127.0.0.0001', '127.0.0.+1', '127.x.0.1', '128.0.0.1', 'local[host', 'local]host'])
      assert.ok(!isLoopbackHost(host), host);
  });

  it('says what is wrong with each refused URL, under the reason the banner acts on', () => {
    const refusal = (url: string) => {
      const checked = checkGatewayUrl(url);
      assert.equal(checked.ok, false, url);
      return checked.ok ? { reason: '', message: '' } : checked;
    };
    assert.deepEqual(refusal('not a url'), {
      ok: false,
      reason: 'bad-url',
      message: '"not a url" is not a URL. Set openclaw.gatewayUrl to ws://127.0.0.1:18789 for a local gateway, or wss://host:port for a remote one.',
    });
    assert.deepEqual(refusal('http://127.0.0.1:18789'), {
      ok: false,
      reason: 'bad-url',
      message: 'http://127.0.0.1:18789/ is not a WebSocket URL: it must start with wss:// (or ws:// for a gateway on this computer).',
    });
    // A user name alone is a credential too.
    const named = refusal('wss://alice@gateway.example');
    assert.equal(named.reason, 'bad-url');
    assert.match(named.message, /^wss:\/\/\*\*\*@gateway\.example\/ carries credentials/);
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
    assert.equal(gatewayOrigin('ws://gateway.example'), 'ws://gateway.example:80');
    assert.equal(gatewayOrigin(new URL('wss://Gateway.example:8443/x')), 'wss://gateway.example:8443');
    assert.equal(tryGatewayOrigin('ws://127.0.0.1:18789/x'), 'ws://127.0.0.1:18789');
    assert.equal(tryGatewayOrigin('not a url'), undefined);
    assert.equal(tryGatewayOrigin(''), undefined);
    assert.equal(tryGatewayOrigin(undefined), undefined);
  });

  it('redacts credentials in URLs for logs and messages', () => {
    assert.equal(redactUrl('wss://alice:pw@gateway.example:9/x?token=abc#frag'), 'wss://***:***@gateway.example:9/x?***');
    assert.equal(redactUrl('ws://127.0.0.1:18789'), 'ws://127.0.0.1:18789');
    assert.equal(redactUrl('garbage //user:pw@host ?token=abc'), 'garbage //***@host ?***');
    // Only what is there is masked: no user, password or query added where there was none.
    assert.equal(redactUrl('wss://h.example/?token=abc'), 'wss://h.example/?***');
    assert.equal(redactUrl('wss://alice@h.example/'), 'wss://***@h.example/');
    assert.equal(redactUrl('wss://alice:pw@h.example/'), 'wss://***:***@h.example/');
    assert.equal(redactUrl('  ws://127.0.0.1:18789  '), 'ws://127.0.0.1:18789');
    assert.equal(redactUrl(`not a url ${'x'.repeat(300)}`).length, 200);
  });
});
