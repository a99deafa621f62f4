/**
 * 6. Big and many (issue 5): a 5 MB reply, a session of 10,000 messages, 2,000 sessions.
 *
 *  - reply: bench/render.ts's stream (a fresh webview page in Chromium, `append`s of 20-60
 *    characters, `perFrame` per animation frame, then the final upsert) with a 5 MB reply; while it
 *    streams, a key is typed into the composer every ~300 ms through CDP (Input.dispatchKeyEvent) and
 *    timed from the dispatch to the textarea's `input` event and to the next frame after it. Then
 *    the DOM node count and the JS heap after a forced GC.
 *  - host: a fake gateway (tools/fake-gateway.ts) holding 2,000 sessions (recorded
 *    `sessions.list` rows, ~2.3 KB each) and a session of 10,000 history messages (bench/history.ts's
 *    rows with the gateway's metadata). In a process of its own (children/big-host.ts): the real
 *    GatewayClient, ChatController and chat feed list the sessions and open the long session; the
 *    gateway (bench/lib/metered-gateway.ts) meters what each request sent back.
 *  - history: bench/history.ts with 10,000 messages: what the webview would pay if the whole
 *    history were shown (the host only sends the latest 200).
 *  - vscode: the extension in code-server against the same gateway (bench/big-vscode.ts).
 * Wall-clock timestamps (bench/lib/clock.ts) line up the bench, the page and the host process; the
 * page's offset from the bench's clock is measured each run and taken out.
 */
import { FakeGateway } from '../tools/fake-gateway';
import { sleep } from '../tools/wait';
import { vscodeBench, type VscodeResult } from './big-vscode';
import { historyBench, type HistoryResult } from './history';
import type { Browser } from 'playwright-core';
import { describeRun, FLOOR_ENTRY, replyStream, streamReply, summarizeRuns, type RenderSizeResult, type ReplyStream, type RunFigures } from './render';
import { ROOT } from './lib/paths';
import { BIG_SESSION, seedGateway } from './lib/big-data';
import { clockOffset, now } from './lib/clock';
import { meter, type Exchange } from './lib/metered-gateway';
import { runChild } from './lib/proc';
import { median, summarize, type Summary } from './lib/stats';
import { buildWebview, launchChromium, metrics, openWebview, PageServer } from './lib/webview-page';

export type { VscodeResult };

export type BigPart = 'reply' | 'host' | 'history' | 'vscode';
export const BIG_PARTS: readonly BigPart[] = ['reply', 'host', 'history', 'vscode'];

export interface BigOptions {
  runs: number;
  parts: readonly BigPart[];
  replyBytes: number;
  perFrame: number;
  messages: number;
  sessions: number;
  log(line: string): void;
}

export interface ReplyResult {
  render: RenderSizeResult;
  keys: Summary;
  /** Per run: the median and the longest latency of the keys typed during the stream. */
  keyToInputMs: { median: Summary; max: Summary };
  keyToPaintMs: { median: Summary; max: Summary };
  keysLost: number;
  nodes: Summary;
  heapMB: Summary;
  /** The floor (fixtures/floor.js) streaming the same reply with the same keys typed, run by run. */
  floor: { render: RenderSizeResult; keyToPaintMs: { median: Summary; max: Summary }; nodes: Summary; keyToPaintOverFloorMs: Summary };
}

export interface HostResult {
  sessions: number;
  sessionRowBytes: number;
  historyMessages: number;
  historyBytes: number;
  listMs: { first: Summary; again: Summary };
  listPages: number;
  listLimit: number;
  listBytes: number;
  openMs: Summary;
  /** Heap after a forced GC with the long session shown, minus with the main session shown; items the transcript held. */
  openHeapOverMainMB: Summary;
  openHeapMB: Summary;
  transcriptItems: number;
  openGatewayMs: Summary;
  openFetched: { limit: number; messages: number; bytes: number };
  openSnapshot: { bytes: number; items: number; serializeMs: Summary; notice?: string };
  full: { messages: number; bytes: number; fetchMs: Summary; itemsMs: Summary; items: number; snapshotBytes: number; serializeMs: Summary };
}

export interface BigResult {
  reply?: ReplyResult;
  host?: HostResult;
  history?: HistoryResult;
  vscode?: VscodeResult;
}

// ---- 1. the 5 MB reply -------------------------------------------------------------------

/** Runs in the page: times every `input` of the composer (the event, the task after it, the next frame). */
function installKeyProbe(): void {
  const ta = document.querySelector('textarea');
  ta.focus();
  const probe: Array<{ inputAt: number; handledAt: number; paintedAt: number; length: number }> = (window.__keyProbe = []);
  const at = () => performance.timeOrigin + performance.now();
  ta.addEventListener('input', () => {
    const rec = { inputAt: at(), handledAt: 0, paintedAt: 0, length: ta.value.length };
    probe.push(rec);
    const after = new MessageChannel();
    after.port1.onmessage = () => (rec.handledAt = at());
    after.port2.postMessage(0);
    requestAnimationFrame(() => {
      const painted = new MessageChannel();
      painted.port1.onmessage = () => (rec.paintedAt = at());
      painted.port2.postMessage(0);
    });
  });
}

type ReplyRun = RunFigures & { keys: number; lost: number; toInput: number[]; toPaint: number[]; nodes: number; heapMB: number };

/** One stream of the reply on a fresh page of `server`, with keys typed into its textarea all along. */
async function replyRun(browser: Browser, server: PageServer, stream: ReplyStream, options: BigOptions, label: string): Promise<ReplyRun> {
  const view = await openWebview(browser, server);
  try {
    await view.page.evaluate(installKeyProbe);
    const offset = await clockOffset(view.page);
    const sent: number[] = [];
    const figures = await streamReply(view, stream, options.perFrame, async (streaming) => {
      let done = false;
      streaming.then(
        () => (done = true),
        () => (done = true),
      );
      await sleep(500);
      while (!done) {
        const key = { key: 'x', code: 'KeyX', text: 'x', unmodifiedText: 'x', windowsVirtualKeyCode: 88 };
        sent.push(now());
        await view.cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key });
        await view.cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'x', code: 'KeyX', windowsVirtualKeyCode: 88 });
        await sleep(250 + Math.random() * 100);
      }
    });
    await sleep(200);
    const probe = (await view.page.evaluate(() => window.__keyProbe)) as Array<{ inputAt: number; handledAt: number; paintedAt: number }>;
    const toInput: number[] = [];
    const toPaint: number[] = [];
    probe.forEach((p, i) => {
      if (sent[i] === undefined) return;
      toInput.push(p.inputAt - offset - sent[i]);
      if (p.paintedAt) toPaint.push(p.paintedAt - offset - sent[i]);
    });
    await view.cdp.send('HeapProfiler.enable');
    await view.cdp.send('HeapProfiler.collectGarbage');
    const m = await metrics(view.cdp);
    const run = { ...figures, keys: sent.length, lost: sent.length - probe.length, toInput, toPaint, nodes: m.Nodes, heapMB: m.JSHeapUsedSize / 2 ** 20 };
    options.log(
      `${describeRun(label, figures)}; ${sent.length} keys typed: to input median ${median(toInput).toFixed(1)} ms ` +
        `max ${Math.max(...toInput).toFixed(1)} ms, to paint median ${median(toPaint).toFixed(1)} ms max ${Math.max(...toPaint).toFixed(1)} ms; ${run.nodes} nodes, heap ${run.heapMB.toFixed(1)} MB`,
    );
    return run;
  } finally {
    await view.close();
  }
}

async function replyBench(options: BigOptions): Promise<ReplyResult> {
  const bundle = await buildWebview();
  const server = await new PageServer(bundle).start();
  // The floor (render.ts): the same page, CSS and appends as plain text nodes, run by run beside it.
  const floorServer = await new PageServer({ ...(await buildWebview(ROOT, FLOOR_ENTRY)), css: bundle.css }).start();
  const browser = await launchChromium();
  const stream = replyStream(options.replyBytes);
  const runs: ReplyRun[] = [];
  const floorRuns: ReplyRun[] = [];
  try {
    for (let r = 0; r < options.runs; r++) {
      const n = `${stream.bytes / 1e6} MB, run ${r + 1}/${options.runs}`;
      const sides: Array<() => Promise<void>> = [
        async () => void runs.push(await replyRun(browser, server, stream, options, `big reply ${n}`)),
        async () => void floorRuns.push(await replyRun(browser, floorServer, stream, options, `big reply, floor, ${n}`)),
      ];
      for (const side of r % 2 === 0 ? sides : sides.reverse()) await side();
    }
  } finally {
    await browser.close();
    await server.stop();
    await floorServer.stop();
  }
  const s = (list: ReplyRun[], pick: (run: ReplyRun) => number) => summarize(list.map(pick));
  return {
    render: summarizeRuns(stream.bytes, stream.pieces.length, runs),
    keys: s(runs, (r) => r.keys),
    keyToInputMs: { median: s(runs, (r) => median(r.toInput)), max: s(runs, (r) => Math.max(...r.toInput)) },
    keyToPaintMs: { median: s(runs, (r) => median(r.toPaint)), max: s(runs, (r) => Math.max(...r.toPaint)) },
    keysLost: runs.reduce((n, r) => n + r.lost, 0),
    nodes: s(runs, (r) => r.nodes),
    heapMB: s(runs, (r) => r.heapMB),
    floor: {
      render: summarizeRuns(stream.bytes, stream.pieces.length, floorRuns),
      keyToPaintMs: { median: s(floorRuns, (r) => median(r.toPaint)), max: s(floorRuns, (r) => Math.max(...r.toPaint)) },
      nodes: s(floorRuns, (r) => r.nodes),
      // Per run: the webview's median key-to-paint minus the floor's (target: within one frame, 16.7 ms).
      keyToPaintOverFloorMs: summarize(runs.map((run, i) => median(run.toPaint) - median(floorRuns[i].toPaint))),
    },
  };
}

// ---- 2a. the host --------------------------------------------------------------------------

interface HostChild {
  connectedAt: number;
  firstListAt: number;
  firstListMs: number;
  sessions: number;
  list: Array<{ ms: number; rows: number; startAt: number; endAt: number }>;
  switches: Array<{ ms: number; startAt: number; endAt: number; snapshotBytes: number; serializeMs: number; items: number; notice?: string }>;
  memory: { transcriptItems: number; openHeapMB: number; mainHeapMB: number };
  full: {
    messages: number;
    totalMessages: number;
    startAt: number;
    endAt: number;
    ms: number;
    itemsMs: number;
    items: number;
    snapshotBytes: number;
    serializeMs: number;
  };
}

async function hostBench(
  options: BigOptions,
  gateway: FakeGateway,
  traffic: Exchange[],
  seeded: { rowBytes: number; historyBytes: number },
): Promise<HostResult> {
  const runs: Array<{ child: HostChild; pages: Exchange[]; open: Exchange[]; full: Exchange }> = [];
  for (let r = 0; r < options.runs; r++) {
    const from = traffic.length;
    const child = await runChild<HostChild>('big-host', [gateway.url, BIG_SESSION, '3'], 300_000);
    const mine = traffic.slice(from);
    const conn = mine.find((e) => e.method === 'connect')?.conn;
    const ofConn = mine.filter((e) => e.conn === conn);
    // The first list is the controller's own, right after connecting.
    const firstListPages = ofConn.filter((e) => e.method === 'sessions.list' && e.receivedAt <= child.firstListAt);
    const open = ofConn.filter(
      (e) => e.method === 'chat.history' && e.params.sessionKey === BIG_SESSION && e.params.limit !== 1 && e.params.limit !== child.full.totalMessages,
    );
    const full = ofConn.find((e) => e.method === 'chat.history' && e.params.limit === child.full.totalMessages)!;
    runs.push({ child, pages: firstListPages, open, full });
    const sw = child.switches;
    options.log(
      `big host run ${r + 1}/${options.runs}: ${child.sessions} sessions listed in ${child.firstListMs.toFixed(0)} ms after connecting (${firstListPages.length} pages, ` +
        `${(firstListPages.reduce((n, e) => n + e.bytes, 0) / 1e6).toFixed(2)} MB), again in ${child.list.map((l) => l.ms.toFixed(0)).join(' / ')} ms; ` +
        `long session opened in ${sw.map((s) => s.ms.toFixed(0)).join(' / ')} ms (${sw[0].items} items, snapshot ${(sw[0].snapshotBytes / 1024).toFixed(0)} KB, "${sw[0].notice}"); ` +
        `whole history: ${child.full.messages} messages, ${(full.bytes / 1e6).toFixed(1)} MB in ${child.full.ms.toFixed(0)} ms, items in ${child.full.itemsMs.toFixed(0)} ms, snapshot ${(child.full.snapshotBytes / 1e6).toFixed(1)} MB`,
    );
  }
  const s = (values: number[]) => summarize(values);
  const last = runs[runs.length - 1];
  const firstOpen = last.open[0];
  return {
    sessions: last.child.sessions,
    sessionRowBytes: seeded.rowBytes,
    historyMessages: options.messages,
    historyBytes: seeded.historyBytes,
    listMs: { first: s(runs.map((r) => r.child.firstListMs)), again: s(runs.flatMap((r) => r.child.list.map((l) => l.ms))) },
    listPages: last.pages.length,
    listLimit: Number(last.pages[0]?.params.limit),
    listBytes: last.pages.reduce((n, e) => n + e.bytes, 0),
    openMs: s(runs.flatMap((r) => r.child.switches.map((x) => x.ms))),
    openHeapOverMainMB: s(runs.map((r) => r.child.memory.openHeapMB - r.child.memory.mainHeapMB)),
    openHeapMB: s(runs.map((r) => r.child.memory.openHeapMB)),
    transcriptItems: last.child.memory.transcriptItems,
    // Of which the gateway: from its receiving chat.history to its answer written.
    openGatewayMs: s(runs.flatMap((r) => r.open.map((e) => e.sentAt - e.receivedAt))),
    openFetched: { limit: Number(firstOpen?.params.limit), messages: last.child.switches[0].items, bytes: firstOpen?.bytes ?? 0 },
    openSnapshot: {
      bytes: last.child.switches[0].snapshotBytes,
      items: last.child.switches[0].items,
      serializeMs: s(runs.flatMap((r) => r.child.switches.map((x) => x.serializeMs))),
      notice: last.child.switches[0].notice,
    },
    full: {
      messages: last.child.full.messages,
      bytes: last.full.bytes,
      fetchMs: s(runs.map((r) => r.child.full.ms)),
      itemsMs: s(runs.map((r) => r.child.full.itemsMs)),
      items: last.child.full.items,
      snapshotBytes: last.child.full.snapshotBytes,
      serializeMs: s(runs.map((r) => r.child.full.serializeMs)),
    },
  };
}

// ---- all of it -----------------------------------------------------------------------------

export async function bigBench(options: BigOptions): Promise<BigResult> {
  const result: BigResult = {};
  if (options.parts.includes('reply')) result.reply = await replyBench(options);
  if (options.parts.includes('history')) result.history = await historyBench({ runs: options.runs, messages: options.messages, log: options.log });
  if (!options.parts.includes('host') && !options.parts.includes('vscode')) return result;
  const gateway = new FakeGateway({ ticks: false });
  const seeded = seedGateway(gateway, options.sessions, options.messages);
  const traffic = meter(gateway);
  await gateway.start();
  options.log(
    `gateway ${gateway.url}: ${gateway.sessions.size} sessions (${seeded.rowBytes.toFixed(0)} characters of JSON per row), ${options.messages} messages in ${BIG_SESSION} (${(seeded.historyBytes / 1e6).toFixed(1)} MB)`,
  );
  try {
    if (options.parts.includes('host')) result.host = await hostBench(options, gateway, traffic, seeded);
    if (options.parts.includes('vscode')) {
      try {
        result.vscode = await vscodeBench(options, gateway, traffic);
      } catch (error) {
        options.log(`big vscode failed: ${(error as Error).stack ?? error}`);
        throw error;
      }
    }
  } finally {
    await gateway.stop();
  }
  return result;
}

// Only so that the in-page functions type-check here (the project's tsconfig has no DOM library).
declare const window: any;
declare const document: any;
declare function requestAnimationFrame(callback: (ts: number) => void): number;
declare class MessageChannel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: unknown): void };
}
