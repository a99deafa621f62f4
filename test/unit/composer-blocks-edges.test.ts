/**
 * Boundaries of the context blocks (context-blocks.ts) next to composer-blocks.test.ts: the width
 * of the line numbers at 9 and 99, and a diff or terminal output of exactly MAX_ITEM_CHARS that has
 * a line end inside it (kept whole, not cut at that line). Pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffBlock, fileBlock, problemsBlock, selectionBlock, terminalBlock } from '../../src/extension/composer/context-blocks';
import { MAX_ITEM_CHARS } from '../../src/extension/composer/limits';

describe('context block boundaries', () => {
  it('number up to 9 lines with one digit, and 95 to 99 with two', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `l${i + 1}`).join('\n');
    assert.equal(
      fileBlock('n', nine).body,
      `File n (9 lines):\n\`\`\`\n${nine
        .split('\n')
        .map((l, i) => `${i + 1} | ${l}`)
        .join('\n')}\n\`\`\``,
    );
    const five = selectionBlock({ path: 's', startLine: 95, endLine: 99, languageId: '', text: 'a\nb\nc\nd\ne' });
    assert.equal(five.body, 'Selected in s, lines 95-99:\n```\n95 | a\n96 | b\n97 | c\n98 | d\n99 | e\n```');
  });

  it('keep a diff of exactly the limit whole, even when its last line has no line end', () => {
    const diff = `diff --git a/x b/x\n${'d'.repeat(MAX_ITEM_CHARS - 19)}`;
    assert.equal(diff.length, MAX_ITEM_CHARS);
    const block = diffBlock(diff);
    assert.equal(block.detail, '1 file');
    assert.ok(block.body.endsWith(`${'d'.repeat(MAX_ITEM_CHARS - 19)}\n\`\`\``));
  });

  it('keep terminal output of exactly the limit whole, its first line included', () => {
    const output = `first\n${'p'.repeat(MAX_ITEM_CHARS - 6)}`;
    const block = terminalBlock('t', output);
    assert.equal(block.detail, undefined);
    assert.ok(block.body.includes('```text\nfirst\npp'));
  });

  it('keep the last terminal lines from the first line end after the cut point, mid-line as it falls', () => {
    const output = Array.from({ length: 2000 }, () => 'x'.repeat(48)).join('\n');
    const block = terminalBlock('t', output);
    const kept = block.body.slice(block.body.indexOf('```text\n') + 8, block.body.lastIndexOf('\n```'));
    assert.equal(kept.length, 59_975);
    assert.ok(kept.startsWith(`${'x'.repeat(48)}\n`));
  });

  it('list a problem whose line ends exactly at the limit, with no cut note', () => {
    // 100 lines of 599 characters and their line ends: exactly 60 000.
    const items = Array.from({ length: 100 }, (_, i) => {
      const prefix = `a.ts:${i + 1}:2 error: `;
      return { path: 'a.ts', line: i + 1, column: 2, severity: 'error' as const, message: 'm'.repeat(599 - prefix.length) };
    });
    const body = problemsBlock(items, undefined).body;
    assert.ok(!body.includes('[cut'));
    assert.ok(body.endsWith(`\na.ts:100:2 error: ${'m'.repeat(599 - 18)}`));
  });
});
