/**
 * The composer's text side, pure: the limits and sizes a person reads (limits.ts), how context
 * blocks are marked in a message and found again in history (context-text.ts), and what a file,
 * an image or a model's refusal becomes (attachments.ts). No gateway, no editor.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeText, imageRefusal, imageType, modelName, readAttachment, Refusal } from '../../src/extension/composer/attachments';
import { composeMessage, splitMessage, type ContextBlock } from '../../src/extension/composer/context-text';
import { attachmentLimits, DEFAULT_ATTACHMENT_LIMITS, formatBytes } from '../../src/extension/composer/limits';

const utf8 = (text: string) => new TextEncoder().encode(text);
/** `head` then zeros to `length` bytes. */
const bytesOf = (head: number[], length = 16) => {
  const out = new Uint8Array(length);
  out.set(head);
  return out;
};
const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47];
const JPEG_HEAD = [0xff, 0xd8, 0xff];
const GIF_HEAD = [0x47, 0x49, 0x46, 0x38];
const WEBP_HEAD = [...'RIFF']
  .map((c) => c.charCodeAt(0))
  .concat(
    [1, 2, 3, 4],
    [...'WEBP'].map((c) => c.charCodeAt(0)),
  );

describe('limits', () => {
  it('take the gateway’s attachment limits, each one it leaves out from openclaw’s defaults', () => {
    assert.deepEqual(DEFAULT_ATTACHMENT_LIMITS, { maxBytes: 19_464_192, maxImageBytes: 6_291_456 });
    assert.deepEqual(attachmentLimits(undefined), DEFAULT_ATTACHMENT_LIMITS);
    assert.deepEqual(attachmentLimits({}), DEFAULT_ATTACHMENT_LIMITS);
    assert.deepEqual(attachmentLimits({ maxBytes: 5 }), { maxBytes: 5, maxImageBytes: 6_291_456 });
    assert.deepEqual(attachmentLimits({ maxImageBytes: 3 }), { maxBytes: 19_464_192, maxImageBytes: 3 });
    assert.deepEqual(attachmentLimits({ maxBytes: 0, maxImageBytes: 0 }), { maxBytes: 0, maxImageBytes: 0 });
  });

  it('write sizes in bytes, then KB, then MB, switching at exactly 1024', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KB');
    assert.equal(formatBytes(12_700), '12.4 KB');
    assert.equal(formatBytes(1024 * 1024 - 1), '1024.0 KB');
    assert.equal(formatBytes(1024 * 1024), '1.0 MB');
    assert.equal(formatBytes(6_291_456), '6.0 MB');
  });
});

describe('context blocks in a message', () => {
  const file: ContextBlock = { kind: 'file', label: 'src/a.ts', detail: '20 B', body: 'File src/a.ts:\nx' };
  const diff: ContextBlock = { kind: 'diff', label: 'diff', body: 'd' };

  it('follow the words, each marked with the message’s tag, a detail only where there is one', () => {
    assert.equal(
      composeMessage('Why?', [file, diff], 'abcd12'),
      'Why?\n\n' +
        '<<<openclaw-context tag="abcd12" kind="file" label="src/a.ts" detail="20 B">>>\nFile src/a.ts:\nx\n<<<end-openclaw-context tag="abcd12">>>\n\n' +
        '<<<openclaw-context tag="abcd12" kind="diff" label="diff">>>\nd\n<<<end-openclaw-context tag="abcd12">>>',
    );
    assert.equal(
      composeMessage('', [diff], 'abcd12'),
      '<<<openclaw-context tag="abcd12" kind="diff" label="diff">>>\nd\n<<<end-openclaw-context tag="abcd12">>>',
    );
  });

  it('leave words without blocks as they are', () => {
    assert.equal(composeMessage('just words\n', []), 'just words\n');
    assert.deepEqual(splitMessage('just words\n\nmore'), { text: 'just words\n\nmore', chips: [] });
  });

  it('get a fresh tag of twelve hex digits by default', () => {
    const tags = [composeMessage('a', [diff]), composeMessage('a', [diff])].map((m) => /tag="([^"]*)"/.exec(m)![1]);
    for (const tag of tags) assert.match(tag, /^[0-9a-f]{12}$/);
    assert.notEqual(tags[0], tags[1]);
  });

  it('keep a label or detail on one line, its quotes and ampersands escaped and read back', () => {
    const odd: ContextBlock = { kind: 'selection', label: 'say "a" & "b"\nnext & last', detail: 'x "y" & z & w', body: 'b' };
    const message = composeMessage('q', [odd], 'tag1');
    assert.match(message, /label="say &quot;a&quot; &amp; &quot;b&quot; next &amp; last" detail="x &quot;y&quot; &amp; z &amp; w">>>\n/);
    assert.deepEqual(splitMessage(message).chips, [{ kind: 'selection', label: 'say "a" & "b" next & last', detail: 'x "y" & z & w' }]);
    // Unescaping does not run twice: an escaped escape stays one.
    const amp = composeMessage('q', [{ kind: 'file', label: '&quot;', body: 'b' }], 'tag1');
    assert.equal(splitMessage(amp).chips[0].label, '&quot;');
  });

  it('come back from history as the words and chips, whatever the spacing between blocks', () => {
    const tight =
      'Words\nover lines  \n\n\n' +
      '<<<openclaw-context tag="t0t0" kind="file" label="a.ts" detail="1 B">>>\nA\n<<<end-openclaw-context tag="t0t0">>>\n' +
      '<<<openclaw-context tag="t0t0" kind="terminal" label="terminal zsh">>>\nT\n<<<end-openclaw-context tag="t0t0">>>\n\n\n\n' +
      '<<<openclaw-context tag="t0t0" kind="problems" label="problems">>>\nP\n<<<end-openclaw-context tag="t0t0">>>';
    assert.deepEqual(splitMessage(tight), {
      text: 'Words\nover lines',
      chips: [
        { kind: 'file', label: 'a.ts', detail: '1 B' },
        { kind: 'terminal', label: 'terminal zsh' },
        { kind: 'problems', label: 'problems' },
      ],
    });
  });

  it('stop at a block of another tag, at words after the blocks, and at a block never closed', () => {
    const a = '<<<openclaw-context tag="aaaa" kind="file" label="a">>>\nA\n<<<end-openclaw-context tag="aaaa">>>';
    const b = '<<<openclaw-context tag="bbbb" kind="file" label="b">>>\nB\n<<<end-openclaw-context tag="bbbb">>>';
    assert.deepEqual(splitMessage(`w\n\n${a}\n\n${b}`).chips, [{ kind: 'file', label: 'a' }]);
    assert.deepEqual(splitMessage(`w\n\n${a}\n\nlater words\n\n${a}`).chips, [{ kind: 'file', label: 'a' }]);
    const open = '<<<openclaw-context tag="aaaa" kind="file" label="c">>>\nnever closed';
    assert.deepEqual(splitMessage(`w\n\n${a}\n\n${open}`), { text: 'w', chips: [{ kind: 'file', label: 'a' }] });
    assert.deepEqual(splitMessage(`w\n\n${open}`), { text: 'w', chips: [] });
    // A file's own text cannot close its block: the end mark carries the tag.
    const inner = '<<<openclaw-context tag="aaaa" kind="file" label="d">>>\n<<<end-openclaw-context tag="zzzz">>>\n<<<end-openclaw-context tag="aaaa">>>';
    assert.deepEqual(splitMessage(`w\n\n${inner}\n\n${a}`).chips, [
      { kind: 'file', label: 'd' },
      { kind: 'file', label: 'a' },
    ]);
  });

  it('skip a block of a kind the chat does not know, and keep reading after it', () => {
    const odd = '<<<openclaw-context tag="aaaa" kind="spell" label="x">>>\nS\n<<<end-openclaw-context tag="aaaa">>>';
    const a = '<<<openclaw-context tag="aaaa" kind="diff" label="diff">>>\nD\n<<<end-openclaw-context tag="aaaa">>>';
    assert.deepEqual(splitMessage(`w\n\n${odd}\n\n${a}`), { text: 'w', chips: [{ kind: 'diff', label: 'diff' }] });
  });

  it('are only mark lines that are exactly marks', () => {
    const end = '\nA\n<<<end-openclaw-context tag="aaaa">>>';
    for (const line of [
      ' <<<openclaw-context tag="aaaa" kind="file" label="a">>>',
      '<<<openclaw-context tag="aaaa" kind="file" label="a">>> ',
      '<<<openclaw-context tag="aaa" kind="file" label="a">>>',
      '<<<openclaw-context tag="aaaaaaaaaaaaaaaaa" kind="file" label="a">>>',
      '<<<openclaw-context tag="AAAA" kind="file" label="a">>>',
      '<<<openclaw-context tag="aaaa" kind="File" label="a">>>',
      '<<<openclaw-context tag="aaaa" kind="" label="a">>>',
      '<<<openclaw-context tag="aaaa" kind="file" label="a"b">>>',
      '<<<openclaw-context tag="aaaa" kind="file" label="a" detail="x"y">>>',
    ]) {
      assert.deepEqual(splitMessage(`w\n\n${line}${end}`).chips, [], line);
    }
    const longest = '<<<openclaw-context tag="a1b2c3d4e5f6a7b8" kind="file" label="">>>\nA\n<<<end-openclaw-context tag="a1b2c3d4e5f6a7b8">>>';
    assert.deepEqual(splitMessage(`w\n\n${longest}`).chips, [{ kind: 'file', label: '' }]);
    const detail = '<<<openclaw-context tag="aaaa" kind="file" label="two words" detail="">>>' + end;
    assert.deepEqual(splitMessage(detail), { text: '', chips: [{ kind: 'file', label: 'two words' }] });
  });
});

describe('attached files', () => {
  const LIMITS = { maxBytes: 40, maxImageBytes: 20 };

  it('are images by their first bytes: PNG, JPEG, GIF and WebP, twelve bytes at least', () => {
    assert.equal(imageType(bytesOf(PNG_HEAD)), 'image/png');
    assert.equal(imageType(bytesOf(JPEG_HEAD)), 'image/jpeg');
    assert.equal(imageType(bytesOf(GIF_HEAD)), 'image/gif');
    assert.equal(imageType(bytesOf(WEBP_HEAD, 12)), 'image/webp');
    assert.equal(imageType(bytesOf(PNG_HEAD, 12)), 'image/png');
    assert.equal(imageType(bytesOf(PNG_HEAD, 11)), undefined);
    assert.equal(imageType(bytesOf([])), undefined);
  });

  it('are no image when any one byte of a signature is wrong', () => {
    for (const head of [PNG_HEAD, JPEG_HEAD, GIF_HEAD, WEBP_HEAD]) {
      for (let at = 0; at < head.length; at++) {
        if (head === WEBP_HEAD && at >= 4 && at < 8) continue; // the RIFF size, any value
        const wrong = [...head];
        wrong[at] ^= 0x20;
        assert.equal(imageType(bytesOf(wrong)), undefined, `${head.join(',')} with byte ${at} wrong`);
      }
    }
  });

  it('go as an image attachment named by the file, with its bytes in base64', () => {
    const png = bytesOf(PNG_HEAD, 20);
    const read = readAttachment('shots/deep/a.png', png, LIMITS);
    assert.deepEqual(read, {
      kind: 'image',
      block: { kind: 'image', label: 'a.png', detail: '20 B', body: 'The image a.png (20 B) is attached to this message.' },
      attachment: { type: 'image', mimeType: 'image/png', fileName: 'a.png', content: Buffer.from(png).toString('base64') },
      bytes: 20,
    });
    // A name that ends in a slash has no last part: the whole name is shown.
    assert.equal(readAttachment('odd/', png, LIMITS).block.label, 'odd/');
  });

  it('are refused past the gateway’s limits, images and files each by their own, with the sizes', () => {
    assert.throws(
      () => readAttachment('shots/b.png', bytesOf(PNG_HEAD, 21), LIMITS),
      (e: Error) => e instanceof Refusal && e.name === 'Refusal' && e.message === 'b.png is 21 B; the gateway takes images up to 20 B. Attach a smaller image.',
    );
    assert.equal(readAttachment('c.txt', utf8('x'.repeat(40)), LIMITS).kind, 'file');
    assert.throws(
      () => readAttachment('docs/c.txt', utf8('x'.repeat(41)), LIMITS),
      (e: Error) =>
        e instanceof Refusal && e.message === 'c.txt is 41 B; the gateway takes files up to 40 B. Attach a smaller file, or mention the part that matters.',
    );
  });

  it('are text when they are UTF-8 without a NUL early on, and refused when neither', () => {
    const read = readAttachment('src/a.ts', utf8('é\n'), LIMITS);
    assert.equal(read.kind, 'file');
    assert.equal(read.block.label, 'src/a.ts');
    assert.throws(
      () => readAttachment('bin/a.bin', Uint8Array.from([0x61, 0, 0x62]), LIMITS),
      (e: Error) =>
        e instanceof Refusal &&
        e.message === 'a.bin is neither text nor an image (PNG, JPEG, GIF, WebP): the agent can only be given those. Attach it as text, or leave it out.',
    );
  });

  it('decode strictly: bad UTF-8 is binary, a byte-order mark is dropped, a NUL past 8 KB is text', () => {
    assert.equal(decodeText(Uint8Array.from([0x61, 0xc3, 0x28])), undefined);
    assert.equal(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])), 'a');
    assert.equal(decodeText(utf8('plain')), 'plain');
    const late = new Uint8Array(8193).fill(0x61);
    late[8192] = 0;
    assert.equal(decodeText(late), 'a'.repeat(8192) + '\0');
    late[8191] = 0;
    assert.equal(decodeText(late), undefined);
  });
});

describe('models and images', () => {
  it('name a model by its name and ref, or its ref alone when the name adds nothing', () => {
    assert.equal(modelName({ ref: 'prov/m1' }), 'prov/m1');
    assert.equal(modelName({ ref: 'prov/m1', name: '' }), 'prov/m1');
    assert.equal(modelName({ ref: 'prov/m1', name: 'prov/m1' }), 'prov/m1');
    assert.equal(modelName({ ref: 'prov/m1', name: 'm1' }), 'prov/m1');
    assert.equal(modelName({ ref: 'prov/m1', name: 'Model One' }), 'Model One (prov/m1)');
  });

  it('refuse images only for a model that says it takes none', () => {
    const textOnly = { ref: 'prov/m1', name: 'Model One', input: ['text'] };
    assert.equal(imageRefusal(textOnly, []), undefined);
    assert.equal(imageRefusal(undefined, ['a.png']), undefined);
    assert.equal(imageRefusal({ ref: 'prov/m1' }, ['a.png']), undefined);
    assert.equal(imageRefusal({ ref: 'prov/m1', input: ['text', 'image'] }, ['a.png']), undefined);
    assert.equal(
      imageRefusal(textOnly, ['a.png']),
      "Model One (prov/m1) takes no images, so a.png cannot go with this message. Choose a model that takes images in the chat's header, or remove the image.",
    );
    assert.equal(
      imageRefusal(textOnly, ['a.png', 'b.png']),
      "Model One (prov/m1) takes no images, so 2 images cannot go with this message. Choose a model that takes images in the chat's header, or remove them.",
    );
  });
});
