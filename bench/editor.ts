/**
 * 7. The composer and sessions (issues 12 and 13), three figures, each beside a floor taken in the
 * same run:
 *
 * - `@` mention, keystroke -> list: the chat webview in Chromium types `@needle-…` one key at a
 *   time; each `searchMentions` request the page posts is answered by the host's own handler
 *   (composerHandlers with MentionSearch, over a workspace of 20,000 paths), carried from the page
 *   to Node and back through a Playwright binding (a round trip like VS Code's postMessage to the
 *   extension host). Timed in the page from the `keydown` event to the end of the frame that
 *   shows the answer. Floor: the same keys, the same path, a workspace of one file (the one found).
 * - sessions search, keystroke -> answer: a GatewayClient against the real openclaw gateway whose
 *   store is seeded (tools/gateway/seed-store.ts) with 2,000 sessions of 10 distinct messages
 *   (20,000 messages), `sessions.search` for each prefix of a query, as the quick pick asks after
 *   its 120 ms debounce. Floor: the round trip of `health` on the same connection, beside each search.
 * - paging up through 10,000 messages: the webview opens with the latest 200 and `earlier: 9800`;
 *   the log is scrolled to 3,000 px from its top (a drag of the scroll bar), then the mouse wheel is
 *   turned up 600 px a frame until the page asks `loadEarlier`, the host's answer (a `prepend`
 *   of the next 200 items from itemsFromHistory, and the reply) is posted, until the start. Every
 *   frame is measured: its work (from the first requestAnimationFrame callback of the frame to a
 *   MessageChannel ping that runs once its style, layout and paint are done), and every task that
 *   handles a host message. Floor: the same page and the same scrolling with nothing left to load.
 */
import { type ChatController } from '../src/extension/chat-controller';
import { composerHandlers } from '../src/extension/composer/composer-requests';
import { Staging } from '../src/extension/composer/staging';
import { itemsFromHistory } from '../src/extension/transcript';
import { GatewayClient } from '../src/gateway/gateway-client';
import { MemoryCredentialStore } from '../src/gateway/credential-store';
import type { HistoryMessage } from '../src/protocol/gateway';
import { startSeededGateway, type SeedMessage, type SeedSession } from '../tools/gateway/seed-store';
import { sleep } from '../tools/wait';
import { gatewayHistory } from './lib/big-data';
import { now } from './lib/clock';
import { ROOT } from './lib/paths';
import { percentiles, summarize, type Summary } from './lib/stats';
import { buildWebview, launchChromium, openWebview, PageServer, type OpenPage } from './lib/webview-page';
import { workspacePaths } from './lib/workspace-paths';

/** The three parts, each runnable alone (`--parts paging`). */
export type EditorPart = 'mention' | 'search' | 'paging';
export const EDITOR_PARTS: readonly EditorPart[] = ['mention', 'search', 'paging'];

export interface EditorOptions {
  runs: number;
  parts: readonly EditorPart[];
  /** Another commit's webview (scripts/bench.mjs --baseline): the paging part runs it too, side by side. */
  baseline?: { root: string; label: string };
  log(line: string): void;
}

/** One webview's paging figures, one entry per run. */
export interface PagingFigures {
  longestFrameMs: Summary;
  p99FrameMs: Summary;
  medianFrameMs: Summary;
  framesOver16: Summary;
  frames: Summary;
  longestTaskMs: Summary;
}

export interface EditorResult {
  mention?: { files: number; keys: string; keyMs: Summary; keyMaxMs: Summary; floorKeyMs: Summary; floorKeyMaxMs: Summary; searchMs: Summary; ratio: Summary };
  search?: {
    sessions: number;
    messages: number;
    answerMs: Summary;
    query: string;
    answerMaxMs: Summary;
    /** Hits per answer (the gateway gives at most 25), median of a run. */
    hits: Summary;
    /** The round trip of `health` on the same connection. */
    floorMs: Summary;
    ratio: Summary;
    debounceMs: number;
  };
  paging?: {
    messages: number;
    pages: number;
    now: PagingFigures;
    baseline?: PagingFigures & { label: string };
    floor: PagingFigures;
  };
}

const CONNECTED = { kind: 'connected', title: 'Connected to OpenClaw 2026.9.6', actions: [] };
const CONTROLS = { model: 'm/echo', models: [{ id: 'm/echo', label: 'Echo', images: false }], thinking: 'off', thinkingLevels: ['off'], busyMode: 'steer' };
const SNAPSHOT = {
  type: 'snapshot',
  session: { key: 'agent:main:main', title: 'Main session' },
  busy: false,
  connection: CONNECTED,
  loading: false,
  controls: CONTROLS,
};
/** The quick pick's debounce (SEARCH_DEBOUNCE_MS in src/extension/vscode/session-commands.ts, which imports vscode). */
const SEARCH_DEBOUNCE_MS = 120;

/** Runs in the page: posts host messages with the next seq, and times host-message tasks and frames. */
function installHost(): void {
  const w = window;
  w.__seq = 0;
  w.__host = (message: any) => window.postMessage({ ...message, seq: ++w.__seq }, '*');
  // Registered after the app's listener: it runs when the app is done with the message.
  // At the target (window), capturing listeners run before the app's own (non-capturing) one, and
  // a non-capturing listener added after the app's runs after it: the two bracket its work.
  w.__tasks = [];
  window.addEventListener('message', () => (w.__taskStart = performance.now()), true);
  window.addEventListener('message', () => w.__tasks.push(performance.now() - w.__taskStart));
}

/** Runs in the page: measures every frame until `__stopFrames` is set (see the header). */
function startFrames(): void {
  const w = window;
  w.__frames = [];
  w.__stopFrames = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = (event: MessageEvent<number>) => w.__frames.push(performance.now() - event.data);
  const frame = () => {
    if (w.__stopFrames) return;
    // Registered in the frame before: this callback runs first in its frame.
    requestAnimationFrame(frame);
    channel.port2.postMessage(performance.now());
  };
  requestAnimationFrame(frame);
}

/** The `@` part: per key, keydown -> the frame that shows the list, with the host answering from `files`. */
async function mentionKeys(view: OpenPage, keys: string): Promise<number[]> {
  const { page } = view;
  await page.evaluate(() => {
    const w = window;
    const box = document.querySelector('textarea')!;
    box.value = '';
    box.dispatchEvent(new Event('input'));
    w.__keys = [];
    box.addEventListener('keydown', () => w.__keys.push({ down: performance.now(), painted: 0 }), true);
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<number>) => (w.__keys[event.data].painted = performance.now());
    new MutationObserver(() => {
      const at = w.__keys.length - 1;
      if (at < 0 || w.__keys[at].painted) return;
      requestAnimationFrame(() => channel.port2.postMessage(at));
    }).observe(document.querySelector('.suggest'), { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
    // The page's requests, answered by the host in Node.
    const posted = w.__bench.posted;
    posted.push = (...messages: any[]) => {
      for (const m of messages) {
        if (m.type === 'request' && m.method === 'searchMentions')
          void w.__searchMentions(m.params.query).then((result: unknown) => w.__host({ type: 'reply', id: m.id, ok: true, result }));
      }
      return Array.prototype.push.apply(posted, messages);
    };
    box.focus();
  });
  const timings: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    await page.keyboard.type(keys[i]);
    for (let wait = 0; wait < 400; wait++) {
      const painted = await page.evaluate((n) => window.__keys[n]?.painted ?? 0, i);
      if (painted) break;
      await sleep(5);
    }
    const key = await page.evaluate((n) => window.__keys[n], i);
    if (!key?.painted) {
      const state = await page.evaluate(() => ({
        keys: window.__keys.length,
        value: document.querySelector('textarea').value,
        focused: document.activeElement?.tagName,
        listHidden: document.querySelector('.suggest').hidden,
        error: document.querySelector('[role="alert"]')?.textContent,
      }));
      throw new Error(`no list painted after key ${i + 1} (${keys[i]}): ${JSON.stringify(state)}`);
    }
    timings.push(key.painted - key.down);
    await sleep(120);
  }
  return timings;
}

export async function editorBench(options: EditorOptions): Promise<EditorResult> {
  const result: EditorResult = {};
  const browser = options.parts.some((p) => p !== 'search') ? await launchChromium() : undefined;
  try {
    if (browser && options.parts.includes('mention')) result.mention = await mentionBench(browser, options);
    if (browser && options.parts.includes('paging')) result.paging = await pagingBench(browser, options);
  } finally {
    await browser?.close();
  }
  if (options.parts.includes('search')) result.search = await searchBench(options);
  return result;
}

type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** The `@` part: the 20,000 files and the floor, on one page each, alternating which goes first. */
async function mentionBench(browser: Browser, options: EditorOptions): Promise<EditorResult['mention']> {
  const server = await new PageServer(await buildWebview(ROOT)).start();
  const files = workspacePaths(20_000);
  const needle = files.find((p) => p.includes('needle-'))!;
  const keys = `@${needle.split('/').pop()!.slice(0, 10)}`;
  const mention = {
    key: [] as number[],
    keyMax: [] as number[],
    floorKey: [] as number[],
    floorKeyMax: [] as number[],
    search: [] as number[],
    ratio: [] as number[],
  };
  try {
    for (let run = 0; run < options.runs; run++) {
      const byFiles = new Map<number, number[]>();
      for (const list of run % 2 ? [[needle], files] : [files, [needle]]) {
        const view = await openWebview(browser, server);
        try {
          await view.page.evaluate(installHost);
          const search = composerHandlers({} as ChatController, { workspaceFiles: () => Promise.resolve(list) } as never, new Staging());
          await view.page.exposeFunction('__searchMentions', async (query: string) => {
            const t = performance.now();
            const result = await search.searchMentions({ query });
            if (list.length) mention.search.push(performance.now() - t);
            return result;
          });
          await view.page.evaluate((m) => window.__host(m), { ...SNAPSHOT, items: [] });
          byFiles.set(list.length, await mentionKeys(view, keys));
        } finally {
          await view.close();
        }
      }
      const full = byFiles.get(files.length)!;
      const floor = byFiles.get(1)!;
      const med = (xs: number[]) => summarize(xs).median;
      mention.key.push(med(full));
      mention.keyMax.push(Math.max(...full));
      mention.floorKey.push(med(floor));
      mention.floorKeyMax.push(Math.max(...floor));
      mention.ratio.push(med(full) / med(floor));
      options.log(
        `editor @ run ${run + 1}/${options.runs}: keys ${keys}: 20,000 files ${full.map((k) => k.toFixed(1)).join(' ')} ms; one file ${floor.map((k) => k.toFixed(1)).join(' ')} ms`,
      );
    }
  } finally {
    await server.stop();
  }
  return {
    files: files.length,
    keys,
    keyMs: summarize(mention.key),
    keyMaxMs: summarize(mention.keyMax),
    floorKeyMs: summarize(mention.floorKey),
    floorKeyMaxMs: summarize(mention.floorKeyMax),
    searchMs: summarize(mention.search),
    ratio: summarize(mention.ratio),
  };
}

type PagingRun = Awaited<ReturnType<typeof pagingRun>>;

/**
 * Paging: the 10,000-message session in the working tree's webview, in the baseline's (if any),
 * and the floor (the working tree's page, the same scrolling, nothing to load), in an order that
 * turns with each run so that the machine's load falls on each alike.
 */
async function pagingBench(browser: Browser, options: EditorOptions): Promise<EditorResult['paging']> {
  const server = await new PageServer(await buildWebview(ROOT)).start();
  const baseServer = options.baseline ? await new PageServer(await buildWebview(options.baseline.root)).start() : undefined;
  type Side = 'now' | 'baseline' | 'floor';
  const sides: Side[] = baseServer ? ['now', 'baseline', 'floor'] : ['now', 'floor'];
  const runs: Record<Side, PagingRun[]> = { now: [], baseline: [], floor: [] };
  let pages = 0;
  try {
    for (let run = 0; run < options.runs; run++) {
      const order = sides.map((_, i) => sides[(i + run) % sides.length]);
      for (const side of order) {
        const view = await openWebview(browser, side === 'baseline' ? baseServer! : server);
        try {
          // BENCH_PAGING_TRACE=file.json: a Chromium trace of the first run of the working tree's webview.
          const trace = run === 0 && side === 'now' ? process.env.BENCH_PAGING_TRACE : undefined;
          if (trace) await browser.startTracing(view.page, { path: trace, categories: ['devtools.timeline', 'blink.user_timing'] });
          const r = await pagingRun(view, side !== 'floor').finally(() => (trace ? browser.stopTracing() : undefined));
          if (side !== 'floor') pages = r.pages;
          runs[side].push(r);
          const label = side === 'baseline' ? options.baseline!.label : side;
          options.log(
            `editor paging run ${run + 1}/${options.runs} ${label}${side === 'floor' ? '' : ` (${r.pages} pages)`}: ${r.frames} frames, longest ${r.longest.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, median ${r.median.toFixed(1)} ms, ${r.over16} over 16.7 ms; longest host-message task ${r.longestTask.toFixed(1)} ms`,
          );
        } finally {
          await view.close();
        }
      }
    }
  } finally {
    await server.stop();
    await baseServer?.stop();
  }
  const figures = (rs: PagingRun[]): PagingFigures => ({
    longestFrameMs: summarize(rs.map((r) => r.longest)),
    p99FrameMs: summarize(rs.map((r) => r.p99)),
    medianFrameMs: summarize(rs.map((r) => r.median)),
    framesOver16: summarize(rs.map((r) => r.over16)),
    frames: summarize(rs.map((r) => r.frames)),
    longestTaskMs: summarize(rs.map((r) => r.longestTask)),
  });
  return {
    messages: TOTAL,
    pages,
    now: figures(runs.now),
    baseline: options.baseline ? { ...figures(runs.baseline), label: options.baseline.label } : undefined,
    floor: figures(runs.floor),
  };
}

const TOTAL = 10_000;
const PAGE = 200;
/** One turn of the wheel: a quick flick, 600 px in a frame (a notch is 100 px). */
const WHEEL_PX = 600;
/** The page asks for an older page within this many pixels of the top (NEAR_TOP_PX in webview/earlier.ts). */
const NEAR_TOP_PX = 400;
/** Where the scroll bar is dragged to before the wheel is turned (px from the top). */
const DRAG_TO_PX = 3_000;
/** Turns before giving up on a page being asked for. */
const MAX_TURNS = 400;
let historyRows: HistoryMessage[] | undefined;

async function pagingRun(
  view: OpenPage,
  withPages: boolean,
): Promise<{ pages: number; frames: number; longest: number; p99: number; median: number; over16: number; longestTask: number }> {
  const { page } = view;
  // The gateway's rows; each page goes through the host's own itemsFromHistory, as loadEarlier does.
  const rows = (historyRows ??= gatewayHistory(TOTAL) as unknown as HistoryMessage[]);
  await page.evaluate(installHost);
  let oldest = TOTAL - PAGE;
  const latest = itemsFromHistory(rows.slice(oldest));
  await page.evaluate((m) => window.__host(m), { ...SNAPSHOT, items: latest, earlier: withPages ? oldest : 0 });
  await page.waitForFunction(() => document.querySelector('.log')?.getAttribute('aria-busy') === 'false');
  await sleep(300);
  await page.evaluate(() => (window.__tasks.length = 0));
  await page.evaluate(startFrames);
  let pages = 0;
  // The wheel is turned over the log, as a person scrolls it.
  const box = await page.locator('.log').boundingBox();
  if (!box) throw new Error('the log has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // The floor scrolls up as many times as the real run loads pages, each time from the end.
  // Where in the page's posts to look for its next request (past the last one answered: a page may
  // ask for the next as soon as one is built, before the wheel turns again).
  let asked = 0;
  for (let step = 0; step < TOTAL / PAGE - 1; step++) {
    const shownBefore = await page.evaluate(() => document.querySelectorAll('.log .msg').length);
    // A drag of the scroll bar to near the top, then the wheel up from there, a flick a frame, until
    // the page asks (wheeling through all 200 messages of a page, ~100,000 px, took 13 min a run).
    await page.evaluate((y) => {
      const log = document.querySelector('.log')!;
      log.scrollTop = y;
    }, DRAG_TO_PX);
    let request: { id: number } | undefined;
    for (let turn = 0; turn < MAX_TURNS && !request; turn++) {
      await page.mouse.wheel(0, -WHEEL_PX);
      // One turn a frame; then what the page made of it.
      const seen = await page.evaluate(
        (from) =>
          new Promise<{ top: number; at: number }>((resolve) =>
            requestAnimationFrame(() =>
              resolve({
                top: document.querySelector('.log')!.scrollTop,
                at: window.__bench.posted.findIndex((m: any, i: number) => i >= from && m.type === 'request' && m.method === 'loadEarlier'),
              }),
            ),
          ),
        asked,
      );
      if (seen.at >= 0) {
        request = await page.evaluate((at) => window.__bench.posted[at], seen.at);
        asked = seen.at + 1;
      }
      if (!withPages && seen.top < NEAR_TOP_PX) break;
    }
    if (!withPages) {
      await page.evaluate(() => {
        const log = document.querySelector('.log')!;
        log.scrollTop = log.scrollHeight;
      });
      await sleep(60);
      continue;
    }
    if (!request) {
      const where = await page.evaluate(() => {
        const log = document.querySelector('.log')!;
        return {
          scrollTop: log.scrollTop,
          scrollHeight: log.scrollHeight,
          head: document.querySelector('.log > .earlier')?.textContent,
          busy: log.getAttribute('aria-busy'),
        };
      });
      throw new Error(`the page asked for no older page at ${oldest}: ${JSON.stringify(where)}`);
    }
    const from = Math.max(0, oldest - PAGE);
    const items = itemsFromHistory(rows.slice(from, oldest));
    await page.evaluate(
      ([prepend, reply]) => {
        window.__host(prepend);
        window.__host(reply);
      },
      [
        { type: 'prepend', items, earlier: from },
        { type: 'reply', id: request.id, ok: true, result: { earlier: from } },
      ] as const,
    );
    // Done when the page's items are in and the log is no longer busy building them.
    await page
      .waitForFunction(
        // The cheap check first: this runs every frame, and counting 10,000 messages is not free.
        (count) => document.querySelector('.log')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('.log .msg').length > count,
        shownBefore,
        { timeout: 60_000 },
      )
      .catch(async (error: Error) => {
        const state = await page.evaluate(() => ({
          shown: document.querySelectorAll('.log .msg').length,
          busy: document.querySelector('.log')?.getAttribute('aria-busy'),
          head: document.querySelector('.log > .earlier')?.textContent,
          posted: window.__bench.posted.slice(-3),
        }));
        throw new Error(`page ${pages + 1} (${shownBefore} shown before): ${error.message} ${JSON.stringify(state)}`);
      });
    oldest = from;
    pages += 1;
    if (oldest === 0) break;
  }
  await sleep(300);
  const { frames, tasks } = await page.evaluate(() => {
    const w = window;
    w.__stopFrames = true;
    return { frames: w.__frames as number[], tasks: w.__tasks as number[] };
  });
  if (withPages) {
    // Every message once: as many as the host makes of the whole history.
    const expected = itemsFromHistory(rows).filter((i) => i.kind === 'user' || i.kind === 'assistant').length;
    const count = await page.locator('.log .msg').count();
    if (count !== expected) throw new Error(`${count} messages shown after paging to the start, not ${expected}`);
  }
  const [p99, median] = percentiles(frames, [99, 50]);
  return {
    pages,
    frames: frames.length,
    longest: Math.max(...frames),
    p99,
    median,
    over16: frames.filter((f) => f > 16.7).length,
    longestTask: Math.max(0, ...tasks),
  };
}

/** Topics of the seeded messages: each message names one, with its own numbers, so no two are alike. */
const SEARCH_TOPICS = [
  'the reconnect backoff',
  'session tree paging',
  'the markdown renderer',
  'the status bar',
  'chat history loading',
  'the webview CSP',
  'tool call cards',
  'the settings page',
];
const SEARCH_QUERY = 'pairing handshake';

/**
 * 2,000 sessions of 10 distinct messages. One message in 40 mentions the pairing (500 in all), one
 * in 400 the pairing handshake (50): the query's words find a realistic few among 20,000.
 */
function searchSessions(count: number, perSession: number): SeedSession[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `agent:main:bench-search-${i}`,
    label: `Bench session ${i}`,
    messages: Array.from({ length: perSession }, (_, j): SeedMessage => {
      const n = i * perSession + j;
      const topic = n % 400 === 7 ? 'the device pairing handshake' : n % 40 === 3 ? 'device pairing' : SEARCH_TOPICS[n % SEARCH_TOPICS.length];
      return j % 2
        ? { role: 'assistant', text: `Answer ${n}: ${topic} works as described in note ${(n * 7919) % 100_003}.` }
        : { role: 'user', text: `Question ${n} of session ${i}: how does ${topic} behave in case ${(n * 104_729) % 100_003}?` };
    }),
  }));
}

/**
 * Sessions search: keystroke (after the debounce) -> answer, over 2,000 seeded sessions in the real
 * gateway, and the floor: the same connection's round trip of `health`, the cheapest request.
 */
async function searchBench(options: EditorOptions): Promise<EditorResult['search']> {
  const SESSIONS = 2_000;
  const PER_SESSION = 10;
  const started = now();
  const { gw } = await startSeededGateway(searchSessions(SESSIONS, PER_SESSION));
  options.log(`editor search: real gateway with ${SESSIONS} seeded sessions ready after ${((now() - started) / 1000).toFixed(0)} s`);
  const client = new GatewayClient({
    url: gw.url,
    token: gw.token,
    store: new MemoryCredentialStore(),
    clientVersion: 'bench',
    handshakeTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
  });
  const answer: number[] = [];
  const answerMax: number[] = [];
  const hits: number[] = [];
  const floor: number[] = [];
  const ratio: number[] = [];
  try {
    client.start();
    await client.whenConnected(AbortSignal.timeout(120_000));
    // The gateway indexes seeded transcripts itself after it starts; measured once it has.
    const indexing = now();
    for (let i = 0; ; i++) {
      const page = await client.request<{ results: unknown[]; indexing?: boolean }>('sessions.search', { query: 'pairing', limit: 1 });
      if (!page.indexing && page.results.length) break;
      if (i > 600) throw new Error('the gateway did not finish indexing the seeded sessions in 10 minutes');
      await sleep(1000);
    }
    options.log(`editor search: index built ${((now() - indexing) / 1000).toFixed(0)} s after the first search`);
    // The first request of a kind finds the gateway's code for it cold (2.4 s for `health` once): not measured.
    await client.request('health', {});
    for (let run = 0; run < options.runs; run++) {
      const mine: number[] = [];
      const found: number[] = [];
      const bare: number[] = [];
      for (let k = 1; k <= SEARCH_QUERY.length; k++) {
        const q = SEARCH_QUERY.slice(0, k);
        if (!q.trim()) continue;
        const search = async () => {
          const t = now();
          const result = await client.sessions.search(q);
          mine.push(now() - t);
          found.push(result.length);
        };
        const health = async () => {
          const t = now();
          await client.request('health', {});
          bare.push(now() - t);
        };
        // Alternating which goes first, so that neither always finds the gateway just woken.
        for (const step of run % 2 ? [health, search] : [search, health]) await step();
      }
      const med = (xs: number[]) => summarize(xs).median;
      answer.push(med(mine));
      answerMax.push(Math.max(...mine));
      hits.push(med(found));
      floor.push(med(bare));
      ratio.push(med(mine) / med(bare));
      options.log(
        `editor search run ${run + 1}/${options.runs}: ${SESSIONS} sessions, per key ${mine.map((m) => m.toFixed(1)).join(' ')} ms (hits ${found.join(' ')}); health ${bare.map((m) => m.toFixed(1)).join(' ')} ms`,
      );
    }
  } finally {
    client.close();
    await gw.dispose();
  }
  return {
    sessions: SESSIONS,
    messages: SESSIONS * PER_SESSION,
    query: SEARCH_QUERY,
    answerMs: summarize(answer),
    answerMaxMs: summarize(answerMax),
    hits: summarize(hits),
    floorMs: summarize(floor),
    ratio: summarize(ratio),
    debounceMs: SEARCH_DEBOUNCE_MS,
  };
}

// Only so that the in-page functions type-check here (the project's tsconfig has no DOM library).
declare const window: any;
declare const document: any;
declare const Event: any;
declare function requestAnimationFrame(callback: (ts: number) => void): number;
declare class MessageChannel {
  port1: { onmessage: ((event: MessageEvent<number>) => void) | null };
  port2: { postMessage(message: unknown): void };
}
declare interface MessageEvent<T> {
  data: T;
}
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, unknown>): void;
}
