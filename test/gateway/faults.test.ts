/**
 * Fault injection against the real `openclaw` gateway (from npm, with the offline model server):
 * the gateway dies or freezes in the middle of a streamed turn, and the extension's chat (a
 * ChatController over one GatewayClient) must come back by itself and lose nothing.
 *
 *   npx tsx --test test/gateway/faults.test.ts
 *
 * One gateway (tick 2 s, so a frozen one is noticed within ~4 s), one client and one controller
 * serve the whole file, in order: SIGTERM (drain, `shutdown`, 1012), SIGKILL, SIGSTOP/SIGCONT, then
 * 20 restarts in a row. After every fault: the client is connected again without help; once the
 * controller and the gateway are both quiet, the transcript equals `chat.history`; every message
 * sent is in history exactly once, in order; a message sent while the gateway was down ran exactly
 * once; and listeners, timers and sockets do not grow with the restarts.
 *
 * What the real gateway does that the checks allow for: after a SIGKILL mid-turn, the next start
 * "recovers" the interrupted main session by itself (a user row with `provenance.kind:
 * "internal_system"` and a new run, logged as `[main-session-restart-recovery]`). Those rows are
 * the gateway's, not the person's, so they are left out of "every message sent, exactly once";
 * the transcript must still show them like history does. And when the next turn starts while the
 * interrupted message still has no reply, the gateway folds it into that turn's prompt (see
 * unfoldQueued) and may drop its row: such a message counts as present once if exactly one prompt
 * carried it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ChatController } from '../../src/extension/chat-controller';
import { itemsFromHistory, unfoldQueued } from '../../src/extension/transcript';
import type { HistoryMessage } from '../../src/protocol/gateway';
import type { ChatItem } from '../../src/protocol/webview';
import { messageText } from '../../src/gateway/run-stream';
import { RESTART_PROBE_MS, RESTART_PROBE_WINDOW_MS } from '../../src/gateway/constants';
import { makeClient } from '../support/clients';
import { figures, formatFigures, observeGateway, settled, slowReply, view, type Figures, type Observer } from '../support/faults';
import { sleep, waitFor, waitForState } from '../support/wait';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';

const TICK_MS = 2000;
const RESTARTS = 20;
/** How much the leak figures may differ between the first recovery and any later one. */
const SLACK = { clientListeners: 1, controllerListeners: 0, clientTimers: 1, timeouts: 3, tcpSockets: 2 };
/** No event of the session's runs for this long: the gateway is done writing its history. */
const GATEWAY_QUIET_MS = 1500;
// When a new turn starts on a session whose last row is a user message that never got its reply (the
// gateway died), the gateway folds that message into the new prompt and replaces the row; the
// transcript shows both (src/extension/transcript.ts, unfoldQueued and QUEUED_MARKER).

type Fault = 'SIGTERM' | 'SIGKILL' | 'SIGSTOP';

interface Cycle {
  label: string;
  fault: Fault;
  /** A SLOW turn (~12 s of streaming) rather than a short echo. */
  slow: boolean;
  /** SIGTERM only: also send a message while the gateway drains (still connected, refusing work). */
  sendDuringDrain?: boolean;
}

interface CycleResult {
  /** Fault to the client leaving `connected`. */
  noticedMs: number;
  /** Fault to the gateway being back (ready, or SIGCONT). */
  downMs: number;
  /** Gateway back to the client connected again. */
  reconnectMs: number;
  totalMs: number;
  /** The first state the client took after the fault. */
  lostState: string;
  /** Whether the gateway re-ran the interrupted turn on its own after the restart. */
  gatewayRecovery: boolean;
  figures: Figures;
  /** Failed checks (assertion messages); empty when the cycle passed. */
  problems: string[];
}

interface SessionLog {
  key: string;
  /** Every message sent in this session, in order. */
  sent: string[];
}

/** The messages one user row stands for: folded-in orphans first, then the row's own message. */
function splitQueued(text: string): string[] {
  const { orphans, own } = unfoldQueued(text);
  return [...orphans, own];
}

/** The message a prompt or an echo reply was really about (the last part after any folded-in orphans). */
function ownMessage(text: string): string {
  return splitQueued(text).at(-1) ?? text;
}

/** Rows the gateway wrote itself (restart recovery), not a person. */
function isGatewayWritten(message: HistoryMessage): boolean {
  const provenance = message.provenance as { kind?: string } | undefined;
  return provenance?.kind === 'internal_system';
}

// Caps, not budgets: a quiet machine runs the whole file in about 15 minutes, a busy one in twice that.
/** The gateway log's colour codes (ESC [ ... m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

describe('the chat survives gateway faults mid-stream (real openclaw gateway)', { timeout: 75 * 60_000 }, () => {
  const began = Date.now();
  const runTag = Date.now().toString(36);
  let gw: GatewayHandle | undefined;
  let client: ReturnType<typeof makeClient> | undefined;
  let controller: ChatController | undefined;
  let torndown = false;
  let restarts = 0;
  const controllerLog: string[] = [];
  /** Keys of turns whose assistant text has started streaming (from the controller's changes). */
  const streamed = new Set<string>();
  const states: Array<{ at: number; kind: string; reason?: string; delayMs?: number }> = [];
  const clientEvents: Array<{ at: number; event: string }> = [];
  /** `agent` requests sent and error answers received, for the evidence of a failure. */
  const frames: Array<{ at: number; line: string }> = [];
  /** Last time an event of a run in each session arrived. */
  const sessionActivity = new Map<string, number>();
  let firstFigures: Figures | undefined;
  const cycleFigures: Array<{ label: string; figures: Figures }> = [];

  const G = () => gw!;
  const C = () => client!;
  const K = () => controller!;

  before(async () => {
    gw = await startGateway({ tickIntervalMs: TICK_MS });
    client = makeClient(gw.url, {
      token: gw.token,
      handshakeTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      backoff: { initialMs: 250, maxMs: 2000 },
      trace: (direction, frame) => {
        const f = frame as {
          type?: string;
          id?: string;
          method?: string;
          ok?: boolean;
          params?: { idempotencyKey?: string; message?: string };
          error?: unknown;
        };
        if (direction === 'out' && f.method === 'agent')
          frames.push({ at: Date.now(), line: `out ${f.id} agent key=${f.params?.idempotencyKey} "${f.params?.message}"` });
        if (direction === 'in' && f.type === 'res' && f.ok === false) frames.push({ at: Date.now(), line: `in ${f.id} error ${JSON.stringify(f.error)}` });
        if (frames.length > 400) frames.splice(0, 100);
      },
    });
    controller = new ChatController(client, {
      log: (level, message) => controllerLog.push(`${new Date().toISOString()} ${level} ${message}`),
      thinking: () => undefined,
      saveSession: () => {},
    });
    // What a view would do: one listener for the controller's changes.
    controller.onChange((change) => {
      const item = change.type === 'upsert' ? change.item : undefined;
      const id = change.type === 'append' ? change.id : item?.kind === 'assistant' && item.text ? item.id : undefined;
      if (id?.startsWith('a:') && !id.endsWith(':pending')) streamed.add(id.split(':')[1]);
    });
    client.onState((state) =>
      states.push({
        at: Date.now(),
        kind: state.kind,
        reason: 'reason' in state ? String(state.reason) : undefined,
        delayMs: state.kind === 'reconnecting' ? state.delayMs : undefined,
      }),
    );
    client.onAgentEvent((payload) => {
      if (typeof payload.sessionKey === 'string') sessionActivity.set(payload.sessionKey, Date.now());
    });
    client.onEvent((frame) => {
      const payload = frame.payload as { sessionKey?: unknown } | undefined;
      if ((frame.event === 'chat' || frame.event === 'session.message') && typeof payload?.sessionKey === 'string') {
        sessionActivity.set(payload.sessionKey, Date.now());
      }
      if (frame.event !== 'agent' && frame.event !== 'chat' && frame.event !== 'tick' && frame.event !== 'health' && frame.event !== 'task') {
        clientEvents.push({ at: Date.now(), event: frame.event });
        if (clientEvents.length > 400) clientEvents.splice(0, 100);
      }
    });
    client.start();
    await waitForState(client, 'connected', 60_000);
  });

  async function teardown(): Promise<void> {
    if (torndown) return;
    torndown = true;
    // A frozen gateway would sit out SIGTERM's grace period: wake it first.
    if (gw?.running) gw.signal('SIGCONT');
    controller?.dispose();
    client?.close();
    await gw?.dispose();
  }

  after(async () => {
    await teardown();
  });

  /** Log lines that explain a failure. */
  function evidence(since: number, logMark: number): string {
    const clean = (line: string) => line.replace(ANSI_COLOUR, '');
    const stamp = (at: number) => `+${((at - since) / 1000).toFixed(1)} s`;
    return [
      '--- client log',
      ...C()
        .logs.slice(logMark)
        .map(([level, message]) => `  ${level}: ${message}`),
      '--- controller log',
      ...controllerLog.slice(-10).map((l) => `  ${l}`),
      '--- agent requests and error answers',
      ...frames.filter((f) => f.at >= since).map((f) => `  ${stamp(f.at)} ${f.line}`),
      '--- states (connecting/refused retries left out)',
      ...states
        .filter((s) => s.at >= since && s.kind !== 'connecting' && !/connection refused/.test(s.reason ?? ''))
        .map((s) => `  ${stamp(s.at)} ${s.kind}${s.reason ? ` (${s.reason})` : ''}`),
      '--- events',
      ...clientEvents.filter((e) => e.at >= since && e.event !== 'sessions.changed').map((e) => `  ${stamp(e.at)} ${e.event}`),
      '--- transcript',
      ...view(K().transcript).map((l) => `  ${l.slice(0, 160)}`),
      '--- gateway log (recovery, agent runs, errors)',
      ...G()
        .logTail()
        .split('\n')
        .map(clean)
        .filter((l) => /harness\]|restart-recovery|\[agent\]|res ✗|UNAVAILABLE|shutdown|orphan/i.test(l))
        .slice(-30)
        .map((l) => `  ${l.slice(0, 400)}`),
    ].join('\n');
  }

  /** The gateway is up and the client connected, whatever a failed test before left behind. */
  async function ensureUp(): Promise<void> {
    if (G().running) G().signal('SIGCONT');
    else await G().start();
    await waitForState(C(), 'connected', 60_000);
  }

  async function showSession(session: SessionLog): Promise<void> {
    if (K().sessionKey === session.key) return;
    await K().switchSession(session.key);
    await settled(C(), K(), `session ${session.key} shown`, 30_000, 300);
  }

  /** The id (= idempotency key) of the newest user item with this text. */
  function turnKey(text: string): string {
    const item = [...K().transcript].reverse().find((i) => i.kind === 'user' && i.text === text);
    assert.ok(item, `"${text}" is in the transcript right after send()`);
    return item.id.slice(2);
  }

  function sendText(session: SessionLog, text: string): string {
    K().send(text);
    session.sent.push(text);
    return turnKey(text);
  }

  function modelRequests(text: string, since: number): number {
    // A prompt with folded-in orphans counts for its own message only (see unfoldQueued).
    return G().modelServer.log.filter((r) => r.method === 'POST' && r.at >= since && r.userText !== undefined && ownMessage(r.userText) === text).length;
  }

  /** Prompts since `since` that carried `text` folded in as an orphan ahead of a message we sent. */
  function foldedAway(text: string, since: number, session: SessionLog): number {
    return G().modelServer.log.filter((r) => {
      if (r.method !== 'POST' || r.at < since || r.userText === undefined) return false;
      const parts = splitQueued(r.userText);
      return parts.slice(0, -1).includes(text) && session.sent.includes(parts[parts.length - 1]);
    }).length;
  }

  /** The gateway's own log since its last start. */
  function logSinceStart(): string {
    const tail = G().logTail();
    const at = tail.lastIndexOf('[harness]', tail.lastIndexOf('starting openclaw'));
    return at >= 0 ? tail.slice(at) : tail;
  }

  /**
   * Waits until the gateway has finished writing this session: if its restart recovery re-runs the
   * session's interrupted turn, until that run ended; then until `sessions.list` shows no active
   * run of the session and no event of it came for a while. Returns whether a recovery ran.
   */
  async function gatewayQuiet(session: SessionLog, restarted: boolean): Promise<boolean> {
    let recovery = false;
    if (restarted && /startup-orphaned main session/.test(logSinceStart())) {
      await waitFor(() => /restart recovery startup complete/.test(logSinceStart()), 'the gateway to start its restart recovery', 180_000);
      if (logSinceStart().includes(`started interrupted main session: ${session.key}`)) {
        recovery = true;
        await waitFor(
          () => logSinceStart().includes(`restart recovery terminal: session=${session.key}`),
          `the gateway's recovery run of ${session.key} to end`,
          300_000,
        );
      }
    }
    const deadline = Date.now() + 120_000;
    let idleSince = 0;
    for (;;) {
      const row = (await C().listSessions()).find((r) => r.key === session.key) as Record<string, unknown> | undefined;
      const active = row?.hasActiveRun === true || (Array.isArray(row?.activeRunIds) && row.activeRunIds.length > 0);
      const eventsQuiet = Date.now() - (sessionActivity.get(session.key) ?? 0) >= GATEWAY_QUIET_MS;
      if (active || !eventsQuiet) idleSince = 0;
      else if (!idleSince) idleSince = Date.now();
      else if (Date.now() - idleSince >= 1000) return recovery;
      if (Date.now() > deadline)
        throw new Error(
          `${session.key} still busy on the gateway after 120 s (row ${JSON.stringify(row && { status: row.status, hasActiveRun: row.hasActiveRun, activeRunIds: row.activeRunIds })})`,
        );
      await sleep(250);
    }
  }

  /**
   * One fault: a turn streams, the gateway is hit, a message is sent while it is down, it comes
   * back; then the client must be connected by itself and the transcript must equal history.
   * Recovery failures throw; the checks after it are collected in `problems`.
   */
  async function runCycle(t: TestContext, session: SessionLog, c: Cycle): Promise<CycleResult> {
    const t0 = Date.now();
    const logMark = C().logs.length;
    const problems: string[] = [];
    const check = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        problems.push((error as Error).message);
      }
    };
    try {
      await ensureUp();
      await showSession(session);
      const turnText = c.slow ? `SLOW ${c.label} streamed turn` : `${c.label} plain turn`;
      const drainText = `${c.label} sent while the gateway drains`;
      const offlineText = `${c.label} sent while the gateway was down`;
      const key = sendText(session, turnText);
      // A busy gateway can stall past the watchdog here; the reconnect then loses the stream's events
      // and the reply arrives with history instead. The fault still lands on a gateway at work.
      const replied = () => K().transcript.some((i) => i.kind === 'assistant' && i.text.includes(turnText));
      await waitFor(() => streamed.has(key) || replied(), `${c.label}: the turn streams`, 300_000);
      if (!streamed.has(key)) t.diagnostic(`${c.label}: the reply came with history, not as a stream, so the fault lands after it`);

      // ---- the fault
      const tFault = Date.now();
      const pidBefore = G().pid;
      let stopping: Promise<void> | undefined;
      if (c.fault === 'SIGTERM') stopping = G().stop();
      else if (c.fault === 'SIGKILL') await G().kill();
      else G().signal('SIGSTOP');
      if (c.sendDuringDrain) sendText(session, drainText);

      await waitFor(() => C().state.kind !== 'connected', `${c.label}: the client notices the ${c.fault}`, 120_000);
      const noticedMs = Date.now() - tFault;
      const lost = states.find((s) => s.at >= tFault && s.kind !== 'connected');
      const lostState = `${lost?.kind}${lost?.reason ? ` (${lost.reason})` : ''}`;
      if (stopping) await stopping;
      if (c.fault !== 'SIGSTOP') assert.equal(G().running, false, 'the gateway is down');

      // ---- typed while the gateway is down: queued, and not sent until it is back
      sendText(session, offlineText);
      const queued = K().transcript.find((i) => i.kind === 'user' && i.text === offlineText) as Extract<ChatItem, { kind: 'user' }> | undefined;
      check(() => assert.equal(queued?.pending, 'queued', 'a message typed while down is shown as queued'));
      if (c.fault === 'SIGSTOP') {
        // Frozen for well over two tick intervals.
        await sleep(Math.max(0, tFault + 2 * TICK_MS + 1500 - Date.now()));
        assert.equal(G().pid, pidBefore, 'still the same (frozen) gateway process');
      }
      assert.notEqual(C().state.kind, 'connected', 'still not connected while the gateway is down');
      check(() => assert.equal(modelRequests(offlineText, t0), 0, 'nothing reached the model while the gateway was down'));

      // ---- back
      if (c.fault === 'SIGSTOP') G().signal('SIGCONT');
      else {
        await G().start();
        restarts++;
      }
      const backAt = Date.now();
      // No reconnect() here: the client must find its way back alone.
      await waitForState(C(), 'connected', 180_000);
      const reconnectMs = Date.now() - backAt;
      // The gateway said it was restarting (or closed with 1012, or vanished): the client probes it
      // about once a second, so its next attempt after the gateway is ready comes within a second.
      // Checked on the waits the client chose, not on the wall clock, which a busy machine (and a
      // gateway still loading its sidecars) stretches; the backoff it replaced waited up to 30 s.
      if (c.fault !== 'SIGSTOP') {
        const waits = states.filter((s) => s.kind === 'reconnecting' && s.at >= tFault && s.at - tFault < RESTART_PROBE_WINDOW_MS).map((s) => s.delayMs ?? 0);
        check(() => assert.ok(waits.length > 0, `${c.label}: the client waited to reconnect`));
        check(() =>
          assert.deepEqual(
            waits.filter((w) => w > RESTART_PROBE_MS),
            [],
            `${c.label}: every wait while the gateway restarted was at most ${RESTART_PROBE_MS} ms (waits: ${waits.join(', ')})`,
          ),
        );
      }
      await settled(C(), K(), `${c.label}: the controller settles`, 120_000);
      const gatewayRecovery = await gatewayQuiet(session, c.fault !== 'SIGSTOP');
      await settled(C(), K(), `${c.label}: the controller settles`, 60_000);
      const f = figures(C(), K());
      cycleFigures.push({ label: c.label, figures: f });
      firstFigures ??= f;

      // ---- the transcript is what history holds: nothing lost, nothing doubled
      const history = await C().history(session.key, 200);
      const fromHistory = itemsFromHistory(history.messages);
      check(() => assert.deepEqual(view(K().transcript), view(fromHistory), `${c.label}: the transcript equals chat.history`));
      // The gateway's own note to the agent after a restart is a quiet line, not a bubble the person wrote.
      const notes = history.messages.filter(isGatewayWritten).length;
      check(() =>
        assert.ok(!K().transcript.some((i) => i.kind === 'user' && /^\s*\[System\]/.test(i.text)), `${c.label}: no system note shown as the person's message`),
      );
      check(() =>
        assert.equal(
          K().transcript.filter((i) => i.kind === 'notice' && i.text.startsWith('System note: ')).length,
          notes,
          `${c.label}: each of the ${notes} system notes is a quiet line`,
        ),
      );
      const users = history.messages.filter((m) => m.role === 'user' && !isGatewayWritten(m)).flatMap((m) => splitQueued(messageText(m.content)));
      check(() =>
        assert.deepEqual(
          users.filter((u) => users.indexOf(u) !== users.lastIndexOf(u)),
          [],
          `${c.label}: no message is in history twice`,
        ),
      );
      check(() =>
        assert.deepEqual(
          users.filter((u) => !session.sent.includes(u)),
          [],
          `${c.label}: history holds no user message that was not sent`,
        ),
      );
      const thisCycle = c.sendDuringDrain ? [turnText, drainText, offlineText] : [turnText, offlineText];
      for (const text of thisCycle) {
        const rows = users.filter((u) => u === text).length;
        // The gateway may fold an interrupted message into the next prompt and drop its row (unfoldQueued).
        const folded = rows === 0 ? foldedAway(text, t0, session) : 0;
        if (folded === 1) t.diagnostic(`${c.label}: the gateway folded "${text}" into the next prompt and dropped its row`);
        else check(() => assert.equal(rows, 1, `${c.label}: "${text}" is in history exactly once`));
      }
      check(() =>
        assert.deepEqual(
          users,
          session.sent.filter((s) => users.includes(s)),
          `${c.label}: history keeps the order the messages were sent in`,
        ),
      );
      const replies = fromHistory.filter((i) => i.kind === 'assistant').map((i) => ('text' in i ? i.text : ''));
      for (const text of c.sendDuringDrain ? [drainText, offlineText] : [offlineText]) {
        // A folded-in orphan that said SLOW makes the model server pad the echo with " ." chunks.
        const answers = (r: string) => r.startsWith('Echo: ') && ownMessage(r.slice(6).replace(/( \.)+$/, '')) === text;
        check(() => assert.equal(replies.filter(answers).length, 1, `${c.label}: one reply to "${text}" in history`));
        check(() => assert.equal(modelRequests(text, t0), 1, `${c.label}: "${text}" reached the model exactly once`));
      }
      check(() => assert.ok(modelRequests(turnText, t0) <= 1, `${c.label}: the streamed turn "${turnText}" was not sent again`));
      if (c.fault !== 'SIGKILL') {
        // SIGTERM drains the turn; a frozen gateway finishes it once thawed: either way it is complete.
        const full = c.slow ? slowReply(turnText) : `Echo: ${turnText}`;
        check(() => assert.equal(replies.filter((r) => r === full).length, 1, `${c.label}: the streamed turn "${turnText}" completed, once`));
      }
      check(() => assert.equal(f.pendingRequests, 0, `${c.label}: no request left pending`));
      check(() => assert.equal(f.runs, 0, `${c.label}: no run left registered`));
      check(() => assert.equal(f.socketOpen, true, `${c.label}: the socket is open`));

      const result: CycleResult = {
        noticedMs,
        downMs: backAt - tFault,
        reconnectMs,
        totalMs: Date.now() - t0,
        lostState,
        gatewayRecovery,
        figures: f,
        problems,
      };
      t.diagnostic(
        `${c.label} ${c.fault}${c.slow ? ' mid SLOW stream' : ' mid short turn'}: ${problems.length ? `${problems.length} FAILED CHECK(S)` : 'ok'}; ` +
          `client left connected after ${noticedMs} ms as ${lostState}; gateway back after ${(result.downMs / 1000).toFixed(1)} s; ` +
          `client connected ${reconnectMs} ms later${gatewayRecovery ? '; gateway re-ran the interrupted turn' : ''}; cycle ${(result.totalMs / 1000).toFixed(1)} s; ${formatFigures(f)}`,
      );
      if (problems.length) t.diagnostic(`${c.label} failed checks:\n${problems.join('\n')}\n${c.label} evidence:\n${evidence(t0, logMark)}`);
      return result;
    } catch (error) {
      t.diagnostic(`${c.label} could not recover; evidence:\n${evidence(t0, logMark)}`);
      throw error;
    }
  }

  function failOn(problems: string[]): void {
    if (problems.length) assert.fail(`${problems.length} failed check(s):\n\n${problems.join('\n\n')}`);
  }

  it('SIGTERM mid-stream: the turn drains, shutdown + 1012, the chat comes back after a restart', { timeout: 10 * 60_000 }, async (t) => {
    const session: SessionLog = { key: `agent:main:faults-${runTag}-sigterm`, sent: [] };
    await ensureUp();
    let observer: Observer | undefined;
    try {
      observer = await observeGateway(G().url, G().token);
      const since = Date.now();
      const result = await runCycle(t, session, { label: 'sigterm', fault: 'SIGTERM', slow: true, sendDuringDrain: true });
      const closed = await observer.closed;
      t.diagnostic(
        `observer connection: events ${JSON.stringify(observer.events.filter((e) => e !== 'tick' && e !== 'health'))}, closed ${closed.code} ${closed.reason}`,
      );
      assert.equal(closed.code, 1012, 'the gateway closes with 1012 (service restart)');
      assert.ok(observer.events.includes('shutdown'), 'the gateway announces shutdown');
      assert.ok(
        clientEvents.some((e) => e.at >= since && e.event === 'shutdown'),
        'the client saw the shutdown event',
      );
      assert.match(result.lostState, /^reconnecting \(the gateway is restarting\)$/);
      assert.ok(result.noticedMs > 1000, `the connection stayed up while the turn drained (${result.noticedMs} ms)`);
      failOn(result.problems);
    } finally {
      observer?.close();
    }
  });

  it('SIGKILL mid-stream: the chat comes back after a restart', { timeout: 10 * 60_000 }, async (t) => {
    const session: SessionLog = { key: `agent:main:faults-${runTag}-sigkill`, sent: [] };
    const result = await runCycle(t, session, { label: 'sigkill', fault: 'SIGKILL', slow: true });
    assert.match(result.lostState, /^reconnecting/);
    failOn(result.problems);
  });

  it(`SIGSTOP for longer than 2 x tick (${TICK_MS} ms): the watchdog notices, SIGCONT, the chat comes back`, { timeout: 10 * 60_000 }, async (t) => {
    const session: SessionLog = { key: `agent:main:faults-${runTag}-sigstop`, sent: [] };
    const logMark = C().logs.length;
    assert.equal(C().hello?.policy?.tickIntervalMs, TICK_MS, 'the gateway runs with the short tick');
    const result = await runCycle(t, session, { label: 'sigstop', fault: 'SIGSTOP', slow: true });
    assert.match(result.lostState, /no frames from the gateway for two tick intervals/);
    assert.ok(
      result.noticedMs >= 2 * TICK_MS - 500 && result.noticedMs <= 2 * TICK_MS + 2500,
      `the watchdog fired after ${result.noticedMs} ms (2 x tick = ${2 * TICK_MS} ms)`,
    );
    assert.ok(
      C()
        .logs.slice(logMark)
        .some(([, m]) => /no frames from the gateway for \d+ ms/.test(m)),
      'the watchdog logged why it reconnected',
    );
    failOn(result.problems);
  });

  it(`${RESTARTS} restarts in a row (SIGTERM and SIGKILL): nothing lost, nothing doubled, nothing piles up`, { timeout: 55 * 60_000 }, async (t) => {
    const session: SessionLog = { key: `agent:main:faults-${runTag}-restarts`, sent: [] };
    const started = Date.now();
    const before = restarts;
    const problems: string[] = [];
    const failedCycles: string[] = [];
    for (let i = 1; i <= RESTARTS; i++) {
      // Mostly short turns to keep the run short; a SLOW one now and then (a SIGTERM then drains it).
      const fault: Fault = i % 2 ? 'SIGKILL' : 'SIGTERM';
      const slow = i === 5 || i === 10;
      const label = `r${String(i).padStart(2, '0')}`;
      const result = await runCycle(t, session, { label, fault, slow, sendDuringDrain: fault === 'SIGTERM' && slow });
      if (result.problems.length) failedCycles.push(`${label} (${fault}${slow ? ' SLOW' : ''})`);
      problems.push(...result.problems);
    }
    assert.equal(restarts - before, RESTARTS);
    t.diagnostic(
      `${RESTARTS} restarts in ${((Date.now() - started) / 1000).toFixed(1)} s; ${session.sent.length} messages sent; cycles with failed checks: ${failedCycles.length ? failedCycles.join(', ') : 'none'}`,
    );

    // Nothing grows with the number of restarts.
    const first = firstFigures!;
    const last = cycleFigures[cycleFigures.length - 1].figures;
    t.diagnostic(`after the first recovery (${cycleFigures[0].label}): ${formatFigures(first)}`);
    t.diagnostic(`after the last recovery (${cycleFigures[cycleFigures.length - 1].label}):  ${formatFigures(last)}`);
    const peak = (k: keyof typeof SLACK) => Math.max(...cycleFigures.map((c) => c.figures[k]));
    for (const k of Object.keys(SLACK) as Array<keyof typeof SLACK>) {
      assert.ok(last[k] <= first[k] + SLACK[k], `${k}: ${first[k]} after the first recovery, ${last[k]} after the last (slack ${SLACK[k]})`);
      assert.ok(peak(k) <= first[k] + SLACK[k], `${k}: peak ${peak(k)} over ${cycleFigures.length} recoveries, first ${first[k]} (slack ${SLACK[k]})`);
    }
    failOn(problems);
  });

  it('stops everything it started', { timeout: 60_000 }, async (t) => {
    await teardown();
    assert.equal(G().running, false, 'the gateway is stopped');
    await waitFor(() => G().processesGone, 'every gateway process is gone', 10_000);
    t.diagnostic(`restarts survived: ${restarts} (+1 SIGSTOP/SIGCONT); total ${((Date.now() - began) / 1000).toFixed(1)} s`);
  });
});
