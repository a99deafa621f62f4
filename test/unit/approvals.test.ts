/**
 * Exec approvals and `ask_user` questions without VS Code: the recorded frames are read, the fake
 * gateway (tools/fake-approvals.ts) asks like the real one, and the chat page's requests go through
 * the ChatBridge, which checks them in the host and asks a modal before "allow always".
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { chatPage } from '../support/chat-page';
import { ChatController } from '../../src/extension/chat-controller';
import { storeDeviceTokenKey } from '../../src/gateway/constants';
import { gatewayOrigin } from '../../src/gateway/gateway-url';
import {
  readApprovalReplay,
  readExecApprovalList,
  readExecApprovalRequest,
  readExecApprovalResolved,
  readQuestionOutcome,
  readQuestionRecord,
  readSessionApproval,
} from '../../src/gateway/payloads';
import type { ChatItem, HostMessage } from '../../src/protocol/webview';
import { FakeApprovals } from '../../tools/fake-approvals';
import { FakeGateway } from '../../tools/fake-gateway';
import { makeClient, TOKEN } from '../support/clients';
import { readTranscript } from '../support/transcripts';
import { waitFor, waitForState } from '../support/wait';
import { hostServices } from '../support/composer-services';

const SESSION = 'agent:main:main';
type Card<K extends 'approval' | 'question'> = Extract<ChatItem, { kind: K }>;

describe('approvals and questions', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(confirmAnswer = true) {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const fake = new FakeApprovals(gw);
    const client = makeClient(gw.url);
    const controller = new ChatController(client, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined });
    const confirms: string[] = [];
    const services = hostServices({
      insertIntoActiveEditor: async () => true,
      confirm: async (message, detail) => {
        confirms.push(`${message} ${detail}`);
        return confirmAnswer;
      },
    });
    const { bridge, posted, ask } = chatPage(controller, services);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
      () => controller.dispose(),
      () => bridge.dispose(),
    );
    client.start();
    await waitForState(client, 'connected');
    bridge.receive({ type: 'ready' });
    const request = (method: 'decideApproval' | 'answerQuestion' | 'skipQuestion', params: Record<string, unknown>) => ask(method, params);
    /** The last version of a card the page was sent (upsert or snapshot). */
    const card = <K extends 'approval' | 'question'>(kind: K, id: string): Card<K> | undefined => {
      for (let i = posted.length - 1; i >= 0; i--) {
        const m = posted[i];
        const items = m.type === 'upsert' ? [m.item] : m.type === 'snapshot' ? m.items : [];
        const found = items.find(
          (item) => item.kind === kind && (kind === 'approval' ? (item as Card<'approval'>).approvalId : (item as Card<'question'>).questionId) === id,
        );
        if (found) return found as Card<K>;
      }
      return undefined;
    };
    return { gw, fake, client, controller, posted, confirms, request, card };
  }

  it('reads every recorded approval and question frame of the real gateway', () => {
    const frames = readTranscript('approvals.jsonl').flatMap((line) => (line.frame ? [line.frame] : []));
    const events = (name: string) => frames.filter((f) => f.type === 'event' && f.event === name).map((f) => f.payload);
    const requested = events('exec.approval.requested');
    assert.ok(requested.length >= 3);
    for (const payload of requested) {
      const approval = readExecApprovalRequest(payload);
      assert.ok(approval, 'a requested approval is read');
      assert.match(approval.command, /^echo approved-/);
      assert.deepEqual(approval.allowedDecisions, ['allow-once', 'deny']);
      assert.ok(approval.sessionKey && approval.runId && approval.toolCallId && approval.expiresAtMs);
    }
    const sessionApprovals = events('session.approval').map(readSessionApproval);
    assert.ok(sessionApprovals.some((s) => s && 'pending' in s));
    assert.ok(sessionApprovals.some((s) => s && 'ended' in s && s.ended.status === 'cancelled'));
    for (const payload of events('exec.approval.resolved')) assert.ok(readExecApprovalResolved(payload)?.decision);
    const replies = frames.filter((f) => f.type === 'res' && f.ok && Array.isArray(f.payload));
    assert.ok(
      replies.some((f) => readExecApprovalList(f.payload).length === 1),
      'an exec.approval.list row',
    );
    const replay = frames.find((f) => f.type === 'res' && f.payload?.approvalReplay?.approvals?.length);
    assert.equal(readApprovalReplay(replay?.payload)[0]?.command.startsWith('echo approved-'), true, 'the replay after a reconnect');
    const question = readQuestionRecord(events('question.requested')[0]);
    assert.deepEqual(
      question?.questions.map((q) => [q.id, q.multiSelect, q.other, q.options.map((o) => o.label)]),
      [
        ['color', false, true, ['Red', 'Blue']],
        ['size', true, true, ['S', 'M', 'L']],
      ],
    );
    const answered = { color: ['Blue'], size: ['S', 'L'] };
    assert.deepEqual(events('question.resolved').map(readQuestionOutcome), [
      { id: 'ask_8fc26eec91329c955146db94279d8b21', status: 'answered', answers: answered },
      { id: 'ask_08df9d31b8686cf0d94c9988b925bd1e', status: 'cancelled' },
      { id: 'ask_7cd0c03d2292322a2aafb73484ad6838', status: 'expired' },
    ]);
    // question.resolve's own answers, the accepted one and the cancel (the refused ones carry no payload).
    const resolves = frames.filter((f) => f.type === 'res' && f.ok && String(f.id).startsWith('questionresolve-'));
    assert.deepEqual(
      resolves.map((f) => readQuestionOutcome(f.payload)),
      [{ status: 'answered', answers: answered }, { status: 'cancelled' }],
    );
  });

  it('shows an approval card, refuses ids that are not pending and decisions not offered, and allows once without a modal', async () => {
    const { fake, request, card, confirms } = await setup();
    const id = fake.ask({ command: 'echo hello && rm -rf /tmp/x', sessionKey: SESSION, cwd: '/work' });
    const shown = await waitFor(() => card('approval', id), 'approval card');
    assert.equal(shown.command, 'echo hello && rm -rf /tmp/x');
    assert.equal(shown.cwd, '/work');
    assert.deepEqual(shown.decisions, ['allow-once', 'deny']);
    assert.equal(shown.state, 'pending');
    assert.ok(shown.expiresAtMs && shown.expiresAtMs > Date.now());

    const unknown = await request('decideApproval', { id: '5e517dd8-ff3d-4d27-937a-b899112e8924', decision: 'allow-once' });
    assert.equal(unknown.ok, false);
    assert.match(unknown.error ?? '', /not waiting for this approval/);
    const notOffered = await request('decideApproval', { id, decision: 'allow-always' });
    assert.equal(notOffered.ok, false);
    assert.match(notOffered.error ?? '', /does not offer "allow-always"/);
    assert.equal(fake.approvals.get(id)?.status, 'pending', 'nothing was sent');

    const allowed = await request('decideApproval', { id, decision: 'allow-once' });
    assert.deepEqual(allowed.result, { decided: true });
    assert.equal(confirms.length, 0, 'allow once needs no modal');
    assert.equal(fake.approvals.get(id)?.status, 'allowed');
    const after = await waitFor(() => (card('approval', id)?.state === 'allowed' ? card('approval', id) : undefined), 'card allowed');
    assert.equal(after.outcome, 'Allowed once by you');
    const again = await request('decideApproval', { id, decision: 'deny' });
    assert.match(again.error ?? '', /already ended \(allowed\)/);
  });

  it('asks in a modal before allowing always, and sends nothing when the person cancels', async () => {
    const cancelled = await setup(false);
    const id = cancelled.fake.ask({ command: 'npm test', sessionKey: SESSION, allowedDecisions: ['allow-once', 'allow-always', 'deny'] });
    await waitFor(() => cancelled.card('approval', id), 'card');
    const reply = await cancelled.request('decideApproval', { id, decision: 'allow-always' });
    assert.deepEqual(reply.result, { decided: false });
    assert.equal(cancelled.confirms.length, 1);
    assert.match(cancelled.confirms[0], /Always allow this command\?.*npm test/s);
    assert.equal(cancelled.fake.approvals.get(id)?.status, 'pending', 'the gateway was told nothing');

    const confirmed = await setup(true);
    const id2 = confirmed.fake.ask({ command: 'npm test', sessionKey: SESSION, allowedDecisions: ['allow-once', 'allow-always', 'deny'] });
    await waitFor(() => confirmed.card('approval', id2), 'card');
    assert.deepEqual((await confirmed.request('decideApproval', { id: id2, decision: 'allow-always' })).result, { decided: true });
    assert.equal(confirmed.fake.approvals.get(id2)?.decision, 'allow-always');
    assert.equal(
      (await waitFor(() => confirmed.card('approval', id2)?.outcome?.startsWith('Always allowed') && confirmed.card('approval', id2), 'allowed always'))
        .outcome,
      'Always allowed by you',
    );
  });

  it('shows a decision made by another operator, and the approvals still pending after a reconnect exactly once', async () => {
    const { gw, fake, client, controller, card, posted } = await setup();
    const other = fake.ask({ command: 'echo other', sessionKey: SESSION });
    await waitFor(() => card('approval', other), 'card');
    fake.end(other, 'denied', 'deny', 'ops-laptop');
    const denied = await waitFor(() => (card('approval', other)?.state === 'denied' ? card('approval', other) : undefined), 'denied');
    assert.equal(denied.outcome, 'Denied by another operator (ops-laptop)');

    const kept = fake.ask({ command: 'echo survives', sessionKey: SESSION });
    const ended = fake.ask({ command: 'echo ends meanwhile', sessionKey: SESSION });
    await waitFor(() => controller.approvals.pendingCount === 2, 'two pending');
    gw.dropAll();
    await waitForState(client, 'reconnecting');
    // While VS Code is away, the gateway cancels one (its run was stopped) and tells nobody.
    fake.approvals.get(ended)!.status = 'cancelled';
    const replays = gw.requests('sessions.messages.subscribe').length;
    await waitForState(client, 'connected');
    await waitFor(() => gw.requests('sessions.messages.subscribe').length > replays, 'the replay asked for again');
    await waitFor(() => controller.approvals.approval(ended)?.state === 'cancelled', 'the ended one shows so');
    assert.equal(controller.approvals.pendingCount, 1);
    const [still] = controller.approvals.pending();
    assert.equal(still.kind === 'approval' && still.approval.id, kept);
    await waitFor(() => card('approval', ended)?.state === 'cancelled', 'its card shows so');
    const snapshot = [...posted].reverse().find((m): m is Extract<HostMessage, { type: 'snapshot' }> => m.type === 'snapshot');
    const last = snapshot?.items.filter((i) => i.kind === 'approval' && i.approvalId === kept) ?? [];
    assert.ok(last.length <= 1, 'never a duplicate card');
  });

  it('answers a question (checked against what it asks, answers never logged) and skips another', async () => {
    const { fake, client, request, card } = await setup();
    const id = fake.askQuestion(SESSION);
    const shown = await waitFor(() => card('question', id), 'question card');
    assert.deepEqual(
      shown.questions.map((q) => q.id),
      ['color', 'size'],
    );
    const partial = await request('answerQuestion', { id, answers: [{ questionId: 'color', values: ['Blue'] }] });
    assert.match(partial.error ?? '', /Answer "Size" first, or skip the question/);
    const tooMany = await request('answerQuestion', {
      id,
      answers: [
        { questionId: 'color', values: ['Red', 'Blue'] },
        { questionId: 'size', values: ['S'] },
      ],
    });
    assert.match(tooMany.error ?? '', /"Color" takes one answer/);
    const answered = await request('answerQuestion', {
      id,
      answers: [
        { questionId: 'color', values: ['Teal of my own words'] },
        { questionId: 'size', values: ['S', 'L'] },
      ],
    });
    assert.deepEqual(answered.result, { answered: true });
    assert.deepEqual(fake.questions.get(id)?.answers, { answers: { color: ['Teal of my own words'], size: ['S', 'L'] } });
    assert.equal((await waitFor(() => card('question', id)?.state === 'answered' && card('question', id), 'answered')).outcome, 'Answered by you');
    assert.ok(!client.logs.some(([, line]) => line.includes('Teal of my own words')), 'the answers stay out of the log');

    const skippedId = fake.askQuestion(SESSION);
    await waitFor(() => card('question', skippedId), 'second card');
    assert.deepEqual((await request('skipQuestion', { id: skippedId })).result, { skipped: true });
    assert.equal(fake.questions.get(skippedId)?.status, 'cancelled');
    assert.equal(
      (await waitFor(() => card('question', skippedId)?.state === 'skipped' && card('question', skippedId), 'skipped')).outcome,
      'Skipped: the agent goes on without an answer',
    );
  });

  it('widens a paired device to the new scopes with the shared token, and says how to when it has only the device token', async () => {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    cleanups.push(() => gw.stop());
    const first = makeClient(gw.url);
    cleanups.push(() => first.close());
    first.start();
    await waitForState(first, 'connected');
    await waitFor(() => first.store.values.get(storeDeviceTokenKey(gatewayOrigin(gw.url))), 'device token');
    first.close();
    // As if the device had been paired by a version that asked for fewer scopes.
    const [device] = gw.paired.values();
    device.scopes = ['operator.read', 'operator.write', 'operator.admin'];

    const deviceOnly = makeClient(gw.url, { store: first.store, token: undefined });
    cleanups.push(() => deviceOnly.close());
    deviceOnly.start();
    const failed = await waitForState(deviceOnly, 'failed');
    assert.equal(failed.reason, 'scope-upgrade');
    assert.match(failed.message, /Set the gateway's token with "OpenClaw: Set Gateway Token"/);
    assert.match(failed.message, /openclaw devices approve/);
    deviceOnly.close();

    new FakeApprovals(gw);
    const shared = makeClient(gw.url, { store: first.store });
    cleanups.push(() => shared.close());
    shared.start();
    const connected = await waitForState(shared, 'connected');
    assert.ok(connected.scopes.includes('operator.approvals') && connected.scopes.includes('operator.questions'));
    assert.equal(shared.approvals.route.approvals, 'ok');
    shared.close();

    // From then on the device token alone covers them.
    const again = makeClient(gw.url, { store: first.store, token: undefined });
    cleanups.push(() => again.close());
    again.start();
    assert.ok((await waitForState(again, 'connected')).scopes.includes('operator.approvals'));
  });

  it('says the gateway routes nothing here when it withholds the scopes', async () => {
    const gw = await new FakeGateway({ token: TOKEN, grantScopes: ['operator.read', 'operator.write'] }).start();
    new FakeApprovals(gw);
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');
    assert.deepEqual(client.approvals.route, { approvals: 'missing-scope', questions: 'missing-scope' });
  });
});
