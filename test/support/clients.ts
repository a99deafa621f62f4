import { GatewayClient, type GatewayClientOptions, type LogLevel } from '../../src/gateway/gateway-client';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';

export const TOKEN = 'test-token-0123456789';

/** A client with fast timings for tests; its log lines are kept in `logs`. */
export function makeClient(
  url: string,
  overrides: Partial<GatewayClientOptions> = {},
): GatewayClient & { logs: Array<[LogLevel, string]>; store: MemoryCredentialStore } {
  const logs: Array<[LogLevel, string]> = [];
  const store = (overrides.store as MemoryCredentialStore | undefined) ?? new MemoryCredentialStore();
  const client = new GatewayClient({
    url,
    token: TOKEN,
    store,
    clientVersion: '0.1.0-test',
    handshakeTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    backoff: { initialMs: 20, maxMs: 200, jitter: 0 },
    log: (level, message) => logs.push([level, message]),
    ...overrides,
  });
  return Object.assign(client, { logs, store });
}
