// Runs an extension and its in-host test suite inside a real VS Code on a headless, offline machine:
// code-server (VS Code OSS with a Node extension host) plus Debian's chromium driven by
// playwright-core. shared/vscode/HEADLESS.md explains the route; this file is the machinery.
//
// Typical use:
//   const server = await startCodeServer({ runDir });
//   const wb = await openWorkbench(server, { extensionDevelopmentPath, extensionTestsPath, workspace });
//   assert.equal(await wb.exitCode, 0);                 // the suite's run() settled
//   const chat = await findWebviewFrame(wb.page, '[aria-label="Message OpenClaw"]');
//   await wb.close(); await server.stop();
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import { mkdirOwnerOnly, writeFileOwnerOnly } from '../owner-only';

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


interface CodeServerBinary {
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

interface Installer {
  ensureCodeServer(): CodeServerBinary;
  ensureChromium(): string;
}

// The installer is the .mjs script that CI also runs. It is imported at run time through a computed
// URL because this file is typed as CommonJS and may not statically import an untyped ES module.
function installer(): Promise<Installer> {
  const script = path.resolve(__dirname, '../../scripts/deps/code-server.mjs');
  return import(pathToFileURL(script).href) as Promise<Installer>;
}

function dirsOf(runDir: string): CodeServerDirs {
  const abs = path.resolve(runDir);
  return { runDir: abs, userDataDir: path.join(abs, 'user-data'), extensionsDir: path.join(abs, 'extensions') };
}

/** Creates the run dir's folders; the run dir and the profile (user data) are the owner's alone. */
function makeDirs(dirs: CodeServerDirs): void {
  for (const dir of [dirs.runDir, dirs.userDataDir]) mkdirOwnerOnly(dir);
  mkdirSync(dirs.extensionsDir, { recursive: true });
}

/**
 * The server's environment: the parent's minus anything that would make code-server act as a CLI of
 * another VS Code (VSCODE_IPC_HOOK_CLI from an integrated terminal) or of another code-server, with
 * the XDG dirs and TMPDIR pointed into the run dir and the marketplace switched off.
 */
function serverEnv(dirs: CodeServerDirs, node: string, socketDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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
function shortSocketDir(): string {
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

/** Live members of a process group. Zombies do not count: in a container nobody may reap them. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(name));
  }
  return members;
}

async function killGroup(pgid: number, graceMs = 5_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // ESRCH: already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processGroupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      signal('SIGKILL');
      await delay(200);
      if (processGroupMembers(pgid).length === 0) return;
      if (Date.now() > deadline + 5_000) throw new Error(`process group ${pgid} survived SIGKILL: ${processGroupMembers(pgid).join(' ')}`);
      continue;
    }
    await delay(100);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
      '--bind-addr', '127.0.0.1:0',
      '--auth', options.password ? 'password' : 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--ignore-last-opened',
      '--user-data-dir', dirs.userDataDir,
      '--extensions-dir', dirs.extensionsDir,
      '--session-socket', path.join(socketDir, 'session.sock'),
      // After the browser goes away the extension host lingers this long (s) before it is shut down.
      '--reconnection-grace-time', '5',
      '--vscode-option', 'enable-smoke-test-driver',
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
  for (const stream of [child.stdout!, child.stderr!]) {
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
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve(Number(match[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited early (${code ?? sig})`));
      });
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (!health?.ok) throw new Error(`code-server on port ${port} does not answer /healthz`);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output.join('')}`);
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

/**
 * Installs a packaged extension into the extensions dir of a server (or of dirs a server will use).
 * Best done before startCodeServer: a running server may not pick it up until the next window.
 * An extension that does not declare capabilities.untrustedWorkspaces still works here, because
 * startCodeServer disables workspace trust.
 */
export async function installVsix(target: CodeServerDirs | { runDir: string }, vsixPath: string): Promise<string> {
  const { node, entry } = (await installer()).ensureCodeServer();
  const dirs = dirsOf(target.runDir);
  makeDirs(dirs);
  const socketDir = shortSocketDir();
  try {
    return execFileSync(
      node,
      [entry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', path.resolve(vsixPath)],
      { env: serverEnv(dirs, node, socketDir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(socketDir, { recursive: true, force: true });
  }
}

/**
 * Name of the extension-host environment variable that holds the path of the "release" file when
 * openWorkbench runs with holdSuite. VS Code stops the extension host as soon as the suite's run()
 * settles, and every webview goes with it (its iframe is removed from the page). So a suite that
 * wants Playwright to drive a webview afterwards keeps run() pending until this file exists:
 *
 *   const release = process.env[UI_RELEASE_ENV];
 *   if (release) { console.log('ready for UI'); while (!fs.existsSync(release)) await sleep(100); }
 *
 * and the outside test does `await wb.waitForLog(/ready for UI/)`, drives the page, then
 * `wb.releaseSuite()` and `await wb.exitCode`.
 */
export const UI_RELEASE_ENV = 'OPENCLAW_TEST_UI_RELEASE_FILE';

export interface WorkbenchOptions {
  /** Folder of the extension under development (its package.json). Leave out to test only what is
   *  installed in the extensions dir (e.g. a .vsix put there by installVsix). */
  extensionDevelopmentPath?: string;
  /** The suite's index module (with or without .js), whose exported run() the host awaits.
   *  Without it the workbench opens with the extension loaded and no suite (exitCode never settles). */
  extensionTestsPath?: string;
  /** Folder opened in the workbench. */
  workspace: string;
  /** Extra environment of the extension host (process.env in the extension and the suite). */
  extensionEnv?: Record<string, string>;
  /** Pass UI_RELEASE_ENV to the suite so that it can wait for releaseSuite() (see UI_RELEASE_ENV). */
  holdSuite?: boolean;
  /** Written to user settings before the page loads. */
  colorTheme?: ColorTheme;
  viewport?: { width: number; height: number };
  /** Called for every line the workbench forwards (extension host console included). */
  onLog?: (line: string) => void;
}

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Settles when the suite's run() settled: 0 when it resolved, 1 when it rejected. Rejects if the
   *  browser goes away first. */
  exitCode: Promise<number>;
  /** Lines forwarded through codeAutomationLog: the extension host's console, mocha's output. */
  logs: string[];
  /** Resolves with the first log line (past or future) matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** With holdSuite: lets the suite's run() finish (creates the file named in UI_RELEASE_ENV). */
  releaseSuite(): void;
  /** Closes the browser. The server keeps running: stop it separately. */
  close(): Promise<void>;
}

/**
 * The workbench forwards console calls with their arguments unformatted: printf-style templates
 * (mocha's "%d passing (%s)"). Node's util.format applies them (and drops %c styling), which gives
 * the line a terminal would have shown.
 */
function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

/**
 * Opens the workbench in a fresh headless chromium (Playwright gives each launch a new throwaway
 * profile) with the extension under development and, if given, its test suite. The workbench calls
 * window.codeAutomationLog for console output and window.codeAutomationExit(code, logFiles) when the
 * suite's run() settles; both are exposed before the first navigation.
 */
export async function openWorkbench(server: CodeServer, options: WorkbenchOptions): Promise<Workbench> {
  if (options.colorTheme) server.updateUserSettings({ 'workbench.colorTheme': options.colorTheme });

  // The payload's paths are URIs of the remote (server) side, whose authority is the page's host.
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath.replace(/\.[cm]?js$/, ''))]);
  const releaseFile = options.holdSuite ? path.join(server.runDir, `ui-release-${Date.now()}`) : undefined;
  const extensionEnv = { ...options.extensionEnv, ...(releaseFile ? { [UI_RELEASE_ENV]: releaseFile } : {}) };
  if (Object.keys(extensionEnv).length > 0) payload.push(['extensionEnvironment', JSON.stringify(extensionEnv)]);
  const url = `${server.url}?folder=${encodeURIComponent(path.resolve(options.workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const browser = await launchChromium((await installer()).ensureChromium());
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();

    const logs: string[] = [];
    const waiters = new Set<(line: string) => void>();
    const addLog = (line: string) => {
      logs.push(line);
      options.onLog?.(line);
      for (const waiter of waiters) waiter(line);
    };

    let settle!: { resolve(code: number): void; reject(err: Error): void };
    const exitCode = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
    // Callers that never await exitCode (no suite) must not get an unhandled rejection at close().
    exitCode.catch(() => undefined);
    let exited = false;

    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      for (const line of formatLogArgs(args).split('\n')) addLog(type === 'log' || type === 'info' ? line : `[${String(type)}] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown, logFiles: unknown) => {
      exited = true;
      // The workbench hands over its own log files (renderer, extension host, ...): keep them.
      if (Array.isArray(logFiles)) {
        const dir = path.join(server.runDir, 'workbench-logs');
        for (const file of logFiles as { relativePath?: string; contents?: string }[]) {
          if (!file?.relativePath || typeof file.contents !== 'string') continue;
          const target = path.join(dir, path.normalize(file.relativePath).replace(/^(\.\.[/\\])+/, ''));
          mkdirSync(path.dirname(target), { recursive: true });
          writeFileSync(target, file.contents);
        }
      }
      settle.resolve(typeof code === 'number' ? code : Number(code));
    });
    const gone = (what: string) => () => {
      if (!exited) settle.reject(new Error(`${what} before the test suite finished`));
    };
    browser.on('disconnected', gone('browser disconnected'));
    page.on('close', gone('page closed'));
    page.on('crash', gone('page crashed'));

    await page.goto(url, { waitUntil: 'domcontentloaded' });
    if (server.password) await signIn(page, server.password);

    return {
      browser,
      context,
      page,
      exitCode,
      logs,
      waitForLog(pattern, timeoutMs = 30_000) {
        const seen = logs.find((line) => pattern.test(line));
        if (seen !== undefined) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const waiter = (line: string) => {
            if (!pattern.test(line)) return;
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(line);
          };
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(`no log line matched ${pattern} within ${timeoutMs} ms`));
          }, timeoutMs);
          waiters.add(waiter);
        });
      },
      releaseSuite() {
        if (!releaseFile) throw new Error('releaseSuite() needs openWorkbench(..., { holdSuite: true })');
        writeFileSync(releaseFile, '');
      },
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * Signs in where a server with a password sends a browser that has no session cookie yet: its login
 * page, which keeps the workbench URL's query (folder, payload) and redirects there once the
 * password is right.
 */
async function signIn(page: Page, password: string, timeoutMs = 30_000): Promise<void> {
  const onLoginPage = (url: URL) => url.pathname.endsWith('/login');
  if (!onLoginPage(new URL(page.url()))) throw new Error(`code-server has a password but opened ${page.url()} without asking for it`);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[type="submit"]').click();
  try {
    await page.waitForURL((url) => !onLoginPage(url), { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch {
    const shown = await page.locator('.error').textContent({ timeout: 1000 }).catch(() => null);
    throw new Error(`signing in to code-server failed: ${shown?.trim() || `still on its login page after ${timeoutMs} ms`}`);
  }
}

/**
 * Answers the workspace trust prompt that a server started with `workspaceTrust` shows when a folder
 * opens: trust its authors, or not (Restricted Mode). Resolves once the dialog is gone.
 */
export async function answerTrustPrompt(page: Page, trust: boolean, timeoutMs = 60_000): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'Do you trust the authors' });
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  await dialog.getByRole('button', { name: trust ? /^Yes, I trust/ : /^No, I don.t trust/ }).click();
  await dialog.waitFor({ state: 'detached', timeout: timeoutMs });
}

/** What identifies the webview: a CSS/Playwright selector that must match in its document, or a test. */
export type FramePredicate = string | ((frame: Frame) => Promise<boolean>);

/**
 * Finds the frame that holds a webview's own document. VS Code nests it twice: the workbench has an
 * <iframe class="webview"> (VS Code's host page, pre/index.html) which holds <iframe id="active-frame">
 * with the extension's HTML. page.frames() lists frames at every depth, so this polls all of them
 * until one matches; frames come and go while a webview loads, so errors count as "not this one".
 */
export async function findWebviewFrame(
  page: Page,
  predicate: FramePredicate,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Frame> {
  const matches =
    typeof predicate === 'string' ? async (frame: Frame) => (await frame.locator(predicate).count()) > 0 : predicate;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      if (await matches(frame).catch(() => false)) return frame;
    }
    if (Date.now() > deadline) {
      throw new Error(`no webview frame matched ${typeof predicate === 'string' ? predicate : 'the predicate'} within ${timeoutMs} ms (frames: ${page.frames().map((f) => f.url()).join(', ')})`);
    }
    await delay(intervalMs);
  }
}

/**
 * Switches the colour theme of a running workbench the way a person does: command palette,
 * "Preferences: Color Theme", click the theme. (Rewriting settings.json under a running code-server
 * does not reach the page; VS Code saves the choice made here to user settings itself.) The picker
 * shows labels, not setting ids: the built-in "Default Light Modern" is listed as "Light Modern",
 * so a leading "Default " is dropped. Resolves when the workbench shows the theme's kind.
 */
export async function setColorTheme(page: Page, theme: ColorTheme, timeoutMs = 15_000): Promise<void> {
  const kind = /high contrast light/i.test(theme) ? 'hc-light' : /high contrast/i.test(theme) ? 'hc-black' : /light/i.test(theme) ? 'vs' : 'vs-dark';
  const label = theme.replace(/^Default /, '');
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // An option's accessible name is its label, then ", description" when it has one.
  const option = (name: string) => page.getByRole('option', { name: new RegExp(`^${escape(name)}(,|$)`) }).first();

  const quickInput = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible', timeout: timeoutMs });
  await quickInput.fill('>Preferences: Color Theme');
  // Clicked, not Enter: "Browse Color Themes in Marketplace" may be ranked first.
  await option('Preferences: Color Theme').click({ timeout: timeoutMs });
  await option(label).click({ timeout: timeoutMs });
  // .monaco-workbench carries the theme's kind as a class: vs, vs-dark, hc-black or hc-light.
  await page.waitForFunction(
    `document.querySelector('.monaco-workbench')?.classList.contains(${JSON.stringify(kind)}) === true`,
    undefined,
    { timeout: timeoutMs },
  );
}

/** Removes a run dir left by an earlier run (code-server refuses nothing, but stale state confuses). */
export function freshRunDir(runDir: string): string {
  const abs = path.resolve(runDir);
  rmSync(abs, { recursive: true, force: true });
  return mkdirOwnerOnly(abs);
}
