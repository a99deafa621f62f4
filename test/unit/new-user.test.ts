/**
 * What a new user tripped over (issue 10), each case against recorded gateway data or the fake
 * gateway: the gateway's own notes are not the person's words, a stopped reply stays stopped, the
 * main session says why it stays, one name for a session everywhere, a protocol-3 gateway lists its
 * sessions, and a failed list says why.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ChatController, type ControllerChange } from '../../src/extension/chat-controller';
import { ChatFeed } from '../../src/extension/chat-feed';
import { HostPoster } from '../../src/extension/host-poster';
import { itemsFromHistory, QUEUED_MARKER, sessionTitle, unfoldQueued, usageView } from '../../src/extension/transcript';
import type { HostMessage } from '../../src/protocol/webview';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway, MAIN_SESSION } from '../../tools/fake-gateway';
import { readRecorded } from '../support/transcripts';
import { waitFor, waitForState } from '../support/wait';

describe('what a new user trips over', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options: ConstructorParameters<typeof FakeGateway>[0] = {}) {
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

  it("shows the gateway's note after a restart as a quiet system line, not as the person's message", () => {
    const items = itemsFromHistory(readRecorded('chat.history.restart-note.json').payload.messages);
    assert.deepEqual(
      items.map((i) => [i.kind, 'text' in i ? i.text : '']),
      [
        ['user', 'SLOW sigkill streamed turn'],
        ['notice', 'System note: Your previous turn was interrupted by a gateway restart while OpenClaw was waiting on tool/model work.'],
        ['assistant', 'Echo: SLOW sigkill streamed turn'],
      ],
    );
    assert.equal(items[1].kind === 'notice' && items[1].level, 'info');
  });

  it('shows a message the gateway folded into the next one after a crash as the person sent it, once', () => {
    const folded = `${QUEUED_MARKER}\nfirst, never answered\n\nsecond, sent while it was down`;
    const row = (role: 'user' | 'assistant', text: string) => ({ role, content: [{ type: 'text', text }] });
    const shown = (messages: ReturnType<typeof row>[]) => itemsFromHistory(messages).map((i) => [i.kind, 'text' in i ? i.text : '']);
    // The gateway replaced the unanswered row with the folded prompt.
    assert.deepEqual(shown([row('user', folded), row('assistant', 'Echo')]), [
      ['user', 'first, never answered'],
      ['user', 'second, sent while it was down'],
      ['assistant', 'Echo'],
    ]);
    // It kept the unanswered row as well: shown once, not twice.
    assert.deepEqual(shown([row('user', 'first, never answered'), row('user', folded)]), [
      ['user', 'first, never answered'],
      ['user', 'second, sent while it was down'],
    ]);
    // The same words answered earlier are another message: the folded one is still shown.
    assert.deepEqual(shown([row('user', 'first, never answered'), row('assistant', 'Echo'), row('user', folded)]), [
      ['user', 'first, never answered'],
      ['assistant', 'Echo'],
      ['user', 'first, never answered'],
      ['user', 'second, sent while it was down'],
    ]);
    // Two folded in, and a row that only looks like one stays as it is.
    assert.deepEqual(unfoldQueued(`${QUEUED_MARKER}\na\n\n${QUEUED_MARKER}\nb\n\nc`), { orphans: ['a', 'b'], own: 'c' });
    assert.deepEqual(unfoldQueued(`${QUEUED_MARKER}\nno end`), { orphans: [], own: `${QUEUED_MARKER}\nno end` });
    assert.deepEqual(unfoldQueued('plain'), { orphans: [], own: 'plain' });
  });

  it('after a crash, shows what history holds once the next turn is done (the gateway may drop the unanswered message)', async () => {
    const { gw, controller } = await setup({ deltaDelayMs: 30 });
    const second = 'second, typed while the gateway was down, long enough to stream for a while';
    // Like OpenClaw's orphan repair: once the next turn is under way, its prompt carries the
    // unanswered message and the message's own row is gone (after the reload the reconnect brings).
    gw.handlers.push((_conn, frame) => {
      if (frame.method !== 'agent' || (frame.params as { message?: string }).message !== second) return false;
      setTimeout(() => {
        const rows = gw.history.get(MAIN_SESSION)!;
        rows.splice(
          rows.findIndex((r) => r.content === 'first, cut off by a crash'),
          1,
        );
      }, 250);
      return false;
    });
    controller.send('first, cut off by a crash');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text.length > 0), 'the first reply streams');
    gw.reboot();
    gw.dropAll();
    controller.send(second);
    const shown = () => controller.transcript.map((i) => `${i.kind}:${'text' in i ? i.text : ''}`);
    await waitFor(() => shown().includes(`assistant:Echo: ${second}`) && !controller.busy && !controller.loading, 'the second reply');
    assert.deepEqual(shown(), [`user:${second}`, `assistant:Echo: ${second}`]);
  });

  it('keeps a stopped reply marked stopped after a reload, with no line of zero tokens', () => {
    const items = itemsFromHistory(readRecorded('chat.history.aborted.json').payload.messages);
    const reply = items.find((i) => i.kind === 'assistant');
    assert.ok(reply?.kind === 'assistant');
    assert.equal(reply.outcome, 'aborted');
    assert.equal(reply.usage, undefined);
    assert.equal(usageView({ input: 0, output: 0, totalTokens: 0 }), undefined);
    assert.deepEqual(usageView({ input: 0, output: 3 }), { input: 0, output: 3, total: undefined });
  });

  it('keeps a reply stopped live marked stopped, with no line of zero tokens', async () => {
    const { gw, controller } = await setup({ deltaDelayMs: 30 });
    gw.reply = () => 'one two three four five six seven eight nine ten eleven twelve';
    controller.send('please go slowly');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text.length > 0), 'streaming');
    await controller.stop();
    await waitFor(() => !controller.busy, 'stopped');
    const reply = controller.transcript.find((i) => i.kind === 'assistant');
    assert.ok(reply?.kind === 'assistant');
    assert.equal(reply.outcome, 'aborted');
    // The fake gateway, like the real one, reports the stopped run's usage as zeros.
    assert.equal(reply.usage?.input, undefined);
  });

  it('Stop pressed before the gateway took the message stops the run once it does, instead of letting it run unseen', async () => {
    const { gw, controller } = await setup({ deltaDelayMs: 30 });
    gw.reply = () => 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';
    // The gateway is slow to take the message, as a busy one is.
    const held = new Set<unknown>();
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent' || held.has(frame.id)) return false;
      held.add(frame.id);
      setTimeout(() => (gw as unknown as { onRequest(c: unknown, f: unknown): void }).onRequest(conn, frame), 400);
      return true;
    });
    controller.send('SLOW please take your time');
    await waitFor(() => gw.requests('agent').length === 1, 'sent');
    await controller.stop();
    await waitFor(() => !controller.busy, 'stopped', 10_000);
    assert.equal(gw.requests('chat.abort').length, 1, 'the gateway was told to stop it');
    const reply = controller.transcript.find((i) => i.kind === 'assistant');
    assert.equal(reply?.kind === 'assistant' && reply.outcome, 'aborted');
    assert.ok(!controller.transcript.some((i) => i.kind === 'notice' && i.text.startsWith('Not sent')), 'not claimed unsent: the gateway has it');
    assert.ok(
      (gw.history.get(MAIN_SESSION) ?? []).some((row) => row.content === 'SLOW please take your time'),
      'in history, as the gateway got it',
    );
  });

  it('names a new session the same in the header, the tree and the pickers', () => {
    const key = 'agent:main:vscode-mx5bwmew';
    assert.equal(sessionTitle({ key }), 'New session');
    // What the gateway lists for a session nobody named yet: its key's tail as display name.
    assert.equal(sessionTitle({ key, displayName: 'vscode-mx5bwmew' }), 'New session');
    assert.equal(sessionTitle({ key, displayName: 'vscode-mx5bwmew', derivedTitle: 'Fix the build' }), 'Fix the build');
    assert.equal(sessionTitle({ key, label: 'Mine', derivedTitle: 'Fix the build' }), 'Mine');
  });

  it('lists the main session on a fresh gateway, and says why it cannot be deleted', async () => {
    const { gw, controller } = await setup();
    gw.sessions.clear();
    await controller.refreshSessions();
    assert.deepEqual(
      controller.sessions.map((s) => s.key),
      [MAIN_SESSION],
    );
    assert.equal(controller.deletionRefusal(MAIN_SESSION), 'The main session cannot be deleted: the gateway keeps it. Start a new session instead.');
    assert.equal(controller.deletionRefusal('agent:main:other'), undefined);
    await assert.rejects(controller.deleteSession(MAIN_SESSION), /cannot be deleted/);
  });

  it('lists the sessions of a protocol-3 gateway, which takes no offset', async () => {
    const { gw, controller } = await setup({ protocol: 3 });
    gw.sessions.set('agent:main:p3', { key: 'agent:main:p3', updatedAt: 1 });
    await controller.refreshSessions();
    assert.equal(controller.sessionsError, undefined);
    assert.deepEqual(controller.sessions.map((s) => s.key).sort(), [MAIN_SESSION, 'agent:main:p3']);
    assert.ok(
      gw.requests('sessions.list').every((r) => !('offset' in (r.params as object))),
      'never sent an offset',
    );
  });

  it('falls back to one request when a gateway refuses the offset, and keeps the error of a failed list', async () => {
    const { gw, controller, changes } = await setup();
    let refuse: 'offset' | 'all' = 'offset';
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'sessions.list') return false;
      if (refuse === 'all') return (conn.res(frame.id, false, { code: 'UNAVAILABLE', message: 'sessions store is busy' }), true);
      if (!('offset' in (frame.params as object))) return false;
      conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: "invalid sessions.list params: at root: unexpected property 'offset'" });
      return true;
    });
    await controller.refreshSessions();
    assert.equal(controller.sessionsError, undefined);
    assert.ok(controller.sessions.some((s) => s.key === MAIN_SESSION));
    refuse = 'all';
    changes.length = 0;
    await controller.refreshSessions();
    assert.equal(controller.sessionsError, 'sessions store is busy');
    assert.ok(
      changes.some((c) => c.type === 'sessions'),
      'the view hears about the failure',
    );
  });

  it("updates the chat header when the gateway titles the shown session, in the tree's words", async () => {
    const { gw, controller } = await setup();
    const posted: HostMessage[] = [];
    const feed = new ChatFeed(controller, new HostPoster((m) => posted.push(m)), () => ({ kind: 'connected', title: 'ok', actions: [] }));
    cleanups.push(() => feed.dispose());
    feed.snapshot();
    const main = gw.sessions.get(MAIN_SESSION)!;
    main.displayName = 'main';
    await controller.refreshSessions();
    assert.deepEqual(
      posted.filter((m) => m.type === 'session'),
      [],
      'no title change, no message',
    );
    main.derivedTitle = 'Plan the release';
    await controller.refreshSessions();
    assert.deepEqual(
      posted.filter((m) => m.type === 'session').map((m) => (m as { session: unknown }).session),
      [{ key: MAIN_SESSION, title: 'Plan the release', canRewind: true }],
    );
  });

  it('says the message was accepted and what the agent does while the first reply is on its way', async () => {
    const { gw, controller, changes } = await setup({ deltaDelayMs: 400 });
    gw.reply = () => 'hi';
    controller.send('hello');
    await waitFor(() => !controller.busy, 'done', 10_000);
    const activities = changes.flatMap((c) => (c.type === 'upsert' && c.item.kind === 'assistant' && c.item.activity ? [c.item.activity] : []));
    assert.deepEqual(activities.slice(0, 2), ['The gateway has the message; waiting for the agent to start…', 'The agent is working…']);
  });
});
