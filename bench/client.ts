/**
 * 1. Client overhead: the GatewayClient against a bare `ws` client that only JSON.parses, both fed
 * the same `agent` stream at full speed by one local server (children/stream-server.ts). Each
 * client runs in its own process, one at a time, alternating order run by run. A process warms up,
 * then runs several measured turns; its figure is their median. Ratios are taken within a run
 * (side by side), then the median over runs.
 */
import { MEASURED_RUN, WARM_EVENTS, WARM_RUN, WARM_TURNS } from './lib/constants';
import { runChild, startServer } from './lib/proc';
import { ratioSummary, summarize, type Summary } from './lib/stats';

/** `gateway-base`: the GatewayClient built with the files of OPENCLAW_BENCH_BASELINE (scripts/bench.mjs --baseline). */
type Mode = 'bare' | 'gateway' | 'gateway-traced' | 'gateway-base';
const MODES: Mode[] = ['bare', 'gateway', 'gateway-traced'];

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
  }>;
  latency: {
    events: number;
    /** Median over runs of each run's p50 / p99, µs. */
    gateway: { p50: Summary; p99: Summary; max: Summary };
    bare: { p50: Summary; p99: Summary; max: Summary };
  };
}

export async function clientBench(options: ClientBenchOptions): Promise<ClientBenchResult> {
  const specs = [`${WARM_RUN}:${WARM_EVENTS}`, ...new Set([...options.sizes.map((s) => s.events), options.latencyEvents].map((n) => `${MEASURED_RUN}:${n}`))];
  const server = await startServer<{ url: string; streams: ClientBenchResult['stream'] }>('stream-server', specs);
  try {
    const sizes: ClientBenchResult['sizes'] = [];
    for (const { events, turns } of options.sizes) {
      const modes: Mode[] = options.baselineUpTo !== undefined && events <= options.baselineUpTo ? [...MODES, 'gateway-base'] : MODES;
      const runs: Record<Mode, RunFigure[]> = { bare: [], gateway: [], 'gateway-traced': [], 'gateway-base': [] };
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
      for (const m of modes) {
        cpuPerEventUs[m] = summarize(perEvent(m));
        eventsPerSecond[m] = summarize(runs[m].map((x) => x.eventsPerSecond));
        if (m !== 'bare') cpuRatio[m] = ratioSummary(perEvent(m), perEvent('bare'));
      }
      sizes.push({ events, turns, cpuPerEventUs, eventsPerSecond, cpuRatio });
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
    return { stream: server.info.streams, sizes, latency: { events: options.latencyEvents, gateway: latSummary(lat.gateway), bare: latSummary(lat.bare) } };
  } finally {
    await server.stop();
  }
}
