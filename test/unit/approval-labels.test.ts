/** The words on an approval card while a decision is on its way (approval-items.ts), for each decision. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalEntry } from '../../src/extension/approval-entries';
import { approvalOutcome, DECISION_LABELS } from '../../src/extension/approval-items';

describe('decision labels', () => {
  it('name each decision as its button does', () => {
    assert.deepEqual(DECISION_LABELS, { 'allow-once': 'Allow once', 'allow-always': 'Allow always', deny: 'Deny' });
    const entry: ApprovalEntry = {
      kind: 'approval',
      approval: { id: 'a', command: 'ls', warnings: [], allowedDecisions: ['allow-once', 'deny'] },
      state: 'deciding',
      sending: 'allow-once',
      decidedHere: false,
    };
    assert.equal(approvalOutcome(entry), 'Sending “Allow once”…');
  });
});
