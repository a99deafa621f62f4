/** Token use and cost in words (usage-report.ts), line by line and as the whole report. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCost, sessionUsageLines, usagePeriodLine, usageReport } from '../../src/extension/usage-report';
import type { UsageSummary } from '../../src/protocol/gateway';

const totals = (over: Partial<UsageSummary['totals']> = {}): UsageSummary['totals'] => ({
  input: 12000,
  output: 345,
  totalTokens: 12345,
  totalCost: 0.12,
  missingCostEntries: 0,
  ...over,
});

describe('formatCost', () => {
  it('shows cents, and fractions of a cent below one cent', () => {
    assert.equal(formatCost(0), '$0.00');
    assert.equal(formatCost(0.01), '$0.01');
    assert.equal(formatCost(0.0099), '$0.0099');
    assert.equal(formatCost(0.000123), '$0.00012');
    assert.equal(formatCost(12.345), '$12.35');
  });
});

describe('sessionUsageLines', () => {
  it('prefers in and out counts to the total, and leaves out a zero or missing cost', () => {
    assert.deepEqual(sessionUsageLines({ inputTokens: 5, totalTokens: 9 }), ['Tokens: 5 in']);
    assert.deepEqual(sessionUsageLines({ outputTokens: 1200, estimatedCostUsd: 0.004 }), ['Tokens: 1,200 out', 'Cost: $0.0040']);
    assert.deepEqual(sessionUsageLines({ estimatedCostUsd: 2 }), ['Cost: $2.00']);
  });
});

describe('usagePeriodLine', () => {
  it('counts sessions in the singular and plural', () => {
    assert.equal(usagePeriodLine('Last 7 days', { totals: totals(), sessions: 4 }), 'Last 7 days: 12,345 tokens (12,000 in · 345 out) in 4 sessions, $0.12');
    assert.equal(usagePeriodLine('Today', { totals: totals(), sessions: 1 }), 'Today: 12,345 tokens (12,000 in · 345 out) in 1 session, $0.12');
    assert.equal(usagePeriodLine('None', { totals: totals(), sessions: 0 }), 'None: 12,345 tokens (12,000 in · 345 out) in 0 sessions, $0.12');
  });

  it('says what is known of the cost', () => {
    const line = (t: UsageSummary['totals']) => usagePeriodLine('P', { totals: t, sessions: 2 }).replace(/^.* in 2 sessions/, '');
    assert.equal(line(totals({ totalCost: 0, missingCostEntries: 0 })), ', no cost recorded');
    assert.equal(line(totals({ totalCost: 0, missingCostEntries: 2 })), ', cost unknown (the gateway has no prices for these models)');
    assert.equal(line(totals({ totalCost: 3, missingCostEntries: 0 })), ', $3.00');
    assert.equal(line(totals({ totalCost: 3, missingCostEntries: 5 })), ', $3.00 (at least: 5 entries have no price)');
  });
});

describe('usageReport', () => {
  const week: UsageSummary = { totals: totals(), sessions: 2 };
  const month: UsageSummary = { totals: totals({ totalCost: 0 }), sessions: 5, startDate: '2026-11-02', endDate: '2026-12-02' };

  it('is both periods, one a line, then the dates the month covers', () => {
    assert.deepEqual(usageReport(week, month), {
      message: 'OpenClaw usage',
      detail:
        'Last 7 days: 12,345 tokens (12,000 in · 345 out) in 2 sessions, $0.12\n' +
        'Last 30 days: 12,345 tokens (12,000 in · 345 out) in 5 sessions, no cost recorded\n\n' +
        'From 2026-11-02 to 2026-12-02.',
    });
  });

  it('gives dates only when the gateway sent both, and ends without blank lines', () => {
    for (const dates of [{}, { startDate: '2026-11-02' }, { endDate: '2026-12-02' }]) {
      const { detail } = usageReport(week, { ...month, startDate: undefined, endDate: undefined, ...dates });
      assert.doesNotMatch(detail, /From/);
      assert.doesNotMatch(detail, /\n$/);
      assert.equal(detail.split('\n').length, 2);
    }
  });

  it('adds the still-counting note when either period is refreshing, and only then', () => {
    const note = 'The gateway is still counting the newest turns: run this again in a minute for the full figures.';
    assert.ok(usageReport({ ...week, cacheStatus: 'refreshing' }, month).detail.endsWith(`From 2026-11-02 to 2026-12-02. ${note}`));
    assert.ok(usageReport(week, { ...month, cacheStatus: 'refreshing' }).detail.endsWith(note));
    assert.ok(!usageReport({ ...week, cacheStatus: 'fresh' }, { ...month, cacheStatus: 'fresh' }).detail.includes('still counting'));
  });
});
