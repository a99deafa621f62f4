/**
 * How history rows become chat items (transcript.ts), and the small readers beside it: row ids,
 * the folded messages of a restart, tool text, usage, session titles, relative times. Pure: the
 * rows are written here as the gateway sends them, and each result is compared whole.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  entryIdOf,
  itemsFromHistory,
  MAX_TOOL_TEXT,
  QUEUED_MARKER,
  relativeTime,
  rowIdOf,
  runOf,
  sessionTitle,
  toolText,
  unfoldQueued,
  usageView,
} from '../../src/extension/transcript';
import type { HistoryMessage } from '../../src/protocol/gateway';
import type { ChatItem } from '../../src/protocol/webview';
import { HISTORY_DIFF_NOTE } from '../../src/extension/changes/diff-view';

const asUser = (id: string, content: unknown, extra: Partial<HistoryMessage> = {}): HistoryMessage => ({ role: 'user', content, __openclaw: { id }, ...extra });
const asAssistant = (id: string, content: unknown, extra: Partial<HistoryMessage> = {}): HistoryMessage => ({
  role: 'assistant',
  content,
  __openclaw: { id },
  ...extra,
});
const call = (id: string | undefined, name?: string, args?: unknown) => ({
  type: 'toolCall',
  ...(id ? { id } : {}),
  ...(name ? { name } : {}),
  arguments: args,
});
const result = (toolCallId: string | undefined, content: unknown, extra: Partial<HistoryMessage> = {}): HistoryMessage => ({
  role: 'toolResult',
  content,
  ...(toolCallId !== undefined ? { toolCallId } : {}),
  ...extra,
});

describe('itemsFromHistory: user rows', () => {
  it('a user row is a user item named by its row id; an empty one is left out', () => {
    assert.deepEqual(itemsFromHistory([asUser('r1', 'hello'), asUser('r2', ''), asUser('r3', [{ type: 'image' }])]), [
      { kind: 'user', id: 'u:r1', text: 'hello' },
    ]);
  });

  it("the gateway's own note is a notice with its first sentence, without the [System] tag", () => {
    const note = (text: string) => asUser('n1', text, { provenance: { kind: 'internal_system' } });
    assert.deepEqual(itemsFromHistory([note('  [system]  The gateway restarted. Carry on where you were.')]), [
      { kind: 'notice', id: 'n:n1', level: 'info', text: 'System note: The gateway restarted.' },
    ]);
    // No sentence end: the whole note; a dot inside a word is no end.
    assert.deepEqual(itemsFromHistory([note('[System] see v1.2 notes')])[0], {
      kind: 'notice',
      id: 'n:n1',
      level: 'info',
      text: 'System note: see v1.2 notes',
    });
    assert.equal((itemsFromHistory([note('Done!')])[0] as { text: string }).text, 'System note: Done!');
    assert.equal((itemsFromHistory([note('Why?\nBecause.')])[0] as { text: string }).text, 'System note: Why?');
    // A sentence may run over lines.
    assert.equal((itemsFromHistory([note('Line one\nline two. Next')])[0] as { text: string }).text, 'System note: Line one\nline two.');
    assert.equal((itemsFromHistory([note('Not [System] here.')])[0] as { text: string }).text, 'System note: Not [System] here.');
    // Another provenance is the person's own words.
    assert.deepEqual(itemsFromHistory([asUser('p1', 'mine', { provenance: { kind: 'user' } }), asUser('p2', 'too', { provenance: 'internal_system' })]), [
      { kind: 'user', id: 'u:p1', text: 'mine' },
      { kind: 'user', id: 'u:p2', text: 'too' },
    ]);
  });

  it('a long note is cut at 300 characters with an ellipsis', () => {
    const words = (n: number) => 'a'.repeat(n);
    const text = (body: string) => (itemsFromHistory([asUser('n', body, { provenance: { kind: 'internal_system' } })])[0] as { text: string }).text;
    assert.equal(text(words(300)), `System note: ${words(300)}`);
    assert.equal(text(words(301)), `System note: ${words(297)}…`);
  });

  it('folded messages of a restart are shown one by one before the own one', () => {
    const folded = `${QUEUED_MARKER}\nfirst\n\n${QUEUED_MARKER}\nsecond\n\nnow`;
    assert.deepEqual(itemsFromHistory([asUser('r1', folded)]), [
      { kind: 'user', id: 'u:r1:q0', text: 'first' },
      { kind: 'user', id: 'u:r1:q1', text: 'second' },
      { kind: 'user', id: 'u:r1', text: 'now' },
    ]);
  });

  it('a folded message the gateway also kept as its own row is shown once, notices aside', () => {
    const folded = `${QUEUED_MARKER}\nfirst\n\n${QUEUED_MARKER}\nfirst\n\nnow`;
    const rows: HistoryMessage[] = [asUser('r0', 'first'), { role: 'system', content: '', __openclaw: { id: 's', kind: 'reset' } }, asUser('r1', folded)];
    assert.deepEqual(
      itemsFromHistory(rows).map((i) => i.id),
      ['u:r0', 'n:s', 'u:r1:q1', 'u:r1'],
    );
    // Only the last row before counts, and only a user row with that very text.
    assert.deepEqual(
      itemsFromHistory([asUser('r0', 'first'), asAssistant('a0', 'ok'), asUser('r1', `${QUEUED_MARKER}\nfirst\n\nnow`)]).map((i) => i.id),
      ['u:r0', 'a:a0', 'u:r1:q0', 'u:r1'],
    );
    assert.deepEqual(
      itemsFromHistory([asUser('r0', 'other'), asUser('r1', `${QUEUED_MARKER}\nfirst\n\nnow`)]).map((i) => i.id),
      ['u:r0', 'u:r1:q0', 'u:r1'],
    );
  });

  it('chips come from the context blocks and from the media the gateway stored', () => {
    const text = 'look\n\n<<<openclaw-context tag="abcd" kind="image" label="shot.png">>>\n[image]\n<<<end-openclaw-context tag="abcd">>>';
    const media = [{ kind: 'image' }, { kind: 'image', sizeBytes: 2048 }, { kind: 'file', fileName: 'notes.txt', sizeBytes: 10 }, { kind: 'file' }, 'junk'];
    assert.deepEqual(itemsFromHistory([asUser('r1', text, { __openclaw: { id: 'r1', media } as HistoryMessage['__openclaw'] })]), [
      {
        kind: 'user',
        id: 'u:r1',
        text: 'look',
        chips: [
          { kind: 'image', label: 'shot.png' },
          { kind: 'image', label: 'image', detail: '2.0 KB' },
          { kind: 'file', label: 'notes.txt', detail: '10 B' },
          { kind: 'file', label: 'file' },
        ],
      },
    ]);
  });

  it('media that is no list gives no chips', () => {
    const meta = { id: 'r1', media: { kind: 'image' } } as HistoryMessage['__openclaw'];
    assert.deepEqual(itemsFromHistory([asUser('r1', 'x', { __openclaw: meta })]), [{ kind: 'user', id: 'u:r1', text: 'x' }]);
  });
});

describe('itemsFromHistory: assistant rows and tools', () => {
  it('text parts are joined and trimmed at the end; other parts and blank text give no item', () => {
    const parts = [
      { type: 'text', text: '  Hello' },
      { type: 'thinking', text: 'hidden' },
      'junk',
      null,
      { type: 'text', text: 7 },
      { type: 'text', text: ' world \n' },
    ];
    assert.deepEqual(itemsFromHistory([asAssistant('a1', parts), asAssistant('a2', [{ type: 'text', text: ' \n ' }]), asAssistant('a3', 'plain')]), [
      { kind: 'assistant', id: 'a:a1', text: '  Hello world', streaming: false },
      { kind: 'assistant', id: 'a:a3', text: 'plain', streaming: false },
    ]);
  });

  it('usage is shown unless the reply stopped for a tool; outcomes from the stop reason', () => {
    const usage = { input: 3, output: 4, totalTokens: 7 };
    const items = itemsFromHistory([
      asAssistant('a1', 'one', { usage }),
      asAssistant('a2', 'two', { usage, stopReason: 'toolUse' }),
      asAssistant('a3', 'three', { stopReason: 'aborted' }),
      asAssistant('a4', 'four', { openclawAbort: { aborted: true } }),
      asAssistant('a5', 'five', { openclawAbort: { aborted: 'yes' } }),
      asAssistant('a6', 'six', { stopReason: 'error', errorMessage: 'boom' }),
      asAssistant('a7', 'seven', { stopReason: 'error' }),
      asAssistant('a8', 'eight', { errorMessage: 'not an error' }),
    ]);
    assert.deepEqual(items, [
      { kind: 'assistant', id: 'a:a1', text: 'one', streaming: false, usage: { input: 3, output: 4, total: 7 } },
      { kind: 'assistant', id: 'a:a2', text: 'two', streaming: false },
      { kind: 'assistant', id: 'a:a3', text: 'three', streaming: false, outcome: 'aborted' },
      { kind: 'assistant', id: 'a:a4', text: 'four', streaming: false, outcome: 'aborted' },
      { kind: 'assistant', id: 'a:a5', text: 'five', streaming: false },
      { kind: 'assistant', id: 'a:a6', text: 'six', streaming: false, outcome: 'error', error: 'boom' },
      { kind: 'assistant', id: 'a:a7', text: 'seven', streaming: false },
      { kind: 'assistant', id: 'a:a8', text: 'eight', streaming: false },
    ]);
  });

  it('a tool call merges with its result; one without a result was cut short', () => {
    const items = itemsFromHistory([
      asAssistant('a1', [{ type: 'text', text: 'Looking.' }, call('c1', 'read', { path: 'a.ts' }), call('c2', 'ls')]),
      result('c1', [{ type: 'text', text: 'file text' }]),
    ]);
    assert.deepEqual(items, [
      { kind: 'tool', id: 't:c1', tool: { toolCallId: 'c1', name: 'read', args: '{\n  "path": "a.ts"\n}', state: 'done', result: 'file text' } },
      { kind: 'tool', id: 't:c2', tool: { toolCallId: 'c2', name: 'ls', args: undefined, state: 'error' } },
      { kind: 'assistant', id: 'a:a1', text: 'Looking.', streaming: false },
    ]);
  });

  it('a call without an id or a name is named by its place; a repeated call stays one card', () => {
    const items = itemsFromHistory(
      [asAssistant('a1', [{ type: 'text', text: 'x' }, call(undefined)]), asAssistant('a2', [call('c1', 'ls')]), asAssistant('a3', [call('c1', 'ls')])],
      {
        complete: false,
      },
    );
    assert.deepEqual(items, [
      { kind: 'tool', id: 't:a1:1', tool: { toolCallId: 'a1:1', name: 'tool', args: undefined, state: 'running' } },
      { kind: 'assistant', id: 'a:a1', text: 'x', streaming: false },
      { kind: 'tool', id: 't:c1', tool: { toolCallId: 'c1', name: 'ls', args: undefined, state: 'running' } },
    ]);
  });

  it('a failed result marks the call failed and brings no diff; a file tool brings its diff', () => {
    const diff = '-1 old\n+1 new';
    const rows: HistoryMessage[] = [
      asAssistant('a1', [call('c1', 'edit', { path: 'a.ts' }), call('c2', 'edit', { path: 'b.ts' })]),
      result('c1', 'edited', { details: { diff } }),
      result('c2', 'refused', { isError: true, details: { diff } }),
    ];
    const [edited, refused] = itemsFromHistory(rows) as Array<Extract<ChatItem, { kind: 'tool' }>>;
    assert.equal(edited.tool.state, 'done');
    assert.equal(edited.tool.result, 'edited');
    assert.equal(edited.tool.diffs?.length, 1);
    assert.equal(edited.tool.diffs?.[0].path, 'a.ts');
    assert.equal(edited.tool.diffs?.[0].readOnly, HISTORY_DIFF_NOTE);
    assert.deepEqual(refused.tool, { toolCallId: 'c2', name: 'edit', args: '{\n  "path": "b.ts"\n}', state: 'error', result: 'refused' });
    // A tool that brings no diff gets no `diffs` field.
    const [plain] = itemsFromHistory([asAssistant('a1', [call('c1', 'ls')]), result('c1', 'x', { details: { diff } })]) as Array<
      Extract<ChatItem, { kind: 'tool' }>
    >;
    assert.equal('diffs' in plain.tool, false);
  });

  it('a result without its call is a card of its own', () => {
    const rows: HistoryMessage[] = [
      result('c9', 'out', { toolName: 'bash', __openclaw: { id: 'r1' } }),
      result(undefined, 'lost', { isError: true, __openclaw: { id: 'r2' } }),
    ];
    assert.deepEqual(itemsFromHistory(rows), [
      { kind: 'tool', id: 't:c9', tool: { toolCallId: 'c9', name: 'bash', result: 'out', state: 'done' } },
      { kind: 'tool', id: 't:r2', tool: { toolCallId: '', name: 'tool', result: 'lost', state: 'error' } },
    ]);
  });

  it('calls that wait for an approval stay running; rows one by one leave calls running', () => {
    const rows = [asAssistant('a1', [call('c1', 'ls'), call('c2', 'rm')])];
    const states = (items: ChatItem[]) => items.map((i) => (i.kind === 'tool' ? i.tool.state : i.kind));
    assert.deepEqual(states(itemsFromHistory(rows, { waiting: new Set(['c2']) })), ['error', 'running']);
    assert.deepEqual(states(itemsFromHistory(rows, { complete: false })), ['running', 'running']);
    assert.deepEqual(states(itemsFromHistory(rows)), ['error', 'error']);
  });

  it('reset and compaction rows are notices; other system rows and roles are left out', () => {
    const system = (id: string, kind?: string): HistoryMessage => ({ role: 'system', content: 'x', __openclaw: { id, ...(kind ? { kind } : {}) } });
    assert.deepEqual(
      itemsFromHistory([system('s1', 'reset'), system('s2', 'compaction'), system('s3', 'other'), system('s4'), { role: 'custom', content: 'x' }]),
      [
        { kind: 'notice', id: 'n:s1', level: 'info', text: 'Session reset' },
        { kind: 'notice', id: 'n:s2', level: 'info', text: 'Session compacted: earlier turns were replaced by a summary' },
      ],
    );
  });

  it('two items of one id get distinct ids, numbered from 2', () => {
    assert.deepEqual(
      itemsFromHistory([asUser('r1', 'a'), asUser('r1', 'b'), asUser('r1', 'c')]).map((i) => i.id),
      ['u:r1', 'u:r1:2', 'u:r1:3'],
    );
  });
});

describe('itemsFromHistory: runs left out', () => {
  const rows: HistoryMessage[] = [
    asUser('r1', 'one', { idempotencyKey: 'k1:user' }),
    asAssistant('a1', 'reply one', { __openclaw: { id: 'a1', runId: 'k1' } }),
    asUser('r2', 'two', { idempotencyKey: 'k2' }),
    asAssistant('a2', 'reply two'),
  ];
  it('rows of a run still streaming are left out, by run id or by the key the user row was sent with', () => {
    assert.deepEqual(
      itemsFromHistory(rows, new Set(['k1'])).map((i) => i.id),
      ['u:r2', 'a:a2'],
    );
    assert.deepEqual(
      itemsFromHistory(rows, { skipRuns: new Set(['k2']) }).map((i) => i.id),
      ['u:r1', 'a:a1', 'a:a2'],
    );
    assert.deepEqual(
      itemsFromHistory(rows, new Set()).map((i) => i.id),
      ['u:r1', 'a:a1', 'u:r2', 'a:a2'],
    );
  });

  it('runOf: the run id, else the key without ":user", else nothing', () => {
    assert.equal(runOf(rows[0]), 'k1');
    assert.equal(runOf(rows[1]), 'k1');
    assert.equal(runOf(asUser('x', 'x', { idempotencyKey: 'k:user:user' })), 'k:user');
    assert.equal(runOf(asUser('x', 'x', { idempotencyKey: 'k:users:user' })), 'k:users');
    assert.equal(runOf(asUser('x', 'x', { idempotencyKey: 'k:users' })), 'k:users');
    assert.equal(runOf(asUser('x', 'x', { idempotencyKey: 7 as unknown as string })), '');
    assert.equal(runOf({ role: 'user', content: 'x', __openclaw: { runId: '' }, idempotencyKey: 'k3' }), 'k3');
  });
});

describe('row ids', () => {
  it("a row's own id, else its seq, else its place", () => {
    assert.equal(rowIdOf({ role: 'user', content: '', __openclaw: { id: 'abc', seq: 4 } }, 9), 'abc');
    assert.equal(rowIdOf({ role: 'user', content: '', __openclaw: { id: '', seq: 4 } }, 9), 'seq-4');
    assert.equal(rowIdOf({ role: 'user', content: '', __openclaw: { id: 5 as unknown as string } }, 9), 'row-9');
    assert.equal(rowIdOf({ role: 'user', content: '' }, 2), 'row-2');
  });

  it('entryIdOf: the row id of a user item only', () => {
    assert.equal(entryIdOf('u:abc:q0'), 'abc:q0');
    assert.equal(entryIdOf('a:abc'), undefined);
    assert.equal(entryIdOf('xu:abc'), undefined);
  });
});

describe('unfoldQueued', () => {
  it('a message with nothing folded in is its own', () => {
    assert.deepEqual(unfoldQueued('hello'), { orphans: [], own: 'hello' });
    assert.deepEqual(unfoldQueued(QUEUED_MARKER), { orphans: [], own: QUEUED_MARKER });
  });

  it('a folded message without its blank line ends the unfolding', () => {
    const text = `${QUEUED_MARKER}\nfirst\n\n${QUEUED_MARKER}\nno end`;
    assert.deepEqual(unfoldQueued(text), { orphans: ['first'], own: `${QUEUED_MARKER}\nno end` });
  });

  it('each orphan is the text up to its first blank line', () => {
    assert.deepEqual(unfoldQueued(`${QUEUED_MARKER}\n\n\nmine`), { orphans: [''], own: 'mine' });
    assert.deepEqual(unfoldQueued(`${QUEUED_MARKER}\nline 1\nline 2\n\nmine\n\nstill mine`), { orphans: ['line 1\nline 2'], own: 'mine\n\nstill mine' });
  });
});

describe('toolText', () => {
  it('nothing for nothing; text as it is; objects as JSON', () => {
    assert.equal(toolText(undefined), undefined);
    assert.equal(toolText(null), undefined);
    assert.equal(toolText(''), '');
    assert.equal(toolText('plain'), 'plain');
    assert.equal(toolText(0), '0');
    assert.equal(toolText({ a: 1 }), '{\n  "a": 1\n}');
    assert.equal(toolText([1, 2]), '[\n  1,\n  2\n]');
  });

  it('text parts as text; a list with other parts as JSON', () => {
    assert.equal(
      toolText([
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ]),
      'ab',
    );
    assert.equal(
      toolText([{ type: 'text', text: 'a' }, { type: 'image' }]),
      '[\n  {\n    "type": "text",\n    "text": "a"\n  },\n  {\n    "type": "image"\n  }\n]',
    );
    assert.equal(toolText(['a']), '[\n  "a"\n]');
  });

  it("a result's content parts as text, else the whole result as JSON", () => {
    assert.equal(toolText({ content: [{ type: 'text', text: 'out' }], details: {} }), 'out');
    assert.equal(toolText({ content: [] }), '{\n  "content": []\n}');
    assert.equal(toolText({ content: 'not a list' }), '{\n  "content": "not a list"\n}');
  });

  it('what JSON cannot write is shown as a string', () => {
    assert.equal(toolText(Symbol('s')), 'Symbol(s)');
    assert.equal(toolText(10n), '10');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.equal(toolText(loop), '[object Object]');
  });

  it('is cut to the limit, saying how much more there was', () => {
    assert.equal(MAX_TOOL_TEXT, 4000);
    const at = 'x'.repeat(MAX_TOOL_TEXT);
    assert.equal(toolText(at), at);
    assert.equal(toolText(`${at}yz`), `${at}\n… (2 more characters)`);
  });
});

describe('usageView', () => {
  it('reads either naming, the first that is a number', () => {
    assert.deepEqual(usageView({ input: 1, output: 2, totalTokens: 3 }), { input: 1, output: 2, total: 3 });
    assert.deepEqual(usageView({ inputTokens: 4, outputTokens: 5, total: 9 }), { input: 4, output: 5, total: 9 });
    assert.deepEqual(usageView({ input: 'x', inputTokens: 6 }), { input: 6, output: undefined, total: undefined });
    assert.deepEqual(usageView({ input: 1, inputTokens: 6, totalTokens: 2, total: 8 }), { input: 1, output: undefined, total: 2 });
  });

  it('nothing for no usage, or all zeros', () => {
    assert.equal(usageView(undefined), undefined);
    assert.equal(usageView('3'), undefined);
    assert.equal(usageView({}), undefined);
    assert.equal(usageView({ input: 0, output: 0, totalTokens: 0 }), undefined);
    assert.deepEqual(usageView({ input: 0, output: 0, totalTokens: 1 }), { input: 0, output: 0, total: 1 });
    assert.deepEqual(usageView({ output: 2 }), { input: undefined, output: 2, total: undefined });
  });
});

describe('sessionTitle', () => {
  it('its label, display name or derived title, trimmed, in that order', () => {
    assert.equal(sessionTitle({ key: 'agent:main:k', label: ' Mine ', displayName: 'Shown', derivedTitle: 'Derived' }), 'Mine');
    assert.equal(sessionTitle({ key: 'agent:main:k', label: '  ', displayName: 'Shown', derivedTitle: 'Derived' }), 'Shown');
    assert.equal(sessionTitle({ key: 'agent:main:k', displayName: 'k', derivedTitle: ' Derived ' }), 'Derived');
  });

  it('a name that repeats the key only is no title: the last part of the key', () => {
    assert.equal(sessionTitle({ key: 'agent:main:chat', displayName: ' chat ' }), 'chat');
    assert.equal(sessionTitle({ key: 'plain' }), 'plain');
    assert.equal(sessionTitle({ key: 'agent:main:' }), 'agent:main:');
  });

  it('a session this extension started is a new session until it has a title', () => {
    assert.equal(sessionTitle({ key: 'agent:main:vscode-k3x9' }), 'New session');
    assert.equal(sessionTitle({ key: 'agent:main:vscode-K3' }), 'vscode-K3');
    assert.equal(sessionTitle({ key: 'agent:main:vscode-' }), 'vscode-');
    assert.equal(sessionTitle({ key: 'agent:main:my-vscode-k3' }), 'my-vscode-k3');
    assert.equal(sessionTitle({ key: 'agent:main:vscode-k3 x' }), 'vscode-k3 x');
  });
});

describe('relativeTime', () => {
  const now = 1_000_000_000;
  const ago = (seconds: number) => relativeTime(now - seconds * 1000, now);
  it('nothing without a time', () => {
    assert.equal(relativeTime(undefined, now), '');
    assert.equal(relativeTime(0, now), '');
  });
  it('just now, minutes, hours, yesterday, days', () => {
    assert.equal(ago(-30), 'just now');
    assert.equal(ago(44), 'just now');
    assert.equal(ago(45), '1 min ago');
    assert.equal(ago(150), '3 min ago');
    assert.equal(ago(59 * 60 + 29), '59 min ago');
    assert.equal(ago(59 * 60 + 30), '1 h ago');
    assert.equal(ago(5 * 3600 + 40 * 60), '6 h ago');
    assert.equal(ago(23 * 3600 + 29 * 60), '23 h ago');
    assert.equal(ago(23 * 3600 + 30 * 60), 'yesterday');
    assert.equal(ago(36 * 3600), '2 days ago');
    assert.equal(ago(10 * 86400), '10 days ago');
  });
  it('counts from the clock by default', () => {
    assert.equal(relativeTime(Date.now() - 3 * 3600 * 1000), '3 h ago');
  });
});
