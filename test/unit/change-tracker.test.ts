/**
 * The ChangeTracker between a turn's events and the chat: the recorded `write` events of the real
 * gateway, then an edit, on a real temporary folder; the tool card gets its diff, the turn's end a
 * change-set row, Open Diff the right two sides, and keep/revert act on the files. Cards read back
 * from the recorded history show the diff its rows kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeTracker, changeSetId, type ChangeTurn } from '../../src/extension/changes/change-tracker';
import { nodeChangeFiles } from '../../src/extension/changes/workspace-files';
import type { TurnEvent } from '../../src/gateway/run-stream';
import type { ChatItem } from '../../src/protocol/webview';
import { readRecorded, readTranscript } from '../support/transcripts';
import { HISTORY_DIFF_NOTE, historyDiffs } from '../../src/extension/changes/diff-view';
import { itemsFromHistory } from '../../src/extension/transcript';
import type { HistoryMessage } from '../../src/protocol/gateway';

const [start, result] = readTranscript('diff-write-tool.jsonl').map((line) => line.frame!.payload.data);

function toolEvent(data: Record<string, any>): TurnEvent {
  return { kind: 'tool', phase: data.phase, toolCallId: data.toolCallId, name: data.name, args: data.args, result: data.result, isError: data.isError };
}

/** A turn that keeps what it was shown, as LiveTurn does. */
function fakeTurn(key: string): ChangeTurn & { shown: ChatItem[]; live: Map<string, ChatItem> } {
  const live = new Map<string, ChatItem>();
  const shown: ChatItem[] = [];
  return {
    key,
    sessionKey: 'agent:main:main',
    user: { id: `u:${key}` },
    live,
    shown,
    showCard(item) {
      live.set(item.id, item);
      shown.push(item);
    },
  };
}

describe('the change tracker', () => {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-tracker-')));
  after(() => rmSync(root, { recursive: true, force: true }));
  const notes = path.join(root, 'probe-notes.txt');
  const editResult = {
    content: [{ type: 'text', text: 'Successfully replaced 1 block(s) in probe-notes.txt.' }],
    details: { changed: true, patch: '--- probe-notes.txt\n+++ probe-notes.txt\n@@ -1,1 +1,1 @@\n-hello from the fake model\n+goodbye from the fake model\n' },
  };

  async function runTurn(tracker: ChangeTracker, key: string): Promise<ReturnType<typeof fakeTurn>> {
    const turn = fakeTurn(key);
    turn.live.set(`t:${start.toolCallId}`, { kind: 'tool', id: `t:${start.toolCallId}`, tool: { toolCallId: start.toolCallId, name: 'write', state: 'done' } });
    turn.live.set('t:call-edit', { kind: 'tool', id: 't:call-edit', tool: { toolCallId: 'call-edit', name: 'edit', state: 'done' } });
    tracker.onTurnEvent(turn, toolEvent(start));
    writeFileSync(notes, start.args.content);
    tracker.onTurnEvent(turn, toolEvent(result));
    tracker.onTurnEvent(turn, { kind: 'tool', phase: 'start', toolCallId: 'call-edit', name: 'edit', args: { path: 'probe-notes.txt' } });
    // The edit runs right after the write, before anything reads the file.
    writeFileSync(notes, 'goodbye from the fake model\n');
    tracker.onTurnEvent(turn, { kind: 'tool', phase: 'result', toolCallId: 'call-edit', name: 'edit', result: editResult, isError: false });
    await tracker.onTurnEnd(turn);
    return turn;
  }

  it('puts each diff on its tool card and lists the turn’s files once it ends', async () => {
    const tracker = new ChangeTracker({ root: () => root, files: nodeChangeFiles, log: () => undefined });
    const turn = await runTurn(tracker, 'k1');
    const write = turn.shown.find((i) => i.id === `t:${start.toolCallId}`);
    assert.ok(write?.kind === 'tool');
    assert.deepEqual(write.tool.diffs?.[0].lines, [
      { op: '@', text: '@@ -0,0 +1,1 @@' },
      { op: '+', text: 'hello from the fake model' },
    ]);
    assert.equal(write.tool.diffs?.[0].readOnly, undefined);
    const set = turn.shown.at(-1);
    assert.ok(set?.kind === 'changes');
    assert.equal(set.id, changeSetId('k1'));
    assert.deepEqual(set.files, [{ path: 'probe-notes.txt', additions: 1, deletions: 0, state: 'pending' }]);
  });

  it('opens the tool’s before against the real file, and the turn’s before against it too', async () => {
    const tracker = new ChangeTracker({ root: () => root, files: nodeChangeFiles, log: () => undefined });
    await runTurn(tracker, 'k2');
    const edit = tracker.diffFor('t:call-edit', 'probe-notes.txt');
    assert.deepEqual([edit.before, edit.after], ['hello from the fake model\n', { absolute: notes }]);
    assert.match(edit.title, /probe-notes\.txt \(edit: before ↔ after\)/);
    const turn = tracker.diffFor(changeSetId('k2'), 'probe-notes.txt');
    assert.deepEqual([turn.before, turn.after], ['', { absolute: notes }]);
    assert.throws(() => tracker.diffFor('c:unknown', 'probe-notes.txt'), /no longer kept/);
  });

  it('revert all removes the file the turn created and the row says so; a second revert is refused', async () => {
    const tracker = new ChangeTracker({ root: () => root, files: nodeChangeFiles, log: () => undefined });
    const turn = await runTurn(tracker, 'k3');
    assert.deepEqual(await tracker.decide(changeSetId('k3'), undefined, 'revert'), []);
    assert.equal(existsSync(notes), false);
    const row = turn.shown.at(-1);
    assert.ok(row?.kind === 'changes' && row.files[0].state === 'reverted');
    const again = await tracker.decide(changeSetId('k3'), 'probe-notes.txt', 'revert');
    assert.match(again[0], /already reverted/);
  });

  it('keeps, and refuses to revert a file changed after the turn, saying so on the row', async () => {
    const tracker = new ChangeTracker({ root: () => root, files: nodeChangeFiles, log: () => undefined });
    const turn = await runTurn(tracker, 'k4');
    writeFileSync(notes, 'goodbye from the fake model\nand mine\n');
    const refused = await tracker.decide(changeSetId('k4'), 'probe-notes.txt', 'revert');
    assert.match(refused[0], /changed after the turn/);
    assert.equal(readFileSync(notes, 'utf8'), 'goodbye from the fake model\nand mine\n');
    const row = turn.shown.at(-1);
    assert.ok(row?.kind === 'changes' && /changed after the turn/.test(row.files[0].error ?? ''));
    await tracker.decide(changeSetId('k4'), undefined, 'keep');
    const kept = turn.shown.at(-1);
    assert.ok(kept?.kind === 'changes' && kept.files[0].state === 'kept' && kept.files[0].error === undefined);
  });

  it('with no folder open, shows the patch read-only and opens its own two sides', async () => {
    const tracker = new ChangeTracker();
    const turn = await runTurn(tracker, 'k5');
    const row = turn.shown.at(-1);
    assert.ok(row?.kind === 'changes' && /No folder is open/.test(row.files[0].readOnly ?? ''));
    const write = tracker.diffFor(`t:${start.toolCallId}`, 'probe-notes.txt');
    assert.deepEqual([write.before, write.after], ['', { text: 'hello from the fake model\n' }]);
    assert.match(write.readOnly ?? '', /read-only/);
    const whole = tracker.diffFor(changeSetId('k5'), 'probe-notes.txt');
    assert.deepEqual([whole.before, whole.after], ['', { text: 'goodbye from the fake model\n' }]);
    assert.match((await tracker.decide(changeSetId('k5'), undefined, 'revert'))[0], /read-only/);
  });
});

describe('file tool cards read back from history', () => {
  it('show the diff the recorded rows kept (details.diff), read-only and not openable', () => {
    const { messages } = readRecorded<{ messages: HistoryMessage[] }>('chat.history.diff.json');
    const cards = itemsFromHistory(messages).filter((i): i is Extract<ChatItem, { kind: 'tool' }> => i.kind === 'tool');
    assert.deepEqual(
      cards.map((c) => [c.tool.name, c.tool.diffs?.[0].path, c.tool.diffs?.[0].lines, c.tool.diffs?.[0].openable]),
      [
        ['write', 'probe-notes.txt', [{ op: '+', text: 'hello from the fake model' }], false],
        [
          'edit',
          'probe-notes.txt',
          [
            { op: '-', text: 'hello from the fake model' },
            { op: '+', text: 'goodbye from the fake model' },
          ],
          false,
        ],
      ],
    );
    assert.equal(cards[1].tool.diffs?.[0].readOnly, HISTORY_DIFF_NOTE);
    assert.deepEqual([cards[1].tool.diffs?.[0].additions, cards[1].tool.diffs?.[0].deletions], [1, 1]);
  });

  it('show none for another tool, an error, a diff of another shape, or a path that is no string', () => {
    assert.equal(historyDiffs('ls', { path: 'a' }, { diff: '+1 x' }), undefined);
    assert.equal(historyDiffs('edit', { path: 'a' }, { diff: 'not a diff' }), undefined);
    assert.equal(historyDiffs('edit', { path: 7 }, { diff: '+1 x' }), undefined);
    assert.equal(historyDiffs('edit', {}, null), undefined);
  });
});
