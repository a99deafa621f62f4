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
import { itemsFromHistory, sessionTitle, usageView } from '../../src/extension/transcript';
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
