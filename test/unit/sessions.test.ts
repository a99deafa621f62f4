/**
 * Sessions beyond chatting, against the fake gateway (real ws, the real gateway's session methods as
 * recorded): load-earlier paging from the end to the start with no gaps or repeats while another
 * client writes, other clients' messages live exactly once, rename/pin/archive, search opening at
 * the message, fork, and the whole history an export reads.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatController, type ControllerChange } from '../../src/extension/chat-controller';
import type { ChatItem } from '../../src/protocol/webview';
import { FakeGateway, MAIN_SESSION } from '../../tools/fake-gateway';
import { makeClient, TOKEN } from '../support/clients';
import { seedLongSession } from '../support/sessions';
import { waitFor, waitForState } from '../support/wait';

describe('sessions', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options = {}) {
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start();
    const client = makeClient(gw.url);
    const controller = new ChatController(client, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined });
    const changes: ControllerChange[] = [];
    controller.onChange((c) => changes.push(c));
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
      () => controller.dispose(),
    );
    client.start();
    await waitForState(client, 'connected');
    return { gw, client, controller, changes };
  }

  const textOf = (item: ChatItem) => ('text' in item ? item.text : item.kind);

  it('pages a 10,000-message session from the end to the start with no gaps or repeats, while another client writes', async () => {
    const { gw, controller } = await setup();
    seedLongSession(gw, 'agent:main:long', 10_000);
    await controller.switchSession('agent:main:long');
    await waitFor(() => gw.sessionStore.messageSubscribers.get('agent:main:long')?.size === 1, 'watching the session');
    assert.equal(controller.earlier, 9800);
    let pages = 0;
    while (controller.earlier > 0) {
      const before = controller.earlier;
      // Another client adds to the session between pages: the offsets from the newest end shift.
      if (pages === 3) gw.sessionStore.addRow('agent:main:long', { role: 'user', content: 'from the web chat', timestamp: Date.now() });
      const left = await controller.loadEarlier();
      assert.ok(left < before, `page ${pages} brought older messages`);
      pages += 1;
      assert.ok(pages < 100, 'paging ends');
    }
    await waitFor(() => controller.transcript.some((i) => textOf(i) === 'from the web chat'), 'live row shown');
    const texts = controller.transcript.map(textOf);
    const expected = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? `answer ${i}` : `question ${i}`));
    assert.deepEqual(texts, [...expected, 'from the web chat']);
    assert.equal(new Set(controller.transcript.map((i) => i.id)).size, texts.length, 'every id once');
    // Older pages arrive as prepends, never as a new snapshot of the whole transcript.
    const offsets = gw.requests('chat.history').map((f) => (f.params as { offset?: number }).offset ?? 0);
    assert.ok(offsets.length >= 50 && offsets.every((o) => o >= 0));
  });

  it('a switch resolves once the session is shown, even when another history read overtook its own', async () => {
    const { gw, controller } = await setup();
    seedLongSession(gw, 'agent:main:long', 1000);
    const switched = controller.switchSession('agent:main:long');
    // A reconnect or a rewrite asks for the history again before the switch's own read is back.
    void controller.reloadHistory();
    await switched;
    assert.equal(controller.earlier, 800, 'the latest page is shown, with what is older counted');
    assert.equal(textOf(controller.transcript.at(-1)!), 'answer 999');
  });

  it("shows another client's messages live exactly once, and our own turn's rows once", async () => {
    const { gw, controller } = await setup();
    await waitFor(() => gw.sessionStore.messageSubscribers.get(MAIN_SESSION)?.size === 1, 'subscribed to the shown session');
    const loads = gw.requests('chat.history').length;
    gw.sessionStore.addRow(MAIN_SESSION, { role: 'user', content: 'typed in the CLI', timestamp: Date.now() });
    gw.sessionStore.addRow(MAIN_SESSION, { role: 'assistant', content: [{ type: 'text', text: 'answered there' }], timestamp: Date.now() });
    await waitFor(() => controller.transcript.length === 2, 'two live rows');
    controller.send('and from here');
    await waitFor(() => !controller.busy && controller.transcript.some((i) => i.kind === 'assistant' && textOf(i) === 'Echo: and from here'), 'our turn');
    // Let any late session.message of our own run arrive: it must not add a row.
    await waitFor(() => gw.history.get(MAIN_SESSION)!.length === 4, 'history has all four');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(controller.transcript.map(textOf), ['typed in the CLI', 'answered there', 'and from here', 'Echo: and from here']);
    assert.equal(gw.requests('chat.history').length, loads, 'no reload: rows were appended');
  });

  it('drops the subscription on switch and subscribes again after a reconnect', async () => {
    const { gw, client, controller } = await setup();
    await waitFor(() => gw.requests('sessions.messages.subscribe').length === 1, 'first subscribe');
    await controller.switchSession('agent:main:other');
    await waitFor(() => gw.requests('sessions.messages.subscribe').length === 2, 'subscribed to the new one');
    assert.equal(gw.requests('sessions.messages.unsubscribe').length, 1, 'and unsubscribed from the old');
    assert.deepEqual(gw.requests('sessions.messages.unsubscribe')[0].params, { key: MAIN_SESSION });
    gw.dropAll();
    await waitFor(() => gw.connections >= 2 && client.state.kind === 'connected', 'reconnected', 15_000);
    await waitFor(
      () => gw.requests('sessions.messages.subscribe').some((f, i) => i > 1 && (f.params as { key: string }).key === 'agent:main:other'),
      'renewed',
    );
  });

  it('renames, pins (pinned on top), archives into the archived list and unarchives', async () => {
    const { gw, controller } = await setup();
    for (const key of ['agent:main:a', 'agent:main:b']) seedLongSession(gw, key, 2);
    await controller.refreshSessions();
    await controller.list.rename('agent:main:a', '  Release plan ');
    assert.equal(gw.sessions.get('agent:main:a')!.label, 'Release plan');
    await controller.list.setPinned('agent:main:a', true);
    assert.equal(controller.sessions[0].key, 'agent:main:a', 'pinned first');
    await assert.rejects(controller.list.rename('agent:main:a', 'x'.repeat(513)), /at most 512/);
    await controller.list.setArchived('agent:main:b', true);
    const patch = gw.requests('sessions.patch').at(-1)!.params as Record<string, unknown>;
    assert.deepEqual(patch, { key: 'agent:main:b', archived: true, expectedSessionId: gw.sessions.get('agent:main:b')!.sessionId });
    assert.ok(!controller.sessions.some((s) => s.key === 'agent:main:b'));
    assert.deepEqual(
      (await controller.list.listArchived()).map((r) => r.key),
      ['agent:main:b'],
    );
    await controller.list.setArchived('agent:main:b', false);
    await controller.refreshSessions();
    assert.ok(controller.sessions.some((s) => s.key === 'agent:main:b'));
    assert.deepEqual(controller.list.archived, []);
    await assert.rejects(controller.list.setArchived(MAIN_SESSION, true), /main session cannot be archived/);
    await controller.list.rename('agent:main:a', '');
    assert.equal(gw.requests('sessions.patch').at(-1)!.params && (gw.requests('sessions.patch').at(-1)!.params as { label: unknown }).label, null);
  });

  it('opens a search hit deep in a long session at its message, loading older pages', async () => {
    const { gw, controller, changes } = await setup();
    seedLongSession(gw, 'agent:main:long', 3000);
    const hits = await controller.client.sessions.search('question 120');
    const hit = hits.find((h) => h.sessionKey === 'agent:main:long')!;
    assert.ok(hit, 'found');
    assert.equal(await controller.actions.reveal(hit.sessionKey, hit.messageId), true);
    assert.equal(controller.sessionKey, 'agent:main:long');
    const revealed = changes.filter((c) => c.type === 'reveal').map((c) => (c as { id: string }).id);
    assert.deepEqual(revealed, [`u:${hit.messageId}`]);
    assert.equal(textOf(controller.transcript.find((i) => i.id === revealed[0])!), 'question 120');
    assert.deepEqual(await controller.client.sessions.search('   '), [], 'an empty query asks nothing');
  });

  it('forks from a user message: a new session with the history before it, the message in the box', async () => {
    const { gw, controller, changes } = await setup();
    seedLongSession(gw, 'agent:main:f', 4);
    await controller.switchSession('agent:main:f');
    const second = controller.transcript.filter((i) => i.kind === 'user')[1];
    const key = await controller.actions.forkFrom(second.id);
    assert.equal(controller.sessionKey, key);
    assert.deepEqual(controller.transcript.map(textOf), ['question 0', 'answer 1']);
    assert.deepEqual(changes.filter((c) => c.type === 'draft').at(-1), { type: 'draft', text: 'question 2' });
  });

  it('rewinds to a user message: the history is cut before it and the message goes back in the box', async () => {
    const { gw, controller, changes } = await setup();
    seedLongSession(gw, 'agent:main:r', 6);
    await controller.switchSession('agent:main:r');
    const third = controller.transcript.filter((i) => i.kind === 'user')[2];
    await controller.actions.rewindTo(third.id);
    assert.deepEqual(controller.transcript.map(textOf), ['question 0', 'answer 1', 'question 2', 'answer 3']);
    assert.deepEqual(changes.filter((c) => c.type === 'draft').at(-1), { type: 'draft', text: 'question 4' });
    await assert.rejects(controller.actions.rewindTo('a:not-a-user-message'), /Only a message you sent/);
  });

  it('reads a whole history for an export, page by page, oldest first', async () => {
    const { gw, controller } = await setup();
    seedLongSession(gw, 'agent:main:x', 2500);
    const rows = await controller.actions.wholeHistory('agent:main:x');
    assert.equal(rows.length, 2500);
    assert.deepEqual(
      rows.map((r) => r.__openclaw?.seq),
      Array.from({ length: 2500 }, (_, i) => i + 1),
    );
  });
});
