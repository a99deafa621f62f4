/**
 * Child processes of the bench. Each measured client runs in a process of its own, so that
 * process.cpuUsage() counts its work and nothing else; a child reports one line
 * `BENCH_RESULT <json>` on stdout. Servers report `BENCH_READY <json>` once listening.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BUILD, ROOT } from './paths';

const RESULT = 'BENCH_RESULT ';
const READY = 'BENCH_READY ';

/** Prints the result line a parent waits for. */
export function report(result: unknown): void {
  process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
}

/** Prints the ready line of a server. */
export function ready(info: unknown): void {
  process.stdout.write(`${READY}${JSON.stringify(info)}\n`);
}

function nodeArgs(bundle: string, args: string[]): string[] {
  // --expose-gc: a child may force a collection before it reports memory (it changes nothing else).
  return ['--expose-gc', path.join(BUILD, `${bundle}.js`), ...args];
}

/** Runs a bundled child (bench/children/<bundle>.ts) to completion; resolves its result. */
export function runChild<T>(bundle: string, args: string[], timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(bundle, args), { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bundle} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code !== 0 || !line) return reject(new Error(`${bundle} ${args.join(' ')} exited ${code} without a result\n${out}\n${err}`));
      resolve(JSON.parse(line.slice(RESULT.length)) as T);
    });
  });
}

export interface Server<T> {
  info: T;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a bundled server child and resolves once it says it is ready. */
export function startServer<T>(bundle: string, args: string[], timeoutMs = 60_000): Promise<Server<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(bundle, args), { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${bundle} was not ready within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith(READY));
      if (!line) return;
      settled = true;
      clearTimeout(timer);
      // Only this child, by the handle we spawned it with.
      const stop = () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('close', () => done());
          child.kill('SIGTERM');
        });
      resolve({ info: JSON.parse(line.slice(READY.length)) as T, child, stop });
    });
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${bundle} exited ${code} before it was ready\n${out}\n${err}`));
    });
  });
}
