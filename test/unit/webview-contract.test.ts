/**
 * The host <-> webview contract refuses what does not fit it, field by field: for every message
 * kind a valid sample passes, and each of its fields given a wrong value or left out (when
 * required), or a stray field on the message, makes the whole message fail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTION_IDS, MAX_SEND_CHARS, parseHostMessage, parseRequestResult, parseWebviewMessage } from '../../src/protocol/webview';

/** A value of another type than `value`, for each kind of field. */
function wrongFor(value: unknown): unknown[] {
  if (typeof value === 'string') return [42, null, { s: value }];
  if (typeof value === 'number') return ['1', null, Number.NaN];
  if (typeof value === 'boolean') return ['true', 0];
  if (Array.isArray(value)) return ['[]', { 0: value[0] }];
  return ['{}', 7, []];
}

/**
 * Every way of breaking one field of `sample`, as [description, broken message]. A stray field only
 * breaks a message itself: objects inside one may carry more than the webview reads.
 */
function breakings(sample: Record<string, unknown>, optional: ReadonlySet<string> = new Set(), stray = true): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(sample)) {
    for (const wrong of wrongFor(value)) out.push([`${key} = ${JSON.stringify(wrong)}`, { ...sample, [key]: wrong }]);
    if (!optional.has(key)) {
      const { [key]: _gone, ...rest } = sample;
      out.push([`without ${key}`, rest]);
    }
  }
  if (stray) out.push(['a stray field', { ...sample, sneaky: 1 }]);
  return out;
}

const accepts = (data: unknown) => 'message' in parseWebviewMessage(data);

describe('webview -> host messages', () => {
  const samples: Array<Record<string, unknown>> = [
    { type: 'ready' },
    { type: 'send', text: 'hello' },
    { type: 'stop' },
    { type: 'action', id: 'reconnect' },
    { type: 'openLink', href: 'https://example.com' },
    { type: 'request', id: 1, method: 'copy', params: { text: 'code' } },
    { type: 'request', id: 2, method: 'insert', params: { text: 'code' } },
    { type: 'request', id: 3, method: 'forkFrom', params: { id: 'u:row-1' } },
    { type: 'request', id: 4, method: 'rewindTo', params: { id: 'u:row-1' } },
  ];

  it('accepts each kind as the contract describes it', () => {
    for (const sample of samples) assert.ok(accepts(sample), JSON.stringify(sample));
    for (const id of ACTION_IDS) assert.ok(accepts({ type: 'action', id }), id);
  });

  it('refuses every field with a wrong value, a missing field and a stray one', () => {
    for (const sample of samples) {
      for (const [what, broken] of breakings(sample)) assert.ok(!accepts(broken), `${sample.type}: ${what}`);
    }
  });

  it('refuses unknown kinds, unknown actions, empty and over-long messages, and non-objects', () => {
    for (const data of [
      null,
      'send',
      [],
      { type: 'eval', code: '1' },
      { type: 'action', id: 'runCommand' },
      { type: 'send', text: 'hi', delivery: 'later' },
      { type: 'send', text: 'x'.repeat(MAX_SEND_CHARS + 1) },
      { type: 'openLink', href: '' },
    ]) {
      assert.ok(!accepts(data), JSON.stringify(data).slice(0, 80));
    }
    assert.ok(accepts({ type: 'send', text: 'x'.repeat(MAX_SEND_CHARS) }));
  });

  it("checks a request's params against its method, and a reply's result against the method it answers", () => {
    assert.ok(!accepts({ type: 'request', id: 1, method: 'copy', params: { text: 'x', extra: 1 } }));
    assert.ok(!accepts({ type: 'request', id: 1, method: 'insert', params: {} }));
    assert.ok(!accepts({ type: 'request', id: 0, method: 'copy', params: { text: 'x' } }), 'ids start at 1');
    assert.ok(!accepts({ type: 'request', id: 1, method: 'runCommand', params: {} }));
    assert.deepEqual(parseRequestResult('insert', { inserted: true }), { inserted: true });
    assert.equal(parseRequestResult('insert', { inserted: 'yes' }), undefined);
    assert.equal(parseRequestResult('copy', { surprise: 1 }), undefined);
    assert.ok(accepts({ type: 'request', id: 5, method: 'loadEarlier', params: {} }));
    assert.ok(!accepts({ type: 'request', id: 5, method: 'loadEarlier', params: { all: true } }), 'no params but none');
    assert.ok(!accepts({ type: 'request', id: 6, method: 'forkFrom', params: { id: '' } }), 'an item id is not empty');
    assert.deepEqual(parseRequestResult('loadEarlier', { earlier: 9800 }), { earlier: 9800 });
    for (const earlier of [-1, 1.5, '3']) assert.equal(parseRequestResult('loadEarlier', { earlier }), undefined);
    assert.equal(parseRequestResult('rewindTo', {}), undefined);
    assert.deepEqual(parseRequestResult('rewindTo', { done: false }), { done: false });
  });

  it('says what is wrong, for the log', () => {
    const parsed = parseWebviewMessage({ type: 'action', id: 'runCommand' });
    assert.ok('problem' in parsed);
    assert.match(parsed.problem, /^id: not one of reconnect, /);
  });
});

describe('host -> webview messages', () => {
  const connection = { kind: 'connected', title: 'Connected', detail: 'd', actions: [{ id: 'reconnect', label: 'Retry' }] };
  const items: Array<[Record<string, unknown>, string[]]> = [
    [
      { kind: 'user', id: 'u', text: 'hi', pending: 'queued', chips: [{ kind: 'file', label: 'a.ts', detail: '1 KB' }], delivery: 'steer' },
      ['pending', 'chips', 'delivery'],
    ],
    [
      { kind: 'assistant', id: 'a', text: 'hello', streaming: false, outcome: 'ok', error: 'e', usage: { input: 1, output: 2, total: 3 }, activity: 'x' },
      ['outcome', 'error', 'usage', 'activity'],
    ],
    [{ kind: 'tool', id: 't', tool: { toolCallId: 'c', name: 'ls', args: '{}', result: 'r', state: 'done' } }, []],
    [{ kind: 'notice', id: 'n', level: 'info', text: 'note' }, []],
  ];
  const samples: Array<[Record<string, unknown>, string[]]> = [
    [
      {
        type: 'snapshot',
        seq: 1,
        session: { key: 'k', title: 't', canRewind: true },
        items: items.map(([item]) => item),
        busy: false,
        connection,
        loading: false,
        earlier: 9800,
        controls: { models: [], thinkingLevels: [], busyMode: 'steer' },
      },
      ['earlier'],
    ],
    [{ type: 'prepend', seq: 1, items: items.map(([item]) => item), earlier: 0 }, []],
    [{ type: 'reveal', seq: 1, id: 'u:row-1' }, []],
    [{ type: 'draft', seq: 1, text: 'edit me' }, []],
    ...items.map(([item]): [Record<string, unknown>, string[]] => [{ type: 'upsert', seq: 1, item }, []]),
    [{ type: 'append', seq: 1, id: 'a', text: 'more' }, []],
    [{ type: 'remove', seq: 1, id: 'a' }, []],
    [{ type: 'busy', seq: 1, busy: true }, []],
    [{ type: 'connection', seq: 1, connection }, []],
    [{ type: 'focus', seq: 1 }, []],
    [{ type: 'session', seq: 1, session: { key: 'k', title: 'Renamed' } }, []],
    // A reply's result is checked against the method it answers (parseRequestResult), not here.
    [{ type: 'reply', seq: 1, id: 3, ok: false, error: 'no editor' }, ['error']],
  ];

  it('accepts each kind as the contract describes it', () => {
    for (const [sample] of samples) assert.ok(parseHostMessage(sample), JSON.stringify(sample).slice(0, 100));
  });

  it('refuses every field of every message with a wrong value, a missing field and a stray one', () => {
    for (const [sample, optional] of samples) {
      for (const [what, broken] of breakings(sample, new Set(optional))) assert.equal(parseHostMessage(broken), undefined, `${sample.type}: ${what}`);
    }
  });

  it('refuses every field of every item kind, and of the banner, the same way', () => {
    for (const [item, optional] of items) {
      for (const [what, broken] of breakings(item, new Set(optional), false))
        assert.equal(parseHostMessage({ type: 'upsert', seq: 1, item: broken }), undefined, `${item.kind}: ${what}`);
    }
    const nested: Array<[string, Record<string, unknown>, string[]]> = [
      ['tool', items[2][0].tool as Record<string, unknown>, ['args', 'result']],
      ['usage', { input: 1, output: 2, total: 3 }, ['input', 'output', 'total']],
    ];
    for (const [name, value, optional] of nested) {
      for (const [what, broken] of breakings(value, new Set(optional), false)) {
        const item = name === 'tool' ? { ...items[2][0], tool: broken } : { ...items[1][0], usage: broken };
        assert.equal(parseHostMessage({ type: 'upsert', seq: 1, item }), undefined, `${name}: ${what}`);
      }
    }
    for (const [what, broken] of breakings(connection, new Set(['detail']), false))
      assert.equal(parseHostMessage({ type: 'connection', seq: 1, connection: broken }), undefined, `connection: ${what}`);
    for (const [what, broken] of breakings(connection.actions[0], new Set(), false))
      assert.equal(parseHostMessage({ type: 'connection', seq: 1, connection: { ...connection, actions: [broken] } }), undefined, `action: ${what}`);
  });

  it('refuses an older-message count that is no count, and a draft longer than a message may be', () => {
    for (const earlier of [-1, 2.5]) assert.equal(parseHostMessage({ type: 'prepend', seq: 1, items: [], earlier }), undefined);
    assert.equal(parseHostMessage({ type: 'draft', seq: 1, text: 'x'.repeat(MAX_SEND_CHARS + 1) }), undefined);
    assert.equal(parseHostMessage({ type: 'session', seq: 1, session: { key: 'k', title: 't', canRewind: 'yes' } }), undefined);
  });

  it('refuses a negative or fractional seq, and values outside their lists', () => {
    for (const seq of [-1, 1.5]) assert.equal(parseHostMessage({ type: 'focus', seq }), undefined);
    assert.equal(parseHostMessage({ type: 'upsert', seq: 1, item: { kind: 'notice', id: 'n', level: 'fatal', text: 't' } }), undefined);
    assert.equal(parseHostMessage({ type: 'upsert', seq: 1, item: { kind: 'html', id: 'h', text: '<b>' } }), undefined);
  });
});
