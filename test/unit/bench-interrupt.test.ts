/**
 * Bench hygiene: `--help` prints the usage and runs nothing, and a bench interrupted half-way
 * (SIGINT, as Ctrl+C sends, or SIGTERM) leaves none of the processes it started behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { descendants, isAlive } from '../../tools/process-tree';
import { waitUntil } from '../../tools/wait';

const ROOT = path.resolve(__dirname, '..', '..');
const BENCH = path.join(ROOT, 'scripts', 'bench.mjs');

/** The command line of a process, or '' once it is gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

describe('node scripts/bench.mjs', () => {
  it('--help prints the usage and exits without building or running a bench', () => {
    const result = spawnSync(process.execPath, [BENCH, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /node scripts\/bench\.mjs client host/);
    assert.match(result.stdout, /--baseline/);
    assert.doesNotMatch(result.stdout + result.stderr, /\[client\]|machine:/);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(
      `interrupted by ${signal} while a client runs, ends its stream server and client processes`,
      { skip: process.platform !== 'linux' && 'reads /proc' },
      async () => {
        const bench = spawn(process.execPath, [BENCH, 'client', '--quick'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        bench.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        bench.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          bench.once('exit', (code, sig) => resolve({ code, signal: sig })),
        );
        try {
          // Half-way: the stream server is up and a measured client process is running.
          let seen: number[] = [];
          const running = await waitUntil(
            () => {
              seen = descendants(bench.pid!);
              const lines = seen.map(commandLine);
              return lines.some((l) => l.includes('stream-server.js')) && lines.some((l) => /build\/client\.js/.test(l));
            },
            180_000,
            20,
          );
          assert.ok(running, `the bench never had its stream server and a client running\n${output}`);
          assert.ok(seen.length >= 3, `bench index, stream server and client: ${seen.join(' ')}`);
          bench.kill(signal);
          const { code } = await exited;
          assert.equal(code, signal === 'SIGINT' ? 130 : 143, output);
          assert.match(output, new RegExp(`${signal}: ending the bench's processes`));
          // Each process it had started is gone (or a zombie waiting for init to reap it).
          const gone = await waitUntil(() => seen.every((pid) => !isAlive(pid)), 15_000);
          assert.ok(
            gone,
            `still running after the bench exited: ${seen
              .filter(isAlive)
              .map((pid) => `${pid} ${commandLine(pid)}`)
              .join('; ')}`,
          );
        } finally {
          if (bench.exitCode === null && bench.signalCode === null) bench.kill('SIGKILL');
        }
      },
    );
  }
});
