/**
 * The ChangeTracker's edges, over files held in memory (the folder is a real empty temporary one,
 * as the path check reads it): which events it follows, what a running turn's diff is, what it
 * forgets once it holds too many turns or tool cards, keep and revert of some files, and how it puts
 * its diffs and rows back into items read from history. change-tracker.test.ts has the whole turn
 * on real files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeTracker, changeSetId, type ChangeTurn } from '../../src/extension/changes/change-tracker';
import { MAX_PATCH_CHARS } from '../../src/extension/changes/patch';
import type { ChangeFiles } from '../../src/extension/changes/workspace-files';
import type { TurnEvent } from '../../src/gateway/run-stream';
import type { ChatItem } from '../../src/protocol/webview';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-tracker-edges-')));
after(() => rmSync(root, { recursive: true, force: true }));

/** Files by absolute path, as text; `failure` makes every read throw it. */
function memoryFiles(initial: Record<string, string> = {}): ChangeFiles & { disk: Map<string, string>; failure?: Error } {
  const disk = new Map(Object.entries(initial).map(([name, text]) => [path.join(root, name), text]));
  const files = {
    disk,
    failure: undefined as Error | undefined,
    async read(absolute: string) {
      if (files.failure) throw files.failure;
      const text = disk.get(absolute);
      return text === undefined ? undefined : new TextEncoder().encode(text);
    },
    async write(absolute: string, bytes: Uint8Array) {
      disk.set(absolute, new TextDecoder().decode(bytes));
    },
    async remove(absolute: string) {
      disk.delete(absolute);
    },
  };
  return files;
}

type FakeTurn = ChangeTurn & { shown: ChatItem[]; live: Map<string, ChatItem> };

/** A turn that keeps what it was shown; `cards` are the tool calls whose cards it shows. */
function fakeTurn(key: string, cards: string[] = [], sessionKey = 'S'): FakeTurn {
  const live = new Map<string, ChatItem>();
  for (const call of cards) live.set(`t:${call}`, toolCard(call));
  const shown: ChatItem[] = [];
  return {
    key,
    sessionKey,
    user: { id: `u:${key}` },
    live,
    shown,
    showCard(item) {
      live.set(item.id, item);
      shown.push(item);
    },
  };
}

function toolCard(call: string): ChatItem {
  return { kind: 'tool', id: `t:${call}`, tool: { toolCallId: call, name: 'edit', state: 'done' } };
}

/** An edit of one line of `file`, from `from` to `to`, as the gateway's result carries it. */
function editResult(file: string, from = 'one', to = 'two'): unknown {
  return { details: { changed: true, patch: `--- ${file}\n+++ ${file}\n@@ -1,1 +1,1 @@\n-${from}\n+${to}\n` } };
}

function result(call: string, value: unknown, extra: Partial<TurnEvent & { kind: 'tool' }> = {}): TurnEvent {
  return { kind: 'tool', phase: 'result', toolCallId: call, name: 'edit', result: value, isError: false, ...extra };
}

function trackerWith(files: ChangeFiles, logs: string[] = [], folder: string | undefined = root): ChangeTracker {
  return new ChangeTracker({ root: () => folder, files, log: (message) => logs.push(message) });
}

function cardDiffs(turn: FakeTurn, call: string) {
  const card = turn.live.get(`t:${call}`);
  assert.ok(card?.kind === 'tool');
  return card.tool.diffs;
}

describe('which events the change tracker follows', () => {
  it('only the results of file tools that succeeded with a patch', async () => {
    const logs: string[] = [];
    const tracker = trackerWith(memoryFiles({ 'a.txt': 'two\n' }), logs);
    const turn = fakeTurn('k', ['x', 'e', 'n']);
    tracker.onTurnEvent(turn, { kind: 'text', delta: 'hi', itemId: 'i' });
    tracker.onTurnEvent(turn, result('x', editResult('a.txt'), { name: 'exec' }));
    tracker.onTurnEvent(turn, result('e', editResult('a.txt'), { isError: true }));
    tracker.onTurnEvent(turn, result('n', { details: { changed: false, patch: '' } }));
    await tracker.onTurnEnd(turn);
    assert.deepEqual(turn.shown, []);
    assert.deepEqual(logs, []);
    assert.throws(() => tracker.diffFor(changeSetId('k'), 'a.txt'), /no longer kept/);
  });

  it('logs a patch it cannot read, and leaves the card without a diff', async () => {
    const logs: string[] = [];
    const tracker = trackerWith(memoryFiles(), logs);
    const turn = fakeTurn('k', ['big']);
    tracker.onTurnEvent(turn, result('big', { details: { patch: 'x'.repeat(MAX_PATCH_CHARS + 1) } }));
    await tracker.onTurnEnd(turn);
    assert.deepEqual(logs, [`a edit result is shown without its diff: its patch is longer than ${MAX_PATCH_CHARS} characters`]);
    assert.deepEqual(turn.shown, []);
  });

  it('names the file as the start’s arguments did, and forgets them at the result', () => {
    const tracker = trackerWith(memoryFiles());
    const turn = fakeTurn('k', ['c', 'r']);
    tracker.onTurnEvent(turn, { kind: 'tool', phase: 'start', toolCallId: 'c', name: 'edit', args: { path: 'docs/a.txt' } });
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    assert.deepEqual(
      cardDiffs(turn, 'c')?.map((d) => d.path),
      ['docs/a.txt'],
    );
    // The same call's result again: its arguments are gone, so the patch's own name is used.
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    assert.deepEqual(
      cardDiffs(turn, 'c')?.map((d) => d.path),
      ['a.txt'],
    );
    // The start's arguments win over ones the result carries.
    tracker.onTurnEvent(turn, { kind: 'tool', phase: 'start', toolCallId: 'c', name: 'edit', args: { path: 'docs/a.txt' } });
    tracker.onTurnEvent(turn, result('c', editResult('a.txt'), { args: { path: 'lib/a.txt' } }));
    assert.deepEqual(
      cardDiffs(turn, 'c')?.map((d) => d.path),
      ['docs/a.txt'],
    );
    // A result that carries its own arguments, with no start seen.
    tracker.onTurnEvent(turn, result('r', editResult('a.txt'), { args: { path: 'src/a.txt' } }));
    assert.deepEqual(
      cardDiffs(turn, 'r')?.map((d) => d.path),
      ['src/a.txt'],
    );
  });

  it('shows a diff only on a tool card the turn shows', async () => {
    const tracker = trackerWith(memoryFiles({ 'a.txt': 'two\n' }));
    const turn = fakeTurn('k');
    turn.live.set('t:c', { kind: 'notice', id: 't:c', level: 'info', text: 'not a card' });
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    tracker.onTurnEvent(turn, result('d', editResult('a.txt', 'zero', 'one')));
    await tracker.onTurnEnd(turn);
    assert.deepEqual(
      turn.shown.map((i) => i.kind),
      ['changes'],
    );
  });
});

describe('a turn’s diffs while it runs and once it ends', () => {
  it('are the patches, read-only, until the end; then the real file', async () => {
    const files = memoryFiles({ 'a.txt': 'two\n' });
    const tracker = trackerWith(files);
    const turn = fakeTurn('k', ['c']);
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    assert.deepEqual(cardDiffs(turn, 'c'), [
      {
        path: 'a.txt',
        additions: 1,
        deletions: 1,
        lines: [
          { op: '@', text: '@@ -1,1 +1,1 @@' },
          { op: '-', text: 'one' },
          { op: '+', text: 'two' },
        ],
        truncated: false,
        openable: true,
      },
    ]);
    const running = tracker.diffFor('t:c', 'a.txt');
    assert.deepEqual(running, {
      title: 'a.txt (edit: before ↔ after)',
      before: 'one\n',
      after: { text: 'two\n' },
      readOnly: 'The turn is still running: the diff is the tool’s own patch until it ends.',
    });
    const whole = tracker.diffFor(changeSetId('k'), 'a.txt');
    assert.deepEqual(whole, { ...running, title: 'a.txt (before ↔ after the turn)' });
    await tracker.onTurnEnd(turn);
    assert.equal(cardDiffs(turn, 'c')?.[0].readOnly, undefined);
    const absolute = path.join(root, 'a.txt');
    assert.deepEqual(tracker.diffFor('t:c', 'a.txt'), { title: 'a.txt (edit: before ↔ after)', before: 'one\n', after: { absolute } });
    assert.deepEqual(tracker.diffFor(changeSetId('k'), 'a.txt'), { title: 'a.txt (before ↔ after the turn)', before: 'one\n', after: { absolute } });
  });

  it('say read-only why, on the card, the row and Open Diff, when the file does not match', async () => {
    const tracker = trackerWith(memoryFiles({ 'a.txt': 'something else\n' }));
    const turn = fakeTurn('k', ['c', 'd']);
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    tracker.onTurnEvent(turn, result('d', editResult('a.txt', 'two', 'three')));
    await tracker.onTurnEnd(turn);
    const why = cardDiffs(turn, 'c')?.[0].readOnly ?? '';
    assert.match(why, /does not match the tool’s patch/);
    assert.equal(cardDiffs(turn, 'd')?.[0].readOnly, why);
    const row = turn.shown.at(-1);
    assert.ok(row?.kind === 'changes');
    assert.deepEqual(row.files, [{ path: 'a.txt', additions: 2, deletions: 2, state: 'pending', readOnly: why }]);
    assert.deepEqual(tracker.diffFor('t:d', 'a.txt'), { title: 'a.txt (edit: before ↔ after)', before: 'two\n', after: { text: 'three\n' }, readOnly: why });
    // The turn's sides: the first patch's before and the last one's after.
    assert.deepEqual(tracker.diffFor(changeSetId('k'), 'a.txt'), {
      title: 'a.txt (before ↔ after the turn)',
      before: 'one\n',
      after: { text: 'three\n' },
      readOnly: why,
    });
  });

  it('lists a file it could not read, read-only with the disk’s words on the row and Open Diff', async () => {
    const logs: string[] = [];
    const files = memoryFiles({ 'a.txt': 'two\n' });
    files.failure = new Error('the disk is gone');
    const tracker = trackerWith(files, logs);
    const turn = fakeTurn('k', ['c']);
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    await tracker.onTurnEnd(turn);
    const row = turn.shown.at(-1);
    assert.ok(row?.kind === 'changes');
    const why = 'a.txt could not be read (the disk is gone): the diff is the tool’s own patch, read-only.';
    assert.deepEqual(row.files, [{ path: 'a.txt', additions: 1, deletions: 1, state: 'pending', readOnly: why }]);
    assert.equal(tracker.diffFor(changeSetId('k'), 'a.txt').readOnly, why);
    assert.deepEqual(logs, []);
  });

  it('says which file or call it does not know', () => {
    const tracker = trackerWith(memoryFiles());
    tracker.onTurnEvent(fakeTurn('k'), result('c', editResult('a.txt')));
    assert.throws(() => tracker.diffFor('t:c', 'b.txt'), { message: 'b.txt is not among the files of this tool call.' });
    assert.throws(() => tracker.diffFor('t:other', 'a.txt'), {
      message: 'The diff of a.txt is no longer kept: it was shown in an earlier window of the chat.',
    });
    assert.throws(() => tracker.diffFor(changeSetId('k'), 'b.txt'), /^Error: The diff of b\.txt is no longer kept: it was shown/);
  });
});

describe('what the change tracker forgets', () => {
  it('the oldest turn once it holds fifty', async () => {
    const tracker = trackerWith(memoryFiles());
    for (let k = 0; k <= 50; k++) tracker.onTurnEvent(fakeTurn(`k${k}`), result(`c${k}`, editResult('a.txt')));
    await assert.rejects(tracker.decide(changeSetId('k0'), undefined, 'keep'), {
      message: 'These changes are no longer kept: decide on the files in the editor.',
    });
    // k0's card is still known: its diff is its patch alone.
    assert.deepEqual(tracker.diffFor('t:c0', 'a.txt'), {
      title: 'a.txt (edit: before ↔ after)',
      before: 'one\n',
      after: { text: 'two\n' },
      readOnly: 'The turn is still running: the diff is the tool’s own patch until it ends.',
    });
    assert.deepEqual(await tracker.decide(changeSetId('k1'), undefined, 'keep'), []);
    assert.deepEqual(await tracker.decide(changeSetId('k50'), undefined, 'keep'), []);
  });

  it('the oldest tool card, and a start’s arguments, once it holds five hundred', async () => {
    const tracker = trackerWith(memoryFiles(), [], undefined);
    const turn = fakeTurn('k', ['s0']);
    for (let k = 0; k <= 500; k++)
      tracker.onTurnEvent(turn, { kind: 'tool', phase: 'start', toolCallId: `s${k}`, name: 'edit', args: { path: `named${k}.txt` } });
    tracker.onTurnEvent(turn, result('s0', editResult('first.txt')));
    tracker.onTurnEvent(turn, result('s1', editResult('second.txt')));
    assert.deepEqual(
      cardDiffs(turn, 's0')?.map((d) => d.path),
      ['first.txt'],
    );
    for (let k = 0; k < 499; k++) tracker.onTurnEvent(turn, result(`c${k}`, editResult('other.txt')));
    // 501 cards: s0's is forgotten, s1's (named by its start) is not.
    assert.throws(() => tracker.diffFor('t:s0', 'first.txt'), /earlier window/);
    assert.throws(() => tracker.diffFor(changeSetId('k'), 'first.txt'), { message: 'The diff of first.txt is no longer kept.' });
    assert.equal(tracker.diffFor('t:s1', 'named1.txt').before, 'one\n');
    assert.equal(tracker.diffFor(changeSetId('k'), 'named1.txt').before, 'one\n');
    await tracker.onTurnEnd(turn);
    assert.equal(turn.shown.at(-1)?.kind, 'changes');
    // The forgotten card read back from history keeps what history gave it; the row still follows it.
    const items: ChatItem[] = [
      { kind: 'user', id: 'u', text: 'u' },
      { kind: 'tool', id: 't:s0', tool: { toolCallId: 's0', name: 'edit', state: 'done', diffs: [] } },
    ];
    tracker.restore(items, 'S');
    assert.deepEqual(
      items.map((i) => (i.kind === 'tool' ? i.tool.diffs : i.id)),
      ['u', [], 'c:k'],
    );
  });
});

describe('keep and revert', () => {
  it('of every file still waiting leaves the ones decided alone', async () => {
    const files = memoryFiles({ 'a.txt': 'two\n', 'b.txt': 'two\n' });
    const tracker = trackerWith(files);
    const turn = fakeTurn('k');
    tracker.onTurnEvent(turn, result('c', editResult('a.txt')));
    tracker.onTurnEvent(turn, result('d', editResult('b.txt')));
    await tracker.onTurnEnd(turn);
    assert.deepEqual(await tracker.decide(changeSetId('k'), 'a.txt', 'keep'), []);
    assert.deepEqual(await tracker.decide(changeSetId('k'), undefined, 'revert'), []);
    assert.deepEqual([files.disk.get(path.join(root, 'a.txt')), files.disk.get(path.join(root, 'b.txt'))], ['two\n', 'one\n']);
    const row = turn.shown.at(-1);
    assert.ok(row?.kind === 'changes');
    assert.deepEqual(
      row.files.map((f) => [f.path, f.state]),
      [
        ['a.txt', 'kept'],
        ['b.txt', 'reverted'],
      ],
    );
  });
});

describe('two turns', () => {
  it('each open their own card’s files', async () => {
    const tracker = trackerWith(memoryFiles({ 'a.txt': 'two\n', 'b.txt': 'two\n' }));
    for (const [key, call, file] of [
      ['k1', 'c', 'a.txt'],
      ['k2', 'd', 'b.txt'],
    ]) {
      const turn = fakeTurn(key);
      tracker.onTurnEvent(turn, result(call, editResult(file)));
      await tracker.onTurnEnd(turn);
    }
    assert.deepEqual(tracker.diffFor('t:d', 'b.txt').after, { absolute: path.join(root, 'b.txt') });
  });
});

describe('restoring items read from history', () => {
  const user = (id: string): ChatItem => ({ kind: 'user', id, text: id });
  const reply = (id: string): ChatItem => ({ kind: 'assistant', id, text: id, streaming: false });
  const historyCard = (call: string): ChatItem => ({ kind: 'tool', id: `t:${call}`, tool: { toolCallId: call, name: 'edit', state: 'done', diffs: [] } });
  const ids = (items: ChatItem[]) => items.map((i) => i.id);

  /** A tracker with ended turns: each key with the calls of its cards. */
  async function ended(turns: Record<string, string[]>, running: Record<string, string[]> = {}): Promise<ChangeTracker> {
    const tracker = trackerWith(memoryFiles(), [], undefined);
    for (const [key, calls] of Object.entries({ ...turns, ...running })) {
      const turn = fakeTurn(key, calls);
      for (const call of calls) tracker.onTurnEvent(turn, result(call, editResult(`${call}.txt`)));
      if (key in turns) await tracker.onTurnEnd(turn);
    }
    return tracker;
  }

  it('gives the cards their diffs back and puts the row before the next message', async () => {
    const tracker = await ended({ k: ['a', 'b'] });
    const items = [user('u1'), historyCard('a'), historyCard('b'), reply('r1'), user('u2'), reply('r2')];
    tracker.restore(items, 'S');
    assert.deepEqual(ids(items), ['u1', 't:a', 't:b', 'r1', 'c:k', 'u2', 'r2']);
    const card = items[2];
    assert.ok(card.kind === 'tool');
    assert.deepEqual(
      card.tool.diffs?.map((d) => [d.path, d.openable]),
      [['b.txt', true]],
    );
    const row = items[4];
    assert.ok(row.kind === 'changes');
    assert.deepEqual(
      row.files.map((f) => f.path),
      ['a.txt', 'b.txt'],
    );
  });

  it('leaves another session’s items, a shown row, and a turn still running alone', async () => {
    const tracker = await ended({ k: ['a'] }, { live: ['b'] });
    const items = [user('u1'), historyCard('a'), user('u2'), historyCard('b')];
    tracker.restore(items, 'another');
    assert.deepEqual(items, [user('u1'), historyCard('a'), user('u2'), historyCard('b')]);
    tracker.restore(items, 'S');
    assert.deepEqual(ids(items), ['u1', 't:a', 'c:k', 'u2', 't:b']);
    const running = items[4];
    assert.ok(running.kind === 'tool' && running.tool.diffs?.length === 1);
    tracker.restore(items, 'S');
    assert.deepEqual(ids(items), ['u1', 't:a', 'c:k', 'u2', 't:b']);
  });

  it('leaves out a turn whose cards are not among the items, or that runs on past them', async () => {
    const tracker = await ended({ k: ['a'] });
    const notCards = [user('u1'), { kind: 'notice', id: 't:a', level: 'info', text: 'no card' } as ChatItem, reply('r1')];
    tracker.restore(notCards, 'S');
    assert.deepEqual(ids(notCards), ['u1', 't:a', 'r1']);
    const older = [user('u9'), reply('r9')];
    tracker.restore(older, 'S');
    assert.deepEqual(ids(older), ['u9', 'r9']);
    const page = () => [user('u1'), historyCard('a'), reply('r1')];
    const onward = page();
    tracker.restore(onward, 'S', reply('r2'));
    assert.deepEqual(ids(onward), ['u1', 't:a', 'r1']);
    const beforeNext = page();
    tracker.restore(beforeNext, 'S', user('u2'));
    assert.deepEqual(ids(beforeNext), ['u1', 't:a', 'r1', 'c:k']);
    const first = [historyCard('a'), reply('r1'), user('u2')];
    tracker.restore(first, 'S', reply('r3'));
    assert.deepEqual(ids(first), ['t:a', 'r1', 'c:k', 'u2']);
    const atEnd = page();
    tracker.restore(atEnd, 'S');
    assert.deepEqual(ids(atEnd), ['u1', 't:a', 'r1', 'c:k']);
  });

  it('puts each turn’s row in its own place, in turn order where they meet', async () => {
    const tracker = await ended({ late: ['b'], early: ['a'], next: ['c'] });
    const items = [user('u1'), historyCard('a'), user('u2'), historyCard('b'), historyCard('c'), reply('r2')];
    tracker.restore(items, 'S');
    assert.deepEqual(ids(items), ['u1', 't:a', 'c:early', 'u2', 't:b', 't:c', 'r2', 'c:late', 'c:next']);
  });
});
