import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatController, type ControllerChange } from '../../src/extension/chat-controller';
import { itemsFromHistory, relativeTime, sessionTitle } from '../../src/extension/transcript';
import type { ChatItem } from '../../src/protocol/webview';
import type { HistoryMessage } from '../../src/protocol/gateway';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway, MAIN_SESSION } from '../../tools/fake-gateway';
import { readRecorded } from '../support/transcripts';
import { sleep, waitFor, waitForState } from '../support/wait';
import { seedLongSession } from '../support/sessions';

describe('chat controller', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options = {}) {
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start();
    const client = makeClient(gw.url);
    const saved: string[] = [];
    const controller = new ChatController(client, { log: () => undefined, thinking: () => undefined, saveSession: (k) => saved.push(k) });
    const changes: ControllerChange[] = [];
    controller.onChange((c) => changes.push(c));
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
      () => controller.dispose(),
    );
    return { gw, client, controller, changes, saved };
  }

  const texts = (items: readonly ChatItem[]) => items.map((i) => `${i.kind}:${i.kind === 'tool' ? i.tool.name : 'text' in i ? i.text : ''}`);

  it('streams a turn into the transcript and ends equal to the gateway history', async () => {
    const { client, controller, changes, gw } = await setup();
    client.start();
    await waitForState(client, 'connected');
    controller.send('hello there friend');
    await waitFor(() => !controller.busy && controller.transcript.some((i) => i.kind === 'assistant' && !i.streaming), 'turn done');
    assert.deepEqual(texts(controller.transcript), ['user:hello there friend', 'assistant:Echo: hello there friend']);
    const appended = changes
      .filter((c) => c.type === 'append')
      .map((c) => (c as { text: string }).text)
      .join('');
    const first = changes.find((c) => c.type === 'upsert' && c.item.kind === 'assistant' && c.item.text && c.item.streaming) as { item: { text: string } };
    assert.equal(first.item.text + appended, 'Echo: hello there friend');
    const last = controller.transcript[1] as Extract<ChatItem, { kind: 'assistant' }>;
    assert.equal(last.outcome, 'ok');
    assert.deepEqual(last.usage, { input: 10, output: 4, total: undefined });
    // Reload from history: same bubbles, nothing doubled or lost.
    await controller.reloadHistory();
    assert.deepEqual(texts(controller.transcript), texts(itemsFromHistory(gw.history.get(MAIN_SESSION)! as unknown as HistoryMessage[])));
    assert.deepEqual(texts(controller.transcript), ['user:hello there friend', 'assistant:Echo: hello there friend']);
  });

  it('shows queued messages in the order history will have them', async () => {
    const { client, controller, gw } = await setup();
    client.start();
    await waitForState(client, 'connected');
    controller.send('first message here');
    controller.send('second message here');
    await waitFor(() => !controller.busy && controller.transcript.length === 4, 'both answered');
    const expected = ['user:first message here', 'assistant:Echo: first message here', 'user:second message here', 'assistant:Echo: second message here'];
    assert.deepEqual(texts(controller.transcript), expected);
    assert.deepEqual(texts(itemsFromHistory(gw.history.get(MAIN_SESSION)! as unknown as HistoryMessage[])), expected);
  });

  it('reads the history again when another client rewrites the shown session (reset, rewind, compact)', async () => {
    const { client, controller, gw } = await setup();
    client.start();
    await waitForState(client, 'connected');
    await waitFor(() => gw.requests('chat.history').length >= 1, 'first load');
    gw.history.set(MAIN_SESSION, [{ role: 'system', content: [{ type: 'text', text: 'Reset' }], __openclaw: { kind: 'reset', id: 'r1', seq: 1 } }]);
    for (const conn of gw.conns) conn.event('sessions.changed', { sessionKey: MAIN_SESSION, reason: 'reset' });
    await waitFor(() => controller.transcript.length === 1, 'reloaded');
    assert.deepEqual(texts(controller.transcript), ['notice:Session reset']);
    // The many other reasons a session changes (a run started, a title) read nothing again.
    const loads = gw.requests('chat.history').length;
    for (const conn of gw.conns) conn.event('sessions.changed', { sessionKey: MAIN_SESSION, reason: 'agent.run.started' });
    await sleep(600);
    assert.equal(gw.requests('chat.history').length, loads);
  });

  it('queues a message typed while offline and sends it once, when connected', async () => {
    const { client, controller, gw } = await setup();
    controller.send('typed offline');
    const queued = controller.transcript[0] as Extract<ChatItem, { kind: 'user' }>;
    assert.equal(queued.pending, 'queued');
    client.start();
    await waitFor(() => !controller.busy && controller.transcript.length === 2, 'sent and answered');
    assert.equal(gw.requests('agent').length, 1);
    assert.deepEqual(texts(controller.transcript), ['user:typed offline', 'assistant:Echo: typed offline']);
    assert.equal((controller.transcript[0] as { pending?: string }).pending, undefined);
  });

  it('switches sessions, loads their history and remembers the choice', async () => {
    const { client, controller, gw, saved } = await setup();
    client.start();
    await waitForState(client, 'connected');
    await client.runTurn({ sessionKey: 'agent:main:other', message: 'in the other one' });
    await controller.switchSession('agent:main:other');
    assert.deepEqual(texts(controller.transcript), ['user:in the other one', 'assistant:Echo: in the other one']);
    assert.deepEqual(saved, ['agent:main:other']);
    await controller.refreshSessions();
    assert.deepEqual(controller.sessions.map((s) => s.key).sort(), [MAIN_SESSION, 'agent:main:other']);
    await controller.deleteSession('agent:main:other');
    assert.equal(controller.sessionKey, MAIN_SESSION, 'deleting the shown session moves to main');
    assert.ok(!gw.sessions.has('agent:main:other'));
  });

  it('opens a 10,000-message session with its latest 200 messages and says how many are older', async () => {
    const { client, controller, gw } = await setup();
    seedLongSession(gw, 'agent:main:long', 10_000);
    client.start();
    await waitForState(client, 'connected');
    await controller.switchSession('agent:main:long');
    const items = controller.transcript;
    assert.equal(items.length, 200);
    assert.equal(controller.earlier, 9800);
    assert.equal((items[0] as { text: string }).text, 'question 9800');
    assert.equal((items[199] as { text: string }).text, 'answer 9999');
    assert.deepEqual(gw.requests('chat.history').at(-1)!.params, { sessionKey: 'agent:main:long', limit: 200 });
  });

  it('stops a running turn and marks it stopped', async () => {
    const { client, controller, gw } = await setup({ deltaDelayMs: 20 });
    gw.reply = () => Array.from({ length: 80 }, (_, i) => `w${i}`).join(' ');
    client.start();
    await waitForState(client, 'connected');
    controller.send('long one');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text.length > 10), 'streaming');
    await controller.stop();
    await waitFor(() => !controller.busy, 'stopped');
    const last = controller.transcript[controller.transcript.length - 1] as Extract<ChatItem, { kind: 'assistant' }>;
    assert.equal(last.outcome, 'aborted');
    assert.equal(last.streaming, false);
  });
});

describe('transcript from history', () => {
  it('turns the recorded tool history into bubbles and a tool card', () => {
    const history = readRecorded('chat.history.tool.json').payload.messages;
    const items = itemsFromHistory(history);
    assert.deepEqual(texts(items), ['user:please use TOOL to list files', 'assistant:Let me look.', 'tool:ls', 'assistant:Tool result had 17 chars. Done.']);
    const tool = items[2] as Extract<ChatItem, { kind: 'tool' }>;
    assert.deepEqual(tool.tool, { toolCallId: 'call_probe_1', name: 'ls', args: '{\n  "path": "."\n}', result: '(empty directory)', state: 'done' });
    assert.equal(new Set(items.map((i) => i.id)).size, items.length, 'ids are unique');
  });

  it('names sessions and times the way people read them', () => {
    assert.equal(sessionTitle({ key: 'agent:main:probe-chat' }), 'probe-chat');
    assert.equal(sessionTitle({ key: 'k', label: 'My label', displayName: 'x' }), 'My label');
    assert.equal(relativeTime(1000, 1000 + 5 * 60_000), '5 min ago');
    assert.equal(relativeTime(1000, 1000 + 3 * 3600_000), '3 h ago');
    assert.equal(relativeTime(1000, 1000 + 30 * 3600_000), 'yesterday');
  });

  function texts(items: readonly ChatItem[]) {
    return items.map((i) => `${i.kind}:${i.kind === 'tool' ? i.tool.name : 'text' in i ? i.text : ''}`);
  }
});
