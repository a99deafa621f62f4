import type { ConnectionState } from '../../src/gateway/connection-state';
import type { GatewayClient } from '../../src/gateway/gateway-client';

export { sleep, waitFor } from '../../tools/wait';

/** Resolves with the first state of `kind` the client reaches (or is already in). */
export function waitForState<K extends ConnectionState['kind']>(
  client: GatewayClient,
  kind: K,
  timeoutMs = 5000,
): Promise<Extract<ConnectionState, { kind: K }>> {
  return new Promise((resolve, reject) => {
    if (client.state.kind === kind) return resolve(client.state as Extract<ConnectionState, { kind: K }>);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for state ${kind}; last state ${JSON.stringify(client.state)}`));
    }, timeoutMs);
    const off = client.onState((state) => {
      if (state.kind !== kind) return;
      clearTimeout(timer);
      off();
      resolve(state as Extract<ConnectionState, { kind: K }>);
    });
  });
}
