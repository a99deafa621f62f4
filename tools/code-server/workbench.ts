// The workbench of a running code-server in a fresh headless chromium: the extension under
// development and its suite, the console lines it forwards, the suite's exit code, sign-in.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import { installer, type CodeServer, type ColorTheme } from './server';

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
    const shown = await page
      .locator('.error')
      .textContent({ timeout: 1000 })
      .catch(() => null);
    throw new Error(`signing in to code-server failed: ${shown?.trim() || `still on its login page after ${timeoutMs} ms`}`);
  }
}
