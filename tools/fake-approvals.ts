/**
 * Exec approvals and `ask_user` questions on the fake gateway, the way `openclaw@2026.9.6` does them
 * (test/fixtures/transcripts/approvals.jsonl, trimmed from features/01, 02, 04 and 10): a test asks
 * through `ask()` / `askQuestion()` as the agent would, and the fake sends the recorded events
 * (`session.approval` + `exec.approval.requested`, `question.requested`) only to connections that
 * asked for `operator.approvals` (and cap `exec-approvals`) or `operator.questions`, answers the RPCs
 * with the recorded shapes and refusals, and tells everyone how each ended.
 */
import { randomUUID } from 'node:crypto';
import type { Conn, FakeGateway } from './fake-gateway';

export const APPROVAL_METHODS = [
  'exec.approval.list',
  'exec.approval.get',
  'exec.approval.resolve',
  'approval.get',
  'approval.resolve',
  'sessions.messages.subscribe',
  'sessions.messages.unsubscribe',
  'question.list',
  'question.get',
  'question.resolve',
];

/** The gateway's 30 minutes. */
export const APPROVAL_TIMEOUT_MS = 30 * 60_000;

export interface AskOptions {
  command: string;
  sessionKey: string;
  runId?: string;
  toolCallId?: string;
  allowedDecisions?: string[];
  cwd?: string;
  warningText?: string | null;
  expiresAtMs?: number;
}

interface FakeApproval {
  id: string;
  request: Record<string, unknown>;
  status: 'pending' | 'allowed' | 'denied' | 'expired' | 'cancelled';
  decision?: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface FakeQuestion {
  id: string;
  questions: Array<Record<string, unknown>>;
  agentId: string;
  sessionKey: string;
  runId?: string;
  createdAtMs: number;
  expiresAtMs: number;
  status: 'pending' | 'answered' | 'cancelled' | 'expired';
  answers?: { answers: Record<string, string[]> };
}

/** The questions of the recorded ASKUSER turn. */
export const RECORDED_QUESTIONS = [
  {
    questionId: 'color',
    header: 'Color',
    question: 'Which color should the probe use?',
    options: [{ label: 'Red', description: 'warm' }, { label: 'Blue' }],
    isOther: true,
  },
  { questionId: 'size', header: 'Size', question: 'Which sizes?', options: [{ label: 'S' }, { label: 'M' }, { label: 'L' }], multiSelect: true, isOther: true },
];

const MISSING_APPROVALS = {
  code: 'FORBIDDEN',
  message: 'missing scope: operator.approvals',
  details: { code: 'MISSING_SCOPE', missingScope: 'operator.approvals', requiredScopes: ['operator.approvals'] },
};
const NO_PROFILE = { code: 'FORBIDDEN', message: 'Session-scoped access requires a verified user profile.' };

export class FakeApprovals {
  readonly approvals = new Map<string, FakeApproval>();
  readonly questions = new Map<string, FakeQuestion>();

  constructor(private readonly gateway: FakeGateway) {
    gateway.extraMethods.push(...APPROVAL_METHODS);
    gateway.handlers.push((conn, frame) => this.handle(conn, frame));
  }

  /** The agent asks to run `command`: every approvals client hears of it. Returns the approval id. */
  ask(options: AskOptions): string {
    const id = randomUUID();
    const createdAtMs = Date.now();
    const allowedDecisions = options.allowedDecisions ?? ['allow-once', 'deny'];
    const request = {
      command: options.command,
      systemRunBinding: null,
      systemRunPlan: null,
      cwd: options.cwd ?? '/srv/openclaw-probe/workspace',
      nodeId: null,
      host: 'gateway',
      security: 'allowlist',
      ask: 'on-miss',
      warningText: options.warningText ?? null,
      scope: null,
      commandAnalysis: { commandCount: 1, nestedCommandCount: 0, riskKinds: [], warningLines: [] },
      unavailableDecisions: ['allow-once', 'allow-always', 'deny'].filter((d) => !allowedDecisions.includes(d)),
      allowedDecisions,
      agentId: 'main',
      resolvedPath: '/usr/bin/echo',
      sessionKey: options.sessionKey,
      sessionId: null,
      runId: options.runId ?? null,
      toolCallId: options.toolCallId ?? null,
    };
    const approval: FakeApproval = { id, request, status: 'pending', createdAtMs, expiresAtMs: options.expiresAtMs ?? createdAtMs + APPROVAL_TIMEOUT_MS };
    this.approvals.set(id, approval);
    this.toApprovers((conn) => {
      conn.event('session.approval', this.sessionApproval(approval));
      conn.event('exec.approval.requested', { approvalKind: 'exec', id, request, createdAtMs, expiresAtMs: approval.expiresAtMs });
    });
    return id;
  }

  /** Another operator (or the gateway's timer) ends an approval. */
  end(id: string, status: FakeApproval['status'], decision?: string, resolvedBy = 'other-operator'): void {
    const approval = this.approvals.get(id);
    if (!approval || approval.status !== 'pending') throw new Error(`approval ${id} is not pending`);
    approval.status = status;
    approval.decision = decision;
    this.toApprovers((conn) => {
      conn.event('session.approval', this.sessionApproval(approval));
      if (decision) conn.event('exec.approval.resolved', { id, decision, resolvedBy, ts: Date.now(), request: approval.request });
    });
  }

  /** The agent calls `ask_user`: every questions client hears of it. Returns the question id. */
  askQuestion(sessionKey: string, runId?: string, questions = RECORDED_QUESTIONS): string {
    const createdAtMs = Date.now();
    const question: FakeQuestion = {
      id: `ask_${randomUUID().replace(/-/g, '')}`,
      questions,
      agentId: 'main',
      sessionKey,
      runId,
      createdAtMs,
      expiresAtMs: createdAtMs + 600_000,
      status: 'pending',
    };
    this.questions.set(question.id, question);
    this.toAskable((conn) => conn.event('question.requested', question));
    return question.id;
  }

  /** A question ends without us (its timer, another operator). */
  endQuestion(id: string, status: 'answered' | 'cancelled' | 'expired', answers?: Record<string, string[]>): void {
    const question = this.questions.get(id)!;
    question.status = status;
    if (answers) question.answers = { answers };
    this.toAskable((conn) => conn.event('question.resolved', { id, status, ...(question.answers ? { answers: question.answers } : {}) }));
  }

  private handle(conn: Conn, frame: Record<string, unknown>): boolean {
    if (!conn.authed || frame.type !== 'req' || !APPROVAL_METHODS.includes(String(frame.method))) return false;
    const id = frame.id;
    const params = (frame.params ?? {}) as Record<string, any>;
    const method = String(frame.method);
    const scopes = this.gateway.scopesOf(conn);
    if (method.startsWith('question.')) {
      if (!scopes.includes('operator.questions')) conn.res(id, false, NO_PROFILE);
      else this.onQuestion(conn, id, method, params);
      return true;
    }
    if (method.startsWith('sessions.messages.')) {
      if (method.endsWith('unsubscribe')) conn.res(id, true, { unsubscribed: true, key: params.key });
      else if (!params.includeApprovals) conn.res(id, true, { subscribed: true, key: params.key });
      else if (!scopes.includes('operator.approvals')) {
        conn.res(id, false, {
          code: 'INVALID_REQUEST',
          message: 'sessions.messages.subscribe includeApprovals requires a paired device and gateway scope: operator.approvals',
        });
      } else {
        const approvals = [...this.approvals.values()].filter((a) => a.status === 'pending' && a.request.sessionKey === params.key).map((a) => this.record(a));
        conn.res(id, true, {
          subscribed: true,
          key: params.key,
          approvalReplay: { sessionKey: params.key, updatedAtMs: Date.now(), approvals, truncated: false },
        });
      }
      return true;
    }
    if (!scopes.includes('operator.approvals')) {
      conn.res(id, false, MISSING_APPROVALS);
      return true;
    }
    const approval = this.approvals.get(String(params.id));
    switch (method) {
      case 'exec.approval.list':
        conn.res(
          id,
          true,
          [...this.approvals.values()]
            .filter((a) => a.status === 'pending')
            .map((a) => ({ id: a.id, request: a.request, createdAtMs: a.createdAtMs, expiresAtMs: a.expiresAtMs })),
        );
        return true;
      case 'exec.approval.get':
        if (!approval || approval.status !== 'pending')
          conn.res(id, false, { code: 'INVALID_REQUEST', message: 'unknown or expired approval id', details: { reason: 'APPROVAL_NOT_FOUND' } });
        else
          conn.res(id, true, {
            id: approval.id,
            commandText: approval.request.command,
            commandPreview: null,
            allowedDecisions: approval.request.allowedDecisions,
            host: 'gateway',
            nodeId: null,
            agentId: 'main',
            expiresAtMs: approval.expiresAtMs,
          });
        return true;
      case 'approval.get':
        if (!approval) conn.res(id, false, { code: 'INVALID_REQUEST', message: 'approval not found', details: { reason: 'APPROVAL_NOT_FOUND' } });
        else conn.res(id, true, { approval: this.record(approval) });
        return true;
      case 'approval.resolve':
      case 'exec.approval.resolve': {
        if (!approval) {
          conn.res(id, false, { code: 'INVALID_REQUEST', message: 'unknown or expired approval id', details: { reason: 'APPROVAL_NOT_FOUND' } });
          return true;
        }
        const applied = approval.status === 'pending';
        if (applied) this.end(approval.id, params.decision === 'deny' ? 'denied' : 'allowed', String(params.decision), 'gateway-client');
        if (method === 'approval.resolve') conn.res(id, true, { applied, approval: this.record(approval) });
        else if (applied) conn.res(id, true, { ok: true });
        else conn.res(id, false, { code: 'INVALID_REQUEST', message: 'approval already resolved', details: { reason: 'APPROVAL_ALREADY_RESOLVED' } });
        return true;
      }
      default:
        return false;
    }
  }

  private onQuestion(conn: Conn, id: unknown, method: string, params: Record<string, any>): void {
    const question = this.questions.get(String(params.id));
    if (method === 'question.list') return conn.res(id, true, { questions: [...this.questions.values()] });
    if (!question)
      return conn.res(id, false, { code: 'INVALID_REQUEST', message: `question '${params.id}' not found`, details: { reason: 'QUESTION_NOT_FOUND' } });
    if (method === 'question.get') return conn.res(id, true, { question });
    if (question.status !== 'pending') {
      return conn.res(id, false, {
        code: 'INVALID_REQUEST',
        message: `question '${question.id}' is already ${question.status}`,
        details: { reason: 'QUESTION_ALREADY_TERMINAL' },
      });
    }
    if (params.cancel === true) {
      conn.res(id, true, { status: 'cancelled' });
      return this.endQuestion(question.id, 'cancelled');
    }
    const answers = (params.answers?.answers ?? {}) as Record<string, string[]>;
    conn.res(id, true, { status: 'answered', answers: { answers } });
    this.endQuestion(question.id, 'answered', answers);
  }

  /** `approval.get` / replay / `session.approval` shape of an approval. */
  private record(approval: FakeApproval): Record<string, unknown> {
    const r = approval.request;
    return {
      id: approval.id,
      status: approval.status,
      presentation: {
        kind: 'exec',
        commandText: r.command,
        commandPreview: null,
        warningText: r.warningText,
        host: 'gateway',
        nodeId: null,
        agentId: 'main',
        allowedDecisions: r.allowedDecisions,
      },
      urlPath: `/approve/${approval.id}`,
      createdAtMs: approval.createdAtMs,
      expiresAtMs: approval.expiresAtMs,
      ...(approval.decision ? { decision: approval.decision } : {}),
    };
  }

  private sessionApproval(approval: FakeApproval): Record<string, unknown> {
    const key = approval.request.sessionKey;
    return {
      sessionKey: key,
      sourceSessionKey: key,
      updatedAtMs: Date.now(),
      phase: approval.status === 'pending' ? 'pending' : 'terminal',
      approval: this.record(approval),
    };
  }

  /** Connections the gateway routes approvals to: scope operator.approvals and cap exec-approvals. */
  private toApprovers(send: (conn: Conn) => void): void {
    for (const conn of this.gateway.conns) {
      if (conn.authed && this.gateway.scopesOf(conn).includes('operator.approvals') && this.gateway.capsOf(conn).includes('exec-approvals')) send(conn);
    }
  }

  private toAskable(send: (conn: Conn) => void): void {
    for (const conn of this.gateway.conns) if (conn.authed && this.gateway.scopesOf(conn).includes('operator.questions')) send(conn);
  }
}
