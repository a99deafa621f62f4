/**
 * The host's transcript (transcript-model.ts): where each item goes, which change it reports, and
 * what is left alone for a turn of another session. Pure: the listener keeps the changes in an array.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TranscriptModel, type TranscriptChange, type TurnPlace } from '../../src/extension/transcript-model';
import type { ChatItem } from '../../src/protocol/webview';

const user = (id: string, text = id): ChatItem => ({ kind: 'user', id, text });
const reply = (id: string, text = id): ChatItem => ({ kind: 'assistant', id, text, streaming: true });

/** A transcript of the session `main` (or whatever `shown.key` says), with every change it reported. */
function model(...items: ChatItem[]) {
  const changes: TranscriptChange[] = [];
  const shown = { key: 'main' };
  const transcript = new TranscriptModel(
    () => shown.key,
    (change) => changes.push(change),
  );
  if (items.length) transcript.replace(items);
  changes.length = 0;
  return { transcript, changes, shown, ids: () => transcript.items.map((i) => i.id) };
}

/** A turn whose user item is `userId` and which streamed the items given. */
function turn(userId: string, live: ChatItem[] = [], sessionKey = 'main'): TurnPlace {
  return { sessionKey, user: { id: userId }, live: new Map(live.map((i) => [i.id, i])) };
}

describe('TranscriptModel', () => {
  it('replace holds the items given and reports a snapshot', () => {
    const { transcript, changes, ids } = model();
    assert.deepEqual(transcript.items, []);
    transcript.replace([user('u:1'), reply('a:1')]);
    assert.deepEqual(ids(), ['u:1', 'a:1']);
    assert.deepEqual(changes, [{ type: 'snapshot' }]);
  });

  it('has tells whether an item of that id is held', () => {
    const { transcript } = model(user('u:1'));
    assert.equal(transcript.has('u:1'), true);
    assert.equal(transcript.has('u:2'), false);
  });

  it('prepend puts the new ones first, leaves out those held, and reports only them', () => {
    const { transcript, changes, ids } = model(user('u:3'), user('u:4'));
    const fresh = transcript.prepend([user('u:1'), user('u:2'), user('u:3')]);
    assert.deepEqual(
      fresh.map((i) => i.id),
      ['u:1', 'u:2'],
    );
    assert.deepEqual(ids(), ['u:1', 'u:2', 'u:3', 'u:4']);
    assert.deepEqual(changes, [{ type: 'prepend', items: [user('u:1'), user('u:2')] }]);
  });

  it('prepend of nothing new changes nothing and reports nothing', () => {
    const { transcript, changes, ids } = model(user('u:1'));
    assert.deepEqual(transcript.prepend([user('u:1')]), []);
    assert.deepEqual(transcript.prepend([]), []);
    assert.deepEqual(ids(), ['u:1']);
    assert.deepEqual(changes, []);
  });

  it('reveal asks to show an item held, and refuses one that is not', () => {
    const { transcript, changes } = model(user('u:1'));
    assert.equal(transcript.reveal('u:1'), true);
    assert.equal(transcript.reveal('u:9'), false);
    assert.deepEqual(changes, [{ type: 'reveal', id: 'u:1' }]);
  });

  it('upsert without a turn adds at the end, or replaces in place, and reports an upsert', () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('a:1'));
    transcript.upsert(user('u:2'));
    const edited = reply('a:1', 'edited');
    transcript.upsert(edited);
    assert.deepEqual(ids(), ['u:1', 'a:1', 'u:2']);
    assert.equal(transcript.items[1], edited);
    assert.deepEqual(changes, [
      { type: 'upsert', item: user('u:2') },
      { type: 'upsert', item: edited },
    ]);
  });

  it('upsert replaces the last item of that id', () => {
    const { transcript } = model(user('x', 'first'), user('x', 'second'));
    transcript.upsert(user('x', 'new'));
    assert.deepEqual(
      transcript.items.map((i) => (i.kind === 'user' ? i.text : '')),
      ['first', 'new'],
    );
  });

  it("a turn's new item goes right after the turn's own, before what is queued behind it, as a snapshot", () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('a:1'), user('u:queued'));
    transcript.upsert(reply('a:2'), turn('u:1', [reply('a:1')]));
    assert.deepEqual(ids(), ['u:1', 'a:1', 'a:2', 'u:queued']);
    assert.deepEqual(changes, [{ type: 'snapshot' }]);
  });

  it("a turn's new item goes after its user item when it streamed nothing yet", () => {
    const { transcript, ids } = model(user('u:0'), user('u:1'), user('u:queued'));
    transcript.upsert(reply('a:1'), turn('u:1'));
    assert.deepEqual(ids(), ['u:0', 'u:1', 'a:1', 'u:queued']);
  });

  it("a turn's new item at the end, or with none of the turn's items shown, is an upsert at the end", () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('a:1'));
    transcript.upsert(reply('a:2'), turn('u:1', [reply('a:1')]));
    transcript.upsert(reply('a:9'), turn('u:9'));
    assert.deepEqual(ids(), ['u:1', 'a:1', 'a:2', 'a:9']);
    assert.deepEqual(changes, [
      { type: 'upsert', item: reply('a:2') },
      { type: 'upsert', item: reply('a:9') },
    ]);
  });

  it("a turn's item that is held already is replaced in place, even with items behind it", () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('a:1'), user('u:queued'));
    transcript.upsert(reply('a:1', 'more'), turn('u:1', [reply('a:1')]));
    assert.deepEqual(ids(), ['u:1', 'a:1', 'u:queued']);
    assert.deepEqual(changes, [{ type: 'upsert', item: reply('a:1', 'more') }]);
  });

  it('a turn of another session changes nothing: upsert, append, remove', () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('a:1'));
    const other = turn('u:1', [reply('a:1')], 'other');
    transcript.upsert(reply('a:2'), other);
    transcript.append(reply('a:1', 'a:1 more'), ' more', other);
    transcript.remove('a:1', other);
    assert.deepEqual(ids(), ['u:1', 'a:1']);
    assert.deepEqual(changes, []);
  });

  it('the session shown is asked each time', () => {
    const { transcript, shown, ids } = model(user('u:1'));
    shown.key = 'other';
    transcript.upsert(reply('a:1'), turn('u:1', [], 'other'));
    assert.deepEqual(ids(), ['u:1', 'a:1']);
  });

  it('upsertAfter puts a new item right after its anchor, as a snapshot', () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('t:1'), reply('a:1'));
    transcript.upsertAfter(user('card'), 't:1');
    assert.deepEqual(ids(), ['u:1', 't:1', 'card', 'a:1']);
    assert.deepEqual(changes, [{ type: 'snapshot' }]);
  });

  it('upsertAfter the last item, a missing anchor or none adds at the end as an upsert', () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('t:1'));
    transcript.upsertAfter(user('c1'), 't:1');
    transcript.upsertAfter(user('c2'), 't:gone');
    transcript.upsertAfter(user('c3'), undefined);
    transcript.upsertAfter(user('c4'), '');
    assert.deepEqual(ids(), ['u:1', 't:1', 'c1', 'c2', 'c3', 'c4']);
    assert.deepEqual(
      changes.map((c) => c.type),
      ['upsert', 'upsert', 'upsert', 'upsert'],
    );
  });

  it('upsertAfter of an item held replaces it where it is', () => {
    const { transcript, changes, ids } = model(user('card'), user('u:1'), reply('t:1'), reply('a:1'));
    transcript.upsertAfter(user('card', 'answered'), 't:1');
    assert.deepEqual(ids(), ['card', 'u:1', 't:1', 'a:1']);
    assert.deepEqual(changes, [{ type: 'upsert', item: user('card', 'answered') }]);
  });

  it('upsertAfter an anchor held twice goes after the last one', () => {
    const { transcript, ids } = model(reply('t:1', 'one'), user('u:2'), reply('t:1', 'two'), user('u:3'));
    transcript.upsertAfter(user('card'), 't:1');
    assert.deepEqual(ids(), ['t:1', 'u:2', 't:1', 'card', 'u:3']);
  });

  it('append keeps the item as it now reads and reports the text added', () => {
    const { transcript, changes } = model(user('u:1'), reply('a:1', 'Hel'));
    const grown = reply('a:1', 'Hello');
    transcript.append(grown, 'lo', turn('u:1', [grown]));
    assert.equal(transcript.items[1], grown);
    assert.deepEqual(changes, [{ type: 'append', id: 'a:1', text: 'lo' }]);
  });

  it('append of an item not held still reports the text, and adds nothing', () => {
    const { transcript, changes, ids } = model(user('u:1'));
    transcript.append(reply('a:1', 'x'), 'x', turn('u:1'));
    assert.deepEqual(ids(), ['u:1']);
    assert.deepEqual(changes, [{ type: 'append', id: 'a:1', text: 'x' }]);
  });

  it('remove takes out every item of that id and reports it', () => {
    const { transcript, changes, ids } = model(user('u:1'), reply('a:1'), user('u:1'));
    transcript.remove('u:1');
    assert.deepEqual(ids(), ['a:1']);
    transcript.remove('a:1', turn('u:1'));
    assert.deepEqual(ids(), []);
    assert.deepEqual(changes, [
      { type: 'remove', id: 'u:1' },
      { type: 'remove', id: 'a:1' },
    ]);
  });
});
