/** The machine a result was taken on: cores, CPU, memory, Node and Chromium versions. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  chromium: string;
  os: string;
}

export async function machine(): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let chromium = 'not found';
  try {
    // Debian's wrapper script prints a shell warning on stderr; only the version line matters.
    chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // no chromium: the render and history benches will say so
  }
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || nproc;
  } catch {
    // keep Node's count
  }
  return { nproc, cpu, memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10, node: process.version, chromium, os: `${os.type()} ${os.release()}` };
}
