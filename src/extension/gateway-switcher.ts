/**
 * Which gateway the chat talks to, and switching it: one connection at a time, each gateway with
 * its own token, device token, trusted certificate (all kept per origin by the client's store) and
 * the session last shown on it. vscode-free: the glue shows the picker and keeps the lists.
 */

import type { DiscoveredGateway } from '../gateway/discovery';
import type { GatewayClient } from '../gateway/gateway-client';
import { gatewayList, resolveGateway, type AddedGateway, type GatewayEntry } from '../gateway/gateway-list';
import type { ChatController } from './chat-controller';

export interface GatewaySwitcherDeps {
  client: Pick<GatewayClient, 'setEndpoint'>;
  controller: Pick<ChatController, 'changeGateway'>;
  /** The gateway zero-config discovery finds now (setting, environment, config, default). */
  discover(): Promise<DiscoveredGateway>;
  profiles(): GatewayEntry[];
  added(): AddedGateway[];
  /** The token set with "Set Gateway Token" for an origin. */
  secretToken(origin: string): Promise<string | undefined>;
  /** The session last shown on a gateway (by origin), and remembering it. */
  rememberedSession(origin: string): string | undefined;
  /** The gateway chosen last (an origin), or undefined for the discovered one; and remembering it. */
  selected(): string | undefined;
  select(origin: string | undefined): Promise<void>;
  log(message: string): void;
}

export class GatewaySwitcher {
  private currentGateway: DiscoveredGateway | undefined;

  constructor(private readonly deps: GatewaySwitcherDeps) {}

  /** The gateway connected to (or to be): its URL, origin and where its token came from. */
  get current(): DiscoveredGateway | undefined {
    return this.currentGateway;
  }

  /** Every gateway to choose from, the current one included. */
  async list(): Promise<GatewayEntry[]> {
    return gatewayList(await this.deps.discover(), this.deps.profiles(), this.deps.added());
  }

  /**
   * The gateway to start with (the one chosen last, if it is still in the list, else the
   * discovered one), resolved with its own token. Does not connect.
   */
  async initial(): Promise<DiscoveredGateway> {
    const discovered = await this.deps.discover();
    const chosen = this.deps.selected();
    const entry = chosen ? gatewayList(discovered, this.deps.profiles(), this.deps.added()).find((e) => e.id === chosen) : undefined;
    this.currentGateway = entry ? await resolveGateway(entry, discovered, { secretToken: (o) => this.deps.secretToken(o) }) : discovered;
    return this.currentGateway;
  }

  /**
   * Talks to `entry` from now on: the turns of the gateway left end there, the session last shown
   * on `entry` comes back, and the client connects with `entry`'s own credentials.
   */
  async switchTo(entry: GatewayEntry): Promise<DiscoveredGateway> {
    const discovered = await this.deps.discover();
    const next = await resolveGateway(entry, discovered, { secretToken: (o) => this.deps.secretToken(o) });
    await this.deps.select(entry.kind === 'discovered' ? undefined : entry.id);
    this.currentGateway = next;
    this.deps.log(`switching to gateway ${entry.name} at ${entry.url} (token from ${next.tokenSource})`);
    // The old socket goes first (nothing more reaches the gateway left, not even the new
    // session's name), then, in the same tick, before the new one can open, every turn of the old
    // gateway ends: one queued while offline is never sent to this one.
    this.deps.client.setEndpoint(next.url, next.token);
    await this.deps.controller.changeGateway(this.deps.rememberedSession(entry.id) ?? '');
    return next;
  }

  /** Discovery or a token changed: resolves the current gateway again (the chosen one stays chosen). */
  async refresh(): Promise<DiscoveredGateway> {
    const next = await this.initial();
    this.deps.client.setEndpoint(next.url, next.token);
    return next;
  }
}
