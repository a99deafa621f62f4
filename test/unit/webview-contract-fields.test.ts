/**
 * One negative case per field of every message the contract maps describe, generated from the maps
 * themselves (HOST_MESSAGES, WEBVIEW_MESSAGES, WEBVIEW_REQUESTS and the ChatItem variants), at every
 * depth: each field given a value of another type, each required one left out, a stray field on
 * each strict object. A sample must name every field its schema has, so a field added to the
 * contract without a sample here fails the coverage check instead of going untested.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { number, object } from '../../src/protocol/schema';
import {
  ChatItem,
  HOST_MESSAGES,
  parseHostMessage,
  parseRequestResult,
  parseWebviewMessage,
  WEBVIEW_MESSAGES,
  WEBVIEW_REQUESTS,
  type RequestMethod,
} from '../../src/protocol/webview';

/** What the walker reads of a schema: the parts object/optional/array/variants expose. */
interface Walkable {
  check(value: unknown): string | undefined;
  shape?: Record<string, Walkable & { optional?: true }>;
  inner?: Walkable;
  item?: Walkable;
  discriminant?: string;
  shapes?: Record<string, Record<string, Walkable & { optional?: true }>>;
}

type Json = Record<string, unknown>;

/** Values of another type than `value` (null included: an optional field admits only absence). */
function wrongFor(value: unknown): unknown[] {
  if (typeof value === 'string') return [42, null, { s: value }];
  if (typeof value === 'number') return ['1', null, Number.NaN, Infinity];
  if (typeof value === 'boolean') return ['true', 0, null];
  if (Array.isArray(value)) return ['[]', { 0: value[0] }, null];
  return ['{}', 7, [], null];
}

const ACCEPTS_ANYTHING = Symbol('anything');

/**
 * What the walk read from the schemas themselves: which fields may be left out and which take
 * anything. Since these come from the schema under test, they are compared with the lists below:
 * a field quietly made optional (or `unknown()`) is a change to the contract the test must see.
 */
interface Seen {
  kinds: Set<string>;
  optional: Set<string>;
  passThrough: Set<string>;
}

/**
 * Every way of breaking one field of `value` (which fits `schema`), each as the whole message
 * `rebuild` makes of it. `strict` objects also get a stray field. Records every variant kind seen.
 */
function breakings(
  schema: Walkable,
  value: unknown,
  rebuild: (v: unknown) => unknown,
  path: string,
  seen: Seen,
  strict: boolean,
  out: Array<[string, unknown]>,
): void {
  const s = schema.inner ?? schema;
  let shape = s.shape;
  if (s.shapes && s.discriminant) {
    const kind = (value as Json)[s.discriminant] as string;
    seen.kinds.add(kind);
    shape = s.shapes[kind];
    path = `${path}(${kind})`;
  }
  if (shape) {
    const record = value as Json;
    for (const key of Object.keys(shape)) assert.ok(key in record, `${path}: the sample has no ${key} (add it, so it is tested)`);
    for (const key of Object.keys(shape)) {
      const field = shape[key];
      // `unknown()` (a reply's result) is passed through here and checked against its method elsewhere.
      if ((field.inner ?? field).check(ACCEPTS_ANYTHING) === undefined) {
        seen.passThrough.add(`${path}.${key}`);
        continue;
      }
      if (field.optional) seen.optional.add(`${path}.${key}`);
      const at = (v: unknown) => rebuild({ ...record, [key]: v });
      for (const wrong of wrongFor(record[key])) out.push([`${path}.${key} = ${String(JSON.stringify(wrong))}`, at(wrong)]);
      if (!field.optional) {
        const { [key]: _gone, ...rest } = record;
        out.push([`${path} without ${key}`, rebuild(rest)]);
      }
      breakings(field, record[key], at, `${path}.${key}`, seen, false, out);
    }
    if (strict) out.push([`${path} with a stray field`, rebuild({ ...record, sneaky: 1 })]);
    return;
  }
  if (s.item) {
    const list = value as unknown[];
    assert.ok(Array.isArray(list) && list.length > 0, `${path}: the sample's array is empty (give it an element, so its fields are tested)`);
    for (const wrong of wrongFor(list[0])) out.push([`${path}[0] = ${String(JSON.stringify(wrong))}`, rebuild([wrong, ...list.slice(1)])]);
    breakings(s.item, list[0], (v) => rebuild([v, ...list.slice(1)]), `${path}[0]`, seen, false, out);
  }
}

const chip = { id: 'c1', kind: 'image', label: 'a.png', detail: '1 KB', thumbnail: 'data:image/png;base64,AA==' };
const connection = { kind: 'connected', title: 'Connected', detail: 'd', actions: [{ id: 'reconnect', label: 'Retry' }] };
const session = { key: 'agent:main:main', title: 'Main', canRewind: true };
const controls = { model: 'p/m', models: [{ id: 'p/m', label: 'M', images: true }], thinking: 'low', thinkingLevels: ['low'], busyMode: 'steer' };
const items: Json[] = [
  { kind: 'user', id: 'u', text: 'hi', pending: 'queued', chips: [{ kind: 'file', label: 'a.ts', detail: '1 KB' }], delivery: 'steer' },
  { kind: 'assistant', id: 'a', text: 'hello', streaming: false, outcome: 'ok', error: 'e', usage: { input: 1, output: 2, total: 3 }, activity: 'x' },
  {
    kind: 'tool',
    id: 't',
    tool: {
      toolCallId: 'c',
      name: 'edit',
      args: '{}',
      result: 'r',
      state: 'done',
      diffs: [{ path: 'a.ts', additions: 1, deletions: 1, lines: [{ op: '+', text: 'x' }], truncated: false, readOnly: 'r', openable: true }],
    },
  },
  { kind: 'changes', id: 'ch', files: [{ path: 'a.ts', additions: 1, deletions: 0, state: 'pending', readOnly: 'r', error: 'e' }] },
  { kind: 'notice', id: 'n', level: 'info', text: 'note' },
  {
    kind: 'approval',
    id: 'ap',
    approvalId: 'A1',
    command: 'ls -la',
    host: 'gateway',
    cwd: '/tmp',
    agent: 'main',
    warnings: ['w'],
    decisions: ['allow-once', 'deny'],
    expiresAtMs: 1,
    state: 'pending',
    outcome: 'o',
    error: 'e',
  },
  {
    kind: 'question',
    id: 'q',
    questionId: 'ask_1',
    questions: [
      {
        id: 'q1',
        header: 'Colour',
        question: 'Which?',
        options: [{ label: 'Blue', description: 'd' }],
        multiSelect: false,
        other: true,
        secret: false,
        answer: 'Blue',
      },
    ],
    expiresAtMs: 1,
    state: 'pending',
    outcome: 'o',
    error: 'e',
  },
];

const hostSamples: Json[] = [
  { type: 'snapshot', session, items: [items[0]], busy: false, connection, loading: false, earlier: 3, controls },
  ...items.map((item) => ({ type: 'upsert', item })),
  { type: 'append', id: 'a', text: 'more' },
  { type: 'remove', id: 'a' },
  { type: 'prepend', items: [items[1]], earlier: 0 },
  { type: 'reveal', id: 'u' },
  { type: 'draft', text: 'edit me' },
  { type: 'busy', busy: true },
  { type: 'connection', connection },
  { type: 'session', session },
  { type: 'controls', controls },
  { type: 'reply', id: 1, ok: true, result: {}, error: 'e' },
  { type: 'focus' },
].map((m) => ({ ...m, seq: 1 }));

const results: Record<RequestMethod, Json> = {
  copy: {},
  insert: { inserted: true },
  decideApproval: { decided: true },
  answerQuestion: { answered: true },
  skipQuestion: { skipped: true },
  loadEarlier: { earlier: 1 },
  forkFrom: {},
  rewindTo: { done: true },
  pickFiles: { chips: [chip], refused: ['too big'] },
  attachData: { chip },
  attachUris: { chips: [chip], refused: ['too big'] },
  searchMentions: { candidates: [{ kind: 'file', label: 'a.ts', detail: 'src', path: 'src/a.ts' }] },
  resolveMention: { chip },
  listCommands: { commands: [{ name: 'compact', description: 'Compact', args: '[n]', takesArgs: true }] },
  setModel: {},
  setThinking: {},
  openDiff: {},
  decideChanges: { refused: ['changed since'] },
  setBusyMode: {},
};

const params: Record<RequestMethod, Json> = {
  copy: { text: 'code' },
  insert: { text: 'code' },
  decideApproval: { id: 'A1', decision: 'allow-once' },
  answerQuestion: { id: 'ask_1', answers: [{ questionId: 'q1', values: ['Blue'] }] },
  skipQuestion: { id: 'ask_1' },
  loadEarlier: {},
  forkFrom: { id: 'u' },
  rewindTo: { id: 'u' },
  pickFiles: {},
  attachData: { name: 'a.png', mimeType: 'image/png', data: 'AA==' },
  attachUris: { uris: ['file:///a.ts'] },
  searchMentions: { query: 'a' },
  resolveMention: { kind: 'file', path: 'a.ts' },
  listCommands: {},
  setModel: { model: 'p/m' },
  setThinking: { level: 'low' },
  openDiff: { id: 'c', path: 'a.ts' },
  decideChanges: { id: 'c', path: 'a.ts', decision: 'revert' },
  setBusyMode: { mode: 'queue' },
};

const webviewSamples: Json[] = [
  { type: 'ready' },
  { type: 'send', text: 'hello', chips: ['c1'], delivery: 'queue' },
  { type: 'discard', ids: ['c1'] },
  { type: 'stop' },
  { type: 'action', id: 'reconnect' },
  { type: 'openLink', href: 'https://example.com' },
];

const methods = Object.keys(WEBVIEW_REQUESTS) as RequestMethod[];

describe('the webview contract, field by field from its maps', () => {
  it('has a full sample for every host -> webview message and every chat item kind, and accepts it', () => {
    assert.deepEqual([...new Set(hostSamples.map((m) => m.type))].sort(), Object.keys(HOST_MESSAGES).sort());
    for (const sample of hostSamples) assert.ok(parseHostMessage(sample), JSON.stringify(sample).slice(0, 120));
  });

  it('refuses each host -> webview message with any one field broken, at any depth', () => {
    const seen: Seen = { kinds: new Set(), optional: new Set(), passThrough: new Set() };
    let cases = 0;
    for (const sample of hostSamples) {
      const type = sample.type as keyof typeof HOST_MESSAGES;
      const shape = object({ ...HOST_MESSAGES[type], seq: number() }) as unknown as Walkable;
      const out: Array<[string, unknown]> = [];
      breakings(shape, sample, (v) => ({ ...(v as Json), type }), type, seen, true, out);
      for (const [what, broken] of out) assert.equal(parseHostMessage(broken), undefined, `accepted ${what}`);
      cases += out.length;
    }
    assert.deepEqual([...seen.kinds].sort(), Object.keys((ChatItem as unknown as Walkable).shapes!).sort(), 'every chat item kind was broken field by field');
    assert.ok(cases > 300, `${cases} broken messages`);
    assert.deepEqual([...seen.passThrough], ['reply.result']);
    assert.deepEqual([...seen.optional].sort(), HOST_OPTIONAL);
  });

  it("refuses each request's reply result with any one field broken", () => {
    assert.deepEqual(Object.keys(results).sort(), [...methods].sort());
    for (const method of methods) {
      assert.deepEqual(parseRequestResult(method, results[method]), results[method], method);
      const out: Array<[string, unknown]> = [];
      breakings(
        WEBVIEW_REQUESTS[method].result,
        results[method],
        (v) => v,
        method,
        { kinds: new Set(), optional: new Set(), passThrough: new Set() },
        true,
        out,
      );
      assert.ok(out.length > 0, method);
      for (const [what, broken] of out) assert.equal(parseRequestResult(method, broken), undefined, `accepted ${what}`);
    }
  });

  it('refuses each webview -> host message and request with any one field broken', () => {
    assert.deepEqual(webviewSamples.map((m) => m.type).sort(), Object.keys(WEBVIEW_MESSAGES).sort());
    assert.deepEqual(Object.keys(params).sort(), [...methods].sort());
    const accepts = (data: unknown) => 'message' in parseWebviewMessage(data);
    for (const sample of webviewSamples) {
      assert.ok(accepts(sample), sample.type as string);
      const type = sample.type as keyof typeof WEBVIEW_MESSAGES;
      const out: Array<[string, unknown]> = [];
      breakings(
        object(WEBVIEW_MESSAGES[type]),
        sample,
        (v) => ({ ...(v as Json), type }),
        type,
        { kinds: new Set(), optional: new Set(), passThrough: new Set() },
        true,
        out,
      );
      for (const [what, broken] of out) assert.ok(!accepts(broken), `accepted ${what}`);
    }
    for (const method of methods) {
      const request = { type: 'request', id: 1, method, params: params[method] };
      assert.ok(accepts(request), method);
      const shape = object({ id: number(), params: object(WEBVIEW_REQUESTS[method].params) }) as unknown as Walkable;
      const out: Array<[string, unknown]> = [];
      breakings(
        shape,
        request,
        (v) => ({ ...(v as Json), type: 'request', method }),
        method,
        { kinds: new Set(), optional: new Set(), passThrough: new Set() },
        true,
        out,
      );
      // The params object is strict too: a stray param is refused.
      out.push([`${method} with a stray param`, { ...request, params: { ...params[method], sneaky: 1 } }]);
      for (const [what, broken] of out) assert.ok(!accepts(broken), `accepted ${what}`);
    }
  });
});

/** The fields a host message may leave out, as webview.ts documents them (checked by hand). */
const HOST_OPTIONAL: string[] = [
  'connection.connection.detail',
  'controls.controls.model',
  'controls.controls.thinking',
  'prepend.items[0](assistant).activity',
  'prepend.items[0](assistant).error',
  'prepend.items[0](assistant).outcome',
  'prepend.items[0](assistant).usage',
  'prepend.items[0](assistant).usage.input',
  'prepend.items[0](assistant).usage.output',
  'prepend.items[0](assistant).usage.total',
  'reply.error',
  'session.session.canRewind',
  'snapshot.connection.detail',
  'snapshot.controls.model',
  'snapshot.controls.thinking',
  'snapshot.earlier',
  'snapshot.items[0](user).chips',
  'snapshot.items[0](user).chips[0].detail',
  'snapshot.items[0](user).delivery',
  'snapshot.items[0](user).pending',
  'snapshot.session.canRewind',
  'upsert.item(approval).agent',
  'upsert.item(approval).cwd',
  'upsert.item(approval).error',
  'upsert.item(approval).expiresAtMs',
  'upsert.item(approval).host',
  'upsert.item(approval).outcome',
  'upsert.item(assistant).activity',
  'upsert.item(assistant).error',
  'upsert.item(assistant).outcome',
  'upsert.item(assistant).usage',
  'upsert.item(assistant).usage.input',
  'upsert.item(assistant).usage.output',
  'upsert.item(assistant).usage.total',
  'upsert.item(changes).files[0].error',
  'upsert.item(changes).files[0].readOnly',
  'upsert.item(question).error',
  'upsert.item(question).expiresAtMs',
  'upsert.item(question).outcome',
  'upsert.item(question).questions[0].answer',
  'upsert.item(question).questions[0].options[0].description',
  'upsert.item(tool).tool.args',
  'upsert.item(tool).tool.diffs',
  'upsert.item(tool).tool.diffs[0].readOnly',
  'upsert.item(tool).tool.result',
  'upsert.item(user).chips',
  'upsert.item(user).chips[0].detail',
  'upsert.item(user).delivery',
  'upsert.item(user).pending',
];
