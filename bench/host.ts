/**
 * 2. Host to webview: gateway `agent` events through the GatewayClient, the ChatController and the
 * HostPoster to posted webview messages, with the shipped coalescing (flushMs 16) against flushMs 0
 * and no coalescing, side by side (one process each, alternating order run by run). Two streams:
 * full speed (throughput) and paced like a fast model (messages per second the webview must take).
 */
import { WARM_EVENTS } from './lib/constants';
import { runChild, startServer } from './lib/proc';
import { summarize, type Summary } from './lib/stats';

/** `coalesce-base`: as `coalesce`, built with the files of OPENCLAW_BENCH_BASELINE (scripts/bench.mjs --baseline). */
type Poster = 'coalesce' | 'flush0' | 'none' | 'coalesce-base';
const POSTERS: Poster[] = ['coalesce', 'flush0', 'none'];

interface ChildResult {
  events: number;
  paceMs: number;
  wallMs: number;
  cpuUs: number;
  messages: number;
  bytes: number;
  byType: Record<string, number>;
  appendSize?: { median: number; max: number; mean: number };
}

export interface HostStreamResult {
  events: number;
  paceMs: number;
  perPoster: Partial<
    Record<
      Poster,
      {
        eventsPerSecond: Summary;
        cpuPerEventUs: Summary;
        messages: Summary;
        messagesPerSecond: Summary;
        bytesPerSecond: Summary;
        appendMeanBytes: Summary;
        byType: Record<string, number>;
      }
    >
  >;
}

export interface HostBenchOptions {
  runs: number;
  streams: Array<{ events: number; paceMs: number }>;
  /** Also run the baseline build on full-speed streams of up to this many events. */
  baselineUpTo?: number;
  log(line: string): void;
}

export async function hostBench(options: HostBenchOptions): Promise<HostStreamResult[]> {
  const specs = [...new Set([WARM_EVENTS, ...options.streams.map((s) => s.events)])].map((n) => `*:${n}`);
  const server = await startServer<{ url: string }>('stream-server', specs);
  try {
    const out: HostStreamResult[] = [];
    for (const stream of options.streams) {
      const posters: Poster[] =
        options.baselineUpTo !== undefined && !stream.paceMs && stream.events <= options.baselineUpTo ? [...POSTERS, 'coalesce-base'] : POSTERS;
      const runs: Record<Poster, ChildResult[]> = { coalesce: [], flush0: [], none: [], 'coalesce-base': [] };
      for (let r = 0; r < options.runs; r++) {
        const order = r % 2 === 0 ? posters : [...posters].reverse();
        for (const poster of order) {
          const [bundle, kind] = poster === 'coalesce-base' ? ['base/host', 'coalesce'] : ['host', poster];
          runs[poster].push(await runChild<ChildResult>(bundle, [server.info.url, kind, String(stream.events), String(stream.paceMs)], 900_000));
        }
        options.log(
          `host ${stream.events} events${stream.paceMs ? ` every ${stream.paceMs} ms` : ' at full speed'}, run ${r + 1}/${options.runs}: ` +
            order.map((p) => `${p} ${runs[p][r].messages} msgs in ${runs[p][r].wallMs.toFixed(0)} ms`).join(', '),
        );
      }
      const perPoster: HostStreamResult['perPoster'] = {};
      for (const p of posters) {
        const list = runs[p];
        perPoster[p] = {
          eventsPerSecond: summarize(list.map((x) => x.events / (x.wallMs / 1000))),
          cpuPerEventUs: summarize(list.map((x) => x.cpuUs / x.events)),
          messages: summarize(list.map((x) => x.messages)),
          messagesPerSecond: summarize(list.map((x) => x.messages / (x.wallMs / 1000))),
          bytesPerSecond: summarize(list.map((x) => x.bytes / (x.wallMs / 1000))),
          appendMeanBytes: summarize(list.map((x) => x.appendSize?.mean ?? 0)),
          byType: list[0].byType,
        };
      }
      out.push({ events: stream.events, paceMs: stream.paceMs, perPoster });
    }
    return out;
  } finally {
    await server.stop();
  }
}
