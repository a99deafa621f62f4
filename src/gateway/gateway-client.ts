/**
 * GatewayClient, the one object the extension and the tests talk to. It composes the socket layer
 * (gateway-connection.ts) and the turn machinery (turn-runner.ts), owns the listeners, and keeps
 * the session RPCs, which are plain requests with a little reading of their answers.
 */

import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { MAX_PROTOCOL, type ChatHistoryResult, type EventFrame, type HelloOk, type SessionRow, type SessionsDeleteResult } from '../protocol/gateway';
import type { GatewayClientOptions, GatewayEvents, ResyncNotice } from './client-options';
import type { ConnectionState } from './connection-state';
import { GatewayRequestError } from './errors';
import { isRecord, str } from './frames';
import { GatewayConnection } from './gateway-connection';
import type { RequestOptions } from './pending-requests';
import { TurnRunner, type TurnInput, type TurnOptions, type TurnResult } from './turn-runner';

// Importers have always taken these from here.
export type { GatewayClientOptions, LogLevel, ResyncNotice } from './client-options';
export type { RequestOptions } from './pending-requests';
export type { TurnInput, TurnOptions, TurnResult, TurnStatus } from './turn-runner';

/** Sessions asked for per `sessions.list` page, and the most the client will hold. */
const SESSIONS_PAGE = 500;
const MAX_SESSIONS = 20_000;

/**
 * The one WebSocket to an OpenClaw Gateway: handshake with a signed device, requests with ids and
 * timeouts, the gateway's events, a watchdog, and reconnection with backoff. Pure Node + ws.
 */
export class GatewayClient {
  private readonly emitter = new EventEmitter<GatewayEvents>();
  private readonly connection: GatewayConnection;
  private readonly turns: TurnRunner;

  constructor(options: GatewayClientOptions) {
    this.connection = new GatewayConnection(options, this.emitter);
    this.turns = new TurnRunner(this.connection, this.emitter, (sessionKey, limit, requestOptions) => this.history(sessionKey, limit, requestOptions));
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The gateway's `hello-ok` of the current connection. */
  get hello(): HelloOk | undefined {
    return this.connection.hello;
  }

  /** The gateway URL connected to, or to be connected to next. */
  get url(): string {
    return this.connection.url;
  }

  /** The main session, which the gateway never deletes. */
  get mainSessionKey(): string {
    return this.connection.mainSessionKey;
  }

  /** What the client holds right now: for leak checks in long-running tests. */
  get stats(): { pendingRequests: number; runs: number; listeners: number; socketOpen: boolean; timers: number } {
    return this.connection.stats;
  }

  /** How many times each kind of bad frame was seen (each is logged once). */
  get problems(): ReadonlyMap<string, number> {
    return this.connection.problems;
  }

  /**
   * The current socket. Not API: bench/children/client.ts reads it (through a cast) to time each
   * frame's arrival, as it did when the socket was a field of this class.
   * @internal
   */
  get socket(): WebSocket | undefined {
    return this.connection.socket;
  }

  /** Turns the frame trace on (a function) or off (undefined): a trace costs a deep copy per frame. */
  setTrace(trace: GatewayClientOptions['trace']): void {
    this.connection.setTrace(trace);
  }

  /** Listens to connection state changes. Returns a function that removes the listener. */
  onState(listener: (state: ConnectionState) => void): () => void {
    return this.listen('state', listener);
  }

  /** Listens to every valid event frame, for every run and session. */
  onEvent(listener: (event: EventFrame) => void): () => void {
    return this.listen('event', listener);
  }

  /** Listens for moments when events may have been missed and history should be reloaded. */
  onResync(listener: (notice: ResyncNotice) => void): () => void {
    return this.listen('resync', listener);
  }

  /** Listens to `sessions.changed`; the subscription is renewed after every reconnect. */
  onSessionsChanged(listener: (payload: unknown) => void): () => void {
    return this.listen('sessionsChanged', listener);
  }

  /** Starts connecting, and keeps the connection up until `close()`. */
  start(): void {
    this.connection.start();
  }

  /** Drops the current socket (if any) and connects again now, clearing a failed state. */
  reconnect(): void {
    this.connection.reconnect();
  }

  /** Uses a new shared token from now on (or none), and reconnects. */
  setToken(token: string | undefined): void {
    this.connection.setEndpoint(this.connection.url, token);
  }

  /** Talks to another gateway URL and/or with another token from now on, and reconnects. */
  setEndpoint(url: string, token: string | undefined): void {
    this.connection.setEndpoint(url, token);
  }

  /**
   * Forgets the device key and shared token held in memory (the store is the caller's to clear), so
   * that the next connection pairs a new device.
   */
  forgetCredentials(): void {
    this.connection.forgetCredentials();
  }

  /** Closes the connection for good: rejects everything pending, stops reconnecting. */
  close(): void {
    this.connection.close();
  }

  /**
   * Sends one request and resolves its payload, or rejects with a GatewayRequestError (the
   * gateway's code, message, details, retryable, retryAfterMs), a GatewayTimeoutError, a
   * GatewayCancelledError or a GatewayClosedError.
   */
  request<T = unknown>(method: string, params: unknown = {}, options: RequestOptions = {}): Promise<T> {
    return this.connection.send(method, params, options) as Promise<T>;
  }

  /** Resolves once connected; waits through reconnects. Rejects if the signal aborts or the client closes. */
  whenConnected(signal?: AbortSignal): Promise<void> {
    return this.connection.whenConnected(signal);
  }

  /**
   * Runs one agent turn: `agent {message, sessionKey, idempotencyKey}`. Waits for a connection if
   * there is none (so a message typed while offline is sent once connected), streams the run's
   * events through `onEvent`, and resolves with the final result. If the connection drops, the
   * turn is recovered without running twice: the same idempotency key is re-sent only when the
   * gateway's history shows it never received the message.
   */
  runTurn(input: TurnInput, options: TurnOptions = {}): Promise<TurnResult> {
    return this.turns.run(input, options);
  }

  /** Stops a running turn (`chat.abort`). Its `runTurn` then resolves with status `aborted`. */
  abortTurn(sessionKey: string, runId?: string): Promise<unknown> {
    return this.turns.abort(sessionKey, runId);
  }

  /**
   * Every session, from `sessions.list`. The gateway answers 100 rows unless asked for more, so this
   * pages through `nextOffset` until `hasMore` is false (at most `MAX_SESSIONS` rows). Gateways that
   * take no `offset` (protocol 3, and any that refuses it) are asked once for up to `MAX_SESSIONS`.
   */
  async listSessions(options: RequestOptions = {}): Promise<SessionRow[]> {
    if ((this.connection.hello?.protocol ?? MAX_PROTOCOL) < 4) return this.listSessionsUnpaged(options);
    const rows: SessionRow[] = [];
    let offset = 0;
    while (rows.length < MAX_SESSIONS) {
      let payload: unknown;
      try {
        payload = await this.request('sessions.list', { includeDerivedTitles: true, limit: SESSIONS_PAGE, offset }, options);
      } catch (error) {
        if (offset === 0 && error instanceof GatewayRequestError && error.code === 'INVALID_REQUEST' && /offset/.test(error.message)) return this.listSessionsUnpaged(options);
        throw error;
      }
      if (!isRecord(payload) || !Array.isArray(payload.sessions)) break;
      rows.push(...sessionRows(payload.sessions));
      const next = payload.nextOffset;
      // A next offset that does not move forward would loop forever: stop there.
      if (payload.hasMore !== true || typeof next !== 'number' || next <= offset) break;
      offset = next;
    }
    return rows;
  }

  private async listSessionsUnpaged(options: RequestOptions): Promise<SessionRow[]> {
    const payload = await this.request('sessions.list', { includeDerivedTitles: true, limit: MAX_SESSIONS }, options);
    return isRecord(payload) && Array.isArray(payload.sessions) ? sessionRows(payload.sessions) : [];
  }

  /** A session's messages, oldest first: `chat.history` (or `sessions.history` where the gateway has it). */
  async history(sessionKey: string, limit = 200, options: RequestOptions = {}): Promise<ChatHistoryResult> {
    const useSessionsHistory = this.connection.hello?.features?.methods?.includes('sessions.history') === true;
    const payload = useSessionsHistory
      ? await this.request('sessions.history', { key: sessionKey, limit }, options)
      : await this.request('chat.history', { sessionKey, limit }, options);
    if (!isRecord(payload) || !Array.isArray(payload.messages)) return { messages: [] };
    return {
      sessionKey,
      messages: payload.messages.filter(isRecord) as ChatHistoryResult['messages'],
      hasMore: payload.hasMore === true,
      totalMessages: typeof payload.totalMessages === 'number' ? payload.totalMessages : undefined,
    };
  }

  /**
   * Deletes a session. Refuses the main session. Without `operator.admin` it archives the session
   * first and then deletes it with `archivedOnly`, which the gateway allows to writers.
   */
  async deleteSession(key: string, options: RequestOptions = {}): Promise<SessionsDeleteResult> {
    if (key === this.mainSessionKey) {
      throw new Error(`The main session (${key}) cannot be deleted: the gateway keeps it. Start a new session instead.`);
    }
    const state = this.connection.state;
    const scopes = state.kind === 'connected' ? state.scopes : [];
    if (scopes.includes('operator.admin')) {
      try {
        return toDeleteResult(await this.request('sessions.delete', { key }, options));
      } catch (error) {
        if (!(error instanceof GatewayRequestError && error.detailCode === 'MISSING_SCOPE')) throw error;
      }
    }
    await this.request('sessions.patch', { key, archived: true }, options);
    return toDeleteResult(await this.request('sessions.delete', { key, archivedOnly: true }, options));
  }

  private listen<K extends keyof GatewayEvents>(name: K, listener: (...args: GatewayEvents[K]) => void): () => void {
    this.emitter.on(name, listener as never);
    return () => this.emitter.off(name, listener as never);
  }
}

function sessionRows(rows: unknown[]): SessionRow[] {
  return rows.filter((row): row is SessionRow => isRecord(row) && typeof row.key === 'string');
}

function toDeleteResult(payload: unknown): SessionsDeleteResult {
  if (!isRecord(payload)) return { deleted: false };
  return { ok: payload.ok === true, key: str(payload, 'key'), deleted: payload.deleted === true, archived: Array.isArray(payload.archived) ? payload.archived.filter((a): a is string => typeof a === 'string') : [] };
}
