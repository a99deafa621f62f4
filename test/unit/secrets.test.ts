/**
 * Secrets never leave the extension host: during a full session of use (connect, turns with tools,
 * a reconnect with the device token, a refused token, a pairing request, deletes, aborts) nothing
 * the chat webview is sent and no log line, trace included, holds the gateway token, the device
 * token or the device's private key.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatController } from '../../src/extension/chat-controller';
import { ChatBridge } from '../../src/extension/chat-bridge';
import { chatBanner } from '../../src/extension/connection-view';
import { discoverGateway } from '../../src/gateway/discovery';
import { STORE_DEVICE_KEY, storeDeviceTokenKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { HostMessage } from '../../src/protocol/webview';
import { makeClient, TOKEN } from '../support/clients';
import { hostServices } from '../support/composer-services';
import { FakeGateway } from '../../tools/fake-gateway';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('secrets', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('never reach the webview or a log line during a full session', { timeout: 60_000 }, async () => {
    // Approvals routed here, so the banner reads "Connected" (not "limited") and that sentence is checked too.
    const gw = await new FakeGateway({
      token: TOKEN,
      deltaDelayMs: 2,
      hello: (h) => h.features.methods.push('exec.approval.resolve', 'question.resolve'),
    }).start();
    cleanups.push(() => gw.stop());
    const store = new MemoryCredentialStore();
    const posted: HostMessage[] = [];
    const lines: string[] = [];

    /** One "window" of the extension: client, controller and chat feed, everything recorded. */
    const open = async (token: string | undefined, platform = process.platform): Promise<{ client: GatewayClient; controller: ChatController }> => {
      // What activate() has: discovery's answer (the token in it) for the banner, a ChatBridge for the page.
      const found = await discoverGateway({ settingUrl: gw.url, secretToken: () => token, env: {}, home: '/nonexistent-home' });
      assert.equal(found.token, token);
      const client = makeClient(gw.url, {
        token,
        store,
        platform,
        trace: (direction, frame) => lines.push(`${direction} ${JSON.stringify(frame)}`),
        log: (level, message) => lines.push(`${level} ${message}`),
      });
      const controller = new ChatController(client, {
        log: (level, message) => lines.push(`${level} ${message}`),
        thinking: () => 'low',
        saveSession: () => undefined,
      });
      const bridge = new ChatBridge({
        controller,
        services: hostServices(),
        post: (message) => posted.push(message),
        connection: chatBanner(client, found, controller.approvals),
        log: (message) => lines.push(`bridge ${message}`),
      });
      client.onState((state) => lines.push(`state ${JSON.stringify(state)}`));
      cleanups.push(
        () => bridge.dispose(),
        () => controller.dispose(),
        () => client.close(),
      );
      bridge.receive({ type: 'ready' });
      client.start();
      return { client, controller };
    };

    // Connect, chat, use a tool-like turn, switch, delete, stop a turn.
    const first = await open(TOKEN);
    await waitForState(first.client, 'connected');
    first.controller.send('hello there');
    await waitFor(() => !first.controller.busy && first.controller.transcript.length === 2, 'first turn');
    await first.controller.switchSession('agent:main:other');
    first.controller.send('in another session');
    await waitFor(() => !first.controller.busy, 'second turn');
    gw.reply = () => Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    first.controller.send('a long one');
    await waitFor(() => first.controller.transcript.some((i) => i.kind === 'assistant' && i.text.length > 20), 'streaming');
    await first.controller.stop();
    await waitFor(() => !first.controller.busy, 'stopped');
    await first.controller.deleteSession('agent:main:other');
    gw.dropAll(); // a reconnect
    await waitForState(first.client, 'connected');
    first.client.close();

    // Reconnect with the device token alone, then with a wrong token, then from another platform.
    const second = await open(undefined);
    await waitForState(second.client, 'connected');
    second.client.close();
    const wrong = await open('wrong-token-value');
    await waitForState(wrong.client, 'connected'); // retried with the device token, as the gateway allows
    wrong.client.close();
    const moved = await open(TOKEN, process.platform === 'darwin' ? 'linux' : 'darwin');
    await waitForState(moved.client, 'failed');
    await sleep(50);

    const deviceToken = store.values.get(storeDeviceTokenKey(gw.url))!;
    const pem = store.values.get(STORE_DEVICE_KEY)!;
    const keyBody = pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    const secrets = { token: TOKEN, deviceToken, privateKey: keyBody, privateKeyHalf: keyBody.slice(keyBody.length / 2) };
    assert.ok(deviceToken && keyBody.length > 40);

    const webviewText = posted.map((m) => JSON.stringify(m)).join('\n');
    const logText = lines.join('\n');
    assert.ok(posted.length >= 20, `${posted.length} messages posted to the webview`);
    const banners = new Set(posted.flatMap((m) => (m.type === 'connection' ? [m.connection.kind] : m.type === 'snapshot' ? [m.connection.kind] : [])));
    for (const kind of ['connecting', 'connected', 'failed', 'closed'])
      assert.ok(banners.has(kind as never), `the webview was shown a ${kind} banner (${[...banners]})`);
    assert.ok(
      lines.some((l) => l.includes('"method":"connect"')),
      'the trace saw the connect frames',
    );
    assert.ok(lines.some((l) => l.includes('AUTH_TOKEN_MISMATCH')) && lines.some((l) => l.includes('pairing')), 'the failures were logged');
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(!webviewText.includes(secret), `${name} reached the webview`);
      assert.ok(!logText.includes(secret), `${name} reached a log line`);
    }
    assert.ok(!/PRIVATE KEY/.test(webviewText + logText));
  });
});
