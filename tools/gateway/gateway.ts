// Runs the real `openclaw` gateway (from npm, under Node 24) against our offline model server, fully
// isolated under .cache/run/<unique>/, for end-to-end tests and `npm start` (the gateway's protocol is
// summarised in README.md's "How it is built"). Beside this file: config.ts writes openclaw.json, model-server.ts
// answers for the model, processes.ts tracks and kills the process tree, readiness.ts probes the
// handshake, tick-hook.ts shortens the tick, run-dirs.ts and ports.ts find room for a run.
//
//   const gw = await startGateway();
//   try { ... new WebSocket(gw.url) ... } finally { await gw.dispose(); }
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdirOwnerOnly } from '../owner-only';
import { CACHE, ROOT } from '../paths';
import { OPENCLAW_VERSION } from '../versions';
import { sleep } from '../wait';
import { HARNESS_MODEL, writeGatewayConfig } from './config';
import { startModelServer, type ModelServer } from './model-server';
import { freePort } from './ports';
import { GatewayProcessTree } from './processes';
import { probeHandshake } from './readiness';
import { uniqueRunDir } from './run-dirs';
import { writeTickHook } from './tick-hook';

/** A cap, not a budget: ready in 7-12 s on a quiet machine, over a minute on a busy one. */
const DEFAULT_READY_TIMEOUT_MS = 180_000;
/** SIGTERM drains running turns (a streaming turn is allowed to finish, ~15 s), so give it room. */
const STOP_GRACE_MS = 25_000;
const LOG_TAIL_LINES = 200;

export interface StartGatewayOptions {
  /** openclaw npm version (default OPENCLAW_VERSION); OPENCLAW_PROTOCOL3_VERSION speaks protocol 3. */
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
   * through a Node loader hook; see tick-hook.ts.
   */
  tickIntervalMs?: number;
  /** Extra top-level keys merged into openclaw.json (shallow per top-level key). */
  config?: Record<string, unknown>;
  /** How long start() waits for a successful handshake (default 180 s). */
  readyTimeoutMs?: number;
  /** Serve `wss://` with this certificate and key (gateway.tls); the handle's url is then wss://. */
  tls?: { certPath: string; keyPath: string };
  /**
   * Run the gateway inside this network namespace (netns.ts), bound to all its addresses, so that
   * a client in the test process reaches it at `ns.address` from `ns.hostAddress`: not loopback to
   * the gateway, which then asks for pairing like any remote gateway. The model server listens on
   * `ns.hostAddress` for it.
   */
  netns?: { name: string; address: string; hostAddress: string };
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
  /**
   * Runs the gateway's own CLI (`openclaw <args>`, e.g. `devices approve <id>`) with the gateway's
   * environment (and in its network namespace), as a person on the gateway host would.
   */
  cli(args: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Final: stop the gateway and the model server. Logs, config and state stay for post-mortems. */
  dispose(): Promise<void>;
}

export interface OpenclawInstall {
  node: string;
  entry: string;
  version: string;
  /** Environment the install needs at run time (a shared plugin-deps stage dir). */
  env: Record<string, string>;
}

export async function ensureOpenclaw(version: string): Promise<OpenclawInstall> {
  // The installer is plain ESM shared with CI scripts; a runtime-computed specifier keeps it out of
  // the TypeScript program (it has no type declarations).
  const spec = pathToFileURL(path.join(ROOT, 'scripts/deps/openclaw.mjs')).href;
  const mod = (await import(spec)) as { ensureOpenclaw(v: string): OpenclawInstall };
  return mod.ensureOpenclaw(version);
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<GatewayHandle> {
  const version = opts.version ?? OPENCLAW_VERSION;
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
  const modelServer = await startModelServer(opts.netns?.hostAddress);
  const host = opts.netns?.address ?? '127.0.0.1';
  const scheme = opts.tls ? 'wss' : 'ws';
  const tlsConfig = opts.tls ? { tls: { enabled: true, autoGenerate: false, certPath: opts.tls.certPath, keyPath: opts.tls.keyPath } } : {};
  const bindConfig = opts.netns ? { bind: 'lan' } : {};
  const extraConfig = { ...opts.config, gateway: { ...(opts.config?.gateway as Record<string, unknown> | undefined), ...tlsConfig, ...bindConfig } };

  const configPath = writeGatewayConfig(stateDir, {
    version: install.version,
    port,
    token,
    modelBaseUrl: modelServer.baseUrl,
    workspace,
    logFile: path.join(runDir, 'openclaw.log'),
    extra: extraConfig,
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
    // openclaw.mjs keeps V8's compiled code under TMPDIR, which is this run's own: every gateway would
    // compile all of its JavaScript afresh. One cache in .cache/ serves every run of a version
    // (Node checks each entry against the source). Marked as already moved, so that openclaw.mjs does
    // not respawn itself into a subfolder: the gateway stays one process, the one the harness signals.
    NODE_COMPILE_CACHE: path.join(CACHE, 'node-compile-cache', install.version),
    OPENCLAW_PACKAGED_COMPILE_CACHE_RESPAWNED: '1',
    ...opts.env,
  };

  const execArgv: string[] = [];
  if (opts.tickIntervalMs !== undefined) execArgv.push('--import', pathToFileURL(writeTickHook(runDir, opts.tickIntervalMs)).href);
  const args = [...execArgv, install.entry, 'gateway', 'run', '--port', String(port), '--bind', opts.netns ? 'lan' : 'loopback'];
  // In a namespace: `ip netns exec` execs the gateway in place, so the pid (and group) stay its own.
  const [command, commandArgs] = opts.netns ? ['ip', ['netns', 'exec', opts.netns.name, install.node, ...args]] : [install.node, args];

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
    const proc = spawn(command, commandArgs, { cwd: workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const probe = await probeHandshake(`${scheme}://${host}:${port}`, token);
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
    url: `${scheme}://${host}:${port}`,
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
    cli(cliArgs, timeoutMs = 120_000) {
      const [cmd, full] = opts.netns
        ? ['ip', ['netns', 'exec', opts.netns.name, install.node, install.entry, ...cliArgs]]
        : [install.node, [install.entry, ...cliArgs]];
      return new Promise((resolve) => {
        const proc = spawn(cmd, full, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        proc.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
        proc.once('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      });
    },
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
