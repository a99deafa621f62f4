// Runs an extension and its in-host test suite inside a real VS Code on a headless, offline machine:
// code-server (VS Code OSS with a Node extension host) plus Debian's chromium driven by
// playwright-core. shared/vscode/HEADLESS.md explains the route; tools/code-server/ is the machinery:
// this file starts and stops the server in a run dir of its own, workbench.ts opens it in chromium,
// webview-frame.ts and prompts.ts drive the page, install.ts installs a .vsix.
//
// Typical use:
//   const server = await startCodeServer({ runDir });
//   const wb = await openWorkbench(server, { extensionDevelopmentPath, extensionTestsPath, workspace });
//   assert.equal(await wb.exitCode, 0);                 // the suite's run() settled
//   const chat = await findWebviewFrame(wb.page, '[aria-label="Message OpenClaw"]');
//   await wb.close(); await server.stop();
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdirOwnerOnly, writeFileOwnerOnly } from '../owner-only';
import { ROOT } from '../paths';
import { killGroup } from './process-group';

export type ColorTheme = 'Default Dark Modern' | 'Default Light Modern' | (string & {});

/** Settings that keep the workbench from opening welcome pages, AI chat, trust prompts, telemetry. */
export const QUIET_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  // The secondary side bar would otherwise open empty (AI chat is off) and take a third of the width.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServerBinary {
  node: string;
  entry: string;
}

/** Where code-server keeps what a run writes; all of it inside one run directory. */
export interface CodeServerDirs {
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
}

export interface CodeServer extends CodeServerDirs {
  port: number;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** pid of the server, which is also the id of its process group (it was started with setsid). */
  pid: number;
  /** The password it asks for (StartOptions.password); openWorkbench signs in with it. */
  password?: string;
  /** Path of its stdout/stderr log (also kept in memory in `output`). */
  logFile: string;
  output: string[];
  /** Merges `patch` into the user settings.json. Takes effect for pages loaded afterwards: a page
   *  already open does not see the file change (use setColorTheme for a live theme switch). */
  updateUserSettings(patch: Record<string, unknown>): void;
  /** Kills the whole process group (server, extension hosts, watchers) and waits until it is gone. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Everything goes here: user data, extensions, XDG dirs, TMPDIR, logs (code-server.log,
   *  workbench-logs/). Only the unix sockets live elsewhere (see shortSocketDir). */
  runDir: string;
  /** Extra user settings on top of QUIET_USER_SETTINGS. */
  settings?: Record<string, unknown>;
  colorTheme?: ColorTheme;
  /** Environment for the server and so for its extension hosts (merged over the cleaned parent env). */
  env?: Record<string, string>;
  /** How long to wait for "HTTP server listening"; default 60 s. */
  startTimeoutMs?: number;
  /** Ask for this password (--auth password) instead of letting anyone in (--auth none, for tests).
   *  It goes through the environment (PASSWORD): a command line is visible to every local user. */
  password?: string;
  /** Workspace trust as a person has it: on, asking at the first open of each folder. Off by default. */
  workspaceTrust?: boolean;
}

export interface Installer {
  ensureCodeServer(): CodeServerBinary;
  ensureChromium(): string;
}

// The installer is the .mjs script that CI also runs. It is imported at run time through a computed
// URL because this file is typed as CommonJS and may not statically import an untyped ES module.
export function installer(): Promise<Installer> {
  const script = path.join(ROOT, 'scripts/deps/code-server.mjs');
  return import(pathToFileURL(script).href) as Promise<Installer>;
}

/** The folders of a run dir, as absolute paths. */
export function dirsOf(runDir: string): CodeServerDirs {
  const abs = path.resolve(runDir);
  return { runDir: abs, userDataDir: path.join(abs, 'user-data'), extensionsDir: path.join(abs, 'extensions') };
}

/** Creates the run dir's folders; the run dir and the profile (user data) are the owner's alone. */
export function makeDirs(dirs: CodeServerDirs): void {
  for (const dir of [dirs.runDir, dirs.userDataDir]) mkdirOwnerOnly(dir);
  mkdirSync(dirs.extensionsDir, { recursive: true });
}

/**
 * The server's environment: the parent's minus anything that would make code-server act as a CLI of
 * another VS Code (VSCODE_IPC_HOOK_CLI from an integrated terminal) or of another code-server, with
 * the XDG dirs and TMPDIR pointed into the run dir and the marketplace switched off.
 */
export function serverEnv(dirs: CodeServerDirs, node: string, socketDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // A PASSWORD or HASHED_PASSWORD of the caller's would be taken as the server's password.
    if (/^(VSCODE_|CODE_SERVER_|ELECTRON_)|^(HASHED_)?PASSWORD$/.test(key)) continue;
    env[key] = value;
  }
  // Owner-only: code-server writes xdg-config/code-server/config.yaml with a password of its own
  // making (unused: StartOptions.password goes through PASSWORD, which wins).
  const xdg = (name: string) => mkdirOwnerOnly(path.join(dirs.runDir, name));
  return {
    ...env,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: xdg('xdg-config'),
    XDG_DATA_HOME: xdg('xdg-data'),
    XDG_CACHE_HOME: xdg('xdg-cache'),
    // VS Code puts its IPC sockets here; see shortSocketDir.
    XDG_RUNTIME_DIR: socketDir,
    TMPDIR: xdg('tmp'),
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/**
 * A short directory for unix sockets. A socket path may not exceed 107 bytes on Linux, and VS Code
 * names its sockets like vscode-ipc-<uuid>.sock (52 characters): under a run dir inside a checkout
 * that is already about 105, so the sockets live in /tmp/ocvs-XXXXXX instead.
 */
export function shortSocketDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ocvs-'));
}

function settingsFile(dirs: CodeServerDirs): string {
  return path.join(dirs.userDataDir, 'User', 'settings.json');
}

function writeUserSettings(dirs: CodeServerDirs, patch: Record<string, unknown>): void {
  const file = settingsFile(dirs);
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first write, or not ours: start over
  }
  mkdirOwnerOnly(path.dirname(file));
  writeFileOwnerOnly(file, `${JSON.stringify({ ...current, ...patch }, null, 2)}\n`);
}

/**
 * Starts code-server on 127.0.0.1 (a free port chosen by the kernel) in its own process group, with
 * the smoke-test driver enabled so that the workbench URL can carry extensionDevelopmentPath and
 * extensionTestsPath. Resolves once the server answers /healthz.
 */
export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const { node, entry } = (await installer()).ensureCodeServer();
  const dirs = dirsOf(options.runDir);
  makeDirs(dirs);
  writeUserSettings(dirs, {
    ...QUIET_USER_SETTINGS,
    ...(options.colorTheme ? { 'workbench.colorTheme': options.colorTheme } : {}),
    ...(options.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' } : {}),
    ...options.settings,
  });

  const socketDir = shortSocketDir();
  const logFile = path.join(dirs.runDir, 'code-server.log');
  const log = createWriteStream(logFile);
  const output: string[] = [];
  const child = spawn(
    node,
    [
      entry,
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      options.password ? 'password' : 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--ignore-last-opened',
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--session-socket',
      path.join(socketDir, 'session.sock'),
      // After the browser goes away the extension host lingers this long (s) before it is shut down.
      '--reconnection-grace-time',
      '5',
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    {
      // detached = setsid: the server leads a new process group that also holds its extension
      // hosts and file watchers, so stop() can kill all of them at once.
      detached: true,
      cwd: dirs.runDir,
      env: serverEnv(dirs, node, socketDir, { ...options.env, ...(options.password ? { PASSWORD: options.password } : {}) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= killGroup(pid).finally(() => {
      log.end();
      rmSync(socketDir, { recursive: true, force: true });
    });
    return stopped;
  };

  // Everything it prints goes to the log file and to `output`, for the whole life of the server.
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      log.write(chunk);
    });
  }
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${startTimeoutMs} ms`)), startTimeoutMs);
      // The port is only known from the log line, since the kernel picked it (--bind-addr ...:0).
      const onData = () => {
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output.join(''));
        if (!match) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        resolve(Number(match[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited early (${code ?? sig})`));
      });
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (!health?.ok) throw new Error(`code-server on port ${port} does not answer /healthz`);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output.join('')}`, { cause: err });
  }

  return {
    ...dirs,
    port,
    url: `http://127.0.0.1:${port}/`,
    pid,
    password: options.password,
    logFile,
    output,
    updateUserSettings: (patch) => writeUserSettings(dirs, patch),
    stop,
  };
}

/** Removes a run dir left by an earlier run (code-server refuses nothing, but stale state confuses). */
export function freshRunDir(runDir: string): string {
  const abs = path.resolve(runDir);
  rmSync(abs, { recursive: true, force: true });
  return mkdirOwnerOnly(abs);
}
