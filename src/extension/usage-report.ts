/**
 * Token use and cost in words: a session's (from its `sessions.list` row, for the Sessions view's
 * tooltip) and the gateway's totals over the last 7 and 30 days (`sessions.usage`, for the palette
 * command). Cost is shown only where the gateway knows prices; a count it is still catching up on
 * says so. Pure.
 */
import type { SessionRow, UsageSummary } from '../protocol/gateway';

const numbers = new Intl.NumberFormat('en-US');

/** A dollar amount: cents, or fractions of a cent where it is that small. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0.00';
  return usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`;
}

/** "Tokens: 15,398 in · 11 out" and, where priced, "Cost: $0.42" for a session row; [] without counts. */
export function sessionUsageLines(row: Pick<SessionRow, 'inputTokens' | 'outputTokens' | 'totalTokens' | 'estimatedCostUsd'>): string[] {
  const parts: string[] = [];
  if (row.inputTokens !== undefined) parts.push(`${numbers.format(row.inputTokens)} in`);
  if (row.outputTokens !== undefined) parts.push(`${numbers.format(row.outputTokens)} out`);
  if (!parts.length && row.totalTokens !== undefined) parts.push(`${numbers.format(row.totalTokens)} total`);
  const lines = parts.length ? [`Tokens: ${parts.join(' · ')}`] : [];
  if (row.estimatedCostUsd !== undefined && row.estimatedCostUsd > 0) lines.push(`Cost: ${formatCost(row.estimatedCostUsd)}`);
  return lines;
}

/** One line per period: "Last 7 days: 12,345 tokens (12,000 in · 345 out) in 4 sessions, $0.12". */
export function usagePeriodLine(label: string, usage: UsageSummary): string {
  const t = usage.totals;
  const sessions = `${usage.sessions} session${usage.sessions === 1 ? '' : 's'}`;
  let line = `${label}: ${numbers.format(t.totalTokens)} tokens (${numbers.format(t.input)} in · ${numbers.format(t.output)} out) in ${sessions}`;
  if (t.totalCost > 0) line += `, ${formatCost(t.totalCost)}${t.missingCostEntries ? ` (at least: ${t.missingCostEntries} entries have no price)` : ''}`;
  else line += t.missingCostEntries ? ', cost unknown (the gateway has no prices for these models)' : ', no cost recorded';
  return line;
}

/** The palette command's message: both periods, and a note when the gateway is still counting. */
export function usageReport(week: UsageSummary, month: UsageSummary): { message: string; detail: string } {
  const lines = [usagePeriodLine('Last 7 days', week), usagePeriodLine('Last 30 days', month)];
  const refreshing = [week, month].some((u) => u.cacheStatus === 'refreshing');
  const span = month.startDate && month.endDate ? `From ${month.startDate} to ${month.endDate}. ` : '';
  const note = refreshing ? 'The gateway is still counting the newest turns: run this again in a minute for the full figures.' : '';
  return { message: 'OpenClaw usage', detail: `${lines.join('\n')}\n\n${span}${note}`.trim() };
}
