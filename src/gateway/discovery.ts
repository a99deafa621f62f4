import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DEFAULT_GATEWAY_PORT, DEFAULT_GATEWAY_URL } from './constants';
import { isRecord } from '../protocol/schema';
import { isLoopbackHost, tryGatewayOrigin } from './gateway-url';

export type UrlSource = 'setting' | 'env' | 'config' | 'default';
export type TokenSource = 'secret' | 'env' | 'config' | 'none';

export interface DiscoveredGateway {
  url: string;
  /** The origin credentials are stored under and bound to; undefined when `url` is not a URL. */
  origin: string | undefined;
  token: string | undefined;
  urlSource: UrlSource;
  tokenSource: TokenSource;
  /** The OpenClaw config file that was read, if one was. */
  configPath: string | undefined;
  /** Set when the config file exists but could not be used: a sentence a person can act on. */
  configProblem: string | undefined;
}

export interface DiscoveryInput {
  /** The URL from the person's own (user or machine) settings, if they set one. */
  settingUrl?: string;
  /** The token stored with "Set Gateway Token" for a gateway origin (SecretStorage). */
  secretToken?: (origin: string) => string | undefined | Promise<string | undefined>;
  env?: NodeJS.ProcessEnv;
  home?: string;
  readFile?: (file: string) => string;
}

/**
 * Finds the gateway URL with no configuration for a local OpenClaw user, in order: the setting,
 * `OPENCLAW_GATEWAY_URL`, the gateway's own config (`OPENCLAW_CONFIG_PATH`, else
 * `$OPENCLAW_STATE_DIR/openclaw.json`, else `~/.openclaw/openclaw.json`: `gateway.port`), else
 * `ws://127.0.0.1:18789`.
 *
 * Then the token, which only goes where it was issued for: one stored with "Set Gateway Token" for
 * that very origin; `OPENCLAW_GATEWAY_TOKEN` only to `OPENCLAW_GATEWAY_URL` (or, when that is unset,
 * to the loopback default port); the config file's `gateway.auth.token` only to this computer on
 * that file's port. A URL none of them belongs to gets no token.
 * Never throws: a malformed config file is reported in `configProblem`.
 */
export async function discoverGateway(input: DiscoveryInput = {}): Promise<DiscoveredGateway> {
  const env = input.env ?? process.env;
  const read = input.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  const configPath = openclawConfigPath(env, input.home ?? homedir());
  const config = readGatewayConfig(configPath, read);

  const settingUrl = input.settingUrl?.trim();
  const envUrl = env.OPENCLAW_GATEWAY_URL?.trim();
  let url = DEFAULT_GATEWAY_URL;
  let urlSource: UrlSource = 'default';
  if (settingUrl) [url, urlSource] = [settingUrl, 'setting'];
  else if (envUrl) [url, urlSource] = [envUrl, 'env'];
  else if (config.port !== undefined) [url, urlSource] = [`ws://127.0.0.1:${config.port}`, 'config'];

  const origin = tryGatewayOrigin(url);
  let token: string | undefined;
  let tokenSource: TokenSource = 'none';
  const envToken = env.OPENCLAW_GATEWAY_TOKEN?.trim();
  const secretToken = origin ? (await input.secretToken?.(origin))?.trim() : undefined;
  if (secretToken) [token, tokenSource] = [secretToken, 'secret'];
  else if (envToken && origin && (envUrl ? origin === tryGatewayOrigin(envUrl) : isLoopbackOn(origin, DEFAULT_GATEWAY_PORT)))
    [token, tokenSource] = [envToken, 'env'];
  else if (config.token && origin && isLoopbackOn(origin, config.port ?? DEFAULT_GATEWAY_PORT)) [token, tokenSource] = [config.token, 'config'];

  return {
    url,
    origin,
    token,
    urlSource,
    tokenSource,
    configPath: config.found ? configPath : undefined,
    configProblem: config.problem,
  };
}

/** Whether an origin is this computer, on `port`. */
function isLoopbackOn(origin: string, port: number): boolean {
  const url = new URL(origin);
  return isLoopbackHost(url.hostname) && Number(url.port) === port;
}

/** Where the OpenClaw gateway keeps its config, by the same rules as the gateway itself. */
export function openclawConfigPath(env: NodeJS.ProcessEnv, home: string): string {
  if (env.OPENCLAW_CONFIG_PATH) return env.OPENCLAW_CONFIG_PATH;
  if (env.OPENCLAW_STATE_DIR) return path.join(env.OPENCLAW_STATE_DIR, 'openclaw.json');
  return path.join(home, '.openclaw', 'openclaw.json');
}

export interface GatewayConfig {
  found: boolean;
  port?: number;
  token?: string;
  problem?: string;
}

/** `gateway.port` and `gateway.auth.token` of an OpenClaw config file; never throws. */
export function readGatewayConfig(file: string, read: (file: string) => string): GatewayConfig {
  let text: string;
  try {
    text = read(file);
  } catch {
    return { found: false };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (error) {
    return { found: true, problem: `${file} is not valid JSON (${(error as Error).message}); fix it or set the token with "OpenClaw: Set Gateway Token".` };
  }
  const gateway = isRecord(parsed) && isRecord(parsed.gateway) ? parsed.gateway : undefined;
  if (!gateway) return { found: true };
  const out: GatewayConfig = { found: true };
  const port = gateway.port;
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) out.port = port;
  else if (port !== undefined) {
    out.problem = `${file}: gateway.port is not a port number; using ${DEFAULT_GATEWAY_URL}.`;
  }
  const auth = isRecord(gateway.auth) ? gateway.auth : undefined;
  if (auth && typeof auth.token === 'string' && auth.token.trim()) out.token = auth.token.trim();
  return out;
}

/** OpenClaw's config may carry JSON5-style comments and trailing commas; drop them outside strings. */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      // A comment separates what is around it, as JSON5 reads it: `1/* */2` is not 12.
      out += ' ';
      i++;
    } else {
      out += ch;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
