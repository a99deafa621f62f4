// The hostile corpus goes through every place host strings reach the page: assistant markdown (as
// a whole and streamed in pieces), tool names/arguments/results, notices, user text and context,
// the session title, the connection banner, activity and error lines. Nothing may run, load,
// navigate or even leave a handler in the DOM, with the CSP and, to prove the sanitizer alone
// holds, without it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTION_IDS, type ChatItem } from '../../src/protocol/webview';
import { ATTACKS, withOrigin } from './hostile-corpus';
import { assistant, notice, snapshot, tool, user, webviewSuite, type WebviewPage } from './harness';

// Callbacks given to page.evaluate run in the page; the project's tsconfig has no DOM library.
declare const document: any;
declare const window: any;

/** What Lit puts on window when it loads (@lit/reactive-element, lit-element, lit-html). */
const LIT_GLOBALS = ['litElementVersions', 'litHtmlVersions', 'litPropertyMetadata', 'reactiveElementVersions'];

/** Text-only places: each must hold exactly the payload as text, with no element inside. */
const TEXT_SLOTS = [
  '.user-text',
  '.context-chip',
  '.tool-name',
  '.tool-text',
  '.notice-text',
  '.outcome',
  '.session-title',
  '.banner-title',
  '.banner-detail',
  '.banner-actions vscode-button',
  '.activity',
  '.approval-command',
  '.approval-meta dd',
  '.card-outcome',
  '.card-error',
  '.question-header',
  '.question-text',
  '.option-label',
  '.option-description',
];

/** Tags a rendered reply may contain: the sanitizer's allowlist plus the code-block header we add. */
const MARKDOWN_TAGS = new Set([
  'a',
  'blockquote',
  'br',
  'code',
  'del',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'img',
  'input',
  'li',
  'ol',
  'p',
  'pre',
  's',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
  'div',
  'span',
  'button',
]);

/**
 * Installed in the page before any payload arrives: flags every element that is ever added (even
 * for one frame of a streaming tail) with an on* attribute or a script-capable URL.
 */
function watchForUnsafeDom(): void {
  const unsafe: string[] = [];
  window.__unsafe = unsafe;
  const check = (el: any) => {
    for (const attr of Array.from<any>(el.attributes ?? [])) {
      const name = attr.name.toLowerCase();
      // Whitespace and C0 controls, which browsers skip inside a URL scheme.
      const value = attr.value.replace(/[\s\p{Cc}]/gu, '').toLowerCase();
      if (name.startsWith('on')) unsafe.push(`${el.localName}[${name}]`);
      if (/^(javascript|vbscript|data:text|data:image\/svg)/.test(value)) unsafe.push(`${el.localName}[${name}=${value.slice(0, 40)}]`);
    }
  };
  new window.MutationObserver((records: any[]) => {
    for (const record of records) {
      if (record.type === 'attributes') check(record.target);
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        check(node);
        for (const el of node.querySelectorAll('*')) check(el);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

async function openWatched(env: ReturnType<typeof webviewSuite>, csp: boolean) {
  const executed: string[] = [];
  const view = await env.open({
    csp,
    prepare: async (page) => {
      await page.exposeFunction('__pwned', (name: string) => executed.push(String(name)));
      page.on('dialog', (dialog) => {
        executed.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on('popup', (popup) => executed.push(`popup: ${popup.url()}`));
    },
  });
  await view.page.evaluate(watchForUnsafeDom);
  return { view, executed };
}

/** Everything that must hold after the corpus went through, whatever the route. */
async function assertUntouched(view: WebviewPage, executed: string[], csp: boolean, pageUrl: string) {
  // onerror, animations and meta refreshes fire asynchronously: give them time.
  await view.page.waitForTimeout(800);
  assert.deepEqual(executed, [], 'no payload ran');
  assert.deepEqual(await view.page.evaluate(() => window.__unsafe), [], 'no unsafe attribute ever reached the DOM');
  if (csp) assert.deepEqual(await view.violations(), [], 'nothing even tried what the CSP forbids');
  const foreign = view.requests.filter((r) => !view.server.isOwnAsset(r));
  assert.deepEqual(foreign, [], 'no request beyond the page assets');
  assert.deepEqual(view.server.strayRequests, [], 'the server saw no request for /evil/');
  assert.equal(view.page.url(), pageUrl, 'the page did not navigate');
  assert.equal(view.page.frames().length, 1, 'no frame was created');
  const structure = await view.page.evaluate(() => ({
    base: document.querySelectorAll('base').length,
    refresh: document.querySelectorAll('meta[http-equiv]').length,
    scripts: document.querySelectorAll('script').length,
    styles: document.querySelectorAll('style, link:not([rel=stylesheet][href^="/"])').length,
    foreign: Array.from(document.querySelectorAll('.markdown *')).map((el: any) => el.localName),
  }));
  assert.equal(structure.base, 0);
  assert.equal(structure.refresh, csp ? 1 : 0, 'only the CSP meta');
  assert.equal(structure.scripts, 2, 'only the stub and the bundle');
  assert.equal(structure.styles, 0);
  const odd = structure.foreign.filter((tag: string) => !MARKDOWN_TAGS.has(tag));
  assert.deepEqual(odd, [], 'rendered replies hold only allowlisted tags');
}

describe('hostile input', { timeout: 120_000 }, () => {
  const env = webviewSuite();

  it('has a corpus of at least 60 distinct attacks', () => {
    assert.ok(ATTACKS.length >= 60, `${ATTACKS.length} attacks`);
    assert.equal(new Set(ATTACKS.map((a) => a.payload)).size, ATTACKS.length);
  });

  for (const csp of [true, false]) {
    it(`${csp ? 'under the CSP' : 'without any CSP'}: nothing in any field runs, loads, navigates or leaves a handler`, async () => {
      const { view, executed } = await openWatched(env, csp);
      const pageUrl = view.page.url();
      const origin = env.server.origin;
      const payloads = ATTACKS.map((a) => withOrigin(a.payload, origin));

      const items: ChatItem[] = [];
      payloads.forEach((payload, i) => {
        items.push(
          user(`u${i}`, payload, { chips: [{ kind: 'selection', label: payload }], pending: 'queued' }),
          assistant(`a${i}`, payload, { outcome: 'error', error: payload }),
          tool(`t${i}`, payload, { args: payload, result: payload, state: i % 2 ? 'error' : 'done' }),
          notice(`n${i}`, (['info', 'warning', 'error'] as const)[i % 3], payload),
          // Command and question texts are the gateway's, as untrusted as a reply.
          {
            kind: 'approval',
            id: `ap${i}`,
            approvalId: `approval-${i}`,
            command: payload,
            host: payload,
            cwd: payload,
            agent: payload,
            warnings: [payload],
            decisions: ['allow-once', 'allow-always', 'deny'],
            state: i % 2 ? 'pending' : 'denied',
            outcome: payload,
            error: payload,
          },
          {
            kind: 'question',
            id: `q${i}`,
            questionId: `question-${i}`,
            state: 'pending',
            questions: [
              {
                id: `k${i}`,
                header: payload,
                question: payload,
                options: [{ label: payload, description: payload }],
                multiSelect: i % 2 === 0,
                other: false,
                secret: false,
              },
            ],
          },
        );
      });
      const title = payloads.join(' ');
      await view.send(
        snapshot(items, {
          session: { key: 'hostile', title },
          connection: { kind: 'failed', title, detail: title, actions: ACTION_IDS.map((id, i) => ({ id, label: payloads[i] })) },
        }),
      );
      // The older items are built in the frames after the snapshot, and skip layout until scrolled
      // to: wait for all of them, lay every item out, and open every tool card, so that any lazy
      // load would start.
      await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-busy') === 'false');
      await view.page.evaluate(() => {
        document.querySelectorAll('[data-backfilled]').forEach((el: any) => delete el.dataset.backfilled);
        document.querySelectorAll('details.tool').forEach((d: any) => (d.open = true));
      });

      // Host strings are text, exactly as sent.
      for (const slot of [
        '.user-text',
        '.context-chip',
        '.tool-name',
        '.notice-text',
        '.outcome',
        '.approval-command',
        '.question-header',
        '.question-text',
        '.option-label',
        '.option-description',
      ]) {
        const texts = await view.page.locator(slot).allTextContents();
        assert.deepEqual(texts, payloads, `${slot} shows each payload as text`);
      }
      const toolTexts = await view.page.locator('.tool-text').allTextContents();
      assert.deepEqual(
        toolTexts,
        payloads.flatMap((p) => [p, p]),
      );
      assert.deepEqual(
        await view.page.locator('.approval-meta dd').allTextContents(),
        payloads.flatMap((p) => [p, p, `agent ${p}`]),
      );
      assert.deepEqual(await view.page.locator('.approval-warning span:not(.sr-only)').allTextContents(), payloads);
      assert.deepEqual(await view.page.locator('article.approval .card-outcome').allTextContents(), payloads);
      assert.equal(await view.page.locator('.session-title').textContent(), title);
      assert.equal(await view.page.locator('.banner-title').textContent(), title);
      assert.deepEqual(await view.page.locator('.banner-actions vscode-button').allTextContents(), payloads.slice(0, ACTION_IDS.length));
      const elementsInTextSlots = await view.page.evaluate(
        (slots: string[]) => slots.reduce((n, s) => n + document.querySelectorAll(`${s} *`).length, 0),
        TEXT_SLOTS,
      );
      assert.equal(elementsInTextSlots, 0, 'no markup inside text-only places');

      // The same corpus streamed into one reply, in 13-character pieces with renders in between,
      // so half-finished tags pass through the incremental renderer too.
      const streamed = payloads.join('\n\n');
      await view.send({ type: 'upsert', item: assistant('s', '', { streaming: true, activity: title }) });
      assert.equal(await view.page.locator('.is-streaming .activity').textContent(), title);
      for (let i = 0; i < streamed.length; i += 13 * 40) {
        const pieces = [];
        for (let j = i; j < Math.min(streamed.length, i + 13 * 40); j += 13) pieces.push({ type: 'append' as const, id: 's', text: streamed.slice(j, j + 13) });
        await view.send(...pieces);
      }
      await view.send({ type: 'upsert', item: assistant('s', streamed, { streaming: false }) });

      // Click every link the replies kept: only http(s)/mailto may reach the host, nothing navigates.
      await view.clearPosted();
      const links = await view.page.evaluate(() => {
        const all = Array.from<any>(document.querySelectorAll('.log a'));
        for (const a of all) a.click();
        return all.length;
      });
      assert.ok(links > 10, `${links} links clicked`);
      const opened = (await view.posted()).filter((m) => m.type === 'openLink');
      for (const m of opened) assert.match((m as { href: string }).href, /^(https?:|mailto:)/);

      await assertUntouched(view, executed, csp, pageUrl);
    });
  }

  it('exposes nothing on window beyond what the test page itself adds', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('a', 'hi')]));
    // An empty page of the same (secure) origin, answered by Playwright, lists the standard globals.
    const blank = await view.page.context().browser()!.newPage();
    await blank.route('**/*', (route) => route.fulfill({ body: '<!DOCTYPE html><title>blank</title>', contentType: 'text/html' }));
    await blank.goto(`${env.server.origin}/blank`);
    const standard = new Set<string>(await blank.evaluate(() => Object.getOwnPropertyNames(window)));
    await blank.close();
    const own = await view.page.evaluate(() => Object.getOwnPropertyNames(window));
    const added = own.filter((name: string) => !standard.has(name)).sort();
    // The stub (acquireVsCodeApi, __vscodeStub), the harness's __name shim, and the four globals Lit
    // (under @vscode-elements) always sets: nothing of the bundle's own.
    assert.deepEqual(added, ['__name', '__vscodeStub', 'acquireVsCodeApi', ...LIT_GLOBALS].sort());
    // Lit's are data, not capabilities: one version string each (one copy of Lit in the bundle) and
    // the WeakMap its decorators keep property options in.
    const lit = await view.page.evaluate(() => ({
      versions: [window.litElementVersions, window.litHtmlVersions, window.reactiveElementVersions].map((list: unknown) =>
        Array.isArray(list) && list.every((v) => typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v)) ? list.length : -1,
      ),
      metadata: Object.getPrototypeOf(window.litPropertyMetadata) === WeakMap.prototype,
    }));
    assert.deepEqual(lit, { versions: [1, 1, 1], metadata: true });
  });

  it('keeps the page intact when a payload is the whole reply, one attack at a time', async () => {
    // One reply per attack, replaced in place: a payload cannot lean on its neighbours to close a tag.
    const { view, executed } = await openWatched(env, false);
    const pageUrl = view.page.url();
    await view.send(snapshot([]));
    for (const attack of ATTACKS) {
      await view.send({ type: 'upsert', item: assistant('one', withOrigin(attack.payload, env.server.origin)) });
    }
    await assertUntouched(view, executed, false, pageUrl);
  });
});
