// Streaming: a burst of appends costs a handful of renders, finished blocks stay as they are while
// the tail grows, and whatever the chunking, the result equals rendering the whole text at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assistant, snapshot, user, webviewSuite, type WebviewPage } from './harness';
import { TRICKY } from './tricky-markdown';

declare const document: any;
declare const window: any;

/** A deterministic PRNG (mulberry32), so a failing chunking can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `text` into pieces of 1..max characters. */
function chop(text: string, max: number, seed: number): string[] {
  const next = random(seed);
  const pieces: string[] = [];
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(next() * max);
    pieces.push(text.slice(i, i + size));
    i += size;
  }
  return pieces;
}

/** A long reply of the kind agents write: prose, lists, code, tables, quotes. */
function longReply(sections: number): string {
  const parts: string[] = [];
  for (let i = 1; i <= sections; i++) {
    parts.push(
      `## Step ${i}`,
      '',
      `This step changes **module ${i}** so that the reconnect loop backs off; see [issue ${i}](https://example.com/issues/${i}).`,
      '',
      '- keep the socket',
      '- drop pending requests',
      `  - nested detail ${i}`,
      '',
      '```ts',
      `export function step${i}(attempt: number): number {`,
      '',
      `  return Math.min(30_000, ${i * 100} * 2 ** attempt);`,
      '}',
      '```',
      '',
      '| key | value |',
      '| --- | ----- |',
      `| step | ${i} |`,
      '',
      `> Note ${i}: nothing here is final until the fence closes.`,
      '',
    );
  }
  return parts.join('\n');
}

/**
 * The reply's markup with the streamer's `.md-chunk` wrappers (one per commit of finished blocks)
 * taken away, so that it can be compared with a one-shot render, which has none.
 */
async function markdownHtml(view: WebviewPage, nth: number): Promise<string> {
  return view.page
    .locator('.msg.assistant .markdown')
    .nth(nth)
    .evaluate((element: any) => {
      const copy = element.cloneNode(true);
      for (const chunk of copy.querySelectorAll('.md-chunk')) chunk.replaceWith(...chunk.childNodes);
      return copy.innerHTML;
    });
}

describe('streaming', { timeout: 180_000 }, () => {
  const env = webviewSuite();

  it('renders 2,000 appends sent at once in a few frames, equal to a one-shot render', async (t) => {
    const view = await env.open();
    await view.send(snapshot([user('u', 'explain'), assistant('s', '', { streaming: true, activity: 'thinking' })]));
    const text = longReply(40);
    const pieces = chop(text, Math.floor(text.length / 1100), 1);
    assert.ok(pieces.length >= 2000, `${pieces.length} pieces`);

    // Count the renders: each animation frame that touches the log is one MutationObserver callback.
    await view.page.evaluate(() => {
      window.__renders = 0;
      new window.MutationObserver(() => window.__renders++).observe(document.querySelector('.log'), {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });
    await view.send(...pieces.map((piece) => ({ type: 'append' as const, id: 's', text: piece })));
    const renders: number = await view.page.evaluate(() => window.__renders);
    assert.ok(renders >= 1 && renders <= 40, `${renders} renders for ${pieces.length} appends`);
    t.diagnostic(`${renders} renders for ${pieces.length} appends (${text.length} characters)`);

    await view.send({ type: 'upsert', item: assistant('s', text, { streaming: false, usage: { input: 10, output: 20, total: 30 } }) });
    await view.send({ type: 'upsert', item: assistant('oneshot', text) });
    const [streamed, oneShot] = [await markdownHtml(view, 0), await markdownHtml(view, 1)];
    assert.equal(streamed.length, oneShot.length);
    assert.equal(streamed, oneShot);
    assert.equal(await view.page.locator('.msg.assistant').first().locator('h2').count(), 40);
  });

  it('keeps finished blocks as they are and re-renders only the tail', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('s', '', { streaming: true })]));
    const text = longReply(6);
    const half = text.indexOf('## Step 4');
    await view.appendFrameByFrame('s', chop(text.slice(0, half), 40, 2));
    // Tag the DOM nodes of the first blocks; a full re-render would replace them.
    await view.page.evaluate(() => {
      const md = document.querySelector('.markdown');
      md.querySelector('h2').__kept = true;
      md.querySelector('.code-block').__kept = true;
    });
    await view.appendFrameByFrame('s', chop(text.slice(half), 40, 3));
    await view.send({ type: 'upsert', item: assistant('s', text, { streaming: false }) });
    const kept = await view.page.evaluate(() => {
      const md = document.querySelector('.markdown');
      return [md.querySelector('h2').__kept === true, md.querySelector('.code-block').__kept === true];
    });
    assert.deepEqual(kept, [true, true], 'the first heading and code block are the same nodes');
    await view.send({ type: 'upsert', item: assistant('oneshot', text) });
    assert.equal(await markdownHtml(view, 0), await markdownHtml(view, 1));
  });

  for (const [name, text] of Object.entries(TRICKY)) {
    it(`equals a one-shot render however it is cut: ${name}`, async () => {
      const view = await env.open();
      await view.send(snapshot([assistant('oneshot', text)]));
      const expected = await markdownHtml(view, 0);
      // Three cuttings: line by line, character by character, and random pieces.
      const cuttings = [text.split(/(?<=\n)/), [...text], chop(text, 7, text.length)];
      for (const [i, pieces] of cuttings.entries()) {
        await view.send({ type: 'upsert', item: assistant(`s${i}`, '', { streaming: true }) });
        await view.appendFrameByFrame(`s${i}`, pieces);
        assert.equal(await markdownHtml(view, i + 1), expected, `cutting ${i} while streaming`);
        await view.send({ type: 'upsert', item: assistant(`s${i}`, text, { streaming: false }) });
        assert.equal(await markdownHtml(view, i + 1), expected, `cutting ${i} when finished`);
      }
    });
  }

  it('announces each finished block once through a polite live region, and the log does not re-read the tail', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    await view.send({ type: 'upsert', item: assistant('s', '', { streaming: true }) });
    const log = view.page.getByRole('log', { name: 'Conversation' });
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    const body = view.page.locator('.msg.assistant .markdown');
    assert.equal(await body.getAttribute('aria-live'), 'off', 'the streaming body is outside the live region');

    const text = 'First paragraph.\n\nSecond paragraph with `code`.\n\n- item one\n- item two\n\nLast words';
    await view.appendFrameByFrame('s', chop(text, 3, 9));
    await view.send({ type: 'upsert', item: assistant('s', text, { streaming: false }) });
    const announced = await view.page.locator('[aria-live="polite"][aria-relevant="additions"] p').allTextContents();
    // Blocks are said as they finish; the list and the unterminated last line finish with the reply.
    assert.deepEqual(announced, ['First paragraph.', 'Second paragraph with code.', 'item one\nitem two\nLast words']);
  });

  it('shows the activity while streaming, then the outcome and usage', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('s', '', { streaming: true })]));
    const reply = view.page.locator('.msg.assistant');
    assert.ok(await reply.locator('.typing').isVisible(), 'typing dots before any text');
    await view.send({ type: 'upsert', item: assistant('s', '', { streaming: true, activity: 'running ls -la' }) });
    assert.equal(await reply.locator('.activity').textContent(), 'running ls -la');
    assert.equal(await reply.locator('.typing').isVisible(), false);
    // The spinner beside it is for the eye: the activity text is what the log says, not an alert.
    assert.equal(await view.page.getByRole('alert').count(), 0);
    assert.equal(await reply.getByText('running ls -la').isVisible(), true);
    await view.send({ type: 'append', id: 's', text: 'Partial answer' });
    await view.send({
      type: 'upsert',
      item: assistant('s', 'Partial answer', { streaming: false, outcome: 'aborted', usage: { input: 1204, output: 310, total: 1514 } }),
    });
    assert.equal(await reply.locator('.activity').isVisible(), false);
    assert.equal(await reply.locator('.outcome').textContent(), 'Stopped');
    assert.equal(await reply.locator('.usage').textContent(), 'Tokens: 1,204 in · 310 out · 1,514 total');
    await view.send({ type: 'upsert', item: assistant('s', 'Partial answer', { streaming: false, outcome: 'interrupted' }) });
    assert.equal(await reply.locator('.outcome').textContent(), 'Interrupted — reloaded from history');
    assert.equal(await reply.locator('.usage').isVisible(), false);
    await view.send({
      type: 'upsert',
      item: assistant('s', '', { streaming: false, outcome: 'error', error: 'Model overloaded (529). Try again in a minute.' }),
    });
    assert.equal(await reply.locator('.outcome').textContent(), 'Model overloaded (529). Try again in a minute.');
  });
});
