// Host messages carry seq: the webview applies them in order, drops what it has seen, and asks for
// a snapshot (by posting `ready`) when one went missing, applying no increment until it arrives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assistant, notice, snapshot, user, webviewSuite, type WebviewPage } from './harness';

const readyCount = async (view: WebviewPage) => (await view.posted()).filter((m) => m.type === 'ready').length;
/** Each item's text, without a user message's own buttons (Edit and resend, Rewind to here). */
const texts = (view: WebviewPage) =>
  view.page.locator('.log > *').evaluateAll((elements) =>
    elements.map((el) => {
      const copy = el.cloneNode(true);
      for (const actions of copy.querySelectorAll('.msg-actions')) actions.remove();
      return copy.textContent ?? '';
    }),
  );
const reply = async (view: WebviewPage) => ((await view.page.locator('.markdown').textContent()) ?? '').trim();

describe('seq', () => {
  const env = webviewSuite();

  it('asks for a snapshot once on load and applies nothing before it', async () => {
    const view = await env.open();
    assert.equal(await readyCount(view), 1);
    // An increment before any snapshot has nothing to apply to.
    await view.sendRaw([{ type: 'upsert', seq: 1, item: user('u0', 'too early') }]);
    assert.deepEqual(await texts(view), []);
    await view.sendRaw([{ ...snapshot([user('u1', 'hello')]), seq: 2 }]);
    assert.deepEqual(await texts(view), ['You said:hello']);
  });

  it('drops duplicates and stale messages', async () => {
    const view = await env.open();
    await view.sendRaw([
      { ...snapshot([user('u1', 'one')]), seq: 10 },
      { type: 'upsert', seq: 11, item: user('u2', 'two') },
      { type: 'upsert', seq: 11, item: user('u2', 'two, replayed') },
      { type: 'upsert', seq: 9, item: notice('n', 'error', 'from before the snapshot') },
      { ...snapshot([]), seq: 8 },
      { type: 'upsert', seq: 12, item: user('u3', 'three') },
    ]);
    assert.deepEqual(await texts(view), ['You said:one', 'You said:two', 'You said:three']);
    assert.equal(await readyCount(view), 1, 'no resync needed');
  });

  it('on a hole, posts ready and ignores increments until the snapshot, then continues from it', async () => {
    const view = await env.open();
    await view.sendRaw([
      { ...snapshot([assistant('a', 'start', { streaming: true })]), seq: 1 },
      { type: 'append', seq: 2, id: 'a', text: ' two' },
      // seq 3 is lost.
      { type: 'append', seq: 4, id: 'a', text: ' four' },
      { type: 'append', seq: 5, id: 'a', text: ' five' },
    ]);
    assert.equal(await readyCount(view), 2, 'one ready on load, one for the hole');
    assert.equal(await reply(view), 'start two');
    await view.sendRaw([
      { ...snapshot([assistant('a', 'start two three four five', { streaming: true })]), seq: 6 },
      { type: 'append', seq: 7, id: 'a', text: ' seven' },
    ]);
    assert.equal(await reply(view), 'start two three four five seven');
    assert.equal(await readyCount(view), 2);
  });

  it('resyncs when an append names an item it does not have', async () => {
    const view = await env.open();
    await view.send(snapshot([user('u', 'hi')]));
    await view.send({ type: 'append', id: 'missing', text: 'lost' });
    assert.equal(await readyCount(view), 2);
    await view.send({ type: 'upsert', item: user('u2', 'ignored until the snapshot') });
    assert.deepEqual(await texts(view), ['You said:hi']);
  });

  it('ignores messages that do not fit the contract', async () => {
    const view = await env.open();
    await view.send(snapshot([user('u', 'hi')]));
    await view.sendRaw([
      'not an object',
      { type: 'upsert', item: user('x', 'no seq') },
      { type: 'upsert', seq: view.seq + 1, item: { kind: 'user', id: 'x' } },
      { type: 'upsert', seq: view.seq + 1, item: { kind: 'html', id: 'x', text: '<b>x</b>' } },
      { type: 'connection', seq: view.seq + 1, connection: { kind: 'connected', title: 'x', actions: [{ id: 'rm -rf', label: 'x' }] } },
      { type: 'eval', seq: view.seq + 1, code: 'alert(1)' },
    ]);
    // None of them consumed a seq: the next valid message still applies.
    await view.send({ type: 'upsert', item: user('u2', 'next') });
    assert.deepEqual(await texts(view), ['You said:hi', 'You said:next']);
    assert.equal(await readyCount(view), 1);
  });

  it('applies upsert, remove, busy and connection in order', async () => {
    const view = await env.open();
    await view.send(snapshot([user('u1', 'one'), user('u2', 'two'), user('u3', 'three')]));
    await view.send(
      { type: 'remove', id: 'u2' },
      { type: 'upsert', item: user('u1', 'one, edited') },
      { type: 'upsert', item: notice('n', 'info', 'Session compacted') },
      { type: 'busy', busy: true },
      { type: 'connection', connection: { kind: 'reconnecting', title: 'Reconnecting in 4 s', actions: [{ id: 'reconnect', label: 'Reconnect now' }] } },
    );
    assert.deepEqual(await texts(view), ['You said:one, edited', 'You said:three', 'Info:Session compacted']);
    assert.equal(await view.page.getByRole('button', { name: 'Stop' }).count(), 1);
    assert.equal(await view.page.locator('.banner-title').textContent(), 'Reconnecting in 4 s');
  });
});
