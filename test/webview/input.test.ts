// The composer, the connection banner, the empty and loading states, and the item views, driven
// the way a person would: by role and accessible name, mouse and keyboard.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assistant, notice, snapshot, tool, user, webviewSuite, type WebviewPage } from './harness';

declare const document: any;

const sent = async (view: WebviewPage) => (await view.posted()).filter((m) => m.type !== 'ready');

describe('composer', () => {
  const env = webviewSuite();

  it('sends on Enter, inserts a newline on Shift+Enter, and clears the draft', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    await input.click();
    await view.page.keyboard.type('first line');
    await view.page.keyboard.press('Shift+Enter');
    await view.page.keyboard.type('  indented second');
    assert.equal(await input.inputValue(), 'first line\n  indented second');
    assert.deepEqual(await sent(view), []);
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await sent(view), [{ type: 'send', text: 'first line\n  indented second' }]);
    assert.equal(await input.inputValue(), '');
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'focus stays in the box');
  });

  it('puts text the host hands back into the box without losing what is typed there', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    await view.send({ type: 'draft', text: 'not sent before the switch' });
    assert.equal(await input.inputValue(), 'not sent before the switch');
    await input.fill('typed meanwhile');
    await view.send({ type: 'draft', text: 'handed back' });
    assert.equal(await input.inputValue(), 'typed meanwhile\n\nhanded back');
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'the box has the focus');
    assert.deepEqual(await sent(view), []);
  });

  it('does nothing for an empty or blank message, and never sends while composing with an IME', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    await input.press('Enter');
    await input.fill('   \n\t ');
    await input.press('Enter');
    // aria-disabled keeps the button focusable and clickable; the click must still do nothing.
    await view.page.getByRole('button', { name: 'Send', exact: true }).click({ force: true });
    assert.deepEqual(await sent(view), []);

    await input.fill('こんにちは');
    // What an IME's Enter looks like: a keydown while a composition is active (or keyCode 229).
    const imeEnter = await input.evaluate((el) => {
      const composing = new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true });
      const afterCommit = new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, cancelable: true });
      el.dispatchEvent(composing);
      el.dispatchEvent(afterCommit);
      return [composing.defaultPrevented, afterCommit.defaultPrevented];
    });
    assert.deepEqual(imeEnter, [false, false], 'the IME keeps its Enter');
    assert.deepEqual(await sent(view), []);
    await input.press('Enter');
    assert.deepEqual(await sent(view), [{ type: 'send', text: 'こんにちは' }]);
  });

  it('turns Send into Stop while busy; Stop posts stop', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    const sendButton = view.page.getByRole('button', { name: 'Send', exact: true });
    assert.equal(await sendButton.getAttribute('aria-disabled'), 'true', 'nothing to send yet');
    await input.fill('run the tests');
    assert.equal(await sendButton.getAttribute('aria-disabled'), 'false');
    await sendButton.click();
    await view.send({ type: 'busy', busy: true });
    const stop = view.page.getByRole('button', { name: 'Stop' });
    assert.equal(await stop.count(), 1);
    assert.equal(await sendButton.count(), 0);
    await stop.click();
    // Keyboard: Tab from the box reaches the button (past the paperclip and the busy mode), Enter presses it.
    await input.focus();
    for (const name of ['Attach files', 'While a reply runs, Enter', 'Stop']) {
      await view.page.keyboard.press('Tab');
      assert.equal(await view.page.evaluate(() => document.activeElement.getAttribute('aria-label') ?? document.activeElement.textContent), name);
    }
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await sent(view), [{ type: 'send', text: 'run the tests' }, { type: 'stop' }, { type: 'stop' }]);
    await view.send({ type: 'busy', busy: false });
    assert.equal(await view.page.getByRole('button', { name: 'Send', exact: true }).count(), 1);
  });

  it('takes focus when the host asks', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    await view.send({ type: 'focus' });
    const focused = await view.page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    assert.equal(focused, 'Message OpenClaw');
  });
});

describe('banner, empty state and items', () => {
  const env = webviewSuite();

  it('shows the connection banner with its actions, and hides it when connected', async () => {
    const view = await env.open();
    await view.send(
      snapshot([], {
        // No models listed (not connected): the header's pickers stay hidden, the banner comes first.
        controls: { models: [], thinkingLevels: [], busyMode: 'steer' },
        connection: {
          kind: 'failed',
          title: 'Pairing required',
          detail: 'Run `openclaw devices approve 7f3a` on the gateway host.',
          actions: [
            { id: 'approvePairing', label: 'I approved it' },
            { id: 'showLog', label: 'Show Log' },
          ],
        },
      }),
    );
    const banner = view.page.getByRole('region', { name: 'Connection' });
    assert.ok(await banner.isVisible());
    assert.equal(await banner.locator('.banner-title').textContent(), 'Pairing required');
    assert.equal(await banner.locator('.banner-detail').textContent(), 'Run `openclaw devices approve 7f3a` on the gateway host.');
    // Keyboard: Tab reaches each action with a visible focus ring; Enter and Space press it, and a
    // held Space presses once, as on a native button.
    const focused = () =>
      view.page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return `${el.getAttribute('role')}:${el.textContent}:${style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 ? 'visible' : 'INVISIBLE'}`;
      });
    await view.page.locator('body').focus();
    await view.page.keyboard.press('Tab');
    assert.equal(await focused(), 'button:I approved it:visible');
    await view.page.keyboard.press('Enter');
    await view.page.keyboard.press('Tab');
    assert.equal(await focused(), 'button:Show Log:visible');
    await view.page.keyboard.down('Space');
    await view.page.keyboard.down('Space');
    await view.page.keyboard.up('Space');
    await banner.getByRole('button', { name: 'I approved it' }).click();
    await banner.getByRole('button', { name: 'Show Log' }).click();
    assert.deepEqual(await sent(view), [
      { type: 'action', id: 'approvePairing' },
      { type: 'action', id: 'showLog' },
      { type: 'action', id: 'approvePairing' },
      { type: 'action', id: 'showLog' },
    ]);
    await view.send({ type: 'connection', connection: { kind: 'connected', title: 'Connected', actions: [] } });
    assert.equal(await banner.isVisible(), false);
  });

  it('shows a welcome when there is nothing yet, and a loading state while loading', async () => {
    const view = await env.open();
    await view.send(snapshot([], { loading: true }));
    assert.ok(await view.page.getByRole('status').filter({ hasText: 'Loading conversation…' }).isVisible());
    // The ring beside the words is decoration, not the component's own assertive "Loading" alert.
    assert.equal(await view.page.getByRole('alert').count(), 0);
    assert.equal(await view.page.getByRole('status').ariaSnapshot(), '- status: Loading conversation…');
    assert.equal(await view.page.getByRole('log').getAttribute('aria-busy'), 'true');
    await view.send(snapshot([]));
    assert.ok(await view.page.getByRole('heading', { name: 'Ask OpenClaw anything' }).isVisible());
    assert.equal(await view.page.getByText('Loading conversation…').isVisible(), false);
    assert.equal(await view.page.getByRole('log').getAttribute('aria-busy'), 'false');
    await view.send({ type: 'upsert', item: user('u', 'hello') });
    assert.equal(await view.page.getByRole('heading', { name: 'Ask OpenClaw anything' }).isVisible(), false);
  });

  it('renders user bubbles with context and pending markers, tool cards, and notices', async () => {
    const view = await env.open();
    await view.send(
      snapshot([
        user('u1', 'Why does this throw?', { chips: [{ kind: 'selection', label: 'src/gateway/client.ts:40-72' }] }),
        user('u2', 'And this?', { pending: 'queued' }),
        user('u3', 'Now?', { pending: 'sending' }),
        tool('t1', 'bash', { args: '{ "command": "npm test" }', result: 'exit code 1', state: 'error' }),
        tool('t2', 'read_file', { args: '{ "path": "a.ts" }', state: 'running' }),
        notice('n1', 'warning', 'Context window 90% full'),
      ]),
    );
    const bubbles = view.page.locator('.msg.user');
    assert.equal(await bubbles.nth(0).locator('.context-chip').textContent(), 'src/gateway/client.ts:40-72');
    assert.equal(await bubbles.nth(1).locator('.pending').textContent(), 'Queued — sends when connected');
    assert.equal(await bubbles.nth(2).locator('.pending').textContent(), 'Sending…');
    assert.equal(await bubbles.nth(0).locator('.pending').isVisible(), false);

    const failed = view.page.locator('details.tool').nth(0);
    assert.equal(await failed.getAttribute('data-state'), 'error');
    assert.equal(await failed.locator('summary').textContent(), 'ToolbashFailed');
    assert.equal(await failed.locator('.tool-body').isVisible(), false, 'closed by default');
    // Keyboard: focus the summary and press Enter to open, as with any <details>.
    await failed.locator('summary').focus();
    await view.page.keyboard.press('Enter');
    assert.equal(await failed.locator('.tool-body').isVisible(), true);
    assert.deepEqual(await failed.locator('.tool-label:visible').allTextContents(), ['Arguments', 'Error']);
    assert.deepEqual(await failed.locator('.tool-text').allTextContents(), ['{ "command": "npm test" }', 'exit code 1']);
    const running = view.page.locator('details.tool').nth(1);
    assert.equal(await running.locator('.tool-status').textContent(), 'Running…');
    // An update keeps the card open.
    await view.send({ type: 'upsert', item: tool('t1', 'bash', { args: '{ "command": "npm test" }', result: 'exit code 0', state: 'done' }) });
    assert.equal(await failed.evaluate((d) => d.open), true);
    assert.equal(await failed.locator('.tool-result').textContent(), 'exit code 0');

    const warning = view.page.locator('.notice');
    assert.equal(await warning.textContent(), 'Warning:Context window 90% full');
    assert.ok((await warning.getAttribute('class'))!.includes('notice-warning'));
  });

  it('is a polite log of articles, with visible focus on every control', async () => {
    const view = await env.open();
    await view.send(snapshot([user('u', 'hi'), assistant('a', '```js\nx()\n```\n\n[docs](https://docs.openclaw.ai)'), tool('t', 'ls')]));
    const log = view.page.getByRole('log', { name: 'Conversation' });
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    assert.equal(await log.getByRole('article').count(), 2);
    // Tab through everything and check each stop draws a focus outline.
    const stops: string[] = [];
    await view.page.locator('body').focus();
    for (let i = 0; i < 12; i++) {
      await view.page.keyboard.press('Tab');
      stops.push(
        await view.page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
          const boxed = el.closest('.input-box') && getComputedStyle(el.closest('.input-box')).borderColor;
          return `${el.localName}:${(el.getAttribute('aria-label') ?? el.textContent).trim()}:${outlined || boxed ? 'visible' : 'INVISIBLE'}`;
        }),
      );
    }
    assert.deepEqual(stops.slice(0, 11), [
      'select:Model:visible',
      'select:Thinking:visible',
      'div:Conversation:visible',
      // "Rewind to here" is offered only where the connection has admin: this page was not told so.
      'button:Edit and resend:visible',
      'button:Copy:visible',
      'button:Insert at Cursor:visible',
      'a:docs:visible',
      'summary:ToollsDone:visible',
      'textarea:Message OpenClaw:visible',
      'button:Attach files:visible',
      'button:Send:visible',
    ]);
  });
});

declare function getComputedStyle(el: unknown): any;
declare class KeyboardEvent {
  constructor(type: string, init: Record<string, unknown>);
  readonly defaultPrevented: boolean;
}
