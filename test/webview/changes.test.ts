// What the agent changed, in real Chromium: a file tool's diff under its card (+/- lines coloured,
// `+N −M`, folded when long, Open Diff asking the host), a read-only diff saying so, and the change
// set after the turn with Keep all / Revert all and per-file buttons that ask the host, then show
// what it says (reverted, kept, refused).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ChatItem, FileDiffView, WebviewMessage } from '../../src/protocol/webview';
import { ARTIFACTS, snapshot, tool, user, webviewSuite } from './harness';

declare const getComputedStyle: (el: unknown) => { backgroundColor: string };

type Request = Extract<WebviewMessage, { type: 'request' }>;

const EDIT_DIFF: FileDiffView = {
  path: 'src/notes.txt',
  additions: 1,
  deletions: 1,
  lines: [
    { op: '@', text: '@@ -1,3 +1,3 @@' },
    { op: ' ', text: 'one' },
    { op: '-', text: 'two' },
    { op: '+', text: 'TWO' },
    { op: ' ', text: 'three' },
  ],
  truncated: false,
  openable: true,
};

const LONG_DIFF: FileDiffView = {
  path: 'big.ts',
  additions: 40,
  deletions: 0,
  lines: [{ op: '@', text: '@@ -0,0 +1,40 @@' }, ...Array.from({ length: 40 }, (_, i) => ({ op: '+' as const, text: `export const line${i} = ${i};` }))],
  truncated: false,
  openable: true,
  readOnly: 'No folder is open: the diff is the tool’s own patch, read-only.',
};

function changes(files: Extract<ChatItem, { kind: 'changes' }>['files']): ChatItem {
  return { kind: 'changes', id: 'c:turn-1', files };
}

describe('file changes in the chat', { timeout: 120_000 }, () => {
  const env = webviewSuite();

  it('shows a tool’s diff under its closed card, coloured, counted, and opens it through the host', async () => {
    const view = await env.open();
    await view.send(snapshot([user('u1', 'EDITFILE'), tool('t:call-1', 'edit', { diffs: [EDIT_DIFF] })]));
    const diff = view.page.locator('.tool-card .file-diff');
    await diff.waitFor();
    assert.equal(await view.page.locator('details.tool').evaluate((d: any) => d.open), false, 'the card stays closed');
    assert.equal(await diff.locator('.diff-path').textContent(), 'src/notes.txt');
    assert.equal(await diff.locator('.diff-counts').textContent(), '+1 \u22121');
    assert.deepEqual(await diff.locator('.diff-line').allTextContents(), ['@@ -1,3 +1,3 @@', ' one', '-two', '+TWO', ' three']);
    assert.deepEqual(await diff.locator('.diff-line').evaluateAll((lines: any[]) => lines.map((l) => l.className.replace('diff-line ', ''))), [
      'diff-line-hunk',
      'diff-line-ctx',
      'diff-line-del',
      'diff-line-add',
      'diff-line-ctx',
    ]);
    const [del, add] = await Promise.all(
      ['.diff-line-del', '.diff-line-add'].map((s) => diff.locator(s).evaluate((el: any) => getComputedStyle(el).backgroundColor)),
    );
    assert.notEqual(del, add, 'added and removed lines look different');
    assert.equal(await diff.locator('.diff-readonly').count(), 0);

    await diff.locator('button', { hasText: 'Open Diff' }).click();
    const asked = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'openDiff')) as Request;
    assert.deepEqual(asked.params, { id: 't:call-1', path: 'src/notes.txt' });
  });

  it('folds a long diff until asked, and says when it is read-only', async () => {
    const view = await env.open();
    await view.send(snapshot([tool('t:call-2', 'write', { diffs: [LONG_DIFF] })]));
    const diff = view.page.locator('.file-diff');
    await diff.waitFor();
    assert.equal(await diff.locator('.diff-line').count(), 12);
    const fold = diff.locator('.diff-fold');
    assert.equal(await fold.textContent(), 'Show 29 more lines');
    await fold.click();
    assert.equal(await diff.locator('.diff-line').count(), 41);
    assert.equal(await diff.locator('.diff-fold').getAttribute('aria-expanded'), 'true');
    assert.match((await diff.locator('.diff-readonly').textContent()) ?? '', /read-only/);
  });

  it('lists a turn’s files, asks the host to revert all or keep one, and shows what it answers', async () => {
    const view = await env.open({ width: 420, height: 520 });
    const pending = changes([
      { path: 'src/notes.txt', additions: 1, deletions: 1, state: 'pending' },
      { path: 'probe-notes.txt', additions: 1, deletions: 0, state: 'pending' },
      { path: '../outside.txt', additions: 2, deletions: 0, state: 'pending', readOnly: '“../outside.txt” goes up with “..”; the diff is read-only.' },
    ]);
    await view.send(snapshot([user('u1', 'EDITFILE'), tool('t:call-1', 'edit', { diffs: [EDIT_DIFF] }), pending]));
    const row = view.page.locator('section.changes');
    await row.waitFor();
    assert.equal(await row.locator('.changes-title').textContent(), '3 files changed +4 \u22121');
    assert.deepEqual(await row.locator('.changes-file .diff-path-link').allTextContents(), ['src/notes.txt', 'probe-notes.txt', '../outside.txt']);
    assert.equal(await row.locator('.changes-file').nth(2).locator('button', { hasText: 'Revert' }).count(), 0, 'a read-only file offers no revert');
    mkdirSync(ARTIFACTS, { recursive: true });
    await view.page.screenshot({ path: path.join(ARTIFACTS, 'webview-changes.png') });

    await row.locator('.changes-file').nth(1).locator('.diff-path-link').click();
    const opened = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'openDiff')) as Request;
    assert.deepEqual(opened.params, { id: 'c:turn-1', path: 'probe-notes.txt' });

    await row.locator('.changes-head button', { hasText: 'Revert all' }).click();
    const revert = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'decideChanges')) as Request;
    assert.deepEqual(revert.params, { id: 'c:turn-1', decision: 'revert' });
    const refusal = 'src/notes.txt changed after the turn (or has unsaved edits): it was not reverted.';
    await view.send({ type: 'reply', id: revert.id, ok: true, result: { refused: [refusal] } });
    await view.send({
      type: 'upsert',
      item: changes([
        { path: 'src/notes.txt', additions: 1, deletions: 1, state: 'pending', error: refusal },
        { path: 'probe-notes.txt', additions: 1, deletions: 0, state: 'reverted' },
        { path: '../outside.txt', additions: 2, deletions: 0, state: 'pending', readOnly: 'read-only' },
      ]),
    });
    await row.locator('.diff-error').waitFor();
    assert.equal(await row.locator('.diff-error').textContent(), refusal);
    assert.equal(await row.locator('.changes-file').nth(1).locator('.changes-state').textContent(), 'Reverted');

    await view.clearPosted();
    await row.locator('.changes-file').first().locator('button', { hasText: 'Keep' }).click();
    const keep = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'decideChanges')) as Request;
    assert.deepEqual(keep.params, { id: 'c:turn-1', path: 'src/notes.txt', decision: 'keep' });
    assert.equal(await view.page.locator('section.changes').count(), 1, 'one row, updated in place');
  });
});
