/**
 * The transcript's edges (transcript-model.ts) that transcript-model.test.ts left open: the first
 * item as an anchor or as the item streamed into, and `has` over more than one item. Pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TranscriptModel, type TranscriptChange } from '../../src/extension/transcript-model';
import type { ChatItem } from '../../src/protocol/webview';

const user = (id: string, text = id): ChatItem => ({ kind: 'user', id, text });

function model(...items: ChatItem[]) {
  const changes: TranscriptChange[] = [];
  const transcript = new TranscriptModel(
    () => 'main',
    (change) => changes.push(change),
  );
  transcript.replace(items);
  changes.length = 0;
  return { transcript, changes, ids: () => transcript.items.map((i) => i.id) };
}

describe('TranscriptModel edges', () => {
  it('has finds an item among others', () => {
    const { transcript } = model(user('u:1'), user('u:2'));
    assert.equal(transcript.has('u:2'), true);
    assert.equal(transcript.has('u:1'), true);
  });

  it('upsertAfter the first item puts the new one second', () => {
    const { transcript, changes, ids } = model(user('t:1'), user('u:2'));
    transcript.upsertAfter(user('card'), 't:1');
    assert.deepEqual(ids(), ['t:1', 'card', 'u:2']);
    assert.deepEqual(changes, [{ type: 'snapshot' }]);
  });

  it('append to the first item keeps it as it now reads', () => {
    const { transcript } = model(user('a:1', 'Hel'), user('u:2'));
    const grown = user('a:1', 'Hello');
    transcript.append(grown, 'lo', { sessionKey: 'main', user: { id: 'u:0' }, live: new Map() });
    assert.equal(transcript.items[0], grown);
  });
});
