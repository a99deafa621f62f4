/**
 * The chat controller (chat-controller.ts) over a scripted client: which session it shows, when it
 * reads that session's history again (after a resync, a rewrite, a connection, a reset of the
 * approvals), how a read is reconciled with the turns in flight and the open cards, and what it
 * tells the views. Pure: no socket, mock timers for the reload delays. chat-controller.test.ts
 * covers the same through a ws gateway, too slowly to run once per mutant.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { ConnectionState } from '../../src/gateway/connection-state';
import type { GatewayClient, TurnResult } from '../../src/gateway/gateway-client';
import type { ResyncNotice } from '../../src/gateway/client-options';
import type { TurnInput, TurnOptions } from '../../src/gateway/turn-runner';
import type { ChatHistoryResult, EventFrame, HistoryMessage, SessionRow } from '../../src/protocol/gateway';
import type { ChatItem } from '../../src/protocol/webview';
import { ChatController, type ControllerChange } from '../../src/extension/chat-controller';
import type { MessageContext } from '../../src/extension/composer/staging';
import { connectedState } from './fake-connection';

const MAIN = 'agent:main:main';
const OTHER = 'agent:main:other';

interface OpenRun {
  input: TurnInput;
  options: TurnOptions;
  resolve(result: TurnResult): void;
  reject(error: Error): void;
}

/** The client calls the controller and its parts make; history reads stay open until the test answers. */
class ScriptedClient {
  state: ConnectionState = { kind: 'idle' };
  url = 'ws://gateway';
  mainSessionKey = MAIN;
  sessionDefaults: unknown = undefined;
  listed = 0;
  questionsListed: unknown[] = [];
  listError: Error | undefined;
  modelsError: Error | undefined;
  readonly reads: Array<{ key: string; limit: number; resolve(page: ChatHistoryResult): void; reject(error: Error): void }> = [];
  readonly pages: Array<{ key: string; limit: number; offset: number; resolve(page: ChatHistoryResult): void }> = [];
  readonly runs: OpenRun[] = [];
  readonly watched: string[] = [];
  readonly deleted: string[] = [];
  readonly patched: Array<[string, Record<string, unknown>]> = [];
  watchError: Error | undefined;
  rows: SessionRow[] = [{ key: MAIN }];
  models: unknown[] = [];
  private readonly listeners = {
    state: new Set<(s: ConnectionState) => void>(),
    event: new Set<(f: EventFrame) => void>(),
    resync: new Set<(n: ResyncNotice) => void>(),
    changed: new Set<(p: unknown) => void>(),
  };

  readonly sessions = {
    watchedSession: '',
    watchMessages: (key: string) => {
      this.watched.push(key);
      this.sessions.watchedSession = key;
      return this.watchError ? Promise.reject(this.watchError) : Promise.resolve();
    },
    historyPage: (key: string, page: { limit: number; offset: number }) =>
      new Promise<ChatHistoryResult>((resolve) => this.pages.push({ key, ...page, resolve })),
    list: async () => [],
    patch: async () => undefined,
  };
  readonly approvals = {
    route: { approvals: 'ok', questions: 'ok' },
    pending: async () => [],
    pendingQuestions: async (): Promise<unknown[]> => this.questionsListed,
    watchSession: async () => [],
    unwatchSession: async () => undefined,
  };

  onState(listener: (s: ConnectionState) => void) {
    this.listeners.state.add(listener);
    return () => this.listeners.state.delete(listener);
  }
  onEvent(listener: (f: EventFrame) => void) {
    this.listeners.event.add(listener);
    return () => this.listeners.event.delete(listener);
  }
  onResync(listener: (n: ResyncNotice) => void) {
    this.listeners.resync.add(listener);
    return () => this.listeners.resync.delete(listener);
  }
  onSessionsChanged(listener: (p: unknown) => void) {
    this.listeners.changed.add(listener);
    return () => this.listeners.changed.delete(listener);
  }
  get listenerCount(): number {
    return Object.values(this.listeners).reduce((n, set) => n + set.size, 0);
  }
  setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.listeners.state) listener(state);
  }
  event(event: string, payload: unknown): void {
    for (const listener of this.listeners.event) listener({ type: 'event', event, payload });
  }
  resync(notice: ResyncNotice): void {
    for (const listener of this.listeners.resync) listener(notice);
  }
  history(key: string, limit: number): Promise<ChatHistoryResult> {
    return new Promise((resolve, reject) => this.reads.push({ key, limit, resolve, reject }));
  }
  listSessions = async () => {
    this.listed += 1;
    if (this.listError) throw this.listError;
    return this.rows;
  };
  listModels = async () => {
    if (this.modelsError) throw this.modelsError;
    return this.models;
  };
  listCommands = async () => [];
  deleteSession = async (key: string) => {
    this.deleted.push(key);
    return { ok: true, deleted: true };
  };
  runTurn(input: TurnInput, options: TurnOptions): Promise<TurnResult> {
    return new Promise((resolve, reject) => this.runs.push({ input, options, resolve, reject }));
  }
  abortTurn = async () => ({});
  /** `sessions.patch`: the next `sessions.list` shows the change. */
  patchSession = async (key: string, patch: Record<string, unknown>) => {
    this.patched.push([key, patch]);
    this.rows = this.rows.map((row) => (row.key === key ? { ...row, ...patch } : row));
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await tick();
}

const user = (id: string, text: string, seq: number): HistoryMessage => ({ role: 'user', content: text, __openclaw: { id, seq } });
const reply = (id: string, text: string, seq: number): HistoryMessage => ({ role: 'assistant', content: text, __openclaw: { id, seq } });
const toolCall = (id: string, callId: string, seq: number): HistoryMessage => ({
  role: 'assistant',
  content: [{ type: 'toolCall', id: callId, name: 'exec', arguments: { command: 'ls' } }],
  __openclaw: { id, seq },
});
const texts = (items: readonly ChatItem[]) => items.map((i) => `${i.kind}:${'text' in i ? i.text : i.id}`);
const approvalEvent = (id: string, request: Record<string, unknown>) => ({
  id,
  request: { command: `echo ${id}`, sessionKey: MAIN, allowedDecisions: ['allow-once', 'deny'], ...request },
});

describe('ChatController over a scripted client', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  /** node:test's mock `setTimeout` for this case (the reload and list delays), reset after it. */
  function mockTimeouts(): void {
    mock.timers.enable({ apis: ['setTimeout'] });
    cleanups.push(() => mock.timers.reset());
  }

  function setup(deps: { initialSession?: string; busyMode?: () => 'steer' | 'queue' | 'interrupt'; thinking?: () => string | undefined } = {}) {
    const client = new ScriptedClient();
    const logs: Array<[string, string]> = [];
    const saved: string[] = [];
    const controller = new ChatController(client as unknown as GatewayClient, {
      log: (level, message) => logs.push([level, message]),
      thinking: () => undefined,
      saveSession: (key) => saved.push(key),
      ...deps,
    });
    const changes: ControllerChange[] = [];
    controller.onChange((change) => changes.push(change));
    cleanups.push(() => controller.dispose());
    const kinds = () => changes.map((c) => c.type);
    return { client, controller, logs, saved, changes, kinds };
  }

  /** Connects and answers the first history read with `messages`. */
  async function connected(t: ReturnType<typeof setup>, messages: HistoryMessage[] = [], page: Partial<ChatHistoryResult> = {}) {
    t.client.setState(connectedState());
    mock.timers.tick(0);
    await settle();
    const read = t.client.reads.shift();
    assert.ok(read, 'the first connection reads the history');
    read.resolve({ messages, ...page });
    await settle();
  }

  /** Sends `text` and returns its run, held open, and the turn's key (its idempotency key). */
  async function sendHeld(t: ReturnType<typeof setup>, text: string) {
    t.controller.send(text);
    await settle();
    const run = t.client.runs[0];
    return { run, key: run.input.idempotencyKey! };
  }

  it('shows the main session until another is chosen, and the remembered one first', () => {
    const t = setup();
    assert.equal(t.controller.sessionKey, MAIN);
    t.client.mainSessionKey = 'agent:main:renamed';
    assert.equal(t.controller.sessionKey, 'agent:main:renamed');
    assert.equal(setup({ initialSession: OTHER }).controller.sessionKey, OTHER);
  });

  it('the first connection watches the session, lists the sessions and reads its history once', async () => {
    mockTimeouts();
    const t = setup();
    t.client.setState(connectedState());
    assert.deepEqual(t.changes[0], { type: 'connection', state: connectedState() });
    assert.deepEqual(t.client.watched, [MAIN]);
    assert.equal(t.client.reads.length, 0, 'the read waits for the timer');
    mock.timers.tick(0);
    assert.equal(t.client.reads.length, 1);
    assert.deepEqual([t.client.reads[0].key, t.client.reads[0].limit], [MAIN, 200]);
    assert.equal(t.controller.loading, true);
    assert.deepEqual(t.kinds().slice(-1), ['snapshot'], 'an empty transcript says it is loading');
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1), reply('r2', 'hello', 2)] });
    await settle();
    assert.equal(t.controller.loading, false);
    assert.deepEqual(texts(t.controller.transcript), ['user:hi', 'assistant:hello']);
    assert.deepEqual(
      t.controller.sessions.map((r) => r.key),
      [MAIN],
    );
    // A second connection with a transcript shown does not read again (the resync notice does).
    t.client.setState({ kind: 'reconnecting', attempt: 1, delayMs: 10 } as unknown as ConnectionState);
    t.client.setState(connectedState());
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0);
    assert.deepEqual(t.client.watched, [MAIN], 'the client renews a subscription it already has');
  });

  it('a connection after only unsent messages reads the history again', async () => {
    mockTimeouts();
    const t = setup();
    t.controller.send('offline hello');
    assert.deepEqual(texts(t.controller.transcript), ['user:offline hello']);
    t.client.setState(connectedState());
    mock.timers.tick(0);
    assert.equal(t.client.reads.length, 1);
  });

  it('reads again after a resync, not after a run gap; a run gap marks its turn', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.client.resync({ reason: 'frame-gap' });
    mock.timers.tick(99);
    assert.equal(t.client.reads.length, 0);
    mock.timers.tick(1);
    assert.equal(t.client.reads.length, 1);
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1)] });
    await settle();
    t.client.resync({ reason: 'run-gap', runId: 'nobody' });
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0);
  });

  it('a rewrite of the shown session is read again after 300 ms; other sessions and reasons are not', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)], { sessionId: 's1' });
    const reads = (payload: Record<string, unknown>) => {
      t.client.event('sessions.changed', payload);
      mock.timers.tick(299);
      const early = t.client.reads.length;
      mock.timers.tick(1);
      const count = t.client.reads.length;
      t.client.reads.splice(0);
      return [early, count];
    };
    for (const reason of ['rewind', 'compact', 'reset', 'new']) assert.deepEqual(reads({ sessionKey: MAIN, reason }), [0, 1], reason);
    assert.deepEqual(reads({ sessionKey: OTHER, reason: 'reset' }), [0, 0]);
    assert.deepEqual(reads({ sessionKey: MAIN, reason: 'patch' }), [0, 0]);
    assert.deepEqual(reads({ sessionKey: MAIN }), [0, 0]);
    assert.deepEqual(reads({ sessionKey: MAIN, sessionId: 's1' }), [0, 0]);
    assert.deepEqual(reads({ sessionKey: MAIN, sessionId: 's2' }), [0, 1], 'a new transcript id');
    assert.deepEqual(reads({ sessionKey: MAIN, reason: 'reset', data: { toolCallId: 'c', phase: 'result' } }), [0, 1], 'read as sessions.changed only');
    t.client.event('session.compacted', { sessionKey: MAIN, reason: 'reset' });
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0, 'only sessions.changed says so');
  });

  it('a new transcript id is no rewrite while the shown history named none', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.client.event('sessions.changed', { sessionKey: MAIN, sessionId: 's2' });
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0);
  });

  it("another client's message in the shown session joins the transcript", async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.client.event('session.message', { sessionKey: MAIN, message: reply('r2', 'from elsewhere', 2) });
    assert.deepEqual(texts(t.controller.transcript), ['user:hi', 'assistant:from elsewhere']);
    t.client.event('session.message', { sessionKey: OTHER, message: reply('r3', 'not shown', 3) });
    t.client.event('session.message', { nonsense: true });
    assert.equal(t.controller.transcript.length, 2);
  });

  it('a history read that fails is logged and the view told; a newer read wins over an older one', async () => {
    mockTimeouts();
    const t = setup();
    t.client.setState(connectedState());
    mock.timers.tick(0);
    t.client.reads.shift()!.reject(new Error('boom'));
    await settle();
    assert.deepEqual(t.logs, [['warn', `could not load history of ${MAIN}: boom`]]);
    assert.equal(t.controller.loading, false);
    assert.deepEqual(
      t.kinds().filter((k) => k === 'snapshot'),
      ['snapshot', 'snapshot'],
      'loading, then the failure',
    );

    const first = t.controller.reloadHistory();
    const second = t.controller.reloadHistory();
    let firstDone = false;
    void first.then(() => (firstDone = true));
    t.client.reads[0].resolve({ messages: [user('old', 'old', 1)] });
    await settle();
    assert.equal(firstDone, false, 'the overtaken read waits for the newer one');
    assert.equal(t.controller.loading, true);
    t.client.reads[1].reject(new Error('late'));
    t.client.reads.splice(0);
    await second;
    await settle();
    assert.equal(firstDone, true);
    assert.equal(t.controller.transcript.length, 0, 'the overtaken page is not shown');
    assert.equal(t.logs.length, 2);

    const third = t.controller.reloadHistory();
    const fourth = t.controller.reloadHistory();
    t.client.reads[0].reject(new Error('overtaken'));
    t.client.reads[1].resolve({ messages: [user('new', 'new', 1)] });
    await Promise.all([third, fourth]);
    assert.equal(t.logs.length, 2, 'an overtaken failure is not logged');
    assert.deepEqual(texts(t.controller.transcript), ['user:new']);
  });

  it('reads nothing while not connected', async () => {
    const t = setup();
    await t.controller.reloadHistory();
    assert.equal(t.client.reads.length, 0);
    assert.equal(await t.controller.loadEarlier(), 0);
    assert.equal(t.client.pages.length, 0);
  });

  it('switching sessions saves it, clears the transcript and reads the new one; the shown one with items is kept', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    await t.controller.switchSession(MAIN);
    assert.deepEqual(t.saved, []);
    assert.equal(t.client.reads.length, 0);
    t.changes.splice(0);
    const switching = t.controller.switchSession(OTHER);
    assert.deepEqual(t.saved, [OTHER]);
    assert.equal(t.controller.sessionKey, OTHER);
    assert.deepEqual(t.kinds(), ['snapshot', 'busy', 'sessions', 'snapshot']);
    assert.deepEqual(t.changes[1], { type: 'busy', busy: false });
    assert.deepEqual(t.client.watched, [MAIN, OTHER]);
    assert.equal(t.client.reads[0].key, OTHER);
    t.client.reads.shift()!.resolve({ messages: [user('o1', 'other', 1)] });
    await switching;
    assert.deepEqual(texts(t.controller.transcript), ['user:other']);
    // An empty shown session is read again when chosen again.
    const t2 = setup();
    t2.client.state = connectedState();
    void t2.controller.switchSession(MAIN);
    assert.deepEqual(t2.saved, [MAIN]);
  });

  it('a read answered after the session changed is dropped', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    const read = t.controller.reloadHistory();
    (t.controller as unknown as { currentSession: string }).currentSession = OTHER;
    t.client.reads.shift()!.resolve({ messages: [user('x', 'stale', 1)] });
    await read;
    assert.deepEqual(texts(t.controller.transcript), ['user:hi']);
  });

  it('a failed subscription is logged', async () => {
    const t = setup();
    t.client.watchError = new Error('nope');
    t.client.approvals.watchSession = () => Promise.reject(new Error('no approvals'));
    t.client.setState(connectedState());
    await settle();
    assert.deepEqual(t.logs.sort(), [
      ['warn', `could not follow the approvals of ${MAIN}: no approvals`],
      ['warn', `could not watch ${MAIN}: nope`],
    ]);
  });

  it('keeps the turns in flight and their run out of a reread history', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.controller.send('  second  ');
    await settle();
    assert.equal(t.controller.busy, true);
    assert.deepEqual(t.changes.filter((c) => c.type === 'busy').slice(-1), [{ type: 'busy', busy: true }]);
    const run = t.client.runs[0];
    assert.equal(run.input.message, 'second');
    assert.equal(t.controller.isOwnTurn(run.input.idempotencyKey!), true);
    const key = run.input.idempotencyKey!;
    const read = t.controller.reloadHistory();
    const ofRun = (m: HistoryMessage): HistoryMessage => ({ ...m, __openclaw: { ...m.__openclaw, runId: key } });
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1), ofRun(user('r2', 'second', 2)), ofRun(reply('r3', 'partial', 3))] });
    await read;
    // The history's rows of the running turn are left out: the turn's own items stand in for them, last.
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1', `u:${key}`],
    );
  });

  it('send refuses nothing to send, and images the model cannot read', async () => {
    const t = setup();
    assert.equal(t.controller.send('   '), undefined);
    assert.equal(t.controller.transcript.length, 0);
    const blocksOnly = { blocks: [{ kind: 'file', label: 'a.ts', text: 'x' }], images: [], chips: [] } as unknown as MessageContext;
    assert.equal(t.controller.send('', blocksOnly), undefined);
    assert.equal(t.controller.transcript.length, 1, 'a message of blocks only is sent');
    const withImage = { blocks: [], images: [{ fileName: 'a.png', mimeType: 'image/png', content: 'AAAA' }], chips: [] } as unknown as MessageContext;
    assert.equal(t.controller.imageRefusal(['a.png']), undefined, 'no model known: nothing is refused');
    t.client.rows = [{ key: MAIN, model: 'words-only' }];
    t.client.models = [{ id: 'words-only', ref: 'words-only', name: 'Words', input: ['text'], thinkingLevels: [] }];
    mockTimeouts();
    await connected(t);
    const refusal = t.controller.send('look', withImage);
    assert.match(refusal ?? '', /^Words \(words-only\) takes no images, so a\.png cannot go/);
    const notice = t.controller.transcript.at(-1);
    assert.ok(notice?.kind === 'notice');
    assert.deepEqual([notice.level, notice.text], ['error', `Not sent: ${refusal}`]);
    assert.match(notice.id, /^n:[0-9a-f-]{36}$/);
    await settle();
    assert.equal(t.client.runs.length, 1, 'only the blocks-only message became a turn');
  });

  it('changing gateways puts unsent messages back in the message box and shows the given session', async () => {
    const t = setup();
    t.controller.send('one');
    t.controller.send('two', undefined, 'queue');
    const changing = t.controller.changeGateway(OTHER);
    assert.deepEqual(
      t.changes.filter((c) => c.type === 'draft'),
      [{ type: 'draft', text: 'one\n\ntwo' }],
    );
    assert.deepEqual(t.logs, [['info', '2 message(s) not sent before switching gateways: put back in the message box']]);
    await changing;
    assert.equal(t.controller.sessionKey, OTHER);
    assert.equal(t.controller.transcript.length, 0);
    const quiet = setup({ initialSession: OTHER });
    await quiet.controller.changeGateway('');
    assert.equal(quiet.controller.sessionKey, MAIN);
    assert.deepEqual(quiet.logs, []);
    assert.deepEqual(
      quiet.changes.filter((c) => c.type === 'draft'),
      [],
    );
  });

  it('a new session is named after the time and shown', async () => {
    const t = setup();
    const key = await t.controller.newSession();
    assert.match(key, /^agent:main:vscode-[0-9a-z]+$/);
    assert.equal(t.controller.sessionKey, key);
    assert.deepEqual(t.saved, [key]);
  });

  it('deleting the shown session shows the main one; deleting another keeps the shown one', async () => {
    const t = setup({ initialSession: OTHER });
    assert.equal(await t.controller.deleteSession('agent:main:third'), true);
    assert.equal(t.controller.sessionKey, OTHER);
    await t.controller.deleteSession(OTHER);
    assert.deepEqual(t.client.deleted, ['agent:main:third', OTHER]);
    assert.equal(t.controller.sessionKey, MAIN);
    assert.deepEqual(t.saved, [MAIN]);
  });

  it('loads earlier pages before the transcript, unless a reload came meanwhile', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r3', 'three', 3), reply('r4', 'four', 4)], { hasMore: true, totalMessages: 4, nextOffset: 2 });
    assert.equal(t.controller.earlier, 2);
    const loading = t.controller.loadEarlier(50);
    await settle();
    assert.deepEqual(
      t.client.pages.map((p) => [p.key, p.limit, p.offset]),
      [[MAIN, 50, 2]],
    );
    t.client.pages.shift()!.resolve({ messages: [user('r1', 'one', 1), reply('r2', 'two', 2)], totalMessages: 4, nextOffset: 4 });
    assert.equal(await loading, 0);
    assert.deepEqual(texts(t.controller.transcript), ['user:one', 'assistant:two', 'user:three', 'assistant:four']);

    const t2 = setup();
    await connected(t2, [user('r3', 'three', 3)], { hasMore: true, totalMessages: 3, nextOffset: 1 });
    const stale = t2.controller.loadEarlier();
    await settle();
    void t2.controller.reloadHistory();
    t2.client.pages.shift()!.resolve({ messages: [user('r1', 'one', 1), reply('r2', 'two', 2)], totalMessages: 3 });
    await stale;
    assert.deepEqual(texts(t2.controller.transcript), ['user:three'], 'the page the reload overtook is not shown');
    assert.equal(await t2.controller.loadEarlier(), t2.controller.earlier, 'nothing is fetched while a read loads');
  });

  it('a card of the shown session follows its tool call; one of another session is not shown', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1), toolCall('r2', 'call1', 2), reply('r3', 'after', 3)]);
    t.client.event('exec.approval.requested', approvalEvent('a1', { toolCallId: 'call1' }));
    await settle();
    const ids = t.controller.transcript.map((i) => i.id);
    assert.equal(ids.indexOf('ap:a1'), ids.indexOf('t:call1') + 1);
    assert.equal(ids.at(-1) !== 'ap:a1', true, 'not simply last');
    t.client.event('exec.approval.requested', approvalEvent('a2', { sessionKey: OTHER }));
    await settle();
    assert.equal(t.controller.transcript.length, ids.length);
    // A reread history places the open card after its tool call again, and keeps that call running.
    const read = t.controller.reloadHistory();
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1), toolCall('r2', 'call1', 2), reply('r3', 'after', 3)] });
    await read;
    const again = t.controller.transcript.map((i) => i.id);
    assert.equal(again.indexOf('ap:a1'), again.indexOf('t:call1') + 1);
    const tool = () => t.controller.transcript.find((i) => i.id === 't:call1');
    const state = () => {
      const found = tool();
      return found?.kind === 'tool' ? found.tool.state : undefined;
    };
    assert.equal(state(), 'running');
    t.client.event('session.tool', { sessionKey: MAIN, data: { toolCallId: 'call1', phase: 'result', result: 'listed' } });
    assert.equal(state(), 'done', "another client's tool result ends the call");
  });

  it('a new session starts with the thinking setting, a listed one keeps its own; the busy mode is the setting, steer by default', async () => {
    mockTimeouts();
    const t = setup({ thinking: () => 'high', busyMode: () => 'queue' });
    t.client.sessionDefaults = { thinkingLevels: ['low', 'high'] };
    t.client.rows = [{ key: MAIN }, { key: 'agent:main:listed' }];
    await connected(t, [user('r1', 'hi', 1)]);
    t.controller.send('in main');
    await settle();
    assert.equal(t.client.runs[0].input.thinking, undefined);
    t.client.runs[0].resolve({ runId: t.client.runs[0].input.idempotencyKey!, sessionKey: MAIN, status: 'ok', text: '' });
    await settle();
    const switching = t.controller.switchSession(OTHER);
    t.client.reads.shift()!.resolve({ messages: [] });
    await switching;
    t.controller.send('in a new one');
    await settle();
    assert.deepEqual([t.client.runs[1].input.sessionKey, t.client.runs[1].input.thinking], [OTHER, 'high']);
    assert.equal(t.controller.controls.view(MAIN).busyMode, 'queue');
    assert.equal(setup().controller.controls.view(MAIN).busyMode, 'steer');

    const odd = setup({ thinking: () => 'max', initialSession: OTHER });
    odd.client.sessionDefaults = { thinkingLevels: ['low', 'high'] };
    await connected(odd, []);
    odd.controller.send('hello');
    await settle();
    assert.equal(odd.client.runs[0].input.thinking, undefined);
    assert.deepEqual(odd.logs, [['warn', 'thinking level "max" (openclaw.thinkingLevel) is not one the default model has (low, high): left to the model']]);
  });

  it('listing failures are logged as warnings; sessions.changed and the end of a turn list the sessions again soon', async () => {
    mockTimeouts();
    const t = setup();
    t.client.listError = new Error('no list');
    t.client.modelsError = new Error('no models');
    await connected(t, [user('r1', 'hi', 1)]);
    assert.deepEqual(t.logs.sort(), [
      ['warn', 'could not list sessions: no list'],
      ['warn', 'could not list the models: no models'],
    ]);
    assert.equal(t.controller.sessionsError, 'no list');
    t.client.listError = undefined;
    const listed = t.client.listed;
    for (const listener of (t.client as unknown as { listeners: { changed: Set<(p: unknown) => void> } }).listeners.changed) listener({});
    mock.timers.tick(249);
    assert.equal(t.client.listed, listed);
    mock.timers.tick(1);
    await settle();
    assert.equal(t.client.listed, listed + 1);
    assert.equal(t.controller.sessionsError, undefined);
    assert.ok(t.changes.some((c) => c.type === 'sessions'));
    t.controller.send('a turn');
    await settle();
    const run = t.client.runs[0];
    run.resolve({ runId: run.input.idempotencyKey!, sessionKey: MAIN, status: 'ok', text: '' });
    await settle();
    mock.timers.tick(250);
    await settle();
    assert.equal(t.client.listed, listed + 2);
  });

  it('a run gap in one of our turns reads the history once the turn ends', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    const { run, key } = await sendHeld(t, 'gap');
    t.client.resync({ reason: 'run-gap', runId: key });
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0, 'not while the turn runs');
    run.resolve({ runId: key, sessionKey: MAIN, status: 'ok', text: '' });
    await settle();
    assert.equal(t.client.reads.length, 1);
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1)] });
    await settle();
    // Without the gap, an ended turn does not read again.
    t.controller.send('no gap');
    await settle();
    const quiet = t.client.runs[1];
    quiet.resolve({ runId: quiet.input.idempotencyKey!, sessionKey: MAIN, status: 'ok', text: '' });
    await settle();
    assert.equal(t.client.reads.length, 0);
  });

  it('losing the connection puts a message the gateway has not taken back in the queue; dispose stops the turns', async () => {
    mockTimeouts();
    for (const lost of [{ kind: 'reconnecting', attempt: 1, delayMs: 10 }, { kind: 'failed' }, { kind: 'connecting', attempt: 1 }]) {
      const t = setup();
      await connected(t, [user('r1', 'hi', 1)]);
      t.controller.send('in flight');
      await settle();
      const pending = () => t.controller.transcript.flatMap((i) => (i.kind === 'user' && i.pending ? [i.pending] : []));
      assert.deepEqual(pending(), ['sending']);
      t.client.setState(lost as unknown as ConnectionState);
      assert.deepEqual(pending(), ['queued'], lost.kind);
      t.client.setState(connectedState());
      assert.deepEqual(pending(), ['sending']);
      assert.equal(t.client.runs[0].options.signal?.aborted, false);
      t.controller.dispose();
      assert.equal(t.client.runs[0].options.signal?.aborted, true);
    }
  });

  it('a card asked by one of our runs goes into that turn, and a reread shows it once', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.controller.send('ask me');
    await settle();
    const key = t.client.runs[0].input.idempotencyKey!;
    t.client.event('exec.approval.requested', approvalEvent('a1', { runId: key }));
    await settle();
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1', `u:${key}`, 'ap:a1'],
    );
    const read = t.controller.reloadHistory();
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1)] });
    await read;
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1', `u:${key}`, 'ap:a1'],
    );
  });

  it("another gateway's connection drops the last one's cards and reads the history again at once", async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.client.event('exec.approval.requested', approvalEvent('a1', {}));
    await settle();
    assert.equal(t.controller.transcript.at(-1)?.id, 'ap:a1');
    t.client.setState({ kind: 'reconnecting', attempt: 1, delayMs: 10 } as unknown as ConnectionState);
    t.client.url = 'ws://another';
    t.client.setState(connectedState());
    assert.equal(t.client.reads.length, 0);
    mock.timers.tick(0);
    assert.equal(t.client.reads.length, 1);
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1)] });
    await settle();
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1'],
    );
  });

  it('a reconnection with history shown reads nothing again, even with a message queued meanwhile', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.client.setState({ kind: 'reconnecting', attempt: 1, delayMs: 10 } as unknown as ConnectionState);
    t.controller.send('while away');
    t.client.setState(connectedState());
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0);
  });

  it('a reread of a shown transcript keeps it until the answer; stop drops a queued message', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    assert.equal(t.controller.loading, false);
    t.changes.splice(0);
    const read = t.controller.reloadHistory();
    assert.deepEqual(t.kinds(), [], 'no loading snapshot over a shown transcript');
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1)] });
    await read;
    const offline = setup();
    offline.controller.send('long one');
    await settle();
    const signal = offline.client.runs[0].options.signal;
    assert.equal(signal?.aborted, false);
    await offline.controller.stop();
    assert.equal(signal?.aborted, true, 'a queued message is dropped');
  });

  it('answers the views: reveal, refresh, deletion refusal and the list', async () => {
    mockTimeouts();
    const t = setup();
    assert.equal(t.controller.loading, false, 'nothing loads before a connection');
    await connected(t, [user('r1', 'hi', 1)]);
    assert.equal(t.controller.revealItem('u:r1'), true);
    assert.equal(t.controller.revealItem('u:nope'), false);
    const listed = t.client.listed;
    await t.controller.refreshSessions();
    assert.equal(t.client.listed, listed + 1);
    assert.match(t.controller.deletionRefusal(MAIN) ?? '', /^The main session cannot be deleted/);
    assert.equal(t.controller.deletionRefusal(OTHER), undefined);
    assert.equal(t.controller.list.find(MAIN)?.key, MAIN);
    assert.ok(
      t.changes.some((c) => c.type === 'controls'),
      'the model list tells the header',
    );
  });

  it('an earlier page is dropped when the main session changed meanwhile', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r3', 'three', 3)], { hasMore: true, totalMessages: 3, nextOffset: 1 });
    const loading = t.controller.loadEarlier();
    await settle();
    t.client.mainSessionKey = 'agent:main:elsewhere';
    t.client.pages.shift()!.resolve({ messages: [user('r1', 'one', 1), reply('r2', 'two', 2)], totalMessages: 3 });
    await loading;
    assert.deepEqual(texts(t.controller.transcript), ['user:three']);
  });

  it('cards without a tool call in the history go last; one after the first item follows it', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [toolCall('r1', 'first', 1), user('r2', 'hi', 2), reply('r3', 'there', 3)]);
    t.client.event('exec.approval.requested', approvalEvent('a1', {}));
    t.client.event('exec.approval.requested', approvalEvent('a2', { toolCallId: 'gone' }));
    t.client.event('exec.approval.requested', approvalEvent('a3', { toolCallId: 'first' }));
    await settle();
    const read = t.controller.reloadHistory();
    t.client.reads.shift()!.resolve({ messages: [toolCall('r1', 'first', 1), user('r2', 'hi', 2), reply('r3', 'there', 3)] });
    await read;
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['t:first', 'ap:a3', 'u:r2', 'a:r3', 'ap:a1', 'ap:a2'],
    );
  });

  it('a reread keeps only the calls of open approvals running, beside an open question', async () => {
    mockTimeouts();
    const t = setup();
    t.client.questionsListed = [
      {
        id: 'q1',
        sessionKey: MAIN,
        status: 'pending',
        questions: [{ id: 'color', header: 'Color', question: 'Which?', options: [{ label: 'Red' }], multiSelect: false, other: false, secret: false }],
      },
    ];
    const history = [user('r1', 'hi', 1), toolCall('r2', 'open', 2), toolCall('r3', 'decided', 3), reply('r4', 'waiting', 4)];
    await connected(t, history);
    t.client.event('exec.approval.requested', approvalEvent('a1', { toolCallId: 'open' }));
    t.client.event('exec.approval.requested', approvalEvent('a2', { toolCallId: 'decided' }));
    t.client.event('exec.approval.resolved', { id: 'a2', decision: 'deny' });
    await settle();
    const read = t.controller.reloadHistory();
    t.client.reads.shift()!.resolve({ messages: history });
    await read;
    assert.deepEqual(t.logs, []);
    const states = t.controller.transcript.flatMap((i) => (i.kind === 'tool' ? [`${i.id}:${i.tool.state}`] : []));
    assert.deepEqual(states, ['t:open:running', 't:decided:error']);
    assert.ok(t.controller.transcript.some((i) => i.id === 'q:q1'));
  });

  it('asks for no earlier page while a history read loads', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r3', 'three', 3)], { hasMore: true, totalMessages: 3, nextOffset: 1 });
    const read = t.controller.reloadHistory();
    const earlier = t.controller.loadEarlier();
    await settle();
    const asked = t.client.pages.length;
    for (const page of t.client.pages.splice(0)) page.resolve({ messages: [] });
    assert.equal(asked, 0);
    assert.equal(await earlier, 2);
    t.client.reads.shift()!.resolve({ messages: [user('r3', 'three', 3)], hasMore: true, totalMessages: 3, nextOffset: 1 });
    await read;
  });

  it('dispose drops every listener and the pending reload', async () => {
    mockTimeouts();
    const t = setup();
    t.client.setState(connectedState());
    t.controller.dispose();
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0);
    assert.equal(t.client.listenerCount, 0);
    const before = t.changes.length;
    t.controller.refreshControls();
    assert.equal(t.changes.length, before);
  });

  it('onChange returns its removal; refreshControls and putDraft tell the views', () => {
    const t = setup();
    const seen: ControllerChange[] = [];
    const off = t.controller.onChange((c) => seen.push(c));
    t.controller.refreshControls();
    t.controller.putDraft('again');
    off();
    t.controller.refreshControls();
    assert.deepEqual(seen, [{ type: 'controls' }, { type: 'draft', text: 'again' }]);
  });
  it('a model picked in the header shows once the gateway has it: the session list is read again', async () => {
    mockTimeouts();
    const t = setup();
    t.client.rows = [{ key: MAIN, model: 'small' }];
    t.client.models = ['small', 'big'].map((id) => ({ id, ref: id, name: id, input: ['text'], thinkingLevels: [] }));
    await connected(t, [user('r1', 'hi', 1)]);
    assert.equal(t.controller.controls.view(MAIN).model, 'small');
    t.changes.splice(0);
    await t.controller.controls.setModel(MAIN, 'big');
    assert.deepEqual(t.client.patched, [[MAIN, { model: 'big' }]]);
    assert.equal(t.controller.controls.view(MAIN).model, 'big');
    assert.equal(t.controller.sessions[0].model, 'big');
    assert.ok(t.kinds().includes('sessions'), 'the Sessions view is told');
  });

  it('a turn the gateway fails is logged as an error', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.controller.send('doomed');
    await settle();
    t.client.runs[0].reject(new Error('the socket closed'));
    await settle();
    assert.deepEqual(t.logs, [['error', 'turn failed: the socket closed']]);
    assert.equal(t.controller.busy, false);
  });

  it("another client's message during our turn waits for it: the history is read once the turn ends", async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    const { run, key } = await sendHeld(t, 'mine');
    t.client.event('session.message', { sessionKey: MAIN, message: user('r2', 'from the web chat', 2) });
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1', `u:${key}`],
      'where it belongs is not known while ours streams',
    );
    run.resolve({ runId: key, sessionKey: MAIN, status: 'ok', text: '' });
    await settle();
    assert.equal(t.client.reads.length, 1, 'read again after the turn');
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1), user('r2', 'from the web chat', 2)] });
    await settle();
    assert.deepEqual(texts(t.controller.transcript), ['user:hi', 'user:from the web chat']);
  });

  it('our own rows coming back from the gateway are neither shown twice nor a reason to read again', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    const { run, key } = await sendHeld(t, 'mine');
    const ours = (m: HistoryMessage): HistoryMessage => ({ ...m, __openclaw: { ...m.__openclaw, runId: key } });
    t.client.event('session.message', { sessionKey: MAIN, message: ours(user('r2', 'mine', 2)) });
    run.resolve({ runId: key, sessionKey: MAIN, status: 'ok', text: '' });
    await settle();
    t.client.event('session.message', { sessionKey: MAIN, message: ours(reply('r3', 'done', 3)) });
    mock.timers.tick(1000);
    assert.equal(t.client.reads.length, 0);
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1', `u:${key}`],
    );
  });

  it('a malformed session.tool frame is ignored; the next good one still ends its call', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1), toolCall('r2', 'call1', 2)]);
    const state = () => {
      const found = t.controller.transcript.find((i) => i.id === 't:call1');
      return found?.kind === 'tool' ? found.tool.state : undefined;
    };
    const read = t.controller.reloadHistory();
    t.client.event('exec.approval.requested', approvalEvent('a1', { toolCallId: 'call1' }));
    await settle();
    t.client.reads.shift()!.resolve({ messages: [user('r1', 'hi', 1), toolCall('r2', 'call1', 2)] });
    await read;
    assert.equal(state(), 'running');
    for (const payload of [{ sessionKey: MAIN }, { sessionKey: MAIN, data: { phase: 'result' } }, null]) {
      assert.doesNotThrow(() => t.client.event('session.tool', payload));
    }
    assert.equal(state(), 'running');
    t.client.event('session.tool', { sessionKey: MAIN, data: { toolCallId: 'call1', phase: 'result', result: 'ok' } });
    assert.equal(state(), 'done');
  });

  it('offline, no earlier page is asked for, even with older messages left', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r3', 'three', 3)], { hasMore: true, totalMessages: 3, nextOffset: 1 });
    t.client.setState({ kind: 'reconnecting', attempt: 1, delayMs: 10 } as unknown as ConnectionState);
    const earlier = t.controller.loadEarlier();
    await settle();
    const asked = t.client.pages.length;
    for (const page of t.client.pages.splice(0)) page.resolve({ messages: [] });
    assert.equal(asked, 0);
    assert.equal(await earlier, 2, 'the older messages are still there to load');
    assert.deepEqual(texts(t.controller.transcript), ['user:three']);
  });

  it('a card asked by our running turn shows in that turn, before a message queued behind it', async () => {
    mockTimeouts();
    const t = setup();
    await connected(t, [user('r1', 'hi', 1)]);
    t.controller.send('ask me');
    t.controller.send('then this', undefined, 'queue');
    await settle();
    const [first, second] = t.controller.transcript.slice(1).map((i) => i.id);
    const key = t.client.runs[0].input.idempotencyKey!;
    assert.equal(first, `u:${key}`);
    t.client.event('exec.approval.requested', approvalEvent('a1', { runId: key }));
    await settle();
    assert.deepEqual(
      t.controller.transcript.map((i) => i.id),
      ['u:r1', first, 'ap:a1', second],
    );
  });
});
