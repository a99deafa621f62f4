/**
 * 1. Client overhead: the GatewayClient against a bare `ws` client that only JSON.parses, both fed
 * the same `agent` stream at full speed by one local server (children/stream-server.ts). Each
 * client runs in its own process, one at a time, alternating order run by run. A process warms up,
 * then runs several measured turns; its figure is their median. Ratios are taken within a run
 * (side by side), then the median over runs. Two bare clients: `bare` as `ws` comes (validating
 * UTF-8), and `bare-like`, its socket configured as ours (no UTF-8 validation): like with like.
 * The reply part streams one long reply in deltas alone and also compares GC pauses and the
 * memory each process holds after it.
 */
import { MEASURED_RUN, WARM_EVENTS, WARM_RUN, WARM_TURNS } from './lib/constants';
import { runChild, startServer } from './lib/proc';
import { ratioSummary, summarize, type Summary } from './lib/stats';

/** `gateway-base`: the GatewayClient built with the files of OPENCLAW_BENCH_BASELINE (scripts/bench.mjs --baseline). */
type Mode = 'bare' | 'bare-like' | 'gateway' | 'gateway-traced' | 'gateway-base';
const MODES: Mode[] = ['bare', 'bare-like', 'gateway', 'gateway-traced'];
/** The reply part leaves out tracing (a per-frame copy that is off unless asked for). */
const REPLY_MODES: Mode[] = ['bare', 'bare-like', 'gateway'];

/** How a mode runs: which bundle, which child mode, and warm-up turns. */
function child(mode: Mode): { bundle: string; mode: string; warm: number } {
  if (mode === 'gateway-base') return { bundle: 'base/client', mode: 'gateway', warm: WARM_TURNS };
  return { bundle: 'client', mode, warm: WARM_TURNS };
}

interface Turn {
  cpuUs: number;
  wallMs: number;
  latencyUs?: { p50: number; p99: number; max: number; samples: number };
}

interface ChildResult {
  events: number;
  turns: Turn[];
  gcMs?: number;
  heapUsedMB?: number;
  rssMB?: number;
}

/** One process's figure: the median of its measured turns. */
interface RunFigure {
  cpuPerEventUs: number;
  eventsPerSecond: number;
  latencyUs?: { p50: number; p99: number; max: number };
}

function runFigure(child: ChildResult): RunFigure {
  const median = (values: number[]) => summarize(values).median;
  const turns = child.turns;
  return {
    cpuPerEventUs: median(turns.map((t) => t.cpuUs / child.events)),
    eventsPerSecond: median(turns.map((t) => child.events / (t.wallMs / 1000))),
    latencyUs: turns[0].latencyUs
      ? {
          p50: median(turns.map((t) => t.latencyUs!.p50)),
          p99: median(turns.map((t) => t.latencyUs!.p99)),
          max: Math.max(...turns.map((t) => t.latencyUs!.max)),
        }
      : undefined,
  };
}

export interface ClientBenchOptions {
  runs: number;
  /** Events per measured turn, and how many measured turns each process runs. */
  sizes: Array<{ events: number; turns: number }>;
  latencyEvents: number;
  /** Also run the baseline build, the same way, at sizes up to this many events. */
  baselineUpTo?: number;
  /** One long reply in deltas alone: its size in characters, measured turns per process. */
  reply?: { bytes: number; turns: number };
  log(line: string): void;
}

export interface ClientBenchResult {
  stream: Record<string, { bytes: number; mix: Record<string, number> }>;
  sizes: Array<{
    events: number;
    turns: number;
    cpuPerEventUs: Partial<Record<Mode, Summary>>;
    eventsPerSecond: Partial<Record<Mode, Summary>>;
    /** Per-run ratio of CPU per event, against `bare`. */
    cpuRatio: Partial<Record<Exclude<Mode, 'bare'>, Summary>>;
    /** Per-run ratio of CPU per event, against `bare-like`. */
    cpuRatioLike: Partial<Record<Exclude<Mode, 'bare' | 'bare-like'>, Summary>>;
  }>;
  reply?: {
    bytes: number;
    events: number;
    turns: number;
    /** CPU of the turn, ms (median of a process's turns), per run. */
    cpuMs: Partial<Record<Mode, Summary>>;
    cpuRatio: Partial<Record<Mode, Summary>>;
    cpuRatioLike: Partial<Record<Mode, Summary>>;
    gcMs: Partial<Record<Mode, Summary>>;
    heapAfterMB: Partial<Record<Mode, Summary>>;
    rssAfterMB: Partial<Record<Mode, Summary>>;
    /** Per run: this mode's heap after minus bare-like's, MB. */
    heapOverLikeMB: Partial<Record<Mode, Summary>>;
  };
  latency: {
    events: number;
    /** Median over runs of each run's p50 / p99, µs. */
    gateway: { p50: Summary; p99: Summary; max: Summary };
    bare: { p50: Summary; p99: Summary; max: Summary };
  };
}

export async function clientBench(options: ClientBenchOptions): Promise<ClientBenchResult> {
  const specs = [`${WARM_RUN}:${WARM_EVENTS}`, ...new Set([...options.sizes.map((s) => s.events), options.latencyEvents].map((n) => `${MEASURED_RUN}:${n}`))];
  if (options.reply) specs.push(`${MEASURED_RUN}:${options.reply.bytes}B`);
  const server = await startServer<{ url: string; streams: Record<string, { bytes: number; events: number; mix: Record<string, number> }> }>(
    'stream-server',
    specs,
    180_000,
  );
  try {
    const sizes: ClientBenchResult['sizes'] = [];
    for (const { events, turns } of options.sizes) {
      const modes: Mode[] = options.baselineUpTo !== undefined && events <= options.baselineUpTo ? [...MODES, 'gateway-base'] : MODES;
      const runs: Record<Mode, RunFigure[]> = { bare: [], 'bare-like': [], gateway: [], 'gateway-traced': [], 'gateway-base': [] };
      for (let r = 0; r < options.runs; r++) {
        const order = r % 2 === 0 ? modes : [...modes].reverse();
        for (const mode of order) {
          const how = child(mode);
          runs[mode].push(
            runFigure(await runChild<ChildResult>(how.bundle, [how.mode, server.info.url, String(events), String(turns), String(how.warm)], 900_000)),
          );
        }
        const line = order.map((m) => `${m} ${runs[m][r].cpuPerEventUs.toFixed(2)} µs/event`).join(', ');
        options.log(`client ${events} events x ${turns} turns, run ${r + 1}/${options.runs}: ${line}`);
      }
      const perEvent = (m: Mode) => runs[m].map((x) => x.cpuPerEventUs);
      const cpuPerEventUs: Partial<Record<Mode, Summary>> = {};
      const eventsPerSecond: Partial<Record<Mode, Summary>> = {};
      const cpuRatio: Partial<Record<Exclude<Mode, 'bare'>, Summary>> = {};
      const cpuRatioLike: Partial<Record<Exclude<Mode, 'bare' | 'bare-like'>, Summary>> = {};
      for (const m of modes) {
        cpuPerEventUs[m] = summarize(perEvent(m));
        eventsPerSecond[m] = summarize(runs[m].map((x) => x.eventsPerSecond));
        if (m !== 'bare') cpuRatio[m] = ratioSummary(perEvent(m), perEvent('bare'));
        if (m !== 'bare' && m !== 'bare-like') cpuRatioLike[m] = ratioSummary(perEvent(m), perEvent('bare-like'));
      }
      sizes.push({ events, turns, cpuPerEventUs, eventsPerSecond, cpuRatio, cpuRatioLike });
    }

    let reply: ClientBenchResult['reply'];
    if (options.reply) {
      const { bytes, turns } = options.reply;
      const events = server.info.streams[`${MEASURED_RUN}:${bytes}B`].events;
      const modes: Mode[] = options.baselineUpTo !== undefined ? [...REPLY_MODES, 'gateway-base'] : REPLY_MODES;
      const got: Partial<Record<Mode, ChildResult[]>> = {};
      for (let r = 0; r < options.runs; r++) {
        const order = r % 2 === 0 ? modes : [...modes].reverse();
        for (const mode of order) {
          const how = child(mode);
          const result = await runChild<ChildResult>(
            how.bundle,
            [how.mode, server.info.url, String(events), String(turns), String(how.warm), `reply=${bytes}`],
            900_000,
          );
          (got[mode] ??= []).push(result);
        }
        const line = order
          .map((m) => {
            const x = got[m]![r];
            return `${m} ${(summarize(x.turns.map((t) => t.cpuUs)).median / 1000).toFixed(0)} ms CPU, GC ${x.gcMs!.toFixed(0)} ms, heap after ${x.heapUsedMB!.toFixed(1)} MB`;
          })
          .join('; ');
        options.log(`client ${bytes / 1e6} MB reply (${events} events) x ${turns} turns, run ${r + 1}/${options.runs}: ${line}`);
      }
      const cpu = (m: Mode) => got[m]!.map((x) => summarize(x.turns.map((t) => t.cpuUs)).median / 1000);
      const per = (pick: (x: ChildResult) => number) => Object.fromEntries(modes.map((m) => [m, summarize(got[m]!.map(pick))]));
      reply = {
        bytes,
        events,
        turns,
        cpuMs: Object.fromEntries(modes.map((m) => [m, summarize(cpu(m))])),
        cpuRatio: Object.fromEntries(modes.filter((m) => m !== 'bare').map((m) => [m, ratioSummary(cpu(m), cpu('bare'))])),
        cpuRatioLike: Object.fromEntries(modes.filter((m) => m !== 'bare-like').map((m) => [m, ratioSummary(cpu(m), cpu('bare-like'))])),
        gcMs: per((x) => x.gcMs!),
        heapAfterMB: per((x) => x.heapUsedMB!),
        rssAfterMB: per((x) => x.rssMB!),
        heapOverLikeMB: Object.fromEntries(modes.map((m) => [m, summarize(got[m]!.map((x, i) => x.heapUsedMB! - got['bare-like']![i].heapUsedMB!))])),
      };
    }

    const lat = { gateway: [] as RunFigure[], bare: [] as RunFigure[] };
    for (let r = 0; r < options.runs; r++) {
      const order: Array<'gateway' | 'bare'> = r % 2 === 0 ? ['bare', 'gateway'] : ['gateway', 'bare'];
      for (const mode of order)
        lat[mode].push(
          runFigure(await runChild<ChildResult>('client', [mode, server.info.url, String(options.latencyEvents), '3', String(WARM_TURNS), 'latency'], 600_000)),
        );
      options.log(
        `latency run ${r + 1}/${options.runs}: gateway p50 ${lat.gateway[r].latencyUs!.p50.toFixed(1)} µs p99 ${lat.gateway[r].latencyUs!.p99.toFixed(1)} µs; bare parse p50 ${lat.bare[r].latencyUs!.p50.toFixed(1)} µs`,
      );
    }
    const latSummary = (list: RunFigure[]) => ({
      p50: summarize(list.map((x) => x.latencyUs!.p50)),
      p99: summarize(list.map((x) => x.latencyUs!.p99)),
      max: summarize(list.map((x) => x.latencyUs!.max)),
    });
    return {
      stream: server.info.streams,
      sizes,
      reply,
      latency: { events: options.latencyEvents, gateway: latSummary(lat.gateway), bare: latSummary(lat.bare) },
    };
  } finally {
    await server.stop();
  }
}
