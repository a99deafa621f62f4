/**
 * The shown session as other clients change it (session-watch.ts): their rows added at the end,
 * ours and repeats left out, a row that comes during our own turn deferred to a reload, and a tool
 * result of their run put on its card. Pure: the real transcript model and history window, with
 * the controller's answers as plain fields.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryMessage } from '../../src/protocol/gateway';
import type { ChatItem } from '../../src/protocol/webview';
import { HistoryWindow } from '../../src/extension/history-window';
import { SessionWatch } from '../../src/extension/session-watch';
import { TranscriptModel } from '../../src/extension/transcript-model';

function stage(fields: { busy?: boolean; own?: string[] } = {}) {
  const host = { shown: 'main', busy: fields.busy ?? false, own: new Set(fields.own ?? []), deferred: 0 };
  const model = new TranscriptModel(
    () => host.shown,
    () => {},
  );
  const window = new HistoryWindow();
  window.reset({ messages: [{ role: 'user', content: 'first', __openclaw: { seq: 1, id: 'e1' } }], totalMessages: 1 });
  const watch = new SessionWatch(
    {
      sessionKey: () => host.shown,
      isOwnRun: (run) => host.own.has(run),
      busy: () => host.busy,
      deferReload: () => void host.deferred++,
    },
    model,
    window,
  );
  return { host, model, window, watch, ids: () => model.items.map((i) => i.id) };
}

function userRow(id: string, seq?: number, runId?: string): HistoryMessage {
  return { role: 'user', content: `text of ${id}`, __openclaw: { id, ...(seq === undefined ? {} : { seq }), ...(runId ? { runId } : {}) } };
}

function toolCard(state: 'running' | 'done', id = 't:tc1'): ChatItem {
  return { kind: 'tool', id, tool: { id: 'tc1', name: 'exec', state } } as unknown as ChatItem;
}

describe('SessionWatch.onMessage', () => {
  it('adds another client’s row of the shown session at the end', () => {
    const { watch, ids, model } = stage();
    watch.onMessage({ sessionKey: 'main', message: userRow('e2', 2) });
    watch.onMessage({ sessionKey: 'main', message: userRow('e3') });
    assert.deepEqual(ids(), ['u:e2', 'u:e3']);
    assert.equal((model.items[0] as { text?: string }).text, 'text of e2');
  });

  it('shows a row of another client’s run, and its tool call running until the result comes', () => {
    const { watch, model, ids } = stage();
    const call: HistoryMessage = {
      role: 'assistant',
      content: [{ type: 'toolCall', id: 'tc9', name: 'exec', arguments: { cmd: 'ls' } }],
      __openclaw: { id: 'e2', seq: 2, runId: 'theirs' },
    };
    watch.onMessage({ sessionKey: 'main', message: call });
    assert.deepEqual(ids(), ['t:tc9']);
    const card = () => (model.items[0] as Extract<ChatItem, { kind: 'tool' }>).tool;
    assert.equal(card().state, 'running');
    watch.onTool({ sessionKey: 'main', runId: 'theirs', toolCallId: 'tc9', phase: 'result', result: 'a b', isError: false });
    assert.equal(card().state, 'done');
    assert.equal(card().result, 'a b');
  });

  it('leaves out rows of another session, and repeats of rows already held', () => {
    const { watch, ids } = stage();
    watch.onMessage({ sessionKey: 'other', message: userRow('x', 2) });
    watch.onMessage({ sessionKey: 'main', message: userRow('e1', 1) });
    watch.onMessage({ sessionKey: 'main', message: userRow('e2', 2) });
    watch.onMessage({ sessionKey: 'main', message: userRow('e2', 2) });
    assert.deepEqual(ids(), ['u:e2']);
  });

  it('does not add an item twice when its row comes again without a place in history', () => {
    const { watch, ids } = stage();
    watch.onMessage({ sessionKey: 'main', message: userRow('e2') });
    watch.onMessage({ sessionKey: 'main', message: userRow('e2') });
    assert.deepEqual(ids(), ['u:e2']);
  });

  it('counts our own rows without showing them', () => {
    const { watch, ids, window } = stage({ own: ['r1'] });
    watch.onMessage({ sessionKey: 'main', message: userRow('e2', 2, 'r1') });
    assert.deepEqual(ids(), []);
    // Its place is taken: the same row again is a repeat.
    assert.equal(window.noteLive(userRow('e2', 2)), false);
  });

  it('defers another client’s row to a reload while our turn streams', () => {
    const { watch, ids, host } = stage({ busy: true });
    watch.onMessage({ sessionKey: 'main', message: userRow('e2', 2) });
    assert.deepEqual(ids(), []);
    assert.equal(host.deferred, 1);
  });
});

describe('SessionWatch.onTool', () => {
  it('puts the result of another client’s tool call on its running card', () => {
    const { watch, model } = stage();
    model.upsert(toolCard('running'));
    watch.onTool({ sessionKey: 'main', runId: 'theirs', toolCallId: 'tc1', phase: 'result', result: 'ok', isError: false });
    assert.deepEqual(model.items, [{ kind: 'tool', id: 't:tc1', tool: { id: 'tc1', name: 'exec', state: 'done', result: 'ok' } }]);
  });

  it('marks a failed call as an error', () => {
    const { watch, model } = stage();
    model.upsert(toolCard('running'));
    watch.onTool({ sessionKey: 'main', toolCallId: 'tc1', phase: 'result', result: { boom: 1 }, isError: true });
    assert.deepEqual(model.items, [{ kind: 'tool', id: 't:tc1', tool: { id: 'tc1', name: 'exec', state: 'error', result: '{\n  "boom": 1\n}' } }]);
  });

  it('leaves cards alone for other sessions, other phases, our runs, finished cards and other items', () => {
    const { watch, model } = stage({ own: ['ours'] });
    const running = toolCard('running');
    const done = toolCard('done', 't:tc2');
    const note = { kind: 'notice', id: 't:tc3', text: 'not a tool' } as unknown as ChatItem;
    model.upsert(running);
    model.upsert(done);
    model.upsert(note);
    const result = { result: 'x', isError: false };
    watch.onTool({ sessionKey: 'other', toolCallId: 'tc1', phase: 'result', ...result });
    watch.onTool({ sessionKey: 'main', toolCallId: 'tc1', phase: 'start', ...result });
    watch.onTool({ sessionKey: 'main', runId: 'ours', toolCallId: 'tc1', phase: 'result', ...result });
    watch.onTool({ sessionKey: 'main', toolCallId: 'tc2', phase: 'result', ...result });
    watch.onTool({ sessionKey: 'main', toolCallId: 'tc3', phase: 'result', ...result });
    watch.onTool({ sessionKey: 'main', toolCallId: 'nope', phase: 'result', ...result });
    assert.deepEqual(model.items, [running, done, note]);
  });
});
