import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { TurnEvent } from '../../src/gateway/run-stream';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway, MAIN_SESSION, type FakeGatewayOptions } from '../../tools/fake-gateway';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('turns and sessions', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connected(options: FakeGatewayOptions = {}) {
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start();
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');
    return { gw, client };
  }

  it('streams a turn whose deltas add up to the final text', async () => {
    const { client } = await connected();
    const events: TurnEvent[] = [];
    let acceptedRun = '';
    const result = await client.runTurn(
      { sessionKey: 'agent:main:t1', message: 'hello from the unit test with many words', idempotencyKey: 'key-1' },
      { onEvent: (e) => events.push(e), onAccepted: (runId) => (acceptedRun = runId) },
    );
    assert.equal(acceptedRun, 'key-1');
    assert.equal(result.status, 'ok');
    assert.equal(result.runId, 'key-1');
    assert.equal(result.text, 'Echo: hello from the unit test with many words');
    const deltas = events.filter((e) => e.kind === 'text').map((e) => (e as { delta: string }).delta);
    assert.ok(deltas.length >= 8);
    assert.equal(deltas.join(''), result.text);
    assert.deepEqual(
      events.filter((e) => e.kind === 'lifecycle').map((e) => (e as { phase: string }).phase),
      ['start', 'end'],
    );
    assert.deepEqual(result.usage, { input: 10, output: 9 });
    assert.equal(result.stopReason, 'stop');
    assert.ok(!events.some((e) => e.kind === 'gap'), 'holes in the run seq are not gaps');
  });

  it("hands agent events to their run and to onAgentEvent, never to onEvent's generic listeners", async () => {
    const { client } = await connected();
    const generic: string[] = [];
    const agent: string[] = [];
    client.onEvent((frame) => generic.push(frame.event));
    client.onAgentEvent((payload) => agent.push(payload.runId));
    let turnEvents = 0;
    const result = await client.runTurn(
      { sessionKey: 'agent:main:t2', message: 'one two three', idempotencyKey: 'key-2' },
      { onEvent: () => (turnEvents += 1) },
    );
    assert.equal(result.status, 'ok');
    assert.ok(turnEvents > 3);
    assert.ok(agent.length >= turnEvents && agent.every((runId) => runId === 'key-2'), `agent events: ${agent.length}`);
    assert.ok(!generic.includes('agent'), `generic listeners saw: ${[...new Set(generic)].join(', ')}`);
  });

  it('keeps each turn to its own run when two run at once', async () => {
    const { client } = await connected({ deltaDelayMs: 2 });
    const a: string[] = [];
    const b: string[] = [];
    const [ra, rb] = await Promise.all([
      client.runTurn({ sessionKey: 'agent:main:a', message: 'alpha one two three' }, { onEvent: (e) => e.kind === 'text' && a.push(e.delta) }),
      client.runTurn({ sessionKey: 'agent:main:b', message: 'bravo four five six' }, { onEvent: (e) => e.kind === 'text' && b.push(e.delta) }),
    ]);
    assert.equal(a.join(''), 'Echo: alpha one two three');
    assert.equal(b.join(''), 'Echo: bravo four five six');
    assert.notEqual(ra.runId, rb.runId);
  });

  it('ends with status aborted after chat.abort', async () => {
    const { client, gw } = await connected({ deltaDelayMs: 20 });
    gw.reply = () => Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    let runId = '';
    const turn = client.runTurn({ sessionKey: 'agent:main:stop', message: 'long' }, { onAccepted: (id) => (runId = id) });
    await waitFor(() => runId, 'accepted');
    await sleep(60);
    const aborted = (await client.abortTurn('agent:main:stop', runId)) as { aborted: boolean };
    assert.equal(aborted.aborted, true);
    const result = await turn;
    assert.equal(result.status, 'aborted');
    assert.ok(result.text.length < 400, 'stopped early');
  });

  it('queues a turn typed while offline and sends it once connected', async () => {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    const turn = client.runTurn({ sessionKey: 'agent:main:q', message: 'queued', idempotencyKey: 'queued-1' });
    await sleep(50);
    assert.equal(gw.requests('agent').length, 0);
    client.start();
    const result = await turn;
    assert.equal(result.text, 'Echo: queued');
    assert.equal(gw.requests('agent').length, 1);
  });

  it('re-sends with the same key when the connection drops before the gateway took the turn', async () => {
    const { client, gw } = await connected();
    let dropped = false;
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent' || dropped) return false;
      dropped = true;
      conn.ws.terminate(); // lost on the way: the gateway never saw it
      return true;
    });
    const result = await client.runTurn({ sessionKey: 'agent:main:drop', message: 'again', idempotencyKey: 'idem-drop' });
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'Echo: again');
    const keys = gw.requests('agent').map((f) => (f.params as { idempotencyKey: string }).idempotencyKey);
    assert.deepEqual(keys, ['idem-drop', 'idem-drop']);
    assert.equal(gw.history.get('agent:main:drop')!.filter((m) => m.role === 'user').length, 1, 'ran once');
  });

  it('never re-sends a turn the gateway took before a restart: it ends interrupted', async () => {
    const { client, gw } = await connected({ deltaDelayMs: 30 });
    const notices: unknown[] = [];
    client.onResync((n) => notices.push(n));
    let runId = '';
    const turn = client.runTurn({ sessionKey: 'agent:main:crash', message: 'one two three four five six' }, { onAccepted: (id) => (runId = id) });
    await waitFor(() => runId, 'accepted');
    gw.reboot();
    gw.dropAll();
    const result = await turn;
    assert.equal(result.status, 'interrupted');
    assert.equal(gw.requests('agent').length, 1, 'not sent twice');
    assert.deepEqual(notices, [{ reason: 'reconnected' }]);
  });

  it('waits for a turn still running on the same gateway after a reconnect', async () => {
    const { client, gw } = await connected({ deltaDelayMs: 10 });
    let runId = '';
    const turn = client.runTurn({ sessionKey: 'agent:main:blip', message: 'a b c d e f g h' }, { onAccepted: (id) => (runId = id) });
    await waitFor(() => runId, 'accepted');
    [...gw.conns][0].ws.terminate();
    await waitFor(() => gw.finals.has(runId), 'run finished on the gateway', 3000);
    const result = await turn;
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'Echo: a b c d e f g h');
    assert.equal(gw.requests('agent').length, 1);
    assert.equal(gw.requests('agent.wait').length, 1);
  });

  it('keeps waiting for a run still going when the connection drops again during agent.wait', async () => {
    // Seen on the real gateway under load: the watchdog reconnected twice during one SLOW turn; the
    // second drop failed the agent.wait, the turn ended "interrupted" while the run went on, and its
    // reply, arriving later as our own run's rows, was never shown.
    const { client, gw } = await connected({ deltaDelayMs: 40 });
    let runId = '';
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const turn = client.runTurn({ sessionKey: 'agent:main:twice', message: words }, { onAccepted: (id) => (runId = id) });
    await waitFor(() => runId, 'accepted');
    [...gw.conns][0].ws.terminate();
    await waitFor(() => gw.requests('agent.wait').length === 1 && gw.activeRuns.has(runId), 'waiting for the run after the first drop');
    [...gw.conns].at(-1)!.ws.terminate();
    const result = await turn;
    assert.equal(result.status, 'ok');
    assert.equal(result.text, `Echo: ${words}`);
    assert.equal(gw.requests('agent').length, 1, 'not sent twice');
    assert.equal(gw.requests('agent.wait').length, 2, 'asked again once back');
  });

  it('after a reconnect, reads the reply from history when agent.wait has none and the rows carry no key', async () => {
    // An older gateway (2026.4.27) under load: its event loop stalls, the events of the run are lost
    // with the connection, its agent.wait names no reply text, and the reply row lands a moment later.
    const { client, gw } = await connected({ deltaDelayMs: 30, bareHistory: true, replyRowLagMs: 1500 });
    let runId = '';
    const deltas: string[] = [];
    const turn = client.runTurn(
      { sessionKey: 'agent:main:stall', message: 'one two three four five six seven eight' },
      { onAccepted: (id) => (runId = id), onEvent: (e) => e.kind === 'text' && deltas.push(e.delta) },
    );
    await waitFor(() => runId, 'accepted');
    // Not back before the run is over, so the rest of its events are gone for good.
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'connect' || gw.finals.has(runId)) return false;
      conn.res(frame.id, false, { code: 'UNAVAILABLE', message: 'busy', retryable: true, retryAfterMs: 100 });
      return true;
    });
    [...gw.conns][0].ws.terminate();
    const result = await turn;
    assert.equal(result.status, 'ok');
    assert.notEqual(deltas.join(''), result.text, 'the stream alone did not carry the reply');
    assert.equal(result.text, 'Echo: one two three four five six seven eight');
    assert.equal(gw.requests('agent').length, 1, 'not sent twice');
    assert.ok(gw.requests('chat.history').length >= 2, 'history asked again while the reply row was missing');
  });

  it('sends again under a new key when the gateway refused the message because its session was busy', { timeout: 20_000 }, async () => {
    const { client, gw } = await connected();
    const refused = new Set<string>();
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'agent') return false;
      const key = String((frame.params as { idempotencyKey: string }).idempotencyKey);
      // As observed after a crash: the first key is accepted, then refused for good, while the
      // gateway re-runs the interrupted turn.
      if (refused.size === 0 || refused.has(key)) {
        refused.add(key);
        conn.res(frame.id, true, { runId: key, status: 'accepted' });
        conn.res(frame.id, false, {
          code: 'UNAVAILABLE',
          message: 'Session "agent:main:busy" changed while starting work. Retry. | SESSION_WORK_START_CHANGED',
        });
        return true;
      }
      return false;
    });
    const runIds: string[] = [];
    const result = await client.runTurn(
      { sessionKey: 'agent:main:busy', message: 'typed while it was down', idempotencyKey: 'first-key' },
      { onRunId: (id) => runIds.push(id) },
    );
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'Echo: typed while it was down');
    assert.equal(runIds.length, 1);
    assert.equal(result.runId, runIds[0]);
    assert.notEqual(result.runId, 'first-key');
    assert.deepEqual([...refused], ['first-key']);
    const users = gw.history.get('agent:main:busy')!.filter((m) => m.role === 'user');
    assert.equal(users.length, 1, 'the message ran once');
  });

  it('lists sessions, reads history, deletes, and refuses the main session', async () => {
    const { client, gw } = await connected();
    await client.runTurn({ sessionKey: 'agent:main:s1', message: 'first' });
    const sessions = await client.listSessions();
    assert.deepEqual(sessions.map((s) => s.key).sort(), [MAIN_SESSION, 'agent:main:s1']);
    const history = await client.history('agent:main:s1');
    assert.deepEqual(
      history.messages.map((m) => m.role),
      ['user', 'assistant'],
    );
    await assert.rejects(client.deleteSession(MAIN_SESSION), /The main session \(agent:main:main\) cannot be deleted/);
    assert.equal(gw.requests('sessions.delete').length, 0);
    const changed: unknown[] = [];
    client.onSessionsChanged((p) => changed.push(p));
    const result = await client.deleteSession('agent:main:s1');
    assert.equal(result.deleted, true);
    assert.deepEqual(
      (await client.listSessions()).map((s) => s.key),
      [MAIN_SESSION],
    );
    await waitFor(() => changed.length === 1, 'sessions.changed');
  });

  it('pages through sessions.list: all 2,000 sessions, not the first 100', async () => {
    const { client, gw } = await connected();
    for (let i = 0; i < 1999; i++) gw.sessions.set(`agent:main:s${i}`, { key: `agent:main:s${i}`, updatedAt: i, model: 'fake-model' });
    const sessions = await client.listSessions();
    assert.equal(sessions.length, 2000);
    assert.equal(new Set(sessions.map((s) => s.key)).size, 2000);
    assert.deepEqual(
      gw.requests('sessions.list').map((f) => (f.params as { offset: number }).offset),
      [0, 500, 1000, 1500],
    );
  });

  it('archives then deletes when the connection lacks operator.admin', async () => {
    const { client, gw } = await connected({ grantScopes: ['operator.read', 'operator.write'] });
    await client.runTurn({ sessionKey: 'agent:main:w', message: 'x' });
    const sessionId = gw.sessions.get('agent:main:w')!.sessionId;
    const result = await client.deleteSession('agent:main:w');
    assert.equal(result.deleted, true);
    assert.deepEqual(
      gw.requests('sessions.patch').map((f) => f.params),
      // Archiving names the transcript it archives, as the real gateway requires.
      [{ key: 'agent:main:w', archived: true, expectedSessionId: sessionId }],
    );
    assert.deepEqual(
      gw.requests('sessions.delete').map((f) => f.params),
      [{ key: 'agent:main:w', archivedOnly: true }],
    );
  });
});
