/**
 * The composer against the real `openclaw` gateway, one gateway for the file: the header's pickers
 * change the model and thinking level (seen in `sessions.list`), a text file's content reaches the
 * model, an image reaches the model declared with image input (the model server reports the parts
 * it got) and is refused up front for the text-only one, and a steer and a follow-up sent during a
 * SLOW reply end up where they should in `chat.history`.
 *
 *   npx tsx --test test/gateway/composer.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chatPage } from '../support/chat-page';
import { ChatController } from '../../src/extension/chat-controller';
import { messageText } from '../../src/gateway/run-stream';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { ChatItem, HostMessage, RequestMethod } from '../../src/protocol/webview';
import { HARNESS_MODEL, HARNESS_VISION_MODEL } from '../../tools/gateway/config';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { makeClient } from '../support/clients';
import { fakeEditor, hostServices } from '../support/composer-services';
import { sleep, waitFor, waitForState } from '../support/wait';

const SUITE_TIMEOUT = 20 * 60_000;
/** A whole 1x1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('composer against the real openclaw gateway', { timeout: SUITE_TIMEOUT }, () => {
  let gw: GatewayHandle;
  let client: GatewayClient;
  let controller: ChatController;
  let page: ReturnType<typeof chatPage>;
  const posted: HostMessage[] = [];
  const editor = fakeEditor();
  const sessionKey = `agent:main:composer-${Date.now().toString(36)}`;

  async function ask(method: RequestMethod, params: Record<string, unknown>): Promise<{ ok: boolean; result?: any; error?: string }> {
    return page.ask(method, params, 60_000);
  }

  const items = () => controller.transcript;
  const assistants = () => items().filter((i): i is Extract<ChatItem, { kind: 'assistant' }> => i.kind === 'assistant');
  const row = async () => (await client.listSessions()).find((r) => r.key === sessionKey);

  /** Sends like the page does and waits until the reply has ended. */
  async function sendAndWait(text: string, chips: string[] = []): Promise<Extract<ChatItem, { kind: 'assistant' }>> {
    const before = assistants().filter((a) => !a.streaming).length;
    page.bridge.receive({ type: 'send', text, chips });
    await waitFor(() => controller.busy, 'the turn starts', 30_000);
    await waitFor(() => !controller.busy && assistants().filter((a) => !a.streaming).length > before, 'the reply ends', 180_000);
    return assistants().at(-1)!;
  }

  before(async () => {
    gw = await startGateway();
    client = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 10_000, requestTimeoutMs: 60_000 });
    controller = new ChatController(client, {
      log: () => undefined,
      thinking: () => undefined,
      busyMode: () => 'steer',
      initialSession: sessionKey,
      saveSession: () => undefined,
    });
    page = chatPage(controller, hostServices({}, [], editor), posted);
    client.start();
    await waitForState(client, 'connected', 60_000);
    page.bridge.receive({ type: 'ready' });
    await waitFor(() => controller.controls.models.length >= 2, 'models listed', 60_000);
  });

  after(async () => {
    page?.bridge.dispose();
    controller?.dispose();
    client?.close();
    await gw?.dispose();
  });

  it('lists both harness models with what they take, and the pickers change model and thinking as sessions.list shows', async () => {
    const models = controller.controls.models;
    assert.deepEqual(models.find((m) => m.ref === HARNESS_MODEL)?.input, ['text']);
    assert.deepEqual(models.find((m) => m.ref === HARNESS_VISION_MODEL)?.input, ['text', 'image']);

    const setModel = await ask('setModel', { model: HARNESS_VISION_MODEL });
    assert.equal(setModel.ok, true, setModel.error);
    await waitFor(() => controller.controls.view(sessionKey).model === HARNESS_VISION_MODEL, 'the picker shows the vision model', 30_000);
    assert.deepEqual(controller.controls.view(sessionKey).thinkingLevels, ['off', 'minimal', 'low', 'medium', 'high'], "the reasoning model's levels");
    const setThinking = await ask('setThinking', { level: 'low' });
    assert.equal(setThinking.ok, true, setThinking.error);
    const listed = await row();
    assert.equal(`${listed?.modelProvider as string}/${listed?.model as string}`, HARNESS_VISION_MODEL);
    assert.equal(listed?.thinkingLevel, 'low');
    await waitFor(() => controller.controls.view(sessionKey).thinking === 'low', 'the thinking picker shows low', 30_000);
  });

  it('sends an image to the model declared with image input: the model server reports the image part', async () => {
    const chip = await ask('attachData', { name: 'dot.png', mimeType: 'image/png', data: PNG.toString('base64') });
    assert.equal(chip.ok, true, chip.error);
    const reply = await sendAndWait('Describe the picture', [chip.result.chip.id]);
    assert.match(reply.text, /\[parts: image_url\]/);
    const request = gw.modelServer.log.filter((r) => r.method === 'POST' && r.userText?.includes('Describe the picture')).at(-1);
    assert.deepEqual(request?.parts, ['image_url']);
    const user = items()
      .filter((i) => i.kind === 'user')
      .at(-1) as Extract<ChatItem, { kind: 'user' }>;
    assert.deepEqual(
      user.chips?.map((c) => `${c.kind} ${c.label}`),
      ['image dot.png'],
    );
  });

  it("sends a text file's content as text the agent reads, with its name and numbered lines", async () => {
    editor.files.set('src/answer.ts', new TextEncoder().encode('export const answer = 42;\nexport const question = "?";\n'));
    editor.picks.push('src/answer.ts');
    const picked = await ask('pickFiles', {});
    assert.equal(picked.ok, true, picked.error);
    const reply = await sendAndWait('What is the answer?', [picked.result.chips[0].id]);
    assert.ok(reply.text.length > 0);
    const request = gw.modelServer.log.filter((r) => r.method === 'POST' && r.userText?.includes('What is the answer?')).at(-1);
    const body = JSON.stringify(request?.body);
    assert.match(body, /File src\/answer\.ts \(2 lines\)/);
    assert.match(body, /1 \| export const answer = 42;/);
    assert.deepEqual(request?.parts ?? [], [], 'no image went with it');
  });

  it('refuses an image up front for the text-only model, naming it, and nothing reaches the gateway', async () => {
    const back = await ask('setModel', { model: HARNESS_MODEL });
    assert.equal(back.ok, true, back.error);
    await waitFor(() => controller.controls.view(sessionKey).model === HARNESS_MODEL, 'back on the text-only model', 30_000);
    const served = gw.modelServer.requests;
    const chip = await ask('attachData', { name: 'dot.png', mimeType: 'image/png', data: PNG.toString('base64') });
    page.bridge.receive({ type: 'send', text: 'And this one?', chips: [chip.result.chip.id] });
    const notice = await waitFor(
      () => items().find((i): i is Extract<ChatItem, { kind: 'notice' }> => i.kind === 'notice' && i.text.startsWith('Not sent:')),
      'the refusal',
    );
    assert.match(notice.text, new RegExp(`${HARNESS_MODEL.replace('/', '\\/')}\\) takes no images, so dot\\.png cannot go`));
    assert.equal(controller.busy, false);
    assert.equal(gw.modelServer.requests, served, 'the model was not asked');
  });

  it('steers a SLOW reply and queues a follow-up: chat.history has each where it belongs', async () => {
    page.bridge.receive({ type: 'send', text: 'SLOW tell me a story' });
    await waitFor(() => assistants().some((a) => a.streaming && a.text.length > 0), 'the SLOW reply streams', 60_000);
    page.bridge.receive({ type: 'send', text: 'steer: make it short', delivery: 'steer' });
    page.bridge.receive({ type: 'send', text: 'follow-up: and a title', delivery: 'queue' });
    const queued = await waitFor(
      () => items().find((i): i is Extract<ChatItem, { kind: 'user' }> => i.kind === 'user' && i.text === 'follow-up: and a title'),
      'the follow-up shown',
    );
    assert.equal(queued.delivery, 'queue');
    // Polled: chat.history is asked, not pushed.
    const deadline = Date.now() + 240_000;
    for (;;) {
      const history = await client.history(sessionKey, 50);
      const users = history.messages.filter((m) => m.role === 'user').map((m) => messageText(m.content));
      if (!controller.busy && users.includes('follow-up: and a title') && history.messages.at(-1)?.role === 'assistant') break;
      assert.ok(Date.now() < deadline, `timed out waiting for the follow-up's answer: ${users.join(' | ')}`);
      await sleep(500);
    }
    const history = await client.history(sessionKey, 50);
    const texts = history.messages.map((m) => `${m.role}: ${messageText(m.content).slice(0, 40)}`);
    const at = (text: string) => texts.findIndex((t) => t.startsWith(`user: ${text}`));
    const slow = at('SLOW tell me a story');
    const steer = at('steer: make it short');
    const follow = at('follow-up: and a title');
    assert.ok(slow >= 0 && steer > slow && follow > steer, texts.join('\n'));
    // Each message got its answer: an assistant row after each user row.
    for (const index of [slow, steer, follow])
      assert.ok(
        texts.slice(index + 1).some((t) => t.startsWith('assistant: ')),
        texts.join('\n'),
      );
  });
});
