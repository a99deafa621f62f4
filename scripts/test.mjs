// Runs every test layer in order: types, lint and format, unit (real ws servers), webview (real
// Chromium), gateway (real OpenClaw from npm), extension (real VS Code via code-server). `npm test` calls
// this; with layer names as arguments it runs only those (`npm test -- unit gateway`).
// The heavy test dependencies install themselves into .cache/ first (once; later runs reuse them).
// Those installs (downloads and a native build) start at once, beside the first layers, which keep
// one core busy at most; each layer that needs them waits for them, and their output is printed there.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './deps/cache.mjs';

const only = process.argv.slice(2);

/**
 * node:test files of a folder; a layer with none is a mistake, not a pass. `lanes` files run at once,
 * taken in order, `first` ahead of the rest (the longest, so that the others share the second lane).
 */
const nodeTests = (dir, { lanes = 1, first = [] } = {}) => {
  const folder = path.join(ROOT, dir);
  const names = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.test.ts')) : [];
  if (names.length === 0) throw new Error(`no tests in ${dir}`);
  const missing = first.filter((f) => !names.includes(f));
  if (missing.length) throw new Error(`${dir} has no ${missing.join(', ')}`);
  const files = [...first, ...names.filter((f) => !first.includes(f))].map((f) => path.join(dir, f));
  return ['npx', 'tsx', '--test', `--test-concurrency=${lanes}`, ...files];
};

const layers = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', '.', '--noEmit'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'webview', '--noEmit'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'test/dom', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'eslint', '.'] },
  { name: 'lint', cmd: ['npx', 'prettier', '--check', '**/*.{ts,mjs}'] },
  { name: 'build', cmd: ['node', 'scripts/build.mjs'] },
  { name: 'unit', cmd: nodeTests('test/unit') },
  { name: 'unit', cmd: nodeTests('test/dom') }, // webview modules under jsdom (test/dom/jsdom.ts)
  { name: 'deps', cmd: ['node', 'scripts/deps/code-server.mjs'], early: true },
  { name: 'webview', cmd: nodeTests('test/webview') },
  { name: 'deps', cmd: ['node', 'scripts/deps/openclaw.mjs'], early: true }, // both versions the tests use
  // Two files at a time: the fault soak (two dozen gateway restarts, about half the layer) in one
  // lane, every other gateway file in the other. Each file starts gateways of its own.
  { name: 'gateway', cmd: nodeTests('test/gateway', { lanes: 2, first: ['faults.test.ts'] }) },
  { name: 'extension', cmd: nodeTests('test/extension') },
].filter((layer) => !only.length || only.includes(layer.name));

/** Runs one command to its end; `output` is 'inherit' or a file descriptor for stdout and stderr. */
function run(cmd, output) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, stdio: ['inherit', output, output], env: process.env });
    child.on('error', (error) => resolve(`could not start (${error.message})`));
    child.on('close', (code, signal) => resolve(code === 0 ? undefined : `exit ${code ?? signal}`));
  });
}

const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

// The early layers, one after another (both install Node 24 when it is missing), into log files.
const logDir = path.join(ROOT, '.test-artifacts');
mkdirSync(logDir, { recursive: true });
let chain = Promise.resolve();
for (const [i, layer] of layers.filter((l) => l.early).entries()) {
  layer.log = path.join(logDir, `${layer.name}-${i + 1}.log`);
  layer.done = chain.then(async () => {
    const fd = openSync(layer.log, 'w');
    const started = Date.now();
    const failure = await run(layer.cmd, fd);
    closeSync(fd);
    return { failure, took: seconds(started) };
  });
  chain = layer.done;
}

const summary = [];
let failed = false;
for (const layer of layers) {
  const started = Date.now();
  process.stdout.write(`\n=== ${layer.name}: ${layer.cmd.join(' ')}\n`);
  let failure;
  let took;
  if (layer.early) {
    ({ failure, took } = await layer.done);
    process.stdout.write(readFileSync(layer.log, 'utf8'));
    took = `${took} s, begun beside the layers above; waited ${seconds(started)}`;
  } else {
    failure = await run(layer.cmd, 'inherit');
    took = seconds(started);
  }
  summary.push(`${layer.name}: ${failure ? `FAILED (${failure})` : 'ok'} in ${took} s`);
  if (failure) failed = true;
}
process.stdout.write(`\n=== summary\n${summary.join('\n')}\n`);
process.exit(failed ? 1 : 0);
