/**
 * A whole exported document, line for line, from a history that holds each kind of row the export
 * reads: a system note, the person's heading-like lines, an aborted reply, an error, tool calls with
 * and without results, results without calls, a cut result, resets and rows it does not know. The
 * mutation run showed the export's branches were each checked by a pattern or not at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_EXPORT_TOOL_CHARS, sessionToMarkdown } from '../../src/extension/export-markdown';
import type { HistoryMessage } from '../../src/protocol/gateway';

const T = Date.UTC(2026, 11, 2, 4, 58);
const circular: Record<string, unknown> = {};
circular.self = circular;
const LONG = 'x'.repeat(MAX_EXPORT_TOOL_CHARS + 2);

const rows = [
  { role: 'user', content: '  ', timestamp: T },
  { role: 'user', content: '[System] Compacted\nsecond', provenance: { kind: 'internal_system' }, timestamp: T },
  { role: 'user', content: 'Title\n===\n  -- \n    # deep\nplain', provenance: { kind: 'other' } },
  { role: 'assistant', content: 'as a *string*', stopReason: 'aborted', timestamp: T + 60_000, __openclaw: { id: 'a1' } },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 5 },
      { type: 'image', text: 'no' },
      { type: 'text', text: ' Partial ' },
    ],
    stopReason: 'error',
    errorMessage: 'quota <hit>\nagain',
  },
  {
    role: 'assistant',
    content: [
      { type: 'toolCall', id: 'c1', name: 'run<x>', arguments: circular },
      { type: 'toolCall', id: 'c2' },
    ],
    __openclaw: { id: 'a2' },
  },
  { role: 'toolResult', toolCallId: 'c1', toolName: 'run', isError: true, content: [{ type: 'image' }] },
  { role: 'toolResult', toolCallId: 'lone', toolName: 'grep', content: LONG },
  {
    role: 'toolResult',
    toolCallId: 'lone2',
    content: [
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two' },
    ],
  },
  { role: 'system', content: [], timestamp: T, __openclaw: { kind: 'reset' } },
  { role: 'system', content: [], __openclaw: { kind: 'other' } },
  { role: 'custom', content: 'never' },
] as unknown as HistoryMessage[];

const expected = [
  '# a b\\*\\_\\`\\[x\\]\\|\\#\\\\',
  '',
  '*Session `key` · 6 messages · exported 2026-12-02 04:58 UTC*',
  '',
  '*System note · 2026-12-02 04:58 UTC:* Compacted',
  '',
  '## You',
  '',
  '> Title',
  '> \\===',
  '>   \\-- ',
  '>     # deep',
  '> plain',
  '',
  '## OpenClaw · 2026-12-02 04:59 UTC',
  '',
  'as a *string*',
  '',
  '*(stopped)*',
  '',
  '## OpenClaw',
  '',
  'Partial',
  '',
  '*Error: quota \\<hit\\> again*',
  '',
  '## OpenClaw',
  '',
  '<details>',
  '<summary>Tool <code>run&lt;x&gt;</code> · failed</summary>',
  '',
  '**Arguments**',
  '',
  '```json',
  '[object Object]',
  '```',
  '',
  '**Error**',
  '',
  '```',
  '[',
  '  {',
  '    "type": "image"',
  '  }',
  ']',
  '```',
  '',
  '</details>',
  '',
  '<details>',
  '<summary>Tool <code>tool</code> · no result</summary>',
  '',
  '</details>',
  '',
  '<details>',
  '<summary>Tool <code>grep</code> · done</summary>',
  '',
  '**Result**',
  '',
  '```',
  `${'x'.repeat(MAX_EXPORT_TOOL_CHARS)}`,
  '… (2 more characters)',
  '```',
  '',
  '</details>',
  '',
  '<details>',
  '<summary>Tool <code>tool</code> · done</summary>',
  '',
  '**Result**',
  '',
  '```',
  'onetwo',
  '```',
  '',
  '</details>',
  '',
  '*Session reset · 2026-12-02 04:58 UTC*',
  '',
].join('\n');

describe('export to Markdown, the whole document', () => {
  it('renders every kind of row, escaped and cut where it must be', () => {
    assert.equal(sessionToMarkdown({ title: 'a\r\nb*_`[x]|#\\', key: 'k`ey', exportedAt: T }, rows), expected);
  });

  it('keeps a result of exactly the limit whole, and says how a compaction reads', () => {
    const exact = 'y'.repeat(MAX_EXPORT_TOOL_CHARS);
    const md = sessionToMarkdown({ title: 't', key: 'k', exportedAt: T }, [
      { role: 'toolResult', toolCallId: 'r', toolName: 'read', content: exact },
      { role: 'system', content: [], timestamp: T, __openclaw: { kind: 'compaction' } },
    ]);
    assert.ok(md.includes(`\`\`\`\n${exact}\n\`\`\``));
    assert.ok(!md.includes('more characters'));
    assert.ok(md.endsWith('*Session compacted · 2026-12-02 04:58 UTC: earlier turns were replaced by a summary*\n'));
    assert.equal(
      sessionToMarkdown({ title: 't', key: 'k', exportedAt: T }, [
        { role: 'user', content: 'x'.repeat(400), provenance: { kind: 'internal_system' } },
      ] as never).split('\n')[4],
      `*System note:* ${'x'.repeat(297)}…`,
    );
  });
});
