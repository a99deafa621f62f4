/**
 * Secrets never leave the extension host: during a full session of use (connect, turns with tools,
 * a reconnect with the device token, a refused token, a pairing request, deletes, aborts) nothing
 * the chat webview is sent and no log line, trace included, holds the gateway token, the device
 * token or the device's private key.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatController } from '../../src/extension/chat-controller';
import { ChatFeed } from '../../src/extension/chat-feed';
import { connectionView } from '../../src/extension/connection-view';
import { HostPoster } from '../../src/extension/host-poster';
import { STORE_DEVICE_KEY, storeDeviceTokenKey } from '../../src/gateway/constants';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { HostMessage } from '../../src/protocol/webview';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('secrets', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('never reach the webview or a log line during a full session', { timeout: 60_000 }, async () => {
    const gw = await new FakeGateway({ token: TOKEN, deltaDelayMs: 2 }).start();
    cleanups.push(() => gw.stop());
    const store = new MemoryCredentialStore();
    const posted: HostMessage[] = [];
    const lines: string[] = [];

    /** One "window" of the extension: client, controller and chat feed, everything recorded. */
    const open = (token: string | undefined, platform = process.platform): { client: GatewayClient; controller: ChatController } => {
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
      const poster = new HostPoster((message) => posted.push(message), 5);
      const feed = new ChatFeed(controller, poster, () => connectionView(client.state, { tokenSource: token ? 'secret' : 'none' }));
      client.onState((state) => lines.push(`state ${JSON.stringify(state)}`));
      cleanups.push(
        () => feed.dispose(),
        () => controller.dispose(),
        () => client.close(),
        () => poster.dispose(),
      );
      feed.snapshot();
      client.start();
      return { client, controller };
    };

    // Connect, chat, use a tool-like turn, switch, delete, stop a turn.
    const first = open(TOKEN);
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
    const second = open(undefined);
    await waitForState(second.client, 'connected');
    second.client.close();
    const wrong = open('wrong-token-value');
    await waitForState(wrong.client, 'connected'); // retried with the device token, as the gateway allows
    wrong.client.close();
    const moved = open(TOKEN, process.platform === 'darwin' ? 'linux' : 'darwin');
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
