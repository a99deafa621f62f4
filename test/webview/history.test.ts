// A long history paints its newest items in the first frame and builds the older ones above them in
// the frames after, without changing what ends up on the page: the order, updates that arrive in
// between, the saved scroll position, and a live region that does not read the history out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatItem } from '../../src/protocol/webview';
import { assistant, snapshot, tool, user, webviewSuite, type WebviewPage } from './harness';

declare const window: any;
declare const document: any;
declare const requestAnimationFrame: any;
declare const sessionStorage: any;

function history(turns: number): ChatItem[] {
  const items: ChatItem[] = [];
  for (let i = 0; i < turns; i++) {
    items.push(user(`u${i}`, `Question ${i}`));
    if (i % 5 === 0) items.push(tool(`t${i}`, `read_file_${i}`, { args: `{ "path": "m${i}.ts" }`, result: `export const m = ${i};` }));
    items.push(assistant(`a${i}`, `Answer ${i} with **bold**.\n\n- one\n- two\n\n\`\`\`ts\nconst x = ${i};\n\`\`\``));
  }
  return items;
}

/** The text that identifies each item on the page, top to bottom (older ones are in folds). */
async function shown(view: WebviewPage): Promise<string[]> {
  return view.page
    .locator('.log > :not(.log-group), .log-fold > *')
    .evaluateAll((elements) =>
      elements.map((el) => /Question \d+|Answer \d+|read_file_\d+|Edited answer|Typed during/.exec(el.textContent ?? '')?.[0] ?? el.textContent),
    );
}

const expected = (items: ChatItem[]) =>
  items.map((item) =>
    item.kind === 'tool' ? item.tool.name : item.kind === 'notice' ? item.text : 'text' in item ? item.text.split(' ').slice(0, 2).join(' ') : item.kind,
  );

async function waitForWholeHistory(view: WebviewPage): Promise<void> {
  await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-busy') === 'false');
}

describe('long history', () => {
  const env = webviewSuite();

  it('shows the newest items in the first frame, then all of them in order', async () => {
    const view = await env.open({ height: 500 });
    const items = history(250);
    // Counted in the frame that renders the snapshot: a rAF queued behind the app's own.
    const firstFrame = await view.page.evaluate(
      (message) =>
        new Promise<{ count: number; last: string; live: string; busy: string }>((resolve) => {
          window.postMessage(message, '*');
          window.addEventListener('message', function onMarker(event: any) {
            if (event.data !== 'marker') return;
            window.removeEventListener('message', onMarker);
            requestAnimationFrame(() => {
              const log = document.querySelector('.log');
              resolve({
                count: log.childElementCount,
                last: log.lastElementChild.textContent,
                live: log.getAttribute('aria-live'),
                busy: log.getAttribute('aria-busy'),
              });
            });
          });
          window.postMessage('marker', '*');
        }),
      { ...snapshot(items), seq: ++view.seq },
    );
    assert.ok(firstFrame.count > 0 && firstFrame.count < items.length / 4, `first frame built ${firstFrame.count} of ${items.length}`);
    assert.match(firstFrame.last, /Answer 249/);
    assert.equal(firstFrame.live, 'off', 'the history is not read out as it is built');
    assert.equal(firstFrame.busy, 'true');

    await waitForWholeHistory(view);
    assert.deepEqual(await shown(view), expected(items));
    const log = view.page.locator('.log');
    assert.ok(await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2), 'still at the bottom');
    await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-live') === 'polite');
  });

  it('applies updates to items not yet built, and new items, while the older ones are built', async () => {
    const view = await env.open();
    const items = history(250);
    const edited = assistant('a3', 'Edited answer streamed while the history was being built.');
    const added = user('u-new', 'Typed during the load');
    await view.page.evaluate(
      (messages) => {
        for (const message of messages) window.postMessage(message, '*');
      },
      [
        { ...snapshot(items), seq: ++view.seq },
        { type: 'upsert', item: edited, seq: ++view.seq },
        { type: 'remove', id: 'u7', seq: ++view.seq },
        { type: 'upsert', item: added, seq: ++view.seq },
      ],
    );
    await waitForWholeHistory(view);
    const final = items.map((item) => (item.id === 'a3' ? edited : item)).filter((item) => item.id !== 'u7');
    final.push(added);
    assert.deepEqual(await shown(view), expected(final));
    assert.equal(await view.page.getByText('Edited answer').count(), 1);
  });

  it('restores a saved scroll position exactly: then it builds the whole history at once', async () => {
    const saved = JSON.stringify({ draft: '', scrollTop: 1500, openTools: [], stickToBottom: false });
    const view = await env.open({
      height: 500,
      prepare: (page) => page.addInitScript((state) => sessionStorage.setItem('openclaw-webview-state', state), saved),
    });
    await view.send(snapshot(history(250)));
    assert.equal(await view.page.locator('.log > *').count(), history(250).length, 'all built in the first frame');
    assert.equal(await view.page.locator('.log .log-fold').count(), 0, 'nothing folded: every height is real');
    await view.settle();
    assert.equal(await view.page.locator('.log').evaluate((el) => el.scrollTop), 1500);
  });
});
