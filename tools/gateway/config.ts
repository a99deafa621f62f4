// The gateway's config (openclaw.json) as the harness writes it: loopback only, token auth, the
// offline model server as the one provider. Apart from gateway.ts so that a unit test can write
// it without starting a gateway.
import path from 'node:path';
import { mkdirOwnerOnly, writeFileOwnerOnly } from '../owner-only';
import { MODEL_ID, VISION_MODEL_ID } from './model-server';

const PROVIDER_ID = 'harness';
/** "<provider>/<model>" as configured in agents.defaults.model.primary. */
export const HARNESS_MODEL = `${PROVIDER_ID}/${MODEL_ID}`;
/** The harness's second model, which takes images and has thinking levels (off, minimal, low, medium, high). */
export const HARNESS_VISION_MODEL = `${PROVIDER_ID}/${VISION_MODEL_ID}`;

/** Numeric comparison of "2026.9.6"-style versions (pre-release suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export interface GatewayConfigOptions {
  /** openclaw version the config is for (2026.4.27 and older know fewer keys). */
  version: string;
  port: number;
  /** gateway.auth.token: the secret that makes the file owner-only. */
  token: string;
  modelBaseUrl: string;
  workspace: string;
  logFile: string;
  /** Extra top-level keys, merged shallowly per top-level key. */
  extra?: Record<string, unknown>;
}

/** openclaw.json as the harness runs the gateway: loopback, token auth, our offline model only. */
function buildConfig(o: GatewayConfigOptions): Record<string, unknown> {
  const config: Record<string, unknown> = {
    gateway: { mode: 'local', port: o.port, bind: 'loopback', auth: { mode: 'token', token: o.token } },
    models: {
      catalogRefresh: { enabled: false },
      providers: {
        [PROVIDER_ID]: {
          baseUrl: o.modelBaseUrl,
          api: 'openai-completions',
          apiKey: 'harness-key',
          models: [
            {
              id: MODEL_ID,
              name: 'Harness echo model',
              input: ['text'],
              contextWindow: 128000,
              maxTokens: 4096,
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            },
            {
              id: VISION_MODEL_ID,
              name: 'Harness vision model',
              input: ['text', 'image'],
              reasoning: true,
              contextWindow: 128000,
              maxTokens: 4096,
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            },
          ],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: HARNESS_MODEL },
        workspace: o.workspace,
        skipBootstrap: true,
        heartbeat: { every: '0m' },
      },
    },
    update: { checkOnStart: false },
    telemetry: { enabled: false },
    discovery: { mdns: { mode: 'off' } },
    logging: { file: o.logFile },
  };
  // The config schema is closed: 2026.4.27 rejects keys it does not know yet ("Unrecognized key").
  if (compareVersions(o.version, '2026.4.27') <= 0) {
    delete config.telemetry;
    delete (config.models as Record<string, unknown>).catalogRefresh;
  }
  for (const [key, value] of Object.entries(o.extra ?? {})) {
    const base = config[key];
    config[key] = base && typeof base === 'object' && value && typeof value === 'object' ? { ...base, ...value } : value;
  }
  return config;
}

/**
 * Writes openclaw.json into `stateDir` and returns its path. The file holds gateway.auth.token, so it
 * is 0600 and its folder 0700, also when an earlier run left them readable.
 */
export function writeGatewayConfig(stateDir: string, options: GatewayConfigOptions): string {
  mkdirOwnerOnly(stateDir);
  const file = path.join(stateDir, 'openclaw.json');
  writeFileOwnerOnly(file, `${JSON.stringify(buildConfig(options), null, 2)}\n`);
  return file;
}
