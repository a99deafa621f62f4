/** A session's history as Markdown (export-markdown.ts) and usage in words (usage-report.ts): pure functions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fence, sessionToMarkdown } from '../../src/extension/export-markdown';
import { formatCost, sessionUsageLines, usageReport } from '../../src/extension/usage-report';
import type { HistoryMessage } from '../../src/protocol/gateway';

const T = Date.UTC(2026, 11, 2, 4, 58);
const rows: HistoryMessage[] = [
  { role: 'user', content: '# not a heading\n\nsecond line', timestamp: T, __openclaw: { id: 'm1', seq: 1 } },
  { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }], timestamp: T + 1000, __openclaw: { id: 'm2', seq: 2 } },
  {
    role: 'assistant',
    content: [{ type: 'toolCall', id: 'call-1', name: 'read', arguments: { path: 'a.md' } }],
    timestamp: T + 1000,
    __openclaw: { id: 'm2', seq: 2 },
  },
  { role: 'toolResult', toolCallId: 'call-1', toolName: 'read', content: [{ type: 'text', text: 'has ``` inside' }], __openclaw: { id: 'm3', seq: 3 } },
  { role: 'assistant', content: [{ type: 'text', text: 'It says **hi**.' }], timestamp: T + 2000, __openclaw: { id: 'm4', seq: 4 } },
  { role: 'system', content: [], __openclaw: { id: 'm5', seq: 5, kind: 'compaction' } },
];

describe('export to Markdown', () => {
  const md = sessionToMarkdown({ title: 'Plan <the> release', key: 'agent:main:x', exportedAt: T }, rows);

  it('has a title, who spoke and when, the person quoted and the agent as written', () => {
    assert.match(md, /^# Plan \\<the\\> release\n/);
    assert.match(md, /\*Session `agent:main:x` · 4 messages · exported 2026-12-02 04:58 UTC\*/);
    assert.match(md, /## You · 2026-12-02 04:58 UTC\n\n> \\# not a heading\n>\n> second line\n/);
    assert.match(md, /## OpenClaw · 2026-12-02 04:58 UTC\n\nLet me look\.\n/);
    assert.match(md, /It says \*\*hi\*\*\./);
    assert.match(md, /\*Session compacted: earlier turns were replaced by a summary\*/);
    // The tool call's row continues the text row before it: one heading, not two.
    assert.equal(md.match(/## OpenClaw/g)!.length, 2);
  });

  it('keeps a reply that failed before it said anything, with its error', () => {
    const failed = sessionToMarkdown({ title: 't', key: 'agent:main:x', exportedAt: T }, [
      { role: 'user', content: 'Hello', timestamp: T },
      { role: 'assistant', content: [], timestamp: T + 1000, stopReason: 'error', errorMessage: 'model unreachable *now*' },
    ]);
    assert.match(failed, /## OpenClaw · 2026-12-02 04:58 UTC\n\n\*Error: model unreachable \\\*now\\\*\*\n/);
  });

  it('puts each tool call in a collapsed details block, with a fence its content cannot close', () => {
    assert.match(md, /<details>\n<summary>Tool <code>read<\/code> · done<\/summary>/);
    assert.match(md, /\*\*Arguments\*\*\n\n```json\n\{\n {2}"path": "a.md"\n\}\n```/);
    assert.match(md, /\*\*Result\*\*\n\n````\nhas ``` inside\n````/);
    assert.equal(fence('a ```` b', ''), '`````\na ```` b\n`````');
  });

  it('renders back to the same parts in a Markdown renderer (no stray headings, details kept)', async () => {
    // The renderer the chat uses; an ES module, so imported dynamically from this CommonJS test.
    const { marked } = await import('marked');
    const html = marked.parse(md, { async: false });
    assert.equal((html.match(/<h1/g) ?? []).length, 1, 'the quoted "# not a heading" is no heading');
    assert.equal((html.match(/<h2/g) ?? []).length, 3);
    assert.match(html, /<blockquote>/);
    assert.match(html, /<details>/);
    assert.match(html, /<code>has ``` inside\n<\/code>/);
  });
});

describe('usage in words', () => {
  it("a session's tokens and, where priced, cost", () => {
    assert.deepEqual(sessionUsageLines({ inputTokens: 15398, outputTokens: 11, estimatedCostUsd: 0.42 }), ['Tokens: 15,398 in · 11 out', 'Cost: $0.42']);
    assert.deepEqual(sessionUsageLines({ totalTokens: 7, estimatedCostUsd: 0 }), ['Tokens: 7 total']);
    assert.deepEqual(sessionUsageLines({}), []);
    assert.equal(formatCost(0.0012), '$0.0012');
  });

  it('the totals over 7 and 30 days, saying when the gateway is still counting', () => {
    const totals = { input: 1000, output: 20, totalTokens: 1020, totalCost: 0, missingCostEntries: 3 };
    const { detail } = usageReport({ totals, sessions: 1 }, { totals: { ...totals, totalCost: 1.5 }, sessions: 4, cacheStatus: 'refreshing' });
    assert.match(detail, /^Last 7 days: 1,020 tokens \(1,000 in · 20 out\) in 1 session, cost unknown/);
    assert.match(detail, /Last 30 days: 1,020 tokens .* in 4 sessions, \$1\.50 \(at least: 3 entries have no price\)/);
    assert.match(detail, /still counting/);
  });
});
