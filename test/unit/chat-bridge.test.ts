/**
 * The host's end of the chat page, without VS Code: what the page may ask and what it gets. The
 * refusals live here, in tested code, not in a command handler only the slow layer loads.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatBridge } from '../../src/extension/chat-bridge';
import { ChatController } from '../../src/extension/chat-controller';
import type { HostServices } from '../../src/extension/host-services';
import type { ActionId, HostMessage } from '../../src/protocol/webview';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { waitFor, waitForState } from '../support/wait';
import { composerServices } from '../support/composer-services';

/** Host services that record what they were asked to do. */
function recorder(editorOpen = true, confirms = true) {
  const calls: string[] = [];
  const services: HostServices = {
    copyText: async (text) => void calls.push(`copy ${text}`),
    insertIntoActiveEditor: async (text) => {
      calls.push(`insert ${text}`);
      return editorOpen;
    },
    openExternal: async (url) => void calls.push(`open ${url}`),
    notify: async (level, message) => void calls.push(`${level} ${message}`),
    confirm: async (message, _detail, action) => {
      calls.push(`confirm ${message} [${action}]`);
      return confirms;
    },
    runAction: (id: ActionId) => void calls.push(`action ${id}`),
    ...composerServices(calls),
  };
  return { calls, services };
}

describe('chat bridge', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(editorOpen = true) {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const client = makeClient(gw.url);
    const controller = new ChatController(client, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined });
    const posted: HostMessage[] = [];
    const logs: string[] = [];
    const { calls, services } = recorder(editorOpen);
    const bridge = new ChatBridge({
      controller,
      services,
      post: (m) => posted.push(m),
      connection: () => ({ kind: 'connected', title: 'ok', actions: [] }),
      log: (m) => logs.push(m),
    });
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
      () => controller.dispose(),
      () => bridge.dispose(),
    );
    client.start();
    await waitForState(client, 'connected');
    return { gw, controller, bridge, posted, logs, calls };
  }

  it('posts nothing until the page says it is ready, then a snapshot first', async () => {
    const { bridge, posted } = await setup();
    bridge.focus();
    bridge.refreshConnection();
    assert.equal(posted.length, 0);
    bridge.receive({ type: 'ready' });
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot', 'focus'],
    );
    bridge.pageLoaded();
    bridge.refreshConnection();
    assert.equal(posted.length, 2, 'a reloading page gets nothing until ready again');
  });

  it('answers copy and insert requests, and says so when no editor is active', async () => {
    const { bridge, posted, calls } = await setup(false);
    bridge.receive({ type: 'ready' });
    bridge.receive({ type: 'request', id: 1, method: 'copy', params: { text: 'const a = 1;' } });
    bridge.receive({ type: 'request', id: 2, method: 'insert', params: { text: 'const b = 2;' } });
    await waitFor(() => posted.filter((m) => m.type === 'reply').length === 2, 'two replies');
    assert.deepEqual(
      posted.filter((m) => m.type === 'reply').map(({ seq: _seq, ...m }) => m),
      [
        { type: 'reply', id: 1, ok: true, result: {} },
        { type: 'reply', id: 2, ok: true, result: { inserted: false } },
      ],
    );
    assert.deepEqual(calls, [
      'copy const a = 1;',
      'insert const b = 2;',
      'info No editor is active: click into the file where the code should go, then choose Insert at Cursor again.',
    ]);
  });

  it('replies with the error when a request fails', async () => {
    const { bridge, posted } = await setup();
    bridge.receive({ type: 'ready' });
    (bridge as unknown as { options: { services: HostServices } }).options.services.copyText = async () => {
      throw new Error('clipboard unavailable');
    };
    bridge.receive({ type: 'request', id: 7, method: 'copy', params: { text: 'x' } });
    await waitFor(() => posted.some((m) => m.type === 'reply'), 'a reply');
    const reply = posted.find((m) => m.type === 'reply');
    assert.deepEqual(reply && { ...reply, seq: 0 }, { type: 'reply', seq: 0, id: 7, ok: false, error: 'clipboard unavailable' });
  });

  it('opens only web and mail links, and runs banner actions', async () => {
    const { bridge, calls, logs } = await setup();
    for (const href of [
      'https://docs.openclaw.ai/',
      'mailto:a@example.com',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
      'vscode://x',
      'javascript:alert(1)',
      '/relative',
    ]) {
      bridge.receive({ type: 'openLink', href });
    }
    bridge.receive({ type: 'action', id: 'reconnect' });
    await waitFor(() => calls.length >= 3, 'calls');
    assert.deepEqual(calls, ['open https://docs.openclaw.ai/', 'open mailto:a@example.com', 'action reconnect']);
    assert.equal(logs.filter((l) => l.startsWith('refused to open a link')).length, 5);
  });

  it('ignores what does not fit the contract, and says what was wrong in the log', async () => {
    const { bridge, calls, logs, controller } = await setup();
    bridge.receive({ type: 'action', id: 'runCommand' });
    bridge.receive({ type: 'send', text: 'hi', extra: true });
    bridge.receive({ type: 'request', id: 1, method: 'eval', params: {} });
    bridge.receive('ready');
    assert.deepEqual(calls, []);
    assert.equal(controller.transcript.length, 0, 'nothing was sent');
    assert.equal(logs.length, 4);
    assert.ok(
      logs.every((l) => l.startsWith('ignored a webview message that does not fit the contract: ')),
      logs.join('\n'),
    );
  });

  it('sends what the page typed', async () => {
    const { bridge, controller } = await setup();
    bridge.receive({ type: 'send', text: 'hello from the page' });
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && !i.streaming), 'answered');
    assert.equal(controller.transcript[0].kind === 'user' && controller.transcript[0].text, 'hello from the page');
  });
});
