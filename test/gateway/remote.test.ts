/**
 * A remote gateway, on one machine: the real `openclaw` gateway runs inside a network namespace
 * the test makes (a veth pair with private addresses, tools/gateway/netns.ts), bound to all its
 * addresses and serving wss:// with a self-signed certificate the test makes. The client in this
 * process reaches it from another address, so loopback auto-approval does not apply: exactly what
 * a person meets with a gateway on a home server or a VPS.
 *
 *   npx tsx --test test/gateway/remote.test.ts
 *
 * In order, on one gateway: the first connect stops at the untrusted certificate and shows its
 * SHA-256 fingerprint; trusted, it gets as far as pairing, which the gateway refuses with a request
 * id; the client waits, asking again by itself; `openclaw devices approve <id>` on the gateway host
 * (the gateway's own CLI, run in its namespace) lets it continue without a restart, and a turn
 * streams; the gateway restarts and the client comes back by itself, sending what was typed meanwhile
 * once; then the gateway comes back with another certificate, and the client refuses it.
 * Needs root for the namespace: where it cannot be made, the file fails under CI=true and is
 * skipped with the reason elsewhere.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChatController } from '../../src/extension/chat-controller';
import { itemsFromHistory } from '../../src/extension/transcript';
import { messageText } from '../../src/gateway/run-stream';
import type { ConnectionState } from '../../src/gateway/connection-state';
import { storeDeviceTokenKey, storeTlsPinKey } from '../../src/gateway/constants';
import { gatewayOrigin } from '../../src/gateway/gateway-url';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { createNetNamespace, ensureNetTools, netnsUnavailable, type NetNamespace } from '../../tools/gateway/netns';
import { makeSelfSignedCert, type SelfSignedCert } from '../../tools/self-signed-cert';
import { makeClient } from '../support/clients';
import { view } from '../support/faults';
import { waitFor, waitForState } from '../support/wait';

const unavailable = netnsUnavailable();
if (unavailable && process.env.CI === 'true') {
  throw new Error(`test/gateway/remote.test.ts cannot run here: ${unavailable}. CI must run it as root with iproute2.`);
}

describe('a remote gateway (network namespace, wss:// with a self-signed certificate)', { skip: unavailable }, () => {
  let ns: NetNamespace;
  let gw: GatewayHandle;
  let cert: SelfSignedCert;
  let certDir: string;
  let client: ReturnType<typeof makeClient>;
  let controller: ChatController;
  const states: ConnectionState[] = [];

  const writeCert = (c: SelfSignedCert) => {
    writeFileSync(path.join(certDir, 'cert.pem'), c.cert, { mode: 0o600 });
    writeFileSync(path.join(certDir, 'key.pem'), c.key, { mode: 0o600 });
  };

  before(async () => {
    await ensureNetTools();
    ns = createNetNamespace();
    cert = makeSelfSignedCert([ns.address]);
    certDir = mkdtempSync(path.join(tmpdir(), 'openclaw-remote-tls-'));
    writeCert(cert);
    gw = await startGateway({ netns: ns, tls: { certPath: path.join(certDir, 'cert.pem'), keyPath: path.join(certDir, 'key.pem') } });
    assert.match(gw.url, new RegExp(`^wss://${ns.address.replace(/\./g, '\\.')}:`));
    client = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 30_000, requestTimeoutMs: 60_000, pairingRetryMs: 1000 });
    client.onState((state) => states.push(state));
    controller = new ChatController(client, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined });
  });

  after(async () => {
    controller?.dispose();
    client?.close();
    await gw?.dispose();
    ns?.dispose();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('stops at the self-signed certificate, showing its SHA-256 fingerprint, before sending anything', async () => {
    client.start();
    const failed = await waitForState(client, 'failed', 60_000);
    assert.equal(failed.reason, 'tls-untrusted', failed.message);
    assert.equal(failed.fingerprint, cert.fingerprint);
    assert.match(failed.message, /self-signed|not trust/i);
  });

  let requestId: string;
  it('trusted, it reaches the gateway, which wants this device paired: the request id and the command are shown', async () => {
    await client.trustCertificate(cert.fingerprint);
    assert.equal(client.store.values.get(storeTlsPinKey(gatewayOrigin(gw.url))), cert.fingerprint);
    const failed = await waitFor(
      () => (client.state.kind === 'failed' && client.state.reason !== 'tls-untrusted' ? client.state : undefined),
      'the next refusal',
      60_000,
    );
    assert.equal(failed.reason, 'pairing-required', failed.message);
    assert.ok(failed.requestId, 'the gateway names the pairing request');
    requestId = failed.requestId;
    assert.match(failed.message, new RegExp(`openclaw devices approve ${requestId}`));
    assert.ok(failed.retryAt, 'it waits, asking again by itself');
  });

  it("approved with the gateway's own CLI on its host, it continues by itself and a turn streams", async () => {
    const approved = await gw.cli(['devices', 'approve', requestId]);
    assert.equal(approved.code, 0, `openclaw devices approve failed:\n${approved.stdout}\n${approved.stderr}`);
    // The CLI takes seconds; meanwhile the client asked again (every second here), same request.
    const refusals = states.filter((s) => s.kind === 'failed' && s.reason === 'pairing-required');
    assert.ok(refusals.length >= 2, `asked ${refusals.length} times while waiting`);
    assert.ok(
      refusals.every((s) => s.kind === 'failed' && s.requestId === requestId),
      'one pending request, not one per retry',
    );
    const connected = await waitForState(client, 'connected', 60_000);
    assert.ok(connected.scopes.includes('operator.approvals'), `scopes ${connected.scopes.join(', ')}`);
    await waitFor(() => client.store.values.get(storeDeviceTokenKey(gatewayOrigin(gw.url))), 'device token kept', 10_000);

    controller.send('hello from far away');
    await waitFor(
      () => controller.transcript.some((i) => i.kind === 'assistant' && !i.streaming && i.text.includes('Echo: hello from far away')),
      'the reply',
      180_000,
    );
  });

  it('reconnects by itself when the link drops (the gateway restarts), sends a message typed meanwhile once, and shows what history holds', async () => {
    await gw.stop();
    await waitFor(() => client.state.kind !== 'connected', 'the client notices', 60_000);
    controller.send('typed while far away was down');
    const queued = controller.transcript.find((i) => i.kind === 'user' && i.text === 'typed while far away was down');
    assert.equal(queued?.kind === 'user' && queued.pending, 'queued');
    await gw.start();
    await waitForState(client, 'connected', 180_000);
    await waitFor(
      () => !controller.busy && controller.transcript.some((i) => i.kind === 'assistant' && i.text.includes('Echo: typed while far away was down')),
      'the reply to the queued message',
      180_000,
    );
    await waitFor(() => !controller.loading, 'history read', 60_000);
    const history = await client.history(controller.sessionKey, 50);
    const users = history.messages.filter((m) => m.role === 'user' && messageText(m.content).includes('typed while far away was down'));
    assert.equal(users.length, 1, 'sent once');
    await waitFor(
      () => JSON.stringify(view(controller.transcript)) === JSON.stringify(view(itemsFromHistory(history.messages))),
      'the transcript shows what chat.history holds',
      30_000,
    );
  });

  it('refuses the gateway when it comes back with another certificate: a hard stop that names both fingerprints', async () => {
    await gw.stop();
    const other = makeSelfSignedCert([ns.address]);
    writeCert(other);
    await gw.start();
    const failed = await waitFor(() => (client.state.kind === 'failed' ? client.state : undefined), 'the refusal', 120_000);
    assert.equal(failed.reason, 'tls-pin-mismatch', failed.message);
    assert.equal(failed.fingerprint, other.fingerprint);
    assert.ok(failed.message.includes(cert.fingerprint) && failed.message.includes(other.fingerprint));
  });
});
