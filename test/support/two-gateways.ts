// A chat core with the extension's gateway switcher over two added gateways, A and B (the fake
// ones in test/unit/gateways.test.ts, real ones in test/gateway/two-gateways.test.ts). The
// discovered gateway is an address where nothing listens: only the added ones are used.
import { ChatController } from '../../src/extension/chat-controller';
import { GatewaySwitcher } from '../../src/extension/gateway-switcher';
import { storeGatewayTokenKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import type { GatewayClientOptions } from '../../src/gateway/gateway-client';
import type { GatewayEntry } from '../../src/gateway/gateway-list';
import { gatewayOrigin } from '../../src/gateway/gateway-url';
import { makeClient } from './clients';

export interface TwoGatewaysChat {
  client: ReturnType<typeof makeClient>;
  controller: ChatController;
  switcher: GatewaySwitcher;
  store: MemoryCredentialStore;
  /** The session remembered per origin. */
  sessions: Map<string, string>;
  /** Text the chat put back into the message box. */
  drafts: string[];
  entryA: GatewayEntry;
  entryB: GatewayEntry;
  /** Connects to A, as if it had been chosen last time. */
  startOnA(): Promise<void>;
  dispose(): void;
}

export async function twoGatewaysChat(
  a: { url: string; token: string },
  b: { url: string; token: string },
  clientOptions: Partial<GatewayClientOptions> = {},
): Promise<TwoGatewaysChat> {
  const store = new MemoryCredentialStore();
  await store.set(storeGatewayTokenKey(gatewayOrigin(a.url)), a.token);
  await store.set(storeGatewayTokenKey(gatewayOrigin(b.url)), b.token);
  const sessions = new Map<string, string>();
  let selected: string | undefined;
  const added = [
    { name: 'A', url: a.url },
    { name: 'B', url: b.url },
  ];
  const client = makeClient(a.url, { store, token: undefined, ...clientOptions });
  const nowhere = 'ws://127.0.0.1:1';
  const switcher: GatewaySwitcher = new GatewaySwitcher({
    client,
    controller: { changeGateway: (key) => controller.changeGateway(key) },
    discover: () =>
      Promise.resolve({
        url: nowhere,
        origin: gatewayOrigin(nowhere),
        token: undefined,
        urlSource: 'config',
        tokenSource: 'none',
        configPath: undefined,
        configProblem: undefined,
      }),
    profiles: () => [],
    added: () => added,
    secretToken: (origin) => store.get(storeGatewayTokenKey(origin)),
    rememberedSession: (origin) => sessions.get(origin),
    selected: () => selected,
    select: (origin) => {
      selected = origin;
      return Promise.resolve();
    },
    log: () => undefined,
  });
  const controller = new ChatController(client, {
    log: () => undefined,
    thinking: () => undefined,
    saveSession: (key) => sessions.set(switcher.current!.origin!, key),
  });
  const drafts: string[] = [];
  controller.onChange((change) => change.type === 'draft' && drafts.push(change.text));
  const [, entryA, entryB] = await switcher.list();
  return {
    client,
    controller,
    switcher,
    store,
    sessions,
    drafts,
    entryA,
    entryB,
    async startOnA() {
      selected = entryA.id;
      const first = await switcher.initial();
      client.setEndpoint(first.url, first.token);
      client.start();
    },
    dispose() {
      client.close();
      controller.dispose();
    },
  };
}
