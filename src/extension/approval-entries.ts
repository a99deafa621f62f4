/**
 * What the host knows of one approval or question the agent waits for, and the small facts read
 * off it (still open? which session? since and until when?). Pure; the state lives in approvals.ts.
 */
import type { AgentQuestion, ApprovalResolution, ExecApproval } from '../gateway/payloads';
import type { ApprovalDecision } from '../protocol/gateway';
import type { APPROVAL_STATES, QUESTION_STATES } from '../protocol/webview';

export type ApprovalState = (typeof APPROVAL_STATES)[number];
export type QuestionState = (typeof QUESTION_STATES)[number];

export interface ApprovalEntry {
  kind: 'approval';
  approval: ExecApproval;
  state: ApprovalState;
  resolution?: ApprovalResolution;
  /** This VS Code decided it. */
  decidedHere: boolean;
  /** The decision on its way, while `deciding`. */
  sending?: ApprovalDecision;
  /** Why the last decision could not be sent. */
  error?: string;
}

export interface QuestionEntry {
  kind: 'question';
  question: AgentQuestion;
  state: QuestionState;
  /** Answered or skipped from this VS Code. */
  endedHere: boolean;
  /** The answers given, per question id (only ever shown masked where the question is a secret). */
  answers?: Record<string, string[]>;
  error?: string;
}

export type PendingEntry = ApprovalEntry | QuestionEntry;

const OPEN_APPROVAL: ReadonlySet<ApprovalState> = new Set(['pending', 'deciding']);
const OPEN_QUESTION: ReadonlySet<QuestionState> = new Set(['pending', 'submitting']);

/** Whether the agent still waits on it. */
export function isOpen(entry: PendingEntry): boolean {
  return entry.kind === 'approval' ? OPEN_APPROVAL.has(entry.state) : OPEN_QUESTION.has(entry.state);
}

/** The session an approval or question belongs to (absent for runs outside any session). */
export function sessionOf(entry: PendingEntry): string | undefined {
  return entry.kind === 'approval' ? entry.approval.sessionKey : entry.question.sessionKey;
}

/** Fields the known approval lacks, taken from a later reading; undefined when nothing is new. */
export function mergeKnown(known: ExecApproval, later: ExecApproval): ExecApproval | undefined {
  const merged: ExecApproval = { ...known, warnings: [...known.warnings] };
  let changed = false;
  // The known approval always has its warnings and decisions, so only its optional fields are filled
  // here (a later reading cannot widen the decisions); the warnings are merged line by line below.
  for (const [key, value] of Object.entries(later) as Array<[keyof ExecApproval, unknown]>) {
    if (value !== undefined && merged[key] === undefined) {
      (merged as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
  }
  for (const line of later.warnings) {
    if (!merged.warnings.includes(line)) {
      merged.warnings.push(line);
      changed = true;
    }
  }
  return changed ? merged : undefined;
}

export function createdAt(entry: PendingEntry): number {
  return (entry.kind === 'approval' ? entry.approval.createdAtMs : entry.question.createdAtMs) ?? 0;
}

export function expiresAt(entry: PendingEntry): number | undefined {
  return entry.kind === 'approval' ? entry.approval.expiresAtMs : entry.question.expiresAtMs;
}
