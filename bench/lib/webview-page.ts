/**
 * The chat webview in Debian's chromium, on a page built like the one the extension serves (the
 * same CSP, as header and <meta>, with a nonce; chat.css; #app), from a bundle of webview/main.ts
 * made the way scripts/build.mjs --production makes dist/webview.js. A small stub stands in for
 * acquireVsCodeApi. Host messages reach the page through window.postMessage, as in VS Code.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tools/chromium';
import type { WebviewBundle as Bundle } from '../../tools/webview-bundle';
import { chatPageCsp, chatPageHtml } from '../../src/extension/chat-page';
import { FIXTURES, ROOT } from './paths';

export const CHROMIUM = '/usr/bin/chromium';

/** On top of the tests' flags: a page that is not focused must not be throttled while it is measured. */
const BENCH_ARGS = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'];

export { buildWebview } from '../../tools/webview-bundle';
export type { Bundle };

export class PageServer {
  private server: Server | undefined;
  origin = '';

  constructor(private readonly bundle: Bundle) {}

  async start(): Promise<this> {
    const assets: Record<string, [string, string]> = {
      '/webview.js': ['text/javascript', this.bundle.js],
      '/chat.css': ['text/css', this.bundle.css],
      '/vscode-stub.js': ['text/javascript', readFileSync(path.join(FIXTURES, 'vscode-stub.js'), 'utf8')],
      // The webview tests' dark theme: one set of --vscode-* colours for tests and bench.
      '/theme.css': ['text/css', readFileSync(path.join(ROOT, 'test', 'webview', 'fixtures', 'theme-dark.css'), 'utf8')],
    };
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/') {
        const nonce = randomBytes(16).toString('base64');
        // The host's policy and page, with this server standing in for webview.cspSource.
        const csp = chatPageCsp(this.origin, nonce);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
        res.end(chatPageHtml({ nonce, csp, styles: ['/theme.css', '/chat.css'], scripts: ['/vscode-stub.js', '/webview.js'], bodyClass: 'vscode-dark' }));
        return;
      }
      const asset = assets[url.pathname];
      if (!asset) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': asset[0], 'cache-control': 'no-store' });
      res.end(asset[1]);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...BENCH_ARGS, ...extraArgs] });
}

/** CDP Performance.getMetrics as a name -> value map (durations in seconds). */
export async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

export interface OpenPage {
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

/** A fresh page (a sidebar-sized viewport) with the webview loaded and its `ready` posted. */
export async function openWebview(browser: Browser, server: PageServer): Promise<OpenPage> {
  const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
  // Nothing leaves the machine.
  await page.route('**/*', (route) => (route.request().url().startsWith(`${server.origin}/`) ? route.continue() : route.abort()));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(`${server.origin}/`);
  await page.waitForFunction("window.__bench.posted.some((m) => m.type === 'ready')");
  return {
    page,
    cdp,
    close: async () => {
      await cdp.detach().catch(() => undefined);
      await page.close();
    },
  };
}
