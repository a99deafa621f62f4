// Assistant replies render as markdown; code blocks and links act through the host, never in place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assistant, snapshot, webviewSuite } from './harness';

declare const document: any;

const REPLY = [
  '# Reconnecting',
  '',
  'The client **backs off** with _jitter_, see [the docs](https://docs.openclaw.ai/gateway) or <https://openclaw.ai>.',
  '',
  '## Steps',
  '',
  '1. Close the socket',
  '2. Wait `delay` ms',
  '3. Open again',
  '',
  '- [x] handshake',
  '- [ ] heartbeat',
  '',
  '> Quote with ~~strike~~.',
  '',
  '| Attempt | Delay |',
  '| ------: | :---- |',
  '| 1 | 500 ms |',
  '',
  '```ts',
  'const delay = Math.min(30_000, 500 * 2 ** attempt);',
  'socket = new WebSocket(url);',
  '```',
  '',
  '```',
  'plain <b>not bold</b> & more',
  '```',
  '',
  'A <span>raw tag</span> stays text.',
].join('\n');

describe('markdown rendering', () => {
  const env = webviewSuite();

  it('renders headings, lists, emphasis, links, task lists, quotes, tables and code', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('a1', REPLY)]));
    const md = view.page.locator('.msg.assistant .markdown');
    assert.equal(await md.locator('h1').textContent(), 'Reconnecting');
    assert.equal(await md.locator('h2').textContent(), 'Steps');
    assert.equal(await md.locator('strong').textContent(), 'backs off');
    assert.equal(await md.locator('em').textContent(), 'jitter');
    assert.deepEqual(await md.locator('ol > li').allTextContents(), ['Close the socket', 'Wait delay ms', 'Open again']);
    assert.equal(await md.locator('ol code').textContent(), 'delay');
    assert.equal(await md.locator('ul input[type=checkbox]').count(), 2);
    assert.equal(await md.locator('ul input[type=checkbox][disabled]').count(), 2);
    assert.equal(await md.locator('blockquote del').textContent(), 'strike');
    assert.deepEqual(await md.locator('th').allTextContents(), ['Attempt', 'Delay']);
    assert.equal(await md.locator('th').first().getAttribute('align'), 'right');
    assert.equal(await md.locator('a[href="https://docs.openclaw.ai/gateway"]').textContent(), 'the docs');
    assert.equal(await md.locator('a[href="https://openclaw.ai"]').count(), 1);
    // Code is text: the <b> inside the fence is characters, and so is the raw <span> in prose.
    assert.equal(await md.locator('pre code').nth(1).textContent(), 'plain <b>not bold</b> & more\n');
    assert.equal(await md.locator('b, p span, pre span').count(), 0);
    assert.match((await md.locator('p').last().textContent()) ?? '', /A <span>raw tag<\/span> stays text\./);
    assert.equal(await md.locator('.code-block .code-lang').first().textContent(), 'ts');
  });

  it('gives every code block Copy and Insert at Cursor buttons that ask the host with its exact text, and say what the host answered', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('a1', REPLY)]));
    const copy = view.page.getByRole('button', { name: 'Copy', exact: true });
    const insert = view.page.getByRole('button', { name: 'Insert at Cursor', exact: true });
    const announced = () => view.page.locator('.sr-only[aria-live] p').allTextContents();
    assert.equal(await copy.count(), 2);
    assert.equal(await insert.count(), 2);
    await copy.first().click();
    await insert.nth(1).click();
    // Keyboard works too: focus the second Copy and press Enter.
    await copy.nth(1).focus();
    await view.page.keyboard.press('Enter');
    const posted = (await view.posted()).filter((m) => m.type !== 'ready');
    assert.deepEqual(posted, [
      { type: 'request', id: 1, method: 'copy', params: { text: 'const delay = Math.min(30_000, 500 * 2 ** attempt);\nsocket = new WebSocket(url);' } },
      { type: 'request', id: 2, method: 'insert', params: { text: 'plain <b>not bold</b> & more' } },
      { type: 'request', id: 3, method: 'copy', params: { text: 'plain <b>not bold</b> & more' } },
    ]);
    assert.equal(await copy.first().evaluate((el) => el.classList.contains('is-done')), false, 'no tick before the host answered');
    await view.send(
      { type: 'reply', id: 1, ok: true, result: {} },
      { type: 'reply', id: 2, ok: true, result: { inserted: false } },
      { type: 'reply', id: 3, ok: true, result: { inserted: 'yes' } },
    );
    await view.page.waitForFunction(() => document.querySelectorAll('.sr-only[aria-live] p').length >= 3);
    assert.ok(await copy.first().evaluate((el) => el.classList.contains('is-done')), 'a tick shows, the name stays "Copy"');
    assert.equal(await insert.nth(1).evaluate((el) => el.classList.contains('is-done')), false, 'nothing inserted, no tick');
    assert.deepEqual((await announced()).slice(-3), [
      'Copied code to the clipboard',
      'No editor is active: nothing was inserted',
      'Could not copy: the editor\'s answer to "copy" does not fit the contract',
    ]);
  });

  it('opens links through the host: a click posts openLink and the page stays put', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('a1', REPLY)]));
    const url = view.page.url();
    const link = view.page.getByRole('link', { name: 'the docs' });
    assert.equal(await link.getAttribute('title'), 'https://docs.openclaw.ai/gateway', 'the target shows before opening');
    await link.click();
    await link.click({ button: 'middle' });
    await link.click({ modifiers: ['Control'] });
    await link.click({ button: 'right' }); // a context menu, not an open
    await view.page.keyboard.press('Escape');
    await view.page.waitForTimeout(200);
    assert.equal(view.page.url(), url);
    assert.equal(view.page.context().pages().length, 1, 'no new window');
    const opened = (await view.posted()).filter((m) => m.type === 'openLink');
    assert.deepEqual(opened, [
      { type: 'openLink', href: 'https://docs.openclaw.ai/gateway' },
      { type: 'openLink', href: 'https://docs.openclaw.ai/gateway' },
      { type: 'openLink', href: 'https://docs.openclaw.ai/gateway' },
    ]);
    assert.ok(
      view.requests.every((r) => env.server.isOwnAsset(r)),
      `no request left the page: ${view.requests}`,
    );
  });

  it('shows remote images as links and embedded raster images in place', async () => {
    const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const view = await env.open();
    await view.send(snapshot([assistant('a1', `![diagram](https://example.com/d.png)\n\n![dot](${pixel})`)]));
    const md = view.page.locator('.markdown');
    assert.equal(await md.locator('img').count(), 1);
    assert.equal(await md.locator('img').getAttribute('src'), pixel);
    assert.equal(await md.getByRole('link', { name: 'diagram' }).getAttribute('href'), 'https://example.com/d.png');
    assert.ok(view.requests.every((r) => env.server.isOwnAsset(r)));
  });
});
