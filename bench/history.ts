/**
 * 4. History: a session of 1,000 gateway history messages (user questions; assistant replies of
 * 0.3-4 KB markdown with prose, lists and code; tool calls with their results), turned into chat
 * items by the host's own itemsFromHistory, sent to a fresh webview page as one `snapshot`.
 * Measured from the postMessage: time to the first frame that shows an item and to the frame that
 * shows them all (each read by a MessageChannel ping posted from requestAnimationFrame, which runs
 * once that frame's style, layout and paint are done), main-thread time (CDP TaskDuration), the
 * longest task, and the page's JS heap after a forced GC (CDP JSHeapUsedSize) and DOM nodes, each
 * against the same page before the snapshot.
 */
import type { HistoryMessage } from '../src/protocol/gateway';
import type { ChatItem } from '../src/protocol/webview';
import { itemsFromHistory } from '../src/extension/transcript';
import { markdown } from './lib/corpus';
import { between, rng } from './lib/random';
import { ROOT } from './lib/paths';
import { ratioSummary, summarize, type Summary } from './lib/stats';
import { buildWebview, launchChromium, metrics, openWebview, PageServer } from './lib/webview-page';

export interface HistoryOptions {
  runs: number;
  messages: number;
  /** Experiments only: another webview entry point, CSS appended to chat.css. */
  webviewEntry?: string;
  extraCss?: string;
  /**
   * Also measure another webview (scripts/bench.mjs --baseline): `root` holds its webview/ and
   * media/ (bench/lib/paths.ts BASELINE_WEBVIEW), `label` names it (the commit). Each run sends the
   * same snapshot to both, each on a fresh page, alternating which goes first.
   */
  baseline?: { root: string; label: string };
  log(line: string): void;
}

/** The figures of one webview over the runs: medians with min–max. */
export interface HistoryFigures {
  firstPaintMs: Summary;
  fullyRenderedMs: Summary;
  taskMs: Summary;
  scriptMs: Summary;
  layoutMs: Summary;
  longestTaskMs: Summary;
  heapMB: Summary;
  heapDeltaMB: Summary;
  nodes: Summary;
}

export interface HistoryResult extends HistoryFigures {
  messages: number;
  items: number;
  snapshotBytes: number;
  itemKinds: Record<string, number>;
  /** With options.baseline: the same figures for the baseline's webview, and ratios this tree / baseline. */
  baseline?: HistoryFigures & {
    label: string;
    /** Medians of the per-run ratios (run r of this tree / run r of the baseline). */
    ratio: { firstPaintMs: Summary; fullyRenderedMs: Summary; taskMs: Summary; longestTaskMs: Summary };
  };
}

const TOOLS = ['read', 'ls', 'grep', 'exec', 'edit'];

/** `count` history rows shaped like chat.history of openclaw@2026.9.6 (see chat.history.tool.json). */
export function historyMessages(count: number, seed = 21): HistoryMessage[] {
  const random = rng(seed);
  const rows: HistoryMessage[] = [];
  let turn = 0;
  while (rows.length < count) {
    turn += 1;
    const runId = `run-${turn}`;
    const meta = (n: number) => ({ runId, id: `${runId}-${n}`, seq: rows.length + 1 });
    rows.push({
      role: 'user',
      content: markdown(between(random, 20, 240), turn * 7).split('\n')[0],
      timestamp: 1795237164649 + turn * 1000,
      idempotencyKey: `${runId}:user`,
      __openclaw: meta(0),
    });
    if (rows.length + 3 <= count && random() < 0.6) {
      const name = TOOLS[between(random, 0, TOOLS.length - 1)];
      const id = `call_${turn}`;
      rows.push({
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'toolCall', id, name, arguments: { path: `src/gateway/file-${turn}.ts`, pattern: 'runTurn', limit: 200 } },
        ],
        stopReason: 'toolUse',
        usage: { input: 1200, output: 40, totalTokens: 1240 },
        __openclaw: meta(1),
      });
      const result = markdown(between(random, 200, 2500), turn * 13).replace(/[#*`]/g, '');
      rows.push({
        role: 'toolResult',
        toolCallId: id,
        toolName: name,
        content: [{ type: 'text', text: result }],
        isError: random() < 0.05,
        __openclaw: meta(2),
      });
    }
    if (rows.length < count) {
      rows.push({
        role: 'assistant',
        content: [{ type: 'text', text: markdown(between(random, 300, 4000), turn * 31) }],
        stopReason: 'stop',
        usage: { input: 2400, output: 600, totalTokens: 3000 },
        __openclaw: meta(3),
      });
    }
  }
  return rows;
}

import { CONNECTED, CONTROLS } from './render';

interface InPage {
  firstPaintMs: number;
  fullyRenderedMs: number;
  longestTaskMs: number;
  shown: number;
}

async function snapshotInPage(args: { message: unknown; expected: number }): Promise<InPage> {
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const log = document.querySelector('.log');
  const shown = () => log?.childElementCount ?? 0;
  let first = -1;
  let full = -1;
  const channel = new MessageChannel();
  const t0 = performance.now();
  await new Promise<void>((done) => {
    channel.port1.onmessage = () => {
      const n = shown();
      const t = performance.now() - t0;
      if (n > 0 && first < 0) first = t;
      if (n >= args.expected) {
        full = t;
        return done();
      }
      if (t > 60_000) return done();
      requestAnimationFrame(tick);
    };
    const tick = () => channel.port2.postMessage(0);
    requestAnimationFrame(tick);
    window.postMessage(args.message, '*');
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return { firstPaintMs: first, fullyRenderedMs: full, longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0, shown: shown() };
}

export async function historyBench(options: HistoryOptions): Promise<HistoryResult> {
  const rows = historyMessages(options.messages);
  const items: ChatItem[] = itemsFromHistory(rows);
  const message = {
    type: 'snapshot',
    seq: 1,
    session: { key: 'agent:main:main', title: 'Main session' },
    items,
    busy: false,
    connection: CONNECTED,
    loading: false,
    controls: CONTROLS,
  };
  const itemKinds: Record<string, number> = {};
  for (const item of items) itemKinds[item.kind] = (itemKinds[item.kind] ?? 0) + 1;
  const bundle = await buildWebview(ROOT, options.webviewEntry);
  const server = await new PageServer({ ...bundle, css: bundle.css + (options.extraCss ?? '') }).start();
  // The baseline's webview on a server of its own, in the same browser, measured run for run beside it.
  const baseBundle = options.baseline ? await buildWebview(options.baseline.root) : undefined;
  const baseServer = baseBundle ? await new PageServer({ ...baseBundle, css: baseBundle.css + (options.extraCss ?? '') }).start() : undefined;
  const browser = await launchChromium();
  const runs: RunFigures[] = [];
  const baseRuns: RunFigures[] = [];
  const at = options.baseline ? `, at ${options.baseline.label}` : '';
  try {
    for (let r = 0; r < options.runs; r++) {
      const sides: Array<[PageServer, RunFigures[], string]> = [[server, runs, '']];
      // Which of the two goes first alternates run by run.
      if (baseServer) sides.splice((r + 1) % 2, 0, [baseServer, baseRuns, at]);
      for (const [pages, list, suffix] of sides) {
        const view = await openWebview(browser, pages);
        try {
          await view.cdp.send('HeapProfiler.enable');
          await view.cdp.send('HeapProfiler.collectGarbage');
          const before = await metrics(view.cdp);
          const result = await view.page.evaluate(snapshotInPage, { message, expected: items.length });
          if (result.fullyRenderedMs < 0) throw new Error(`only ${result.shown} of ${items.length} items were shown${suffix}`);
          const mid = await metrics(view.cdp);
          await view.cdp.send('HeapProfiler.collectGarbage');
          const after = await metrics(view.cdp);
          const figures = {
            ...result,
            taskMs: (mid.TaskDuration - before.TaskDuration) * 1000,
            scriptMs: (mid.ScriptDuration - before.ScriptDuration) * 1000,
            layoutMs: (mid.LayoutDuration - before.LayoutDuration) * 1000,
            heapMB: after.JSHeapUsedSize / 2 ** 20,
            heapDeltaMB: (after.JSHeapUsedSize - before.JSHeapUsedSize) / 2 ** 20,
            nodes: after.Nodes,
          };
          list.push(figures);
          options.log(
            `history ${options.messages} messages (${items.length} items)${suffix}, run ${r + 1}/${options.runs}: first paint ${figures.firstPaintMs.toFixed(0)} ms, all ${figures.fullyRenderedMs.toFixed(0)} ms, ` +
              `main thread ${figures.taskMs.toFixed(0)} ms, longest task ${figures.longestTaskMs.toFixed(0)} ms, heap ${figures.heapMB.toFixed(1)} MB (+${figures.heapDeltaMB.toFixed(1)}), ${figures.nodes} nodes`,
          );
        } finally {
          await view.close();
        }
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    await baseServer?.stop();
  }
  const result: HistoryResult = {
    messages: options.messages,
    items: items.length,
    snapshotBytes: JSON.stringify(message).length,
    itemKinds,
    ...summarizeFigures(runs),
  };
  if (options.baseline) {
    const ratio = (pick: (f: RunFigures) => number) => ratioSummary(runs.map(pick), baseRuns.map(pick));
    result.baseline = {
      label: options.baseline.label,
      ...summarizeFigures(baseRuns),
      ratio: {
        firstPaintMs: ratio((f) => f.firstPaintMs),
        fullyRenderedMs: ratio((f) => f.fullyRenderedMs),
        taskMs: ratio((f) => f.taskMs),
        longestTaskMs: ratio((f) => f.longestTaskMs),
      },
    };
  }
  return result;
}

type RunFigures = InPage & { taskMs: number; scriptMs: number; layoutMs: number; heapMB: number; heapDeltaMB: number; nodes: number };

function summarizeFigures(runs: RunFigures[]): HistoryFigures {
  const s = (pick: (f: RunFigures) => number) => summarize(runs.map(pick));
  return {
    firstPaintMs: s((f) => f.firstPaintMs),
    fullyRenderedMs: s((f) => f.fullyRenderedMs),
    taskMs: s((f) => f.taskMs),
    scriptMs: s((f) => f.scriptMs),
    layoutMs: s((f) => f.layoutMs),
    longestTaskMs: s((f) => f.longestTaskMs),
    heapMB: s((f) => f.heapMB),
    heapDeltaMB: s((f) => f.heapDeltaMB),
    nodes: s((f) => f.nodes),
  };
}

// Only so that the in-page function type-checks here (the project's tsconfig has no DOM library).
declare const window: { postMessage(message: unknown, target: string): void };
declare const document: { querySelector(selector: string): { childElementCount: number } | null };
declare function requestAnimationFrame(callback: (ts: number) => void): number;
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): Array<{ duration: number }> }) => void);
  observe(options: { type: string }): void;
  disconnect(): void;
}
declare class MessageChannel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: unknown): void };
}
