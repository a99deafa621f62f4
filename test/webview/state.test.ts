// UI state (draft, open tool cards, scroll, stick-to-bottom) lives in VS Code's webview state and
// comes back when the webview is re-created: here, a reload with the stub's getState.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatItem, WebviewUiState } from '../../src/protocol/webview';
import { assistant, snapshot, tool, user, webviewSuite, type WebviewPage } from './harness';

/** A conversation long enough to scroll, with three tool cards. */
function conversation(): ChatItem[] {
  const items: ChatItem[] = [];
  for (let i = 0; i < 12; i++) {
    items.push(user(`u${i}`, `Question ${i}: what does module ${i} do?`));
    if (i % 4 === 1) items.push(tool(`t${i}`, `read_file_${i}`, { args: `{ "path": "src/m${i}.ts" }`, result: `export const m${i} = ${i};` }));
    items.push(assistant(`a${i}`, `Module ${i} handles **part ${i}**.\n\n- one\n- two\n- three\n\nThat is all.`));
  }
  return items;
}

/** The last UI state saved, once it matches: waits for it, with room for a busy machine. */
async function lastSaved(view: WebviewPage, match: (s: WebviewUiState) => boolean): Promise<WebviewUiState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const states = await view.savedStates();
    const last = states.at(-1);
    if (last && match(last)) return last;
    if (Date.now() > deadline) throw new Error(`no matching saved state; last: ${JSON.stringify(last)}`);
    await view.page.waitForTimeout(20);
  }
}

describe('UI state', () => {
  const env = webviewSuite();

  it('restores the draft, open tool cards and scroll position after the webview is re-created', async () => {
    const view = await env.open({ height: 500 });
    const items = conversation();
    await view.send(snapshot(items));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    await input.fill('half a thought');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    await view.page.locator('details.tool', { hasText: 'read_file_5' }).locator('summary').click();
    await view.page.locator('.log').evaluate((log) => (log.scrollTop = 400));

    const saved = await lastSaved(view, (s) => s.scrollTop === 400 && s.openTools.length === 1 && s.draft.endsWith('line'));
    assert.deepEqual(saved, { draft: 'half a thought\nsecond line', scrollTop: 400, openTools: ['t5'], stickToBottom: false });

    await view.reload();
    // Before the snapshot the draft is already back; the rest needs the items.
    assert.equal(await input.inputValue(), 'half a thought\nsecond line');
    await view.send(snapshot([], { loading: true }));
    assert.ok(await view.page.getByText('Loading conversation…').isVisible());
    await view.send(snapshot(items));
    const open = await view.page.locator('details.tool').evaluateAll((cards) => cards.map((c) => c.open));
    assert.deepEqual(open, [false, true, false]);
    assert.equal(await view.page.locator('.log').evaluate((log) => log.scrollTop), 400);
    assert.ok(await view.page.getByRole('button', { name: 'Jump to latest' }).isVisible());
  });

  it('follows new content at the bottom, stops when scrolled up, and comes back with Jump to latest', async () => {
    const view = await env.open({ height: 500 });
    await view.send(snapshot(conversation()));
    const log = view.page.locator('.log');
    const gap = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    // Pinning can take a frame more than the action that causes it (a resize observed after a
    // focus change, say): wait for the condition itself, with room for a busy machine.
    const pinned = async (what: string) => {
      const deadline = Date.now() + 15_000;
      let last = await gap();
      while (last >= 2) {
        if (Date.now() > deadline) assert.fail(`${what}: still ${last}px from the bottom after 15 s`);
        await view.page.waitForTimeout(20);
        last = await gap();
      }
    };
    await pinned('starts at the bottom');

    await view.send({ type: 'upsert', item: assistant('s', '', { streaming: true }) });
    await view.send({ type: 'append', id: 's', text: 'A new paragraph.\n\n'.repeat(8) });
    await pinned('follows while pinned');

    await log.evaluate((el) => (el.scrollTop = 100));
    await lastSaved(view, (s) => !s.stickToBottom && s.scrollTop === 100);
    const jump = view.page.getByRole('button', { name: 'Jump to latest' });
    await jump.waitFor({ state: 'visible', timeout: 15_000 });
    await view.send({ type: 'append', id: 's', text: 'More text.\n\n'.repeat(8) });
    // The new text is laid out (its height counted) before the position is read: only then does
    // "stays" mean anything.
    await view.page.getByText('More text.').last().waitFor({ state: 'attached', timeout: 15_000 });
    await view.settle();
    assert.equal(await log.evaluate((el) => el.scrollTop), 100, 'stays where the person scrolled');

    await jump.click();
    await pinned('jumps to the bottom');
    await lastSaved(view, (s) => s.stickToBottom);
    await jump.waitFor({ state: 'hidden', timeout: 15_000 });

    await view.reload();
    await view.send(snapshot(conversation()));
    await pinned('a pinned view comes back pinned');
  });

  it('forgets open cards that no longer exist and ignores a malformed saved state', async () => {
    // Saved by some older build: wrong types everywhere, and a card that no longer exists.
    const stale = JSON.stringify({ draft: 42, scrollTop: -5, openTools: ['gone', 7], stickToBottom: 'yes' });
    const view = await env.open({ prepare: (page) => page.addInitScript((state) => sessionStorage.setItem('openclaw-webview-state', state), stale) });
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    assert.equal(await input.inputValue(), '');
    await view.send(snapshot([user('u', 'hi'), tool('t', 'ls')]));
    assert.equal(await view.page.locator('details.tool').evaluate((c) => c.open), false);
    const saved = await lastSaved(view, () => true);
    assert.deepEqual(saved.openTools, []);
  });
});

declare const sessionStorage: { setItem(key: string, value: string): void };
