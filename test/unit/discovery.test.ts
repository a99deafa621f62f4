import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverGateway, openclawConfigPath } from '../../src/gateway/discovery';

const files = (map: Record<string, string>) => (file: string) => {
  if (file in map) return map[file];
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

const CONFIG = '/cfg.json';
/** A local gateway's own config: port 19001, token "from-config". */
const withConfig = files({ [CONFIG]: '{"gateway":{"port":19001,"auth":{"token":"from-config"}}}' });
const configEnv = { OPENCLAW_CONFIG_PATH: CONFIG };

describe('zero-configuration discovery', () => {
  it('defaults to ws://127.0.0.1:18789 with no token', async () => {
    const found = await discoverGateway({ env: {}, home: '/home/u', readFile: files({}) });
    assert.deepEqual(found, {
      url: 'ws://127.0.0.1:18789',
      origin: 'ws://127.0.0.1:18789',
      token: undefined,
      urlSource: 'default',
      tokenSource: 'none',
      configPath: undefined,
      configProblem: undefined,
    });
  });

  it('reads port and token from ~/.openclaw/openclaw.json, comments and trailing commas allowed', async () => {
    const config = '{\n  // local gateway\n  "gateway": { "mode": "local", "port": 19001, "auth": { "mode": "token", "token": "from-config", }, },\n}';
    const found = await discoverGateway({ env: {}, home: '/home/u', readFile: files({ '/home/u/.openclaw/openclaw.json': config }) });
    assert.equal(found.url, 'ws://127.0.0.1:19001');
    assert.equal(found.token, 'from-config');
    assert.equal(found.urlSource, 'config');
    assert.equal(found.tokenSource, 'config');
    assert.equal(found.configPath, '/home/u/.openclaw/openclaw.json');
  });

  it('takes the URL from the setting, then the environment, then the config file', async () => {
    const env = { ...configEnv, OPENCLAW_GATEWAY_URL: 'wss://env.example:2' };
    assert.equal((await discoverGateway({ env, readFile: withConfig, settingUrl: 'wss://set.example:3' })).urlSource, 'setting');
    assert.equal((await discoverGateway({ env, readFile: withConfig })).urlSource, 'env');
    assert.equal((await discoverGateway({ env: configEnv, readFile: withConfig })).urlSource, 'config');
  });

  it('finds the config through OPENCLAW_CONFIG_PATH, then OPENCLAW_STATE_DIR', () => {
    assert.equal(openclawConfigPath({ OPENCLAW_CONFIG_PATH: '/a.json', OPENCLAW_STATE_DIR: '/s' }, '/h'), '/a.json');
    assert.equal(openclawConfigPath({ OPENCLAW_STATE_DIR: '/s' }, '/h'), '/s/openclaw.json');
    assert.equal(openclawConfigPath({}, '/h'), '/h/.openclaw/openclaw.json');
  });

  it('explains a malformed config file instead of crashing', async () => {
    const found = await discoverGateway({ env: {}, home: '/h', readFile: files({ '/h/.openclaw/openclaw.json': '{ "gateway": { "port": ' }) });
    assert.equal(found.url, 'ws://127.0.0.1:18789');
    assert.match(
      found.configProblem!,
      /^\/h\/\.openclaw\/openclaw\.json is not valid JSON \(.+\); fix it or set the token with "OpenClaw: Set Gateway Token"\.$/,
    );
  });
});

describe('every token goes only where it was issued for', () => {
  it("the config file's token goes to no other host than this computer", async () => {
    const found = await discoverGateway({ env: configEnv, readFile: withConfig, settingUrl: 'wss://attacker.example' });
    assert.deepEqual([found.url, found.token, found.tokenSource], ['wss://attacker.example', undefined, 'none']);
  });

  it("the config file's token goes to this computer only on that file's port", async () => {
    for (const url of ['ws://127.0.0.1:19001', 'ws://localhost:19001', 'ws://[::1]:19001', 'wss://127.0.0.1:19001/']) {
      assert.equal((await discoverGateway({ env: configEnv, readFile: withConfig, settingUrl: url })).token, 'from-config', url);
    }
    for (const url of ['ws://127.0.0.1:18789', 'ws://127.0.0.1:19002', 'ws://10.0.0.5:19001', 'wss://gateway.example:19001']) {
      assert.equal((await discoverGateway({ env: configEnv, readFile: withConfig, settingUrl: url })).token, undefined, url);
    }
  });

  it('a config file without a port binds its token to the default port', async () => {
    const read = files({ [CONFIG]: '{"gateway":{"auth":{"token":"t"}}}' });
    assert.equal((await discoverGateway({ env: configEnv, readFile: read })).token, 't');
    assert.equal((await discoverGateway({ env: configEnv, readFile: read, settingUrl: 'ws://127.0.0.1:19001' })).token, undefined);
  });

  it('OPENCLAW_GATEWAY_TOKEN goes to OPENCLAW_GATEWAY_URL only', async () => {
    const env = { OPENCLAW_GATEWAY_URL: 'wss://home.example:8443', OPENCLAW_GATEWAY_TOKEN: 'from-env' };
    const atEnvUrl = await discoverGateway({ env, readFile: files({}) });
    assert.deepEqual([atEnvUrl.token, atEnvUrl.tokenSource], ['from-env', 'env']);
    assert.equal((await discoverGateway({ env, readFile: files({}), settingUrl: 'wss://HOME.example:8443/gw' })).token, 'from-env', 'same origin, other path');
    assert.equal((await discoverGateway({ env, readFile: files({}), settingUrl: 'wss://other.example:8443' })).token, undefined);
    assert.equal((await discoverGateway({ env, readFile: files({}), settingUrl: 'ws://127.0.0.1:18789' })).token, undefined);
  });

  it('OPENCLAW_GATEWAY_TOKEN without OPENCLAW_GATEWAY_URL goes to the loopback default only', async () => {
    const env = { OPENCLAW_GATEWAY_TOKEN: 'from-env' };
    assert.equal((await discoverGateway({ env, readFile: files({}) })).token, 'from-env');
    assert.equal((await discoverGateway({ env, readFile: files({}), settingUrl: 'wss://attacker.example' })).token, undefined);
    assert.equal(
      (await discoverGateway({ env: { ...env, ...configEnv }, readFile: withConfig })).token,
      'from-config',
      'port 19001 is the config file gateway, not the default',
    );
  });

  it('a token set with "Set Gateway Token" goes to the origin it was set for', async () => {
    const asked: string[] = [];
    const secretToken = (origin: string) => {
      asked.push(origin);
      return origin === 'wss://home.example:443' ? 'from-secret' : undefined;
    };
    const home = await discoverGateway({ env: {}, readFile: files({}), settingUrl: 'wss://HOME.example/', secretToken });
    assert.deepEqual([home.origin, home.token, home.tokenSource], ['wss://home.example:443', 'from-secret', 'secret']);
    const other = await discoverGateway({ env: {}, readFile: files({}), settingUrl: 'wss://other.example', secretToken });
    assert.deepEqual([other.token, other.tokenSource], [undefined, 'none']);
    assert.deepEqual(asked, ['wss://home.example:443', 'wss://other.example:443']);
  });

  it('a stored token wins over the environment and the config file for its own gateway', async () => {
    const env = { ...configEnv, OPENCLAW_GATEWAY_TOKEN: 'from-env', OPENCLAW_GATEWAY_URL: 'ws://127.0.0.1:19001' };
    const found = await discoverGateway({ env, readFile: withConfig, secretToken: async () => 'from-secret' });
    assert.deepEqual([found.token, found.tokenSource], ['from-secret', 'secret']);
    const noSecret = await discoverGateway({ env, readFile: withConfig });
    assert.deepEqual([noSecret.token, noSecret.tokenSource], ['from-env', 'env']);
  });
});
