/**
 * Edges of the history reader (transcript.ts) that transcript.test.ts does not reach: rows the
 * gateway sends without `__openclaw`, a gateway note whose tag has no space after it or whose text
 * has loose whitespace, media beside a file block, text that only looks like a folded message, and
 * a label that repeats the key's last part with spaces around it. Pure, like transcript.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemsFromHistory, QUEUED_MARKER, runOf, sessionTitle, unfoldQueued } from '../../src/extension/transcript';
import type { HistoryMessage } from '../../src/protocol/gateway';

const note = (text: string): HistoryMessage => ({ role: 'user', content: text, __openclaw: { id: 'n1' }, provenance: { kind: 'internal_system' } });
const noteText = (text: string) => (itemsFromHistory([note(text)])[0] as { text: string }).text;

describe('itemsFromHistory: rows without __openclaw', () => {
  it('a system row without __openclaw is left out, and the rows around it are read', () => {
    const rows: HistoryMessage[] = [
      { role: 'user', content: 'before' },
      { role: 'system', content: 'x' },
      { role: 'user', content: 'after' },
    ];
    assert.deepEqual(itemsFromHistory(rows), [
      { kind: 'user', id: 'u:row-0', text: 'before' },
      { kind: 'user', id: 'u:row-2', text: 'after' },
    ]);
  });

  it('a skipped run is found by the key of a row without __openclaw', () => {
    const rows: HistoryMessage[] = [
      { role: 'user', content: 'streaming', idempotencyKey: 'k1:user' },
      { role: 'user', content: 'kept', idempotencyKey: 'k2:user' },
    ];
    assert.deepEqual(itemsFromHistory(rows, new Set(['k1'])), [{ kind: 'user', id: 'u:row-1', text: 'kept' }]);
    assert.equal(runOf({ role: 'user', content: 'x', idempotencyKey: 'k3:user' }), 'k3');
    assert.equal(runOf({ role: 'assistant', content: 'x' }), '');
  });
});

describe("itemsFromHistory: the gateway's notes", () => {
  it('a [System] tag with no space after it is still taken off', () => {
    assert.equal(noteText('[System]The gateway restarted. Carry on.'), 'System note: The gateway restarted.');
  });

  it('whitespace around a note with no sentence end is not shown', () => {
    assert.equal(noteText('  resume where you were  '), 'System note: resume where you were');
    assert.equal(noteText('[System] resume where you were\n'), 'System note: resume where you were');
  });
});

describe('itemsFromHistory: media beside context blocks', () => {
  it("a file block does not hide the gateway's stored image", () => {
    const text = 'see\n\n<<<openclaw-context tag="ab12" kind="file" label="a.ts">>>\ncode\n<<<end-openclaw-context tag="ab12">>>';
    const row: HistoryMessage = {
      role: 'user',
      content: text,
      __openclaw: { id: 'r1', media: [{ kind: 'image', sizeBytes: 1024 }] } as HistoryMessage['__openclaw'],
    };
    assert.deepEqual(itemsFromHistory([row]), [
      {
        kind: 'user',
        id: 'u:r1',
        text: 'see',
        chips: [
          { kind: 'file', label: 'a.ts' },
          { kind: 'image', label: 'image', detail: '1.0 KB' },
        ],
      },
    ]);
  });
});

describe('unfoldQueued: text that only looks folded', () => {
  it('a text starting with a line break is the own message whole', () => {
    assert.deepEqual(unfoldQueued('\nfirst\n\nsecond'), { orphans: [], own: '\nfirst\n\nsecond' });
  });

  it('a long text with paragraphs and no marker is the own message whole', () => {
    const text = `${'x'.repeat(QUEUED_MARKER.length + 20)}\n\nnext paragraph`;
    assert.deepEqual(unfoldQueued(text), { orphans: [], own: text });
  });
});

describe('sessionTitle: a name that repeats the key', () => {
  it("a label that is the key's last part with spaces around gives way to the derived title", () => {
    assert.equal(sessionTitle({ key: 'agent:main:chat', label: ' chat ', derivedTitle: 'Fix the build' }), 'Fix the build');
  });
});
