/**
 * Sessions you can find, name, export and share, against the real `openclaw` gateway with our
 * offline model: a second operator connection's turn live in our transcript exactly once, paging
 * from the end to the start with no gaps or repeats while another client writes, rename, pin,
 * archive/unarchive, search opening at the message, the export's content, fork, rewind, compact
 * and reset. One gateway for the file; the tests run in order and build on one session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatController, type ControllerChange } from '../../src/extension/chat-controller';
import { sessionToMarkdown } from '../../src/extension/export-markdown';
import { HistoryWindow } from '../../src/extension/history-window';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import { messageText } from '../../src/gateway/run-stream';
import type { ChatItem } from '../../src/protocol/webview';
import { makeClient } from '../support/clients';
import { sleep, waitFor, waitForState } from '../support/wait';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';

const SUITE_TIMEOUT = 20 * 60_000;
const TURN_MS = 90_000;

describe('sessions against the real openclaw gateway', { timeout: SUITE_TIMEOUT }, () => {
  let gw: GatewayHandle;
  let ours: GatewayClient;
  let other: GatewayClient;
  let controller: ChatController;
  const changes: ControllerChange[] = [];
  const key = `agent:main:sessions-${Date.now().toString(36)}`;
  const textOf = (item: ChatItem) => ('text' in item ? item.text : item.kind);
  const texts = () => controller.transcript.map(textOf);
  /**
   * The offline model's answer to `said`. A message sent right after a turn may reach the gateway
   * while it still winds that turn down: it then reaches the model as a "queued user message" with
   * a note around it, so the echo holds the words rather than being exactly them.
   */
  const answers = (text: string, said: string) => text.startsWith('Echo: ') && text.includes(said);
  /** The transcript as kinds and texts, each answer checked against what it answers. */
  function expectTurns(said: string[]): void {
    const items = controller.transcript;
    assert.equal(items.length, said.length * 2, texts().join(' | '));
    said.forEach((words, i) => {
      assert.deepEqual([items[2 * i].kind, textOf(items[2 * i])], ['user', words]);
      assert.ok(items[2 * i + 1].kind === 'assistant' && answers(textOf(items[2 * i + 1]), words), `answer to "${words}": ${textOf(items[2 * i + 1])}`);
    });
    assert.equal(new Set(items.map((i) => i.id)).size, items.length, 'every item once');
  }

  /** `chat.history` requests our client sent: live rows must arrive without one. */
  let historyReads = 0;

  function client(count = false) {
    return makeClient(gw.url, {
      token: gw.token,
      handshakeTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      backoff: { initialMs: 250, maxMs: 2000 },
      trace: count ? (dir, frame) => void (dir === 'out' && (frame as { method?: string }).method === 'chat.history' && historyReads++) : undefined,
    });
  }

  before(async () => {
    gw = await startGateway();
    ours = client(true);
    other = client();
    controller = new ChatController(ours, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined, initialSession: key });
    controller.onChange((change) => changes.push(change));
    ours.start();
    other.start();
    await waitForState(ours, 'connected', 60_000);
    await waitForState(other, 'connected', 60_000);
  });

  after(async () => {
    controller?.dispose();
    ours?.close();
    other?.close();
    await gw?.dispose();
  });

  it("shows a second operator connection's turn live in our transcript exactly once, and our own turn once", { timeout: 4 * TURN_MS }, async () => {
    await waitFor(() => ours.sessions.watchedSession === key, 'watching the shown session', 30_000);
    await waitFor(() => !controller.loading && historyReads >= 1, 'the (empty) history read', 30_000);
    const reads = historyReads;
    await other.runTurn({ sessionKey: key, message: 'hello from the web chat' });
    await waitFor(() => texts().some((t) => answers(t, 'hello from the web chat')), "the other client's reply, live", 30_000);
    assert.equal(historyReads, reads, 'appended from session.message, not by reading the history again');
    controller.send('hello from vscode');
    await waitFor(() => !controller.busy && texts().some((t) => answers(t, 'hello from vscode')), 'our turn', TURN_MS);
    // Any late session.message of either turn must not add a row.
    await sleep(1500);
    expectTurns(['hello from the web chat', 'hello from vscode']);
  });

  it('pages from the end to the start with no gaps or repeats while another client writes', { timeout: 4 * TURN_MS }, async () => {
    assert.equal((await other.runTurn({ sessionKey: key, message: 'third turn' })).status, 'ok');
    const window = new HistoryWindow();
    const fetch = (limit: number, offset: number) => ours.sessions.historyPage(key, { limit, offset });
    const latest = await fetch(2, 0);
    window.reset(latest);
    assert.ok(latest.hasMore && window.earlier > 0, `older rows exist (total ${latest.totalMessages})`);
    const seqs = latest.messages.map((m) => m.__openclaw!.seq!);
    let pages = 0;
    while (window.earlier > 0) {
      // Another client adds a turn after the first page: the offsets from the newest end shift by its rows.
      if (pages === 1) assert.equal((await other.runTurn({ sessionKey: key, message: 'written while paging' })).status, 'ok');
      const rows = await window.loadEarlier(fetch, 2);
      seqs.unshift(...rows.map((m) => m.__openclaw!.seq!));
      pages += 1;
      assert.ok(pages < 50, 'paging ends');
    }
    const unique = [...new Set(seqs)];
    assert.deepEqual(
      unique,
      Array.from({ length: unique.length }, (_, i) => i + 1),
      `seqs from 1 with no gap: ${seqs.join(',')}`,
    );
    assert.ok(unique.length >= 6, `${unique.length} messages`);
  });

  it('renames, pins, archives and unarchives the session', { timeout: 120_000 }, async () => {
    await controller.refreshSessions();
    await controller.list.rename(key, 'Release plan');
    await controller.list.setPinned(key, true);
    await controller.refreshSessions();
    const row = controller.sessions.find((s) => s.key === key)!;
    assert.equal(row.label, 'Release plan');
    assert.equal(row.pinned, true);
    assert.equal(controller.sessions[0].key, key, 'pinned first');
    await controller.list.setArchived(key, true);
    await controller.refreshSessions();
    assert.ok(!controller.sessions.some((s) => s.key === key), 'archived sessions leave the list');
    controller.list.archived = undefined;
    assert.ok(
      (await controller.list.listArchived()).some((s) => s.key === key),
      'and are listed as archived',
    );
    await controller.list.setArchived(key, false);
    await controller.refreshSessions();
    assert.ok(
      controller.sessions.some((s) => s.key === key),
      'unarchived: listed again',
    );
    await controller.list.setPinned(key, false);
  });

  it('finds a message with search and opens the session at it', { timeout: 120_000 }, async () => {
    // The gateway indexes right after a turn; asked a few times in case it is a moment behind.
    let hits = await ours.sessions.search('paging');
    for (let i = 0; i < 20 && !hits.some((h) => h.sessionKey === key && h.role === 'user'); i++) {
      await sleep(500);
      hits = await ours.sessions.search('paging');
    }
    const hit = hits.find((h) => h.sessionKey === key && h.role === 'user')!;
    assert.ok(hit, JSON.stringify(hits));
    await controller.switchSession('agent:main:main');
    const before = changes.length;
    assert.equal(await controller.actions.reveal(hit.sessionKey, hit.messageId), true);
    assert.equal(controller.sessionKey, key);
    const revealed = changes.slice(before).find((c) => c.type === 'reveal') as { id: string };
    assert.equal(textOf(controller.transcript.find((i) => i.id === revealed.id)!), 'written while paging');
  });

  it('exports the session to Markdown with every message', { timeout: 60_000 }, async () => {
    const rows = await controller.actions.wholeHistory(key);
    const markdown = sessionToMarkdown({ title: 'Release plan', key, exportedAt: Date.now() }, rows);
    for (const said of ['hello from the web chat', 'hello from vscode', 'third turn', 'written while paging'])
      assert.ok(markdown.includes(`> ${said}`), `quotes "${said}"`);
    const replies = rows.filter((r) => r.role === 'assistant').map((r) => messageText(r.content).trim());
    assert.equal(replies.length, 4);
    // The assistant's markdown goes in as it is, each reply whole.
    for (const reply of replies) assert.ok(reply && markdown.includes(reply), `has the reply "${reply.slice(0, 60)}"`);
    assert.equal(markdown.match(/^## You/gm)?.length, 4);
    assert.match(markdown, /^# Release plan\n/);
  });

  it('forks from a user message and rewinds to one', { timeout: 120_000 }, async () => {
    const users = controller.transcript.filter((i) => i.kind === 'user');
    const forked = await controller.actions.forkFrom(users[1].id);
    assert.notEqual(forked, key);
    assert.equal(controller.sessionKey, forked);
    expectTurns(['hello from the web chat']);
    assert.deepEqual(changes.filter((c) => c.type === 'draft').at(-1), { type: 'draft', text: 'hello from vscode' });

    await controller.switchSession(key);
    const last = controller.transcript.filter((i) => i.kind === 'user').at(-1)!;
    await controller.actions.rewindTo(last.id);
    // The chat reads the history right after the rewind, and again when the gateway's `sessions.changed`
    // (reason "rewind") follows: a read that still saw the old transcript is corrected by then.
    await waitFor(() => !texts().includes('written while paging'), `the message and its answer left the history: ${texts().join(' | ')}`, 30_000);
    assert.ok(texts().some((t) => answers(t, 'third turn')));
    assert.deepEqual(changes.filter((c) => c.type === 'draft').at(-1), { type: 'draft', text: 'written while paging' });
  });

  it('compacts and resets the session', { timeout: 4 * TURN_MS }, async () => {
    const compacted = await controller.actions.compact(key);
    assert.equal(compacted.compacted, true);
    await waitFor(() => texts().some((t) => /Session compacted/.test(t)), 'the compaction shows', 30_000);
    await controller.actions.reset(key);
    await waitFor(() => texts().length === 1 && texts()[0] === 'Session reset', `only the reset shows: ${texts().join(' | ')}`, 30_000);
  });
});
