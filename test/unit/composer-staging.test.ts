/**
 * The chips the host holds until a message goes (staging.ts), pure: what the page is told of each,
 * what a message takes, and what is refused or forgotten.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Refusal } from '../../src/extension/composer/attachments';
import type { ContextBlock } from '../../src/extension/composer/context-text';
import { MAX_CONTEXT_CHARS, MAX_STAGED } from '../../src/extension/composer/limits';
import { Staging } from '../../src/extension/composer/staging';
import type { MessageAttachment } from '../../src/protocol/gateway';

const block = (label: string, body = 'b', detail?: string): ContextBlock => ({ kind: 'file', label, body, ...(detail ? { detail } : {}) });
const image: MessageAttachment = { type: 'image', mimeType: 'image/png', fileName: 'a.png', content: 'iVBORw==' };
const imageChip: ContextBlock = { kind: 'image', label: 'a.png', detail: '6 B', body: 'The image a.png (6 B) is attached to this message.' };

describe('staged chips', () => {
  it('are told to the page by id, kind, label, detail and an image’s thumbnail, never their text', () => {
    const staging = new Staging();
    const plain = staging.stage(block('src/a.ts'));
    assert.match(plain.id, /^c:[0-9a-f-]{36}$/);
    assert.deepEqual(plain, { id: plain.id, kind: 'file', label: 'src/a.ts' });
    const sized = staging.stage(block('src/b.ts', 'b', '1 B'));
    assert.deepEqual(sized, { id: sized.id, kind: 'file', label: 'src/b.ts', detail: '1 B' });
    const shot = staging.stage(imageChip, image);
    assert.deepEqual(shot, { id: shot.id, kind: 'image', label: 'a.png', detail: '6 B', thumbnail: 'data:image/png;base64,iVBORw==' });
    assert.equal(new Set([plain.id, sized.id, shot.id]).size, 3);
    assert.equal(staging.size, 3);
  });

  it('stage a read attachment as an image with its bytes, or as a file block', () => {
    const staging = new Staging();
    const shot = staging.stageAttachment({ kind: 'image', block: imageChip, attachment: image, bytes: 6 });
    assert.equal(shot.thumbnail, 'data:image/png;base64,iVBORw==');
    const file = staging.stageAttachment({ kind: 'file', block: block('n.txt') });
    assert.equal(file.thumbnail, undefined);
    assert.deepEqual(staging.imageNames([file.id, shot.id, 'c:gone']), ['a.png']);
    assert.deepEqual(staging.take([shot.id, file.id]).images, [image]);
  });

  it(`forget the oldest past ${MAX_STAGED}`, () => {
    const staging = new Staging();
    const ids = Array.from({ length: MAX_STAGED + 2 }, (_, i) => staging.stage(block(`f${i}`)).id);
    assert.equal(staging.size, MAX_STAGED);
    assert.throws(() => staging.take([ids[1]]), Refusal);
    assert.deepEqual(
      staging.take([ids[2], ids[MAX_STAGED + 1]]).chips.map((c) => c.label),
      ['f2', `f${MAX_STAGED + 1}`],
    );
  });

  it('are taken in the order the message names them, and are then no longer held', () => {
    const staging = new Staging();
    const a = staging.stage(block('a', 'A', '1 B'));
    const b = staging.stage(block('b', 'B'));
    const shot = staging.stage(imageChip, image);
    const taken = staging.take([b.id, shot.id, a.id]);
    assert.deepEqual(taken, {
      blocks: [block('b', 'B'), imageChip, block('a', 'A', '1 B')],
      images: [image],
      chips: [
        { kind: 'file', label: 'b' },
        { kind: 'image', label: 'a.png', detail: '6 B' },
        { kind: 'file', label: 'a', detail: '1 B' },
      ],
    });
    assert.equal(staging.size, 0);
    assert.deepEqual(staging.take([]), { blocks: [], images: [], chips: [] });
  });

  it('refuse, keeping every chip, when one is no longer held', () => {
    const staging = new Staging();
    const a = staging.stage(block('a'));
    assert.throws(
      () => staging.take([a.id, 'c:gone']),
      (e: Error) =>
        e instanceof Refusal &&
        e.message ===
          'An attachment of this message is no longer held (the extension restarted, or it was left too long): remove its chip and attach it again.',
    );
    assert.throws(() => staging.take(['c:gone', a.id]), Refusal);
    assert.equal(staging.size, 1);
    assert.equal(staging.take([a.id]).blocks.length, 1);
  });

  it(`take at most ${MAX_CONTEXT_CHARS} characters of text together, refusing and keeping them past that`, () => {
    const staging = new Staging();
    const half = MAX_CONTEXT_CHARS / 2;
    const a = staging.stage(block('a', 'x'.repeat(half)));
    const b = staging.stage(block('b', 'x'.repeat(half + 1)));
    assert.throws(
      () => staging.take([a.id, b.id]),
      (e: Error) =>
        e instanceof Refusal && e.message === 'The chips of this message bring in 293.0 KB of text; one message takes at most 293.0 KB. Remove some of them.',
    );
    assert.equal(staging.size, 2);
    const c = staging.stage(block('c', 'x'.repeat(half)));
    assert.equal(staging.take([a.id, c.id]).blocks.length, 2);
    assert.equal(staging.size, 1);
  });

  it('are forgotten when the person removes them', () => {
    const staging = new Staging();
    const a = staging.stage(block('a'));
    const b = staging.stage(block('b'));
    staging.discard([a.id, 'c:never']);
    assert.equal(staging.size, 1);
    assert.deepEqual(staging.take([b.id]).chips, [{ kind: 'file', label: 'b' }]);
  });
});
