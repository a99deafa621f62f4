// Runs every test layer in order: types, lint and format, unit (real ws servers), webview (real
// Chromium), gateway (real OpenClaw from npm), extension (real VS Code via code-server). `npm test` calls
// this; with layer names as arguments it runs only those (`npm test -- unit gateway`).
// The heavy test dependencies install themselves into .cache/ first (once; later runs reuse them).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './deps/cache.mjs';

const only = process.argv.slice(2);

/** node:test files of a folder; a layer with none is a mistake, not a pass. */
const nodeTests = (dir) => {
  const folder = path.join(ROOT, dir);
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => path.join(dir, f))
    : [];
  if (files.length === 0) throw new Error(`no tests in ${dir}`);
  return ['npx', 'tsx', '--test', '--test-concurrency=1', ...files];
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
  { name: 'deps', cmd: ['node', 'scripts/deps/code-server.mjs'] },
  { name: 'webview', cmd: nodeTests('test/webview') },
  { name: 'deps', cmd: ['node', 'scripts/deps/openclaw.mjs'] }, // both versions the tests use
  { name: 'gateway', cmd: nodeTests('test/gateway') },
  { name: 'extension', cmd: nodeTests('test/extension') },
];

const summary = [];
let failed = false;
for (const layer of layers) {
  if (only.length && !only.includes(layer.name)) continue;
  const started = Date.now();
  process.stdout.write(`\n=== ${layer.name}: ${layer.cmd.join(' ')}\n`);
  const result = spawnSync(layer.cmd[0], layer.cmd.slice(1), { cwd: ROOT, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  summary.push(`${layer.name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`);
  if (result.status !== 0) failed = true;
}
process.stdout.write(`\n=== summary\n${summary.join('\n')}\n`);
process.exit(failed ? 1 : 0);
