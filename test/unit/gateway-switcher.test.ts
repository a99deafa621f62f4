/**
 * Switching gateways without VS Code: the switcher on fake deps (discovery, stored tokens, the
 * client and the chat controller), checking which gateway it picks, with whose token, and the order
 * in which the old connection ends and the new one starts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiscoveredGateway } from '../../src/gateway/discovery';
import type { AddedGateway, GatewayEntry } from '../../src/gateway/gateway-list';
import { GatewaySwitcher } from '../../src/extension/gateway-switcher';

const DISCOVERED: DiscoveredGateway = {
  url: 'ws://127.0.0.1:18789',
  origin: 'ws://127.0.0.1:18789',
  token: 'discovered-token',
  urlSource: 'config',
  tokenSource: 'config',
  configPath: '/home/me/.openclaw/openclaw.json',
  configProblem: undefined,
};
const ADDED: AddedGateway = { name: 'Lab', url: 'wss://lab.example:9443' };
const ADDED_ORIGIN = 'wss://lab.example:9443';

function setup(options: { selected?: string; secrets?: Record<string, string>; sessions?: Record<string, string> } = {}) {
  const calls: string[] = [];
  let selected = options.selected;
  const switcher = new GatewaySwitcher({
    client: { setEndpoint: (url, token) => void calls.push(`setEndpoint ${url} ${token}`) },
    controller: {
      changeGateway: (key) => {
        calls.push(`changeGateway ${JSON.stringify(key)}`);
        return Promise.resolve();
      },
    },
    discover: () => Promise.resolve(DISCOVERED),
    profiles: () => [],
    added: () => [ADDED],
    secretToken: (origin) => Promise.resolve(options.secrets?.[origin]),
    rememberedSession: (origin) => options.sessions?.[origin],
    selected: () => selected,
    select: (origin) => {
      selected = origin;
      calls.push(`select ${origin}`);
      return Promise.resolve();
    },
    log: (message) => void calls.push(`log ${message}`),
  });
  return { switcher, calls, selected: () => selected };
}

const entryOf = async (switcher: GatewaySwitcher, kind: GatewayEntry['kind']) => (await switcher.list()).find((e) => e.kind === kind)!;

describe('gateway switcher', () => {
  it('lists the discovered gateway first, then the added ones', async () => {
    const { switcher } = setup();
    assert.equal(switcher.current, undefined, 'nothing before initial()');
    assert.deepEqual(
      (await switcher.list()).map((e) => [e.kind, e.id, e.name]),
      [
        ['discovered', DISCOVERED.origin, 'Default (this computer)'],
        ['added', ADDED_ORIGIN, 'Lab'],
      ],
    );
  });

  it('starts with the discovered gateway when none was chosen, or the chosen one is gone', async () => {
    for (const selected of [undefined, 'wss://gone.example:1']) {
      const { switcher, calls } = setup({ selected, secrets: { [ADDED_ORIGIN]: 'lab-token' } });
      assert.equal(await switcher.initial(), DISCOVERED);
      assert.equal(switcher.current, DISCOVERED);
      assert.deepEqual(calls, [], 'initial() does not connect');
    }
  });

  it('starts with the chosen gateway, with the token stored for its own origin', async () => {
    const { switcher } = setup({ selected: ADDED_ORIGIN, secrets: { [ADDED_ORIGIN]: ' lab-token ', [DISCOVERED.origin!]: 'other' } });
    const chosen = await switcher.initial();
    assert.deepEqual([chosen.url, chosen.origin, chosen.token, chosen.tokenSource], [ADDED.url, ADDED_ORIGIN, 'lab-token', 'secret']);
    assert.equal(switcher.current, chosen);
  });

  it('switching: remembers the choice, logs it, moves the client, then brings back that gateway’s session', async () => {
    const { switcher, calls, selected } = setup({ secrets: { [ADDED_ORIGIN]: 'lab-token' }, sessions: { [ADDED_ORIGIN]: 'agent:main:lab' } });
    const next = await switcher.switchTo(await entryOf(switcher, 'added'));
    assert.equal(next.token, 'lab-token');
    assert.equal(switcher.current, next);
    assert.equal(selected(), ADDED_ORIGIN);
    assert.deepEqual(calls, [
      `select ${ADDED_ORIGIN}`,
      `log switching to gateway Lab at ${ADDED.url} (token from secret)`,
      `setEndpoint ${ADDED.url} lab-token`,
      'changeGateway "agent:main:lab"',
    ]);
  });

  it('switching back to the discovered gateway forgets the choice; no remembered session opens the default', async () => {
    const { switcher, calls, selected } = setup({ selected: ADDED_ORIGIN });
    const next = await switcher.switchTo(await entryOf(switcher, 'discovered'));
    assert.equal(next, DISCOVERED);
    assert.equal(selected(), undefined);
    assert.deepEqual(calls, [
      'select undefined',
      `log switching to gateway Default (this computer) at ${DISCOVERED.url} (token from config)`,
      `setEndpoint ${DISCOVERED.url} discovered-token`,
      'changeGateway ""',
    ]);
  });

  it('refresh resolves the chosen gateway again and points the client at it', async () => {
    const secrets: Record<string, string> = { [ADDED_ORIGIN]: 'old' };
    const { switcher, calls } = setup({ selected: ADDED_ORIGIN, secrets });
    await switcher.initial();
    secrets[ADDED_ORIGIN] = 'new';
    const next = await switcher.refresh();
    assert.equal(next.token, 'new');
    assert.equal(switcher.current, next);
    assert.deepEqual(calls, [`setEndpoint ${ADDED.url} new`]);
  });
});
