/**
 * What the agent changed, against the real `openclaw` gateway: the offline model writes and edits
 * files (WRITEFILE, EDITFILE, CHANGEFILE) in the agent workspace, which is also the folder the chat
 * core looks in and a git repository. The chat core (ChatController, ChatBridge) as VS Code runs it,
 * minus VS Code: diffs on the tool cards, the change set after the turn, revert to the exact bytes,
 * keep, a file changed after the turn left alone, and `sessions.diff`. One gateway for the suite.
 *
 *   npx tsx --test test/gateway/changes.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeChangeFiles } from '../../src/extension/changes/workspace-files';
import { ChatController } from '../../src/extension/chat-controller';
import { sessionDiff } from '../../src/gateway/sessions-diff';
import type { ChatItem } from '../../src/protocol/webview';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { FILE_CONTENT } from '../../tools/gateway/model-server';
import { chatPage } from '../support/chat-page';
import { makeClient } from '../support/clients';
import { hostServices } from '../support/composer-services';
import { waitFor, waitForState } from '../support/wait';

const SUITE_TIMEOUT = 15 * 60_000;
/** A turn on a busy 2-core machine: the model is instant, the gateway is not. */
const TURN_MS = 180_000;
type Changes = Extract<ChatItem, { kind: 'changes' }>;
type Tool = Extract<ChatItem, { kind: 'tool' }>;

describe('file changes against the real openclaw gateway', { timeout: SUITE_TIMEOUT }, () => {
  let gw: GatewayHandle;
  let workspace: string;
  let chat: Awaited<ReturnType<typeof openChat>>;
  const disposers: Array<() => unknown> = [];
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: workspace, encoding: 'utf8' });

  async function openChat(session: string) {
    const client = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 10_000, requestTimeoutMs: 60_000, backoff: { initialMs: 250, maxMs: 2000 } });
    const controller = new ChatController(client, {
      log: () => undefined,
      thinking: () => undefined,
      saveSession: () => undefined,
      initialSession: session,
      changes: { root: () => workspace, files: nodeChangeFiles, log: () => undefined },
    });
    const { bridge, ask } = chatPage(controller, hostServices());
    disposers.push(
      () => client.close(),
      () => controller.dispose(),
      () => bridge.dispose(),
    );
    client.start();
    await waitForState(client, 'connected', 60_000);
    bridge.receive({ type: 'ready' });
    /** Sends a message and waits for its turn to end and its change set to show. */
    const turn = async (text: string): Promise<Changes> => {
      const before = new Set(controller.transcript.filter((i) => i.kind === 'changes').map((i) => i.id));
      controller.send(text);
      return waitFor(
        () => !controller.busy && controller.transcript.find((i): i is Changes => i.kind === 'changes' && !before.has(i.id)),
        `the change set of “${text}”`,
        TURN_MS,
      );
    };
    const decide = async (id: string, decision: 'keep' | 'revert', file?: string) => {
      const reply = await ask('decideChanges', file ? { id, path: file, decision } : { id, decision }, 30_000);
      assert.equal(reply.error, undefined);
      return (reply.result as { refused: string[] }).refused;
    };
    const row = (id: string) => controller.transcript.find((i): i is Changes => i.id === id)!;
    const tools = () => controller.transcript.filter((i): i is Tool => i.kind === 'tool');
    return { client, controller, turn, decide, row, tools };
  }

  before(async () => {
    gw = await startGateway();
    workspace = path.join(gw.stateDir, 'workspace');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'harness workspace');
    chat = await openChat(`agent:main:changes-${Date.now().toString(36)}`);
  });

  after(async () => {
    for (const dispose of disposers.splice(0).reverse()) await dispose();
    await gw?.dispose();
  });

  it('a write then an edit in one turn: diffs on both cards, one file in the change set, revert removes it', async () => {
    const set = await chat.turn('CHANGEFILE `made.txt`');
    const after = readFileSync(path.join(workspace, 'made.txt'), 'utf8');
    assert.equal(after, FILE_CONTENT.replace('hello', 'goodbye'));
    assert.deepEqual(set.files, [{ path: 'made.txt', additions: 2, deletions: 0, state: 'pending' }]);
    const [write, edit] = ['write', 'edit'].map((name) => chat.tools().find((t) => t.tool.name === name && t.tool.diffs?.[0]?.path === 'made.txt'));
    assert.ok(write && edit, 'both tool cards carry a diff');
    assert.deepEqual(
      write.tool.diffs![0].lines.filter((l) => l.op === '+').map((l) => l.text),
      ['hello from the fake model', 'second line'],
    );
    assert.ok(edit.tool.diffs![0].lines.some((l) => l.op === '-' && l.text === 'hello from the fake model'));
    assert.ok(edit.tool.diffs![0].lines.some((l) => l.op === '+' && l.text === 'goodbye from the fake model'));
    assert.equal(edit.tool.diffs![0].readOnly, undefined, 'the workspace is the open folder');

    // Open Diff of the edit: its own before, against the real file.
    const opened = chat.controller.changes.diffFor(edit.id, 'made.txt');
    assert.deepEqual([opened.before, opened.after], [FILE_CONTENT, { absolute: path.join(workspace, 'made.txt') }]);

    assert.deepEqual(await chat.decide(set.id, 'revert'), []);
    assert.equal(existsSync(path.join(workspace, 'made.txt')), false);
    assert.equal(chat.row(set.id).files[0].state, 'reverted');
  });

  it('an edit of an existing file reverts to the exact bytes from before', async () => {
    const before = `${FILE_CONTENT}third line, no newline at the end`;
    writeFileSync(path.join(workspace, 'exact.txt'), before);
    const set = await chat.turn('EDITFILE `exact.txt`');
    assert.equal(readFileSync(path.join(workspace, 'exact.txt'), 'utf8'), before.replace('hello', 'goodbye'));
    assert.deepEqual(set.files, [{ path: 'exact.txt', additions: 1, deletions: 1, state: 'pending' }]);
    assert.deepEqual(await chat.decide(set.id, 'revert', 'exact.txt'), []);
    assert.deepEqual(readFileSync(path.join(workspace, 'exact.txt')), Buffer.from(before));
  });

  it('keep leaves the file as the agent left it; a file changed after the turn is not reverted', async () => {
    writeFileSync(path.join(workspace, 'kept.txt'), FILE_CONTENT);
    const kept = await chat.turn('EDITFILE `kept.txt`');
    assert.deepEqual(await chat.decide(kept.id, 'keep'), []);
    assert.equal(chat.row(kept.id).files[0].state, 'kept');
    assert.equal(readFileSync(path.join(workspace, 'kept.txt'), 'utf8'), FILE_CONTENT.replace('hello', 'goodbye'));

    writeFileSync(path.join(workspace, 'mine.txt'), FILE_CONTENT);
    const set = await chat.turn('EDITFILE `mine.txt`');
    const mine = `${FILE_CONTENT.replace('hello', 'goodbye')}my own line\n`;
    writeFileSync(path.join(workspace, 'mine.txt'), mine);
    const refused = await chat.decide(set.id, 'revert');
    assert.equal(refused.length, 1);
    assert.match(refused[0], /mine\.txt changed after the turn/);
    assert.equal(readFileSync(path.join(workspace, 'mine.txt'), 'utf8'), mine);
    assert.match(chat.row(set.id).files[0].error ?? '', /changed after the turn/);
  });

  it('sessions.diff shows the git workspace’s uncommitted changes', async () => {
    const diff = await sessionDiff(chat.client, chat.controller.sessionKey, 'uncommitted');
    assert.equal(diff.unavailableReason, undefined);
    assert.equal(diff.branch, 'main');
    const byPath = new Map(diff.files.map((f) => [f.path, f]));
    assert.ok(byPath.get('kept.txt')?.untracked, 'the kept file, untracked');
    assert.match(byPath.get('kept.txt')?.patch ?? '', /\+goodbye from the fake model/);
    assert.equal(byPath.has('made.txt'), false, 'the reverted file is gone');
    const unknown = await sessionDiff(chat.client, 'agent:main:never-was-a-session', 'all');
    assert.equal(unknown.unavailableReason, 'unknown_session');
  });
});
