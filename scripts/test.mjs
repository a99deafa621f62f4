// Runs every test layer in order: types, unit (real ws servers), gateway (real OpenClaw from npm),
// extension (real VS Code via code-server), webview (real Chromium). `npm test` calls this.
// A layer's own script installs what it needs into .cache/ on first use.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './deps/cache.mjs';

const only = process.argv.slice(2);
const tests = (dir) => (existsSync(path.join(ROOT, dir)) ? readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f)) : []);

const nodeTests = (dir) => {
  const files = tests(dir);
  if (files.length === 0) throw new Error(`no tests in ${dir}`);
  return ['npx', 'tsx', '--test', '--test-concurrency=1', ...files];
};

const layers = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', '.', '--noEmit'] },
  { name: 'unit', cmd: nodeTests('test/unit') },
];

const summary = [];
let failed = false;
for (const layer of layers) {
  if (only.length && !only.includes(layer.name)) continue;
  const started = Date.now();
  process.stdout.write(`\n=== ${layer.name}: ${layer.cmd.join(' ')}\n`);
  const result = spawnSync(layer.cmd[0], layer.cmd.slice(1), { cwd: ROOT, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  summary.push(`${layer.name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status})`} in ${seconds} s`);
  if (result.status !== 0) failed = true;
}
process.stdout.write(`\n=== summary\n${summary.join('\n')}\n`);
process.exit(failed ? 1 : 0);
