// "Load earlier" in real Chromium: a session that opens with its latest messages asks the host for
// older pages as the person scrolls up, builds each page above what they read without moving it,
// and reads from the end to the start with every message once, in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatItem } from '../../src/protocol/webview';
import path from 'node:path';
import { ARTIFACTS, assistant, snapshot, user, webviewSuite, type WebviewPage } from './harness';

declare const document: any;
declare const window: any;
declare const Event: any;

/** Messages `from` to `to - 1`: a question, then its answer (two lines, so pages are tall). */
function messages(from: number, to: number): ChatItem[] {
  const items: ChatItem[] = [];
  for (let i = from; i < to; i++) items.push(i % 2 ? assistant(`a${i}`, `Answer ${i}\n\nwith a second paragraph.`) : user(`u${i}`, `Question ${i}`));
  return items;
}

/**
 * Long and short messages: their real heights in a narrow view are far from the 120-px estimate the
 * page gives what it has not laid out yet (a question of one line, answers of up to 8 paragraphs).
 */
function longMessages(from: number, to: number): ChatItem[] {
  const items: ChatItem[] = [];
  for (let i = from; i < to; i++) {
    if (i % 2 === 0) {
      items.push(user(`u${i}`, `Question ${i}`));
      continue;
    }
    const paragraphs = Array.from({ length: 1 + (i % 8) }, (_, k) => `Paragraph ${k}: ${'a fairly long sentence of prose '.repeat(3 + ((i + k) % 9))}`);
    items.push(assistant(`a${i}`, `Answer ${i}\n\n${paragraphs.join('\n\n')}\n\n\`\`\`ts\nconst n = ${i};\n\`\`\``));
  }
  return items;
}

/**
 * Scrolls the log to near its top and, in the same task (before any frame lays out what came into
 * view), marks the first message in view; then the scroll event goes out, as a person's would.
 * When what came into view is all in folds not laid out yet (no message there has a place to
 * measure), the next frames lay them out and the message at the top edge is marked then.
 */
async function scrollUpAndMark(view: WebviewPage): Promise<{ reading: string; before: number }> {
  const marked = await view.page.evaluate(() => {
    const log = document.querySelector('.log');
    log.scrollTop = 150;
    const box = log.getBoundingClientRect();
    const el = [...log.querySelectorAll('.msg')].find((e: any) => {
      const rect = e.getBoundingClientRect();
      return rect.height > 0 && rect.bottom > box.top + 1 && rect.top < box.bottom;
    });
    if (el) el.dataset.reading = '';
    const at = el ? { reading: /(Question|Answer) \d+/.exec(el.textContent)?.[0] ?? '?', before: el.getBoundingClientRect().top - box.top } : undefined;
    log.dispatchEvent(new Event('scroll'));
    return at;
  });
  return marked ?? markReading(view);
}

async function shown(view: WebviewPage): Promise<string[]> {
  return view.page.locator('.log .msg').evaluateAll((elements) => elements.map((el) => /(Question|Answer) \d+/.exec(el.textContent ?? '')?.[0] ?? '?'));
}

/**
 * Marks the message the person sees at the top edge of the log and says where its top is, relative
 * to the log's viewport. Found by hit-testing, as what is painted there, and taken once it holds
 * still for a frame: right after a scroll, folds that came into view may not be laid out yet
 * (content-visibility), and measuring in them moves them (their estimated heights become real).
 */
async function markReading(view: WebviewPage): Promise<{ reading: string; before: number }> {
  const handle = await view.page.waitForFunction(
    () => {
      const log = document.querySelector('.log');
      const box = log.getBoundingClientRect();
      const el = document.elementFromPoint(box.left + box.width / 2, box.top + 2)?.closest('.msg');
      const top = el ? el.getBoundingClientRect().top - box.top : Number.NaN;
      const last = window.__reading;
      window.__reading = { el, top };
      if (!el || last?.el !== el || Math.abs(last.top - top) >= 0.5) return undefined;
      delete window.__reading;
      el.dataset.reading = '';
      return { reading: /(Question|Answer) \d+/.exec(el.textContent)?.[0] ?? '?', before: top };
    },
    undefined,
    { polling: 'raf' },
  );
  return (await handle.jsonValue()) as { reading: string; before: number };
}

async function markedTop(view: WebviewPage): Promise<number> {
  return view.page.evaluate(() => {
    const log = document.querySelector('.log');
    const el = log.querySelector('[data-reading]');
    const top = el.getBoundingClientRect().top - log.getBoundingClientRect().top;
    delete el.dataset.reading;
    return top;
  });
}

/** Answers the page request with `items` and checks that the marked message stayed where it was read. */
async function answerAndCheck(view: WebviewPage, id: number, items: ChatItem[], from: number, marked: { reading: string; before: number }): Promise<void> {
  await view.send({ type: 'prepend', items, earlier: from }, { type: 'reply', id, ok: true, result: { earlier: from } });
  await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-busy') === 'false');
  await view.settle();
  const after = await markedTop(view);
  assert.ok(Math.abs(after - marked.before) < 2, `"${marked.reading}" stayed where it was read (${marked.before} -> ${after})`);
}

async function headText(view: WebviewPage): Promise<string | null> {
  return view.page.evaluate(() => document.querySelector('.log > .earlier')?.textContent ?? null);
}

describe('load earlier', () => {
  const env = webviewSuite();

  it('loads older pages as the person scrolls up, without moving what they read, from the end to the start', async () => {
    const view = await env.open({ height: 500 });
    const TOTAL = 180;
    const PAGE = 60;
    await view.send(snapshot(messages(TOTAL - PAGE, TOTAL), { earlier: TOTAL - PAGE }));
    await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-busy') === 'false');
    assert.match((await headText(view)) ?? '', /120 earlier messages/);
    // At the bottom of a full page, nothing is asked yet.
    assert.ok(!(await view.posted()).some((m) => m.type === 'request' && m.method === 'loadEarlier'), 'no request while reading the end');

    let oldest = TOTAL - PAGE;
    let requests = 0;
    while (oldest > 0) {
      // The person scrolls up near the top: the page asks for the next older page.
      await view.clearPosted();
      await view.page.evaluate(() => {
        const log = document.querySelector('.log');
        log.scrollTop = 150;
        log.dispatchEvent(new Event('scroll'));
      });
      const request = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'loadEarlier')) as { id: number };
      requests += 1;
      await view.settle();
      // What the person reads: the first message in view (marked, to be found again after the page).
      const { reading, before } = await markReading(view);
      const from = oldest - PAGE;
      await answerAndCheck(view, request.id, messages(from, oldest), from, { reading, before });
      oldest = from;
    }
    assert.equal(requests, 2);
    const expected = messages(0, TOTAL).map((item) => (item.kind === 'user' ? item.text : (item as { text: string }).text.split('\n')[0]));
    assert.deepEqual(await shown(view), expected, 'every message once, in order');
    assert.equal(await headText(view), null, 'at the start, the row is gone');
    await view.page.screenshot({ path: path.join(ARTIFACTS, 'earlier-loaded.png') });

    // Older messages sit in folds the browser skips while far from view; the text stays in the DOM,
    // so a selection across two folds (what copy puts on the clipboard) reads as the messages do.
    const selected = await view.page.evaluate(() => {
      const folds = [...document.querySelectorAll('.log-fold')];
      const [first, second] = [folds[3].lastElementChild, folds[4].firstElementChild];
      first.scrollIntoView({ block: 'center' });
      const range = document.createRange();
      range.setStartBefore(first);
      range.setEndAfter(second);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return { text: selection.toString(), first: first.textContent, second: second.textContent };
    });
    const wanted = [/(Question|Answer) \d+/.exec(selected.first)?.[0], /(Question|Answer) \d+/.exec(selected.second)?.[0]];
    assert.ok(wanted[0] && wanted[1] && wanted[0] !== wanted[1], `two messages: ${JSON.stringify(wanted)}`);
    assert.match(selected.text, new RegExp(`${wanted[0]}[\\s\\S]*${wanted[1]}`), 'both messages, in order, in the selection');
  });

  it('keeps the message being read in place in a narrow, short view, marked as the scroll lands', async () => {
    // code-server's chat: a log of 298 x 219 px. Scrolled up at once, the messages brought into
    // view are still at their estimated heights when the page is built above them; laid out in the
    // next frames, they took their real heights and (with Chromium's anchoring alone) the message
    // being read moved down by ~1,750 px.
    const view = await env.open({ width: 298, height: 396 });
    const TOTAL = 600;
    const PAGE = 200;
    await view.send(snapshot(longMessages(TOTAL - PAGE, TOTAL), { earlier: TOTAL - PAGE }));
    await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-busy') === 'false');
    await view.settle();
    assert.equal(await view.page.locator('.log').evaluate((el) => el.clientHeight), 219);
    let oldest = TOTAL - PAGE;
    while (oldest > 0) {
      await view.clearPosted();
      const { reading, before } = await scrollUpAndMark(view);
      const request = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'loadEarlier')) as { id: number };
      const from = oldest - PAGE;
      await answerAndCheck(view, request.id, longMessages(from, oldest), from, { reading, before });
      oldest = from;
    }
    assert.equal((await shown(view)).length, TOTAL, 'every message once');
  });

  it('keeps the first message in place when the person scrolled to the very top, above it the "earlier" row', async () => {
    // A wheel flicked up stops at 0: the row at the top edge is then the "earlier messages" row,
    // which stays at the top as the page goes in below it. The message under it is what is read.
    const view = await env.open({ height: 500 });
    const TOTAL = 180;
    const PAGE = 60;
    await view.send(snapshot(messages(TOTAL - PAGE, TOTAL), { earlier: TOTAL - PAGE }));
    await view.page.waitForFunction(() => document.querySelector('.log').getAttribute('aria-busy') === 'false');
    await view.settle();
    await view.clearPosted();
    const marked = await view.page.evaluate(() => {
      const log = document.querySelector('.log');
      log.scrollTop = 0;
      log.dispatchEvent(new Event('scroll'));
      const el = log.querySelector('.msg');
      el.dataset.reading = '';
      return { reading: /(Question|Answer) \d+/.exec(el.textContent)?.[0] ?? '?', before: el.getBoundingClientRect().top - log.getBoundingClientRect().top };
    });
    assert.equal(marked.reading, `Question ${TOTAL - PAGE}`);
    const request = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'loadEarlier')) as { id: number };
    await view.clearPosted();
    const from = TOTAL - 2 * PAGE;
    await answerAndCheck(view, request.id, messages(from, TOTAL - PAGE), from, marked);
    // The view is no longer at the top: the next page waits for the person to scroll up again.
    await view.settle();
    assert.ok(!(await view.posted()).some((m) => m.type === 'request' && m.method === 'loadEarlier'), 'no request while reading below the page');
  });

  it('says when a page could not be loaded and offers to try again', async () => {
    const view = await env.open({ height: 500 });
    await view.send(snapshot(messages(100, 104), { earlier: 100 }));
    // Four messages do not fill the view: the older page is asked for at once.
    const request = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'loadEarlier')) as { id: number };
    await view.send({ type: 'reply', id: request.id, ok: false, error: 'the gateway is not connected' });
    await view.page.waitForFunction(() => /Could not load earlier messages/.test(document.querySelector('.log > .earlier')?.textContent ?? ''));
    assert.match((await headText(view)) ?? '', /the gateway is not connected.*Try again/);
    await view.clearPosted();
    await view.page.locator('.earlier-button').click();
    await view.waitForPosted((m) => m.type === 'request' && m.method === 'loadEarlier');
  });
});
