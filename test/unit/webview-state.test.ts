/**
 * The webview's ChatState in Node (it is pure data), so mutation testing reaches it: each host
 * message changes the state and says what changed, a message about something the state does not
 * have is a desync, and `takeAppended` hands a view only the text added since it last looked. The
 * page's behaviour on top of it is tested in Chromium (test/webview/).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatItem, ConnectionView, ControlsView, HostMessage, UnnumberedHostMessage } from '../../src/protocol/webview';
import { ChatState } from '../../webview/state';

type Message = Exclude<HostMessage, { type: 'reply' }>;

const user = (id: string, text = id): ChatItem => ({ kind: 'user', id, text });
const reply = (id: string, text: string): ChatItem => ({ kind: 'assistant', id, text, streaming: true });
const connected: ConnectionView = { kind: 'connected', title: 'Connected to OpenClaw', actions: [] };
const controls: ControlsView = { model: 'a/b', models: [], thinkingLevels: ['low'], busyMode: 'queue' };

function snapshot(items: ChatItem[], extra: Partial<Extract<Message, { type: 'snapshot' }>> = {}): Message {
  return {
    type: 'snapshot',
    seq: 0,
    session: { key: 'main', title: 'Main' },
    items,
    busy: true,
    loading: false,
    connection: connected,
    controls,
    ...extra,
  };
}

const msg = (m: Exclude<UnnumberedHostMessage, { type: 'reply' }>): Message => ({ ...m, seq: 1 });
const ids = (state: ChatState) => state.items.map((item) => item.id);

describe('ChatState', () => {
  it('starts empty, loading and connecting', () => {
    const state = new ChatState();
    assert.deepEqual(state.items, []);
    assert.deepEqual(state.session, { key: '', title: '' });
    assert.equal(state.busy, false);
    assert.equal(state.loading, true);
    assert.equal(state.earlier, 0);
    assert.deepEqual(state.connection, { kind: 'connecting', title: 'Connecting to OpenClaw…', actions: [] });
    assert.deepEqual(state.controls, { models: [], thinkingLevels: [], busyMode: 'steer' });
    assert.equal(state.get('x'), undefined);
  });

  it('takes everything from a snapshot, on a copy of its items', () => {
    const state = new ChatState();
    const items = [user('u1'), reply('a1', 'hi')];
    const message = snapshot(items, { earlier: 7 });
    assert.deepEqual(state.apply(message), { kind: 'reset' });
    assert.deepEqual(ids(state), ['u1', 'a1']);
    assert.notEqual(state.items, items, 'the message keeps its own array');
    state.apply(msg({ type: 'remove', id: 'u1' }));
    assert.deepEqual(
      items.map((item) => item.id),
      ['u1', 'a1'],
    );
    assert.equal(state.get('a1'), items[1]);
    assert.deepEqual(state.session, { key: 'main', title: 'Main' });
    assert.equal(state.busy, true);
    assert.equal(state.loading, false);
    assert.equal(state.connection, connected);
    assert.equal(state.earlier, 7);
    assert.equal(state.controls, controls);
  });

  it('reads a snapshot without `earlier` as none, and forgets the items of the last one', () => {
    const state = new ChatState();
    state.apply(snapshot([user('old')], { earlier: 3 }));
    state.apply(snapshot([user('new')]));
    assert.equal(state.earlier, 0);
    assert.equal(state.get('old'), undefined);
    assert.deepEqual(ids(state), ['new']);
  });

  it('adds an unknown item at the end and replaces a known one in place', () => {
    const state = new ChatState();
    state.apply(snapshot([user('u1'), user('u2')]));
    assert.deepEqual(state.apply(msg({ type: 'upsert', item: user('u3') })), { kind: 'item', id: 'u3' });
    assert.deepEqual(ids(state), ['u1', 'u2', 'u3']);
    const edited = user('u2', 'edited');
    assert.deepEqual(state.apply(msg({ type: 'upsert', item: edited })), { kind: 'item', id: 'u2' });
    assert.deepEqual(ids(state), ['u1', 'u2', 'u3']);
    assert.equal(state.items[1], edited);
    assert.equal(state.get('u2'), edited);
  });

  it('appends to an assistant item by replacing it, and refuses others as a desync', () => {
    const state = new ChatState();
    state.apply(snapshot([user('u1'), reply('a1', 'Hel')]));
    const before = state.get('a1');
    assert.deepEqual(state.apply(msg({ type: 'append', id: 'a1', text: 'lo' })), { kind: 'item', id: 'a1' });
    const after = state.get('a1');
    assert.notEqual(after, before, 'a new object, so a view sees the change by identity');
    assert.deepEqual(after, { ...before, text: 'Hello' });
    assert.equal(state.items[1], after);
    assert.deepEqual(state.apply(msg({ type: 'append', id: 'u1', text: 'x' })), { kind: 'desync', reason: 'append for unknown assistant item u1' });
    assert.deepEqual(state.apply(msg({ type: 'append', id: 'nope', text: 'x' })), { kind: 'desync', reason: 'append for unknown assistant item nope' });
    assert.deepEqual(state.get('u1'), user('u1'));
  });

  it('hands out only the text appended since the last take, and nothing once the item was replaced', () => {
    const state = new ChatState();
    state.apply(snapshot([reply('a1', 'A')]));
    assert.equal(state.takeAppended('a1'), undefined, 'never taken: the whole text is what to show');
    state.apply(msg({ type: 'append', id: 'a1', text: 'b' }));
    state.apply(msg({ type: 'append', id: 'a1', text: 'c' }));
    assert.equal(state.takeAppended('a1'), 'bc');
    assert.equal(state.takeAppended('a1'), '');
    state.apply(msg({ type: 'append', id: 'a1', text: 'd' }));
    assert.equal(state.takeAppended('a1'), 'd');
    state.apply(msg({ type: 'append', id: 'a1', text: 'e' }));
    state.apply(msg({ type: 'upsert', item: reply('a1', 'whole') }));
    assert.equal(state.takeAppended('a1'), undefined, 'replaced: only the whole text says what to show');
    state.apply(msg({ type: 'append', id: 'a1', text: 'f' }));
    assert.equal(state.takeAppended('a1'), 'f', 'the take after the whole text starts the pieces again');
    state.apply(msg({ type: 'append', id: 'a1', text: 'g' }));
    state.apply(snapshot([reply('a1', 'again')]));
    assert.equal(state.takeAppended('a1'), undefined, 'a snapshot replaces every item');
  });

  it('removes an item, and says so even for one it does not have', () => {
    const state = new ChatState();
    state.apply(snapshot([user('u1'), reply('a1', 'x'), user('u2')]));
    state.takeAppended('a1');
    state.apply(msg({ type: 'append', id: 'a1', text: 'y' }));
    assert.deepEqual(state.apply(msg({ type: 'remove', id: 'a1' })), { kind: 'removed', id: 'a1' });
    assert.deepEqual(ids(state), ['u1', 'u2']);
    assert.equal(state.get('a1'), undefined);
    assert.equal(state.takeAppended('a1'), undefined, 'what was appended went with the item');
    assert.deepEqual(state.apply(msg({ type: 'remove', id: 'gone' })), { kind: 'removed', id: 'gone' });
    assert.deepEqual(ids(state), ['u1', 'u2']);
  });

  it('puts older items first, skipping those it has, and counts only the new ones', () => {
    const state = new ChatState();
    state.apply(snapshot([user('u3'), user('u4')], { earlier: 4 }));
    const change = state.apply(msg({ type: 'prepend', items: [user('u1'), user('u2'), user('u3')], earlier: 1 }));
    assert.deepEqual(change, { kind: 'prepended', count: 2 });
    assert.deepEqual(ids(state), ['u1', 'u2', 'u3', 'u4']);
    assert.equal(state.get('u1')?.id, 'u1');
    assert.equal(state.earlier, 1);
  });

  it('reveals only an item it has', () => {
    const state = new ChatState();
    state.apply(snapshot([user('u1')]));
    assert.deepEqual(state.apply(msg({ type: 'reveal', id: 'u1' })), { kind: 'reveal', id: 'u1' });
    assert.deepEqual(state.apply(msg({ type: 'reveal', id: 'x' })), { kind: 'desync', reason: 'reveal of unknown item x' });
  });

  it('passes a draft and focus through, and keeps busy, connection and controls', () => {
    const state = new ChatState();
    assert.deepEqual(state.apply(msg({ type: 'draft', text: 'again' })), { kind: 'draft', text: 'again' });
    assert.deepEqual(state.apply(msg({ type: 'focus' })), { kind: 'focus' });
    assert.deepEqual(state.apply(msg({ type: 'busy', busy: true })), { kind: 'busy' });
    assert.equal(state.busy, true);
    assert.deepEqual(state.apply(msg({ type: 'connection', connection: connected })), { kind: 'connection' });
    assert.equal(state.connection, connected);
    assert.deepEqual(state.apply(msg({ type: 'controls', controls })), { kind: 'controls' });
    assert.equal(state.controls, controls);
  });

  it('takes a new title for the session shown, and calls one for another session a desync', () => {
    const state = new ChatState();
    state.apply(snapshot([]));
    const renamed = { key: 'main', title: 'Renamed' };
    assert.deepEqual(state.apply(msg({ type: 'session', session: renamed })), { kind: 'session' });
    assert.equal(state.session, renamed);
    assert.deepEqual(state.apply(msg({ type: 'session', session: { key: 'other', title: 'Other' } })), {
      kind: 'desync',
      reason: 'title for session other, not the one shown',
    });
    assert.equal(state.session, renamed);
  });
});
