/**
 * The turn queue (turn-queue.ts) over a scripted client: which message goes how (queued behind the
 * running reply, steered into it, stopped, run as a slash command), in what order, and what the
 * chat shows and the host is told when each turn ends. Pure: a real TranscriptModel, no gateway; each
 * run stays open until the test answers it, so order and timing are the test's own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { GatewayCancelledError, GatewayRequestError } from '../../src/gateway/errors';
import type { GatewayClient, TurnResult } from '../../src/gateway/gateway-client';
import type { TurnInput, TurnOptions } from '../../src/gateway/turn-runner';
import type { ChatItem, Delivery } from '../../src/protocol/webview';
import type { ChangeTracker } from '../../src/extension/changes/change-tracker';
import type { MessageContext } from '../../src/extension/composer/staging';
import type { SessionControls } from '../../src/extension/session-controls';
import type { SlashCommands } from '../../src/extension/slash-commands';
import { TranscriptModel } from '../../src/extension/transcript-model';
import { NO_CONTEXT, TurnQueue } from '../../src/extension/turn-queue';

interface OpenRun {
  input: TurnInput;
  options: TurnOptions;
  resolve(result: TurnResult): void;
  reject(error: Error): void;
}

/** The client calls the queue makes, each answered when the test says. */
class ScriptedClient {
  state: { kind: string } = { kind: 'connected' };
  readonly runs: OpenRun[] = [];
  readonly steers: Array<{ args: [string, string, string]; resolve(): void; reject(e: Error): void }> = [];
  readonly commands: Array<{ args: [string, string, string]; signal?: AbortSignal; resolve(r: unknown): void; reject(e: Error): void }> = [];
  readonly aborts: Array<[string, string | undefined]> = [];
  abortError: Error | undefined;
  /** Runs end at once, ok, when set. */
  autoFinish = false;

  runTurn(input: TurnInput, options: TurnOptions): Promise<TurnResult> {
    if (this.autoFinish) return Promise.resolve({ runId: input.idempotencyKey!, sessionKey: input.sessionKey, status: 'ok', text: '' });
    return new Promise((resolve, reject) => this.runs.push({ input, options, resolve, reject }));
  }

  steerTurn(sessionKey: string, message: string, key: string): Promise<unknown> {
    return new Promise<void>((resolve, reject) => this.steers.push({ args: [sessionKey, message, key], resolve, reject }));
  }

  runCommand(sessionKey: string, message: string, key: string, options: { signal?: AbortSignal }): Promise<unknown> {
    return new Promise((resolve, reject) => this.commands.push({ args: [sessionKey, message, key], signal: options.signal, resolve, reject }));
  }

  abortTurn(sessionKey: string, runId?: string): Promise<unknown> {
    this.aborts.push([sessionKey, runId]);
    return this.abortError ? Promise.reject(this.abortError) : Promise.resolve({});
  }
}

function setup() {
  const client = new ScriptedClient();
  const calls: string[] = [];
  const logs: Array<[string, string]> = [];
  const known = new Set<string>(['main']);
  const ended: string[] = [];
  const events: unknown[] = [];
  let shown = 'main';
  let matchAnswer: (text: string) => Promise<unknown> = async () => undefined;
  const matched: string[] = [];
  const model = new TranscriptModel(
    () => shown,
    () => {},
  );
  const queue = new TurnQueue({
    client: client as unknown as GatewayClient,
    model,
    changes: {
      onTurnEvent: (turn: { key: string }, event: unknown) => events.push([turn.key, event]),
      onTurnEnd: async (turn: { key: string }) => {
        await tick();
        ended.push(turn.key);
      },
    } as unknown as ChangeTracker,
    controls: { newSessionThinking: (wanted: string | undefined) => `new:${wanted}` } as unknown as SessionControls,
    commands: {
      match: (key: string, text: string) => {
        matched.push(`${key}|${text}`);
        return matchAnswer(text);
      },
    } as unknown as SlashCommands,
    sessionKey: () => shown,
    hasSession: (key) => known.has(key),
    thinking: () => 'high',
    log: (level, message) => logs.push([level, message]),
    busyChanged: () => calls.push('busy'),
    reloadHistory: async () => {
      calls.push('reload');
    },
    turnEnded: () => calls.push('ended'),
  });
  return {
    client,
    queue,
    model,
    calls,
    logs,
    known,
    ended,
    events,
    matched,
    show: (key: string) => (shown = key),
    answerMatch: (answer: (text: string) => Promise<unknown>) => (matchAnswer = answer),
    users: () => model.items.filter((i) => i.kind === 'user'),
    notices: () => model.items.filter((i): i is Extract<ChatItem, { kind: 'notice' }> => i.kind === 'notice').map((n) => [n.level, n.text]),
  };
}

const result = (runId: string, extra: Partial<TurnResult> = {}): TurnResult => ({ runId, sessionKey: 'main', status: 'ok', text: '', ...extra });

async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await tick();
}

function send(q: TurnQueue, text: string, delivery?: Delivery, context: MessageContext = NO_CONTEXT): void {
  q.send(text, `${text}!`, context, delivery);
}

describe('TurnQueue: sending', () => {
  it('an idle send goes at once, with its key, the new-session thinking and the images', async () => {
    const t = setup();
    t.show('fresh');
    const image = { type: 'image', mimeType: 'image/png', content: 'AAAA' };
    t.queue.send('hi', 'hi (with context)', { blocks: [], images: [image], chips: [{ kind: 'file', label: 'a.ts' }] } as unknown as MessageContext, undefined);
    assert.deepEqual(t.calls, ['busy']);
    const [turn] = t.queue.of('fresh');
    assert.deepEqual(t.users(), [{ kind: 'user', id: `u:${turn.key}`, text: 'hi', pending: 'sending', chips: [{ kind: 'file', label: 'a.ts' }] }]);
    await settle();
    assert.equal(t.client.runs.length, 1);
    assert.deepEqual(t.client.runs[0].input, {
      sessionKey: 'fresh',
      message: 'hi (with context)',
      idempotencyKey: turn.key,
      thinking: 'new:high',
      attachments: [image],
    });
    assert.equal(t.client.runs[0].options.signal, turn.controller.signal);
    assert.equal(t.queue.isOwnTurn(turn.key), true);
    assert.equal(t.queue.isOwnTurn('other'), false);
    send(t.queue, 'more');
    assert.equal(t.queue.isOwnTurn(turn.key), true);
    assert.equal(t.queue.isOwnTurn(t.queue.of('fresh')[1].key), true);
  });

  it('a session the gateway has keeps its own thinking level', async () => {
    const t = setup();
    assert.equal(t.queue.isOwnTurn('anything'), false);
    send(t.queue, 'hi');
    await settle();
    assert.equal(t.client.runs[0].input.thinking, undefined);
  });

  it('a message sent while a reply runs waits (queue) and goes only once that reply ends, in order', async () => {
    const t = setup();
    send(t.queue, 'one');
    send(t.queue, 'two');
    send(t.queue, 'three', 'queue');
    const [first, second, third] = t.queue.of('main');
    assert.deepEqual(
      t.users().map((u) => [u.text, u.pending, u.delivery]),
      [
        ['one', 'sending', undefined],
        ['two', 'waiting', 'queue'],
        ['three', 'waiting', 'queue'],
      ],
    );
    await settle();
    assert.deepEqual(
      t.client.runs.map((r) => r.input.message),
      ['one!'],
    );
    t.client.runs[0].resolve(result(first.key));
    await settle();
    assert.deepEqual(
      t.client.runs.map((r) => r.input.message),
      ['one!', 'two!'],
    );
    assert.equal(second.user.pending, 'sending');
    assert.equal(third.user.pending, 'waiting');
    assert.deepEqual(t.queue.of('main'), [second, third]);
    t.client.runs[1].resolve(result(second.key));
    await settle();
    assert.deepEqual(
      t.client.runs.map((r) => r.input.message),
      ['one!', 'two!', 'three!'],
    );
    t.client.runs[2].resolve(result(third.key));
    await settle();
    assert.deepEqual(t.queue.of('main'), []);
    assert.deepEqual(t.ended, [first.key, second.key, third.key]);
  });

  it('a turn of another session does not wait behind the shown one', async () => {
    const t = setup();
    send(t.queue, 'one');
    t.show('other');
    t.known.add('other');
    send(t.queue, 'two');
    assert.equal(t.queue.of('other')[0].user.pending, 'sending');
    assert.equal(t.queue.of('other')[0].user.delivery, undefined);
  });

  it('offline, a message is queued; a waiting one behind a reply becomes queued when its turn comes', async () => {
    const t = setup();
    t.client.state = { kind: 'reconnecting' };
    send(t.queue, 'one');
    assert.equal(t.queue.of('main')[0].user.pending, 'queued');
    t.queue.connected();
    assert.equal(t.queue.of('main')[0].user.pending, 'sending');
    t.client.state = { kind: 'connected' };
    send(t.queue, 'two');
    await settle();
    t.client.state = { kind: 'reconnecting' };
    const [first, second] = t.queue.of('main');
    t.client.runs[0].resolve(result(first.key));
    await settle();
    assert.equal(second.user.pending, 'queued');
  });

  it('events of a run go to the turn and to the change tracker; its run ids count as ours, also after it ends', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    const [turn] = t.queue.of('main');
    const run = t.client.runs[0];
    run.options.onAccepted!(turn.key);
    run.options.onRunId!('second-run');
    const event = { kind: 'text', itemId: 'i1', delta: 'Hello' } as const;
    run.options.onEvent!(event);
    assert.deepEqual(t.events, [[turn.key, event]]);
    assert.equal(turn.live.get(`a:${turn.key}:i1`)?.kind, 'assistant');
    assert.equal(t.queue.byRun('second-run'), turn);
    assert.equal(t.queue.byRun(turn.key), turn);
    assert.equal(t.queue.byRun(undefined), undefined);
    assert.equal(t.queue.byRun('nobody'), undefined);
    assert.equal(t.queue.isOwnRun('second-run'), true);
    assert.equal(t.queue.isOwnRun('nobody'), false);
    run.resolve(result('second-run', { text: 'Hello' }));
    await settle();
    assert.equal(t.queue.byRun('second-run'), undefined);
    assert.equal(t.queue.isOwnRun('second-run'), true);
    assert.equal(t.queue.isOwnRun(turn.key), true);
    assert.equal(t.queue.isOwnTurn(turn.key), true);
    assert.deepEqual(t.calls, ['busy', 'busy', 'ended']);
  });

  it('remembers the run ids of the last 200 turns, forgetting the oldest first', async () => {
    const t = setup();
    t.client.autoFinish = true;
    for (let i = 0; i < 201; i++) send(t.queue, `m${i}`);
    const keys = t.queue.of('main').map((turn) => turn.key);
    while (t.queue.of('main').length) await tick();
    assert.equal(t.queue.isOwnRun(keys[0]), false);
    assert.equal(t.queue.isOwnRun(keys[1]), true);
    assert.equal(t.queue.isOwnRun(keys[200]), true);
  });
});

describe('TurnQueue: how a turn ends', () => {
  it('ok: the turn goes, the host hears busy and ended; no history reload', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    t.client.runs[0].resolve(result('x', { text: 'done' }));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'busy', 'ended']);
    assert.equal(t.ended.length, 1);
  });

  it('a turn of a session not shown does not tell busy when it ends', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    t.show('other');
    t.client.runs[0].resolve(result('x', { status: 'interrupted' }));
    await settle();
    // Interrupted reloads history whether shown or not; busy is only for the shown session.
    assert.deepEqual(t.calls, ['busy', 'reload', 'ended']);
  });

  it('interrupted, in the shown session: history is read now and again once the queued turns are done', async () => {
    const t = setup();
    send(t.queue, 'one');
    send(t.queue, 'two');
    await settle();
    t.client.runs[0].resolve(result('a', { status: 'interrupted' }));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'busy', 'busy', 'reload', 'ended']);
    t.calls.length = 0;
    t.client.runs[1].resolve(result('b'));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'reload', 'ended']);
    t.calls.length = 0;
    send(t.queue, 'three');
    await settle();
    t.client.runs[2].resolve(result('c'));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'busy', 'ended']);
  });

  it('reloadOnceIdle: history is read when the last turn of the shown session ends, once', async () => {
    const t = setup();
    send(t.queue, 'one');
    send(t.queue, 'two');
    await settle();
    t.queue.reloadOnceIdle();
    t.client.runs[0].resolve(result('a'));
    await settle();
    assert.deepEqual(t.calls.slice(2), ['busy', 'ended']);
    t.calls.length = 0;
    t.client.runs[1].resolve(result('b'));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'reload', 'ended']);
    t.calls.length = 0;
    send(t.queue, 'three');
    await settle();
    t.client.runs[2].resolve(result('c'));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'busy', 'ended']);
  });

  it('reloadOnceIdle waits while the ending turn is of a session not shown', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    t.queue.reloadOnceIdle();
    t.show('other');
    t.client.runs[0].resolve(result('a'));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'ended']);
    t.known.add('other');
    send(t.queue, 'two');
    await settle();
    t.calls.length = 0;
    t.client.runs[1].resolve(result('b', { sessionKey: 'other' }));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'reload', 'ended']);
  });

  it('a turn that lost events (gap) reads history when it ends', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    t.client.runs[0].options.onEvent!({ kind: 'gap' } as never);
    t.client.runs[0].resolve(result('a'));
    await settle();
    assert.deepEqual(t.calls, ['busy', 'busy', 'reload', 'ended']);
  });

  it('a gateway error is logged with its code and shown as the turn failing', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    t.client.runs[0].reject(new GatewayRequestError('agent', { code: 'INVALID_REQUEST', message: 'bad thing', details: { code: 'TOO_BIG' } }));
    await settle();
    assert.deepEqual(t.logs, [['error', 'turn failed: bad thing (TOO_BIG)']]);
    assert.deepEqual(t.notices(), [['error', 'The gateway could not run this message: bad thing (TOO_BIG)']]);
    assert.deepEqual(t.users()[0].pending, undefined);
    assert.deepEqual(t.queue.of('main'), []);
    assert.deepEqual(t.calls, ['busy', 'busy', 'ended']);
    assert.deepEqual(t.ended, []);
  });

  it('any other error is logged and shown by its message', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    t.client.runs[0].reject(new Error('socket gone'));
    await settle();
    assert.deepEqual(t.logs, [['error', 'turn failed: socket gone']]);
    assert.deepEqual(t.notices(), [['error', 'The gateway could not run this message: socket gone']]);
  });

  it('a cancelled run takes the message away with a notice, and logs nothing', async () => {
    const t = setup();
    send(t.queue, 'hi');
    await settle();
    t.client.runs[0].reject(new GatewayCancelledError());
    await settle();
    assert.deepEqual(t.logs, []);
    assert.deepEqual(t.users(), []);
    assert.deepEqual(t.notices(), [['info', 'Not sent: “hi”']]);
  });
});

describe('TurnQueue: steer, interrupt, stop', () => {
  it('steer into a running reply: shown in its place, sent with its own key, then shown as sent', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    const [running] = t.queue.of('main');
    t.client.runs[0].options.onAccepted!(running.key);
    t.calls.length = 0;
    t.queue.send('more', 'more!', { blocks: [], images: [], chips: [{ kind: 'file', label: 'b.ts' }] } as unknown as MessageContext, 'steer');
    assert.equal(t.queue.of('main').length, 1);
    assert.deepEqual(t.calls, []);
    assert.equal(t.client.steers.length, 1);
    const [session, message, key] = t.client.steers[0].args;
    assert.deepEqual([session, message], ['main', 'more!']);
    assert.notEqual(key, running.key);
    const item = { kind: 'user', id: `u:${key}`, text: 'more', pending: 'sending', delivery: 'steer', chips: [{ kind: 'file', label: 'b.ts' }] };
    assert.deepEqual(running.live.get(`u:${key}`), item);
    assert.equal(running.needsReload, true);
    t.client.steers[0].resolve();
    await settle();
    assert.deepEqual(running.live.get(`u:${key}`), { ...item, pending: undefined });
    assert.deepEqual(t.notices(), []);
  });

  it('a steer without chips carries none; a failed one shows as plain and says to send again', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    const [running] = t.queue.of('main');
    t.client.runs[0].options.onAccepted!(running.key);
    const long = 'x'.repeat(61);
    send(t.queue, long, 'steer');
    const key = t.client.steers[0].args[2];
    assert.equal('chips' in running.live.get(`u:${key}`)!, false);
    t.client.steers[0].reject(new Error('nope'));
    await settle();
    assert.deepEqual(running.live.get(`u:${key}`), { kind: 'user', id: `u:${key}`, text: long, pending: undefined, delivery: undefined });
    assert.deepEqual(t.notices(), [['error', `Could not steer the running reply with “${'x'.repeat(57)}…”: nope. Send it again.`]]);
  });

  it('a steer message of exactly 60 characters is quoted whole', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    t.client.runs[0].options.onAccepted!('k');
    const sixty = 'y'.repeat(60);
    send(t.queue, sixty, 'steer');
    t.client.steers[0].reject(new Error('nope'));
    await settle();
    assert.deepEqual(t.notices(), [['error', `Could not steer the running reply with “${sixty}”: nope. Send it again.`]]);
  });

  for (const [why, prepare] of [
    ['nothing streams yet', () => {}],
    ['offline', (t: ReturnType<typeof setup>) => (t.client.state = { kind: 'reconnecting' })],
    ['images', () => {}],
  ] as const) {
    it(`a steer that cannot happen (${why}) waits its turn as a queued message`, async () => {
      const t = setup();
      send(t.queue, 'one');
      await settle();
      if (why !== 'nothing streams yet') t.client.runs[0].options.onAccepted!('k');
      prepare(t);
      const context = why === 'images' ? ({ blocks: [], images: [{ type: 'image' }], chips: [] } as unknown as MessageContext) : NO_CONTEXT;
      send(t.queue, 'more', 'steer', context);
      assert.equal(t.client.steers.length, 0);
      const waiting = t.queue.of('main')[1];
      assert.equal(waiting.user.delivery, 'queue');
      assert.equal(waiting.user.pending, why === 'offline' ? 'queued' : 'waiting');
    });
  }

  it('a steer with nothing in flight is an ordinary send', async () => {
    const t = setup();
    send(t.queue, 'one', 'steer');
    assert.equal(t.client.steers.length, 0);
    assert.deepEqual(
      t.users().map((u) => [u.pending, u.delivery]),
      [['sending', undefined]],
    );
    await settle();
    assert.equal(t.client.runs.length, 1);
  });

  it('interrupt stops the running reply on the gateway (its last run id) and sends at once', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    const [running] = t.queue.of('main');
    t.client.runs[0].options.onAccepted!(running.key);
    t.client.runs[0].options.onRunId!('retry-run');
    send(t.queue, 'now', 'interrupt');
    await settle();
    assert.deepEqual(t.client.aborts, [['main', 'retry-run']]);
    const next = t.queue.of('main')[1];
    assert.deepEqual([next.user.pending, next.user.delivery], ['sending', 'interrupt']);
    t.client.runs[0].resolve(result('retry-run', { status: 'aborted' }));
    await settle();
    assert.equal(t.client.runs[1].input.message, 'now!');
  });

  it('stop: a waiting turn is cancelled here, never sent', async () => {
    const t = setup();
    send(t.queue, 'one');
    send(t.queue, 'two');
    await settle();
    const [first] = t.queue.of('main');
    t.client.runs[0].options.onAccepted!(first.key);
    const second = t.queue.of('main')[1];
    await t.queue.stop('main');
    assert.deepEqual(t.client.aborts, [['main', first.key]]);
    assert.equal(second.controller.signal.aborted, true);
    assert.equal(first.controller.signal.aborted, false);
    assert.equal(second.stopRequested, false);
  });

  it('stop of a turn sent but not yet taken waits for the gateway to take it, then stops it there', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    const [turn] = t.queue.of('main');
    await t.queue.stop('main');
    assert.equal(turn.stopRequested, true);
    assert.equal(turn.controller.signal.aborted, false);
    assert.deepEqual(t.client.aborts, []);
    t.client.runs[0].options.onAccepted!(turn.key);
    await settle();
    assert.deepEqual(t.client.aborts, [['main', turn.key]]);
  });

  it('a taken turn with no stop asked for is not stopped when accepted', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    t.client.runs[0].options.onAccepted!('k');
    await settle();
    assert.deepEqual(t.client.aborts, []);
  });

  it('a stop the gateway refuses says so in the turn', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    t.client.runs[0].options.onAccepted!('k');
    t.client.abortError = new Error('denied');
    await t.queue.stop('main');
    assert.deepEqual(t.notices(), [['error', 'Could not stop the turn: denied']]);
  });

  it('stop touches only the given session', async () => {
    const t = setup();
    send(t.queue, 'one');
    await settle();
    await t.queue.stop('other');
    assert.equal(t.queue.of('main')[0].stopRequested, false);
  });
});

describe('TurnQueue: connection changes', () => {
  it('disconnected: a sent turn not taken waits offline; a stopped one is cancelled; taken and waiting ones stay', async () => {
    const t = setup();
    send(t.queue, 'taken');
    t.show('b');
    send(t.queue, 'sent');
    send(t.queue, 'behind');
    t.show('c');
    send(t.queue, 'stopped');
    await settle();
    const [taken] = t.queue.of('main');
    const [sent, behind] = t.queue.of('b');
    const [stopped] = t.queue.of('c');
    t.client.runs[0].options.onAccepted!(taken.key);
    await t.queue.stop('c');
    t.queue.disconnected();
    assert.equal(taken.user.pending, undefined);
    assert.equal(sent.user.pending, 'queued');
    assert.equal(behind.user.pending, 'waiting');
    assert.equal(stopped.controller.signal.aborted, true);
    assert.equal(sent.controller.signal.aborted, false);
    assert.equal(stopped.user.pending, 'sending');
    t.queue.connected();
    assert.equal(sent.user.pending, 'sending');
    assert.equal(behind.user.pending, 'waiting');
  });

  it('abandon ends every turn and returns what the gateway never took', async () => {
    const t = setup();
    send(t.queue, 'taken');
    send(t.queue, 'waiting');
    await settle();
    const [taken, waiting] = t.queue.of('main');
    t.client.runs[0].options.onAccepted!(taken.key);
    assert.deepEqual(t.queue.abandon(), ['waiting']);
    assert.deepEqual(t.queue.of('main'), []);
    // Nothing is left in flight: no run or key is ours any more, and a new message goes at once.
    assert.equal(t.queue.isOwnRun('nobody'), false);
    assert.equal(t.queue.isOwnTurn(waiting.key), false);
    send(t.queue, 'fresh');
    assert.deepEqual(
      t.queue.of('main').map((x) => x.user.pending),
      ['sending'],
    );
    assert.equal(taken.controller.signal.aborted, true);
    assert.equal(waiting.controller.signal.aborted, true);
  });

  it('abortAll aborts every turn but keeps them until their runs end', async () => {
    const t = setup();
    send(t.queue, 'a');
    send(t.queue, 'b');
    t.queue.abortAll();
    assert.deepEqual(
      t.queue.of('main').map((x) => x.controller.signal.aborted),
      [true, true],
    );
  });
});

describe('TurnQueue: slash commands', () => {
  it('a command the gateway has runs through runCommand, then history is read', async () => {
    const t = setup();
    t.answerMatch(async () => ({ name: 'status', aliases: ['/status'] }));
    t.client.state = { kind: 'reconnecting' };
    send(t.queue, '/status now');
    t.client.state = { kind: 'connected' };
    const [turn] = t.queue.of('main');
    assert.equal(turn.user.pending, 'queued');
    await settle();
    assert.deepEqual(t.matched, ['main|/status now!']);
    assert.equal(turn.user.pending, 'sending');
    assert.equal(t.client.runs.length, 0);
    assert.deepEqual(t.client.commands[0].args, ['main', '/status now!', turn.key]);
    assert.equal(t.client.commands[0].signal, turn.controller.signal);
    t.client.commands[0].resolve({ status: 'error', text: 'Status: fine', error: 'partly' });
    await settle();
    assert.deepEqual(t.queue.of('main'), []);
    assert.deepEqual(turn.live.get(`a:${turn.key}:final`), {
      kind: 'assistant',
      id: `a:${turn.key}:final`,
      text: 'Status: fine',
      streaming: false,
      activity: undefined,
      outcome: 'error',
      error: 'partly',
    });
    assert.deepEqual(t.calls, ['busy', 'busy', 'reload', 'ended']);
  });

  it('a command in a session not shown reads history but does not tell busy', async () => {
    const t = setup();
    t.answerMatch(async () => ({ name: 'status', aliases: ['/status'] }));
    send(t.queue, '/status');
    await settle();
    t.show('other');
    t.client.commands[0].resolve({ status: 'ok', text: '' });
    await settle();
    assert.deepEqual(t.calls, ['busy', 'reload', 'ended']);
  });

  it('a cancelled command takes the message away; a failed one shows why', async () => {
    const t = setup();
    t.answerMatch(async () => ({ name: 'status', aliases: ['/status'] }));
    send(t.queue, '/status');
    send(t.queue, '/status again');
    await settle();
    t.client.commands[0].reject(new GatewayCancelledError());
    t.client.commands[1].reject(new Error('no such thing'));
    await settle();
    assert.deepEqual(
      t.users().map((u) => u.text),
      ['/status again'],
    );
    assert.deepEqual(t.notices().sort(), [
      ['error', 'The gateway could not run this message: no such thing'],
      ['info', 'Not sent: “/status”'],
    ]);
  });

  it('a word that is not one of the commands is an ordinary turn, without the context', async () => {
    const t = setup();
    send(t.queue, '/nothing here');
    await settle();
    assert.deepEqual(t.matched, ['main|/nothing here!']);
    assert.equal(t.client.commands.length, 0);
    assert.deepEqual(t.client.runs[0].input.attachments, []);
    assert.equal(t.client.runs[0].input.message, '/nothing here!');
  });

  it('when the command list cannot be read, a warning is logged and the message goes as a turn', async () => {
    const t = setup();
    t.answerMatch(async () => {
      throw new Error('list failed');
    });
    send(t.queue, '/status');
    await settle();
    assert.deepEqual(t.logs, [['warn', 'could not list the slash commands: list failed']]);
    assert.equal(t.client.runs.length, 1);
  });

  it('a message with context blocks, or not starting with a slash word, never asks for the commands', async () => {
    const t = setup();
    send(t.queue, '/status', undefined, { blocks: [{ kind: 'file' }], images: [], chips: [] } as unknown as MessageContext);
    send(t.queue, 'status');
    await settle();
    assert.deepEqual(t.matched, []);
    assert.equal(t.client.runs.length, 1);
  });
});
