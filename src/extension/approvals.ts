/**
 * The exec approvals and questions the agent waits for, as the host knows them, for the one
 * gateway it is connected to. Told by the gateway's events; listed again after every connection
 * (so a reconnect, a window reload or a gateway restart loses none and shows none twice, and what
 * ended meanwhile shows how it ended); the shown session followed with its approval replay; marked
 * expired when the gateway's deadline has passed. The chat's cards, the notifications, the status
 * bar badge and "Show Pending Approvals" all read it, and every decision and answer goes through
 * it, checked against what this gateway waits for. No `vscode` import.
 */
import { EventEmitter } from 'node:events';
import type { ApprovalRoute } from '../gateway/approvals-api';
import type { GatewayClient } from '../gateway/gateway-client';
import {
  readExecApprovalRequest,
  readExecApprovalResolved,
  readQuestionOutcome,
  readQuestionRecord,
  readSessionApproval,
  type AgentQuestion,
  type ApprovalResolution,
  type ExecApproval,
  type QuestionStatus,
} from '../gateway/payloads';
import type { ApprovalDecision, EventFrame } from '../protocol/gateway';
import { Disposable } from './disposable';
import {
  createdAt,
  expiresAt,
  isOpen,
  mergeKnown,
  sessionOf,
  type ApprovalEntry,
  type PendingEntry,
  type QuestionEntry,
  type QuestionState,
} from './approval-entries';
import { checkAnswers } from './approval-checks';

export { isOpen, sessionOf, type ApprovalEntry, type PendingEntry, type QuestionEntry } from './approval-entries';
export { decideWithConsent } from './approval-checks';

/** `entry`: one approval or question changed, `fresh` when the gateway just asked. `reset`: another gateway, nothing is pending. */
export type ApprovalsChange = { kind: 'entry'; entry: PendingEntry; fresh: boolean } | { kind: 'reset' };

export interface ApprovalsDeps {
  log(level: 'info' | 'warn', message: string): void;
}

/** Ended approvals and questions kept for their cards, at most. */
const MAX_KEPT = 500;
/** The gateway's own timer decides; ours only catches what it never told us, a moment later. */
const EXPIRY_GRACE_MS = 5_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Approvals extends Disposable {
  private readonly emitter = new EventEmitter<{ change: [ApprovalsChange] }>();
  private readonly approvals = new Map<string, ApprovalEntry>();
  private readonly questions = new Map<string, QuestionEntry>();
  /** The gateway the entries belong to. */
  private gateway: string | undefined;
  /** The session whose approvals are followed (the one the chat shows), and where that is set up now. */
  private watched: string | undefined;
  private subscribed: string | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  /**
   * Entries whose decision, answer or skip is on its way: the gateway's reply settles them, not
   * the expiry timer (a decision that arrives just in time runs the command; marking it expired
   * here would tell the person the gateway denied it).
   */
  private readonly inFlight = new Set<PendingEntry>();
  private syncGeneration = 0;

  constructor(
    private readonly client: GatewayClient,
    private readonly deps: ApprovalsDeps,
  ) {
    super();
    this.register(client.onEvent((frame) => this.onEvent(frame)));
    this.register(
      client.onState((state) => {
        // Subscriptions die with the socket.
        if (state.kind !== 'connected') this.subscribed = undefined;
        else void this.resync();
      }),
    );
    this.register(() => {
      clearTimeout(this.expiryTimer);
      this.emitter.removeAllListeners();
    });
  }

  /** Whether the gateway routes approvals and questions to this client now. */
  get route(): ApprovalRoute {
    return this.client.approvals.route;
  }

  /** How many approvals and questions wait for a person, in every session. */
  get pendingCount(): number {
    return this.pending().length;
  }

  /** Everything the agent waits on a person for, in every session, oldest first. */
  pending(): PendingEntry[] {
    return [...this.approvals.values(), ...this.questions.values()].filter(isOpen).sort((a, b) => createdAt(a) - createdAt(b));
  }

  /** The approvals and questions of one session, ended ones too (their cards stay). */
  entriesOf(sessionKey: string): PendingEntry[] {
    return [...this.approvals.values(), ...this.questions.values()].filter((e) => sessionOf(e) === sessionKey);
  }

  approval(id: string): ApprovalEntry | undefined {
    return this.approvals.get(id);
  }

  question(id: string): QuestionEntry | undefined {
    return this.questions.get(id);
  }

  onChange(listener: (change: ApprovalsChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  /**
   * Follows a session's approvals (the one the chat shows): `sessions.messages.subscribe` with the
   * approval replay, now and after every reconnect.
   */
  watch(sessionKey: string): void {
    if (this.watched === sessionKey && this.subscribed === sessionKey) return;
    const previous = this.subscribed;
    this.watched = sessionKey;
    if (this.client.state.kind !== 'connected' || this.route.approvals !== 'ok') return;
    this.subscribed = sessionKey;
    if (previous && previous !== sessionKey) {
      this.client.approvals.unwatchSession(previous).catch((error: Error) => this.deps.log('warn', `could not stop following ${previous}: ${error.message}`));
    }
    this.client.approvals.watchSession(sessionKey).then(
      (replay) => replay.forEach((approval) => this.takeApproval(approval)),
      (error: Error) => {
        if (this.subscribed === sessionKey) this.subscribed = undefined;
        this.deps.log('warn', `could not follow the approvals of ${sessionKey}: ${error.message}`);
      },
    );
  }

  /**
   * Why `decision` cannot be given to approval `id` now, as an error a person can act on; the entry
   * when it can. The host's check, whatever asked (the chat, a notification, the palette).
   */
  checkDecidable(id: string, decision: ApprovalDecision): ApprovalEntry {
    const entry = this.approvals.get(id);
    if (!entry) throw new Error('The gateway is not waiting for this approval: it ended before VS Code saw it, or it belongs to another gateway.');
    this.checkConnected();
    if (entry.state === 'deciding') throw new Error('A decision on this command is already on its way to the gateway.');
    if (!isOpen(entry)) throw new Error(`This approval has already ended (${entry.state}).`);
    if (this.route.approvals !== 'ok') throw new Error('The gateway does not let this VS Code decide approvals: see the banner in the chat.');
    if (!entry.approval.allowedDecisions.includes(decision)) throw new Error(`The gateway does not offer "${decision}" for this command.`);
    return entry;
  }

  /**
   * Sends a decision the person made (see `decideWithConsent` for the one that needs their
   * confirmation first). Resolves with whether it applied: false when the approval had already
   * ended (another operator, the deadline), which the entry then shows.
   */
  async decide(id: string, decision: ApprovalDecision): Promise<boolean> {
    const entry = this.checkDecidable(id, decision);
    this.update(entry, { state: 'deciding', sending: decision, error: undefined });
    try {
      const result = await this.whileSending(entry, () => this.client.approvals.resolve(id, decision));
      entry.sending = undefined;
      if (result.applied) {
        entry.decidedHere = true;
        this.endApproval(result.resolution, true);
      } else if (result.resolution) {
        this.endApproval(result.resolution);
      } else {
        await this.settleMissing(entry);
      }
      this.deps.log('info', `approval ${id}: ${decision} ${result.applied ? 'applied' : 'came too late'}`);
      return result.applied;
    } catch (error) {
      entry.sending = undefined;
      if (entry.state === 'deciding') this.update(entry, { state: 'pending', error: `Could not send the decision: ${(error as Error).message}` });
      throw error;
    }
  }

  /**
   * Answers a pending question with the person's answers, checked against what it asks: every
   * question answered, one choice where only one is allowed, own words only where asked for.
   */
  async answer(id: string, given: ReadonlyArray<{ questionId: string; values: readonly string[] }>): Promise<boolean> {
    const entry = this.checkAnswerable(id);
    const answers = checkAnswers(entry.question, given);
    this.update(entry, { state: 'submitting', error: undefined });
    try {
      const answered = await this.whileSending(entry, () => this.client.approvals.answerQuestion(id, answers));
      if (answered) {
        entry.endedHere = true;
        this.endQuestion(id, 'answered', answers);
      } else await this.settleMissingQuestion(entry);
      // Ids only: answers may be secrets.
      this.deps.log('info', `question ${id}: ${answered ? 'answered' : 'had already ended'}`);
      return answered;
    } catch (error) {
      if (entry.state === 'submitting') this.update(entry, { state: 'pending', error: `Could not send the answers: ${(error as Error).message}` });
      throw error;
    }
  }

  /** Skips a pending question: the agent goes on without an answer. */
  async skip(id: string): Promise<boolean> {
    const entry = this.checkAnswerable(id);
    this.update(entry, { state: 'submitting', error: undefined });
    try {
      const skipped = await this.whileSending(entry, () => this.client.approvals.skipQuestion(id));
      if (skipped) {
        entry.endedHere = true;
        this.endQuestion(id, 'cancelled');
      } else await this.settleMissingQuestion(entry);
      this.deps.log('info', `question ${id}: ${skipped ? 'skipped' : 'had already ended'}`);
      return skipped;
    } catch (error) {
      if (entry.state === 'submitting') this.update(entry, { state: 'pending', error: `Could not skip: ${(error as Error).message}` });
      throw error;
    }
  }

  // ---- what the gateway says -------------------------------------------------------------

  private onEvent(frame: EventFrame): void {
    switch (frame.event) {
      case 'exec.approval.requested': {
        const approval = readExecApprovalRequest(frame.payload);
        if (approval) this.takeApproval(approval);
        return;
      }
      case 'session.approval': {
        const snapshot = readSessionApproval(frame.payload);
        if (snapshot && 'pending' in snapshot) this.takeApproval(snapshot.pending);
        else if (snapshot) this.endApproval(snapshot.ended);
        return;
      }
      case 'exec.approval.resolved': {
        const resolution = readExecApprovalResolved(frame.payload);
        if (resolution) this.endApproval(resolution);
        return;
      }
      case 'question.requested': {
        const question = readQuestionRecord(frame.payload);
        if (question) this.takeQuestion(question);
        return;
      }
      case 'question.resolved': {
        const outcome = readQuestionOutcome(frame.payload);
        if (outcome?.id) this.endQuestion(outcome.id, outcome.status, outcome.answers);
        return;
      }
      default:
        return;
    }
  }

  /** A connection (first, or again): everything pending is listed afresh, and what ended meanwhile is asked about. */
  private async resync(): Promise<void> {
    const generation = ++this.syncGeneration;
    if (this.gateway !== this.client.url) {
      // Another gateway: what the last one waited for cannot be decided here.
      const hadAny = this.approvals.size + this.questions.size > 0;
      this.approvals.clear();
      this.questions.clear();
      this.gateway = this.client.url;
      if (hadAny) this.emit({ kind: 'reset' });
    }
    const route = this.route;
    // What was open before the lists were asked for: anything missing from them ended meanwhile.
    const known = this.pending();
    const tasks: Array<Promise<void>> = [];
    if (route.approvals === 'ok') {
      if (this.watched) this.watch(this.watched);
      tasks.push(
        this.client.approvals.pending().then((listed) => {
          if (generation !== this.syncGeneration) return;
          listed.forEach((approval) => this.takeApproval(approval));
          const live = new Set(listed.map((a) => a.id));
          for (const entry of known) if (entry.kind === 'approval' && !live.has(entry.approval.id)) void this.settleMissing(entry);
        }),
      );
    }
    if (route.questions === 'ok') {
      tasks.push(
        this.client.approvals.pendingQuestions().then((listed) => {
          if (generation !== this.syncGeneration) return;
          listed.forEach((question) => this.takeQuestion(question));
          const live = new Set(listed.map((q) => q.id));
          for (const entry of known) if (entry.kind === 'question' && !live.has(entry.question.id)) void this.settleMissingQuestion(entry);
        }),
      );
    }
    const results = await Promise.allSettled(tasks);
    for (const result of results)
      if (result.status === 'rejected') this.deps.log('warn', `could not list what the agent waits for: ${(result.reason as Error).message}`);
  }

  private takeApproval(approval: ExecApproval): void {
    const entry = this.approvals.get(approval.id);
    if (!entry) {
      const fresh: ApprovalEntry = { kind: 'approval', approval, state: 'pending', decidedHere: false };
      this.approvals.set(approval.id, fresh);
      this.prune();
      this.emit({ kind: 'entry', entry: fresh, fresh: true });
      this.scheduleExpiry();
      return;
    }
    // An ended approval never comes back; a known one only learns what it did not know yet.
    if (!isOpen(entry)) return;
    const merged = mergeKnown(entry.approval, approval);
    if (merged) this.update(entry, { approval: merged });
  }

  private endApproval(resolution: ApprovalResolution, ours = false): void {
    const entry = this.approvals.get(resolution.id);
    if (!entry) return;
    if (!isOpen(entry)) {
      // The gateway's own words may follow ours (resolvedBy): keep the first ending, add what it lacked.
      if (entry.resolution && !entry.resolution.resolvedBy && resolution.resolvedBy)
        this.update(entry, { resolution: { ...entry.resolution, resolvedBy: resolution.resolvedBy } });
      return;
    }
    // Our own decision is often announced before the gateway answers our request: it is ours.
    if (entry.sending && entry.sending === resolution.decision) ours = true;
    if (ours) entry.decidedHere = true;
    this.update(entry, { state: resolution.status, resolution, sending: undefined, error: undefined });
    this.scheduleExpiry();
  }

  private takeQuestion(question: AgentQuestion): void {
    const entry = this.questions.get(question.id);
    if (entry) return;
    if (question.status !== 'pending') return;
    const fresh: QuestionEntry = { kind: 'question', question, state: 'pending', endedHere: false };
    this.questions.set(question.id, fresh);
    this.prune();
    this.emit({ kind: 'entry', entry: fresh, fresh: true });
    this.scheduleExpiry();
  }

  private endQuestion(id: string, status: Exclude<QuestionStatus, 'pending'>, answers?: Record<string, string[]>): void {
    const entry = this.questions.get(id);
    if (!entry || !isOpen(entry)) return;
    // Our own answer is often announced before the gateway answers our request (both in one read
    // of the socket): while ours is on its way, the ending is ours.
    if (entry.state === 'submitting' && status !== 'expired') entry.endedHere = true;
    const state: QuestionState = status === 'cancelled' && entry.endedHere ? 'skipped' : status;
    this.update(entry, { state, answers: answers ?? entry.answers, error: undefined });
    this.scheduleExpiry();
  }

  /** An approval the lists no longer hold: how it ended, if the gateway remembers; else it is no longer pending. */
  private async settleMissing(entry: ApprovalEntry): Promise<void> {
    const id = entry.approval.id;
    try {
      const snapshot = await this.client.approvals.lookup(id);
      if (snapshot && 'pending' in snapshot) return this.takeApproval(snapshot.pending);
      this.endApproval(snapshot?.ended ?? { id, status: 'cancelled', reason: 'gone' });
    } catch (error) {
      this.deps.log('warn', `could not look up approval ${id}: ${(error as Error).message}`);
    }
  }

  private async settleMissingQuestion(entry: QuestionEntry): Promise<void> {
    const id = entry.question.id;
    try {
      const question = await this.client.approvals.lookupQuestion(id);
      if (question?.status === 'pending') return;
      this.endQuestion(id, question?.status ?? 'cancelled', question?.answers);
    } catch (error) {
      this.deps.log('warn', `could not look up question ${id}: ${(error as Error).message}`);
    }
  }

  // ---- checks ----------------------------------------------------------------------------

  private checkConnected(): void {
    if (this.client.state.kind !== 'connected' || this.client.url !== this.gateway) {
      throw new Error('VS Code is not connected to the gateway that asked: wait for it to reconnect, then try again.');
    }
  }

  private checkAnswerable(id: string): QuestionEntry {
    const entry = this.questions.get(id);
    if (!entry) throw new Error('The gateway is not waiting for an answer to this question: it ended before VS Code saw it, or it belongs to another gateway.');
    this.checkConnected();
    if (entry.state === 'submitting') throw new Error('An answer to this question is already on its way to the gateway.');
    if (!isOpen(entry)) throw new Error(`This question has already ended (${entry.state}).`);
    if (this.route.questions !== 'ok') throw new Error('The gateway does not let this VS Code answer questions: see the banner in the chat.');
    return entry;
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  private update<E extends PendingEntry>(entry: E, changes: Partial<E>): void {
    Object.assign(entry, changes);
    this.emit({ kind: 'entry', entry, fresh: false });
  }

  private emit(change: ApprovalsChange): void {
    this.emitter.emit('change', change);
  }

  private async whileSending<T>(entry: PendingEntry, send: () => Promise<T>): Promise<T> {
    this.inFlight.add(entry);
    try {
      return await send();
    } finally {
      this.inFlight.delete(entry);
      this.scheduleExpiry();
    }
  }

  /** Marks what is past its deadline (and a grace) as expired, at the next deadline; not what is on its way. */
  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const waiting = () => this.pending().filter((entry) => !this.inFlight.has(entry));
    const deadlines = waiting()
      .map(expiresAt)
      .filter((at): at is number => at !== undefined);
    if (!deadlines.length || this.isDisposed) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.min(...deadlines) + EXPIRY_GRACE_MS - Date.now()));
    this.expiryTimer = setTimeout(() => {
      const now = Date.now();
      for (const entry of waiting()) {
        const at = expiresAt(entry);
        if (at === undefined || at + EXPIRY_GRACE_MS > now) continue;
        if (entry.kind === 'approval') this.endApproval({ id: entry.approval.id, status: 'expired', reason: 'timeout' });
        else this.endQuestion(entry.question.id, 'expired');
      }
      this.scheduleExpiry();
    }, delay);
  }

  /** Forgets the oldest ended entries beyond MAX_KEPT. */
  private prune(): void {
    for (const map of [this.approvals, this.questions] as Array<Map<string, PendingEntry>>) {
      if (map.size <= MAX_KEPT) continue;
      for (const [id, entry] of map) {
        if (map.size <= MAX_KEPT) break;
        if (!isOpen(entry)) map.delete(id);
      }
    }
  }
}
