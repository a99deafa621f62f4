// Runs the benchmarks (BENCHMARKS.md says what each measures and how):
//
//   node scripts/bench.mjs                         (npm run bench) all of them
//   node scripts/bench.mjs client host             only some: client host render history startup big editor
//   node scripts/bench.mjs big --parts host,vscode  big's parts: reply (5 MB), host, history (10,000
//        messages in the webview), vscode (2,000 sessions in code-server); all by default
//   node scripts/bench.mjs editor --parts paging   editor's parts: mention (@ in 20,000 files), search
//        (sessions.search), paging (up through 10,000 messages); all by default
//   node scripts/bench.mjs render --runs 7         more runs (default 5; medians need at least 5)
//   node scripts/bench.mjs client --quick          fewer events and runs, to check that it works
//   node scripts/bench.mjs client host --baseline 4cb236c
//        also runs the gateway client and host from another commit, side by side with the working
//        tree: the files in --baseline-files (default: the ones the bench's performance work
//        changed) come from that commit, everything else from the working tree; the webview
//        benches (render, history, editor's paging) also measure that commit's webview/ and media/chat.css (with
//        what webview/ imports from outside it, e.g. src/protocol/) beside the working tree's
//   node scripts/bench.mjs startup --no-vsix       skip packaging the .vsix
//   node scripts/bench.mjs --help                  this text
//
// Interrupted (Ctrl+C, SIGINT or SIGTERM), the bench ends every process it started, servers and
// browsers included, before it exits (bench/index.ts; test/unit/bench-interrupt.test.ts).
//
// The bench is TypeScript under bench/; this script bundles it with esbuild (node_modules left
// external) into .test-artifacts/bench/build/ and runs the bundle, so the measured code runs as
// plain JavaScript, as in the shipped extension, without a loader in the measured processes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, '.test-artifacts', 'bench');
const BUILD = path.join(OUT, 'build');
const BASE_SRC = path.join(OUT, 'baseline-src');
/** The baseline commit's webview: webview/, media/ and what webview/ imports from elsewhere. */
const BASE_WEBVIEW = path.join(OUT, 'baseline-webview');
const DEFAULT_BASELINE_FILES = ['src/gateway/run-stream.ts', 'src/gateway/frames.ts', 'src/extension/host-poster.ts'];

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  // The usage is this file's opening comment, up to the first blank comment line after the options.
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const header = source.slice(0, source.indexOf('\nimport ')).split('\n');
  process.stdout.write(`${header.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}
const valueOf = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const baseline = valueOf('baseline');
const baselineFiles = (valueOf('baseline-files') ?? DEFAULT_BASELINE_FILES.join(',')).split(',').filter(Boolean);
// The benches asked for, as bench/index.ts reads them (none: all).
const WITH_VALUE = ['--runs', '--baseline', '--baseline-files', '--parts'];
const chosen = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && WITH_VALUE.includes(args[i - 1])));
const wanted = (bench) => chosen.length === 0 || chosen.includes(bench);

const entryPoints = { index: path.join(ROOT, 'bench', 'index.ts') };
const children = {};
for (const file of readdirSync(path.join(ROOT, 'bench', 'children'))) {
  if (file.endsWith('.ts')) children[file.slice(0, -3)] = path.join(ROOT, 'bench', 'children', file);
}

/** Files under the repo keep their own __dirname when bundled (tools/code-server/ finds scripts/ by it). */
const keepDirname = {
  name: 'keep-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('__dirname')) return undefined;
      return { contents: source.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))), loader: 'ts' };
    });
  },
};

/** Relative imports of the baseline's files go to their copies from the baseline commit. */
const baselineOverlay = {
  name: 'baseline-overlay',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      let abs = path.resolve(args.resolveDir, args.path);
      // A baseline file's own imports resolve as if it sat in the working tree.
      if (abs.startsWith(BASE_SRC + path.sep)) abs = path.join(ROOT, path.relative(BASE_SRC, abs));
      for (const candidate of [abs, `${abs}.ts`, path.join(abs, 'index.ts')]) {
        const rel = path.relative(ROOT, candidate);
        if (baselineFiles.includes(rel)) return { path: path.join(BASE_SRC, rel) };
        if (existsSync(candidate) && candidate.endsWith('.ts')) return { path: candidate };
      }
      return undefined;
    });
  },
};

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: { ...entryPoints, ...children }, outdir: BUILD, plugins: [keepDirname] });

// The gateway client and host with the baseline's files: only client and host run them.
if (baseline && (wanted('client') || wanted('host'))) {
  rmSync(BASE_SRC, { recursive: true, force: true });
  for (const file of baselineFiles) {
    let source;
    try {
      source = execFileSync('git', ['show', `${baseline}:${file}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      continue; // not in that commit: the working tree's copy is used
    }
    mkdirSync(path.dirname(path.join(BASE_SRC, file)), { recursive: true });
    writeFileSync(path.join(BASE_SRC, file), source);
  }
  await esbuild.build({ ...common, entryPoints: children, outdir: path.join(BUILD, 'base'), plugins: [baselineOverlay, keepDirname] });
}

/**
 * Extracts `commit`'s webview/, media/ and src/protocol/ into `dir`, then every file outside those
 * that the extracted sources import by a relative path (at that commit), so that the folder
 * bundles on its own; packages (marked, dompurify, ...) come from the working tree's node_modules.
 * Returns false when the commit has no webview/main.ts.
 */
function extractWebview(commit, dir) {
  const git = (gitArgs, options = {}) => execFileSync('git', gitArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 2 ** 20, ...options });
  const files = new Set(
    git(['ls-tree', '-r', '--name-only', commit, '--', 'webview', 'media', 'src/protocol'], { encoding: 'utf8' }).split('\n').filter(Boolean),
  );
  if (!files.has('webview/main.ts')) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const roots = ['webview', 'media', 'src/protocol'].filter((root) => [...files].some((f) => f.startsWith(`${root}/`)));
  execFileSync('tar', ['-x', '-C', dir], { input: git(['archive', commit, ...roots]) });
  const todo = [...files].filter((f) => /\.(ts|mts|js)$/.test(f));
  while (todo.length) {
    const file = todo.pop();
    const source = readFileSync(path.join(dir, file), 'utf8');
    for (const [, spec] of source.matchAll(/(?:from\s*|import\s*\(?\s*)['"](\.\.?\/[^'"]+)['"]/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      for (const candidate of [target, `${target}.ts`, `${target}/index.ts`, target.replace(/\.js$/, '.ts')]) {
        if (files.has(candidate)) break;
        let content;
        try {
          content = git(['cat-file', 'blob', `${commit}:${candidate}`]);
        } catch {
          continue;
        }
        files.add(candidate);
        mkdirSync(path.dirname(path.join(dir, candidate)), { recursive: true });
        writeFileSync(path.join(dir, candidate), content);
        if (/\.(ts|mts|js)$/.test(candidate)) todo.push(candidate);
        break;
      }
    }
  }
  return true;
}

let baselineWebview;
if (baseline && (wanted('render') || wanted('history') || wanted('editor'))) {
  if (extractWebview(baseline, BASE_WEBVIEW)) baselineWebview = BASE_WEBVIEW;
  else process.stderr.write(`${baseline} has no webview/main.ts: the webview benches run without a baseline\n`);
}

// Not spawnSync: a signal to this process must reach the bench, which then ends what it started.
const bench = spawn(process.execPath, ['--enable-source-maps', path.join(BUILD, 'index.js'), ...args], {
  cwd: ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    OPENCLAW_BENCH_ROOT: ROOT,
    ...(baseline ? { OPENCLAW_BENCH_BASELINE: baseline } : {}),
    ...(baselineWebview ? { OPENCLAW_BENCH_BASELINE_WEBVIEW: baselineWebview } : {}),
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // bench/index.ts ends its own processes on this signal; if it hangs, it is killed after a while.
    bench.kill(signal);
    setTimeout(() => bench.kill('SIGKILL'), 20_000).unref();
  });
}
bench.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
