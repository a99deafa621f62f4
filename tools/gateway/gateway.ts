// Runs the real `openclaw` gateway (from npm, under Node 24) against our offline model server, fully
// isolated under .cache/run/<unique>/, for end-to-end tests. See /work/shared/openclaw/GATEWAY.md.
//
//   const gw = await startGateway();
//   try { ... new WebSocket(gw.url) ... } finally { await gw.dispose(); }
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { mkdirOwnerOnly } from '../owner-only';
import { HARNESS_MODEL, writeGatewayConfig } from './config';
import { startModelServer, type ModelServer } from './model-server';

export { compareVersions } from './config';

const ROOT = path.resolve(__dirname, '../..');
const CACHE = process.env.OPENCLAW_VSCODE_CACHE ?? path.join(ROOT, '.cache');
export const DEFAULT_OPENCLAW_VERSION = '2026.9.6';
export const PROTOCOL3_OPENCLAW_VERSION = '2026.4.27';

const DEFAULT_READY_TIMEOUT_MS = 60_000;
/** SIGTERM drains running turns (a streaming turn is allowed to finish, ~15 s), so give it room. */
const STOP_GRACE_MS = 25_000;
const LOG_TAIL_LINES = 200;

export interface StartGatewayOptions {
  /** openclaw npm version; 2026.9.x speaks protocol 4, 2026.4.27 protocol 3. */
  version?: string;
  /** Shared gateway token (gateway.auth.token). Random when omitted. */
  token?: string;
  /** Loopback port; a free one is picked when omitted. */
  port?: number;
  /**
   * OPENCLAW_STATE_DIR to use (e.g. a previous handle's `stateDir`, to start a fresh gateway on old
   * sessions and pairings). A new one under the run dir when omitted. Config and workspace live in it.
   */
  stateDir?: string;
  /** Extra environment for the gateway process (wins over the harness defaults). */
  env?: Record<string, string>;
  /**
   * Test-only: override the gateway's hard-coded 30 s tick (`policy.tickIntervalMs` and the `tick`
   * event period). OpenClaw has no setting for it, so this rewrites the constant at module load
   * through a Node loader hook; see tick-hook below.
   */
  tickIntervalMs?: number;
  /** Extra top-level keys merged into openclaw.json (shallow per top-level key). */
  config?: Record<string, unknown>;
  /** How long start() waits for a successful handshake (default 60 s). */
  readyTimeoutMs?: number;
}

export interface GatewayHandle {
  url: string;
  port: number;
  token: string;
  stateDir: string;
  configPath: string;
  /** "<provider>/<model>" as configured in agents.defaults.model.primary. */
  model: string;
  /** PID of the current gateway process, which is also its process group id; 0 when not running. */
  readonly pid: number;
  version: string;
  /** Root of this run's private dirs (HOME, TMPDIR, logs). */
  runDir: string;
  modelServer: ModelServer;
  /** True while the gateway process is alive. */
  readonly running: boolean;
  /** True when no process of the last gateway run is left (its group and every helper seen). */
  readonly processesGone: boolean;
  /** Sends a signal to the gateway's whole process group. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, wait for exit (it drains running turns), then SIGKILL whatever is left of the group. */
  stop(): Promise<void>;
  /** SIGKILL the process group now. */
  kill(): Promise<void>;
  /** Start again on the same port, state dir and token, and wait until ready. */
  start(): Promise<void>;
  /** The last lines of the gateway's stdout/stderr. */
  logTail(): string;
  /** Final: stop the gateway and the model server. Logs, config and state stay for post-mortems. */
  dispose(): Promise<void>;
}

interface OpenclawInstall {
  node: string;
  entry: string;
  version: string;
  /** Environment the install needs at run time (a shared plugin-deps stage dir). */
  env: Record<string, string>;
}

async function ensureOpenclaw(version: string): Promise<OpenclawInstall> {
  // The installer is plain ESM shared with CI scripts; a runtime-computed specifier keeps it out of
  // the TypeScript program (it has no type declarations).
  const spec = pathToFileURL(path.join(ROOT, 'scripts/deps/openclaw.mjs')).href;
  const mod = (await import(spec)) as { ensureOpenclaw(v: string): OpenclawInstall };
  return mod.ensureOpenclaw(version);
}

/** Asks the OS for a free loopback port. Racy in theory, fine for tests that bind right away. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Run dirs keep logs and state for post-mortems, and add up (tens of MB each). Those older than a
 * few hours go, except the newest few: a run still in progress is never that old.
 */
function pruneRunDirs(keep = 6, maxAgeMs = 3 * 3600_000): void {
  const root = path.join(CACHE, 'run');
  if (!existsSync(root)) return;
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ dir: path.join(root, e.name), mtime: statSync(path.join(root, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { dir, mtime } of dirs.slice(keep)) {
    if (Date.now() - mtime > maxAgeMs) rmSync(dir, { recursive: true, force: true });
  }
}

function uniqueRunDir(): string {
  pruneRunDirs();
  const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return path.join(CACHE, 'run', name);
}

// ---- Process bookkeeping -------------------------------------------------------------------------
// The gateway runs in its own process group (spawned detached), so one signal reaches it and the
// helpers it starts in that group. Some helpers leave the group: 2026.9.6 starts its "spawn broker"
// with its own session, and a CLI respawn may detach too. So the harness also remembers every
// descendant it has seen (from /proc, with its start time so a recycled PID is never hit) and
// kills those individually.

interface ProcRef {
  pid: number;
  /** /proc/<pid>/stat field 22, to tell the process apart from a later one reusing its PID. */
  startTime: string;
}

/** Reads (ppid, starttime) of every process from /proc; empty where /proc is unavailable. */
function readProcTable(): Map<number, { ppid: number; startTime: string }> {
  const table = new Map<number, { ppid: number; startTime: string }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parens: parse after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(fields[1]), startTime: fields[19] });
    } catch {
      // The process went away while we looked.
    }
  }
  return table;
}

function descendantsOf(rootPid: number): ProcRef[] {
  const table = readProcTable();
  const found: ProcRef[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [pid, info] of table) {
      if (info.ppid === parent) {
        found.push({ pid, startTime: info.startTime });
        queue.push(pid);
      }
    }
  }
  return found;
}

function isSameProcessAlive(ref: ProcRef): boolean {
  try {
    const stat = readFileSync(`/proc/${ref.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie (state Z) is already dead; it only waits for its parent to reap it.
    return fields[19] === ref.startTime && fields[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether any live (non-zombie) process is left in the group. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(0) also succeeds for zombies; look closer where /proc allows.
  const table = readProcTable();
  if (table.size === 0) return true;
  for (const pid of table.keys()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // gone
    }
  }
  return false;
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function killRef(ref: ProcRef, sig: NodeJS.Signals): void {
  if (!isSameProcessAlive(ref)) return;
  try {
    process.kill(ref.pid, sig);
  } catch {
    // Exited in between.
  }
}

/** One gateway process and everything it started: signalled, killed and awaited as a unit. */
class GatewayProcessTree {
  private readonly seen = new Map<number, ProcRef>();
  private readonly refresh: NodeJS.Timeout;

  constructor(readonly leader: number) {
    liveTrees.add(this);
    installExitHooks();
    // Catch helpers while their parent is alive: once it dies they are re-parented and untraceable.
    this.refresh = setInterval(() => this.snapshot(), 2000);
    this.refresh.unref();
  }

  snapshot(): void {
    for (const ref of descendantsOf(this.leader)) this.seen.set(ref.pid, ref);
  }

  /** Signal to the leader's process group (what a supervisor would do). */
  signal(sig: NodeJS.Signals): void {
    killGroup(this.leader, sig);
  }

  /** SIGKILL the group and every descendant ever seen; resolves when all are gone (or after 5 s). */
  async killAll(): Promise<boolean> {
    this.snapshot();
    killGroup(this.leader, 'SIGKILL');
    for (const ref of this.seen.values()) killRef(ref, 'SIGKILL');
    const gone = await waitFor(() => this.allGone(), 5000);
    clearInterval(this.refresh);
    liveTrees.delete(this);
    return gone;
  }

  /** Synchronous last resort for process exit. */
  killAllNow(): void {
    this.snapshot();
    killGroup(this.leader, 'SIGKILL');
    for (const ref of this.seen.values()) killRef(ref, 'SIGKILL');
  }

  allGone(): boolean {
    return !groupAlive(this.leader) && [...this.seen.values()].every((ref) => !isSameProcessAlive(ref));
  }
}

// Gateways still running when the test process exits (a failed test that never reached dispose, or
// Ctrl-C) are killed here, so none outlives the run.
const liveTrees = new Set<GatewayProcessTree>();
let exitHooksInstalled = false;
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const tree of liveTrees) tree.killAllNow();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const tree of liveTrees) tree.killAllNow();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(stepMs);
  }
  return cond();
}

type ProbeResult = { ready: true } | { ready: false; fatal?: string };

/**
 * One readiness probe: a token-only handshake. `connect.challenge` alone is not enough: the gateway
 * sends it while still starting its sidecars and then answers `connect` with
 * UNAVAILABLE {details.reason: "startup-sidecars"}. A device-less `gateway-client`/`backend`
 * connection pairs nothing and leaves no state behind. Any other handshake error (a token
 * mismatch, say) will not heal by waiting, so it is reported as fatal.
 */
function probeHandshake(url: string, token: string, timeoutMs = 5000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const done = (result: ProbeResult) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'harness probe');
      else ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ready: false }), timeoutMs);
    ws.on('message', (data) => {
      let frame: { type?: string; event?: string; ok?: boolean; error?: { code?: string; message?: string; retryable?: boolean } };
      try {
        frame = JSON.parse(String(data));
      } catch {
        return done({ ready: false });
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        const params = {
          minProtocol: 3,
          maxProtocol: 4,
          client: { id: 'gateway-client', version: 'harness-probe', platform: process.platform, mode: 'backend' },
          role: 'operator',
          scopes: [],
          caps: [],
          auth: { token },
        };
        ws.send(JSON.stringify({ type: 'req', id: 'harness-probe', method: 'connect', params }));
      } else if (frame.type === 'res') {
        if (frame.ok) return done({ ready: true });
        const err = frame.error ?? {};
        done(err.code === 'UNAVAILABLE' || err.retryable ? { ready: false } : { ready: false, fatal: `${err.code}: ${err.message}` });
      }
    });
    ws.on('error', () => done({ ready: false }));
    ws.on('close', () => done({ ready: false }));
  });
}

/**
 * The gateway's tick period is `const TICK_INTERVAL_MS = 3e4;` in a `server-constants-*.{js,mjs}`
 * chunk (both 2026.4.27 and 2026.9.6), read by the hello-ok policy and the tick timer alike. This
 * preload registers a load hook that rewrites that one line, so both stay consistent. Respawned CLI
 * children keep it because openclaw passes its execArgv on.
 */
function writeTickHook(dir: string, tickIntervalMs: number): string {
  const file = path.join(dir, 'tick-hook.mjs');
  const ms = Math.max(1, Math.floor(tickIntervalMs));
  writeFileSync(
    file,
    `// Generated by tools/gateway/gateway.ts: test-only override of the gateway tick period.
import { registerHooks } from 'node:module';
registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    if (!/server-constants-[^/]*\\.m?js$/.test(url) || result.source == null) return result;
    const source = String(result.source).replace(/const TICK_INTERVAL_MS = [^;]+;/, 'const TICK_INTERVAL_MS = ${ms};');
    return { ...result, source };
  },
});
`,
  );
  return file;
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<GatewayHandle> {
  const version = opts.version ?? DEFAULT_OPENCLAW_VERSION;
  const install = await ensureOpenclaw(version);

  const runDir = uniqueRunDir();
  const stateDir = path.resolve(opts.stateDir ?? path.join(runDir, 'state'));
  const home = path.join(runDir, 'home');
  const tmp = path.join(runDir, 'tmp');
  const workspace = path.join(stateDir, 'workspace');
  // A run holds the token (state/openclaw.json), device pairings, sessions and logs, and is the
  // gateway's HOME and TMPDIR: all of it is the owner's alone.
  for (const dir of [runDir, stateDir, home, tmp, workspace]) mkdirOwnerOnly(dir);
  // Something for the TOOL turn's `ls` to find.
  if (!existsSync(path.join(workspace, 'README.md'))) writeFileSync(path.join(workspace, 'README.md'), '# harness workspace\n');

  const token = opts.token ?? `harness-${randomBytes(12).toString('hex')}`;
  const port = opts.port ?? (await freePort());
  const modelServer = await startModelServer();

  const configPath = writeGatewayConfig(stateDir, {
    version: install.version,
    port,
    token,
    modelBaseUrl: modelServer.baseUrl,
    workspace,
    logFile: path.join(runDir, 'openclaw.log'),
    extra: opts.config,
  });

  // Nothing of the developer's own OpenClaw setup may leak in (notably OPENCLAW_GATEWAY_TOKEN).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENCLAW_')));
  const env: Record<string, string | undefined> = {
    ...inherited,
    PATH: `${path.dirname(install.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    USERPROFILE: home,
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    OPENCLAW_HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_OFFLINE: '1',
    OPENCLAW_SKIP_CHANNELS: '1',
    // Restarts stay in-process instead of handing off to a fresh (detached) gateway process.
    OPENCLAW_NO_RESPAWN: '1',
    DO_NOT_TRACK: '1',
    ...install.env,
    // The tests' own NODE_OPTIONS (tsx loaders) must not be applied to the Node 24 gateway.
    NODE_OPTIONS: undefined,
    // With NODE_COMPILE_CACHE set, openclaw.mjs respawns itself to move the cache; keep one process.
    NODE_COMPILE_CACHE: undefined,
    ...opts.env,
  };

  const execArgv: string[] = [];
  if (opts.tickIntervalMs !== undefined) execArgv.push('--import', pathToFileURL(writeTickHook(runDir, opts.tickIntervalMs)).href);
  const args = [...execArgv, install.entry, 'gateway', 'run', '--port', String(port), '--bind', 'loopback'];

  // The gateway's stdout/stderr go to gateway.out.log (whole) and to an in-memory tail for errors.
  const outLog: WriteStream = createWriteStream(path.join(runDir, 'gateway.out.log'), { flags: 'a' });
  outLog.on('error', () => {});
  const tail: string[] = [];
  let partial = '';
  const record = (chunk: Buffer | string) => {
    // Output can still trickle in after 'exit' (stdio closes later) and after dispose().
    if (!outLog.writableEnded) outLog.write(chunk);
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines);
    if (tail.length > LOG_TAIL_LINES) tail.splice(0, tail.length - LOG_TAIL_LINES);
  };
  const logTail = () => [...tail, partial].filter(Boolean).join('\n');

  let child: ChildProcess | undefined;
  let tree: GatewayProcessTree | undefined;
  let exited: Promise<void> = Promise.resolve();

  const isRunning = () => !!child && child.exitCode === null && child.signalCode === null;

  const spawnGateway = () => {
    record(`[harness] ${new Date().toISOString()} starting openclaw@${install.version} on port ${port}\n`);
    // Own process group (detached) so that one signal reaches the gateway and its helpers.
    const proc = spawn(install.node, args, { cwd: workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    tree = proc.pid ? new GatewayProcessTree(proc.pid) : undefined;
    proc.stdout?.on('data', record);
    proc.stderr?.on('data', record);
    exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, sig) => {
        record(`[harness] gateway exited (code ${code}, signal ${sig})\n`);
        resolve();
      });
      proc.once('error', (err) => {
        record(`[harness] spawn failed: ${err.message}\n`);
        resolve();
      });
    });
  };

  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const waitReady = async () => {
    const started = Date.now();
    while (Date.now() - started < readyTimeoutMs) {
      if (!isRunning()) throw new Error(`openclaw gateway exited during startup.\n--- log tail ---\n${logTail()}`);
      const probe = await probeHandshake(`ws://127.0.0.1:${port}`, token);
      if (probe.ready) {
        record(`[harness] ready after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        tree?.snapshot();
        return;
      }
      if (probe.fatal) throw new Error(`openclaw gateway refused the readiness handshake (${probe.fatal}).\n--- log tail ---\n${logTail()}`);
      await sleep(250);
    }
    throw new Error(`openclaw gateway not ready after ${readyTimeoutMs / 1000} s.\n--- log tail ---\n${logTail()}`);
  };

  /** Kills whatever is left of the current process tree and waits for it to be gone. */
  const finish = async () => {
    const t = tree;
    if (!t) return;
    if (!(await t.killAll())) record(`[harness] warning: processes of gateway ${t.leader} survived SIGKILL\n`);
    await exited;
  };

  const stop = async () => {
    if (isRunning() && tree) {
      tree.snapshot();
      tree.signal('SIGTERM');
      // The grace timer is cleared once the gateway exits, so it never keeps the test process alive.
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<boolean>((resolve) => (graceTimer = setTimeout(() => resolve(true), STOP_GRACE_MS)));
      const timedOut = await Promise.race([exited.then(() => false), grace]);
      clearTimeout(graceTimer);
      if (timedOut) record(`[harness] no exit ${STOP_GRACE_MS / 1000} s after SIGTERM, killing\n`);
    }
    await finish();
  };

  const kill = async () => {
    await finish();
  };

  const start = async () => {
    if (isRunning()) throw new Error('gateway is already running');
    // A previous stop() may have left nothing running, but make sure no straggler holds the port.
    await finish();
    spawnGateway();
    try {
      await waitReady();
    } catch (err) {
      await kill();
      throw err;
    }
  };

  const handle: GatewayHandle = {
    url: `ws://127.0.0.1:${port}`,
    port,
    token,
    stateDir,
    configPath,
    model: HARNESS_MODEL,
    get pid() {
      return isRunning() ? (child?.pid ?? 0) : 0;
    },
    version: install.version,
    runDir,
    modelServer,
    get running() {
      return isRunning();
    },
    signal(sig) {
      if (isRunning()) tree?.signal(sig);
    },
    get processesGone() {
      return !tree || tree.allGone();
    },
    stop,
    kill,
    start,
    logTail,
    async dispose() {
      try {
        await stop();
      } finally {
        await modelServer.close();
        await new Promise<void>((r) => outLog.end(() => r()));
        // About 100 MB a run is regenerable cache (Node's compile cache in TMPDIR, the control UI's
        // unpacked assets); logs, config and sessions stay.
        for (const dir of [tmp, path.join(stateDir, 'cache', 'control-ui-assets')]) rmSync(dir, { recursive: true, force: true });
      }
    },
  };

  try {
    await start();
  } catch (err) {
    await modelServer.close();
    outLog.end();
    throw err;
  }
  return handle;
}
