/**
 * Exec approvals and `ask_user` questions against the real `openclaw` gateway with
 * `tools.exec.mode: "ask"` and our offline model (EXEC, ASKUSER): the chat core (ChatController,
 * ChatBridge) as VS Code runs it, minus VS Code. One gateway serves the suite in order; the
 * SIGKILL restart runs last.
 *
 *   npx tsx --test test/gateway/approvals.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chatPage } from '../support/chat-page';
import { ChatController } from '../../src/extension/chat-controller';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { ChatItem } from '../../src/protocol/webview';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { makeClient } from '../support/clients';
import { waitFor, waitForState } from '../support/wait';
import { hostServices } from '../support/composer-services';

const SUITE_TIMEOUT = 20 * 60_000;
/** A turn on a busy 2-core machine: the model is instant, the gateway is not. */
const TURN_MS = 120_000;
type Card<K extends 'approval' | 'question'> = Extract<ChatItem, { kind: K }>;

describe('approvals and questions against the real openclaw gateway', { timeout: SUITE_TIMEOUT }, () => {
  let gw: GatewayHandle;
  const disposers: Array<() => unknown> = [];

  before(async () => {
    gw = await startGateway({ config: { tools: { exec: { mode: 'ask' } } } });
  });

  after(async () => {
    for (const dispose of disposers.splice(0).reverse()) await dispose();
    await gw?.dispose();
  });

  function client(): GatewayClient & { logs: Array<[string, string]> } {
    const c = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 10_000, requestTimeoutMs: 30_000, backoff: { initialMs: 250, maxMs: 2000 } });
    disposers.push(() => c.close());
    return c;
  }

  /** The chat core on its own connection, showing `session`, with a page that records what it is sent. */
  async function chat(session: string) {
    const c = client();
    const controller = new ChatController(c, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined, initialSession: session });
    const { bridge, ask } = chatPage(controller, hostServices({ insertIntoActiveEditor: async () => true }));
    disposers.push(
      () => controller.dispose(),
      () => bridge.dispose(),
    );
    c.start();
    await waitForState(c, 'connected', 60_000);
    bridge.receive({ type: 'ready' });
    const request = async (method: 'decideApproval' | 'answerQuestion' | 'skipQuestion', params: Record<string, unknown>) => {
      const reply = await ask(method, params, 60_000);
      assert.equal(reply.error, undefined, `the ${method} request failed`);
      return reply.result;
    };
    const cards = <K extends 'approval' | 'question'>(kind: K) => controller.transcript.filter((i): i is Card<K> => i.kind === kind);
    const waitCard = <K extends 'approval' | 'question'>(kind: K, state: string, what: string) =>
      waitFor(() => cards(kind).find((c) => (c as Card<'approval'> | Card<'question'>).state === state), what, TURN_MS);
    const tools = () => controller.transcript.filter((i): i is Extract<ChatItem, { kind: 'tool' }> => i.kind === 'tool');
    const idle = () => waitFor(() => !controller.busy, 'the turn to end', TURN_MS);
    return { client: c, controller, request, cards, waitCard, tools, idle };
  }

  it('allow once: the command runs, its output shows in the tool card, and the turn goes on', async () => {
    const { controller, request, waitCard, cards, tools, idle } = await chat(`agent:main:appr-allow-${Date.now().toString(36)}`);
    const marker = `approved-${Date.now()}`;
    controller.send(`EXEC \`echo ${marker}\``);
    const card = await waitCard('approval', 'pending', 'an approval card');
    assert.equal(card.command, `echo ${marker}`);
    assert.deepEqual(card.decisions, ['allow-once', 'deny']);
    assert.ok(card.expiresAtMs && card.expiresAtMs - Date.now() > 25 * 60_000, 'about 30 minutes to decide');
    assert.deepEqual(await request('decideApproval', { id: card.approvalId, decision: 'allow-once' }), { decided: true });
    await idle();
    const exec = await waitFor(
      () => tools().find((t) => t.tool.name === 'exec' && t.tool.result?.includes(marker)),
      'the exec tool card with its output',
      TURN_MS,
    );
    assert.equal(exec.tool.state, 'done');
    assert.equal(cards('approval').length, 1, 'one card, never a duplicate');
    assert.equal(cards('approval')[0].outcome, 'Allowed once by you');
    assert.ok(controller.transcript.some((i) => i.kind === 'assistant' && i.text.includes(`Tool exec result: ${marker}`)));
  });

  it('deny: the denial shows and the turn ends normally', async () => {
    const { controller, request, waitCard, tools, idle } = await chat(`agent:main:appr-deny-${Date.now().toString(36)}`);
    controller.send(`EXEC \`echo approved-${Date.now()}\``);
    const card = await waitCard('approval', 'pending', 'an approval card');
    assert.deepEqual(await request('decideApproval', { id: card.approvalId, decision: 'deny' }), { decided: true });
    await idle();
    assert.equal((await waitCard('approval', 'denied', 'the card denied')).outcome, 'Denied by you');
    const exec = await waitFor(() => tools().find((t) => t.tool.name === 'exec' && t.tool.result), 'the exec result', TURN_MS);
    assert.match(exec.tool.result ?? '', /denied/i);
    assert.ok(!controller.transcript.some((i) => i.kind === 'notice' && i.level === 'error'), 'no error notice: the turn ended normally');
  });

  it('a decision from a second operator connection updates our card', async () => {
    const { controller, waitCard, idle } = await chat(`agent:main:appr-other-${Date.now().toString(36)}`);
    const other = client();
    other.start();
    await waitForState(other, 'connected', 60_000);
    controller.send(`EXEC \`echo approved-${Date.now()}\``);
    const card = await waitCard('approval', 'pending', 'an approval card');
    const result = await other.approvals.resolve(card.approvalId, 'allow-once');
    assert.equal(result.applied, true);
    const decided = await waitCard('approval', 'allowed', 'our card allowed by the other operator');
    assert.match(decided.outcome ?? '', /^Allowed once by another operator/);
    await idle();
  });

  it('a question answered, and one skipped', async () => {
    // ask_user runs in the main session only.
    const { controller, request, waitCard, idle } = await chat('agent:main:main');
    controller.send('ASKUSER60 please');
    const asked = await waitCard('question', 'pending', 'a question card');
    assert.deepEqual(
      asked.questions.map((q) => q.id),
      ['color', 'size'],
    );
    const answers = [
      { questionId: 'color', values: ['Blue'] },
      { questionId: 'size', values: ['S', 'L'] },
    ];
    assert.deepEqual(await request('answerQuestion', { id: asked.questionId, answers }), { answered: true });
    await idle();
    assert.equal((await waitCard('question', 'answered', 'answered')).outcome, 'Answered by you');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && /Color: Blue/.test(i.text)), 'the agent got the answer', TURN_MS);

    controller.send('ASKUSER60 again');
    const second = await waitFor(
      () => controller.transcript.find((i): i is Card<'question'> => i.kind === 'question' && i.state === 'pending'),
      'a second question',
      TURN_MS,
    );
    assert.notEqual(second.questionId, asked.questionId);
    assert.deepEqual(await request('skipQuestion', { id: second.questionId }), { skipped: true });
    await idle();
    await waitCard('question', 'skipped', 'skipped');
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && /cancelled/.test(i.text)), 'the agent went on without an answer', TURN_MS);
  });

  it('a pending approval survives a reconnect of the client and a SIGKILL restart of the gateway, exactly once', async (t) => {
    const { client: c, controller, request, cards, waitCard, tools, idle } = await chat(`agent:main:appr-restart-${Date.now().toString(36)}`);
    const marker = `approved-${Date.now()}`;
    controller.send(`EXEC \`echo ${marker}\``);
    const card = await waitCard('approval', 'pending', 'an approval card');

    // The client's socket drops: the gateway keeps waiting, and the replay brings it back once.
    const states: string[] = [];
    disposers.push(c.onState((state) => states.push(state.kind)));
    c.reconnect();
    await waitFor(
      () => states.lastIndexOf('connected') > states.findIndex((k) => k !== 'connected') && states.some((k) => k !== 'connected'),
      'connected again',
      60_000,
    );
    await waitFor(() => controller.approvals.approval(card.approvalId)?.state === 'pending', 'still pending after the reconnect', 30_000);
    assert.equal(cards('approval').length, 1, 'no duplicate card after the reconnect');

    // SIGKILL: whatever the gateway knows after its restart, our card says the same.
    await gw.kill();
    await waitForState(c, 'reconnecting', 30_000);
    await gw.start();
    await waitForState(c, 'connected', 120_000);
    const listed = await c.approvals.pending();
    const stillPending = listed.some((a) => a.id === card.approvalId);
    // Observed on 2026.9.6: gone after the SIGKILL (its restart recovery re-runs the session instead).
    t.diagnostic(`after the SIGKILL the gateway ${stillPending ? 'still waits for' : 'no longer knows'} the approval`);
    if (stillPending) {
      await waitFor(() => controller.approvals.approval(card.approvalId)?.state === 'pending', 'pending after the restart', 30_000);
      assert.deepEqual(await request('decideApproval', { id: card.approvalId, decision: 'allow-once' }), { decided: true });
      await waitFor(() => tools().find((t) => t.tool.name === 'exec' && t.tool.result?.includes(marker)), 'the command ran after the restart', TURN_MS);
    } else {
      const ended = await waitFor(
        () => cards('approval').find((i) => i.approvalId === card.approvalId && i.state !== 'pending'),
        'the card ended after the restart',
        60_000,
      );
      assert.ok(ended.outcome, `the card says how it ended (${ended.state})`);
      assert.throws(() => controller.approvals.checkDecidable(card.approvalId, 'allow-once'), /already ended/);
    }
    assert.equal(cards('approval').filter((i) => i.approvalId === card.approvalId).length, 1, 'exactly one card for it');
    await idle().catch(() => undefined);
  });
});
