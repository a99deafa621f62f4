/**
 * Reading OpenClaw's own config file (discovery.ts, `readGatewayConfig`): which ports and tokens
 * count, the JSON5-style comments and trailing commas the file may carry, and the spaces around
 * what a person typed. Pure but for one temporary file (the default reader is the real one).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverGateway, readGatewayConfig } from '../../src/gateway/discovery';

const FILE = '/cfg.json';
const read = (text: string) => readGatewayConfig(FILE, () => text);
const gateway = (value: unknown) => read(JSON.stringify({ gateway: value }));

describe("OpenClaw's config file", () => {
  it('a missing file is not found; a file without a gateway block is found, with nothing in it', () => {
    const missing = () => {
      throw new Error('ENOENT');
    };
    assert.deepEqual(readGatewayConfig(FILE, missing), { found: false });
    assert.deepEqual(read('{}'), { found: true });
    assert.deepEqual(read('[]'), { found: true });
    assert.deepEqual(read('null'), { found: true });
    assert.deepEqual(read('{ "gateway": 5 }'), { found: true });
    assert.deepEqual(gateway({}), { found: true });
  });

  it('a file that is not JSON is found, with a problem a person can act on', () => {
    const config = read('{ "gateway": ');
    assert.equal(config.found, true);
    assert.deepEqual(Object.keys(config), ['found', 'problem']);
    assert.match(config.problem!, /^\/cfg\.json is not valid JSON \(.+\); fix it or set the token with "OpenClaw: Set Gateway Token"\.$/);
  });

  it('takes a port from 1 to 65535, whole numbers only', () => {
    for (const port of [1, 18789, 65535]) assert.deepEqual(gateway({ port }), { found: true, port });
    const problem = '/cfg.json: gateway.port is not a port number; using ws://127.0.0.1:18789.';
    for (const port of [0, -1, 65536, 19001.5, '19001', null, true]) {
      assert.deepEqual(gateway({ port }), { found: true, problem }, JSON.stringify(port));
    }
  });

  it('takes a token that is a string with something in it, trimmed', () => {
    assert.deepEqual(gateway({ port: 19001, auth: { token: '  abc  ' } }), { found: true, port: 19001, token: 'abc' });
    for (const auth of [{ token: '   ' }, { token: 42 }, { token: ['abc'] }, {}, 'abc', null]) {
      assert.deepEqual(gateway({ auth }), { found: true }, JSON.stringify(auth));
    }
  });
});

describe('comments and trailing commas', () => {
  it('drops line and block comments, and commas before a closing bracket or brace', () => {
    const text = [
      '// OpenClaw config',
      '{ /* the gateway */ "gateway": {',
      '    "port": 19001, // a comment, then trailing commas',
      '    "auth": { "token": "t", "list": [1, 2,  ]  ,\t\n },',
      '  },',
      '}',
    ].join('\n');
    assert.deepEqual(read(text), { found: true, port: 19001, token: 't' });
  });

  it('leaves comment marks and quotes inside strings alone', () => {
    const text = '{ "gateway": { "port": 19001, "auth": { "token": "a//b/*c*/d\\"e\\\\" } } }';
    assert.deepEqual(read(text), { found: true, port: 19001, token: 'a//b/*c*/d"e\\' });
    const slashes = '{ "gateway": { "port": 19001, "auth": { "token": "x" }, "url": "http://h/*" } } // end';
    assert.deepEqual(read(slashes), { found: true, port: 19001, token: 'x' });
    // An escaped quote does not end the string: the comment mark after it is still inside.
    const escaped = '{ "gateway": { "port": 19001, "auth": { "token": "d\\"//x" } } }';
    assert.deepEqual(read(escaped), { found: true, port: 19001, token: 'd"//x' });
  });

  it('a block comment ends at the first */ after its opening, not inside it', () => {
    assert.deepEqual(read('{ /*/ "gateway": { "port": 1 }, */ "gateway": { "port": 19001 } }'), { found: true, port: 19001 });
  });

  it('a comment separates what is around it, as a space would', () => {
    assert.ok(read('{ "gateway": { "port": 190// split\n01 } }').problem);
    assert.ok(read('{ "gateway": { "port": 190/* split */01 } }').problem);
  });

  it('a comment at the very end needs no newline; an unterminated block comment ends the text', () => {
    assert.deepEqual(read('{ "gateway": { "port": 19001 } } // last'), { found: true, port: 19001 });
    assert.deepEqual(read('{ "gateway": { "port": 19001 } } /* never closed'), { found: true, port: 19001 });
    assert.ok(read('{ "gateway": /* never closed { "port": 19001 } }').problem);
  });
});

describe('what a person typed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openclaw-discovery-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('URLs and tokens are trimmed, wherever they come from', async () => {
    const env = { OPENCLAW_GATEWAY_URL: '  wss://env.example:9443  ', OPENCLAW_GATEWAY_TOKEN: '  env-token  ' };
    const fromEnv = await discoverGateway({ env, home: dir, readFile: () => '{}' });
    assert.deepEqual([fromEnv.url, fromEnv.origin, fromEnv.token, fromEnv.urlSource], ['wss://env.example:9443', 'wss://env.example:9443', 'env-token', 'env']);
    const fromSetting = await discoverGateway({
      env: {},
      home: dir,
      readFile: () => '{}',
      settingUrl: '  wss://set.example  ',
      secretToken: () => '  set-token  ',
    });
    assert.deepEqual([fromSetting.url, fromSetting.token, fromSetting.tokenSource], ['wss://set.example', 'set-token', 'secret']);
  });

  it('blank values count as unset', async () => {
    const found = await discoverGateway({
      env: { OPENCLAW_GATEWAY_URL: '   ', OPENCLAW_GATEWAY_TOKEN: '  ' },
      home: dir,
      readFile: () => '{}',
      settingUrl: '  ',
      secretToken: () => '   ',
    });
    assert.deepEqual([found.url, found.urlSource, found.token, found.tokenSource], ['ws://127.0.0.1:18789', 'default', undefined, 'none']);
  });

  it('the config file is read from disk when no reader is given', async () => {
    const file = path.join(dir, 'openclaw.json');
    writeFileSync(file, '{ "gateway": { "port": 19444, "auth": { "token": "disk" } } }');
    const found = await discoverGateway({ env: { OPENCLAW_CONFIG_PATH: file } });
    assert.deepEqual([found.url, found.token, found.configPath], ['ws://127.0.0.1:19444', 'disk', file]);
  });
});
