/**
 * 6. Big and many (issue 5): a 5 MB reply, a session of 10,000 messages, 2,000 sessions.
 *
 *  - reply: bench/render.ts's stream (a fresh webview page in Chromium, `append`s of 20-60
 *    characters, `perFrame` per animation frame, then the final upsert) with a 5 MB reply; while it
 *    streams, a key is typed into the composer every ~300 ms through CDP (Input.dispatchKeyEvent) and
 *    timed from the dispatch to the textarea's `input` event and to the next frame after it. Then
 *    the DOM node count and the JS heap after a forced GC.
 *  - host: a fake gateway (test/support/fake-gateway.ts) holding 2,000 sessions (recorded
 *    `sessions.list` rows, ~2.3 KB each) and a session of 10,000 history messages (bench/history.ts's
 *    rows with the gateway's metadata). In a process of its own (children/big-host.ts): the real
 *    GatewayClient, ChatController and chat feed list the sessions and open the long session; the
 *    gateway meters what each request sent back.
 *  - history: bench/history.ts with 10,000 messages: what the webview would pay if the whole
 *    history were shown (the host only sends the latest 200).
 *  - vscode: the extension (production build, staged like bench/startup.ts does) in code-server
 *    against the same gateway; one fresh workbench per run: opening the Sessions view until its
 *    rows are there, a `sessions.changed` until the tree shows the change, "OpenClaw: Switch
 *    Session…" from the Command Palette until the quick pick shows its rows, and each keystroke of
 *    a filter until the filtered list is painted.
 * Wall-clock timestamps (performance.timeOrigin + now) line up the bench, the page and the host
 * process; the page's offset from the bench's clock is measured each run and taken out. (The global
 * `performance`, not node:perf_hooks': esbuild would rename an import inside the in-page functions.)
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { FakeGateway, type Conn } from '../test/support/fake-gateway';
import { freshRunDir, openWorkbench, startCodeServer, type CodeServer } from '../test/extension/code-server';
import { historyBench, type HistoryResult } from './history';
import { describeRun, replyStream, streamReply, summarizeRuns, type RenderSizeResult, type RunFigures } from './render';
import { BIG_SESSION, seedGateway } from './lib/big-data';
import { OUT, ROOT } from './lib/paths';
import { runChild } from './lib/proc';
import { summarize, type Summary } from './lib/stats';
import { buildWebview, launchChromium, metrics, openWebview, PageServer } from './lib/webview-page';
import { productionBundles, settle, stage } from './startup';

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
  openGatewayMs: Summary;
  openFetched: { limit: number; messages: number; bytes: number };
  openSnapshot: { bytes: number; items: number; serializeMs: Summary; notice?: string };
  full: { messages: number; bytes: number; fetchMs: Summary; itemsMs: Summary; items: number; snapshotBytes: number; serializeMs: Summary };
}

export interface VscodeResult {
  sessions: number;
  connectedMs: Summary;
  treeOpen: { ms: Summary; rows: number; setsize: number };
  treeRefresh: { ms: Summary; fromRequestMs: Summary; listMs: Summary };
  quickPick: { ms: Summary; listMs: Summary; setsize: number };
  filter: { text: string; keyMedianMs: Summary; keyMaxMs: Summary; matches: number };
  error?: string;
}

export interface BigResult {
  reply?: ReplyResult;
  host?: HostResult;
  history?: HistoryResult;
  vscode?: VscodeResult;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => summarize(values).median;

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

/** The page's clock minus the bench's, from the round trip with the smallest delay. */
async function clockOffset(page: Pick<Page, 'evaluate'>): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 7; i++) {
    const a = now();
    const p = await page.evaluate(() => performance.timeOrigin + performance.now());
    const b = now();
    if (b - a < best.rtt) best = { rtt: b - a, offset: p - (a + b) / 2 };
  }
  return best.offset;
}

async function replyBench(options: BigOptions): Promise<ReplyResult> {
  const bundle = await buildWebview();
  const server = await new PageServer(bundle).start();
  const browser = await launchChromium();
  const stream = replyStream(options.replyBytes);
  const runs: Array<RunFigures & { keys: number; lost: number; toInput: number[]; toPaint: number[]; nodes: number; heapMB: number }> = [];
  try {
    for (let r = 0; r < options.runs; r++) {
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
        runs.push(run);
        options.log(
          `${describeRun(`big reply ${stream.bytes / 1e6} MB, run ${r + 1}/${options.runs}`, figures)}; ${sent.length} keys typed: to input median ${median(toInput).toFixed(1)} ms ` +
            `max ${Math.max(...toInput).toFixed(1)} ms, to paint median ${median(toPaint).toFixed(1)} ms max ${Math.max(...toPaint).toFixed(1)} ms; ${run.nodes} nodes, heap ${run.heapMB.toFixed(1)} MB`,
        );
      } finally {
        await view.close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const s = (pick: (run: (typeof runs)[number]) => number) => summarize(runs.map(pick));
  return {
    render: summarizeRuns(stream.bytes, stream.pieces.length, runs),
    keys: s((r) => r.keys),
    keyToInputMs: { median: s((r) => median(r.toInput)), max: s((r) => Math.max(...r.toInput)) },
    keyToPaintMs: { median: s((r) => median(r.toPaint)), max: s((r) => Math.max(...r.toPaint)) },
    keysLost: runs.reduce((n, r) => n + r.lost, 0),
    nodes: s((r) => r.nodes),
    heapMB: s((r) => r.heapMB),
  };
}

// ---- the gateway ---------------------------------------------------------------------------

interface Exchange {
  conn: number;
  method: string;
  params: Record<string, unknown>;
  receivedAt: number;
  sentAt: number;
  bytes: number;
}

/** Records every request a fake gateway gets, with when and how many characters its answer took. */
function meter(gateway: FakeGateway): Exchange[] {
  const log: Exchange[] = [];
  const open = new Map<string, Exchange>();
  const wrapped = new WeakSet<Conn>();
  gateway.handlers.unshift((conn, frame) => {
    if (!wrapped.has(conn)) {
      wrapped.add(conn);
      const ws = conn.ws as unknown as { send(data: unknown, ...rest: unknown[]): void };
      const send = ws.send.bind(ws);
      ws.send = (data: unknown, ...rest: unknown[]) => {
        if (typeof data === 'string' && data.startsWith('{"type":"res"')) {
          const id = /^\{"type":"res","id":("(?:[^"\\]|\\.)*"|[\d.]+)/.exec(data)?.[1];
          const exchange = id ? open.get(`${conn.id}:${id}`) : undefined;
          if (exchange) {
            exchange.bytes += data.length;
            exchange.sentAt = now();
          }
        }
        return send(data, ...rest);
      };
    }
    if (frame.type === 'req') {
      const exchange = { conn: conn.id, method: String(frame.method), params: (frame.params ?? {}) as Record<string, unknown>, receivedAt: now(), sentAt: 0, bytes: 0 };
      open.set(`${conn.id}:${JSON.stringify(frame.id)}`, exchange);
      log.push(exchange);
    }
    // The fake keeps every frame it was sent; drop the old ones.
    if (gateway.received.length > 1000) gateway.received.splice(0, 500);
    return false;
  });
  return log;
}

// ---- 2a. the host --------------------------------------------------------------------------

interface HostChild {
  connectedAt: number;
  firstListAt: number;
  firstListMs: number;
  sessions: number;
  list: Array<{ ms: number; rows: number; startAt: number; endAt: number }>;
  switches: Array<{ ms: number; startAt: number; endAt: number; snapshotBytes: number; serializeMs: number; items: number; notice?: string }>;
  full: { messages: number; totalMessages: number; startAt: number; endAt: number; ms: number; itemsMs: number; items: number; snapshotBytes: number; serializeMs: number };
}

async function hostBench(options: BigOptions, gateway: FakeGateway, traffic: Exchange[], seeded: { rowBytes: number; historyBytes: number }): Promise<HostResult> {
  const runs: Array<{ child: HostChild; pages: Exchange[]; open: Exchange[]; full: Exchange }> = [];
  for (let r = 0; r < options.runs; r++) {
    const from = traffic.length;
    const child = await runChild<HostChild>('big-host', [gateway.url, BIG_SESSION, '3'], 300_000);
    const mine = traffic.slice(from);
    const conn = mine.find((e) => e.method === 'connect')?.conn;
    const ofConn = mine.filter((e) => e.conn === conn);
    // The first list is the controller's own, right after connecting.
    const firstListPages = ofConn.filter((e) => e.method === 'sessions.list' && e.receivedAt <= child.firstListAt);
    const open = ofConn.filter((e) => e.method === 'chat.history' && e.params.sessionKey === BIG_SESSION && e.params.limit !== 1 && e.params.limit !== child.full.totalMessages);
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
    // Of which the gateway: from its receiving chat.history to its answer written.
    openGatewayMs: s(runs.flatMap((r) => r.open.map((e) => e.sentAt - e.receivedAt))),
    openFetched: { limit: Number(firstOpen?.params.limit), messages: last.child.switches[0].items, bytes: firstOpen?.bytes ?? 0 },
    openSnapshot: { bytes: last.child.switches[0].snapshotBytes, items: last.child.switches[0].items, serializeMs: s(runs.flatMap((r) => r.child.switches.map((x) => x.serializeMs))), notice: last.child.switches[0].notice },
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

// ---- 3. VS Code ----------------------------------------------------------------------------

interface UiSeen {
  timedOut: boolean;
  at: number;
  paintedAt: number;
  rows: number;
  setsize: number;
  first: string;
}

/**
 * Runs in the workbench: resolves when the Sessions tree (`tree`) or the quick pick (`quick`, with
 * `title`) shows a row whose text holds `text` and `minSetsize` rows in all, with the time it was
 * seen and the time the next frame was done.
 */
interface UiWanted {
  kind: 'tree' | 'quick';
  text?: string;
  title?: string;
  minSetsize?: number;
  timeoutMs: number;
}

function waitForUi(args: UiWanted): Promise<UiSeen> {
  const at = () => performance.timeOrigin + performance.now();
  const rowsNow = (): any[] => {
    if (args.kind === 'tree') {
      const pane = [...document.querySelectorAll('.pane')].find((p: any) => p.querySelector('.pane-header .title')?.textContent?.trim() === 'Sessions');
      return pane ? [...pane.querySelectorAll('.pane-body .monaco-list-row')] : [];
    }
    const widget = document.querySelector('.quick-input-widget');
    if (!widget || widget.style.display === 'none') return [];
    if (args.title && widget.querySelector('.quick-input-title')?.textContent?.trim() !== args.title) return [];
    return [...widget.querySelectorAll('.quick-input-list .monaco-list-row')];
  };
  const state = () => {
    const rows = rowsNow();
    const setsize = Math.max(0, ...rows.map((r) => Number(r.getAttribute('aria-setsize') ?? 0)));
    const texts = rows.map((r) => r.textContent ?? '');
    const ok = rows.length > 0 && (!args.text || texts.some((t: string) => t.includes(args.text!))) && (!args.minSetsize || setsize >= args.minSetsize);
    return { ok, rows: rows.length, setsize, first: texts.find((t: string) => t.trim()) ?? '' };
  };
  return new Promise((resolve) => {
    let finished = false;
    const finish = (timedOut: boolean) => {
      if (finished) return;
      finished = true;
      observer.disconnect();
      clearTimeout(timer);
      const seenAt = at();
      const s = state();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ timedOut, at: seenAt, paintedAt: at(), rows: s.rows, setsize: s.setsize, first: s.first });
        channel.port2.postMessage(0);
      });
    };
    const observer = new MutationObserver(() => state().ok && finish(false));
    observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-setsize', 'style', 'class'] });
    const timer = setTimeout(() => finish(true), args.timeoutMs);
    if (state().ok) finish(false);
  });
}

/** Runs in the workbench: times every `input` of the quick input box (the event, the task after it, the next frame). */
function installFilterProbe(): void {
  const at = () => performance.timeOrigin + performance.now();
  const probe: any[] = (window.__filterProbe = []);
  const input = document.querySelector('.quick-input-widget .quick-input-box input');
  input.addEventListener('input', () => {
    const rec = { inputAt: at(), handledAt: 0, paintedAt: 0, setsize: 0, rows: 0 };
    probe.push(rec);
    const after = new MessageChannel();
    after.port1.onmessage = () => (rec.handledAt = at());
    after.port2.postMessage(0);
    requestAnimationFrame(() => {
      const painted = new MessageChannel();
      painted.port1.onmessage = () => {
        rec.paintedAt = at();
        const rows = [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')];
        rec.rows = rows.length;
        rec.setsize = Math.max(0, ...rows.map((r: any) => Number(r.getAttribute('aria-setsize') ?? 0)));
      };
      painted.port2.postMessage(0);
    });
  });
}

interface VscodeRun {
  connectedMs: number;
  treeOpenMs: number;
  treeRows: number;
  treeSetsize: number;
  refreshMs: number;
  refreshFromRequestMs: number;
  refreshListMs: number;
  quickMs: number;
  quickListMs: number;
  quickSetsize: number;
  keyMs: number[];
  filterMatches: number;
}

const FILTER = 'debug pairing';

async function vscodeRun(server: CodeServer, extension: string, gateway: FakeGateway, traffic: Exchange[], run: number, options: BigOptions): Promise<VscodeRun> {
  await settle(server);
  // A workspace of its own: the workbench remembers the open view container per workspace.
  const workspace = path.join(OUT, 'big', `workspace-${run}-${Date.now().toString(36)}`);
  mkdirSync(workspace, { recursive: true });
  const wb = await openWorkbench(server, { extensionDevelopmentPath: extension, workspace });
  try {
    const { page } = wb;
    const connected = page.locator('.part.statusbar .statusbar-item').filter({ hasText: 'OpenClaw' }).filter({ has: page.locator('.codicon-comment-discussion') });
    await connected.waitFor({ timeout: 120_000 });
    const offset = await clockOffset(page);
    const navStart = (await page.evaluate(() => performance.timeOrigin)) - offset;
    const connectedMs = now() - navStart;
    // The controller lists the sessions once connected: wait for its last page to be answered.
    const settled = async () => {
      for (let quiet = 0; quiet < 5; ) {
        const last = traffic[traffic.length - 1];
        quiet = last && (last.sentAt || last.receivedAt) < now() - 300 ? quiet + 1 : 0;
        await sleep(100);
      }
    };
    await settled();

    // Open the Sessions view: the OpenClaw entry of the activity bar.
    const tab = page.locator('.part.activitybar').getByRole('tab', { name: /^OpenClaw/ });
    if ((await tab.getAttribute('aria-selected')) === 'true') {
      await page.locator('.part.activitybar').getByRole('tab', { name: /^Explorer/ }).click();
      await sleep(500);
    }
    const treeShown = page.evaluate(waitForUi, <UiWanted>{ kind: 'tree', minSetsize: options.sessions, timeoutMs: 60_000 });
    const t0 = now();
    await tab.click();
    const tree = await treeShown;
    if (tree.timedOut) throw new Error(`the Sessions view showed ${tree.rows} rows (set size ${tree.setsize}), not ${options.sessions}`);
    const treeOpenMs = tree.paintedAt - offset - t0;
    await sleep(1000);

    // A session changes on the gateway: sessions.changed, the controller lists again (after its
    // 250 ms debounce), the tree shows the change at the top.
    const marker = `Renamed in run ${run}`;
    const target = [...gateway.sessions.values()].find((s) => s.key !== BIG_SESSION && !s.isMain)!;
    target.derivedTitle = marker;
    target.updatedAt = Date.now();
    const refreshed = page.evaluate(waitForUi, <UiWanted>{ kind: 'tree', text: marker, timeoutMs: 60_000 });
    const from = traffic.length;
    const t1 = now();
    for (const conn of gateway.conns) if (conn.authed) conn.event('sessions.changed', { key: target.key, reason: 'patch' });
    const refresh = await refreshed;
    if (refresh.timedOut) throw new Error(`the Sessions view did not show "${marker}"`);
    const pages = traffic.slice(from).filter((e) => e.method === 'sessions.list');
    const refreshMs = refresh.paintedAt - offset - t1;
    const refreshFromRequestMs = refresh.paintedAt - offset - pages[0].receivedAt;
    const refreshListMs = pages[pages.length - 1].sentAt - pages[0].receivedAt;
    await sleep(1000);

    // "OpenClaw: Switch Session…" from the Command Palette.
    await page.keyboard.press('F1');
    const quickInput = page.locator('.quick-input-widget .quick-input-box input');
    await quickInput.waitFor({ state: 'visible', timeout: 30_000 });
    await quickInput.fill('>OpenClaw: Switch Session');
    await page.getByRole('option', { name: /^OpenClaw: Switch Session/ }).first().waitFor({ timeout: 30_000 });
    await sleep(300);
    const picked = page.evaluate(waitForUi, <UiWanted>{ kind: 'quick', title: 'OpenClaw: Switch Session', minSetsize: options.sessions, timeoutMs: 60_000 });
    const from2 = traffic.length;
    const t2 = now();
    await page.keyboard.press('Enter');
    const quick = await picked;
    if (quick.timedOut) throw new Error(`the quick pick showed ${quick.rows} rows (set size ${quick.setsize})`);
    const quickPages = traffic.slice(from2).filter((e) => e.method === 'sessions.list');
    const quickMs = quick.paintedAt - offset - t2;
    const quickListMs = quickPages.length ? quickPages[quickPages.length - 1].sentAt - quickPages[0].receivedAt : NaN;
    await sleep(500);

    // Typing a filter, one key at a time, each timed to the frame after the list is filtered.
    await page.evaluate(installFilterProbe);
    const keyMs: number[] = [];
    let matches = 0;
    for (let i = 0; i < FILTER.length; i++) {
      const t = now();
      await page.keyboard.type(FILTER[i]);
      let rec: { paintedAt: number; setsize: number } | undefined;
      for (let wait = 0; wait < 200 && !rec?.paintedAt; wait++) {
        rec = (await page.evaluate((n) => window.__filterProbe[n], i)) as typeof rec;
        if (!rec?.paintedAt) await sleep(10);
      }
      if (!rec?.paintedAt) throw new Error(`no frame after key ${i + 1} of the filter`);
      keyMs.push(rec.paintedAt - offset - t);
      matches = rec.setsize;
      await sleep(150);
    }
    await page.keyboard.press('Escape');
    return {
      connectedMs,
      treeOpenMs,
      treeRows: tree.rows,
      treeSetsize: tree.setsize,
      refreshMs,
      refreshFromRequestMs,
      refreshListMs,
      quickMs,
      quickListMs,
      quickSetsize: quick.setsize,
      keyMs,
      filterMatches: matches,
    };
  } finally {
    await wb.close();
  }
}

async function vscodeBench(options: BigOptions, gateway: FakeGateway, traffic: Exchange[]): Promise<VscodeResult> {
  const dir = path.join(OUT, 'big');
  mkdirSync(dir, { recursive: true });
  const bundles = await productionBundles();
  const extension = stage(
    'big-openclaw',
    (target) => {
      for (const [file, contents] of Object.entries(bundles)) {
        mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
        writeFileSync(path.join(target, file), contents);
      }
      for (const name of ['package.json', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE']) if (existsSync(path.join(ROOT, name))) cpSync(path.join(ROOT, name), path.join(target, name), { recursive: true });
    },
    './dist/extension.js',
  );
  const server = await startCodeServer({ runDir: freshRunDir(path.join(dir, 'code-server')), settings: { 'openclaw.gatewayUrl': gateway.url } });
  const runs: VscodeRun[] = [];
  try {
    for (let r = 0; r < options.runs; r++) {
      const run = await vscodeRun(server, extension, gateway, traffic, r + 1, options);
      runs.push(run);
      options.log(
        `big vscode run ${r + 1}/${options.runs}: connected ${run.connectedMs.toFixed(0)} ms after navigation; Sessions view opened with ${run.treeSetsize} rows in ${run.treeOpenMs.toFixed(0)} ms; ` +
          `sessions.changed -> tree ${run.refreshMs.toFixed(0)} ms (${run.refreshFromRequestMs.toFixed(0)} ms from the first sessions.list, list ${run.refreshListMs.toFixed(0)} ms); ` +
          `Switch Session -> quick pick with ${run.quickSetsize} rows ${run.quickMs.toFixed(0)} ms (list ${run.quickListMs.toFixed(0)} ms); ` +
          `filter keys ${run.keyMs.map((k) => k.toFixed(0)).join(' ')} ms -> ${run.filterMatches} rows`,
      );
    }
  } finally {
    await server.stop();
  }
  const s = (pick: (run: VscodeRun) => number) => summarize(runs.map(pick));
  const last = runs[runs.length - 1];
  return {
    sessions: options.sessions,
    connectedMs: s((r) => r.connectedMs),
    treeOpen: { ms: s((r) => r.treeOpenMs), rows: last.treeRows, setsize: last.treeSetsize },
    treeRefresh: { ms: s((r) => r.refreshMs), fromRequestMs: s((r) => r.refreshFromRequestMs), listMs: s((r) => r.refreshListMs) },
    quickPick: { ms: s((r) => r.quickMs), listMs: s((r) => r.quickListMs), setsize: last.quickSetsize },
    filter: { text: FILTER, keyMedianMs: s((r) => median(r.keyMs)), keyMaxMs: s((r) => Math.max(...r.keyMs)), matches: last.filterMatches },
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
  options.log(`gateway ${gateway.url}: ${gateway.sessions.size} sessions (${seeded.rowBytes.toFixed(0)} characters of JSON per row), ${options.messages} messages in ${BIG_SESSION} (${(seeded.historyBytes / 1e6).toFixed(1)} MB)`);
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
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, unknown>): void;
  disconnect(): void;
}
