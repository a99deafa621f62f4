/**
 * One turn as it streams (live-turn.ts): the user's bubble, the placeholder, text item by item,
 * tool cards, the activity line and the outcome, read from a real TranscriptModel. Pure: no
 * gateway, the run's events are written here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveTurn, type UserMessage } from '../../src/extension/live-turn';
import { TranscriptModel, type TranscriptChange } from '../../src/extension/transcript-model';
import type { TurnResult } from '../../src/gateway/gateway-client';
import type { ChatItem } from '../../src/protocol/webview';

const sending: UserMessage = { text: 'hello', pending: 'sending' };

function setup(message: UserMessage = sending, shown = 'main') {
  const changes: TranscriptChange[] = [];
  const transcript = new TranscriptModel(
    () => shown,
    (change) => changes.push(change),
  );
  const turn = new LiveTurn('k1', 'main', message, transcript);
  // The controller shows the person's message as the turn starts.
  transcript.upsert(turn.user, turn);
  changes.length = 0;
  return { turn, transcript, changes, items: () => transcript.items as ChatItem[] };
}

const done = (extra: Partial<TurnResult> = {}): TurnResult => ({ runId: 'k1', sessionKey: 'main', status: 'ok', text: '', ...extra });
const assistant = (items: readonly ChatItem[]) => items.filter((i) => i.kind === 'assistant');

describe('LiveTurn', () => {
  it("the user's item carries the text, the pending state, and chips and delivery only when given", () => {
    const plain = new LiveTurn('k1', 'main', sending, setup().transcript);
    assert.deepEqual(plain.user, { kind: 'user', id: 'u:k1', text: 'hello', pending: 'sending' });
    assert.deepEqual([...plain.runIds], ['k1']);
    assert.equal(plain.key, 'k1');
    assert.equal(plain.sessionKey, 'main');
    assert.deepEqual([plain.accepted, plain.needsReload, plain.stopRequested], [false, false, false]);
    const empty = new LiveTurn('k2', 'main', { ...sending, chips: [] }, setup().transcript);
    assert.equal('chips' in empty.user, false);
    assert.equal('delivery' in empty.user, false);
    const full = new LiveTurn('k3', 'main', { text: 'x', pending: 'waiting', chips: [{ kind: 'file', label: 'a.ts' }], delivery: 'steer' }, setup().transcript);
    assert.deepEqual(full.user, { kind: 'user', id: 'u:k3', text: 'x', pending: 'waiting', chips: [{ kind: 'file', label: 'a.ts' }], delivery: 'steer' });
  });

  it('setPending shows the user item again only when the state changes', () => {
    const { turn, changes, items } = setup();
    turn.setPending('sending');
    assert.deepEqual(changes, []);
    turn.setPending('queued');
    assert.deepEqual(items(), [{ kind: 'user', id: 'u:k1', text: 'hello', pending: 'queued' }]);
    assert.equal(changes.length, 1);
  });

  it('accepted: the message is sent and a placeholder says the turn is on its way', () => {
    const { turn, items } = setup();
    turn.setPending('sending');
    turn.onAccepted();
    assert.equal(turn.accepted, true);
    assert.deepEqual(items(), [
      { kind: 'user', id: 'u:k1', text: 'hello', pending: undefined },
      { kind: 'assistant', id: 'a:k1:pending', text: '', streaming: true, activity: 'The gateway has the message; waiting for the agent to start…' },
    ]);
  });

  it("the first text takes the placeholder's place; more text is appended to the same item", () => {
    const { turn, items, changes } = setup();
    turn.onAccepted();
    changes.length = 0;
    turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'Hel' });
    turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'lo' });
    assert.deepEqual(assistant(items()), [{ kind: 'assistant', id: 'a:k1:i1', text: 'Hello', streaming: true }]);
    assert.deepEqual(changes, [
      { type: 'remove', id: 'a:k1:pending' },
      { type: 'upsert', item: { kind: 'assistant', id: 'a:k1:i1', text: 'Hel', streaming: true } },
      { type: 'append', id: 'a:k1:i1', text: 'lo' },
    ]);
    assert.equal(turn.live.has('a:k1:pending'), false);
    assert.deepEqual(turn.live.get('a:k1:i1'), { kind: 'assistant', id: 'a:k1:i1', text: 'Hello', streaming: true });
  });

  it('a second item drops only the blank line that joins it to the first', () => {
    const { turn, items } = setup();
    turn.onEvent({ kind: 'text', itemId: 'i1', delta: '\n\nOne' });
    turn.onEvent({ kind: 'text', itemId: 'i2', delta: '\n\n\nTwo\n\n' });
    turn.onEvent({ kind: 'text', itemId: 'i3', delta: 'Three\n\nparagraphs' });
    assert.deepEqual(
      assistant(items()).map((i) => (i.kind === 'assistant' ? i.text : '')),
      ['One', '\nTwo\n\n', 'Three\n\nparagraphs'],
    );
  });

  it('a tool card starts running, gains its arguments, and ends with its result', () => {
    const { turn, items } = setup();
    turn.onEvent({ kind: 'tool', phase: 'start', toolCallId: 'c1', name: 'read' });
    assert.deepEqual(items().at(-1), { kind: 'tool', id: 't:c1', tool: { toolCallId: 'c1', name: 'read', state: 'running' } });
    turn.onEvent({ kind: 'tool', phase: 'update', toolCallId: 'c1', name: 'ignored', args: { path: 'a' } });
    assert.deepEqual(items().at(-1), { kind: 'tool', id: 't:c1', tool: { toolCallId: 'c1', name: 'read', state: 'running', args: '{\n  "path": "a"\n}' } });
    turn.onEvent({ kind: 'tool', phase: 'result', toolCallId: 'c1', name: 'read', result: 'text' });
    assert.deepEqual(items().at(-1), {
      kind: 'tool',
      id: 't:c1',
      tool: { toolCallId: 'c1', name: 'read', state: 'done', args: '{\n  "path": "a"\n}', result: 'text' },
    });
    turn.onEvent({ kind: 'tool', phase: 'result', toolCallId: 'c2', name: 'rm', result: 'no', isError: true });
    assert.deepEqual(items().at(-1), { kind: 'tool', id: 't:c2', tool: { toolCallId: 'c2', name: 'rm', state: 'error', result: 'no' } });
    assert.equal(items().length, 3);
  });

  it('status and lifecycle events say what the agent does on the last streaming reply', () => {
    const { turn, items, changes } = setup();
    turn.onEvent({ kind: 'status', phase: 'preparing_workspace' });
    assert.equal(items().length, 1, 'no reply yet: nothing to say it on');
    turn.onAccepted();
    const activity = () => {
      const last = assistant(items()).at(-1);
      return last?.kind === 'assistant' ? last.activity : undefined;
    };
    const said: Array<[string, string, string | undefined]> = [
      ['status', 'preparing_workspace', 'Preparing the workspace…'],
      ['status', 'preparing_context', 'Gathering context…'],
      ['status', 'starting_model', 'Starting the model…'],
      ['status', 'anything', 'Working…'],
      ['lifecycle', 'start', 'The agent is working…'],
      ['lifecycle', 'waiting-approval', 'Waiting for an approval…'],
    ];
    for (const [kind, phase, text] of said) {
      turn.onEvent(kind === 'status' ? { kind: 'status', phase } : { kind: 'lifecycle', phase });
      assert.equal(activity(), text, `${kind} ${phase}`);
    }
    // An unknown lifecycle phase leaves the line; the same line again is not shown again.
    const before = changes.length;
    turn.onEvent({ kind: 'lifecycle', phase: 'end' });
    turn.onEvent({ kind: 'lifecycle', phase: 'waiting-approval' });
    assert.equal(activity(), 'Waiting for an approval…');
    assert.equal(changes.length, before);
  });

  it('a reply that stopped streaming gets no activity line', () => {
    const { turn, items } = setup();
    turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'x' });
    turn.finish(done());
    turn.onEvent({ kind: 'status', phase: 'starting_model' });
    assert.deepEqual(assistant(items()), [{ kind: 'assistant', id: 'a:k1:i1', text: 'x', streaming: false, activity: undefined, outcome: 'ok' }]);
  });

  it('a gap asks for a reload; usage events change nothing', () => {
    const { turn, changes } = setup();
    turn.onEvent({ kind: 'usage', usage: { input: 1 } });
    assert.equal(turn.needsReload, false);
    turn.onEvent({ kind: 'gap', reason: 'lost' });
    assert.equal(turn.needsReload, true);
    assert.deepEqual(changes, []);
  });

  it('finish: every streaming item stops, the last carries the outcome and usage', () => {
    const { turn, items, changes } = setup();
    turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'one' });
    turn.onEvent({ kind: 'tool', phase: 'start', toolCallId: 'c1', name: 'ls' });
    turn.onEvent({ kind: 'text', itemId: 'i2', delta: 'two' });
    turn.onEvent({ kind: 'text', itemId: 'i3', delta: 'three' });
    turn.finish(done({ usage: { input: 2, output: 3 } }));
    turn.finish(done({ usage: { input: 2, output: 3 } }));
    const tool: ChatItem = { kind: 'tool', id: 't:c1', tool: { toolCallId: 'c1', name: 'ls', state: 'running' } };
    const stopped = (id: string, text: string): Extract<ChatItem, { kind: 'assistant' }> => ({
      kind: 'assistant',
      id,
      text,
      streaming: false,
      activity: undefined,
    });
    const last: ChatItem = { ...stopped('a:k1:i3', 'three'), outcome: 'ok', usage: { input: 2, output: 3, total: undefined } };
    assert.deepEqual(items(), [
      { kind: 'user', id: 'u:k1', text: 'hello', pending: undefined },
      stopped('a:k1:i1', 'one'),
      tool,
      stopped('a:k1:i2', 'two'),
      last,
    ]);
    // Each item is shown once as it ends, the user's message once as sent; a second finish only repeats the outcome.
    assert.deepEqual(
      changes
        .filter((c) => c.type === 'upsert')
        .slice(-5)
        .map((c) => c.item),
      [{ kind: 'user', id: 'u:k1', text: 'hello', pending: undefined }, stopped('a:k1:i1', 'one'), stopped('a:k1:i2', 'two'), last, last],
    );
  });

  it('finish: a timeout and an error say so; an error without a summary says it failed', () => {
    const outcome = (result: TurnResult) => {
      const { turn, items } = setup();
      turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'x' });
      turn.finish(result);
      return items().at(-1);
    };
    const base = { kind: 'assistant', id: 'a:k1:i1', text: 'x', streaming: false, activity: undefined };
    assert.deepEqual(outcome(done({ status: 'timeout' })), { ...base, outcome: 'error', error: 'The turn timed out on the gateway.' });
    assert.deepEqual(outcome(done({ status: 'error', summary: 'no model' })), { ...base, outcome: 'error', error: 'no model' });
    assert.deepEqual(outcome(done({ status: 'error' })), { ...base, outcome: 'error', error: 'The turn failed.' });
    assert.deepEqual(outcome(done({ status: 'aborted', usage: { input: 0 } })), { ...base, outcome: 'aborted' });
  });

  it('finish with no streamed reply: the final text is the reply; without text nothing is added', () => {
    const withText = setup();
    withText.turn.finish(done({ text: 'all at once' }));
    assert.deepEqual(assistant(withText.items()), [
      { kind: 'assistant', id: 'a:k1:final', text: 'all at once', streaming: false, activity: undefined, outcome: 'ok' },
    ]);
    const without = setup();
    without.turn.finish(done());
    assert.deepEqual(without.items(), [{ kind: 'user', id: 'u:k1', text: 'hello', pending: undefined }]);
  });

  it('finish after the placeholder only: the placeholder carries the outcome', () => {
    const { turn, items } = setup();
    turn.onAccepted();
    turn.finish(done({ text: 'ignored' }));
    assert.deepEqual(assistant(items()), [{ kind: 'assistant', id: 'a:k1:pending', text: '', streaming: false, activity: undefined, outcome: 'ok' }]);
  });

  it('fail: the reply so far says why, or a notice does', () => {
    const replied = setup();
    replied.turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'x' });
    replied.turn.fail('socket closed');
    assert.deepEqual(assistant(replied.items()), [
      { kind: 'assistant', id: 'a:k1:i1', text: 'x', streaming: false, activity: undefined, outcome: 'error', error: 'socket closed' },
    ]);
    const silent = setup();
    silent.turn.fail('socket closed');
    const notice = silent.items().at(-1);
    assert.equal(notice?.kind, 'notice');
    assert.match(notice?.id ?? '', /^n:[0-9a-f-]{36}$/);
    assert.deepEqual({ ...notice, id: '' }, { kind: 'notice', id: '', level: 'error', text: 'The gateway could not run this message: socket closed' });
    assert.deepEqual(silent.items()[0], { kind: 'user', id: 'u:k1', text: 'hello', pending: undefined });
  });

  it('cancel removes the message and says it was not sent, cut to 60 characters', () => {
    const short = setup();
    short.turn.cancel();
    assert.deepEqual(
      short.items().map((i) => (i.kind === 'notice' ? [i.level, i.text] : i.id)),
      [['info', 'Not sent: “hello”']],
    );
    const at = 'x'.repeat(60);
    const exact = setup({ text: at, pending: 'queued' });
    exact.turn.cancel();
    assert.equal((exact.items()[0] as { text: string }).text, `Not sent: “${at}”`);
    const long = setup({ text: `${at}y`, pending: 'queued' });
    long.turn.cancel();
    assert.equal((long.items()[0] as { text: string }).text, `Not sent: “${'x'.repeat(57)}…”`);
  });

  it("cards and messages shown in place go after the turn's items and are kept as the turn goes on", () => {
    const { turn, transcript, items } = setup();
    turn.onAccepted();
    transcript.upsert({ kind: 'user', id: 'u:queued', text: 'next' });
    const card: ChatItem = { kind: 'notice', id: 'card', level: 'info', text: 'approve?' };
    turn.showCard(card);
    turn.showInPlace({ kind: 'user', id: 'u:steer', text: 'also' });
    turn.showInPlace({ kind: 'user', id: 'u:steer', text: 'also this' });
    assert.deepEqual(
      items().map((i) => i.id),
      ['u:k1', 'a:k1:pending', 'card', 'u:steer', 'u:queued'],
    );
    assert.equal(turn.live.get('card'), card);
    assert.deepEqual(turn.live.get('u:steer'), { kind: 'user', id: 'u:steer', text: 'also this' });
    assert.deepEqual(items()[3], { kind: 'user', id: 'u:steer', text: 'also this' });
  });

  it('a turn of a session not on screen shows nothing', () => {
    const { turn, items } = setup(sending, 'other');
    turn.onAccepted();
    turn.onEvent({ kind: 'text', itemId: 'i1', delta: 'x' });
    turn.finish(done());
    assert.deepEqual(items(), []);
    assert.equal(turn.live.size, 1);
  });
});
