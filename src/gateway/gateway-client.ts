/**
 * GatewayClient, the one object the extension and the tests talk to: a facade over the socket layer
 * (gateway-connection.ts), the turn machinery (turn-runner.ts) and the session RPCs
 * (`sessions`: sessions-api.ts; `lifecycle`: session-lifecycle.ts), owning the listeners.
 */

import { EventEmitter } from 'node:events';
import type {
  AgentEventPayload,
  ChatHistoryResult,
  EventFrame,
  HelloOk,
  MessageAttachment,
  SessionPatch,
  SessionRow,
  SessionsDeleteResult,
} from '../protocol/gateway';
import { ApprovalsApi } from './approvals-api';
import { ChatSender, type CommandResult } from './chat-sender';
import type { GatewayClientOptions, GatewayEvents, ResyncNotice } from './client-options';
import type { ConnectionState } from './connection-state';
import { GatewayConnection } from './gateway-connection';
import type { RequestOptions } from './pending-requests';
import type { CommandInfo, ModelInfo, SessionDefaults } from './payloads';
import { SessionLifecycle } from './session-lifecycle';
import { SessionsApi } from './sessions-api';
import { TurnRunner, type TurnInput, type TurnOptions, type TurnResult } from './turn-runner';

// Importers have always taken these from here.
export type { ApprovalRoute, DecisionResult, RouteStatus } from './approvals-api';
export type { GatewayClientOptions, LogLevel, ResyncNotice } from './client-options';
export type { RequestOptions } from './pending-requests';
export type { TurnInput, TurnOptions, TurnResult, TurnStatus } from './turn-runner';
export type { CommandResult } from './chat-sender';
export type { CommandInfo, ModelInfo, SessionDefaults } from './payloads';
export type { SessionPatch } from '../protocol/gateway';

/** Makes the client's connection; the default is the real socket layer, a test gives a scripted one. */
export type ConnectionFactory = (options: GatewayClientOptions, emitter: EventEmitter<GatewayEvents>) => GatewayConnection;

const openConnection: ConnectionFactory = (options, emitter) => new GatewayConnection(options, emitter);

/**
 * The one WebSocket to an OpenClaw Gateway: handshake with a signed device, requests with ids and
 * timeouts, the gateway's events, a watchdog, and reconnection with backoff. Pure Node + ws.
 */
export class GatewayClient {
  private readonly emitter = new EventEmitter<GatewayEvents>();
  private readonly connection: GatewayConnection;
  private readonly turns: TurnRunner;
  /** Session RPCs: list, history pages, rename/pin/archive, search, delete, the watched session's messages. */
  readonly sessions: SessionsApi;
  /** What rewrites a session's history (fork, rewind, compact, reset), and usage. */
  readonly lifecycle: SessionLifecycle;
  /**
   * The exec approvals the agent waits for and the questions it asks: list, look up, decide,
   * answer, and follow a session's approvals. Their events (`exec.approval.requested`,
   * `session.approval`, `question.requested`, ...) come through `onEvent`.
   */
  readonly approvals: ApprovalsApi;
  private readonly chat: ChatSender;

  constructor(options: GatewayClientOptions, connect: ConnectionFactory = openConnection) {
    this.connection = connect(options, this.emitter);
    this.sessions = new SessionsApi(this.connection);
    this.approvals = new ApprovalsApi(this.connection);
    this.lifecycle = new SessionLifecycle(this.connection);
    // The gateway drops subscriptions with the socket: each new connection renews the watched session's.
    this.emitter.on('state', (state) => {
      if (state.kind === 'connected') this.sessions.resubscribe();
    });
    this.chat = new ChatSender(this.connection, this.emitter);
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

  /** Turns the frame trace on (a function) or off (undefined): a trace costs a deep copy per frame. */
  setTrace(trace: GatewayClientOptions['trace']): void {
    this.connection.setTrace(trace);
  }

  /** Listens to connection state changes. Returns a function that removes the listener. */
  onState(listener: (state: ConnectionState) => void): () => void {
    return this.listen('state', listener);
  }

  /**
   * Listens to every valid event frame but `agent` (a run's events go to its `runTurn`; every run's
   * through `onAgentEvent`), for every session.
   */
  onEvent(listener: (event: EventFrame) => void): () => void {
    return this.listen('event', listener);
  }

  /** Listens to the `agent` events of every run (checked payloads), not only the turns this client runs. */
  onAgentEvent(listener: (payload: AgentEventPayload) => void): () => void {
    return this.listen('agentEvent', listener);
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
   * Trusts a `wss://` gateway's self-signed certificate by its SHA-256 fingerprint (the one a
   * `tls-untrusted` failure showed), stored for the current gateway's origin alone, and reconnects.
   * From then on any other certificate there is refused.
   */
  trustCertificate(fingerprint: string): Promise<void> {
    return this.connection.trustCertificate(fingerprint);
  }

  /** Forgets the certificate trusted for the current gateway, and reconnects. */
  forgetCertificate(): Promise<void> {
    return this.connection.forgetCertificate();
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
   * Sends a message into the turn running in the session (`chat.send` with `queueMode: "steer"`):
   * `agent` has no way to do that. Resolves once the gateway took it.
   */
  steerTurn(
    sessionKey: string,
    message: string,
    idempotencyKey: string,
    options: { signal?: AbortSignal; attachments?: MessageAttachment[] } = {},
  ): Promise<{ runId: string }> {
    return this.chat.steer(sessionKey, message, idempotencyKey, options);
  }

  /** Runs a slash command (`chat.send`, where the gateway runs commands) and resolves with its answer. */
  runCommand(sessionKey: string, message: string, idempotencyKey: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CommandResult> {
    return this.chat.command(sessionKey, message, idempotencyKey, options);
  }

  /** Changes a session's model or thinking level (`sessions.patch`); creates a session the gateway has not got yet. */
  patchSession(key: string, patch: SessionPatch, options: RequestOptions = {}): Promise<void> {
    return this.sessions.patch(key, patch, undefined, options).then(() => undefined);
  }

  /** The models a session may use, with their thinking levels and, where the gateway says, their input kinds. */
  listModels(options: RequestOptions = {}): Promise<ModelInfo[]> {
    return this.sessions.models(options);
  }

  /** The gateway's slash commands for a session (`commands.list`). */
  listCommands(sessionKey: string, options: RequestOptions = {}): Promise<CommandInfo[]> {
    return this.sessions.commands(sessionKey, options);
  }

  /** What the last `sessions.list` said a session that sets nothing of its own runs with. */
  get sessionDefaults(): SessionDefaults | undefined {
    return this.sessions.defaults;
  }

  /**
   * Every session, from `sessions.list`, paged past the gateway's default 100 rows where it pages
   * (see SessionsApi).
   */
  listSessions(options: RequestOptions = {}): Promise<SessionRow[]> {
    return this.sessions.list(options);
  }

  /** A session's messages, oldest first: `chat.history` (or `sessions.history` where the gateway has it). */
  history(sessionKey: string, limit = 200, options: RequestOptions = {}): Promise<ChatHistoryResult> {
    return this.sessions.history(sessionKey, limit, options);
  }

  /**
   * Deletes a session. Refuses the main session. Without `operator.admin` it archives the session
   * first and then deletes it with `archivedOnly`, which the gateway allows to writers.
   */
  deleteSession(key: string, options: RequestOptions = {}, sessionId?: string): Promise<SessionsDeleteResult> {
    return this.sessions.delete(key, options, sessionId);
  }

  private listen<K extends keyof GatewayEvents>(name: K, listener: (...args: GatewayEvents[K]) => void): () => void {
    this.emitter.on(name, listener as never);
    return () => this.emitter.off(name, listener as never);
  }
}
