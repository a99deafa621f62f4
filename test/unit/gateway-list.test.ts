/**
 * The gateways a person switches between (gateway-list.ts): which profiles count, what survives
 * from untrusted stored state, the order and names of the list, and which token each entry gets.
 * Pure but for a temporary home folder (real files, no socket); switching between two running
 * gateways is test/unit/gateways.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { DiscoveredGateway } from '../../src/gateway/discovery';
import { tryGatewayOrigin } from '../../src/gateway/gateway-url';
import { discoverProfiles, gatewayList, readAddedGateways, resolveGateway, MAX_ADDED_GATEWAYS, type GatewayEntry } from '../../src/gateway/gateway-list';

const files = (map: Record<string, string>) => (file: string) => {
  if (file in map) return map[file];
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};
const portConfig = (port: unknown, token?: string) => JSON.stringify({ gateway: { port, auth: token ? { token } : undefined } });

const discovered = (url: string, urlSource: DiscoveredGateway['urlSource'] = 'config', token?: string): DiscoveredGateway => ({
  url,
  origin: tryGatewayOrigin(url),
  token,
  urlSource,
  tokenSource: token ? 'config' : 'none',
  configPath: undefined,
  configProblem: undefined,
});

describe('profiles', () => {
  it('are the .openclaw-NAME folders with a port, sorted by name, each on this computer', () => {
    const home = '/home/u';
    const names = ['.openclaw-zed', 'other', '.openclaw-A9', '.openclaw-a_b.c-d', '.openclaw', '.openclaw-noport', '.openclaw-bad'];
    const map: Record<string, string> = {
      '/home/u/.openclaw-zed/openclaw.json': portConfig(19003),
      '/home/u/.openclaw-A9/openclaw.json': portConfig(19001),
      '/home/u/.openclaw-a_b.c-d/openclaw.json': portConfig(19002),
      '/home/u/.openclaw-noport/openclaw.json': '{ "gateway": {} }',
      '/home/u/.openclaw-bad/openclaw.json': '{ nope',
      '/home/u/.openclaw/openclaw.json': portConfig(18789),
      '/home/u/other/openclaw.json': portConfig(18000),
    };
    const seen: string[] = [];
    const profiles = discoverProfiles({ home, readDir: (dir) => (seen.push(dir), [...names]), readFile: files(map) });
    assert.deepEqual(seen, [home]);
    assert.deepEqual(profiles, [
      { id: 'ws://127.0.0.1:19001', name: 'Profile A9', url: 'ws://127.0.0.1:19001', kind: 'profile', configPath: '/home/u/.openclaw-A9/openclaw.json' },
      {
        id: 'ws://127.0.0.1:19002',
        name: 'Profile a_b.c-d',
        url: 'ws://127.0.0.1:19002',
        kind: 'profile',
        configPath: '/home/u/.openclaw-a_b.c-d/openclaw.json',
      },
      { id: 'ws://127.0.0.1:19003', name: 'Profile zed', url: 'ws://127.0.0.1:19003', kind: 'profile', configPath: '/home/u/.openclaw-zed/openclaw.json' },
    ]);
  });

  it('take only a plain profile name: a letter or digit first, up to 64 characters', () => {
    const ok = ['.openclaw-a', `.openclaw-${'b'.repeat(64)}`, '.openclaw-0._-'];
    const refused = [
      '.openclaw-',
      `.openclaw-${'c'.repeat(65)}`,
      '.openclaw-_x',
      '.openclaw-.x',
      '.openclaw--x',
      'x.openclaw-a',
      '.openclaw-a/',
      '.openclaw-a b',
      '.openclaw-a!',
      '.openclaw-é',
    ];
    const all = [...ok, ...refused];
    const profiles = discoverProfiles({ home: '/h', readDir: () => all, readFile: () => portConfig(19000) });
    assert.deepEqual(
      profiles.map((p) => p.name),
      ok.map((dir) => `Profile ${dir.slice('.openclaw-'.length)}`).sort(),
    );
  });

  it('an unreadable home folder has none', () => {
    const thrower = () => {
      throw new Error('EACCES');
    };
    assert.deepEqual(discoverProfiles({ home: '/nowhere', readDir: thrower }), []);
  });

  it("look in the person's home folder by default", () => {
    const seen: string[] = [];
    discoverProfiles({ readDir: (dir) => (seen.push(dir), []) });
    assert.deepEqual(seen, [homedir()]);
  });

  describe('on disk', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'openclaw-profiles-'));
    after(() => rmSync(home, { recursive: true, force: true }));

    it('are read from the real folder and files when no readers are given', () => {
      mkdirSync(path.join(home, '.openclaw-disk'));
      writeFileSync(path.join(home, '.openclaw-disk', 'openclaw.json'), portConfig(19555, 'disk-token'));
      assert.deepEqual(discoverProfiles({ home }), [
        {
          id: 'ws://127.0.0.1:19555',
          name: 'Profile disk',
          url: 'ws://127.0.0.1:19555',
          kind: 'profile',
          configPath: path.join(home, '.openclaw-disk', 'openclaw.json'),
        },
      ]);
    });

    it("and a profile's token is read from its own file on disk", async () => {
      const [entry] = discoverProfiles({ home });
      const resolved = await resolveGateway(entry, discovered('ws://127.0.0.1:18789'), { secretToken: () => undefined });
      assert.deepEqual([resolved.token, resolved.tokenSource], ['disk-token', 'config']);
    });
  });
});

describe('added gateways from stored state', () => {
  it('keep usable URLs with a name, trimmed', () => {
    const added = readAddedGateways([
      { name: '  Home server  ', url: '  wss://home.example:8443  ' },
      { name: 'Plain remote', url: 'ws://home.example:18789' },
      { name: 'With password', url: 'wss://u:p@home.example' },
      { name: '   ', url: 'ws://127.0.0.1:19999' },
      { name: 'n'.repeat(100), url: 'wss://long.example' },
      { name: 'No URL' },
      { name: 42, url: 'wss://named-by-number.example' },
      { url: 'wss://unnamed.example' },
      'junk',
      null,
    ]);
    assert.deepEqual(added, [
      { name: 'Home server', url: 'wss://home.example:8443' },
      { name: 'ws://127.0.0.1:19999', url: 'ws://127.0.0.1:19999' },
      { name: 'n'.repeat(80), url: 'wss://long.example' },
    ]);
  });

  it('anything but a list is none', () => {
    for (const raw of [undefined, null, 'wss://x.example', { 0: { name: 'a', url: 'wss://a.example' }, length: 1 }]) {
      assert.deepEqual(readAddedGateways(raw), [], JSON.stringify(raw));
    }
  });

  it(`keep no more than ${MAX_ADDED_GATEWAYS}`, () => {
    const raw = Array.from({ length: MAX_ADDED_GATEWAYS + 5 }, (_, i) => ({ name: `g${i}`, url: `wss://g${i}.example` }));
    const added = readAddedGateways(raw);
    assert.equal(MAX_ADDED_GATEWAYS, 50);
    assert.equal(added.length, 50);
    assert.equal(added[49].name, 'g49');
  });
});

describe('the list', () => {
  const profile: GatewayEntry = { id: 'ws://127.0.0.1:19011', name: 'Profile work', url: 'ws://127.0.0.1:19011', kind: 'profile' };

  it('names the discovered gateway by where its URL came from', () => {
    const name = (source: DiscoveredGateway['urlSource']) => gatewayList(discovered('ws://127.0.0.1:18789', source), [], [])[0].name;
    assert.deepEqual((['setting', 'env', 'config', 'default'] as const).map(name), [
      'Default (from settings)',
      'Default (from OPENCLAW_GATEWAY_URL)',
      'Default (this computer)',
      'Default (this computer)',
    ]);
  });

  it('lists the discovered gateway, then profiles, then added ones, once per origin', () => {
    const list = gatewayList(
      discovered('ws://127.0.0.1:18789/'),
      [profile, { ...profile, name: 'Profile twin' }],
      [
        { name: 'Same as default', url: 'ws://127.0.0.1:18789' },
        { name: 'Same as the profile', url: 'ws://127.0.0.1:19011/x' },
        { name: 'VPS', url: 'wss://vps.example' },
        { name: 'VPS again', url: 'wss://VPS.example:443' },
        { name: 'Unusable', url: 'ws://remote.example' },
        { name: 'Not a URL', url: 'nope' },
      ],
    );
    assert.deepEqual(list, [
      { id: 'ws://127.0.0.1:18789', name: 'Default (this computer)', url: 'ws://127.0.0.1:18789/', kind: 'discovered' },
      profile,
      { id: 'wss://vps.example:443', name: 'VPS', url: 'wss://vps.example', kind: 'added' },
    ]);
  });

  it('leaves out a discovered URL that is not a URL', () => {
    assert.deepEqual(gatewayList(discovered('nope'), [profile], []), [profile]);
  });
});

describe('which token an entry gets', () => {
  const CONFIG = '/p/openclaw.json';
  const work: GatewayEntry = { id: 'ws://127.0.0.1:19011', name: 'Profile work', url: 'ws://127.0.0.1:19011', kind: 'profile', configPath: CONFIG };
  const home = discovered('ws://127.0.0.1:18789', 'config', 'default-token');
  const none = (entry: GatewayEntry) => ({
    url: entry.url,
    origin: entry.id,
    token: undefined,
    urlSource: 'setting',
    tokenSource: 'none',
    configPath: entry.configPath,
    configProblem: undefined,
  });

  it('the discovered gateway keeps what discovery found', async () => {
    const [entry] = gatewayList(home, [], []);
    assert.equal(await resolveGateway(entry, home, { secretToken: () => 'other' }), home);
  });

  it("an added entry at the discovered gateway's origin is still resolved as added: its URL, the token set for it", async () => {
    const entry: GatewayEntry = { id: 'ws://127.0.0.1:18789', name: 'Mine', url: 'ws://localhost:18789/', kind: 'added' };
    const resolved = await resolveGateway(entry, home, { secretToken: () => undefined });
    assert.deepEqual(resolved, { ...none(entry), url: 'ws://localhost:18789/' });
  });

  it('an entry of an earlier discovery is resolved as any other, with no token of the new one', async () => {
    const [entry] = gatewayList(discovered('ws://127.0.0.1:18790'), [], []);
    assert.deepEqual(await resolveGateway(entry, home, { secretToken: () => undefined }), none(entry));
  });

  it('a token set for its own origin comes first, trimmed; a blank one is none', async () => {
    const asked: string[] = [];
    const input = {
      secretToken: (origin: string) => (asked.push(origin), Promise.resolve('  set-token  ')),
      readFile: files({ [CONFIG]: portConfig(19011, 'work-token') }),
    };
    const resolved = await resolveGateway(work, home, input);
    assert.deepEqual(resolved, { ...none(work), token: 'set-token', tokenSource: 'secret' });
    assert.deepEqual(asked, ['ws://127.0.0.1:19011']);
    const blank = await resolveGateway(work, home, { ...input, secretToken: () => '   ' });
    assert.deepEqual([blank.token, blank.tokenSource], ['work-token', 'config']);
  });

  it("a profile gets its own config's token, with the config's problem", async () => {
    const resolved = await resolveGateway(work, home, {
      secretToken: () => undefined,
      readFile: files({ [CONFIG]: JSON.stringify({ gateway: { port: 19011, auth: { token: ' work-token ' } } }) }),
    });
    assert.deepEqual(resolved, { ...none(work), token: 'work-token', tokenSource: 'config' });
  });

  it('a profile whose config now names another port gets no token, and one whose config has none neither', async () => {
    const moved = await resolveGateway(work, home, { secretToken: () => undefined, readFile: files({ [CONFIG]: portConfig(19012, 'work-token') }) });
    assert.deepEqual(moved, none(work));
    const tokenless = await resolveGateway(work, home, { secretToken: () => undefined, readFile: files({ [CONFIG]: portConfig(19011) }) });
    assert.deepEqual(tokenless, none(work));
  });

  it("a config's problem is passed on", async () => {
    const bad = await resolveGateway(work, home, { secretToken: () => undefined, readFile: files({ [CONFIG]: '{ nope' }) });
    assert.deepEqual(bad.token, undefined);
    assert.match(bad.configProblem ?? '', /^\/p\/openclaw\.json is not valid JSON/);
  });

  it('a config token never goes to a profile entry that is not on this computer, or has no config', async () => {
    const input = { secretToken: () => undefined, readFile: files({ [CONFIG]: portConfig(19011, 'work-token') }) };
    const remote: GatewayEntry = { ...work, id: 'wss://evil.example:19011', url: 'wss://evil.example:19011' };
    assert.deepEqual(await resolveGateway(remote, home, input), none(remote));
    const noConfig: GatewayEntry = { ...work, configPath: undefined };
    assert.deepEqual(await resolveGateway(noConfig, home, input), none(noConfig));
    const addedHere: GatewayEntry = { ...work, kind: 'added' };
    assert.deepEqual(await resolveGateway(addedHere, home, input), none(addedHere));
  });
});
