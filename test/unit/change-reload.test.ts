/**
 * A turn's change-set row after the transcript is read again from chat.history (a reconnect's
 * resync, a session switch and back): history has no such row, so the controller puts back the
 * ones its tracker still holds, after the turn's last item, and they still keep and revert. Runs
 * the controller against the fake gateway, whose run writes a real file in a temporary folder.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { ChatController } from '../../src/extension/chat-controller';
import { nodeChangeFiles } from '../../src/extension/changes/workspace-files';
import type { ChatItem } from '../../src/protocol/webview';
import { FakeGateway, MAIN_SESSION, type FakeToolCall } from '../../tools/fake-gateway';
import { makeClient, TOKEN } from '../support/clients';
import { readTranscript } from '../support/transcripts';
import { seedLongSession } from '../support/sessions';
import { waitFor, waitForState } from '../support/wait';
import { FIRST_PAGE } from '../../src/extension/history-window';

// The recorded `write` of the real gateway: its arguments and its result with `details.patch`.
const [start, result] = readTranscript('diff-write-tool.jsonl').map((line) => line.frame!.payload.data);

const shape = (items: readonly ChatItem[]) =>
  items.map((i) => (i.kind === 'tool' ? `tool:${i.tool.name}` : i.kind === 'user' || i.kind === 'assistant' ? `${i.kind}:${i.text}` : i.kind));

describe('change sets across a history reload', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'oc-change-reload-')));
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const write: FakeToolCall = {
      name: 'write',
      args: start.args,
      result: result.result,
      run: () => writeFileSync(path.join(root, 'probe-notes.txt'), start.args.content),
    };
    gw.toolCalls = (message) => (message.startsWith('WRITEFILE') ? [write] : []);
    const client = makeClient(gw.url);
    const controller = new ChatController(client, {
      log: () => undefined,
      thinking: () => undefined,
      saveSession: () => undefined,
      changes: { root: () => root, files: nodeChangeFiles, log: () => undefined },
    });
    cleanups.push(
      () => rmSync(root, { recursive: true, force: true }),
      () => gw.stop(),
      () => client.close(),
      () => controller.dispose(),
    );
    client.start();
    await waitForState(client, 'connected');
    await waitFor(() => !controller.loading, 'first history');
    return { root, gw, controller };
  }

  async function turn(controller: ChatController, text: string): Promise<void> {
    const before = controller.transcript.filter((i) => i.kind === 'assistant' && !i.streaming).length;
    controller.send(text);
    await waitFor(() => !controller.busy && controller.transcript.filter((i) => i.kind === 'assistant' && !i.streaming).length > before, `reply to ${text}`);
  }

  const expected = ['user:WRITEFILE please', 'tool:write', 'assistant:Echo: WRITEFILE please', 'changes', 'user:and then', 'assistant:Echo: and then'];

  it('puts the row back after its turn when history is read again, and it still reverts', async () => {
    const { root, controller } = await setup();
    await turn(controller, 'WRITEFILE please');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'changes'), 'the change set row');
    await turn(controller, 'and then');
    assert.deepEqual(shape(controller.transcript), expected);

    await controller.reloadHistory();
    assert.deepEqual(shape(controller.transcript), expected, 'the row is where it was after the reload');
    const row = controller.transcript.find((i) => i.kind === 'changes');
    assert.ok(row?.kind === 'changes');
    assert.deepEqual(row.files, [{ path: 'probe-notes.txt', additions: 1, deletions: 0, state: 'pending' }]);
    // The tool card keeps the diff Open Diff can open, not only the numbered one history kept.
    const card = controller.transcript.find((i) => i.kind === 'tool');
    assert.ok(card?.kind === 'tool');
    assert.equal(card.tool.diffs?.[0].openable, true);

    assert.deepEqual(await controller.changes.decide(row.id, undefined, 'revert'), []);
    assert.equal(existsSync(path.join(root, 'probe-notes.txt')), false);
    const reverted = controller.transcript.find((i) => i.kind === 'changes');
    assert.ok(reverted?.kind === 'changes');
    assert.equal(reverted.files[0].state, 'reverted', 'the row on screen says what happened');
  });

  it('puts the row back in an earlier page of history when that page holds the turn', async () => {
    const { gw, controller } = await setup();
    await turn(controller, 'WRITEFILE please');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'changes'), 'the change set row');
    seedLongSession(gw, MAIN_SESSION, FIRST_PAGE);
    await controller.reloadHistory();
    assert.equal(controller.earlier, 4, 'the turn is older than the first page');
    assert.equal(
      controller.transcript.some((i) => i.kind === 'changes'),
      false,
      'no row without its turn',
    );
    await controller.loadEarlier();
    assert.deepEqual(shape(controller.transcript).slice(0, 5), [
      'user:WRITEFILE please',
      'tool:write',
      'assistant:Echo: WRITEFILE please',
      'changes',
      'user:question 0',
    ]);
  });

  it('shows the row again after switching to another session and back, and never in the other one', async () => {
    const { controller } = await setup();
    await turn(controller, 'WRITEFILE please');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'changes'), 'the change set row');
    await turn(controller, 'and then');
    await controller.switchSession('agent:main:elsewhere');
    await waitFor(() => !controller.loading, 'the other session');
    assert.equal(
      controller.transcript.some((i) => i.kind === 'changes'),
      false,
    );
    await controller.switchSession(MAIN_SESSION);
    await waitFor(() => !controller.loading && controller.transcript.length > 0, 'back');
    assert.deepEqual(shape(controller.transcript), expected);
  });
});
