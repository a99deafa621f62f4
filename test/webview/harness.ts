// Runs the real webview bundle in Debian's chromium, on a page built like the one the extension
// host serves: the same strict CSP (as a header and a <meta>), chat.css, #app, and nonce'd
// scripts. The only addition is fixtures/vscode-stub.js, a stand-in for `acquireVsCodeApi` that
// records what the webview posts. Tests drive the page only through `window.postMessage` (as the
// host does) and the DOM.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/chromium';
import { buildWebview } from '../../tools/webview-bundle';
import { chatPageCsp, chatPageHtml } from '../../src/extension/chat-page';

export { launchChromium };
import type { ChatItem, ConnectionView, ControlsView, HostMessage, SessionView, WebviewMessage, WebviewUiState } from '../../src/protocol/webview';

export const ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS = path.join(ROOT, '.test-artifacts');
const FIXTURES = path.join(__dirname, 'fixtures');

export type Theme = 'dark' | 'light' | 'hc';
const BODY_CLASS: Record<Theme, string> = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };

export interface PageOptions {
  theme?: Theme;
  /** false serves the page without any CSP, to prove the sanitizer holds on its own. */
  csp?: boolean;
}

export interface OpenOptions extends PageOptions {
  width?: number;
  height?: number;
  /** Device pixels per CSS pixel (VS Code's zoom and a HiDPI screen change it; 1 by default). */
  deviceScaleFactor?: number;
  /** Runs before the first navigation (e.g. page.exposeFunction). */
  prepare?: (page: Page) => Promise<unknown>;
}

export class WebviewServer {
  private server: Server | undefined;
  /** Paths requested that are not the page's own assets (e.g. /evil/pixel.png). */
  readonly strayRequests: string[] = [];
  origin = '';

  constructor(private readonly bundle: { js: string; css: string }) {}

  async start(): Promise<this> {
    const assets: Record<string, [string, string]> = {
      '/webview.js': ['text/javascript', this.bundle.js],
      '/chat.css': ['text/css', this.bundle.css],
      '/vscode-stub.js': ['text/javascript', readFileSync(path.join(FIXTURES, 'vscode-stub.js'), 'utf8')],
    };
    for (const theme of ['dark', 'light', 'hc']) assets[`/theme-${theme}.css`] = ['text/css', readFileSync(path.join(FIXTURES, `theme-${theme}.css`), 'utf8')];

    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.origin);
      if (url.pathname === '/') {
        const nonce = randomBytes(16).toString('base64');
        const csp = url.searchParams.get('csp') !== 'off';
        const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
        // The host's own policy, with this server standing in for webview.cspSource.
        const policy = chatPageCsp(this.origin, nonce);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': policy } : {}) });
        res.end(pageHtml({ nonce, theme, policy: csp ? policy : undefined }));
        return;
      }
      const asset = assets[url.pathname];
      if (asset) {
        res.writeHead(200, { 'content-type': asset[0], 'cache-control': 'no-store' });
        res.end(asset[1]);
        return;
      }
      this.strayRequests.push(url.pathname);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** True for the requests a correct page makes: its own HTML, scripts and stylesheets. */
  isOwnAsset(url: string): boolean {
    if (!url.startsWith(`${this.origin}/`)) return false;
    const { pathname } = new URL(url);
    return (
      pathname === '/' ||
      pathname === '/favicon.ico' ||
      ['/webview.js', '/chat.css', '/vscode-stub.js'].includes(pathname) ||
      /^\/theme-\w+\.css$/.test(pathname)
    );
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function pageHtml({ nonce, theme, policy }: { nonce: string; theme: Theme; policy?: string }): string {
  return chatPageHtml({
    nonce,
    csp: policy,
    styles: [`/theme-${theme}.css`, '/chat.css'],
    scripts: ['/vscode-stub.js', '/webview.js'],
    bodyClass: BODY_CLASS[theme],
  });
}

type WithoutSeq<M> = M extends unknown ? Omit<M, 'seq'> : never;
export type HostMessageBody = WithoutSeq<HostMessage>;

export const CONNECTED: ConnectionView = { kind: 'connected', title: 'Connected to OpenClaw 2026.9.6', actions: [] };
export const SESSION: SessionView = { key: 'agent:main:main', title: 'Main session' };
/** Header pickers as a gateway with two models shows them: a text-only one and one that takes images. */
export const CONTROLS: ControlsView = {
  model: 'harness/echo-model',
  models: [
    { id: 'harness/echo-model', label: 'Harness model (harness/echo-model)', images: false },
    { id: 'harness/echo-vision', label: 'Harness vision model (harness/echo-vision)', images: true },
  ],
  thinking: 'off',
  thinkingLevels: ['off', 'minimal', 'low', 'medium', 'high'],
  busyMode: 'steer',
};

/** A snapshot body with sensible defaults: connected, idle, loaded. */
export function snapshot(items: ChatItem[], extra: Partial<Extract<HostMessage, { type: 'snapshot' }>> = {}): HostMessageBody {
  return { type: 'snapshot', session: SESSION, items, busy: false, connection: CONNECTED, loading: false, controls: CONTROLS, ...extra };
}

/**
 * One webview page plus the host's side of the conversation: `send` stamps messages with the next
 * seq and posts them to the page as the host would.
 */
export class WebviewPage {
  seq = 0;
  /** Every request the page made (Playwright sees them before the network). */
  readonly requests: string[] = [];

  private constructor(
    readonly page: Page,
    readonly server: WebviewServer,
  ) {}

  static async open(browser: Browser, server: WebviewServer, options: OpenOptions = {}): Promise<WebviewPage> {
    const page = await browser.newPage({
      viewport: { width: options.width ?? 420, height: options.height ?? 720 },
      deviceScaleFactor: options.deviceScaleFactor,
    });
    const view = new WebviewPage(page, server);
    page.on('request', (request) => view.requests.push(request.url()));
    // tsx compiles these tests with esbuild's keepNames, which wraps named functions inside the
    // callbacks given to page.evaluate in calls to a `__name` helper that only exists in Node.
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    // Nothing leaves the machine: anything not served by the test server is aborted (and recorded).
    await page.route('**/*', (route) => (route.request().url().startsWith(`${server.origin}/`) ? route.continue() : route.abort()));
    await options.prepare?.(page);
    await view.goto(options);
    return view;
  }

  async goto(options: PageOptions = {}): Promise<void> {
    const query = new URLSearchParams({ theme: options.theme ?? 'dark', csp: options.csp === false ? 'off' : 'on' });
    await this.page.goto(`${this.server.origin}/?${query}`);
    await this.waitForPosted((m) => m.type === 'ready');
  }

  /** Reloads like VS Code re-creating a hidden webview: same state storage, new page. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitForPosted((m) => m.type === 'ready');
  }

  /** Posts host messages, numbered from the next seq, in one go (one task each, as postMessage does). */
  async send(...bodies: HostMessageBody[]): Promise<void> {
    const messages = bodies.map((body) => ({ ...body, seq: ++this.seq }));
    await this.sendRaw(messages);
  }

  /** Posts messages exactly as given (for seq tests). */
  async sendRaw(messages: unknown[]): Promise<void> {
    await this.page.evaluate((list) => {
      for (const message of list) window.postMessage(message, '*');
    }, messages);
    await this.settle();
  }

  /**
   * Resolves once every message posted so far has been handled and the frame that renders them has
   * run: a marker message queues behind them, then two animation frames pass.
   */
  async settle(): Promise<void> {
    await this.page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const marker = `settle-${Math.random()}`;
          const onMessage = (event: MessageEvent) => {
            if (event.data !== marker) return;
            window.removeEventListener('message', onMessage);
            requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
          };
          window.addEventListener('message', onMessage);
          window.postMessage(marker, '*');
        }),
    );
  }

  /**
   * Streams `pieces` as `append`s for item `id`, letting the webview render after each one (in the
   * page, so a piece costs a frame rather than a round trip): the incremental renderer sees every
   * intermediate state.
   */
  async appendFrameByFrame(id: string, pieces: string[]): Promise<void> {
    const first = this.seq + 1;
    this.seq += pieces.length;
    await this.page.evaluate(
      async ({ id, pieces, first }) => {
        const handled = (marker: string) =>
          new Promise<void>((resolve) => {
            const onMessage = (event: MessageEvent) => {
              if (event.data !== marker) return;
              window.removeEventListener('message', onMessage);
              resolve();
            };
            window.addEventListener('message', onMessage);
          });
        for (let i = 0; i < pieces.length; i++) {
          window.postMessage({ type: 'append', seq: first + i, id, text: pieces[i] }, '*');
          const marker = `piece-${i}`;
          const done = handled(marker);
          window.postMessage(marker, '*');
          await done;
          // The webview asked for its frame while handling the append; this one runs right after.
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
      },
      { id, pieces, first },
    );
  }

  async posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as unknown as StubWindow).__vscodeStub.posted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as StubWindow).__vscodeStub.posted.length = 0;
    });
  }

  async waitForPosted(match: (m: WebviewMessage) => boolean, timeoutMs = 5000): Promise<WebviewMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.posted()).find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`the webview did not post the expected message within ${timeoutMs} ms; posted: ${JSON.stringify(await this.posted())}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async savedStates(): Promise<WebviewUiState[]> {
    return this.page.evaluate(() => (window as unknown as StubWindow).__vscodeStub.states);
  }

  async violations(): Promise<Array<{ directive: string; blockedURI: string; sample: string }>> {
    return this.page.evaluate(() => (window as unknown as StubWindow).__vscodeStub.violations);
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

interface StubWindow {
  __vscodeStub: {
    posted: WebviewMessage[];
    states: WebviewUiState[];
    violations: Array<{ directive: string; blockedURI: string; sample: string }>;
  };
}

// The callbacks above run in the page; these declarations only let them type-check here, where
// the project's tsconfig has no DOM library.
declare const window: {
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
};
declare function requestAnimationFrame(callback: (time: number) => void): number;
interface MessageEvent {
  data: unknown;
}

// ---- Items, briefly ----

export const user = (id: string, text: string, extra: Partial<Extract<ChatItem, { kind: 'user' }>> = {}): ChatItem => ({ kind: 'user', id, text, ...extra });
export const assistant = (id: string, text: string, extra: Partial<Extract<ChatItem, { kind: 'assistant' }>> = {}): ChatItem => ({
  kind: 'assistant',
  id,
  text,
  streaming: false,
  ...extra,
});
export const tool = (id: string, name: string, extra: Partial<Extract<ChatItem, { kind: 'tool' }>['tool']> = {}): ChatItem => ({
  kind: 'tool',
  id,
  tool: { toolCallId: `call-${id}`, name, state: 'done', ...extra },
});
export const notice = (id: string, level: 'info' | 'warning' | 'error', text: string): ChatItem => ({ kind: 'notice', id, level, text });

/**
 * Registers before/after hooks for a describe block: one chromium and one server for the block,
 * pages closed after each test. Call inside `describe`.
 */
export function webviewSuite() {
  let browser: Browser | undefined;
  let server: WebviewServer | undefined;
  const pages: WebviewPage[] = [];
  before(async () => {
    server = await new WebviewServer(await buildWebview()).start();
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server(): WebviewServer {
      return server!;
    },
    async open(options: OpenOptions = {}): Promise<WebviewPage> {
      const page = await WebviewPage.open(browser!, server!, options);
      pages.push(page);
      return page;
    },
  };
}
