/**
 * The host's list of approvals and questions (src/extension/approvals.ts) over a fake client: the
 * events it is told, the lists it asks for after each connection, the decisions and answers it
 * sends, and the expiry it marks. approvals.test.ts covers the same through a ws gateway, too
 * slowly to run once per mutant.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { ApprovalRoute, DecisionResult } from '../../src/gateway/approvals-api';
import type { ConnectionState } from '../../src/gateway/connection-state';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { AgentQuestion, ApprovalSnapshot, ExecApproval } from '../../src/gateway/payloads';
import type { ApprovalDecision, EventFrame } from '../../src/protocol/gateway';
import { Approvals, type ApprovalsChange } from '../../src/extension/approvals';
import { connectedState } from './fake-connection';

const SESSION = 'agent:main:main';
const OTHER = 'agent:main:other';

/** What the fake gateway's approvals API answers; each a function so a test can make it fail or wait. */
class FakeApprovalsApi {
  route: ApprovalRoute = { approvals: 'ok', questions: 'ok' };
  calls: string[] = [];
  listed: ExecApproval[] = [];
  questionsListed: AgentQuestion[] = [];
  replay: ExecApproval[] = [];
  snapshots = new Map<string, ApprovalSnapshot>();
  questionRecords = new Map<string, AgentQuestion>();
  resolveWith: (id: string, decision: ApprovalDecision) => Promise<DecisionResult> = async (id, decision) => ({
    applied: true,
    resolution: { id, status: decision === 'deny' ? 'denied' : 'allowed', decision, reason: 'user' },
  });
  answerWith: () => Promise<boolean> = async () => true;
  skipWith: () => Promise<boolean> = async () => true;
  pendingWith: () => Promise<ExecApproval[]> = async () => this.listed;
  pendingQuestionsWith: () => Promise<AgentQuestion[]> = async () => this.questionsListed;
  watchWith: (key: string) => Promise<ExecApproval[]> = async () => this.replay;
  unwatchWith: (key: string) => Promise<void> = async () => undefined;
  lookupWith: (id: string) => Promise<ApprovalSnapshot | undefined> = async (id) => this.snapshots.get(id);
  lookupQuestionWith: (id: string) => Promise<AgentQuestion | undefined> = async (id) => this.questionRecords.get(id);
  answersSent: Array<Record<string, string[]>> = [];

  pending(): Promise<ExecApproval[]> {
    this.calls.push('pending');
    return this.pendingWith();
  }
  pendingQuestions(): Promise<AgentQuestion[]> {
    this.calls.push('pendingQuestions');
    return this.pendingQuestionsWith();
  }
  watchSession(key: string): Promise<ExecApproval[]> {
    this.calls.push(`watch ${key}`);
    return this.watchWith(key);
  }
  unwatchSession(key: string): Promise<void> {
    this.calls.push(`unwatch ${key}`);
    return this.unwatchWith(key);
  }
  resolve(id: string, decision: ApprovalDecision): Promise<DecisionResult> {
    this.calls.push(`resolve ${id} ${decision}`);
    return this.resolveWith(id, decision);
  }
  answerQuestion(id: string, answers: Record<string, string[]>): Promise<boolean> {
    this.calls.push(`answer ${id}`);
    this.answersSent.push(answers);
    return this.answerWith();
  }
  skipQuestion(id: string): Promise<boolean> {
    this.calls.push(`skip ${id}`);
    return this.skipWith();
  }
  lookup(id: string): Promise<ApprovalSnapshot | undefined> {
    this.calls.push(`lookup ${id}`);
    return this.lookupWith(id);
  }
  lookupQuestion(id: string): Promise<AgentQuestion | undefined> {
    this.calls.push(`lookupQuestion ${id}`);
    return this.lookupQuestionWith(id);
  }
}

class FakeClient {
  state: ConnectionState = { kind: 'idle' };
  url = 'ws://gateway-a';
  readonly approvals = new FakeApprovalsApi();
  private readonly eventListeners = new Set<(frame: EventFrame) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();

  onEvent(listener: (frame: EventFrame) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  event(event: string, payload: unknown): void {
    for (const listener of this.eventListeners) listener({ type: 'event', event, payload });
  }
  setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
  get listenerCount(): number {
    return this.eventListeners.size + this.stateListeners.size;
  }
}

/** Lets the promises the store started settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function requested(id: string, request: Record<string, unknown> = {}, times: { createdAtMs?: number; expiresAtMs?: number } = {}) {
  return { id, request: { command: `echo ${id}`, sessionKey: SESSION, allowedDecisions: ['allow-once', 'allow-always', 'deny'], ...request }, ...times };
}

function approval(id: string, more: Partial<ExecApproval> = {}): ExecApproval {
  return { id, command: `echo ${id}`, sessionKey: SESSION, warnings: [], allowedDecisions: ['allow-once', 'deny'], ...more };
}

function question(id: string, more: Partial<AgentQuestion> = {}): AgentQuestion {
  return {
    id,
    sessionKey: SESSION,
    status: 'pending',
    questions: [{ id: 'color', header: 'Color', question: 'Which?', options: [{ label: 'Red' }], multiSelect: false, other: false, secret: false }],
    ...more,
  };
}

function questionPayload(id: string, more: Record<string, unknown> = {}) {
  return { id, sessionKey: SESSION, questions: [{ questionId: 'color', header: 'Color', question: 'Which?', options: [{ label: 'Red' }] }], ...more };
}

describe('Approvals (the host store)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function setup(options: { connect?: boolean } = {}) {
    const client = new FakeClient();
    const logs: Array<[string, string]> = [];
    const store = new Approvals(client as unknown as GatewayClient, { log: (level, message) => logs.push([level, message]) });
    const changes: ApprovalsChange[] = [];
    store.onChange((change) => changes.push(change));
    cleanups.push(() => store.dispose());
    if (options.connect !== false) {
      client.setState(connectedState());
      await settle();
    }
    return { client, api: client.approvals, store, logs, changes };
  }

  it('takes requested approvals, oldest first, per session, and learns later what a first reading lacked', async () => {
    const { client, store, changes } = await setup();
    client.event('exec.approval.requested', requested('b', {}, { createdAtMs: 2000 }));
    client.event('exec.approval.requested', requested('a', { sessionKey: OTHER }, { createdAtMs: 1000 }));
    assert.deepEqual(
      store.pending().map((e) => e.kind === 'approval' && e.approval.id),
      ['a', 'b'],
    );
    assert.equal(store.pendingCount, 2);
    assert.deepEqual(
      store.entriesOf(OTHER).map((e) => e.kind === 'approval' && e.approval.id),
      ['a'],
    );
    assert.deepEqual(
      changes.map((c) => c.kind === 'entry' && c.fresh),
      [true, true],
    );
    client.event('exec.approval.requested', requested('b', { cwd: '/work' }, { createdAtMs: 2000 }));
    assert.equal(store.approval('b')?.approval.cwd, '/work');
    assert.equal(changes.length, 3);
    assert.deepEqual(changes[2], { kind: 'entry', entry: store.approval('b'), fresh: false });
    // The same reading again tells nothing new.
    client.event('exec.approval.requested', requested('b', { cwd: '/work' }, { createdAtMs: 2000 }));
    assert.equal(changes.length, 3);
    client.event('exec.approval.requested', { id: 'broken' });
    client.event('sessions.changed', { id: 'c' });
    assert.equal(store.pendingCount, 2);
  });

  it('ends approvals as the gateway tells, keeps the first ending, and never takes an ended one back', async () => {
    const { client, store, changes } = await setup();
    client.event('exec.approval.requested', requested('a'));
    client.event('exec.approval.resolved', { id: 'a', decision: 'deny' });
    assert.equal(store.approval('a')?.state, 'denied');
    assert.equal(store.approval('a')?.decidedHere, false);
    assert.equal(store.pendingCount, 0);
    assert.equal(store.entriesOf(SESSION).length, 1, 'the ended one keeps its card');
    const before = changes.length;
    client.event('exec.approval.requested', requested('a', { cwd: '/learned-too-late' }));
    client.event('exec.approval.resolved', { id: 'a', decision: 'allow-once' });
    client.event('exec.approval.resolved', { id: 'a' });
    assert.equal(store.approval('a')?.state, 'denied');
    assert.equal(store.approval('a')?.approval.cwd, undefined, 'an ended approval learns nothing more');
    assert.equal(changes.length, before);
    // Who decided, told later, is added to the first ending.
    client.event('exec.approval.resolved', { id: 'a', decision: 'allow-once', resolvedBy: 'ops-laptop' });
    assert.equal(store.approval('a')?.resolution?.resolvedBy, 'ops-laptop');
    assert.equal(store.approval('a')?.resolution?.decision, 'deny');
    client.event('exec.approval.resolved', { id: 'a', decision: 'deny', resolvedBy: 'someone-else' });
    assert.equal(store.approval('a')?.resolution?.resolvedBy, 'ops-laptop');
    assert.equal(changes.length, before + 1);
    client.event('exec.approval.resolved', { id: 'unknown', decision: 'deny' });
    assert.equal(store.approval('unknown'), undefined);

    const pending = { sessionKey: OTHER, approval: { id: 's', status: 'pending', presentation: { kind: 'exec', commandText: 'ls' } } };
    client.event('session.approval', pending);
    assert.equal(store.approval('s')?.approval.sessionKey, OTHER);
    client.event('session.approval', { sessionKey: OTHER, approval: { id: 's', status: 'cancelled', reason: 'run-aborted' } });
    assert.equal(store.approval('s')?.state, 'cancelled');
    assert.equal(store.approval('s')?.resolution?.reason, 'run-aborted');
    client.event('session.approval', { approval: { id: 'x' } });
    assert.equal(store.approval('x'), undefined);
  });

  it('takes pending questions once and ends them as told', async () => {
    const { client, store, changes } = await setup();
    client.event('question.requested', questionPayload('q'));
    client.event('question.requested', questionPayload('q'));
    client.event('question.requested', questionPayload('done', { status: 'answered' }));
    client.event('question.requested', { id: 'broken' });
    assert.equal(changes.length, 1);
    assert.deepEqual(changes[0], { kind: 'entry', entry: store.question('q'), fresh: true });
    assert.equal(store.question('done'), undefined);
    assert.equal(store.question('q')?.state, 'pending');
    client.event('question.resolved', { status: 'answered' });
    client.event('question.resolved', { id: 'q', status: 'bogus' });
    assert.equal(store.question('q')?.state, 'pending');
    client.event('question.resolved', { id: 'q', status: 'answered', answers: { answers: { color: ['Red'] } } });
    assert.equal(store.question('q')?.state, 'answered');
    assert.deepEqual(store.question('q')?.answers, { color: ['Red'] });
    assert.equal(store.question('q')?.endedHere, false);
    client.event('question.resolved', { id: 'q', status: 'cancelled' });
    assert.equal(store.question('q')?.state, 'answered', 'an ended question stays as it ended');

    client.event('question.requested', questionPayload('c'));
    client.event('question.resolved', { id: 'c', status: 'cancelled' });
    assert.equal(store.question('c')?.state, 'cancelled', 'cancelled elsewhere is not skipped here');
  });

  it('refuses decisions it cannot send, each with its reason', async () => {
    const { client, api, store } = await setup();
    client.event('exec.approval.requested', requested('a', { allowedDecisions: ['allow-once'] }));
    assert.throws(() => store.checkDecidable('nope', 'deny'), /not waiting for this approval/);
    assert.throws(() => store.checkDecidable('a', 'allow-always'), /does not offer "allow-always"/);
    assert.equal(store.checkDecidable('a', 'deny').approval.id, 'a');
    api.route = { approvals: 'missing-scope', questions: 'ok' };
    assert.throws(() => store.checkDecidable('a', 'deny'), /does not let this VS Code decide/);
    api.route = { approvals: 'ok', questions: 'ok' };
    client.url = 'ws://gateway-b';
    assert.throws(() => store.checkDecidable('a', 'deny'), /not connected to the gateway that asked/);
    client.url = 'ws://gateway-a';
    client.state = { kind: 'idle' };
    assert.throws(() => store.checkDecidable('a', 'deny'), /not connected to the gateway that asked/);
    client.state = connectedState();
    let release: (result: DecisionResult) => void = () => undefined;
    api.resolveWith = () => new Promise((resolve) => (release = resolve));
    const deciding = store.decide('a', 'deny');
    assert.equal(store.approval('a')?.state, 'deciding');
    assert.equal(store.approval('a')?.sending, 'deny');
    assert.throws(() => store.checkDecidable('a', 'deny'), /already on its way/);
    release({ applied: true, resolution: { id: 'a', status: 'denied', decision: 'deny' } });
    assert.equal(await deciding, true);
    assert.throws(() => store.checkDecidable('a', 'deny'), /already ended \(denied\)/);
  });

  it('decides: applied is ours, too late shows how it ended, a failure lets the person try again', async () => {
    const { client, api, store, logs } = await setup();
    client.event('exec.approval.requested', requested('a'));
    assert.equal(await store.decide('a', 'allow-once'), true);
    const decided = store.approval('a')!;
    assert.equal(decided.state, 'allowed');
    assert.equal(decided.decidedHere, true);
    assert.equal(decided.sending, undefined);
    assert.deepEqual(logs.at(-1), ['info', 'approval a: allow-once applied']);

    client.event('exec.approval.requested', requested('late'));
    api.resolveWith = async (id) => ({ applied: false, resolution: { id, status: 'denied', decision: 'deny', resolvedBy: 'ops' } });
    assert.equal(await store.decide('late', 'allow-once'), false);
    assert.equal(store.approval('late')?.state, 'denied');
    assert.equal(store.approval('late')?.decidedHere, false);
    assert.equal(store.approval('late')?.sending, undefined);
    assert.deepEqual(logs.at(-1), ['info', 'approval late: allow-once came too late']);

    client.event('exec.approval.requested', requested('gone'));
    api.resolveWith = async () => ({ applied: false });
    api.snapshots.set('gone', { ended: { id: 'gone', status: 'expired', reason: 'timeout' } });
    assert.equal(await store.decide('gone', 'deny'), false);
    assert.equal(store.approval('gone')?.state, 'expired');
    assert.ok(api.calls.includes('lookup gone'));

    client.event('exec.approval.requested', requested('forgotten'));
    assert.equal(await store.decide('forgotten', 'deny'), false);
    assert.equal(store.approval('forgotten')?.state, 'cancelled');
    assert.equal(store.approval('forgotten')?.resolution?.reason, 'gone');

    client.event('exec.approval.requested', requested('fails'));
    api.resolveWith = async () => {
      throw new Error('socket closed');
    };
    await assert.rejects(store.decide('fails', 'deny'), /socket closed/);
    const failed = store.approval('fails')!;
    assert.equal(failed.state, 'pending');
    assert.equal(failed.sending, undefined);
    assert.equal(failed.error, 'Could not send the decision: socket closed');
    // The next try clears the last error.
    api.resolveWith = async (id) => ({ applied: true, resolution: { id, status: 'denied', decision: 'deny' } });
    await store.decide('fails', 'deny');
    assert.equal(store.approval('fails')?.error, undefined);
  });

  it('keeps an approval that ended meanwhile ended when its decision fails', async () => {
    const { client, api, store } = await setup();
    client.event('exec.approval.requested', requested('a'));
    api.resolveWith = async () => {
      client.event('exec.approval.resolved', { id: 'a', decision: 'allow-once', resolvedBy: 'ops' });
      throw new Error('timed out');
    };
    await assert.rejects(store.decide('a', 'deny'), /timed out/);
    assert.equal(store.approval('a')?.state, 'allowed');
    assert.equal(store.approval('a')?.error, undefined);
    assert.equal(store.approval('a')?.decidedHere, false, 'another decision than ours');
  });

  it('takes its own decision announced before the answer as its own', async () => {
    const { client, api, store } = await setup();
    client.event('exec.approval.requested', requested('a'));
    api.resolveWith = async (id) => {
      client.event('exec.approval.resolved', { id, decision: 'deny' });
      assert.equal(store.approval('a')?.decidedHere, true);
      return { applied: false };
    };
    await store.decide('a', 'deny');
    assert.equal(store.approval('a')?.state, 'denied');
    assert.equal(store.approval('a')?.decidedHere, true);
  });

  it('answers and skips questions, checked first, and settles those that ended elsewhere', async () => {
    const { client, api, store, logs } = await setup();
    assert.throws(() => store.checkDecidable('q', 'deny'), /not waiting for this approval/);
    await assert.rejects(store.answer('q', []), /not waiting for an answer/);
    client.event('question.requested', questionPayload('q'));
    await assert.rejects(store.answer('q', [{ questionId: 'nope', values: ['x'] }]), /did not ask "nope"/);
    assert.equal(store.question('q')?.state, 'pending', 'nothing sent for a bad answer');
    api.route = { approvals: 'ok', questions: 'unsupported' };
    await assert.rejects(store.skip('q'), /does not let this VS Code answer questions/);
    api.route = { approvals: 'ok', questions: 'ok' };
    client.url = 'ws://elsewhere';
    await assert.rejects(store.skip('q'), /not connected to the gateway that asked/);
    client.url = 'ws://gateway-a';

    let release: (answered: boolean) => void = () => undefined;
    api.answerWith = () => new Promise((resolve) => (release = resolve));
    const answering = store.answer('q', [{ questionId: 'color', values: [' Red '] }]);
    assert.equal(store.question('q')?.state, 'submitting');
    await assert.rejects(store.skip('q'), /already on its way/);
    release(true);
    assert.equal(await answering, true);
    assert.deepEqual(api.answersSent.at(-1), { color: ['Red'] });
    assert.equal(store.question('q')?.state, 'answered');
    assert.equal(store.question('q')?.endedHere, true);
    assert.deepEqual(store.question('q')?.answers, { color: ['Red'] });
    assert.deepEqual(logs.at(-1), ['info', 'question q: answered']);
    await assert.rejects(store.answer('q', [{ questionId: 'color', values: ['Red'] }]), /already ended \(answered\)/);

    client.event('question.requested', questionPayload('s'));
    assert.equal(await store.skip('s'), true);
    assert.equal(store.question('s')?.state, 'skipped');
    assert.ok(!api.calls.includes('lookupQuestion s'), 'a skip that applied needs no look-up');
    assert.deepEqual(logs.at(-1), ['info', 'question s: skipped']);

    client.event('question.requested', questionPayload('late'));
    api.skipWith = async () => false;
    api.questionRecords.set('late', question('late', { status: 'answered', answers: { color: ['Red'] } }));
    assert.equal(await store.skip('late'), false);
    assert.equal(store.question('late')?.state, 'answered');
    assert.deepEqual(store.question('late')?.answers, { color: ['Red'] });
    assert.deepEqual(logs.at(-1), ['info', 'question late: had already ended']);

    client.event('question.requested', questionPayload('gone'));
    api.answerWith = async () => false;
    assert.equal(await store.answer('gone', [{ questionId: 'color', values: ['Red'] }]), false);
    assert.equal(store.question('gone')?.state, 'skipped', 'forgotten by the gateway while ours was on its way');
    assert.deepEqual(logs.at(-1), ['info', 'question gone: had already ended']);

    client.event('question.requested', questionPayload('still'));
    api.questionRecords.set('still', question('still'));
    assert.equal(await store.answer('still', [{ questionId: 'color', values: ['Red'] }]), false);
    assert.equal(store.question('still')?.state, 'submitting', 'the gateway still asks: left as it is');

    client.event('question.requested', questionPayload('broken'));
    api.lookupQuestionWith = async () => {
      throw new Error('lookup failed');
    };
    assert.equal(await store.skip('broken'), false);
    assert.deepEqual(logs.at(-1), ['info', 'question broken: had already ended']);
    assert.ok(logs.some(([level, line]) => level === 'warn' && line === 'could not look up question broken: lookup failed'));
  });

  it('lets the person try again when an answer or a skip cannot be sent', async () => {
    const { client, api, store } = await setup();
    client.event('question.requested', questionPayload('q'));
    api.answerWith = async () => {
      throw new Error('offline');
    };
    await assert.rejects(store.answer('q', [{ questionId: 'color', values: ['Red'] }]), /offline/);
    assert.equal(store.question('q')?.state, 'pending');
    assert.equal(store.question('q')?.error, 'Could not send the answers: offline');
    api.skipWith = async () => {
      throw new Error('offline');
    };
    await assert.rejects(store.skip('q'), /offline/);
    assert.equal(store.question('q')?.error, 'Could not skip: offline');
    api.skipWith = async () => {
      client.event('question.resolved', { id: 'q', status: 'expired' });
      throw new Error('late');
    };
    await assert.rejects(store.skip('q'), /late/);
    assert.equal(store.question('q')?.state, 'expired', 'an ending told meanwhile stays');
    assert.equal(store.question('q')?.endedHere, false, 'expiry is nobody’s doing');
    assert.equal(store.question('q')?.error, undefined);

    client.event('question.requested', questionPayload('a'));
    api.answerWith = async () => {
      client.event('question.resolved', { id: 'a', status: 'answered' });
      throw new Error('late');
    };
    await assert.rejects(store.answer('a', [{ questionId: 'color', values: ['Red'] }]), /late/);
    assert.equal(store.question('a')?.state, 'answered');
    assert.equal(store.question('a')?.endedHere, true, 'announced while ours was on its way');
  });

  it('lists what is pending on each connection, and asks how what went missing ended', async () => {
    const { client, api, store, logs } = await setup({ connect: false });
    api.listed = [approval('kept', { createdAtMs: 1 }), approval('gone', { createdAtMs: 2 }), approval('still', { createdAtMs: 3 })];
    api.questionsListed = [question('q1'), question('q2')];
    client.setState(connectedState());
    await settle();
    assert.deepEqual(api.calls, ['pending', 'pendingQuestions']);
    assert.equal(store.pendingCount, 5);

    client.setState({ kind: 'idle' });
    api.calls = [];
    api.listed = [approval('kept', { createdAtMs: 1 })];
    api.questionsListed = [question('q1')];
    api.snapshots.set('still', { pending: approval('still', { cwd: '/here' }) });
    api.questionRecords.set('q2', question('q2', { status: 'expired' }));
    client.setState(connectedState());
    await settle();
    await settle();
    assert.deepEqual(api.calls.sort(), ['lookup gone', 'lookup still', 'lookupQuestion q2', 'pending', 'pendingQuestions']);
    assert.equal(store.approval('gone')?.state, 'cancelled');
    assert.equal(store.approval('kept')?.state, 'pending');
    assert.equal(store.approval('still')?.state, 'pending');
    assert.equal(store.approval('still')?.approval.cwd, '/here');
    assert.equal(store.question('q2')?.state, 'expired');
    assert.equal(store.question('q1')?.state, 'pending');

    api.calls = [];
    api.lookupWith = async () => {
      throw new Error('no such method');
    };
    api.listed = [];
    api.questionsListed = [];
    api.pendingQuestionsWith = async () => {
      throw new Error('question.list failed');
    };
    client.setState(connectedState());
    await settle();
    await settle();
    assert.ok(logs.some(([level, line]) => level === 'warn' && line === 'could not look up approval kept: no such method'));
    assert.ok(logs.some(([level, line]) => level === 'warn' && line === 'could not list what the agent waits for: question.list failed'));
    assert.equal(store.approval('kept')?.state, 'pending');
  });

  it('asks for nothing the gateway does not route here', async () => {
    const { client, api, store } = await setup({ connect: false });
    api.route = { approvals: 'missing-scope', questions: 'missing-scope' };
    store.watch(SESSION);
    client.setState(connectedState());
    await settle();
    assert.deepEqual(api.calls.slice(), []);
    api.route = { approvals: 'missing-scope', questions: 'ok' };
    client.setState(connectedState());
    await settle();
    assert.deepEqual(api.calls, ['pendingQuestions']);
  });

  it('drops the lists of an older connection that answer late', async () => {
    const { client, api, store } = await setup({ connect: false });
    const answers: Array<() => void> = [];
    api.pendingWith = () => new Promise((resolve) => answers.push(() => resolve([approval('old')])));
    api.pendingQuestionsWith = () => new Promise((resolve) => answers.push(() => resolve([question('oldq')])));
    client.setState(connectedState());
    api.pendingWith = async () => [approval('new')];
    api.pendingQuestionsWith = async () => [question('newq')];
    client.setState(connectedState());
    await settle();
    for (const answer of answers) answer();
    await settle();
    assert.equal(store.approval('old'), undefined);
    assert.equal(store.question('oldq'), undefined);
    assert.ok(store.approval('new') && store.question('newq'));
  });

  it('forgets everything when connected to another gateway', async () => {
    const { client, store, changes, api } = await setup();
    client.setState(connectedState());
    await settle();
    assert.equal(
      changes.some((c) => c.kind === 'reset'),
      false,
      'nothing to forget',
    );
    client.event('exec.approval.requested', requested('a'));
    client.setState(connectedState());
    await settle();
    assert.equal(
      changes.some((c) => c.kind === 'reset'),
      false,
      'the same gateway again',
    );
    api.listed = [approval('a')];
    client.url = 'ws://gateway-b';
    client.setState(connectedState());
    await settle();
    assert.equal(changes.filter((c) => c.kind === 'reset').length, 1);
    assert.equal(store.approval('a')?.state, 'pending', 'listed by the new one');
    api.listed = [];
    client.event('question.requested', questionPayload('q'));
    client.url = 'ws://gateway-c';
    client.setState(connectedState());
    await settle();
    assert.equal(changes.filter((c) => c.kind === 'reset').length, 2);
    assert.equal(store.question('q'), undefined);
    // Even with only a question known, the decision check names the new gateway.
    assert.throws(() => store.checkDecidable('a', 'deny'), /not waiting for this approval/);
  });

  it('follows the shown session with its replay, again after each reconnect, and one session at a time', async () => {
    const { client, api, store, logs } = await setup({ connect: false });
    store.watch(SESSION);
    assert.deepEqual(api.calls.slice(), [], 'not connected: only remembered');
    api.replay = [approval('r')];
    client.setState(connectedState());
    await settle();
    assert.ok(api.calls.includes(`watch ${SESSION}`));
    assert.equal(store.approval('r')?.state, 'pending');
    api.calls = [];
    store.watch(SESSION);
    assert.deepEqual(api.calls.slice(), [], 'already followed');
    store.watch(OTHER);
    await settle();
    assert.deepEqual(api.calls, [`unwatch ${SESSION}`, `watch ${OTHER}`]);
    client.setState({ kind: 'idle' });
    api.calls = [];
    client.setState(connectedState());
    await settle();
    assert.ok(api.calls.includes(`watch ${OTHER}`));
    assert.ok(!api.calls.some((c) => c.startsWith('unwatch')), 'the old socket took its subscriptions along');

    api.calls = [];
    api.unwatchWith = async () => {
      throw new Error('unwatch failed');
    };
    api.watchWith = async () => {
      throw new Error('watch failed');
    };
    store.watch(SESSION);
    await settle();
    assert.ok(logs.some(([level, line]) => level === 'warn' && line === `could not stop following ${OTHER}: unwatch failed`));
    assert.ok(logs.some(([level, line]) => level === 'warn' && line === `could not follow the approvals of ${SESSION}: watch failed`));
    // Not followed after the failure: asked again.
    api.calls = [];
    api.watchWith = async () => [];
    store.watch(SESSION);
    assert.deepEqual(api.calls, [`watch ${SESSION}`]);

    api.route = { approvals: 'unsupported', questions: 'ok' };
    api.calls = [];
    store.watch(OTHER);
    assert.deepEqual(api.calls.slice(), []);
  });

  it('keeps a newer subscription when an older one fails', async () => {
    const { api, store } = await setup();
    let fail: (error: Error) => void = () => undefined;
    api.watchWith = () => new Promise((_, reject) => (fail = reject));
    store.watch(SESSION);
    api.watchWith = async () => [];
    store.watch(OTHER);
    fail(new Error('late failure'));
    await settle();
    api.calls = [];
    store.watch(OTHER);
    assert.deepEqual(api.calls.slice(), [], 'still following the other session');
  });

  it('marks approvals and questions expired a grace after their deadline', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    cleanups.push(() => mock.timers.reset());
    const client = new FakeClient();
    const store = new Approvals(client as unknown as GatewayClient, { log: () => undefined });
    cleanups.push(() => store.dispose());
    client.event('exec.approval.requested', requested('soon', {}, { expiresAtMs: 1_010_000 }));
    client.event('exec.approval.requested', requested('later', {}, { expiresAtMs: 1_020_000 }));
    client.event('exec.approval.requested', requested('never'));
    client.event('question.requested', questionPayload('q', { expiresAtMs: 1_010_000 }));
    mock.timers.tick(14_999);
    assert.equal(store.approval('soon')?.state, 'pending');
    mock.timers.tick(1);
    assert.equal(store.approval('soon')?.state, 'expired');
    assert.equal(store.approval('soon')?.resolution?.reason, 'timeout');
    assert.equal(store.question('q')?.state, 'expired');
    assert.equal(store.approval('later')?.state, 'pending');
    mock.timers.tick(10_000);
    assert.equal(store.approval('later')?.state, 'expired');
    assert.equal(store.approval('never')?.state, 'pending');
    // A deadline long past is caught at once.
    client.event('exec.approval.requested', requested('past', {}, { expiresAtMs: 1 }));
    mock.timers.tick(0);
    assert.equal(store.approval('past')?.state, 'expired');
    // A deadline beyond what a timer holds waits the longest a timer can.
    client.event('exec.approval.requested', requested('far', {}, { expiresAtMs: Date.now() + 2 ** 32 }));
    mock.timers.tick(2 ** 31 - 1);
    assert.equal(store.approval('far')?.state, 'pending');
    mock.timers.tick(2 ** 32);
    assert.equal(store.approval('far')?.state, 'expired');
  });

  it('leaves a decision, an answer or a skip on its way to the gateway’s reply, past the deadline too', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    cleanups.push(() => mock.timers.reset());
    const { client, api, store } = await setup();
    const soon = { expiresAtMs: 1_010_000 };
    client.event('exec.approval.requested', requested('d', {}, soon));
    client.event('exec.approval.requested', requested('f', {}, soon));
    client.event('question.requested', questionPayload('a', soon));
    client.event('question.requested', questionPayload('s', soon));
    const held = <T>() => {
      let release: (value: T) => void = () => undefined;
      let fail: (error: Error) => void = () => undefined;
      const promise = new Promise<T>((resolve, reject) => ((release = resolve), (fail = reject)));
      return { promise, release, fail };
    };
    const decision = held<DecisionResult>();
    const failing = held<DecisionResult>();
    api.resolveWith = (id) => (id === 'd' ? decision.promise : failing.promise);
    const answer = held<boolean>();
    api.answerWith = () => answer.promise;
    const skip = held<boolean>();
    api.skipWith = () => skip.promise;
    const decided = store.decide('d', 'allow-once');
    const failed = store.decide('f', 'deny');
    const answered = store.answer('a', [{ questionId: 'color', values: ['Red'] }]);
    const skipped = store.skip('s');
    mock.timers.tick(60_000);
    assert.deepEqual(
      [store.approval('d')?.state, store.approval('f')?.state, store.question('a')?.state, store.question('s')?.state],
      ['deciding', 'deciding', 'submitting', 'submitting'],
      'the deadline passed while each was on its way',
    );
    decision.release({ applied: true, resolution: { id: 'd', status: 'allowed', decision: 'allow-once' } });
    answer.release(true);
    skip.release(true);
    assert.equal(await decided, true);
    assert.equal(await answered, true);
    assert.equal(await skipped, true);
    assert.equal(store.approval('d')?.state, 'allowed');
    assert.equal(store.approval('d')?.decidedHere, true);
    assert.equal(store.question('a')?.state, 'answered');
    assert.equal(store.question('s')?.state, 'skipped');
    // One that could not be sent waits again, and its deadline, long past, ends it at once.
    failing.fail(new Error('socket closed'));
    await assert.rejects(failed, /socket closed/);
    assert.equal(store.approval('f')?.state, 'pending');
    mock.timers.tick(0);
    assert.equal(store.approval('f')?.state, 'expired');
  });

  it('stops its timer and its listeners when disposed', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    cleanups.push(() => mock.timers.reset());
    const { client, store, changes } = await setup();
    client.event('exec.approval.requested', requested('a', {}, { expiresAtMs: 1_001_000 }));
    const seen = changes.length;
    store.dispose();
    assert.equal(client.listenerCount, 0);
    mock.timers.tick(60_000);
    assert.equal(store.approval('a')?.state, 'pending');
    assert.equal(changes.length, seen);
  });

  it('sets no timer for a decision that comes back after it was disposed', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    cleanups.push(() => mock.timers.reset());
    const { client, api, store } = await setup();
    client.event('exec.approval.requested', requested('late', {}, { expiresAtMs: 1_001_000 }));
    client.event('exec.approval.requested', requested('b'));
    let release: (result: DecisionResult) => void = () => undefined;
    api.resolveWith = () => new Promise((resolve) => (release = resolve));
    const deciding = store.decide('b', 'deny');
    store.dispose();
    release({ applied: true, resolution: { id: 'b', status: 'denied', decision: 'deny' } });
    await deciding;
    mock.timers.tick(60_000);
    assert.equal(store.approval('late')?.state, 'pending');
  });

  it('stops telling a listener once it asked to stop', async () => {
    const { client, store } = await setup();
    const heard: ApprovalsChange[] = [];
    const stop = store.onChange((change) => heard.push(change));
    client.event('exec.approval.requested', requested('a'));
    stop();
    client.event('exec.approval.requested', requested('b'));
    assert.equal(heard.length, 1);
  });

  it('follows the session asked for last, even when it asked while the gateway routed nothing here', async () => {
    const { client, api, store } = await setup();
    store.watch(SESSION);
    await settle();
    api.route = { approvals: 'unsupported', questions: 'ok' };
    store.watch(OTHER);
    api.route = { approvals: 'ok', questions: 'ok' };
    api.calls = [];
    store.watch(SESSION);
    await settle();
    assert.deepEqual(api.calls, [`watch ${SESSION}`], 'already subscribed there: nothing to stop following');
    client.setState({ kind: 'idle' });
    api.calls = [];
    client.setState(connectedState());
    await settle();
    assert.ok(api.calls.includes(`watch ${SESSION}`) && !api.calls.includes(`watch ${OTHER}`));
  });

  it('counts an answer or a skip the gateway took as ours, even after it announced an expiry', async () => {
    const { client, api, store } = await setup();
    client.event('question.requested', questionPayload('a'));
    api.answerWith = async () => {
      client.event('question.resolved', { id: 'a', status: 'expired' });
      return true;
    };
    assert.equal(await store.answer('a', [{ questionId: 'color', values: ['Red'] }]), true);
    assert.equal(store.question('a')?.endedHere, true);
    client.event('question.requested', questionPayload('s'));
    api.skipWith = async () => {
      client.event('question.resolved', { id: 's', status: 'expired' });
      return true;
    };
    assert.equal(await store.skip('s'), true);
    assert.equal(store.question('s')?.endedHere, true);
    client.event('exec.approval.requested', requested('d'));
    api.resolveWith = async (id) => {
      client.event('exec.approval.resolved', { id, decision: 'allow-once' });
      return { applied: true, resolution: { id, status: 'denied', decision: 'deny' } };
    };
    assert.equal(await store.decide('d', 'deny'), true);
    assert.equal(store.approval('d')?.decidedHere, true);
  });

  it('never sets a timer longer than a timer holds, and leaves no rejection behind on resync', async () => {
    const warnings: string[] = [];
    const rejections: unknown[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('warning', onWarning);
    process.on('unhandledRejection', onRejection);
    cleanups.push(() => {
      process.off('warning', onWarning);
      process.off('unhandledRejection', onRejection);
    });
    const { client, api, store, logs } = await setup();
    client.event('exec.approval.requested', requested('far', {}, { expiresAtMs: Date.now() + 2 ** 32 }));
    client.event('question.requested', questionPayload('q'));
    api.listed = [];
    api.questionsListed = [];
    client.setState(connectedState());
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(warnings, []);
    assert.deepEqual(rejections, []);
    assert.equal(store.approval('far')?.state, 'cancelled');
    assert.deepEqual(
      logs.filter(([level]) => level === 'warn'),
      [],
    );
    assert.equal(store.question('q')?.state, 'cancelled');
  });

  it('keeps at most 500 ended entries of each kind, forgetting the oldest, never an open one', async () => {
    const { client, store } = await setup();
    client.event('exec.approval.requested', requested('open'));
    client.event('question.requested', questionPayload('openq'));
    for (let i = 0; i < 500; i++) {
      client.event('exec.approval.requested', requested(`a${i}`));
      client.event('exec.approval.resolved', { id: `a${i}`, decision: 'deny' });
      client.event('question.requested', questionPayload(`q${i}`));
      client.event('question.resolved', { id: `q${i}`, status: 'cancelled' });
    }
    assert.ok(store.approval('open') && store.question('openq'));
    // 501 of each were taken: the oldest ended one went, the open one (older still) stayed.
    assert.equal(store.approval('a0'), undefined);
    assert.equal(store.question('q0'), undefined);
    assert.equal(store.approval('a1')?.state, 'denied');
    assert.equal(store.question('q1')?.state, 'cancelled');
    assert.equal(store.entriesOf(SESSION).length, 1000);
  });
});
