/**
 * An approval or a question as the host keeps it (approval-entries.ts) and as its chat card reads
 * (approval-items.ts): still open or not, its session and times, what a later reading adds, and
 * the card's fields and sentences for each state. Pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentQuestion, AgentQuestionItem, ApprovalResolution, ExecApproval } from '../../src/gateway/payloads';
import { createdAt, expiresAt, isOpen, mergeKnown, sessionOf, type ApprovalEntry, type QuestionEntry } from '../../src/extension/approval-entries';
import { anchorOf, approvalOutcome, cardId, cardItem, questionOutcome, runOfEntry, SECRET_MASK, summaryOf } from '../../src/extension/approval-items';

function execApproval(fields: Partial<ExecApproval> = {}): ExecApproval {
  return { id: 'ap1', command: 'make deploy', warnings: [], allowedDecisions: ['allow-once', 'deny'], ...fields };
}

function approvalEntry(fields: Partial<ApprovalEntry> = {}, approval: Partial<ExecApproval> = {}): ApprovalEntry {
  return { kind: 'approval', approval: execApproval(approval), state: 'pending', decidedHere: false, ...fields };
}

function ask(id: string, fields: Partial<AgentQuestionItem> = {}): AgentQuestionItem {
  return { id, header: `H ${id}`, question: `Q ${id}?`, options: [], multiSelect: false, other: false, secret: false, ...fields };
}

function questionEntry(fields: Partial<QuestionEntry> = {}, question: Partial<AgentQuestion> = {}): QuestionEntry {
  return { kind: 'question', question: { id: 'q1', questions: [ask('a')], status: 'pending', ...question }, state: 'pending', endedHere: false, ...fields };
}

function resolved(fields: Partial<ApprovalResolution>): ApprovalResolution {
  return { id: 'ap1', status: 'allowed', ...fields };
}

describe('approval entries', () => {
  it('are open while pending or on their way, questions likewise', () => {
    const approvalOpen = ['pending', 'deciding', 'allowed', 'denied', 'expired', 'cancelled'].map((state) =>
      isOpen(approvalEntry({ state: state as ApprovalEntry['state'] })),
    );
    assert.deepEqual(approvalOpen, [true, true, false, false, false, false]);
    const questionOpen = ['pending', 'submitting', 'answered', 'skipped', 'expired', 'cancelled'].map((state) =>
      isOpen(questionEntry({ state: state as QuestionEntry['state'] })),
    );
    assert.deepEqual(questionOpen, [true, true, false, false, false, false]);
  });

  it('read their session and times off the approval or the question', () => {
    const a = approvalEntry({}, { sessionKey: 's-a', createdAtMs: 5, expiresAtMs: 9 });
    const q = questionEntry({}, { sessionKey: 's-q', createdAtMs: 6, expiresAtMs: 10 });
    assert.deepEqual([sessionOf(a), createdAt(a), expiresAt(a)], ['s-a', 5, 9]);
    assert.deepEqual([sessionOf(q), createdAt(q), expiresAt(q)], ['s-q', 6, 10]);
    assert.deepEqual([sessionOf(approvalEntry()), createdAt(approvalEntry()), expiresAt(approvalEntry())], [undefined, 0, undefined]);
    assert.deepEqual([createdAt(questionEntry()), expiresAt(questionEntry())], [0, undefined]);
  });

  it('take from a later reading only the fields they lack, and warnings not seen yet', () => {
    const known = execApproval({ cwd: '/a', warnings: ['w1'] });
    const later = execApproval({ cwd: '/b', host: 'node', command: 'other', warnings: ['w1', 'w2'], allowedDecisions: ['deny'] });
    assert.deepEqual(mergeKnown(known, later), execApproval({ cwd: '/a', host: 'node', warnings: ['w1', 'w2'] }));
    assert.deepEqual(known.warnings, ['w1'], 'the known approval is left as it was');
  });

  it('say nothing is new when a later reading adds nothing', () => {
    const known = execApproval({ cwd: '/a', warnings: ['w1'] });
    assert.equal(mergeKnown(known, execApproval({ warnings: ['w1'], allowedDecisions: ['allow-always'] })), undefined);
    assert.equal(mergeKnown(known, { ...execApproval({ warnings: [] }), host: undefined }), undefined);
    // A new warning alone, or a new field alone, is news.
    assert.deepEqual(mergeKnown(known, execApproval({ warnings: ['w2'] }))?.warnings, ['w1', 'w2']);
    assert.equal(mergeKnown(known, execApproval({ nodeId: 'n1' }))?.nodeId, 'n1');
  });
});

describe('approval cards', () => {
  it('name the card, the run and the tool call it follows', () => {
    assert.equal(cardId(approvalEntry()), 'ap:ap1');
    assert.equal(cardId(questionEntry()), 'q:q1');
    assert.equal(runOfEntry(approvalEntry({}, { runId: 'r1' })), 'r1');
    assert.equal(runOfEntry(questionEntry({}, { runId: 'r2' })), 'r2');
    assert.equal(anchorOf(approvalEntry({}, { toolCallId: 'tc1' })), 't:tc1');
    assert.equal(anchorOf(approvalEntry()), undefined);
    assert.equal(anchorOf(questionEntry()), undefined);
  });

  it('show an approval with only the fields it has', () => {
    assert.deepEqual(cardItem(approvalEntry({}, { warnings: ['careful'] })), {
      kind: 'approval',
      id: 'ap:ap1',
      approvalId: 'ap1',
      command: 'make deploy',
      warnings: ['careful'],
      decisions: ['allow-once', 'deny'],
      state: 'pending',
    });
    const full = approvalEntry(
      { state: 'denied', error: 'offline', resolution: resolved({ status: 'denied' }) },
      { host: 'sandbox', cwd: '/w', agentId: 'main', expiresAtMs: 0 },
    );
    assert.deepEqual(cardItem(full), {
      kind: 'approval',
      id: 'ap:ap1',
      approvalId: 'ap1',
      command: 'make deploy',
      warnings: [],
      decisions: ['allow-once', 'deny'],
      state: 'denied',
      host: 'sandbox',
      cwd: '/w',
      agent: 'main',
      expiresAtMs: 0,
      outcome: 'Denied by another operator',
      error: 'offline',
    });
  });

  it('name a node host by its id', () => {
    const host = (approval: Partial<ExecApproval>) => (cardItem(approvalEntry({}, approval)) as { host?: string }).host;
    assert.equal(host({ host: 'node', nodeId: 'pi' }), 'node pi');
    assert.equal(host({ nodeId: 'pi' }), 'node pi');
    assert.equal(host({}), undefined);
  });

  it('say who decided an approval and how it ended', () => {
    const outcome = (fields: Partial<ApprovalEntry>) => approvalOutcome(approvalEntry(fields));
    assert.equal(outcome({}), undefined);
    assert.equal(outcome({ state: 'deciding', sending: 'allow-always' }), 'Sending “Allow always”…');
    assert.equal(outcome({ state: 'deciding', sending: 'deny' }), 'Sending “Deny”…');
    assert.equal(outcome({ state: 'deciding' }), 'Sending the decision…');
    assert.equal(outcome({ state: 'allowed', decidedHere: true, resolution: resolved({ decision: 'allow-always' }) }), 'Always allowed by you');
    assert.equal(outcome({ state: 'allowed', decidedHere: true, resolution: resolved({ decision: 'allow-once' }) }), 'Allowed once by you');
    assert.equal(outcome({ state: 'allowed' }), 'Allowed once by another operator');
    assert.equal(outcome({ state: 'allowed', resolution: resolved({ resolverKind: 'system', resolvedBy: 'x' }) }), 'Allowed once by the gateway');
    assert.equal(
      outcome({ state: 'allowed', resolution: resolved({ resolverKind: 'device', resolvedBy: 'cli-7' }) }),
      'Allowed once by another operator (cli-7)',
    );
    assert.equal(outcome({ state: 'denied', resolution: resolved({ reason: 'no-route' }) }), 'Denied by the gateway: no client could approve it');
    assert.equal(outcome({ state: 'denied', resolution: resolved({ reason: 'timeout' }) }), 'Denied by the gateway: no decision came in time');
    assert.equal(outcome({ state: 'denied', decidedHere: true, resolution: resolved({ reason: 'user' }) }), 'Denied by you');
    assert.equal(outcome({ state: 'denied' }), 'Denied by another operator');
    assert.equal(outcome({ state: 'expired' }), 'Expired: no decision came in time, so the gateway denied it');
    assert.equal(outcome({ state: 'cancelled', resolution: resolved({ reason: 'run-aborted' }) }), 'Cancelled: the turn was stopped');
    assert.equal(
      outcome({ state: 'cancelled', resolution: resolved({ reason: 'gateway-restart' }) }),
      'Cancelled: the gateway restarted before a decision came',
    );
    assert.equal(outcome({ state: 'cancelled' }), 'No longer pending: it ended on the gateway while VS Code was away');
  });

  it('show a question with its answers, a secret one masked', () => {
    const entry = questionEntry(
      { state: 'answered', endedHere: true, answers: { a: ['x', 'y'], pin: ['1234'], none: [] }, error: 'late' },
      { questions: [ask('a', { options: [{ label: 'x' }], multiSelect: true, other: true }), ask('pin', { secret: true }), ask('none')], expiresAtMs: 0 },
    );
    assert.deepEqual(cardItem(entry), {
      kind: 'question',
      id: 'q:q1',
      questionId: 'q1',
      questions: [
        { id: 'a', header: 'H a', question: 'Q a?', options: [{ label: 'x' }], multiSelect: true, other: true, secret: false, answer: 'x, y' },
        { id: 'pin', header: 'H pin', question: 'Q pin?', options: [], multiSelect: false, other: false, secret: true, answer: SECRET_MASK },
        { id: 'none', header: 'H none', question: 'Q none?', options: [], multiSelect: false, other: false, secret: false },
      ],
      state: 'answered',
      expiresAtMs: 0,
      outcome: 'Answered by you',
      error: 'late',
    });
    assert.equal(SECRET_MASK, '••••••');
    assert.deepEqual(Object.keys(cardItem(questionEntry())), ['kind', 'id', 'questionId', 'questions', 'state']);
  });

  it('say how a question ended', () => {
    const outcome = (fields: Partial<QuestionEntry>) => questionOutcome(questionEntry(fields));
    assert.equal(outcome({}), undefined);
    assert.equal(outcome({ state: 'submitting' }), 'Sending…');
    assert.equal(outcome({ state: 'answered', endedHere: true }), 'Answered by you');
    assert.equal(outcome({ state: 'answered' }), 'Answered by another operator');
    assert.equal(outcome({ state: 'skipped' }), 'Skipped: the agent goes on without an answer');
    assert.equal(outcome({ state: 'expired' }), 'Expired: no answer came in time, so the agent went on without one');
    assert.equal(outcome({ state: 'cancelled' }), 'Cancelled: the question ended before an answer came');
  });

  it('sum up an entry in one line', () => {
    assert.equal(summaryOf(approvalEntry()), 'make deploy');
    assert.equal(summaryOf(questionEntry({}, { questions: [ask('a'), ask('b')] })), 'Q a?');
  });
});
