/**
 * One agent turn from send to final result, run at most once whatever the connection does: waits
 * for a connection, checks history before re-sending a key, recovers an accepted run with
 * `agent.wait`, and re-sends under a new key when the gateway's own recovery took the session.
 * Kept apart from the socket layer because these rules are about the turn, not about frames.
 */

import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { ChatHistoryResult, HistoryMessage, MessageAttachment } from '../protocol/gateway';
import { MAX_TURN_RESENDS, MAX_TURN_RETRIES, MIN_RETRY_WAIT_MS, TURN_TIMEOUT_MS } from './constants';
import { GatewayCancelledError, GatewayClosedError, GatewayRequestError, GatewayTurnNotSentError } from './errors';
import type { GatewayEvents } from './client-options';
import type { GatewayConnection } from './gateway-connection';
import type { RequestOptions } from './pending-requests';
import { readAgentFinal, readAgentWait } from './payloads';
import { messageText, RunStream, type TurnEvent } from './run-stream';

/** How often, and how long apart, a message refused because its session was busy is tried again. */
const SESSION_BUSY_RETRIES = 60;
const SESSION_BUSY_WAIT_MS = 2000;
const REPLY_IN_HISTORY_TRIES = 30;

export interface TurnInput {
  sessionKey: string;
  message: string;
  /** Made once per user message and reused on every retry of it; doubles as the run id. */
  idempotencyKey?: string;
  thinking?: string;
  /** Images for a model that takes them (`agent` refuses any other file). */
  attachments?: MessageAttachment[];
}

export interface TurnOptions {
  signal?: AbortSignal;
  onAccepted?: (runId: string) => void;
  /** The turn goes on under a new run id (the gateway refused the first key for good). */
  onRunId?: (runId: string) => void;
  onEvent?: (event: TurnEvent) => void;
}

export type TurnStatus = 'ok' | 'error' | 'aborted' | 'timeout' | 'interrupted';

export interface TurnResult {
  runId: string;
  sessionKey: string;
  /** `interrupted`: the connection was lost after the gateway took the turn; its outcome is in history. */
  status: TurnStatus;
  text: string;
  stopReason?: string;
  usage?: Record<string, unknown>;
  durationMs?: number;
  summary?: string;
}

/** Reads a session's history (GatewayClient.history), to tell whether a message reached the gateway. */
export type HistoryReader = (sessionKey: string, limit: number, options: RequestOptions) => Promise<ChatHistoryResult>;

/** Runs and stops agent turns over a GatewayConnection. */
export class TurnRunner {
  constructor(
    private readonly connection: GatewayConnection,
    private readonly emitter: EventEmitter<GatewayEvents>,
    private readonly history: HistoryReader,
  ) {}

  /** Runs one agent turn; see GatewayClient.runTurn. */
  async run(input: TurnInput, options: TurnOptions = {}): Promise<TurnResult> {
    const connection = this.connection;
    let runId = input.idempotencyKey ?? randomUUID();
    let stream = new RunStream(runId);
    let usage: Record<string, unknown> | undefined;
    let accepted = false;
    let acceptedBootId: string | undefined;
    let busyRetries = 0;
    let resends = 0;
    let retries = 0;
    const emit = (event: TurnEvent) => {
      if (event.kind === 'usage') usage = event.usage;
      if (event.kind === 'gap') this.emitter.emit('resync', { reason: 'run-gap', sessionKey: input.sessionKey, runId });
      options.onEvent?.(event);
    };
    const listen = () =>
      connection.listenToRun(runId, (payload) => {
        const event = stream.accept(payload);
        if (event) emit(event);
      });
    listen();
    const params: Record<string, unknown> = { message: input.message, sessionKey: input.sessionKey, idempotencyKey: runId };
    if (input.thinking) params.thinking = input.thinking;
    if (input.attachments?.length) params.attachments = input.attachments;
    // The streamed reply is joined only when the result needs it (the final `res` usually has the text).
    const finish = (status: TurnStatus, extra: Partial<TurnResult> = {}): TurnResult => ({
      runId,
      sessionKey: input.sessionKey,
      status,
      usage,
      ...extra,
      text: extra.text ?? stream.text,
    });

    try {
      for (;;) {
        await connection.whenConnected(options.signal);
        if (accepted) {
          // The gateway took this turn before the connection dropped. Running it again is never right.
          const outcome = await this.recoverAcceptedTurn(runId, acceptedBootId, options.signal);
          if (outcome === 'reconnect') continue;
          // The events of the run were lost with the connection, and older gateways' `agent.wait`
          // has no reply text: history has it.
          if (outcome)
            return finish(outcome.status, {
              stopReason: outcome.stopReason,
              text:
                outcome.text ||
                stream.text ||
                (outcome.status === 'ok' ? await this.replyInHistory(input.sessionKey, runId, input.message, options.signal) : ''),
            });
          return finish('interrupted');
        }
        try {
          const final = await connection.send('agent', params, {
            timeoutMs: TURN_TIMEOUT_MS,
            signal: options.signal,
            onAccepted: () => {
              accepted = true;
              acceptedBootId = connection.bootId;
              options.onAccepted?.(runId);
            },
          });
          return finish(...finalStatus(final, stream));
        } catch (error) {
          if (error instanceof GatewayClosedError && connection.wanted) {
            if (!accepted && (await this.historyHasMessage(input.sessionKey, runId, options.signal))) accepted = true;
            // A message that closes the connection each time it is sent must not be sent forever.
            if (!accepted && ++resends >= MAX_TURN_RESENDS) throw new GatewayTurnNotSentError(`the connection closed each of the ${resends} times it was sent`);
            continue;
          }
          if (error instanceof GatewayRequestError && isSessionBusy(error) && busyRetries < SESSION_BUSY_RETRIES) {
            // After a crash the gateway re-runs the interrupted turn by itself, and refuses ours
            // meanwhile. It never started our message and keeps refusing that key, so once the
            // session is free the message goes again under a new key, unless history has it.
            busyRetries += 1;
            await delay(SESSION_BUSY_WAIT_MS, options.signal, connection.closedSignal);
            await connection.whenConnected(options.signal);
            if (await this.historyHasMessage(input.sessionKey, runId, options.signal)) {
              accepted = true;
              continue;
            }
            connection.stopListeningToRun(runId);
            runId = randomUUID();
            stream = new RunStream(runId);
            params.idempotencyKey = runId;
            accepted = false;
            listen();
            connection.log('info', `the session was busy with the gateway's own work; sending the message again as run ${runId}`);
            options.onRunId?.(runId);
            continue;
          }
          if (error instanceof GatewayRequestError && error.retryable) {
            if (++retries >= MAX_TURN_RETRIES) throw new GatewayTurnNotSentError(`the gateway refused it ${retries} times (${error.message})`);
            await delay(Math.max(error.retryAfterMs ?? 1000, MIN_RETRY_WAIT_MS), options.signal, connection.closedSignal);
            continue;
          }
          throw error;
        }
      }
    } finally {
      connection.stopListeningToRun(runId);
    }
  }

  /** Stops a running turn (`chat.abort`). Its `run` then resolves with status `aborted`. */
  abort(sessionKey: string, runId?: string): Promise<unknown> {
    const params: Record<string, unknown> = { sessionKey };
    if (runId) params.runId = runId;
    return this.connection.send('chat.abort', params, {});
  }

  /** Whether the gateway's history holds the user message sent with this idempotency key. */
  private async historyHasMessage(sessionKey: string, runId: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.connection.whenConnected(signal);
      const { messages } = await this.history(sessionKey, 50, { signal });
      return messages.some((m) => m.idempotencyKey === `${runId}:user` || m.__openclaw?.runId === runId);
    } catch (error) {
      if (error instanceof GatewayCancelledError) throw error;
      return false;
    }
  }

  /**
   * The assistant text history holds for a run: its rows, else the rows after its user message (found
   * by key, or, for gateways that keep no key on the row, as the last user row with the same text).
   * The reply row can land a moment after `agent.wait` answers, so an empty answer is asked again,
   * a second apart, up to REPLY_IN_HISTORY_TRIES times.
   */
  private async replyInHistory(sessionKey: string, runId: string, message: string, signal?: AbortSignal): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connection.whenConnected(signal);
        const { messages } = await this.history(sessionKey, 50, { signal });
        const text = replyRows(messages, runId, message)
          .map((m) => messageText(m.content))
          .filter(Boolean)
          .join('\n\n');
        if (text || attempt >= REPLY_IN_HISTORY_TRIES) return text;
      } catch (error) {
        if (error instanceof GatewayCancelledError) throw error;
        if (attempt >= REPLY_IN_HISTORY_TRIES) return '';
      }
      await delay(1000, signal, this.connection.closedSignal);
    }
  }

  /**
   * After a reconnect, the outcome of a turn the gateway had accepted. If the same gateway process
   * is still up the run may still be going: wait for it. After a restart the run is over and its
   * outcome is whatever history holds. 'reconnect': the connection dropped again before the answer.
   */
  private async recoverAcceptedTurn(
    runId: string,
    acceptedBootId: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ status: TurnStatus; stopReason?: string; text?: string } | 'reconnect' | undefined> {
    // A different boot id means the gateway restarted and the run died with it. Protocol-3
    // gateways send no boot id: then asking is the only way to know.
    const bootId = this.connection.bootId;
    if (acceptedBootId && bootId && acceptedBootId !== bootId) return undefined;
    try {
      const waited = readAgentWait(
        await this.connection.send('agent.wait', { runId, timeoutMs: TURN_TIMEOUT_MS - 5000 }, { timeoutMs: TURN_TIMEOUT_MS, signal }),
      );
      if (waited?.status === 'ok' || waited?.status === 'error') return { status: waited.status, stopReason: waited.stopReason, text: waited.text };
      return undefined;
    } catch (error) {
      // The connection went again while waiting: that says nothing of the run, so ask once back.
      if (error instanceof GatewayClosedError && this.connection.wanted) return 'reconnect';
      return undefined;
    }
  }
}

/** The gateway could not start our work because the session was taken by other work (its own recovery). */
function isSessionBusy(error: GatewayRequestError): boolean {
  return error.detailCode === 'SESSION_WORK_START_CHANGED' || error.message.includes('SESSION_WORK_START_CHANGED');
}

/** How the final `res` of an `agent` request ends the turn. An aborted run ends as `{status: "timeout", summary: "aborted"}`. */
function finalStatus(payload: unknown, streamed: RunStream): [TurnStatus, Partial<TurnResult>] {
  const final = readAgentFinal(payload);
  if (!final) return ['error', { summary: 'the gateway sent no result' }];
  const extra: Partial<TurnResult> = { summary: final.summary, text: final.text || streamed.text, stopReason: final.stopReason, durationMs: final.durationMs };
  if (final.usage) extra.usage = final.usage;
  const status: TurnStatus =
    final.status === 'ok' ? 'ok' : final.summary === 'aborted' || final.status === 'aborted' ? 'aborted' : final.status === 'timeout' ? 'timeout' : 'error';
  return [status, extra];
}

/** The assistant rows of one run in history: tagged with its id, else those after its user message. */
function replyRows(messages: HistoryMessage[], runId: string, message: string): HistoryMessage[] {
  const tagged = messages.filter((m) => m.role === 'assistant' && m.__openclaw?.runId === runId);
  if (tagged.length) return tagged;
  const isOurs = (m: HistoryMessage) => m.role === 'user' && (m.idempotencyKey === `${runId}:user` || m.__openclaw?.runId === runId);
  let start = messages.findIndex(isOurs);
  if (start < 0) start = messages.findLastIndex((m) => m.role === 'user' && messageText(m.content).trim() === message.trim());
  if (start < 0) return [];
  const after = messages.slice(start + 1);
  const end = after.findIndex((m) => m.role === 'user');
  return (end < 0 ? after : after.slice(0, end)).filter((m) => m.role === 'assistant');
}

/** Waits `ms`, unless the caller cancels (GatewayCancelledError) or the client closes (GatewayClosedError). */
function delay(ms: number, signal: AbortSignal | undefined, closed: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      closed.removeEventListener('abort', onClose);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(), ms);
    const onAbort = () => done(new GatewayCancelledError());
    const onClose = () => done(new GatewayClosedError('the gateway client was closed'));
    if (signal?.aborted) return onAbort();
    if (closed.aborted) return onClose();
    signal?.addEventListener('abort', onAbort, { once: true });
    closed.addEventListener('abort', onClose, { once: true });
  });
}
