/**
 * Two real `openclaw` gateways at once on this machine, each with its own token, behind a relay
 * that keeps what the client sent it (test/support/ws-relay.ts). The extension's gateway switcher
 * and chat core move between them: each keeps its own session, token and device token; a message
 * typed while the first was down is not sent to the second (it goes back into the message box);
 * and nothing of one ever reaches the other: checked on every frame each gateway received.
 *
 *   npx tsx --test test/gateway/two-gateways.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeDeviceTokenKey } from '../../src/gateway/constants';
import { gatewayOrigin } from '../../src/gateway/gateway-url';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { twoGatewaysChat } from '../support/two-gateways';
import { waitFor, waitForState } from '../support/wait';
import { startRelay, type Relay } from '../support/ws-relay';

describe('two real gateways at once', { timeout: 15 * 60_000 }, () => {
  let a: GatewayHandle;
  let b: GatewayHandle;
  let relayA: Relay;
  let relayB: Relay;
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    [a, b] = await Promise.all([startGateway(), startGateway()]);
    relayA = await startRelay(a.url);
    relayB = await startRelay(b.url);
  });

  after(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await relayA?.close();
    await relayB?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  it('switches between them: each keeps its own session and credentials, and nothing of one reaches the other', async () => {
    assert.notEqual(a.token, b.token);
    const chat = await twoGatewaysChat(
      { url: relayA.url, token: a.token },
      { url: relayB.url, token: b.token },
      { handshakeTimeoutMs: 30_000, requestTimeoutMs: 60_000, backoff: { initialMs: 250, maxMs: 2000 } },
    );
    cleanups.push(() => chat.dispose());
    const { client, controller, switcher, store, drafts, entryA, entryB } = chat;
    assert.deepEqual([entryA.name, entryB.name], ['A', 'B']);
    const reply = (text: string) => controller.transcript.some((i) => i.kind === 'assistant' && i.text.includes(text));

    // On A: a session of its own, and a turn in it.
    await chat.startOnA();
    await waitForState(client, 'connected', 60_000);
    const sessionA = `agent:main:only-on-a-${Date.now().toString(36)}`;
    await controller.switchSession(sessionA);
    controller.send('hello A');
    await waitFor(() => !controller.busy && reply('hello A'), 'a turn on A', 180_000);
    const deviceTokenA = await waitFor(() => store.values.get(storeDeviceTokenKey(gatewayOrigin(relayA.url))), 'A issues a device token', 30_000);

    // A goes away; a message typed meanwhile waits in the offline queue...
    const firstToA = relayA.sent;
    await relayA.close();
    await waitFor(() => client.state.kind !== 'connected', 'A gone', 30_000);
    controller.send('typed while A was down');
    // ...is not sent to B when the person switches, and is not lost: it is back in the message box.
    await switcher.switchTo(entryB);
    assert.deepEqual(drafts, ['typed while A was down']);
    await waitForState(client, 'connected', 60_000);
    assert.equal(controller.sessionKey, client.mainSessionKey, 'B starts at its own main session');
    const sessionB = `agent:main:only-on-b-${Date.now().toString(36)}`;
    await controller.switchSession(sessionB);
    controller.send('hello B');
    await waitFor(() => !controller.busy && reply('hello B'), 'a turn on B', 180_000);
    const deviceTokenB = await waitFor(() => store.values.get(storeDeviceTokenKey(gatewayOrigin(relayB.url))), 'B issues a device token', 30_000);
    assert.notEqual(deviceTokenA, deviceTokenB);
    assert.ok(!(await client.listSessions()).some((row) => row.key === sessionA), "B's sessions do not include A's");

    // Back to A (its relay up again on the same port): its session and history come back.
    relayA = await startRelay(a.url, relayA.port);
    await switcher.switchTo(entryA);
    await waitForState(client, 'connected', 60_000);
    assert.equal(controller.sessionKey, sessionA, "A's session is remembered");
    await waitFor(() => controller.transcript.some((i) => i.kind === 'user' && i.text === 'hello A'), "A's history shown again", 60_000);
    assert.ok(!controller.transcript.some((i) => 'text' in i && /hello B|typed while A was down/.test(i.text)), 'nothing of B, nothing unsent');
    const history = await client.history(sessionA, 50);
    assert.deepEqual(history.messages.filter((m) => m.role === 'user').length, 1, 'A ran only its own message: the one typed while it was down was never sent');

    // What each gateway received, frame by frame.
    const toA = [...firstToA, ...relayA.sent].join('\n');
    const toB = relayB.sent.join('\n');
    for (const secret of [a.token, deviceTokenA, sessionA, 'hello A', 'typed while A was down'])
      assert.ok(!toB.includes(secret), `B never received ${secret.slice(0, 24)}`);
    for (const secret of [b.token, deviceTokenB, sessionB, 'hello B', 'typed while A was down'])
      assert.ok(!toA.includes(secret), `A never received ${secret.slice(0, 24)}`);
    const connects = (sent: string[]) =>
      sent.map((f) => JSON.parse(f) as { method?: string; params?: { auth?: { token?: string } } }).filter((f) => f.method === 'connect');
    assert.ok(
      connects(relayB.sent).length > 0 && connects(relayB.sent).every((f) => f.params?.auth?.token === b.token || !f.params?.auth?.token),
      "B got only B's token",
    );
  });
});
