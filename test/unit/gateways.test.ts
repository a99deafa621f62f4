import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { storeDeviceTokenKey } from '../../src/gateway/constants';
import type { DiscoveredGateway } from '../../src/gateway/discovery';
import { discoverProfiles, gatewayList, readAddedGateways, resolveGateway, type AddedGateway } from '../../src/gateway/gateway-list';
import { gatewayOrigin } from '../../src/gateway/gateway-url';
import { FakeGateway, MAIN_SESSION } from '../../tools/fake-gateway';
import { twoGatewaysChat } from '../support/two-gateways';
import { waitFor, waitForState } from '../support/wait';

const files = (map: Record<string, string>) => (file: string) => {
  if (file in map) return map[file];
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

const discovered = (url: string, token?: string): DiscoveredGateway => ({
  url,
  origin: gatewayOrigin(url),
  token,
  urlSource: 'config',
  tokenSource: token ? 'config' : 'none',
  configPath: undefined,
  configProblem: undefined,
});

describe('the gateway list', () => {
  it('finds the profiles OpenClaw makes (~/.openclaw-NAME/openclaw.json and its port)', () => {
    const profiles = discoverProfiles({
      home: '/home/u',
      readDir: () => ['.openclaw', '.openclaw-work', '.openclaw-noport', '.openclaw-bad', '.openclaw-../x', 'other'],
      readFile: files({
        '/home/u/.openclaw-work/openclaw.json': '{ "gateway": { "port": 19011, "auth": { "token": "work-token" } } }',
        '/home/u/.openclaw-noport/openclaw.json': '{ "gateway": {} }',
        '/home/u/.openclaw-bad/openclaw.json': '{ nope',
      }),
    });
    assert.deepEqual(profiles, [
      { id: 'ws://127.0.0.1:19011', name: 'Profile work', url: 'ws://127.0.0.1:19011', kind: 'profile', configPath: '/home/u/.openclaw-work/openclaw.json' },
    ]);
    assert.deepEqual(
      discoverProfiles({
        home: '/nowhere',
        readDir: () => {
          throw new Error('ENOENT');
        },
      }),
      [],
    );
  });

  it('keeps only usable added gateways from untrusted state: no ws:// to another computer, no credentials in URLs', () => {
    const added = readAddedGateways([
      { name: 'Home server', url: 'wss://home.example:8443' },
      { name: 'Plain remote', url: 'ws://home.example:18789' },
      { name: 'With password', url: 'wss://u:p@home.example' },
      { name: '', url: 'ws://127.0.0.1:19999' },
      'junk',
      { url: 42 },
    ]);
    assert.deepEqual(added, [
      { name: 'Home server', url: 'wss://home.example:8443' },
      { name: 'ws://127.0.0.1:19999', url: 'ws://127.0.0.1:19999' },
    ]);
    assert.deepEqual(readAddedGateways({ not: 'a list' }), []);
  });

  it('lists the discovered gateway, then profiles, then added ones, once per origin', () => {
    const profile = { id: 'ws://127.0.0.1:19011', name: 'Profile work', url: 'ws://127.0.0.1:19011', kind: 'profile' as const };
    const added: AddedGateway[] = [
      { name: 'Same as default', url: 'ws://localhost:18789' },
      { name: 'Same as default, other spelling', url: 'ws://127.0.0.1:18789/' },
      { name: 'VPS', url: 'wss://vps.example' },
    ];
    const list = gatewayList(discovered('ws://127.0.0.1:18789'), [profile], added);
    assert.deepEqual(
      list.map((e) => [e.kind, e.id]),
      [
        ['discovered', 'ws://127.0.0.1:18789'],
        ['profile', 'ws://127.0.0.1:19011'],
        ['added', 'ws://localhost:18789'],
        ['added', 'wss://vps.example:443'],
      ],
    );
  });

  it("gives each gateway its own token only: a profile its config's, an added one the one set for it, never another's", async () => {
    const home = discovered('ws://127.0.0.1:18789', 'default-token');
    const secrets: Record<string, string> = { 'wss://vps.example:443': 'vps-token' };
    const input = {
      secretToken: (origin: string) => secrets[origin],
      readFile: files({ '/p/openclaw.json': '{ "gateway": { "port": 19011, "auth": { "token": "work-token" } } }' }),
    };
    const [def, work, vps, other] = gatewayList(
      home,
      [{ id: 'ws://127.0.0.1:19011', name: 'w', url: 'ws://127.0.0.1:19011', kind: 'profile', configPath: '/p/openclaw.json' }],
      [
        { name: 'VPS', url: 'wss://vps.example' },
        { name: 'Other', url: 'wss://other.example:9443' },
      ],
    );
    assert.equal((await resolveGateway(def, home, input)).token, 'default-token');
    assert.deepEqual([(await resolveGateway(work, home, input)).token, (await resolveGateway(work, home, input)).tokenSource], ['work-token', 'config']);
    assert.deepEqual([(await resolveGateway(vps, home, input)).token, (await resolveGateway(vps, home, input)).tokenSource], ['vps-token', 'secret']);
    const none = await resolveGateway(other, home, input);
    assert.deepEqual([none.url, none.origin, none.token, none.tokenSource], ['wss://other.example:9443', 'wss://other.example:9443', undefined, 'none']);
  });
});

describe('two gateways at once', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('switches between them: each keeps its own session and credentials, and nothing of one reaches the other', async () => {
    const a = await new FakeGateway({ token: 'token-of-a-0123456789' }).start();
    const b = await new FakeGateway({ token: 'token-of-b-0123456789' }).start();
    cleanups.push(
      () => a.stop(),
      () => b.stop(),
    );
    const chat = await twoGatewaysChat({ url: a.url, token: 'token-of-a-0123456789' }, { url: b.url, token: 'token-of-b-0123456789' });
    cleanups.push(() => chat.dispose());
    const { client, controller, switcher, store, sessions, drafts, entryA, entryB } = chat;
    assert.deepEqual([entryA.name, entryB.name], ['A', 'B']);

    // On A: a session of its own, and a turn in it.
    await chat.startOnA();
    await waitForState(client, 'connected');
    await controller.switchSession('agent:main:only-on-a');
    controller.send('hello A');
    await waitFor(() => !controller.busy && controller.transcript.some((i) => i.kind === 'assistant'), 'turn on A');
    const deviceTokenA = await waitFor(() => store.values.get(storeDeviceTokenKey(gatewayOrigin(a.url))), 'A device token');

    // A goes away; a message typed meanwhile waits in the offline queue...
    await a.stop();
    await waitFor(() => client.state.kind !== 'connected', 'A gone');
    controller.send('typed while A was down');
    // ...and must not go to B when the person switches.
    await switcher.switchTo(entryB);
    // ...and is not lost either: it is back in the message box, to send to B or not.
    assert.deepEqual(drafts, ['typed while A was down']);
    await waitForState(client, 'connected');
    await waitFor(() => !controller.busy, 'nothing in flight on B');
    assert.equal(controller.sessionKey, MAIN_SESSION, 'B starts at its own main session');
    controller.send('hello B');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text.includes('hello B')), 'turn on B');
    const deviceTokenB = await waitFor(() => store.values.get(storeDeviceTokenKey(gatewayOrigin(b.url))), 'B device token');
    assert.notEqual(deviceTokenA, deviceTokenB);

    const toB = JSON.stringify(b.received);
    for (const secret of ['token-of-a-0123456789', deviceTokenA, 'only-on-a', 'typed while A was down', 'hello A']) {
      assert.ok(!toB.includes(secret), `B never saw ${secret}`);
    }
    assert.equal((b.requests('connect')[0].params as { auth: { token?: string } }).auth.token, 'token-of-b-0123456789');

    // Back to A (up again on the same port): its session comes back, with its own token.
    await controller.switchSession('agent:main:only-on-b');
    await a.start(a.port);
    const receivedBefore = a.received.length;
    await switcher.switchTo(entryA);
    await waitForState(client, 'connected');
    assert.equal(controller.sessionKey, 'agent:main:only-on-a');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'user' && i.text === 'hello A'), 'A history shown again');
    const toA = JSON.stringify(a.received.slice(receivedBefore));
    for (const secret of ['token-of-b-0123456789', deviceTokenB, 'only-on-b', 'hello B']) assert.ok(!toA.includes(secret), `A never saw ${secret}`);
    assert.equal(sessions.get(gatewayOrigin(b.url)), 'agent:main:only-on-b');
  });
});
