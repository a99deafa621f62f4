/** The readers of exec approvals and agent questions (payloads.ts): what each keeps of untrusted JSON. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  readApprovalReplay,
  readApprovalSnapshot,
  readExecApprovalList,
  readExecApprovalRequest,
  readExecApprovalResolved,
  readQuestionList,
  readQuestionOutcome,
  readQuestionRecord,
  readSessionApproval,
} from '../../src/gateway/payloads';

const request = {
  approvalKind: 'exec',
  id: 'ap1',
  request: {
    command: 'rm -rf build',
    cwd: '/repo',
    host: 'gateway',
    nodeId: 'n1',
    agentId: 'main',
    sessionKey: 'agent:main:main',
    runId: 'r1',
    toolCallId: 't1',
    warningText: 'deletes files',
    commandAnalysis: { warningLines: ['recursive', 'deletes files', '  ', 5] },
    allowedDecisions: ['deny', 'bogus', 'allow-once'],
  },
  createdAtMs: 1000,
  expiresAtMs: 2000,
};

const requested = {
  id: 'ap1',
  sessionKey: 'agent:main:main',
  runId: 'r1',
  toolCallId: 't1',
  command: 'rm -rf build',
  cwd: '/repo',
  host: 'gateway',
  nodeId: 'n1',
  agentId: 'main',
  warnings: ['deletes files', 'recursive'],
  allowedDecisions: ['allow-once', 'deny'],
  createdAtMs: 1000,
  expiresAtMs: 2000,
};

describe('exec approval requests', () => {
  it('reads every field, the warnings once each and the decisions in their order', () => {
    assert.deepEqual(readExecApprovalRequest(request), requested);
  });

  it('leaves out what it does not know, and always offers deny', () => {
    assert.deepEqual(
      readExecApprovalRequest({
        id: 'ap2',
        request: { command: 'ls', commandAnalysis: 'x', allowedDecisions: 'allow-once' },
        createdAtMs: NaN,
        expiresAtMs: '5',
      }),
      {
        id: 'ap2',
        command: 'ls',
        warnings: [],
        allowedDecisions: ['deny'],
      },
    );
    assert.deepEqual(
      readExecApprovalRequest({ id: 'ap3', request: { command: 'ls', allowedDecisions: ['allow-always'], warningText: ['a', 'b'] } })?.allowedDecisions,
      ['allow-always', 'deny'],
    );
  });

  it('keeps at most 20 warnings', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `warning ${i}`);
    const read = readExecApprovalRequest({ id: 'ap', request: { command: 'x', commandAnalysis: { warningLines: lines } } });
    assert.deepEqual(read?.warnings, lines.slice(0, 20));
  });

  it('is nothing for another kind, or without an id, a command or a request', () => {
    assert.equal(readExecApprovalRequest({ ...request, approvalKind: 'plugin' }), undefined);
    assert.equal(readExecApprovalRequest({ ...request, approvalKind: undefined })?.id, 'ap1');
    assert.equal(readExecApprovalRequest({ ...request, id: '' }), undefined);
    assert.equal(readExecApprovalRequest({ ...request, request: { ...request.request, command: '' } }), undefined);
    assert.equal(readExecApprovalRequest({ ...request, request: 'ls' }), undefined);
    assert.equal(readExecApprovalRequest('ap1'), undefined);
  });

  it('reads the list, dropping bad rows', () => {
    assert.deepEqual(readExecApprovalList([request, { id: 'x' }, null]), [requested]);
    assert.deepEqual(readExecApprovalList({ approvals: [request] }), []);
  });
});

const snapshot = {
  id: 'ap1',
  status: 'pending',
  sourceSessionKey: 'agent:main:other',
  presentation: {
    kind: 'exec',
    commandText: 'make',
    host: 'node',
    nodeId: 'n2',
    agentId: 'main',
    warningText: 'builds',
    allowedDecisions: ['allow-always', 'allow-once'],
  },
  createdAtMs: 10,
  expiresAtMs: 20,
};

const pending = {
  id: 'ap1',
  sessionKey: 'agent:main:other',
  command: 'make',
  host: 'node',
  nodeId: 'n2',
  agentId: 'main',
  warnings: ['builds'],
  allowedDecisions: ['allow-once', 'allow-always', 'deny'],
  createdAtMs: 10,
  expiresAtMs: 20,
};

describe('approval snapshots', () => {
  it('reads a pending exec approval, the session given first', () => {
    assert.deepEqual(readApprovalSnapshot(snapshot), { pending });
    assert.deepEqual(readApprovalSnapshot(snapshot, 'agent:main:main'), { pending: { ...pending, sessionKey: 'agent:main:main' } });
    assert.deepEqual(readApprovalSnapshot({ id: 'ap', status: 'pending', presentation: { kind: 'exec', commandText: 'ls' } }), {
      pending: { id: 'ap', command: 'ls', warnings: [], allowedDecisions: ['deny'] },
    });
  });

  it('reads how an approval ended, for each way it can end', () => {
    for (const status of ['allowed', 'denied', 'expired', 'cancelled']) {
      assert.deepEqual(
        readApprovalSnapshot({ id: 'ap1', status, decision: 'allow-once', reason: 'user', resolvedAtMs: 30, resolver: { kind: 'device' }, presentation: 'x' }),
        { ended: { id: 'ap1', status, decision: 'allow-once', reason: 'user', resolvedAtMs: 30, resolverKind: 'device' } },
      );
    }
    assert.deepEqual(readApprovalSnapshot({ id: 'ap1', status: 'expired', decision: 'maybe', resolvedAtMs: '30' }), {
      ended: { id: 'ap1', status: 'expired' },
    });
  });

  it('is nothing for another status, kind, or without a command', () => {
    assert.equal(readApprovalSnapshot({ ...snapshot, status: 'waiting' }), undefined);
    assert.equal(readApprovalSnapshot({ ...snapshot, presentation: { ...snapshot.presentation, kind: 'plugin' } }), undefined);
    assert.equal(readApprovalSnapshot({ ...snapshot, presentation: { ...snapshot.presentation, commandText: '' } }), undefined);
    assert.equal(readApprovalSnapshot({ ...snapshot, presentation: 'make' }), undefined);
    assert.equal(readApprovalSnapshot({ ...snapshot, id: '' }), undefined);
    assert.equal(readApprovalSnapshot({ ...snapshot, status: '' }), undefined);
    assert.equal(readApprovalSnapshot('ap1'), undefined);
  });

  it('session.approval reads its approval with its session', () => {
    assert.deepEqual(readSessionApproval({ sessionKey: 'agent:main:main', phase: 'pending', approval: snapshot }), {
      pending: { ...pending, sessionKey: 'agent:main:main' },
    });
    assert.deepEqual(readSessionApproval({ approval: snapshot }), { pending });
    assert.equal(readSessionApproval({ sessionKey: 'k', approval: 'x' }), undefined);
    assert.equal(readSessionApproval(null), undefined);
  });

  it('a replay keeps what is still pending, each with its own session or the replay one', () => {
    const own = { ...snapshot, id: 'ap2', sourceSessionKey: undefined };
    const ended = { id: 'ap3', status: 'allowed' };
    assert.deepEqual(readApprovalReplay({ approvalReplay: { sessionKey: 'agent:main:main', approvals: [snapshot, own, ended, 'x'] } }), [
      pending,
      { ...pending, id: 'ap2', sessionKey: 'agent:main:main' },
    ]);
    assert.deepEqual(readApprovalReplay({ approvalReplay: { approvals: 'x' } }), []);
    assert.deepEqual(readApprovalReplay({ approvalReplay: 'x' }), []);
    assert.deepEqual(readApprovalReplay(null), []);
  });

  it('exec.approval.resolved: allowed or denied, by whom', () => {
    assert.deepEqual(readExecApprovalResolved({ id: 'ap1', decision: 'deny', resolvedBy: 'client-1', ts: 40 }), {
      id: 'ap1',
      status: 'denied',
      decision: 'deny',
      reason: 'user',
      resolvedAtMs: 40,
      resolvedBy: 'client-1',
    });
    assert.deepEqual(readExecApprovalResolved({ id: 'ap1', decision: 'allow-always' }), {
      id: 'ap1',
      status: 'allowed',
      decision: 'allow-always',
      reason: 'user',
    });
    assert.equal(readExecApprovalResolved({ id: 'ap1', decision: 'yes' }), undefined);
    assert.equal(readExecApprovalResolved({ decision: 'deny' }), undefined);
  });
});

const item = {
  questionId: 'q1',
  header: 'Pick',
  question: 'Which one?',
  options: [{ label: 'A', description: 'first' }, { label: 'B' }, { description: 'no label' }, 'C'],
  multiSelect: true,
  isOther: true,
  isSecret: true,
};

describe('agent questions', () => {
  it('reads a record with its questions, options, status and answers', () => {
    assert.deepEqual(
      readQuestionRecord({
        id: 'qr1',
        sessionKey: 'k',
        runId: 'r1',
        agentId: 'main',
        questions: [
          item,
          { questionId: 'q2', question: 'Why?', multiSelect: 'yes', isOther: 1, isSecret: 'true' },
          { questionId: 'q3' },
          { question: 'no id' },
          'x',
        ],
        createdAtMs: 1,
        expiresAtMs: 2,
        status: 'answered',
        answers: { answers: { q1: ['A', 5], q2: 'not a list' } },
      }),
      {
        id: 'qr1',
        sessionKey: 'k',
        runId: 'r1',
        agentId: 'main',
        questions: [
          {
            id: 'q1',
            header: 'Pick',
            question: 'Which one?',
            options: [{ label: 'A', description: 'first' }, { label: 'B' }],
            multiSelect: true,
            other: true,
            secret: true,
          },
          { id: 'q2', header: '', question: 'Why?', options: [], multiSelect: false, other: false, secret: false },
        ],
        createdAtMs: 1,
        expiresAtMs: 2,
        status: 'answered',
        answers: { q1: ['A'] },
      },
    );
  });

  it('a record of an unknown status is pending; at most 8 questions of 16 options each', () => {
    const options = Array.from({ length: 20 }, (_, i) => ({ label: `o${i}` }));
    const questions = Array.from({ length: 10 }, (_, i) => ({ questionId: `q${i}`, question: `${i}?`, options }));
    const read = readQuestionRecord({ id: 'qr', questions, status: 'weird', answers: 'x' });
    assert.equal(read?.status, 'pending');
    assert.equal(read?.questions.length, 8);
    assert.deepEqual(read?.questions[0].options, options.slice(0, 16));
    assert.equal(read && 'answers' in read, false);
    assert.equal(readQuestionRecord({ id: 'qr', questions, answers: { answers: 'x' } })?.answers, undefined);
  });

  it('is no record without an id or a readable question', () => {
    assert.equal(readQuestionRecord({ id: 'qr', questions: [{ questionId: 'q1' }] }), undefined);
    assert.equal(readQuestionRecord({ id: 'qr', questions: item }), undefined);
    assert.equal(readQuestionRecord({ questions: [item] }), undefined);
    assert.equal(readQuestionRecord({ id: 'qr', questions: [{ ...item, questionId: '' }] }), undefined);
    assert.equal(readQuestionRecord('qr'), undefined);
  });

  it('reads question.list, dropping bad records', () => {
    const list = readQuestionList({ questions: [{ id: 'qr1', questions: [item] }, { id: 'qr2' }] });
    assert.deepEqual(
      list.map((q) => [q.id, q.status]),
      [['qr1', 'pending']],
    );
    assert.deepEqual(readQuestionList({ questions: 'x' }), []);
    assert.deepEqual(readQuestionList([{ id: 'qr1', questions: [item] }]), []);
  });

  it('reads how a question ended, never as pending', () => {
    assert.deepEqual(readQuestionOutcome({ id: 'qr1', status: 'answered', answers: { answers: { q1: ['A'] } } }), {
      id: 'qr1',
      status: 'answered',
      answers: { q1: ['A'] },
    });
    assert.deepEqual(readQuestionOutcome({ status: 'cancelled' }), { status: 'cancelled' });
    assert.deepEqual(readQuestionOutcome({ status: 'expired' }), { status: 'expired' });
    assert.equal(readQuestionOutcome({ id: 'qr1', status: 'pending' }), undefined);
    assert.equal(readQuestionOutcome({ id: 'qr1', status: 'done' }), undefined);
    assert.equal(readQuestionOutcome('answered'), undefined);
  });
});
