// A realistic conversation in the dark, light and high-contrast test themes, saved as screenshots
// in .test-artifacts/ (webview-dark.png, webview-light.png, webview-hc.png, and a mid-stream,
// narrow webview-<theme>-streaming.png) for a person to look at, plus a contrast check of the text that
// matters so "unreadable" fails here first.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ChatItem } from '../../src/protocol/webview';
import { ARTIFACTS, assistant, snapshot, tool, user, webviewSuite, type Theme, type WebviewPage } from './harness';

declare const document: any;
declare function getComputedStyle(el: unknown): any;

const REPLY = `### Two timers race

After a restart the gateway closes with **1012**, and both \`onClose\` and the heartbeat timeout schedule a reconnect. The second one wins, so you see two handshakes.

1. Clear the heartbeat timer in \`onClose\`
2. Schedule through one \`#reconnectTimer\`
3. Ignore a timer that fires for an old socket

\`\`\`ts
private scheduleReconnect(): void {
  if (this.#reconnectTimer) return; // one at a time
  const delay = backoff(this.#attempt++);
  this.#reconnectTimer = setTimeout(() => this.connect(), delay);
}
\`\`\`

See [close codes](https://docs.openclaw.ai/gateway/protocol#close-codes) for what 1012 means.`;

const ITEMS: ChatItem[] = [
  user('u1', 'Why does the client reconnect twice after a gateway restart?', {
    chips: [{ kind: 'selection', label: 'src/gateway/gateway-client.ts:118-164' }],
  }),
  tool('t1', 'read_file', {
    args: '{ "path": "src/gateway/gateway-client.ts", "start": 118, "end": 164 }',
    result: 'onClose(code: number) {\n  this.emit("close", code);\n  this.scheduleReconnect();\n}',
  }),
  tool('t2', 'bash', { args: '{ "command": "npm test -- reconnect" }', result: '1 failing: reconnects once after 1012', state: 'error' }),
];

const RECONNECTING = {
  kind: 'reconnecting' as const,
  title: 'Reconnecting in 4 s',
  detail: 'The gateway closed the connection (1012, restarting). Messages you send now wait until it is back.',
  actions: [
    { id: 'reconnect' as const, label: 'Reconnect now' },
    { id: 'showLog' as const, label: 'Show Log' },
  ],
};

/**
 * WCAG contrast of every sample's text against the background it is drawn on. `host >>> inner`
 * measures `inner` in the shadow root of `host` (a web component draws its text and fill there).
 */
function contrastOf(selectors: string[]): Array<{ selector: string; ratio: number }> {
  const parse = (c: string) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1]
      .split(/[,\s/]+/)
      .filter(Boolean)
      .map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top: number[], bottom: number[]) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const background = (el: any): number[] => {
    const layers: number[][] = [];
    // Up through shadow roots to their hosts, so a component's fill sits on the page's.
    for (let e = el; e; e = e.parentElement ?? e.getRootNode().host) layers.push(parse(getComputedStyle(e).backgroundColor));
    return layers.reverse().reduce((acc, layer) => over(layer, acc), [255, 255, 255, 1]);
  };
  const luminance = (c: number[]) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return selectors.map((selector) => {
    const [outer, inner] = selector.split(' >>> ');
    const host = document.querySelector(outer);
    const el = inner ? host?.shadowRoot?.querySelector(inner) : host;
    if (!el) return { selector, ratio: 0 };
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return { selector, ratio: Math.round(((a + 0.05) / (b + 0.05)) * 10) / 10 };
  });
}

/** Text a person must be able to read, with the minimum ratio each needs (WCAG AA). */
const SAMPLES: Array<[selector: string, min: number]> = [
  ['.user-text', 4.5],
  ['.context-chip', 4.5],
  ['.markdown p', 4.5],
  ['.markdown li code', 4.5],
  ['.code-block pre code', 4.5],
  ['.code-action', 4.5],
  ['.markdown a[href]', 4.5],
  ['.tool-name', 4.5],
  ['.tool[data-state="error"] .tool-status', 3],
  ['.usage', 4.5],
  ['.banner-title', 4.5],
  ['.banner-detail', 4.5],
  ['.banner-actions vscode-button:not([secondary]) >>> .base', 4.5],
  ['.banner-actions vscode-button[secondary] >>> .base', 4.5],
  ['.pending', 4.5],
  ['.composer-hint', 4.5],
];

/**
 * Fails unless each text is drawn inside the viewport, so the screenshot shows it (present in the
 * DOM is not enough: scrolled away, hidden or zero-sized does not count). `[role, name]` pairs are
 * controls, found by their accessible name.
 */
async function assertOnScreen(view: WebviewPage, what: string, expected: Array<string | [role: 'button' | 'link' | 'heading', name: string]>): Promise<void> {
  const viewport = view.page.viewportSize()!;
  const missing: string[] = [];
  for (const entry of expected) {
    const locator =
      typeof entry === 'string' ? view.page.getByText(entry, { exact: false }).first() : view.page.getByRole(entry[0], { name: entry[1], exact: true }).first();
    const box = (await locator.isVisible()) ? await locator.boundingBox() : null;
    const inside =
      !!box && box.width > 0 && box.height > 0 && box.y < viewport.height && box.y + box.height > 0 && box.x < viewport.width && box.x + box.width > 0;
    if (!inside) missing.push(typeof entry === 'string' ? JSON.stringify(entry) : `${entry[0]} "${entry[1]}"`);
  }
  assert.deepEqual(missing, [], `${what}: not drawn on screen`);
}

describe('screenshots', { timeout: 120_000 }, () => {
  const env = webviewSuite();

  for (const theme of ['dark', 'light', 'hc'] as Theme[]) {
    it(`draws a readable conversation in the ${theme} theme`, async (t) => {
      const view = await env.open({ theme, width: 400, height: 1180 });
      await view.send(snapshot(ITEMS, { session: { key: 'agent:main:main', title: 'Gateway reconnect refactor' }, busy: true }));
      // The reply arrives the way it does live: streamed in pieces, then finished with usage.
      await view.send({ type: 'upsert', item: assistant('a1', '', { streaming: true, activity: 'thinking' }) });
      const pieces = REPLY.match(/[\s\S]{1,24}/g)!;
      await view.appendFrameByFrame('a1', pieces.slice(0, 18));
      await view.send({ type: 'upsert', item: assistant('a1', pieces.slice(0, 18).join(''), { streaming: true, activity: 'reading src/gateway/backoff.ts' }) });
      // Mid-stream in a narrow, short sidebar: the log scrolls and follows the end.
      mkdirSync(ARTIFACTS, { recursive: true });
      await view.page.setViewportSize({ width: 300, height: 640 });
      await view.settle();
      await view.page.screenshot({ path: path.join(ARTIFACTS, `webview-${theme}-streaming.png`) });
      // Mid-stream and pinned: the end of what has arrived so far, what the agent is doing, Stop.
      await assertOnScreen(view, 'streaming', ['reading src/gateway/backoff.ts', pieces[17].trim().slice(-8), ['button', 'Stop']]);
      assert.equal(await view.page.getByRole('button', { name: 'Jump to latest' }).isVisible(), false, 'pinned to the end, no Jump to latest');
      await view.page.setViewportSize({ width: 400, height: 1180 });
      await view.appendFrameByFrame('a1', pieces.slice(18));
      await view.send(
        { type: 'upsert', item: assistant('a1', REPLY, { streaming: false, outcome: 'ok', usage: { input: 18_204, output: 412, total: 18_616 } }) },
        { type: 'busy', busy: false },
        { type: 'connection', connection: RECONNECTING },
        { type: 'upsert', item: user('u2', 'Add a regression test for it.', { pending: 'queued' }) },
      );
      await view.page.locator('details.tool').first().locator('summary').click();
      await view.page.mouse.move(0, 0);
      const file = path.join(ARTIFACTS, `webview-${theme}.png`);
      await view.page.screenshot({ path: file });
      assert.ok(statSync(file).size > 10_000);
      // What this screenshot is for: the question with its chip, both tool cards (one failed, one
      // opened), the finished reply with its heading, list, code block and actions, link and usage,
      // the reconnecting banner with its buttons, and the queued message.
      await assertOnScreen(view, 'conversation', [
        'Why does the client reconnect twice after a gateway restart?',
        'src/gateway/gateway-client.ts:118-164',
        'read_file',
        'bash',
        'this.emit("close", code);',
        ['heading', 'Two timers race'],
        'Clear the heartbeat timer in',
        'if (this.#reconnectTimer) return; // one at a time',
        ['button', 'Copy'],
        ['button', 'Insert at Cursor'],
        ['link', 'close codes'],
        '18,204 in',
        '18,616 total',
        'Reconnecting in 4 s',
        'Messages you send now wait until it is back.',
        ['button', 'Reconnect now'],
        ['button', 'Show Log'],
        'Add a regression test for it.',
        'Queued — sends when connected',
      ]);
      assert.equal(await view.page.locator('.tool[data-state="error"]').count(), 1, 'the failed tool call is marked');
      assert.equal(await view.page.getByRole('button', { name: 'Stop' }).isVisible(), false, 'no Stop once the reply ended');
      t.diagnostic(`saved ${path.relative(process.cwd(), file)}`);

      const ratios = await view.page.evaluate(
        contrastOf,
        SAMPLES.map(([s]) => s),
      );
      const poor = ratios.filter((r, i) => r.ratio < SAMPLES[i][1]);
      t.diagnostic(ratios.map((r) => `${r.selector} ${r.ratio}`).join(', '));
      assert.deepEqual(poor, [], 'text below the WCAG AA contrast it needs');
    });
  }
});
