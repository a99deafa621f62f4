/**
 * One measured client of the client-overhead bench, in a process of its own:
 *
 *   node build/client.js <mode> <url> <events> <turns> <warm-up turns> [latency | reply=<bytes>]
 *
 * mode `bare`: a `ws` client that does the handshake by hand and only JSON.parses each frame.
 * mode `bare-like`: the same, its socket configured as the GatewayClient's (no UTF-8 validation by
 * `ws`, the same maxPayload): like with like.
 * mode `gateway`: the GatewayClient, a runTurn listener receiving the run's events.
 * mode `gateway-traced`: the same with tracing on, as the extension configures it while the
 * "openclaw.trace" setting is on (every frame is copied and redacted for the trace callback; this
 * callback then drops it, so the figure leaves out the log itself).
 *
 * Each runs some warm-up turns of WARM_EVENTS events (the first turns after start-up run
 * partly unoptimized code: up to 2x the CPU of later ones), then `turns` measured turns of `events`
 * events. Reported per turn: CPU time (process.cpuUsage, user + system) and wall time from sending
 * the `agent` request to receiving its final `res`. With `latency`, also the time from the socket's 'message' event to the frame's event
 * reaching the listener (for `bare`: to the end of JSON.parse), per frame, with performance.now().
 * With `reply=<bytes>`, the measured turns stream one reply of that many characters in deltas
 * alone (`events` is how many events that stream has). Also reported: the garbage collector's
 * pause time during the measured turns, and, after them and a forced GC (the process runs with
 * --expose-gc), the heap in use and the resident set size.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PerformanceObserver } from 'node:perf_hooks';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { MAX_INCOMING_FRAME_BYTES } from '../../src/gateway/frames';
import { GatewayClient } from '../../src/gateway/gateway-client';
import { BENCH_SESSION, BENCH_TOKEN, MEASURED_RUN, WARM_EVENTS, WARM_RUN } from '../lib/constants';
import { report } from '../lib/proc';
import { percentiles } from '../lib/stats';

type Mode = 'bare' | 'bare-like' | 'gateway' | 'gateway-traced';
const MODES: readonly string[] = ['bare', 'bare-like', 'gateway', 'gateway-traced'];

interface Turn {
  cpuUs: number;
  wallMs: number;
  latencyUs?: { p50: number; p99: number; max: number; samples: number };
}

interface Measured {
  events: number;
  turns: Turn[];
  /** GC pause time during the measured turns, ms. */
  gcMs?: number;
  /** After the measured turns and a forced GC. */
  heapUsedMB?: number;
  rssMB?: number;
}

const [mode, url, eventsArg, turnsArg, warmArg, extraArg] = process.argv.slice(2) as [Mode, string, string, string, string, string?];
const events = Number(eventsArg);
const turns = Number(turnsArg);
const warmTurns = Number(warmArg);
const replyBytes = extraArg?.startsWith('reply=') ? Number(extraArg.slice('reply='.length)) : undefined;
if (
  !MODES.includes(mode) ||
  !url?.startsWith('ws://') ||
  !(events > 0) ||
  !(turns > 0) ||
  !(warmTurns >= 0) ||
  (replyBytes !== undefined && !(replyBytes > 0))
) {
  process.stderr.write(`usage: client.js ${MODES.join('|')} <ws-url> <events> <turns> <warm-up turns> [latency | reply=<bytes>]\n`);
  process.exit(2);
}
const withLatency = extraArg === 'latency';
/** The `agent` message that asks the stream server for the measured stream. */
const measuredMessage = JSON.stringify(replyBytes ? { replyBytes } : { events });

/** GC pauses, summed while `counting`. */
let gcMs = 0;
let counting = false;
new PerformanceObserver((list) => {
  if (counting) for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** What a process reports after its measured turns: GC pauses, then heap and RSS after a forced GC. */
async function memoryAfter(): Promise<Pick<Measured, 'gcMs' | 'heapUsedMB' | 'rssMB'>> {
  // GC entries arrive after the pause: let the observer see the last ones.
  await new Promise((resolve) => setTimeout(resolve, 50));
  counting = false;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const memory = process.memoryUsage();
  return { gcMs, heapUsedMB: memory.heapUsed / 2 ** 20, rssMB: memory.rss / 2 ** 20 };
}

function measure<T>(fn: () => Promise<T>): Promise<{ result: T; cpuUs: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return fn().then((result) => {
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    return { result, cpuUs: cpu.user + cpu.system, wallMs: t1 - t0 };
  });
}

function latencySummary(samples: Float64Array, count: number): Turn['latencyUs'] {
  const [p50, p99, max] = percentiles(samples.subarray(0, count), [50, 99, 100]);
  return { p50: p50 * 1000, p99: p99 * 1000, max: max * 1000, samples: count };
}

async function runGateway(traced: boolean): Promise<Measured> {
  const client = new GatewayClient({
    url,
    token: BENCH_TOKEN,
    store: new MemoryCredentialStore(),
    clientVersion: '0.1.0-bench',
    log: () => undefined,
    // As extension.ts does: the callback is always there; it logs only while the setting is on.
    ...(traced ? { trace: (_direction: 'in' | 'out', _frame: unknown) => undefined } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    const off = client.onState((state) => {
      if (state.kind === 'connected') {
        off();
        resolve();
      } else if (state.kind === 'failed') reject(new Error(state.message));
    });
    client.start();
  });
  let received = 0;
  const turn = (runId: string, message: string, onEvent?: () => void) =>
    client.runTurn({ sessionKey: BENCH_SESSION, message, idempotencyKey: runId }, { onEvent: onEvent ?? (() => (received += 1)) });

  for (let k = 0; k < warmTurns; k++) await turn(WARM_RUN, JSON.stringify({ events: WARM_EVENTS }));
  counting = true;
  const measured: Turn[] = [];
  for (let k = 0; k < turns; k++) {
    received = 0;
    let onEvent: (() => void) | undefined;
    let samples: Float64Array | undefined;
    let count = 0;
    let off: (() => void) | undefined;
    if (withLatency) {
      samples = new Float64Array(events);
      let arrived = 0;
      let open = false;
      // The socket is not API: the bench reaches into the client's connection for it, to time arrivals.
      const socket = (client as unknown as { connection: { socket: WebSocket } }).connection.socket;
      const onArrival = () => {
        arrived = performance.now();
        open = true;
      };
      socket.prependListener('message', onArrival);
      off = () => socket.off('message', onArrival);
      onEvent = () => {
        received += 1;
        // The first turn event of a frame; frames that make none (`item` events) give no sample.
        if (open) {
          samples![count++] = performance.now() - arrived;
          open = false;
        }
      };
    }
    const { result, cpuUs, wallMs } = await measure(() => turn(MEASURED_RUN, measuredMessage, onEvent).then((r) => r.status));
    off?.();
    if (result !== 'ok') throw new Error(`the measured turn ended ${result}`);
    if (received === 0) throw new Error('the runTurn listener received nothing');
    measured.push({ cpuUs, wallMs, latencyUs: samples ? latencySummary(samples, count) : undefined });
  }
  const memory = await memoryAfter();
  client.close();
  return { events, turns: measured, ...memory };
}

async function runBare(likeOurSocket: boolean): Promise<Measured> {
  // gateway-connection.ts opens its socket so: ws does not validate UTF-8 (JSON.parse decodes anyway).
  const ws = new WebSocket(url, likeOurSocket ? { maxPayload: MAX_INCOMING_FRAME_BYTES, skipUTF8Validation: true } : {});
  let eventsSeen = 0;
  let finished: (() => void) | undefined;
  let samples: Float64Array | undefined;
  let count = 0;
  let arrived = 0;
  const sendAgent = (runId: string, message: string) =>
    ws.send(JSON.stringify({ type: 'req', id: `agent-${runId}`, method: 'agent', params: { sessionKey: BENCH_SESSION, message, idempotencyKey: runId } }));

  const connected = new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString());
      if (samples && frame.type === 'event') samples[count++] = performance.now() - arrived;
      if (frame.type === 'event') {
        eventsSeen += 1;
        if (frame.event === 'connect.challenge') {
          ws.send(
            JSON.stringify({
              type: 'req',
              id: 'connect-1',
              method: 'connect',
              params: {
                minProtocol: 4,
                maxProtocol: 4,
                client: { id: 'gateway-client', version: '0.1.0-bench', platform: process.platform, mode: 'ui' },
                role: 'operator',
                scopes: ['operator.read', 'operator.write', 'operator.admin'],
                caps: ['tool-events'],
                auth: { token: BENCH_TOKEN },
              },
            }),
          );
        }
        return;
      }
      if (frame.id === 'connect-1') return frame.ok ? resolve() : reject(new Error(JSON.stringify(frame.error)));
      if (frame.type === 'res' && frame.payload?.status !== 'accepted' && typeof frame.id === 'string' && frame.id.startsWith('agent-')) finished?.();
    });
  });
  await connected;
  const turn = (runId: string, message: string) =>
    new Promise<void>((resolve) => {
      finished = resolve;
      sendAgent(runId, message);
    });
  for (let k = 0; k < warmTurns; k++) await turn(WARM_RUN, JSON.stringify({ events: WARM_EVENTS }));
  counting = true;
  const measured: Turn[] = [];
  for (let k = 0; k < turns; k++) {
    eventsSeen = 0;
    count = 0;
    let off: (() => void) | undefined;
    if (withLatency) {
      samples = new Float64Array(events);
      const onArrival = () => {
        arrived = performance.now();
      };
      ws.prependListener('message', onArrival);
      off = () => ws.off('message', onArrival);
    }
    const { cpuUs, wallMs } = await measure(() => turn(MEASURED_RUN, measuredMessage));
    off?.();
    if (eventsSeen !== events) throw new Error(`bare client saw ${eventsSeen} events in the measured turns, expected ${events}`);
    measured.push({ cpuUs, wallMs, latencyUs: samples ? latencySummary(samples, count) : undefined });
    samples = undefined;
  }
  const memory = await memoryAfter();
  ws.close();
  return { events, turns: measured, ...memory };
}

const run = mode === 'bare' || mode === 'bare-like' ? runBare(mode === 'bare-like') : runGateway(mode === 'gateway-traced');
run.then(
  (result) => {
    report(result);
    process.exit(0);
  },
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
