/**
 * The gateways a person can switch between: the one discovery finds (discovery.ts), the profiles
 * OpenClaw itself makes (`openclaw --profile NAME` keeps its state in `~/.openclaw-NAME/`, with its
 * own `openclaw.json` and port), and the ones the person added by URL. Each is known by its origin
 * (gateway-url.ts), and everything kept for a gateway is kept under that origin alone: its token,
 * its device token, its trusted certificate and the session the chat showed. So nothing of one
 * gateway is ever sent to another, and switching back finds each as it was left.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { isRecord } from '../protocol/schema';
import type { DiscoveredGateway } from './discovery';
import { readGatewayConfig } from './discovery';
import { checkGatewayUrl, isLoopbackHost, tryGatewayOrigin } from './gateway-url';

export type GatewayKind = 'discovered' | 'profile' | 'added';

export interface GatewayEntry {
  /** The gateway's origin (`wss://host:port`): its identity and the key everything of it is kept under. */
  id: string;
  name: string;
  url: string;
  kind: GatewayKind;
  /** For a profile: its openclaw.json, whose `gateway.auth.token` goes to that profile's port alone. */
  configPath?: string;
}

/** A gateway the person added: as kept in the extension's global state. */
export interface AddedGateway {
  name: string;
  url: string;
}

/** Most gateways a person keeps in the list; more is a mistake (or a hostile state file). */
export const MAX_ADDED_GATEWAYS = 50;

export interface ProfileInput {
  home?: string;
  readDir?: (dir: string) => string[];
  readFile?: (file: string) => string;
}

/**
 * The profiles OpenClaw made in the home folder (`.openclaw-NAME/openclaw.json` with a
 * `gateway.port`), each as a gateway on this computer at that port, sorted by name. Never throws.
 */
export function discoverProfiles(input: ProfileInput = {}): GatewayEntry[] {
  const home = input.home ?? homedir();
  const read = input.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  let names: string[];
  try {
    names = (input.readDir ?? ((dir: string) => readdirSync(dir)))(home);
  } catch {
    return [];
  }
  const out: GatewayEntry[] = [];
  for (const dir of names.sort()) {
    const profile = /^\.openclaw-([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/.exec(dir)?.[1];
    if (!profile) continue;
    const configPath = path.join(home, dir, 'openclaw.json');
    const config = readGatewayConfig(configPath, read);
    if (config.port === undefined) continue;
    const url = `ws://127.0.0.1:${config.port}`;
    out.push({ id: tryGatewayOrigin(url)!, name: `Profile ${profile}`, url, kind: 'profile', configPath });
  }
  return out;
}

/**
 * Reads the added gateways from untrusted storage: entries with a usable URL (ws:// only on this
 * computer), a name, and no more than MAX_ADDED_GATEWAYS.
 */
export function readAddedGateways(raw: unknown): AddedGateway[] {
  if (!Array.isArray(raw)) return [];
  const out: AddedGateway[] = [];
  for (const item of raw.slice(0, MAX_ADDED_GATEWAYS)) {
    if (!isRecord(item) || typeof item.url !== 'string' || typeof item.name !== 'string') continue;
    if (!checkGatewayUrl(item.url).ok) continue;
    out.push({ name: item.name.trim().slice(0, 80) || item.url, url: item.url.trim() });
  }
  return out;
}

/**
 * The list to switch between: the discovered gateway first, then profiles, then the added ones;
 * one entry per origin (the first one wins), so a profile that is also the discovered gateway
 * appears once.
 */
export function gatewayList(
  discovered: Pick<DiscoveredGateway, 'url' | 'origin' | 'urlSource'>,
  profiles: GatewayEntry[],
  added: AddedGateway[],
): GatewayEntry[] {
  const entries: GatewayEntry[] = [];
  const seen = new Set<string>();
  const push = (entry: GatewayEntry) => {
    if (seen.has(entry.id)) return;
    seen.add(entry.id);
    entries.push(entry);
  };
  if (discovered.origin) {
    const where = discovered.urlSource === 'setting' ? 'from settings' : discovered.urlSource === 'env' ? 'from OPENCLAW_GATEWAY_URL' : 'this computer';
    push({ id: discovered.origin, name: `Default (${where})`, url: discovered.url, kind: 'discovered' });
  }
  for (const profile of profiles) push(profile);
  for (const gateway of added) {
    const checked = checkGatewayUrl(gateway.url);
    if (checked.ok) push({ id: checked.origin, name: gateway.name, url: gateway.url, kind: 'added' });
  }
  return entries;
}

export interface ResolveInput {
  /** The token stored with "Set Gateway Token" for an origin (SecretStorage). */
  secretToken: (origin: string) => string | undefined | Promise<string | undefined>;
  readFile?: (file: string) => string;
}

/**
 * Where to connect for `entry`, and with which token: the discovered gateway as discovery found it;
 * any other with the token set for its own origin, else (a profile on this computer) its own
 * config's `gateway.auth.token`, else none. No other gateway's token is ever a candidate.
 */
export async function resolveGateway(entry: GatewayEntry, discovered: DiscoveredGateway, input: ResolveInput): Promise<DiscoveredGateway> {
  if (entry.kind === 'discovered' && entry.id === discovered.origin) return discovered;
  const base: DiscoveredGateway = {
    url: entry.url,
    origin: entry.id,
    token: undefined,
    urlSource: 'setting',
    tokenSource: 'none',
    configPath: entry.configPath,
    configProblem: undefined,
  };
  const secret = (await input.secretToken(entry.id))?.trim();
  if (secret) return { ...base, token: secret, tokenSource: 'secret' };
  if (entry.kind === 'profile' && entry.configPath && isLoopbackHost(new URL(entry.id).hostname)) {
    const config = readGatewayConfig(entry.configPath, input.readFile ?? ((file: string) => readFileSync(file, 'utf8')));
    if (config.token && tryGatewayOrigin(`ws://127.0.0.1:${config.port}`) === entry.id)
      return { ...base, token: config.token, tokenSource: 'config', configProblem: config.problem };
    return { ...base, configProblem: config.problem };
  }
  return base;
}
