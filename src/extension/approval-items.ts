/**
 * How an approval or a question reads as a chat card (and in a notification or the palette): the
 * item the webview renders, the sentence that says who decided what or why it ended, and where
 * in the transcript the card goes. Pure.
 */
import type { ApprovalDecision } from '../protocol/gateway';
import type { ChatItem, QuestionView } from '../protocol/webview';
import type { ApprovalEntry, PendingEntry, QuestionEntry } from './approvals';

/** What a secret answer shows instead of itself, whatever its length. */
export const SECRET_MASK = '••••••';

export const DECISION_LABELS: Record<ApprovalDecision, string> = { 'allow-once': 'Allow once', 'allow-always': 'Allow always', deny: 'Deny' };

/** The chat item id of an entry's card. */
export function cardId(entry: PendingEntry): string {
  return entry.kind === 'approval' ? `ap:${entry.approval.id}` : `q:${entry.question.id}`;
}

/** The run that asked, which places the card in its turn. */
export function runOfEntry(entry: PendingEntry): string | undefined {
  return entry.kind === 'approval' ? entry.approval.runId : entry.question.runId;
}

/** The item a card follows in the transcript: an approval follows the tool call that needs it. */
export function anchorOf(entry: PendingEntry): string | undefined {
  return entry.kind === 'approval' && entry.approval.toolCallId ? `t:${entry.approval.toolCallId}` : undefined;
}

/** An entry as its chat card. */
export function cardItem(entry: PendingEntry): ChatItem {
  return entry.kind === 'approval' ? approvalItem(entry) : questionItem(entry);
}

function approvalItem(entry: ApprovalEntry): ChatItem {
  const { approval } = entry;
  const item: Extract<ChatItem, { kind: 'approval' }> = {
    kind: 'approval',
    id: cardId(entry),
    approvalId: approval.id,
    command: approval.command,
    warnings: approval.warnings,
    decisions: approval.allowedDecisions,
    state: entry.state,
  };
  const host = approval.nodeId ? `${approval.host ?? 'node'} ${approval.nodeId}` : approval.host;
  if (host) item.host = host;
  if (approval.cwd) item.cwd = approval.cwd;
  if (approval.agentId) item.agent = approval.agentId;
  if (approval.expiresAtMs !== undefined) item.expiresAtMs = approval.expiresAtMs;
  const outcome = approvalOutcome(entry);
  if (outcome) item.outcome = outcome;
  if (entry.error) item.error = entry.error;
  return item;
}

function questionItem(entry: QuestionEntry): ChatItem {
  const { question } = entry;
  const questions: QuestionView[] = question.questions.map((q) => {
    const view: QuestionView = {
      id: q.id,
      header: q.header,
      question: q.question,
      options: q.options,
      multiSelect: q.multiSelect,
      other: q.other,
      secret: q.secret,
    };
    const given = entry.answers?.[q.id];
    if (given?.length) view.answer = q.secret ? SECRET_MASK : given.join(', ');
    return view;
  });
  const item: Extract<ChatItem, { kind: 'question' }> = { kind: 'question', id: cardId(entry), questionId: question.id, questions, state: entry.state };
  if (question.expiresAtMs !== undefined) item.expiresAtMs = question.expiresAtMs;
  const outcome = questionOutcome(entry);
  if (outcome) item.outcome = outcome;
  if (entry.error) item.error = entry.error;
  return item;
}

/** Who decided what, or why the approval ended, in a sentence; undefined while it waits. */
export function approvalOutcome(entry: ApprovalEntry): string | undefined {
  const { resolution } = entry;
  switch (entry.state) {
    case 'pending':
      return undefined;
    case 'deciding':
      return entry.sending ? `Sending “${DECISION_LABELS[entry.sending]}”…` : 'Sending the decision…';
    case 'allowed':
      return `${resolution?.decision === 'allow-always' ? 'Always allowed' : 'Allowed once'} ${decidedBy(entry)}`;
    case 'denied':
      if (resolution?.reason === 'no-route') return 'Denied by the gateway: no client could approve it';
      if (resolution?.reason === 'timeout') return 'Denied by the gateway: no decision came in time';
      return `Denied ${decidedBy(entry)}`;
    case 'expired':
      return 'Expired: no decision came in time, so the gateway denied it';
    case 'cancelled':
      if (resolution?.reason === 'run-aborted') return 'Cancelled: the turn was stopped';
      if (resolution?.reason === 'gateway-restart') return 'Cancelled: the gateway restarted before a decision came';
      return 'No longer pending: it ended on the gateway while VS Code was away';
  }
}

function decidedBy(entry: ApprovalEntry): string {
  if (entry.decidedHere) return 'by you';
  if (entry.resolution?.resolverKind === 'system') return 'by the gateway';
  const who = entry.resolution?.resolvedBy;
  return who ? `by another operator (${who})` : 'by another operator';
}

/** How a question ended, in a sentence; undefined while it waits. */
export function questionOutcome(entry: QuestionEntry): string | undefined {
  switch (entry.state) {
    case 'pending':
      return undefined;
    case 'submitting':
      return 'Sending…';
    case 'answered':
      return entry.endedHere ? 'Answered by you' : 'Answered by another operator';
    case 'skipped':
      return 'Skipped: the agent goes on without an answer';
    case 'expired':
      return 'Expired: no answer came in time, so the agent went on without one';
    case 'cancelled':
      return 'Cancelled: the question ended before an answer came';
  }
}

/** One line for a notification or a picker: the command, or the first question. */
export function summaryOf(entry: PendingEntry): string {
  if (entry.kind === 'approval') return entry.approval.command;
  const [first] = entry.question.questions;
  return first.question;
}
