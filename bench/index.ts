/**
 * `npm run bench` / `node scripts/bench.mjs [client] [host] [render] [history] [startup] [big] [editor] [--runs N]
 * [--quick] [--no-vsix] [--baseline <commit>] [--parts reply,host,history,vscode,mention,search,paging]` (scripts/bench.mjs
 * explains each).
 * Runs the chosen benches (all by default), prints a table of figures (median of the runs, with
 * min–max), and writes everything to .test-artifacts/bench/results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIG_PARTS, bigBench, type BigPart, type BigResult } from './big';
import { clientBench, type ClientBenchResult } from './client';
import { EDITOR_PARTS, editorBench, type EditorPart, type EditorResult, type PagingFigures } from './editor';
import { hostBench, type HostStreamResult } from './host';
import { historyBench, type HistoryFigures, type HistoryResult } from './history';
import { renderBench, type RenderResult, type RenderSizeResult } from './render';
import { startupBench, type StartupResult } from './startup';
import { killDescendants } from '../tools/process-tree';
import { machine } from './lib/machine';
import { BASELINE_WEBVIEW, OUT } from './lib/paths';
import { fmt } from './lib/stats';

const ALL = ['client', 'host', 'render', 'history', 'startup', 'big', 'editor'] as const;
type Bench = (typeof ALL)[number];

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const WITH_VALUE = ['--runs', '--baseline', '--baseline-files', '--parts'];
const chosen = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && WITH_VALUE.includes(args[i - 1]))) as Bench[];
const baseline = process.env.OPENCLAW_BENCH_BASELINE;
/** The webview benches' baseline: that commit's webview/ and media/, extracted by scripts/bench.mjs. */
const webviewBaseline = baseline && BASELINE_WEBVIEW ? { root: BASELINE_WEBVIEW, label: baseline } : undefined;
const benches: readonly Bench[] = chosen.length ? chosen : ALL;
const quick = flag('quick');
const runs = Number(option('runs') ?? (quick ? 3 : 5));
for (const name of chosen) {
  if (ALL.includes(name)) continue;
  process.stderr.write(`unknown bench ${JSON.stringify(name)}: choose from ${ALL.join(', ')}\n`);
  process.exit(2);
}
// --parts names parts of big and of editor; each takes its own, and all of them when none is named.
const partsAsked = option('parts')?.split(',').filter(Boolean) ?? [];
for (const part of partsAsked) {
  if ((BIG_PARTS as readonly string[]).includes(part) || (EDITOR_PARTS as readonly string[]).includes(part)) continue;
  process.stderr.write(`unknown part ${JSON.stringify(part)}: choose from ${[...BIG_PARTS, ...EDITOR_PARTS].join(', ')}\n`);
  process.exit(2);
}
/** The parts of one bench that were asked for, or all of its parts when none of them was. */
const partsOf = <P extends string>(all: readonly P[]): P[] => {
  const asked = all.filter((p) => partsAsked.includes(p));
  return asked.length ? asked : [...all];
};
const parts: BigPart[] = partsOf(BIG_PARTS);
const editorParts: EditorPart[] = partsOf(EDITOR_PARTS);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs needs a whole number of runs, not ${JSON.stringify(option('runs'))}\n`);
  process.exit(2);
}

// Interrupted half-way: end every process the bench started (servers, clients, code-server,
// Chromium: some lead process groups of their own, so they are found by parent id), then exit.
/** Set once a signal came: a bench failing because its processes were ended is not a failure to report. */
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\n${signal}: ending the bench's processes\n`);
    void killDescendants().then((pids) => {
      process.stderr.write(`ended ${pids.length} process(es)${pids.length ? `: ${pids.join(' ')}` : ''}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  });
}

const log = (line: string) => process.stderr.write(`  ${line}\n`);
const rows: Array<[string, string, string]> = [];
const row = (bench: string, figure: string, value: string) => rows.push([bench, figure, value]);

function clientRows(r: ClientBenchResult): void {
  for (const size of r.sizes) {
    const n = `${size.events / 1000}k events`;
    row('client', `CPU per event, bare ws + JSON.parse (${n})`, `${fmt(size.cpuPerEventUs.bare!, 2)} µs`);
    row('client', `CPU per event, bare with our socket's options: no UTF-8 check (${n})`, `${fmt(size.cpuPerEventUs['bare-like']!, 2)} µs`);
    row('client', `CPU per event, GatewayClient (${n})`, `${fmt(size.cpuPerEventUs.gateway!, 2)} µs`);
    row('client', `CPU ratio GatewayClient / bare like our socket (${n}) [target <= 1.05]`, fmt(size.cpuRatioLike.gateway!, 3));
    row('client', `CPU ratio GatewayClient / bare as ws comes (${n})`, fmt(size.cpuRatio.gateway!, 3));
    row('client', `CPU ratio GatewayClient with openclaw.trace on / bare like our socket (${n})`, fmt(size.cpuRatioLike['gateway-traced']!, 3));
    if (size.cpuRatio['gateway-base']) {
      row('client', `CPU per event, GatewayClient at ${baseline} (${n})`, `${fmt(size.cpuPerEventUs['gateway-base']!, 2)} µs`);
      row('client', `CPU ratio GatewayClient at ${baseline} / bare like our socket (${n})`, fmt(size.cpuRatioLike['gateway-base']!, 3));
      row('client', `events/s, GatewayClient at ${baseline} (${n})`, fmt(size.eventsPerSecond['gateway-base']!, 0));
    }
    row('client', `events/s, bare / bare like our socket (${n})`, `${fmt(size.eventsPerSecond.bare!, 0)} / ${fmt(size.eventsPerSecond['bare-like']!, 0)}`);
    row('client', `events/s, GatewayClient (${n})`, fmt(size.eventsPerSecond.gateway!, 0));
  }
  if (r.reply) {
    const x = r.reply;
    const n = `${x.bytes / 1e6} MB reply, ${x.events} delta events`;
    const names: Array<[keyof typeof x.cpuMs, string]> = [
      ['bare', 'bare'],
      ['bare-like', 'bare like our socket'],
      ['gateway', 'GatewayClient'],
      ['gateway-base', `GatewayClient at ${baseline}`],
    ];
    for (const [m, name] of names) {
      if (!x.cpuMs[m]) continue;
      row('client', `${n}: ${name}: CPU; GC pauses`, `${fmt(x.cpuMs[m], 0)} ms; ${fmt(x.gcMs[m]!, 0)} ms`);
      row('client', `${n}: ${name}: heap after (forced GC); RSS after`, `${fmt(x.heapAfterMB[m]!, 1)} MB; ${fmt(x.rssAfterMB[m]!, 0)} MB`);
    }
    for (const [m, name] of names.slice(2)) {
      if (!x.cpuMs[m]) continue;
      row('client', `${n}: ${name} CPU / bare like our socket [target <= 1.10]`, fmt(x.cpuRatioLike[m]!, 3));
      row('client', `${n}: ${name} CPU / bare as ws comes`, fmt(x.cpuRatio[m]!, 3));
      row('client', `${n}: ${name} heap after minus bare like our socket's [target <= 10 MB]`, `${fmt(x.heapOverLikeMB[m]!, 1)} MB`);
    }
  }
  const l = r.latency;
  row('client', `latency socket 'message' -> runTurn listener, p50 (${l.events / 1000}k events)`, `${fmt(l.gateway.p50, 1)} µs`);
  row('client', `latency socket 'message' -> runTurn listener, p99`, `${fmt(l.gateway.p99, 1)} µs`);
  row('client', `  for reference: bare 'message' -> JSON.parse done, p50 / p99`, `${fmt(l.bare.p50, 1)} / ${fmt(l.bare.p99, 1)} µs`);
}

function hostRows(results: HostStreamResult[]): void {
  for (const r of results) {
    const label = r.paceMs ? `${r.events} events, one per ${r.paceMs} ms` : `${r.events / 1000}k events, full speed`;
    for (const [poster, name] of [
      ['coalesce', 'coalesced 16 ms'],
      ['flush0', 'flushMs 0'],
      ['none', 'no coalescing'],
      ['coalesce-base', `coalesced, at ${baseline}`],
    ] as const) {
      const p = r.perPoster[poster];
      if (!p) continue;
      row('host', `${label}, ${name}: events/s`, fmt(p.eventsPerSecond, 0));
      row('host', `${label}, ${name}: messages posted (per s)`, `${fmt(p.messages, 0)} (${fmt(p.messagesPerSecond, 0)}/s)`);
      row('host', `${label}, ${name}: mean append size; KB/s posted`, `${fmt(p.appendMeanBytes, 0)} B; ${(p.bytesPerSecond.median / 1024).toFixed(0)} KB/s`);
      // Paced, CPU per event is mostly the process waking up for each event: not a per-event cost.
      if (!r.paceMs) row('host', `${label}, ${name}: host CPU per event`, `${fmt(p.cpuPerEventUs, 2)} µs`);
    }
  }
}

/** A figure's name for the baseline's row: `, at <commit>` goes before a trailing [target]. */
const atBaseline = (figure: string, label: string) => figure.replace(/( \[[^\]]*\])?$/, (target) => `, at ${label}${target}`);
/** A figure's name for its ratio row. */
const ratioOf = (figure: string, label: string) => `${figure}: ratio this tree / ${label}`;

/** `now` and, with a baseline, each of its rows followed by the baseline's same row and the ratio rows given for it. */
function pairedRows(
  bench: string,
  now: Array<[string, string]>,
  base?: { label: string; rows: Array<[string, string]>; ratios: Record<number, Array<[string, string]>> },
): void {
  now.forEach(([figure, value], i) => {
    row(bench, figure, value);
    if (!base) return;
    row(bench, atBaseline(base.rows[i][0], base.label), base.rows[i][1]);
    for (const [name, ratio] of base.ratios[i] ?? []) row(bench, ratioOf(name, base.label), ratio);
  });
}

function renderSizeRows(size: RenderSizeResult): Array<[string, string]> {
  const n = kb(size.bytes);
  return [
    [
      `${n}: main-thread time (script / layout / style)`,
      `${fmt(size.taskMs, 0)} ms (${size.scriptMs.median.toFixed(0)} / ${size.layoutMs.median.toFixed(0)} / ${size.styleMs.median.toFixed(0)})`,
    ],
    [`${n}: ${size.appends} appends, frames, wall`, `${fmt(size.frames, 0)} frames, ${fmt(size.wallMs, 0)} ms`],
    [`${n}: longest frame`, `${fmt(size.longestFrameMs, 1)} ms`],
    [`${n}: longest frame after the first (warm)`, `${fmt(size.longestFrameAfterFirstMs, 1)} ms`],
    [`${n}: p99 / median frame; frames over 16.7 ms`, `${fmt(size.p99FrameMs, 1)} / ${fmt(size.medianFrameMs, 1)} ms; ${fmt(size.framesOver16, 0)}`],
    [
      `${n}: longest rAF interval; long tasks (max)`,
      `${fmt(size.longestRafIntervalMs, 1)} ms; ${fmt(size.longTasks, 0)} (${size.longestTaskMs.median.toFixed(0)} ms)`,
    ],
  ];
}

const kb = (b: number) => (b >= 1e6 ? `${b / 1e6} MB` : `${b / 1000} KB`);

function renderRows(r: RenderResult): void {
  const b = r.baseline;
  r.sizes.forEach((size, i) => {
    const ratio = b?.ratio.sizes[i];
    const n = kb(size.bytes);
    pairedRows(
      'render',
      renderSizeRows(size),
      b &&
        ratio && {
          label: b.label,
          rows: renderSizeRows(b.sizes[i]),
          ratios: { 0: [[`${n}: main-thread time`, fmt(ratio.taskMs, 2)]], 2: [[`${n}: longest frame`, fmt(ratio.longestFrameMs, 2)]] },
        },
    );
  });
  if (r.floor) {
    r.floor.sizes.forEach((size, i) => {
      const n = kb(size.bytes);
      const ratio = r.floor!.ratio[i];
      row('render', `${n}, floor (plain text nodes): main-thread time; longest frame`, `${fmt(size.taskMs, 0)} ms; ${fmt(size.longestFrameMs, 1)} ms`);
      row('render', `${n}: main-thread time / floor's${size.bytes >= 200_000 ? ' [target <= 1.5]' : ''}`, fmt(ratio.taskMs, 2));
      row('render', `${n}: longest frame / floor's${size.bytes >= 200_000 ? ' [target <= 1.3]' : ''}`, fmt(ratio.longestFrameMs, 2));
    });
    for (const g of r.floor.growthPerDoubling) row('render', `floor: growth per doubling ${kb(g.from)} -> ${kb(g.to)}`, g.ratio.toFixed(2));
  }
  const growthRows = (list: RenderResult['growthPerDoubling']) =>
    list.map((g): [string, string] => [`growth per doubling ${kb(g.from)} -> ${kb(g.to)} [linear 2.0, quadratic 4.0]`, g.ratio.toFixed(2)]);
  pairedRows(
    'render',
    growthRows(r.growthPerDoubling),
    b && {
      label: b.label,
      rows: growthRows(b.growthPerDoubling),
      ratios: Object.fromEntries(b.ratio.growthPerDoubling.map((g, i) => [i, [[`growth per doubling ${kb(g.from)} -> ${kb(g.to)}`, g.ratio.toFixed(2)]]])),
    },
  );
}

function historyFigureRows(r: HistoryFigures): Array<[string, string]> {
  return [
    ['time to first paint', `${fmt(r.firstPaintMs, 0)} ms`],
    ['time to fully rendered', `${fmt(r.fullyRenderedMs, 0)} ms`],
    [
      'main-thread time (script / layout); longest task',
      `${fmt(r.taskMs, 0)} ms (${r.scriptMs.median.toFixed(0)} / ${r.layoutMs.median.toFixed(0)}); ${fmt(r.longestTaskMs, 0)} ms`,
    ],
    ['JS heap after GC (growth from the empty page)', `${fmt(r.heapMB, 1)} MB (+${fmt(r.heapDeltaMB, 1)} MB)`],
    ['DOM nodes', fmt(r.nodes, 0)],
  ];
}

function historyRows(r: HistoryResult): void {
  const kinds = Object.entries(r.itemKinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  row('history', `${r.messages} messages -> ${r.items} items (${kinds}); snapshot size`, `${(r.snapshotBytes / 1024).toFixed(0)} KB`);
  const b = r.baseline;
  pairedRows(
    'history',
    historyFigureRows(r),
    b && {
      label: b.label,
      rows: historyFigureRows(b),
      ratios: {
        0: [['time to first paint', fmt(b.ratio.firstPaintMs, 2)]],
        1: [['time to fully rendered', fmt(b.ratio.fullyRenderedMs, 2)]],
        2: [
          ['main-thread time', fmt(b.ratio.taskMs, 2)],
          ['longest task', fmt(b.ratio.longestTaskMs, 2)],
        ],
      },
    },
  );
}

function startupRows(r: StartupResult): void {
  for (const size of r.sizes)
    row('startup', `${size.file} (production build): raw / gzip -9`, `${(size.bytes / 1024).toFixed(1)} KB / ${(size.gzipBytes / 1024).toFixed(1)} KB`);
  if (r.vsix) row('startup', '.vsix (scripts/package.mjs)', r.vsix.note ?? `${(r.vsix.bytes / 1024).toFixed(1)} KB, ${r.vsix.entries} files`);
  const a = r.activation;
  row('startup', 'navigation -> status bar item: OpenClaw', `${fmt(a.statusBarMs.openclaw, 0)} ms`);
  row('startup', 'navigation -> status bar item: baseline extension', `${fmt(a.statusBarMs.baseline, 0)} ms`);
  row('startup', 'OpenClaw minus baseline (per run); ratio', `${fmt(a.statusBarMs.differenceMs, 0)} ms; ${fmt(a.statusBarMs.ratio, 3)}`);
  row('startup', 'in the extension host: load module, OpenClaw / baseline', `${fmt(a.loadMs.openclaw, 1)} / ${fmt(a.loadMs.baseline, 1)} ms`);
  row(
    'startup',
    'in the extension host: activate(), OpenClaw / baseline [target < 10 ms]',
    `${fmt(a.activateMs.openclaw, 1)} / ${fmt(a.activateMs.baseline, 1)} ms`,
  );
}

function bigRows(r: BigResult): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  if (r.reply) {
    const x = r.reply;
    const size = x.render;
    const n = `${size.bytes / 1e6} MB reply`;
    row(
      'big',
      `${n}: main-thread time (script / layout / style)`,
      `${fmt(size.taskMs, 0)} ms (${size.scriptMs.median.toFixed(0)} / ${size.layoutMs.median.toFixed(0)} / ${size.styleMs.median.toFixed(0)})`,
    );
    row('big', `${n}: ${size.appends} appends, frames, wall`, `${fmt(size.frames, 0)} frames, ${fmt(size.wallMs, 0)} ms`);
    row('big', `${n}: longest frame; after the first`, `${fmt(size.longestFrameMs, 1)} ms; ${fmt(size.longestFrameAfterFirstMs, 1)} ms`);
    row('big', `${n}: p99 / median frame; frames over 16.7 ms`, `${fmt(size.p99FrameMs, 1)} / ${fmt(size.medianFrameMs, 1)} ms; ${fmt(size.framesOver16, 0)}`);
    row(
      'big',
      `${n}: longest rAF interval; long tasks (max)`,
      `${fmt(size.longestRafIntervalMs, 1)} ms; ${fmt(size.longTasks, 0)} (${size.longestTaskMs.median.toFixed(0)} ms)`,
    );
    row('big', `${n}: keys typed into the composer while it streams (lost)`, `${fmt(x.keys, 0)} (${x.keysLost})`);
    row('big', `${n}: key -> textarea input event, median / longest per run`, `${fmt(x.keyToInputMs.median, 1)} / ${fmt(x.keyToInputMs.max, 1)} ms`);
    row('big', `${n}: key -> next frame painted, median / longest per run`, `${fmt(x.keyToPaintMs.median, 1)} / ${fmt(x.keyToPaintMs.max, 1)} ms`);
    row('big', `${n}: DOM nodes; JS heap after GC`, `${fmt(x.nodes, 0)}; ${fmt(x.heapMB, 1)} MB`);
    const f = x.floor;
    row('big', `${n}, floor (plain text nodes): main-thread time; longest frame`, `${fmt(f.render.taskMs, 0)} ms; ${fmt(f.render.longestFrameMs, 1)} ms`);
    row(
      'big',
      `${n}, floor: key -> next frame painted, median / longest per run; DOM nodes`,
      `${fmt(f.keyToPaintMs.median, 1)} / ${fmt(f.keyToPaintMs.max, 1)} ms; ${fmt(f.nodes, 0)}`,
    );
    row('big', `${n}: key -> paint, median minus the floor's (per run) [target <= 16.7 ms]`, `${fmt(f.keyToPaintOverFloorMs, 1)} ms`);
  }
  if (r.host) {
    const h = r.host;
    row(
      'big',
      `host: ${h.sessions} sessions, first list after connecting (${h.listPages} pages of ${h.listLimit}, ${mb(h.listBytes)})`,
      `${fmt(h.listMs.first, 0)} ms`,
    );
    row('big', 'host: GatewayClient.listSessions() again', `${fmt(h.listMs.again, 0)} ms`);
    row(
      'big',
      `host: open the ${h.historyMessages}-message session: chat.history limit ${h.openFetched.limit} (${kb(h.openFetched.bytes)})`,
      `${fmt(h.openMs, 1)} ms to the snapshot posted`,
    );
    row('big', 'host:   of which the fake gateway (request in -> answer written)', `${fmt(h.openGatewayMs, 1)} ms`);
    row(
      'big',
      `host: heap with it shown (${h.transcriptItems} items held), after a forced GC; minus with the main session shown`,
      `${fmt(h.openHeapMB, 1)} MB; ${fmt(h.openHeapOverMainMB, 1)} MB`,
    );
    row(
      'big',
      `host:   snapshot posted: ${h.openSnapshot.items} items, "${h.openSnapshot.notice}"`,
      `${kb(h.openSnapshot.bytes)}, serialized in ${fmt(h.openSnapshot.serializeMs, 1)} ms`,
    );
    row('big', `host: the whole history instead: chat.history of ${h.full.messages} (${mb(h.full.bytes)})`, `${fmt(h.full.fetchMs, 0)} ms`);
    row(
      'big',
      `host:   itemsFromHistory -> ${h.full.items} items; snapshot ${mb(h.full.snapshotBytes)} serialized in`,
      `${fmt(h.full.itemsMs, 0)} ms; ${fmt(h.full.serializeMs, 0)} ms`,
    );
  }
  if (r.history) {
    const x = r.history;
    row('big', `webview: ${x.messages} messages -> ${x.items} items in one snapshot (${mb(x.snapshotBytes)}): first paint`, `${fmt(x.firstPaintMs, 0)} ms`);
    row('big', 'webview: fully rendered', `${fmt(x.fullyRenderedMs, 0)} ms`);
    row(
      'big',
      'webview: main-thread time (script / layout); longest task',
      `${fmt(x.taskMs, 0)} ms (${x.scriptMs.median.toFixed(0)} / ${x.layoutMs.median.toFixed(0)}); ${fmt(x.longestTaskMs, 0)} ms`,
    );
    row('big', 'webview: JS heap after GC (growth); DOM nodes', `${fmt(x.heapMB, 1)} MB (+${fmt(x.heapDeltaMB, 1)} MB); ${fmt(x.nodes, 0)}`);
  }
  if (r.vscode) {
    const v = r.vscode;
    row('big', `VS Code, ${v.sessions} sessions: navigation -> connected`, `${fmt(v.connectedMs, 0)} ms`);
    row('big', `VS Code: open the Sessions view -> its rows painted (set size ${v.treeOpen.setsize})`, `${fmt(v.treeOpen.ms, 0)} ms`);
    row('big', 'VS Code: sessions.changed -> the change painted in the tree', `${fmt(v.treeRefresh.ms, 0)} ms`);
    row(
      'big',
      'VS Code:   from the first sessions.list request; of which listing',
      `${fmt(v.treeRefresh.fromRequestMs, 0)} ms; ${fmt(v.treeRefresh.listMs, 0)} ms`,
    );
    row('big', `VS Code: Switch Session (Enter in the palette) -> quick pick painted (set size ${v.quickPick.setsize})`, `${fmt(v.quickPick.ms, 0)} ms`);
    row('big', 'VS Code:   of which listing the sessions (first request -> last answer)', `${fmt(v.quickPick.listMs, 0)} ms`);
    row(
      'big',
      `VS Code: filter "${v.filter.text}" key -> list painted, median / longest per run (${v.filter.matches} rows left)`,
      `${fmt(v.filter.keyMedianMs, 0)} / ${fmt(v.filter.keyMaxMs, 0)} ms`,
    );
  }
}

function editorRows(r: EditorResult): void {
  const m = r.mention;
  if (m) {
    row('editor', `@ in ${m.files.toLocaleString('en')} files: keydown -> list painted, median key of a run ("${m.keys}")`, `${fmt(m.keyMs, 1)} ms`);
    row('editor', '@: slowest key of a run [target < 100 ms]', `${fmt(m.keyMaxMs, 1)} ms`);
    row('editor', '@ floor (one file, same keys and round trip): median / slowest key', `${fmt(m.floorKeyMs, 1)} / ${fmt(m.floorKeyMaxMs, 1)} ms`);
    row('editor', '@: ratio to the floor (median key, per run); the search alone', `${fmt(m.ratio, 2)}; ${fmt(m.searchMs, 2)} ms`);
  }
  const s = r.search;
  if (s) {
    row(
      'editor',
      `sessions.search over ${s.sessions} sessions (${s.messages} messages), real gateway: median answer of a run ("${s.query}", per prefix)`,
      `${fmt(s.answerMs, 1)} ms`,
    );
    row('editor', `sessions.search: slowest answer of a run; + ${s.debounceMs} ms debounce [target < 150 ms]`, `${fmt(s.answerMaxMs, 1)} ms`);
    row(
      'editor',
      'sessions.search: median hits per answer; floor (health, same connection); ratio',
      `${fmt(s.hits, 0)}; ${fmt(s.floorMs, 2)} ms; ${fmt(s.ratio, 1)}`,
    );
  }
  const p = r.paging;
  if (p) {
    const paging = (label: string, f: PagingFigures) => {
      row(
        'editor',
        `${label}: longest frame [target < 16 ms]; p99; median`,
        `${fmt(f.longestFrameMs, 1)}; ${fmt(f.p99FrameMs, 1)}; ${fmt(f.medianFrameMs, 1)} ms`,
      );
      row(
        'editor',
        `${label}: frames over 16.7 ms; frames; longest host-message task`,
        `${fmt(f.framesOver16, 0)}; ${fmt(f.frames, 0)}; ${fmt(f.longestTaskMs, 1)} ms`,
      );
    };
    paging(`paging up ${p.messages} messages (${p.pages} pages)`, p.now);
    if (p.baseline) paging(`paging at ${p.baseline.label}`, p.baseline);
    paging('paging floor (same scrolling, nothing loaded)', p.floor);
  }
}

function printTable(): void {
  const w0 = Math.max(...rows.map((r) => r[0].length), 5);
  const w1 = Math.max(...rows.map((r) => r[1].length), 6);
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`;
  process.stdout.write(`\n${line('bench', 'figure', 'median (min–max)')}\n${'-'.repeat(w0 + w1 + 24)}\n`);
  for (const r of rows) process.stdout.write(`${line(...r)}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Record<string, unknown> = { machine: await machine(), runs, quick, startedAt: new Date().toISOString() };
  process.stderr.write(`machine: ${JSON.stringify(results.machine)}\n`);
  for (const bench of benches) {
    const t0 = Date.now();
    process.stderr.write(`\n[${bench}]\n`);
    switch (bench) {
      case 'client': {
        const r = await clientBench({
          runs,
          sizes: quick
            ? [{ events: 10_000, turns: 3 }]
            : [
                { events: 10_000, turns: 5 },
                { events: 100_000, turns: 2 },
              ],
          latencyEvents: 10_000,
          baselineUpTo: baseline ? 100_000 : undefined,
          reply: quick ? { bytes: 1_000_000, turns: 1 } : { bytes: 5_000_000, turns: 2 },
          log,
        });
        results.client = r;
        clientRows(r);
        break;
      }
      case 'host': {
        const r = await hostBench({
          runs,
          streams: quick
            ? [{ events: 10_000, paceMs: 0 }]
            : [
                { events: 10_000, paceMs: 0 },
                { events: 40_000, paceMs: 0 },
                { events: 400, paceMs: 4 },
              ],
          baselineUpTo: baseline ? 10_000 : undefined,
          log,
        });
        results.host = r;
        hostRows(r);
        break;
      }
      case 'render': {
        const r = await renderBench({
          runs,
          sizes: quick ? [50_000, 200_000] : [50_000, 200_000, 1_000_000],
          perFrame: 48,
          baseline: webviewBaseline,
          floor: true,
          log,
        });
        results.render = r;
        renderRows(r);
        break;
      }
      case 'history': {
        const r = await historyBench({ runs, messages: 1000, baseline: webviewBaseline, log });
        results.history = r;
        historyRows(r);
        break;
      }
      case 'big': {
        const r = await bigBench({
          runs,
          parts,
          replyBytes: quick ? 1_000_000 : 5_000_000,
          perFrame: 48,
          messages: quick ? 2_000 : 10_000,
          sessions: 2_000,
          log,
        });
        results.big = r;
        bigRows(r);
        break;
      }
      case 'editor': {
        const r = await editorBench({ runs, parts: editorParts, baseline: webviewBaseline, log });
        results.editor = r;
        editorRows(r);
        break;
      }
      case 'startup': {
        const r = await startupBench({ runs, vsix: !flag('no-vsix'), log });
        results.startup = r;
        startupRows(r);
        break;
      }
    }
    log(`${bench}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  results.totalSeconds = (Date.now() - started) / 1000;
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  printTable();
  process.stdout.write(`\n${runs} runs each; total ${(results.totalSeconds as number).toFixed(0)} s; details in ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: Error) => {
  if (interrupted) return; // the signal handler exits once every process is gone
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
