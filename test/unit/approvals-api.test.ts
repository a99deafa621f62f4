/**
 * ApprovalsApi and approvalRoute (approvals-api.ts) against a fake connection: which RPC each
 * gateway generation gets, what a decision or an answer returns, and which refusals mean "already
 * over" or "not known". Pure; approvals.test.ts covers the same through a ws server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApprovalsApi, approvalRoute } from '../../src/gateway/approvals-api';
import { GatewayRequestError } from '../../src/gateway/errors';
import { connectedState, FakeConnection, helloWith, type SentRequest } from './fake-connection';

const NEW_METHODS = [
  'approval.get',
  'approval.resolve',
  'exec.approval.resolve',
  'question.resolve',
  'sessions.messages.subscribe',
  'sessions.messages.unsubscribe',
];
const OLD_METHODS = ['exec.approval.list', 'exec.approval.get', 'exec.approval.resolve'];

function approvals(answer: (request: SentRequest) => unknown = () => ({}), methods?: string[]) {
  const connection = new FakeConnection(answer);
  if (methods) connection.hello = helloWith({ methods });
  return { connection, api: new ApprovalsApi(connection.asConnection) };
}

function refusal(message: string, reason?: string): GatewayRequestError {
  return new GatewayRequestError('test', { code: 'INVALID_REQUEST', message, details: reason ? { reason } : undefined });
}

const throwing = (error: unknown) => () => {
  throw error;
};

const pendingSnapshot = { id: 'a1', status: 'pending', presentation: { kind: 'exec', commandText: 'ls' } };

describe('approvalRoute', () => {
  it('offline when not connected', () => {
    assert.deepEqual(approvalRoute({ kind: 'idle' }, helloWith({ methods: NEW_METHODS })), { approvals: 'offline', questions: 'offline' });
  });

  it('ok with the scope, missing-scope without, unsupported without the method', () => {
    const both = connectedState(['operator.approvals', 'operator.questions']);
    assert.deepEqual(approvalRoute(both, helloWith({ methods: NEW_METHODS })), { approvals: 'ok', questions: 'ok' });
    assert.deepEqual(approvalRoute(connectedState(['operator.approvals']), helloWith({ methods: NEW_METHODS })), {
      approvals: 'ok',
      questions: 'missing-scope',
    });
    assert.deepEqual(approvalRoute(connectedState(['operator.questions']), helloWith({ methods: NEW_METHODS })), {
      approvals: 'missing-scope',
      questions: 'ok',
    });
    assert.deepEqual(approvalRoute(both, helloWith({ methods: OLD_METHODS })), { approvals: 'ok', questions: 'unsupported' });
    assert.deepEqual(approvalRoute(both, helloWith({ methods: ['question.resolve'] })), { approvals: 'unsupported', questions: 'ok' });
  });

  it('a hello that lists no methods has them all', () => {
    const both = connectedState(['operator.approvals', 'operator.questions']);
    assert.deepEqual(approvalRoute(both, undefined), { approvals: 'ok', questions: 'ok' });
    assert.deepEqual(approvalRoute(both, helloWith({})), { approvals: 'ok', questions: 'ok' });
  });

  it('the route getter reads the connection', () => {
    const { connection, api } = approvals(undefined, OLD_METHODS);
    connection.state = connectedState(['operator.approvals']);
    assert.deepEqual(api.route, { approvals: 'ok', questions: 'unsupported' });
  });
});

describe('ApprovalsApi approvals', () => {
  it('pending lists exec.approval.list', async () => {
    const { connection, api } = approvals(() => [{ id: 'x', request: { command: 'rm -rf' } }, { id: 'bad' }]);
    const signal = new AbortController().signal;
    assert.deepEqual(
      (await api.pending({ signal })).map((a) => [a.id, a.command]),
      [['x', 'rm -rf']],
    );
    assert.deepEqual(connection.sent, [{ method: 'exec.approval.list', params: {}, options: { signal } }]);
  });

  it('lookup asks approval.get where the gateway has it', async () => {
    const { connection, api } = approvals(() => ({ approval: { id: 'a1', status: 'denied', decision: 'deny' } }), NEW_METHODS);
    const signal = new AbortController().signal;
    assert.deepEqual(await api.lookup('a1', { signal }), { ended: { id: 'a1', status: 'denied', decision: 'deny' } });
    assert.deepEqual(connection.sent, [{ method: 'approval.get', params: { id: 'a1' }, options: { signal } }]);
  });

  it('lookup of an empty approval.get answer is undefined', async () => {
    const { api } = approvals(() => undefined, NEW_METHODS);
    assert.equal(await api.lookup('a1'), undefined);
  });

  it('lookup on an older gateway reads the flat exec.approval.get answer as pending', async () => {
    const { connection, api } = approvals(() => ({ id: 'a2', commandText: 'make', host: 'gateway', allowedDecisions: ['allow-once', 'deny'] }), OLD_METHODS);
    assert.deepEqual(await api.lookup('a2'), {
      pending: { id: 'a2', command: 'make', host: 'gateway', warnings: [], allowedDecisions: ['allow-once', 'deny'] },
    });
    assert.deepEqual(connection.sent, [{ method: 'exec.approval.get', params: { id: 'a2' }, options: {} }]);
    const junk = approvals(() => 'nothing', OLD_METHODS);
    assert.equal(await junk.api.lookup('a2'), undefined);
  });

  it('lookup of an approval the gateway does not know is undefined; other failures are thrown', async () => {
    for (const error of [
      refusal('gone', 'APPROVAL_NOT_FOUND'),
      refusal('gone', 'QUESTION_NOT_FOUND'),
      refusal('unknown or expired approval id'),
      refusal('Approval Not Found'),
    ]) {
      const { api } = approvals(throwing(error), NEW_METHODS);
      assert.equal(await api.lookup('a1'), undefined, error.message);
    }
    for (const error of [refusal('forbidden', 'OTHER'), new Error('not found')]) {
      const { api } = approvals(throwing(error), OLD_METHODS);
      await assert.rejects(api.lookup('a1'), (e) => e === error);
    }
  });

  it('resolve with approval.resolve: applied, with the ending the gateway describes or ours', async () => {
    const described = approvals(() => ({ applied: true, approval: { id: 'a1', status: 'allowed', decision: 'allow-always', reason: 'user' } }), NEW_METHODS);
    const signal = new AbortController().signal;
    assert.deepEqual(await described.api.resolve('a1', 'allow-always', { signal }), {
      applied: true,
      resolution: { id: 'a1', status: 'allowed', decision: 'allow-always', reason: 'user' },
    });
    assert.deepEqual(described.connection.sent, [
      { method: 'approval.resolve', params: { id: 'a1', kind: 'exec', decision: 'allow-always' }, options: { signal } },
    ]);

    const bare = approvals(() => ({ applied: true, approval: pendingSnapshot }), NEW_METHODS);
    assert.deepEqual(await bare.api.resolve('a1', 'deny'), { applied: true, resolution: { id: 'a1', status: 'denied', decision: 'deny', reason: 'user' } });
    assert.deepEqual(await bare.api.resolve('a1', 'allow-once'), {
      applied: true,
      resolution: { id: 'a1', status: 'allowed', decision: 'allow-once', reason: 'user' },
    });
  });

  it('resolve with approval.resolve: not applied, with how it ended if said', async () => {
    const ended = approvals(() => ({ applied: false, approval: { id: 'a1', status: 'expired', reason: 'timeout' } }), NEW_METHODS);
    assert.deepEqual(await ended.api.resolve('a1', 'deny'), { applied: false, resolution: { id: 'a1', status: 'expired', reason: 'timeout' } });
    for (const payload of [{ applied: 'yes' }, undefined]) {
      const silent = approvals(() => payload, NEW_METHODS);
      assert.deepEqual(await silent.api.resolve('a1', 'deny'), { applied: false, resolution: undefined });
    }
  });

  it('resolve on an older gateway: exec.approval.resolve, already resolved is not applied, other refusals thrown', async () => {
    const { connection, api } = approvals(() => ({ ok: true }), OLD_METHODS);
    assert.deepEqual(await api.resolve('a1', 'allow-once'), {
      applied: true,
      resolution: { id: 'a1', status: 'allowed', decision: 'allow-once', reason: 'user' },
    });
    assert.deepEqual(connection.sent, [{ method: 'exec.approval.resolve', params: { id: 'a1', decision: 'allow-once' }, options: {} }]);
    const late = approvals(throwing(refusal('late', 'APPROVAL_ALREADY_RESOLVED')), OLD_METHODS);
    assert.deepEqual(await late.api.resolve('a1', 'deny'), { applied: false });
    const error = refusal('no', 'APPROVAL_NOT_FOUND');
    const other = approvals(throwing(error), OLD_METHODS);
    await assert.rejects(other.api.resolve('a1', 'deny'), (e) => e === error);
  });

  it('watchSession subscribes with approvals and returns the replay', async () => {
    const { connection, api } = approvals(() => ({ approvalReplay: { sessionKey: 'k', approvals: [pendingSnapshot] } }), NEW_METHODS);
    const signal = new AbortController().signal;
    assert.deepEqual(
      (await api.watchSession('k', { signal })).map((a) => [a.id, a.sessionKey, a.command]),
      [['a1', 'k', 'ls']],
    );
    await api.unwatchSession('k', { signal });
    assert.deepEqual(connection.sent, [
      { method: 'sessions.messages.subscribe', params: { key: 'k', includeApprovals: true }, options: { signal } },
      { method: 'sessions.messages.unsubscribe', params: { key: 'k' }, options: { signal } },
    ]);
  });

  it('a gateway without the replay (or without the subscription) is not subscribed to', async () => {
    for (const methods of [OLD_METHODS, ['approval.get'], ['sessions.messages.subscribe', 'sessions.messages.unsubscribe']]) {
      const { connection, api } = approvals(() => ({ approvalReplay: { approvals: [pendingSnapshot] } }), methods);
      assert.deepEqual(await api.watchSession('k'), []);
      await api.unwatchSession('k');
      assert.equal(connection.sent.length, 0, methods.join());
    }
    const onlySubscribe = approvals(() => ({}), ['approval.get', 'sessions.messages.subscribe']);
    await onlySubscribe.api.unwatchSession('k');
    assert.equal(onlySubscribe.connection.sent.length, 0);
  });

  it('every RPC is tried on a hello that lists no methods', async () => {
    const { connection, api } = approvals(() => ({}));
    await api.watchSession('k');
    await api.unwatchSession('k');
    await api.lookup('a');
    await api.resolve('a', 'deny');
    assert.deepEqual(connection.methods, ['sessions.messages.subscribe', 'sessions.messages.unsubscribe', 'approval.get', 'approval.resolve']);
  });
});

describe('ApprovalsApi questions', () => {
  const question = (id: string, status?: string) => ({ id, status, questions: [{ questionId: 'q', question: 'Which?' }] });

  it('pendingQuestions keeps the pending ones', async () => {
    const { connection, api } = approvals(() => ({ questions: [question('1', 'pending'), question('2', 'answered'), question('3')] }));
    const signal = new AbortController().signal;
    assert.deepEqual(
      (await api.pendingQuestions({ signal })).map((q) => q.id),
      ['1', '3'],
    );
    assert.deepEqual(connection.sent, [{ method: 'question.list', params: {}, options: { signal } }]);
  });

  it('lookupQuestion reads question.get, undefined when unknown, other failures thrown', async () => {
    const { connection, api } = approvals(() => ({ question: question('7', 'expired') }));
    assert.equal((await api.lookupQuestion('7'))?.status, 'expired');
    assert.deepEqual(connection.sent, [{ method: 'question.get', params: { id: '7' }, options: {} }]);
    assert.equal(await approvals(() => undefined).api.lookupQuestion('7'), undefined);
    assert.equal(await approvals(throwing(refusal('no', 'QUESTION_NOT_FOUND'))).api.lookupQuestion('7'), undefined);
    const error = refusal('denied', 'MISSING_SCOPE');
    await assert.rejects(approvals(throwing(error)).api.lookupQuestion('7'), (e) => e === error);
  });

  it('answerQuestion sends the answers and tells whether they were taken', async () => {
    const { connection, api } = approvals(() => ({ status: 'answered' }));
    const signal = new AbortController().signal;
    assert.equal(await api.answerQuestion('7', { q: ['yes'] }, { signal }), true);
    assert.deepEqual(connection.sent, [{ method: 'question.resolve', params: { id: '7', answers: { answers: { q: ['yes'] } } }, options: { signal } }]);
    assert.equal(await approvals(() => ({ status: 'cancelled' })).api.answerQuestion('7', {}), false);
    assert.equal(await approvals(() => undefined).api.answerQuestion('7', {}), false);
    assert.equal(await approvals(throwing(refusal('over', 'QUESTION_ALREADY_TERMINAL'))).api.answerQuestion('7', {}), false);
    const error = refusal('over', 'QUESTION_NOT_FOUND');
    await assert.rejects(approvals(throwing(error)).api.answerQuestion('7', {}), (e) => e === error);
  });

  it('skipQuestion cancels and tells whether it was skipped', async () => {
    const { connection, api } = approvals(() => ({ status: 'cancelled' }));
    assert.equal(await api.skipQuestion('7'), true);
    assert.deepEqual(connection.sent, [{ method: 'question.resolve', params: { id: '7', cancel: true }, options: {} }]);
    assert.equal(await approvals(() => ({ status: 'answered' })).api.skipQuestion('7'), false);
    assert.equal(await approvals(() => undefined).api.skipQuestion('7'), false);
    assert.equal(await approvals(throwing(refusal('over', 'QUESTION_ALREADY_TERMINAL'))).api.skipQuestion('7'), false);
    const error = new Error('QUESTION_ALREADY_TERMINAL');
    await assert.rejects(approvals(throwing(error)).api.skipQuestion('7'), (e) => e === error);
  });
});
