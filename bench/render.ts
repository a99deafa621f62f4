/**
 * 3. Rendering in Chromium: a reply of 50 KB, 200 KB and 1 MB of markdown streamed as `append`
 * messages of 20-60 characters, `perFrame` of them posted at the start of each animation frame
 * (as fast as the page renders). Measured per size, on a fresh page each time:
 *  - main-thread time: CDP Performance.getMetrics TaskDuration (also Script/Layout/RecalcStyle),
 *    in thread time, from the first append to the reply's final upsert rendered;
 *  - per frame: the main-thread work of the frame (from the first rAF callback of the frame to a
 *    MessageChannel ping posted there, which runs once the frame's style, layout and paint are done);
 *  - intervals between requestAnimationFrame callbacks (a dropped frame shows as ~33 ms);
 *  - long tasks (PerformanceObserver 'longtask', >= 50 ms).
 * Growth: total time ratio per doubling of size (1.0 per doubling would be constant, 2.0 linear,
 * 4.0 quadratic).
 * The floor (fixtures/floor.js): the same page, CSS and appends, each shown as a plain text node.
 * Each run streams every size to the floor too, alternating which goes first; the webview's
 * main-thread time and longest frame are taken as ratios to the floor's of the same run, because
 * absolute frame times do not carry from one machine to another.
 */
import type { ChatItem } from '../src/protocol/webview';
import { deltas, markdown } from './lib/corpus';
import path from 'node:path';
import { FIXTURES, ROOT } from './lib/paths';
import { ratioSummary, summarize, type Summary } from './lib/stats';
import { buildWebview, launchChromium, metrics, openWebview, PageServer, type OpenPage } from './lib/webview-page';

export interface RenderOptions {
  runs: number;
  sizes: number[];
  perFrame: number;
  /** Experiments only: another webview entry point, CSS appended to chat.css, extra chromium flags. */
  webviewEntry?: string;
  extraCss?: string;
  chromiumArgs?: string[];
  /**
   * Also measure another webview (scripts/bench.mjs --baseline): `root` holds its webview/ and
   * media/ (bench/lib/paths.ts BASELINE_WEBVIEW), `label` names it (the commit). Each run streams
   * the same reply to both, each on a fresh page, alternating which goes first.
   */
  baseline?: { root: string; label: string };
  /** Also stream every size to the floor (fixtures/floor.js), run by run. */
  floor?: boolean;
  log(line: string): void;
}

/** The floor's page: plain text nodes on the chat's page and CSS. */
export const FLOOR_ENTRY = path.join(FIXTURES, 'floor.js');

export interface RunFigures {
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  wallMs: number;
  frames: number;
  /** `afterFirst`: the longest frame but the first that renders (which runs marked and DOMPurify cold). */
  frameWorkMs: { max: number; afterFirst: number; p99: number; p95: number; median: number; over16: number };
  rafIntervalMs: { max: number; p99: number };
  longTasks: { count: number; maxMs: number };
  renderedChars: number;
}

export interface RenderSizeResult {
  bytes: number;
  appends: number;
  taskMs: Summary;
  scriptMs: Summary;
  layoutMs: Summary;
  styleMs: Summary;
  wallMs: Summary;
  frames: Summary;
  longestFrameMs: Summary;
  longestFrameAfterFirstMs: Summary;
  p99FrameMs: Summary;
  medianFrameMs: Summary;
  framesOver16: Summary;
  longestRafIntervalMs: Summary;
  longTasks: Summary;
  longestTaskMs: Summary;
}

export interface RenderResult {
  perFrame: number;
  sizes: RenderSizeResult[];
  /** Total main-thread time ratio per doubling of size, between consecutive sizes and first to last. */
  growthPerDoubling: Array<{ from: number; to: number; ratio: number }>;
  /** With options.floor: the floor's figures, and per-run ratios webview / floor. */
  floor?: {
    sizes: RenderSizeResult[];
    growthPerDoubling: Array<{ from: number; to: number; ratio: number }>;
    ratio: Array<{ bytes: number; taskMs: Summary; longestFrameMs: Summary }>;
  };
  /** With options.baseline: the same figures for the baseline's webview, and ratios this tree / baseline. */
  baseline?: {
    label: string;
    sizes: RenderSizeResult[];
    growthPerDoubling: Array<{ from: number; to: number; ratio: number }>;
    ratio: {
      /** Medians of the per-run ratios (run r of this tree / run r of the baseline). */
      sizes: Array<{ bytes: number; taskMs: Summary; longestFrameMs: Summary }>;
      /** This tree's growth per doubling / the baseline's. */
      growthPerDoubling: Array<{ from: number; to: number; ratio: number }>;
    };
  };
}

export const CONNECTED = { kind: 'connected', title: 'Connected to OpenClaw 2026.9.6', actions: [] };
/** The snapshot's session controls (required by the contract since the composer's model and thinking pickers). */
export const CONTROLS = { models: [], thinkingLevels: [], busyMode: 'steer' };

type StreamResult = Omit<RunFigures, 'taskMs' | 'scriptMs' | 'layoutMs' | 'styleMs'>;

/** Runs in the page: streams the pieces, perFrame per animation frame, and measures every frame. */
async function streamInPage(args: { pieces: string[]; perFrame: number; id: string; firstSeq: number; final: unknown }): Promise<StreamResult> {
  const { pieces, perFrame, id, final } = args;
  const frameWork: number[] = [];
  const rafTimes: number[] = [];
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const channel = new MessageChannel();
  channel.port1.onmessage = (event: MessageEvent<number>) => frameWork.push(performance.now() - event.data);
  let seq = args.firstSeq;
  let next = 0;
  let tail = 0;
  const started = performance.now();
  await new Promise<void>((done) => {
    const frame = (ts: number) => {
      rafTimes.push(ts);
      // Posted before this frame's appends: it runs right after the frame's rendering task.
      channel.port2.postMessage(performance.now());
      if (next < pieces.length) {
        for (let k = 0; k < perFrame && next < pieces.length; k++) window.postMessage({ type: 'append', seq: seq++, id, text: pieces[next++] }, '*');
      } else if (tail === 0) {
        window.postMessage({ ...(final as object), seq: seq++ }, '*');
        tail = 1;
      } else if (tail++ >= 3) {
        // The final upsert was applied and rendered two frames ago.
        return done();
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const wallMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  channel.port1.close();
  const sorted = [...frameWork].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const intervals = rafTimes
    .slice(1)
    .map((t, i) => t - rafTimes[i])
    .sort((a, b) => a - b);
  const body = document.querySelector(`.msg.assistant .markdown`);
  return {
    wallMs,
    frames: rafTimes.length,
    // Frame 0 posts the first appends; frame 1 is the first to render them.
    frameWorkMs: {
      max: sorted[sorted.length - 1],
      afterFirst: Math.max(...frameWork.slice(2)),
      p99: at(99),
      p95: at(95),
      median: at(50),
      over16: frameWork.filter((w) => w > 16.7).length,
    },
    rafIntervalMs: { max: intervals[intervals.length - 1] ?? 0, p99: intervals[Math.min(intervals.length - 1, Math.floor(0.99 * intervals.length))] ?? 0 },
    longTasks: { count: longTasks.length, maxMs: longTasks.length ? Math.max(...longTasks) : 0 },
    renderedChars: body?.textContent?.length ?? 0,
  };
}

/** A reply of about `bytes` characters of markdown and the `append` deltas it streams as. */
export interface ReplyStream {
  bytes: number;
  text: string;
  pieces: string[];
}

export function replyStream(bytes: number): ReplyStream {
  const text = markdown(bytes, 11);
  return { bytes, text, pieces: deltas(text, 20, 60, 5) };
}

/**
 * One measured stream on a fresh page: the snapshot with a user message and an empty streaming
 * reply, then the stream (`perFrame` appends per animation frame), then the final upsert.
 * `whileStreaming` runs alongside the stream (it gets the stream's promise) and is awaited after it.
 */
export async function streamReply(
  view: OpenPage,
  stream: ReplyStream,
  perFrame: number,
  whileStreaming?: (streaming: Promise<unknown>) => Promise<void>,
): Promise<RunFigures> {
  const user: ChatItem = { kind: 'user', id: 'u1', text: 'Write me a long answer.' };
  const reply: ChatItem = { kind: 'assistant', id: 'a1', text: '', streaming: true };
  await view.page.evaluate(
    ([message]) => window.postMessage(message, '*'),
    [
      {
        type: 'snapshot',
        seq: 1,
        session: { key: 'agent:main:main', title: 'Main session' },
        items: [user, reply],
        busy: true,
        connection: CONNECTED,
        loading: false,
        controls: CONTROLS,
      },
    ],
  );
  await view.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const before = await metrics(view.cdp);
  const final = {
    type: 'upsert',
    item: { kind: 'assistant', id: 'a1', text: stream.text, streaming: false, outcome: 'ok', usage: { input: 1200, output: 90000 } },
  };
  const streaming = view.page.evaluate(streamInPage, { pieces: stream.pieces, perFrame, id: 'a1', firstSeq: 2, final });
  const beside = whileStreaming?.(streaming);
  const result = await streaming;
  await beside;
  const after = await metrics(view.cdp);
  const ms = (name: string) => (after[name] - before[name]) * 1000;
  if (result.renderedChars < stream.text.length * 0.6) throw new Error(`only ${result.renderedChars} of ${stream.text.length} characters were rendered`);
  return { ...result, taskMs: ms('TaskDuration'), scriptMs: ms('ScriptDuration'), layoutMs: ms('LayoutDuration'), styleMs: ms('RecalcStyleDuration') };
}

/** The figures of several runs of one size: medians with min–max. */
export function summarizeRuns(bytes: number, appends: number, list: RunFigures[]): RenderSizeResult {
  const s = (pick: (f: RunFigures) => number) => summarize(list.map(pick));
  return {
    bytes,
    appends,
    taskMs: s((f) => f.taskMs),
    scriptMs: s((f) => f.scriptMs),
    layoutMs: s((f) => f.layoutMs),
    styleMs: s((f) => f.styleMs),
    wallMs: s((f) => f.wallMs),
    frames: s((f) => f.frames),
    longestFrameMs: s((f) => f.frameWorkMs.max),
    longestFrameAfterFirstMs: s((f) => f.frameWorkMs.afterFirst),
    p99FrameMs: s((f) => f.frameWorkMs.p99),
    medianFrameMs: s((f) => f.frameWorkMs.median),
    framesOver16: s((f) => f.frameWorkMs.over16),
    longestRafIntervalMs: s((f) => f.rafIntervalMs.max),
    longTasks: s((f) => f.longTasks.count),
    longestTaskMs: s((f) => f.longTasks.maxMs),
  };
}

/** The log line of one run. */
export function describeRun(label: string, f: RunFigures): string {
  return (
    `${label}: main thread ${f.taskMs.toFixed(0)} ms (script ${f.scriptMs.toFixed(0)}), ${f.frames} frames, ` +
    `longest frame ${f.frameWorkMs.max.toFixed(1)} ms (after the first ${f.frameWorkMs.afterFirst.toFixed(1)} ms), p99 ${f.frameWorkMs.p99.toFixed(1)} ms, ${f.frameWorkMs.over16} over 16.7 ms, long tasks ${f.longTasks.count}`
  );
}

/** Total main-thread time ratio per doubling of size, between consecutive sizes and first to last. */
function growthOf(sizes: RenderSizeResult[]): Array<{ from: number; to: number; ratio: number }> {
  const growth = (a: RenderSizeResult, b: RenderSizeResult) => ({
    from: a.bytes,
    to: b.bytes,
    ratio: (b.taskMs.median / a.taskMs.median) ** (1 / Math.log2(b.bytes / a.bytes)),
  });
  const growthPerDoubling = sizes.slice(1).map((b, i) => growth(sizes[i], b));
  if (sizes.length > 2) growthPerDoubling.push(growth(sizes[0], sizes[sizes.length - 1]));
  return growthPerDoubling;
}

export async function renderBench(options: RenderOptions): Promise<RenderResult> {
  const bundle = await buildWebview(ROOT, options.webviewEntry);
  const server = await new PageServer({ ...bundle, css: bundle.css + (options.extraCss ?? '') }).start();
  // The baseline's webview on a server of its own, in the same browser, measured run for run beside it.
  const baseBundle = options.baseline ? await buildWebview(options.baseline.root) : undefined;
  const baseServer = baseBundle ? await new PageServer({ ...baseBundle, css: baseBundle.css + (options.extraCss ?? '') }).start() : undefined;
  const floorServer = options.floor ? await new PageServer({ ...(await buildWebview(ROOT, FLOOR_ENTRY)), css: bundle.css }).start() : undefined;
  const browser = await launchChromium(options.chromiumArgs);
  try {
    const streams = options.sizes.map(replyStream);
    const perSize = new Map<number, RunFigures[]>(options.sizes.map((s) => [s, []]));
    const basePerSize = new Map<number, RunFigures[]>(options.sizes.map((s) => [s, []]));
    const floorPerSize = new Map<number, RunFigures[]>(options.sizes.map((s) => [s, []]));
    const at = options.baseline ? `, at ${options.baseline.label}` : '';
    for (let r = 0; r < options.runs; r++) {
      for (const stream of streams) {
        const sides: Array<[PageServer, RunFigures[], string]> = [[server, perSize.get(stream.bytes)!, '']];
        // Which of the two goes first alternates run by run.
        if (baseServer) sides.splice((r + 1) % 2, 0, [baseServer, basePerSize.get(stream.bytes)!, at]);
        if (floorServer) sides.splice(r % 2 === 0 ? sides.length : 0, 0, [floorServer, floorPerSize.get(stream.bytes)!, ', floor']);
        for (const [pages, list, suffix] of sides) {
          const view = await openWebview(browser, pages);
          try {
            const figures = await streamReply(view, stream, options.perFrame);
            list.push(figures);
            options.log(describeRun(`render ${stream.bytes / 1000} KB${suffix}, run ${r + 1}/${options.runs}`, figures));
          } finally {
            await view.close();
          }
        }
      }
    }
    const sizes: RenderSizeResult[] = streams.map((stream) => summarizeRuns(stream.bytes, stream.pieces.length, perSize.get(stream.bytes)!));
    const growthPerDoubling = growthOf(sizes);
    const result: RenderResult = { perFrame: options.perFrame, sizes, growthPerDoubling };
    if (floorServer) {
      const floorSizes = streams.map((stream) => summarizeRuns(stream.bytes, stream.pieces.length, floorPerSize.get(stream.bytes)!));
      result.floor = {
        sizes: floorSizes,
        growthPerDoubling: growthOf(floorSizes),
        ratio: streams.map((stream) => {
          const [now, floor] = [perSize.get(stream.bytes)!, floorPerSize.get(stream.bytes)!];
          return {
            bytes: stream.bytes,
            taskMs: ratioSummary(
              now.map((f) => f.taskMs),
              floor.map((f) => f.taskMs),
            ),
            longestFrameMs: ratioSummary(
              now.map((f) => f.frameWorkMs.max),
              floor.map((f) => f.frameWorkMs.max),
            ),
          };
        }),
      };
    }
    if (options.baseline) {
      const baseSizes = streams.map((stream) => summarizeRuns(stream.bytes, stream.pieces.length, basePerSize.get(stream.bytes)!));
      const baseGrowth = growthOf(baseSizes);
      result.baseline = {
        label: options.baseline.label,
        sizes: baseSizes,
        growthPerDoubling: baseGrowth,
        ratio: {
          sizes: streams.map((stream) => {
            const [now, then] = [perSize.get(stream.bytes)!, basePerSize.get(stream.bytes)!];
            return {
              bytes: stream.bytes,
              taskMs: ratioSummary(
                now.map((f) => f.taskMs),
                then.map((f) => f.taskMs),
              ),
              longestFrameMs: ratioSummary(
                now.map((f) => f.frameWorkMs.max),
                then.map((f) => f.frameWorkMs.max),
              ),
            };
          }),
          growthPerDoubling: growthPerDoubling.map((g, i) => ({ from: g.from, to: g.to, ratio: g.ratio / baseGrowth[i].ratio })),
        },
      };
    }
    return result;
  } finally {
    await browser.close();
    await server.stop();
    await baseServer?.stop();
    await floorServer?.stop();
  }
}

// Only so that the in-page function type-checks here (the project's tsconfig has no DOM library).
declare const window: { postMessage(message: unknown, target: string): void };
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare function requestAnimationFrame(callback: (ts: number) => void): number;
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): Array<{ duration: number }> }) => void);
  observe(options: { type: string }): void;
  disconnect(): void;
}
declare class MessageChannel {
  port1: { onmessage: ((event: MessageEvent<number>) => void) | null; close(): void };
  port2: { postMessage(message: unknown): void };
}
interface MessageEvent<T> {
  data: T;
}
