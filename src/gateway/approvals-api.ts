/**
 * The RPCs by which an operator supervises the agent: the exec approvals it waits for and the
 * questions it asks (`ask_user`). Plain requests on the connection, their answers read by
 * payloads.ts; which of them a gateway has is read from its `hello-ok` (2026.4.27 has
 * `exec.approval.*` only; 2026.9.6 adds `approval.*`, `question.*` and the approval replay).
 */
import type { ApprovalDecision, HelloOk } from '../protocol/gateway';
import { isRecord, str } from '../protocol/schema';
import type { ConnectionState } from './connection-state';
import { APPROVALS_SCOPE, QUESTIONS_SCOPE } from './constants';
import { GatewayRequestError } from './errors';
import type { GatewayConnection } from './gateway-connection';
import {
  readApprovalReplay,
  readApprovalSnapshot,
  readExecApprovalList,
  readQuestionList,
  readQuestionOutcome,
  readQuestionRecord,
  type AgentQuestion,
  type ApprovalResolution,
  type ApprovalSnapshot,
  type ExecApproval,
} from './payloads';
import type { RequestOptions } from './pending-requests';

/**
 * Whether the gateway sends this client what the agent waits for: `ok`; `missing-scope` (the
 * gateway did not grant the scope, so it routes nothing here); `unsupported` (it has no such RPCs:
 * an older gateway); `offline` (not connected).
 */
export type RouteStatus = 'ok' | 'missing-scope' | 'unsupported' | 'offline';

export interface ApprovalRoute {
  approvals: RouteStatus;
  questions: RouteStatus;
}

/** What a connection may do about approvals and questions, from the scopes and methods of its hello. */
export function approvalRoute(state: ConnectionState, hello: HelloOk | undefined): ApprovalRoute {
  if (state.kind !== 'connected') return { approvals: 'offline', questions: 'offline' };
  // A gateway that lists no methods is taken at its word for none of them being missing.
  const methods = hello?.features?.methods;
  const has = (method: string) => !methods || methods.includes(method);
  const status = (scope: string, method: string): RouteStatus => (!has(method) ? 'unsupported' : state.scopes.includes(scope) ? 'ok' : 'missing-scope');
  return { approvals: status(APPROVALS_SCOPE, 'exec.approval.resolve'), questions: status(QUESTIONS_SCOPE, 'question.resolve') };
}

/** How a decision went: applied by us, or the approval had already ended (another operator, expiry). */
export type DecisionResult = { applied: true; resolution: ApprovalResolution } | { applied: false; resolution?: ApprovalResolution };

export class ApprovalsApi {
  constructor(private readonly connection: GatewayConnection) {}

  /** Whether the gateway routes approvals and questions to this connection. */
  get route(): ApprovalRoute {
    return approvalRoute(this.connection.state, this.connection.hello);
  }

  /** Every exec approval the gateway waits for, in every session (`exec.approval.list`). */
  async pending(options: RequestOptions = {}): Promise<ExecApproval[]> {
    return readExecApprovalList(await this.connection.send('exec.approval.list', {}, options));
  }

  /**
   * What became of an approval: still pending, or how it ended (`approval.get`). Gateways without
   * `approval.get` know only pending ones (`exec.approval.get`); undefined when the gateway knows
   * nothing of it.
   */
  async lookup(id: string, options: RequestOptions = {}): Promise<ApprovalSnapshot | undefined> {
    try {
      if (this.has('approval.get')) {
        const payload = (await this.connection.send('approval.get', { id }, options)) as { approval?: unknown } | undefined;
        return readApprovalSnapshot(payload?.approval);
      }
      // exec.approval.get answers a flat `{id, commandText, allowedDecisions, ...}`, for pending ones only.
      const flat = await this.connection.send('exec.approval.get', { id }, options);
      return isRecord(flat) ? readApprovalSnapshot({ ...flat, status: 'pending', presentation: { ...flat, kind: 'exec' } }) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Decides an approval: `approval.resolve {id, kind, decision}` where the gateway has it (its answer
   * says whether the decision applied, and how the approval ended otherwise), else
   * `exec.approval.resolve {id, decision}`.
   */
  async resolve(id: string, decision: ApprovalDecision, options: RequestOptions = {}): Promise<DecisionResult> {
    if (this.has('approval.resolve')) {
      const payload = (await this.connection.send('approval.resolve', { id, kind: 'exec', decision }, options)) as { applied?: unknown; approval?: unknown };
      const snapshot = readApprovalSnapshot(payload?.approval);
      const resolution = snapshot && 'ended' in snapshot ? snapshot.ended : undefined;
      if (payload?.applied === true) return { applied: true, resolution: resolution ?? mine(id, decision) };
      return { applied: false, resolution };
    }
    try {
      await this.connection.send('exec.approval.resolve', { id, decision }, options);
      return { applied: true, resolution: mine(id, decision) };
    } catch (error) {
      if (reasonOf(error) === 'APPROVAL_ALREADY_RESOLVED') return { applied: false };
      throw error;
    }
  }

  /**
   * Follows one session's messages with its approvals (`sessions.messages.subscribe {key,
   * includeApprovals: true}`) and returns the approvals it still waits for (the reply's
   * `approvalReplay`). Gateways without the replay are subscribed to nothing: `pending()` covers them.
   */
  async watchSession(key: string, options: RequestOptions = {}): Promise<ExecApproval[]> {
    if (!this.has('approval.get') || !this.has('sessions.messages.subscribe')) return [];
    return readApprovalReplay(await this.connection.send('sessions.messages.subscribe', { key, includeApprovals: true }, options));
  }

  /** Stops following a session's messages (`sessions.messages.unsubscribe {key}`). */
  async unwatchSession(key: string, options: RequestOptions = {}): Promise<void> {
    if (!this.has('approval.get') || !this.has('sessions.messages.unsubscribe')) return;
    await this.connection.send('sessions.messages.unsubscribe', { key }, options);
  }

  /** The questions the agent waits on an answer for (`question.list`). */
  async pendingQuestions(options: RequestOptions = {}): Promise<AgentQuestion[]> {
    return readQuestionList(await this.connection.send('question.list', {}, options)).filter((q) => q.status === 'pending');
  }

  /** What became of a question (`question.get`); undefined when the gateway knows nothing of it. */
  async lookupQuestion(id: string, options: RequestOptions = {}): Promise<AgentQuestion | undefined> {
    try {
      const payload = (await this.connection.send('question.get', { id }, options)) as { question?: unknown } | undefined;
      return readQuestionRecord(payload?.question);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Answers a question: `question.resolve {id, answers: {answers: {<questionId>: [values]}}}`. False
   * when it was already answered, skipped or expired.
   */
  async answerQuestion(id: string, answers: Record<string, string[]>, options: RequestOptions = {}): Promise<boolean> {
    try {
      const outcome = readQuestionOutcome(await this.connection.send('question.resolve', { id, answers: { answers } }, options));
      return outcome?.status === 'answered';
    } catch (error) {
      if (reasonOf(error) === 'QUESTION_ALREADY_TERMINAL') return false;
      throw error;
    }
  }

  /** Skips a question (`question.resolve {id, cancel: true}`): the agent goes on without an answer. False when it had already ended. */
  async skipQuestion(id: string, options: RequestOptions = {}): Promise<boolean> {
    try {
      const outcome = readQuestionOutcome(await this.connection.send('question.resolve', { id, cancel: true }, options));
      return outcome?.status === 'cancelled';
    } catch (error) {
      if (reasonOf(error) === 'QUESTION_ALREADY_TERMINAL') return false;
      throw error;
    }
  }

  private has(method: string): boolean {
    const methods = this.connection.hello?.features?.methods;
    return !methods || methods.includes(method);
  }
}

/** The resolution a decision of ours makes, when the gateway's answer does not describe it. */
function mine(id: string, decision: ApprovalDecision): ApprovalResolution {
  return { id, status: decision === 'deny' ? 'denied' : 'allowed', decision, reason: 'user' };
}

/** The gateway names approval and question refusals in `details.reason` (APPROVAL_NOT_FOUND, ...). */
function reasonOf(error: unknown): string | undefined {
  return error instanceof GatewayRequestError ? str(error.details, 'reason') : undefined;
}

function isNotFound(error: unknown): boolean {
  const reason = reasonOf(error);
  return (
    reason === 'APPROVAL_NOT_FOUND' ||
    reason === 'QUESTION_NOT_FOUND' ||
    (error instanceof GatewayRequestError && /unknown or expired|not found/i.test(error.message))
  );
}
