import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverGateway, openclawConfigPath } from '../../src/gateway/discovery';

const files = (map: Record<string, string>) => (file: string) => {
  if (file in map) return map[file];
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('zero-configuration discovery', () => {
  it('defaults to ws://127.0.0.1:18789 with no token', () => {
    const found = discoverGateway({ env: {}, home: '/home/u', readFile: files({}) });
    assert.deepEqual(found, { url: 'ws://127.0.0.1:18789', token: undefined, urlSource: 'default', tokenSource: 'none', configPath: undefined, configProblem: undefined });
  });

  it('reads port and token from ~/.openclaw/openclaw.json, comments and trailing commas allowed', () => {
    const config = '{\n  // local gateway\n  "gateway": { "mode": "local", "port": 19001, "auth": { "mode": "token", "token": "from-config", }, },\n}';
    const found = discoverGateway({ env: {}, home: '/home/u', readFile: files({ '/home/u/.openclaw/openclaw.json': config }) });
    assert.equal(found.url, 'ws://127.0.0.1:19001');
    assert.equal(found.token, 'from-config');
    assert.equal(found.urlSource, 'config');
    assert.equal(found.tokenSource, 'config');
    assert.equal(found.configPath, '/home/u/.openclaw/openclaw.json');
  });

  it('prefers settings and secrets, then environment, then the config file', () => {
    const read = files({ '/cfg.json': '{"gateway":{"port":1,"auth":{"token":"c"}}}' });
    const env = { OPENCLAW_CONFIG_PATH: '/cfg.json', OPENCLAW_GATEWAY_URL: 'ws://env:2', OPENCLAW_GATEWAY_TOKEN: 'e' };
    assert.deepEqual(pick(discoverGateway({ env, readFile: read })), ['ws://env:2', 'e', 'env', 'env']);
    assert.deepEqual(pick(discoverGateway({ env, readFile: read, settingUrl: 'wss://set:3', secretToken: 's' })), ['wss://set:3', 's', 'setting', 'secret']);
    assert.deepEqual(pick(discoverGateway({ env: { OPENCLAW_CONFIG_PATH: '/cfg.json' }, readFile: read })), ['ws://127.0.0.1:1', 'c', 'config', 'config']);
  });

  it('finds the config through OPENCLAW_CONFIG_PATH, then OPENCLAW_STATE_DIR', () => {
    assert.equal(openclawConfigPath({ OPENCLAW_CONFIG_PATH: '/a.json', OPENCLAW_STATE_DIR: '/s' }, '/h'), '/a.json');
    assert.equal(openclawConfigPath({ OPENCLAW_STATE_DIR: '/s' }, '/h'), '/s/openclaw.json');
    assert.equal(openclawConfigPath({}, '/h'), '/h/.openclaw/openclaw.json');
  });

  it('explains a malformed config file instead of crashing', () => {
    const found = discoverGateway({ env: {}, home: '/h', readFile: files({ '/h/.openclaw/openclaw.json': '{ "gateway": { "port": ' }) });
    assert.equal(found.url, 'ws://127.0.0.1:18789');
    assert.match(found.configProblem!, /^\/h\/\.openclaw\/openclaw\.json is not valid JSON \(.+\); fix it or set the token with "OpenClaw: Set Gateway Token"\.$/);
  });
});

function pick(found: ReturnType<typeof discoverGateway>) {
  return [found.url, found.token, found.urlSource, found.tokenSource];
}
