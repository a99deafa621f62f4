/**
 * 6. Big and many (issue 5), the VS Code part: the extension (production build, staged like
 * bench/startup.ts does) in code-server against bench/big.ts's fake gateway of 2,000 sessions; one
 * fresh workbench per run: opening the Sessions view until its rows are there, a `sessions.changed`
 * until the tree shows the change, "OpenClaw: Switch Session…" from the Command Palette until the
 * quick pick shows its rows, and each keystroke of a filter until the filtered list is painted. Times
 * are wall-clock (bench/lib/clock.ts), with the workbench page's offset from the bench's clock
 * measured each run and taken out; the metered gateway tells how long its own lists took.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { freshRunDir, startCodeServer, type CodeServer } from '../tools/code-server/server';
import { openWorkbench } from '../tools/code-server/workbench';
import type { FakeGateway } from '../tools/fake-gateway';
import { sleep } from '../tools/wait';
import { BIG_SESSION } from './lib/big-data';
import { clockOffset, now } from './lib/clock';
import type { Exchange } from './lib/metered-gateway';
import { OUT } from './lib/paths';
import { median, summarize, type Summary } from './lib/stats';
import { productionBundles, settle, stageOpenClaw } from './startup';

/** What the VS Code part takes of bench/big.ts's options. */
export interface VscodeOptions {
  runs: number;
  sessions: number;
  log(line: string): void;
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
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['aria-setsize', 'style', 'class'],
    });
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

async function vscodeRun(
  server: CodeServer,
  extension: string,
  gateway: FakeGateway,
  traffic: Exchange[],
  run: number,
  options: VscodeOptions,
): Promise<VscodeRun> {
  await settle(server);
  // A workspace of its own: the workbench remembers the open view container per workspace.
  const workspace = path.join(OUT, 'big', `workspace-${run}-${Date.now().toString(36)}`);
  mkdirSync(workspace, { recursive: true });
  const wb = await openWorkbench(server, { extensionDevelopmentPath: extension, workspace });
  try {
    const { page } = wb;
    const connected = page
      .locator('.part.statusbar .statusbar-item')
      .filter({ hasText: 'OpenClaw' })
      .filter({ has: page.locator('.codicon-comment-discussion') });
    await connected.waitFor({ timeout: 120_000 });
    const offset = await clockOffset(page);
    const navStart = (await page.evaluate(() => performance.timeOrigin)) - offset;
    const connectedMs = now() - navStart;
    // The controller lists the sessions once connected: wait for its last page to be answered.
    const settled = async () => {
      for (let quiet = 0; quiet < 5;) {
        const last = traffic[traffic.length - 1];
        quiet = last && (last.sentAt || last.receivedAt) < now() - 300 ? quiet + 1 : 0;
        await sleep(100);
      }
    };
    await settled();

    // Open the Sessions view: the OpenClaw entry of the activity bar.
    const tab = page.locator('.part.activitybar').getByRole('tab', { name: /^OpenClaw/ });
    if ((await tab.getAttribute('aria-selected')) === 'true') {
      await page
        .locator('.part.activitybar')
        .getByRole('tab', { name: /^Explorer/ })
        .click();
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
    await page
      .getByRole('option', { name: /^OpenClaw: Switch Session/ })
      .first()
      .waitFor({ timeout: 30_000 });
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

export async function vscodeBench(options: VscodeOptions, gateway: FakeGateway, traffic: Exchange[]): Promise<VscodeResult> {
  const dir = path.join(OUT, 'big');
  mkdirSync(dir, { recursive: true });
  const bundles = await productionBundles();
  const extension = stageOpenClaw('big-openclaw', bundles);
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
