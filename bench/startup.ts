/**
 * 5. Start-up and size.
 * Sizes: dist/extension.js and dist/webview.js as the production build makes them (built here in
 * memory with scripts/build.mjs's options, so dist/ is left alone), raw and gzip -9; and the .vsix
 * that scripts/package.mjs makes (it runs the production build in the checkout, as `npm run
 * package` does).
 * Activation, in code-server (VS Code OSS, a Node extension host) with Debian's chromium, side by
 * side with a baseline extension that only shows a status bar item (bench/startup/baseline), both
 * activating onStartupFinished and loaded the same way (extensionDevelopmentPath of a staged copy),
 * alternating run by run on one server:
 *  - from the workbench page's navigation start to its status bar item being in the DOM, and from
 *    the workbench's own Problems status item to it (which takes out most of the workbench's load);
 *  - inside the extension host, measured by a bench-only wrapper staged as each copy's `main`: the
 *    time to load the extension's module, and the time its activate() takes to return.
 * The gateway URL setting points at a closed port, so OpenClaw starts as it does with no gateway.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { processGroupMembers } from '../tools/code-server/process-group';
import { freshRunDir, startCodeServer, type CodeServer } from '../tools/code-server/server';
import { openWorkbench } from '../tools/code-server/workbench';
import { BENCH, OUT, ROOT } from './lib/paths';
import { summarize, type Summary } from './lib/stats';

export interface StartupOptions {
  runs: number;
  /** Package the .vsix with scripts/package.mjs (rebuilds dist/ in production mode). */
  vsix: boolean;
  log(line: string): void;
}

export interface FileSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface StartupResult {
  sizes: FileSize[];
  vsix?: { bytes: number; entries: number; note?: string };
  activation: {
    /** Navigation start to the status bar item, ms. */
    statusBarMs: { openclaw: Summary; baseline: Summary; differenceMs: Summary; ratio: Summary };
    /** From the workbench's own Problems item to the extension's item, ms. */
    afterWorkbenchMs: { openclaw: Summary; baseline: Summary; differenceMs: Summary };
    /** Inside the extension host, ms. */
    loadMs: { openclaw: Summary; baseline: Summary };
    activateMs: { openclaw: Summary; baseline: Summary };
  };
}

const STARTUP = path.join(OUT, 'startup');

/** The production bundles, as `node scripts/build.mjs --production` writes them. */
export async function productionBundles(): Promise<Record<string, Uint8Array>> {
  const common = { bundle: true, sourcemap: false, minify: true, logLevel: 'warning' as const, write: false };
  const [host, web] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [path.join(ROOT, 'src/extension/vscode/extension.ts')],
      outfile: 'dist/extension.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'bufferutil', 'utf-8-validate'],
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(ROOT, 'webview/main.ts')],
      outfile: 'dist/webview.js',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    }),
  ]);
  return {
    'dist/extension.js': host.outputFiles![0].contents,
    'dist/webview.js': web.outputFiles![0].contents,
    'dist/chat.css': readFileSync(path.join(ROOT, 'media/chat.css')),
  };
}

/** A copy of an extension folder whose `main` is the timing wrapper around the real one. */
export function stage(name: string, from: (dir: string) => void, realMain: string): string {
  const dir = path.join(STARTUP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  from(dir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  manifest.main = './bench-wrapper.js';
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const wrapper = readFileSync(path.join(BENCH, 'startup', 'wrapper.js'), 'utf8').replace('__REAL_MAIN__', realMain);
  writeFileSync(path.join(dir, 'bench-wrapper.js'), wrapper);
  return dir;
}

/** The extension as it ships (the production bundles, package.json, media, docs), staged under `name`. */
export function stageOpenClaw(name: string, bundles: Record<string, Uint8Array>): string {
  return stage(
    name,
    (dir) => {
      for (const [file, contents] of Object.entries(bundles)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), contents);
      }
      for (const name of ['package.json', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE'])
        if (existsSync(path.join(ROOT, name))) cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
    },
    './dist/extension.js',
  );
}

async function packageVsix(log: (line: string) => void): Promise<StartupResult['vsix']> {
  const script = path.join(ROOT, 'scripts', 'package.mjs');
  if (!existsSync(script)) return { bytes: 0, entries: 0, note: 'scripts/package.mjs does not exist' };
  const { packageExtension } = (await import(pathToFileURL(script).href)) as {
    packageExtension(options: { log(text: string): void }): Promise<{ vsix: string; bytes: number; entries: string[]; ms: number }>;
  };
  const result = await packageExtension({ log: () => undefined });
  log(`packaged ${path.relative(ROOT, result.vsix)}: ${result.bytes} bytes, ${result.entries.length} entries, in ${(result.ms / 1000).toFixed(1)} s`);
  return { bytes: result.bytes, entries: result.entries.length };
}

interface Launch {
  statusBarMs: number;
  /** From the workbench's own Problems status item to the extension's item. */
  afterWorkbenchMs: number;
  loadMs: number;
  activateMs: number;
}

/** Extension host processes of the server (its process group), from their command lines. */
function extensionHosts(server: CodeServer): number[] {
  return processGroupMembers(server.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=extensionHost');
    } catch {
      return false; // gone while we looked
    }
  });
}

/**
 * Waits until the extension host of the last workbench has gone (code-server keeps it for its
 * reconnection grace time, 5 s): a launch must not share the CPU with the previous one's host.
 */
export async function settle(server: CodeServer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (extensionHosts(server).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function launch(server: CodeServer, extension: string, [statusText, statusId]: [string, string], workspace: string, index: number): Promise<Launch> {
  await settle(server);
  const file = path.join(STARTUP, `activation-${index}.json`);
  rmSync(file, { force: true });
  const wb = await openWorkbench(server, { extensionDevelopmentPath: extension, workspace, extensionEnv: { BENCH_ACTIVATION_FILE: file } });
  try {
    // Installed right after DOMContentLoaded, long before the extension host has even started.
    // Also times the workbench's own Problems item, to take the workbench's load out of the figure.
    const [statusBarMs, workbenchStatusMs] = await wb.page.evaluate(
      ({ text, id }) => {
        const seen = (match: (el: { textContent: string | null; id: string }) => boolean) =>
          new Promise<number>((resolve, reject) => {
            const found = () => [...document.querySelectorAll('.statusbar-item')].some(match);
            if (found()) return resolve(performance.now());
            const observer = new MutationObserver(() => {
              if (!found()) return;
              observer.disconnect();
              resolve(performance.now());
            });
            observer.observe(document.body, { childList: true, subtree: true, characterData: true });
            setTimeout(() => reject(new Error(`no status bar item "${text}" within 120 s`)), 120_000);
          });
        return Promise.all([seen((el) => (el.textContent ?? '').includes(text) && el.id.includes(id)), seen((el) => el.id === 'status.problems')]);
      },
      { text: statusText, id: statusId },
    );
    const deadline = Date.now() + 30_000;
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`the timing wrapper of ${extension} wrote nothing`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const inside = JSON.parse(readFileSync(file, 'utf8')) as { loadMs: number; activateMs: number };
    return { statusBarMs, afterWorkbenchMs: statusBarMs - workbenchStatusMs, ...inside };
  } finally {
    await wb.close();
  }
}

export async function startupBench(options: StartupOptions): Promise<StartupResult> {
  mkdirSync(STARTUP, { recursive: true });
  const bundles = await productionBundles();
  const sizes: FileSize[] = Object.entries(bundles).map(([file, contents]) => ({
    file,
    bytes: contents.length,
    gzipBytes: gzipSync(contents, { level: 9 }).length,
  }));
  for (const s of sizes) options.log(`${s.file}: ${s.bytes} bytes, ${s.gzipBytes} gzip`);
  const vsix = options.vsix ? await packageVsix(options.log) : undefined;

  const openclaw = stageOpenClaw('openclaw', bundles);
  const baseline = stage('baseline', (dir) => cpSync(path.join(BENCH, 'startup', 'baseline'), dir, { recursive: true }), './extension.js');
  const workspace = path.join(STARTUP, 'workspace');
  mkdirSync(workspace, { recursive: true });

  const runDir = freshRunDir(path.join(STARTUP, 'code-server'));
  // A closed port: OpenClaw starts as it would with no gateway running, and never reaches one.
  const server = await startCodeServer({ runDir, settings: { 'openclaw.gatewayUrl': 'ws://127.0.0.1:9' } });
  const runs = { openclaw: [] as Launch[], baseline: [] as Launch[] };
  // Status bar items carry the id `<extension id>.<item id>` in the workbench DOM.
  const status: Record<'openclaw' | 'baseline', [string, string]> = {
    openclaw: ['OpenClaw', 'openclaw.connection'],
    baseline: ['Baseline', 'openclawBench.baseline'],
  };
  const folder = { openclaw, baseline };
  try {
    // One unmeasured launch: the first workbench load fills caches (V8 code cache, disk).
    await launch(server, openclaw, status.openclaw, workspace, 0);
    for (let r = 0; r < options.runs; r++) {
      const order: Array<'openclaw' | 'baseline'> = r % 2 === 0 ? ['baseline', 'openclaw'] : ['openclaw', 'baseline'];
      for (const which of order) runs[which].push(await launch(server, folder[which], status[which], workspace, r + 1));
      options.log(
        `startup run ${r + 1}/${options.runs}: status bar item after ${runs.openclaw[r].statusBarMs.toFixed(0)} ms (OpenClaw) vs ${runs.baseline[r].statusBarMs.toFixed(0)} ms (baseline), ` +
          `${runs.openclaw[r].afterWorkbenchMs.toFixed(0)} vs ${runs.baseline[r].afterWorkbenchMs.toFixed(0)} ms after the workbench's own item; ` +
          `OpenClaw load ${runs.openclaw[r].loadMs.toFixed(1)} ms + activate() ${runs.openclaw[r].activateMs.toFixed(1)} ms`,
      );
    }
  } finally {
    await server.stop();
  }
  const s = (list: Launch[], pick: (l: Launch) => number) => summarize(list.map(pick));
  return {
    sizes,
    vsix,
    activation: {
      statusBarMs: {
        openclaw: s(runs.openclaw, (l) => l.statusBarMs),
        baseline: s(runs.baseline, (l) => l.statusBarMs),
        differenceMs: summarize(runs.openclaw.map((l, i) => l.statusBarMs - runs.baseline[i].statusBarMs)),
        ratio: summarize(runs.openclaw.map((l, i) => l.statusBarMs / runs.baseline[i].statusBarMs)),
      },
      afterWorkbenchMs: {
        openclaw: s(runs.openclaw, (l) => l.afterWorkbenchMs),
        baseline: s(runs.baseline, (l) => l.afterWorkbenchMs),
        differenceMs: summarize(runs.openclaw.map((l, i) => l.afterWorkbenchMs - runs.baseline[i].afterWorkbenchMs)),
      },
      loadMs: { openclaw: s(runs.openclaw, (l) => l.loadMs), baseline: s(runs.baseline, (l) => l.loadMs) },
      activateMs: { openclaw: s(runs.openclaw, (l) => l.activateMs), baseline: s(runs.baseline, (l) => l.activateMs) },
    },
  };
}

// Only so that the in-page function type-checks here (the project's tsconfig has no DOM library).
declare const document: { querySelectorAll(selector: string): Iterable<{ textContent: string | null; id: string }>; body: unknown };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, boolean>): void;
  disconnect(): void;
}
