/**
 * The host's word on a decision or an answer (approval-checks.ts): "allow always" only after the
 * person confirmed it in a modal that names the command and where it runs, and answers held to
 * what the agent asked. Pure: the approvals and the modal are small stand-ins that record calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentQuestion, AgentQuestionItem, ExecApproval } from '../../src/gateway/payloads';
import type { ApprovalDecision } from '../../src/protocol/gateway';
import { checkAnswers, decideWithConsent } from '../../src/extension/approval-checks';
import type { Approvals } from '../../src/extension/approvals';

function approval(fields: Partial<ExecApproval> = {}): ExecApproval {
  return { id: 'ap1', command: 'rm -rf build', warnings: [], allowedDecisions: ['allow-once', 'allow-always', 'deny'], ...fields };
}

/** Records what was checked, confirmed and decided, in order. */
function stage(fields: Partial<ExecApproval> = {}, answer = true, refuse?: string) {
  const calls: string[] = [];
  const modals: Array<[string, string, string]> = [];
  const approvals = {
    checkDecidable(id: string, decision: ApprovalDecision) {
      calls.push(`check ${id} ${decision}`);
      if (refuse) throw new Error(refuse);
      return { kind: 'approval', approval: approval(fields), state: 'pending', decidedHere: false };
    },
    async decide(id: string, decision: ApprovalDecision) {
      calls.push(`decide ${id} ${decision}`);
      return true;
    },
  } as unknown as Approvals;
  const services = {
    async confirm(message: string, detail: string, action: string) {
      calls.push('confirm');
      modals.push([message, detail, action]);
      return answer;
    },
  };
  return { approvals, services, calls, modals };
}

describe('decideWithConsent', () => {
  it('sends a one-time decision or a denial without asking', async () => {
    for (const decision of ['allow-once', 'deny'] as const) {
      const { approvals, services, calls } = stage();
      assert.equal(await decideWithConsent(approvals, services, 'ap1', decision), true);
      assert.deepEqual(calls, [`check ap1 ${decision}`, `decide ap1 ${decision}`]);
    }
  });

  it('asks before "allow always", naming the command, the host and the folder', async () => {
    const { approvals, services, calls, modals } = stage({ host: 'node', cwd: '/srv/app' });
    assert.equal(await decideWithConsent(approvals, services, 'ap1', 'allow-always'), true);
    assert.deepEqual(calls, ['check ap1 allow-always', 'confirm', 'decide ap1 allow-always']);
    assert.deepEqual(modals, [
      ['Always allow this command?', 'From now on the gateway runs it on node in /srv/app without asking anyone:\n\nrm -rf build', 'Allow Always'],
    ]);
  });

  it('words the modal with only what the approval says', async () => {
    const details = async (fields: Partial<ExecApproval>) => {
      const { approvals, services, modals } = stage(fields);
      await decideWithConsent(approvals, services, 'ap1', 'allow-always');
      return modals[0][1];
    };
    assert.equal(await details({}), 'From now on the gateway runs it without asking anyone:\n\nrm -rf build');
    assert.equal(await details({ host: 'gateway' }), 'From now on the gateway runs it on gateway without asking anyone:\n\nrm -rf build');
    assert.equal(await details({ cwd: '/w' }), 'From now on the gateway runs it in /w without asking anyone:\n\nrm -rf build');
  });

  it('sends nothing when the person cancels the modal', async () => {
    const { approvals, services, calls } = stage({}, false);
    assert.equal(await decideWithConsent(approvals, services, 'ap1', 'allow-always'), false);
    assert.deepEqual(calls, ['check ap1 allow-always', 'confirm']);
  });

  it('asks nothing when the decision cannot be made at all', async () => {
    const { approvals, services, calls } = stage({}, true, 'This approval has already ended (denied).');
    await assert.rejects(decideWithConsent(approvals, services, 'ap1', 'allow-always'), /already ended \(denied\)/);
    assert.deepEqual(calls, ['check ap1 allow-always']);
  });
});

function item(id: string, fields: Partial<AgentQuestionItem> = {}): AgentQuestionItem {
  return { id, header: '', question: `Question ${id}?`, options: [], multiSelect: false, other: false, secret: false, ...fields };
}

function asking(...questions: AgentQuestionItem[]): AgentQuestion {
  return { id: 'q1', questions, status: 'pending' };
}

const colour = item('colour', { header: 'Colour', options: [{ label: 'red' }, { label: 'blue' }] });

describe('checkAnswers', () => {
  it('gives the answers per question, trimmed, empty ones left out', () => {
    const question = asking(item('name'), colour);
    assert.deepEqual(
      checkAnswers(question, [
        { questionId: 'name', values: ['  Ada  ', ' ', ''] },
        { questionId: 'colour', values: ['red'] },
      ]),
      { name: ['Ada'], colour: ['red'] },
    );
  });

  it('takes a secret exactly as typed', () => {
    const question = asking(item('token', { secret: true }));
    assert.deepEqual(checkAnswers(question, [{ questionId: 'token', values: [' s3cret '] }]), { token: [' s3cret '] });
  });

  it('refuses an answer to a question the agent did not ask', () => {
    assert.throws(() => checkAnswers(asking(item('name')), [{ questionId: 'age', values: ['3'] }]), {
      message: 'The agent did not ask "age".',
    });
  });

  it('refuses a question answered twice, by its header or else its question', () => {
    const twice = [
      { questionId: 'colour', values: ['red'] },
      { questionId: 'colour', values: ['blue'] },
    ];
    assert.throws(() => checkAnswers(asking(colour), twice), { message: '"Colour" was answered twice.' });
    const bare = item('colour', { options: colour.options });
    assert.throws(() => checkAnswers(asking(bare), twice), { message: '"Question colour?" was answered twice.' });
  });

  it('refuses an own answer where only the options are offered', () => {
    assert.throws(() => checkAnswers(asking(colour), [{ questionId: 'colour', values: ['green'] }]), {
      message: '"Colour" takes one of its options only.',
    });
    // With "other" allowed, or with no options at all, an own answer is fine.
    const open = item('colour', { options: colour.options, other: true });
    assert.deepEqual(checkAnswers(asking(open), [{ questionId: 'colour', values: ['green'] }]), { colour: ['green'] });
    assert.deepEqual(checkAnswers(asking(item('free')), [{ questionId: 'free', values: ['green'] }]), { free: ['green'] });
  });

  it('takes several answers only where the question is multi-select', () => {
    const two = [{ questionId: 'colour', values: ['red', 'blue'] }];
    assert.throws(() => checkAnswers(asking(colour), two), { message: '"Colour" takes one answer.' });
    const many = item('colour', { header: 'Colour', options: colour.options, multiSelect: true });
    assert.deepEqual(checkAnswers(asking(many), two), { colour: ['red', 'blue'] });
  });

  it('counts only the answers left after trimming', () => {
    assert.deepEqual(checkAnswers(asking(colour), [{ questionId: 'colour', values: ['red', '  '] }]), { colour: ['red'] });
  });

  it('wants every question answered', () => {
    const question = asking(item('name'), colour);
    assert.throws(() => checkAnswers(question, [{ questionId: 'name', values: ['Ada'] }]), { message: 'Answer "Colour" first, or skip the question.' });
    assert.throws(
      () =>
        checkAnswers(question, [
          { questionId: 'colour', values: ['red'] },
          { questionId: 'name', values: [' '] },
        ]),
      {
        message: 'Answer "Question name?" first, or skip the question.',
      },
    );
  });

  it('takes questions whose ids are names objects already have', () => {
    const question = asking(item('constructor'), item('__proto__'), item('toString'));
    const answers = checkAnswers(question, [
      { questionId: 'constructor', values: ['a'] },
      { questionId: '__proto__', values: ['b'] },
      { questionId: 'toString', values: ['c'] },
    ]);
    assert.equal(JSON.stringify(answers), '{"constructor":["a"],"__proto__":["b"],"toString":["c"]}');
    assert.deepEqual(Object.keys(answers), ['constructor', '__proto__', 'toString']);
    assert.throws(() => checkAnswers(asking(item('__proto__')), []), { message: 'Answer "Question __proto__?" first, or skip the question.' });
  });
});
