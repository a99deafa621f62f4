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

describe('export to Markdown, row by row', () => {
  const body = (rows: unknown[]) =>
    sessionToMarkdown({ title: 't', key: 'k', exportedAt: T }, rows as HistoryMessage[])
      .split('\n')
      .slice(4)
      .join('\n');

  it('a tool-call row continues only the assistant row with the same message id', () => {
    const call = (id: string, extra: Record<string, unknown> = {}) => ({ role: 'assistant', content: [{ type: 'toolCall', id, name: 'n' }], ...extra });
    const md = body([
      call('c1'),
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
        ],
      },
      call('c2'),
      { role: 'user', content: 'u', __openclaw: { id: 'm' }, toolCallId: 'c3' },
      call('c3', { __openclaw: { id: 'm' } }),
      { role: 'assistant', content: [] },
      { role: 'system', content: [] },
    ]);
    assert.equal(md.match(/## OpenClaw/g)?.length, 4, md);
    assert.match(md, /## OpenClaw\n\nAB\n/);
    assert.equal(md.match(/· no result/g)?.length, 3, 'a user row is no result');
  });

  it('an error line only for an error with a message', () => {
    const md = body([
      { role: 'assistant', content: 'E1', errorMessage: 'one' },
      { role: 'assistant', content: 'E2', stopReason: 'error', errorMessage: 5 },
    ]);
    assert.ok(!md.includes('*Error'), md);
  });

  it('string arguments as they are, mixed results as JSON, a trailing newline inside the fence dropped, names escaped', () => {
    const md = body([
      { role: 'assistant', content: [{ type: 'toolCall', id: 'c', name: 'a&b"c', arguments: 'raw args' }] },
      { role: 'toolResult', toolCallId: 'c', content: [{ type: 'text', text: 'seen' }, { type: 'image' }] },
      { role: 'toolResult', toolCallId: 'd', content: 'ends\n' },
    ]);
    assert.match(md, /<code>a&amp;b&quot;c<\/code>/);
    assert.match(md, /```json\nraw args\n```/);
    assert.match(md, /```\n\[\n {2}\{\n {4}"type": "text",\n {4}"text": "seen"\n {2}\},/);
    assert.match(md, /```\nends\n```/);
  });

  it('escapes only the lines Markdown would make headings, and trims the [System] mark only at the start', () => {
    assert.equal(body([{ role: 'user', content: 'a\n=== x\n==  \n- item\n--\n---x' }]).split('\n\n')[1], '> a\n> === x\n> \\==  \n> - item\n> \\--\n> ---x\n');
    const note = (text: string) => body([{ role: 'user', content: text, provenance: { kind: 'internal_system' } }]).split('\n')[0];
    assert.equal(note('  [system]Go'), '*System note:* Go');
    assert.equal(note('Note [System] y'), '*System note:* Note \\[System\\] y');
    assert.equal(note('Note[System]y'), '*System note:* Note\\[System\\]y');
    assert.equal(note('z'.repeat(300)), `*System note:* ${'z'.repeat(300)}`);
  });
});
