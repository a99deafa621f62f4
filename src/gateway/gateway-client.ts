import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  MAX_PROTOCOL,
  type AgentEventPayload,
  MIN_PROTOCOL,
  type AgentFinal,
  type ChatHistoryResult,
  type ConnectChallenge,
  type ConnectParams,
  type EventFrame,
  type HelloOk,
  type ResponseFrame,
  type SessionRow,
  type SessionsDeleteResult,
} from '../protocol/gateway';
import { backoffDelay, type BackoffOptions } from './backoff';
import {
  CAPS,
  CLIENT_ID,
  CLIENT_MODE,
  CLOSE_NORMAL,
  CLOSE_SERVICE_RESTART,
  CLOSE_WATCHDOG,
  DEFAULT_TICK_INTERVAL_MS,
  HANDSHAKE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  ROLE,
  SCOPES,
  TURN_TIMEOUT_MS,
  storeDeviceTokenKey,
} from './constants';
import { classifyHandshakeError, classifyTransportError, classifyUpgradeStatus, describeState, type ConnectionState } from './connection-state';
import type { CredentialStore } from './credential-store';
import { DeviceIdentity } from './device-identity';
import { GatewayCancelledError, GatewayClosedError, GatewayConnectError, GatewayRequestError, GatewayTimeoutError } from './errors';
import { checkAgentPayload, isRecord, MAX_INCOMING_FRAME_BYTES, parseFrame, str } from './frames';
import { redactFrame, redactText } from './redact';
import { messageText, RunStream, type TurnEvent } from './run-stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Sessions asked for per `sessions.list` page, and the most the client will hold. */
const SESSIONS_PAGE = 500;
/** How often, and how long apart, a message refused because its session was busy is tried again. */
const SESSION_BUSY_RETRIES = 60;
const SESSION_BUSY_WAIT_MS = 2000;
const MAX_SESSIONS = 20_000;

export interface GatewayClientOptions {
  url: string;
  /** The shared gateway token (gateway.auth.token). Without one, a stored device token is used. */
  token?: string;
  /** Keeps the device key and device tokens (secrets). */
  store: CredentialStore;
  /** The extension's version, sent as `client.version`. */
  clientVersion: string;
  platform?: string;
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Overrides the gateway's `policy.tickIntervalMs` for the watchdog (tests). */
  tickIntervalMs?: number;
  log?: (level: LogLevel, message: string) => void;
  /** Sees every frame in and out, with every secret redacted. Costs a deep copy per frame: off by default. */
  trace?: (direction: 'in' | 'out', frame: unknown) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TurnInput {
  sessionKey: string;
  message: string;
  /** Made once per user message and reused on every retry of it; doubles as the run id. */
  idempotencyKey?: string;
  thinking?: string;
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

/** Why consumers should reload history: events may have been missed. */
export interface ResyncNotice {
  reason: 'reconnected' | 'frame-gap' | 'run-gap';
  sessionKey?: string;
  runId?: string;
}

interface Pending {
  method: string;
  resolve(payload: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** For `agent`: the first `res` is an acknowledgement; the request stays pending for the final one. */
  onAccepted?: (payload: Record<string, unknown>) => void;
  cleanup?: () => void;
}

interface ClientEvents {
  state: [ConnectionState];
  event: [EventFrame];
  resync: [ResyncNotice];
  sessionsChanged: [unknown];
}

/**
 * The one WebSocket to an OpenClaw Gateway: handshake with a signed device, requests with ids and
 * timeouts, the gateway's events, a watchdog, and reconnection with backoff. Pure Node + ws.
 */
export class GatewayClient {
  private readonly emitter = new EventEmitter<ClientEvents>();
  private readonly pending = new Map<string, Pending>();
  private readonly runs = new Map<string, (payload: AgentEventPayload) => void>();
  private readonly loggedProblems = new Map<string, number>();
  private socket: WebSocket | undefined;
  private currentState: ConnectionState = { kind: 'idle' };
  private helloOk: HelloOk | undefined;
  private device: DeviceIdentity | undefined;
  private nextId = 0;
  private attempt = 0;
  private wanted = false;
  private everConnected = false;
  private useDeviceTokenOnly = false;
  private deviceTokenRetried = false;
  private haveDeviceToken = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private lastActivity = 0;
  private lastFrameSeq = 0;
  private restartHintMs = 0;
  private bootId: string | undefined;
  private token: string | undefined;
  private endpoint: string;

  constructor(private readonly options: GatewayClientOptions) {
    this.token = options.token || undefined;
    this.endpoint = options.url;
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The gateway's `hello-ok` of the current connection. */
  get hello(): HelloOk | undefined {
    return this.helloOk;
  }

  get url(): string {
    return this.endpoint;
  }

  /** The main session, which the gateway never deletes. */
  get mainSessionKey(): string {
    return this.helloOk?.snapshot?.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
  }

  /** What the client holds right now: for leak checks in long-running tests. */
  get stats(): { pendingRequests: number; runs: number; listeners: number; socketOpen: boolean; timers: number } {
    const listeners = this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
    const timers = [this.reconnectTimer, this.watchdogTimer].filter(Boolean).length + this.pending.size;
    return { pendingRequests: this.pending.size, runs: this.runs.size, listeners, socketOpen: !!this.socket, timers };
  }

  /** How many times each kind of bad frame was seen (each is logged once). */
  get problems(): ReadonlyMap<string, number> {
    return this.loggedProblems;
  }

  /** Turns the frame trace on (a function) or off (undefined): a trace costs a deep copy per frame. */
  setTrace(trace: GatewayClientOptions['trace']): void {
    this.options.trace = trace;
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
    if (this.wanted) return;
    this.wanted = true;
    this.attempt = 0;
    void this.connect();
  }

  /** Drops the current socket (if any) and connects again now, clearing a failed state. */
  reconnect(): void {
    this.wanted = true;
    this.attempt = 0;
    this.deviceTokenRetried = false;
    this.clearReconnectTimer();
    this.dropSocket(CLOSE_NORMAL, 'reconnect requested');
    void this.connect();
  }

  /** Uses a new shared token from now on (or none), and reconnects. */
  setToken(token: string | undefined): void {
    this.setEndpoint(this.endpoint, token);
  }

  /** Talks to another gateway URL and/or with another token from now on, and reconnects. */
  setEndpoint(url: string, token: string | undefined): void {
    this.endpoint = url;
    this.token = token || undefined;
    this.useDeviceTokenOnly = false;
    this.bootId = undefined;
    if (this.wanted) this.reconnect();
  }

  /** Closes the connection for good: rejects everything pending, stops reconnecting. */
  close(): void {
    this.wanted = false;
    this.clearReconnectTimer();
    this.dropSocket(CLOSE_NORMAL, 'client closed');
    this.setState({ kind: 'closed' });
    this.emitter.removeAllListeners();
  }

  /**
   * Sends one request and resolves its payload, or rejects with a GatewayRequestError (the
   * gateway's code, message, details, retryable, retryAfterMs), a GatewayTimeoutError, a
   * GatewayCancelledError or a GatewayClosedError.
   */
  request<T = unknown>(method: string, params: unknown = {}, options: RequestOptions = {}): Promise<T> {
    return this.send(method, params, options) as Promise<T>;
  }

  /** Resolves once connected; waits through reconnects. Rejects if the signal aborts or the client closes. */
  whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.currentState.kind === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        off();
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done(new GatewayCancelledError('cancelled while waiting for the gateway'));
      const off = this.onState((state) => {
        if (state.kind === 'connected') done();
        else if (state.kind === 'closed') done(new GatewayClosedError('the gateway client was closed'));
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Runs one agent turn: `agent {message, sessionKey, idempotencyKey}`. Waits for a connection if
   * there is none (so a message typed while offline is sent once connected), streams the run's
   * events through `onEvent`, and resolves with the final result. If the connection drops, the
   * turn is recovered without running twice: the same idempotency key is re-sent only when the
   * gateway's history shows it never received the message.
   */
  async runTurn(input: TurnInput, options: TurnOptions = {}): Promise<TurnResult> {
    let runId = input.idempotencyKey ?? randomUUID();
    let stream = new RunStream(runId);
    let usage: Record<string, unknown> | undefined;
    let accepted = false;
    let acceptedBootId: string | undefined;
    let busyRetries = 0;
    const emit = (event: TurnEvent) => {
      if (event.kind === 'usage') usage = event.usage;
      if (event.kind === 'gap') this.emitter.emit('resync', { reason: 'run-gap', sessionKey: input.sessionKey, runId });
      options.onEvent?.(event);
    };
    const listen = () => this.runs.set(runId, (payload) => {
      for (const event of stream.accept(payload)) emit(event);
    });
    listen();
    const params: Record<string, unknown> = { message: input.message, sessionKey: input.sessionKey, idempotencyKey: runId };
    if (input.thinking) params.thinking = input.thinking;
    const finish = (status: TurnStatus, extra: Partial<TurnResult> = {}): TurnResult => ({
      runId,
      sessionKey: input.sessionKey,
      status,
      text: stream.text,
      usage,
      ...extra,
    });

    try {
      for (;;) {
        await this.whenConnected(options.signal);
        if (accepted) {
          // The gateway took this turn before the connection dropped. Running it again is never right.
          const outcome = await this.recoverAcceptedTurn(runId, acceptedBootId, options.signal);
          if (outcome) return finish(outcome.status, { stopReason: outcome.stopReason, text: outcome.text || stream.text });
          return finish('interrupted');
        }
        try {
          const final = await this.send('agent', params, {
            timeoutMs: TURN_TIMEOUT_MS,
            signal: options.signal,
            onAccepted: () => {
              accepted = true;
              acceptedBootId = this.bootId;
              options.onAccepted?.(runId);
            },
          });
          return finish(...finalStatus(final, stream.text));
        } catch (error) {
          if (error instanceof GatewayClosedError && this.wanted) {
            if (!accepted && (await this.historyHasMessage(input.sessionKey, runId, options.signal))) accepted = true;
            continue;
          }
          if (error instanceof GatewayRequestError && isSessionBusy(error) && busyRetries < SESSION_BUSY_RETRIES) {
            // After a crash the gateway re-runs the interrupted turn by itself, and refuses ours
            // meanwhile. It never started our message and keeps refusing that key, so once the
            // session is free the message goes again under a new key, unless history has it.
            busyRetries += 1;
            await delay(SESSION_BUSY_WAIT_MS, options.signal);
            await this.whenConnected(options.signal);
            if (await this.historyHasMessage(input.sessionKey, runId, options.signal)) {
              accepted = true;
              continue;
            }
            this.runs.delete(runId);
            runId = randomUUID();
            stream = new RunStream(runId);
            params.idempotencyKey = runId;
            accepted = false;
            listen();
            this.log('info', `the session was busy with the gateway's own work; sending the message again as run ${runId}`);
            options.onRunId?.(runId);
            continue;
          }
          if (error instanceof GatewayRequestError && error.retryable) {
            await delay(error.retryAfterMs ?? 1000, options.signal);
            continue;
          }
          throw error;
        }
      }
    } finally {
      this.runs.delete(runId);
    }
  }


  /** Stops a running turn (`chat.abort`). Its `runTurn` then resolves with status `aborted`. */
  abortTurn(sessionKey: string, runId?: string): Promise<unknown> {
    const params: Record<string, unknown> = { sessionKey };
    if (runId) params.runId = runId;
    return this.request('chat.abort', params);
  }

  /**
   * Every session, from `sessions.list`. The gateway answers 100 rows unless asked for more, so this
   * pages through `nextOffset` until `hasMore` is false (at most `MAX_SESSIONS` rows).
   */
  async listSessions(options: RequestOptions = {}): Promise<SessionRow[]> {
    const rows: SessionRow[] = [];
    let offset = 0;
    while (rows.length < MAX_SESSIONS) {
      const payload = await this.request('sessions.list', { includeDerivedTitles: true, limit: SESSIONS_PAGE, offset }, options);
      if (!isRecord(payload) || !Array.isArray(payload.sessions)) break;
      rows.push(...payload.sessions.filter((row): row is SessionRow => isRecord(row) && typeof row.key === 'string'));
      const next = payload.nextOffset;
      // A next offset that does not move forward would loop forever: stop there.
      if (payload.hasMore !== true || typeof next !== 'number' || next <= offset) break;
      offset = next;
    }
    return rows;
  }

  /** A session's messages, oldest first: `chat.history` (or `sessions.history` where the gateway has it). */
  async history(sessionKey: string, limit = 200, options: RequestOptions = {}): Promise<ChatHistoryResult> {
    const useSessionsHistory = this.helloOk?.features?.methods?.includes('sessions.history') === true;
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
    const scopes = this.currentState.kind === 'connected' ? this.currentState.scopes : [];
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

  // ---- connection -------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (!this.wanted) return;
    this.attempt += 1;
    const url = this.endpoint;
    this.setState({ kind: 'connecting', url, attempt: this.attempt });
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { maxPayload: MAX_INCOMING_FRAME_BYTES, handshakeTimeout: this.handshakeTimeoutMs });
    } catch (error) {
      this.setState({ kind: 'failed', url, reason: 'bad-url', action: 'check-url', message: `"${url}" is not a WebSocket URL (${(error as Error).message}). Set openclaw.gatewayUrl to ws://host:port.` });
      return;
    }
    this.socket = socket;
    this.lastFrameSeq = 0;
    this.restartHintMs = 0;
    try {
      await this.handshake(socket);
    } catch (error) {
      if (socket !== this.socket) return;
      this.dropSocket(CLOSE_NORMAL, 'handshake failed');
      this.afterHandshakeError(error as Error);
    }
  }

  private handshake(socket: WebSocket): Promise<HelloOk> {
    return new Promise<HelloOk>((resolve, reject) => {
      let connectId: string | undefined;
      const timer = setTimeout(() => {
        reject(new GatewayTimeoutError(`no ${connectId ? 'hello-ok' : 'connect.challenge'} from the gateway at ${this.endpoint} within ${this.handshakeTimeoutMs} ms`, this.handshakeTimeoutMs));
      }, this.handshakeTimeoutMs);
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        fn();
      };
      const onMessage = (data: WebSocket.RawData) => {
        const text = data.toString();
        const parsed = parseFrame(text);
        if (!parsed.ok) return this.problem(parsed.problem);
        const frame = parsed.frame;
        this.traceIn(frame);
        if (frame.type === 'event' && frame.event === 'connect.challenge' && !connectId) {
          const challenge = readChallenge(frame.payload);
          if (!challenge) return this.problem('connect.challenge without nonce and ts');
          void this.connectParams(challenge).then(
            (params) => {
              connectId = this.newId('connect');
              this.sendFrame(socket, { type: 'req', id: connectId, method: 'connect', params });
            },
            (error: Error) => settle(() => reject(error)),
          );
        } else if (frame.type === 'res' && frame.id === connectId) {
          if (!frame.ok) return settle(() => reject(new GatewayRequestError('connect', frame.error!)));
          const payload = frame.payload;
          if (!isRecord(payload) || payload.type !== 'hello-ok' || typeof payload.protocol !== 'number') {
            return settle(() => reject(new GatewayClosedError('the gateway answered connect without hello-ok')));
          }
          // Synchronously, so that frames right behind hello-ok reach the connected handler.
          settle(() => {
            this.onHello(socket, payload as unknown as HelloOk);
            resolve(payload as unknown as HelloOk);
          });
        }
      };
      socket.on('message', onMessage);
      socket.on('unexpected-response', (_req, res) => {
        // 503 while the gateway drains for a restart: come back when it is up again.
        const status = res.statusCode ?? 0;
        res.resume();
        if (status === 503) this.restartHintMs = 1000;
        const sorted = classifyUpgradeStatus(this.endpoint, status);
        settle(() => reject('retry' in sorted ? new GatewayConnectError(sorted.retry) : new GatewayConnectError(sorted.message, sorted)));
      });
      socket.on('error', (error) => {
        const sorted = classifyTransportError(this.endpoint, error);
        settle(() => reject('retry' in sorted ? new GatewayConnectError(sorted.retry) : new GatewayConnectError(sorted.message, sorted)));
      });
      socket.on('close', (code, reason) => settle(() => reject(new GatewayClosedError(`the gateway closed the connection during the handshake (${code}${reason.length ? ` ${reason.toString()}` : ''})`, code))));
    });
  }

  private async connectParams(challenge: ConnectChallenge): Promise<ConnectParams> {
    this.device ??= await DeviceIdentity.load(this.options.store);
    const deviceToken = await this.options.store.get(storeDeviceTokenKey(this.endpoint));
    this.haveDeviceToken = !!deviceToken;
    const auth: ConnectParams['auth'] = {};
    if (this.token && !this.useDeviceTokenOnly) auth.token = this.token;
    else if (deviceToken) auth.deviceToken = deviceToken;
    const platform = this.options.platform ?? process.platform;
    const device = this.device.prove({
      clientId: CLIENT_ID,
      clientMode: CLIENT_MODE,
      role: ROLE,
      scopes: SCOPES,
      token: auth.token ?? auth.deviceToken ?? '',
      nonce: challenge.nonce,
      signedAt: challenge.ts,
      platform,
    });
    return {
      minProtocol: MIN_PROTOCOL,
      maxProtocol: MAX_PROTOCOL,
      client: { id: CLIENT_ID, version: this.options.clientVersion, platform, mode: CLIENT_MODE },
      role: ROLE,
      scopes: [...SCOPES],
      caps: [...CAPS],
      auth,
      userAgent: `openclaw-vscode/${this.options.clientVersion}`,
      device,
    };
  }

  private onHello(socket: WebSocket, hello: HelloOk): void {
    this.helloOk = hello;
    const deviceToken = hello.auth?.deviceToken;
    if (typeof deviceToken === 'string' && deviceToken) {
      this.options.store.set(storeDeviceTokenKey(this.endpoint), deviceToken).catch((error: Error) => this.log('warn', `could not store the device token: ${error.message}`));
    }
    const reconnected = this.everConnected;
    const restarted = this.bootId !== undefined && readBootId(hello) !== undefined && this.bootId !== readBootId(hello);
    this.bootId = readBootId(hello);
    this.everConnected = true;
    this.attempt = 0;
    this.deviceTokenRetried = false;
    socket.on('message', (data) => this.onMessage(data));
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
    socket.on('error', (error) => this.log('warn', `socket error: ${error.message}`));
    this.lastActivity = Date.now();
    this.armWatchdog();
    this.setState({
      kind: 'connected',
      url: this.endpoint,
      serverVersion: hello.server?.version ?? 'unknown',
      protocol: hello.protocol,
      connId: hello.server?.connId,
      scopes: Array.isArray(hello.auth?.scopes) ? hello.auth!.scopes! : [],
      mainSessionKey: this.mainSessionKey,
    });
    this.send('sessions.subscribe', {}, {}).catch((error: Error) => this.log('warn', `sessions.subscribe failed: ${error.message}`));
    if (reconnected) this.emitter.emit('resync', { reason: 'reconnected' });
    if (reconnected && restarted) this.log('info', 'the gateway restarted while we were away');
  }

  private afterHandshakeError(error: Error): void {
    const url = this.endpoint;
    if (error instanceof GatewayRequestError) {
      const code = error.detailCode;
      // A rejected shared token may still be fine as a device token, once. The gateway offers this
      // even to a device it never paired, so only a device token we actually hold is worth a try.
      if (code === 'AUTH_TOKEN_MISMATCH' && canRetryWithDeviceToken(error.details) && this.haveDeviceToken && !this.deviceTokenRetried) {
        this.deviceTokenRetried = true;
        this.useDeviceTokenOnly = true;
        this.log('info', 'the shared token was refused; retrying once with the device token');
        void this.connect();
        return;
      }
      if (code === 'AUTH_DEVICE_TOKEN_MISMATCH' || code === 'DEVICE_TOKEN_MISMATCH') {
        void this.options.store.delete(storeDeviceTokenKey(url));
        if (this.token && this.useDeviceTokenOnly) {
          this.useDeviceTokenOnly = false;
          void this.connect();
          return;
        }
      }
      const failed = classifyHandshakeError(url, error);
      if (failed) {
        this.log('error', redactText(`connection failed: ${failed.message}`, [this.token]));
        this.setState(failed);
        return;
      }
      this.scheduleReconnect(error.message, error.retryAfterMs ?? 0);
      return;
    }
    if (error instanceof GatewayConnectError && error.failure) {
      this.log('error', `connection failed: ${error.failure.message}`);
      this.setState(error.failure);
      return;
    }
    this.scheduleReconnect(error.message, this.restartHintMs);
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.stopWatchdog();
    this.rejectAllPending(new GatewayClosedError(`the connection to the gateway closed (${code}${reason ? ` ${reason}` : ''})`, code));
    if (!this.wanted) return;
    const restarting = code === CLOSE_SERVICE_RESTART || this.restartHintMs > 0;
    const why = code === CLOSE_WATCHDOG ? 'no frames from the gateway for two tick intervals' : restarting ? 'the gateway is restarting' : `connection closed (${code}${reason ? ` ${reason}` : ''})`;
    this.scheduleReconnect(why, restarting ? Math.max(this.restartHintMs, 1000) : 0);
  }

  private scheduleReconnect(reason: string, retryAfterMs: number): void {
    if (!this.wanted) return;
    this.clearReconnectTimer();
    const attempt = Math.max(1, this.attempt);
    const delayMs = backoffDelay(attempt, this.options.backoff, retryAfterMs);
    this.setState({ kind: 'reconnecting', url: this.endpoint, attempt, delayMs, nextAttemptAt: Date.now() + delayMs, reason });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delayMs);
  }

  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    this.stopWatchdog();
    socket.removeAllListeners();
    socket.on('error', () => undefined);
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    else socket.terminate();
    this.rejectAllPending(new GatewayClosedError(`the connection to the gateway closed (${reason})`, code));
  }

  // ---- frames -----------------------------------------------------------------------------

  private onMessage(data: WebSocket.RawData): void {
    this.lastActivity = Date.now();
    const parsed = parseFrame(data.toString());
    if (!parsed.ok) return this.problem(parsed.problem);
    const frame = parsed.frame;
    this.traceIn(frame);
    if (frame.type === 'res') this.onResponse(frame);
    else if (frame.type === 'event') this.onEventFrame(frame);
  }

  private onResponse(frame: ResponseFrame): void {
    const pending = this.pending.get(frame.id);
    if (!pending) return this.problem('res for an unknown request id');
    if (!frame.ok) {
      this.settle(frame.id, pending);
      pending.reject(new GatewayRequestError(pending.method, frame.error!));
      return;
    }
    const payload = frame.payload;
    if (pending.onAccepted && isRecord(payload) && payload.status === 'accepted') {
      pending.onAccepted(payload);
      pending.onAccepted = undefined;
      return;
    }
    this.settle(frame.id, pending);
    pending.resolve(payload);
  }

  private onEventFrame(frame: EventFrame): void {
    if (frame.seq !== undefined) {
      if (frame.seq <= this.lastFrameSeq) {
        // Not something the gateway does on one connection. Dropping every frame until the count
        // catches up again could lose the rest of the connection, so count from here and reload.
        this.problem('event seq went backwards (history reload asked for)');
        this.emitter.emit('resync', { reason: 'frame-gap' });
      } else if (this.lastFrameSeq > 0 && frame.seq > this.lastFrameSeq + 1) {
        this.problem('event seq skipped ahead: events were missed (history reload asked for)');
        this.emitter.emit('resync', { reason: 'frame-gap' });
      }
      this.lastFrameSeq = frame.seq;
    }
    switch (frame.event) {
      case 'agent': {
        const checked = checkAgentPayload(frame.payload);
        if (!checked.ok) return this.problem(checked.problem);
        this.runs.get(checked.value.runId)?.(checked.value);
        break;
      }
      case 'shutdown':
        if (!this.restartHintMs) this.log('info', `the gateway is shutting down${isRecord(frame.payload) && str(frame.payload, 'reason') ? `: ${str(frame.payload, 'reason')}` : ''}`);
        this.restartHintMs = 1000;
        break;
      case 'sessions.changed':
        this.emitter.emit('sessionsChanged', frame.payload);
        break;
      case 'connect.challenge':
        return this.problem('a second connect.challenge on an open connection (ignored)');
      default:
        break;
    }
    this.emitter.emit('event', frame);
  }

  private send(method: string, params: unknown, options: RequestOptions & { onAccepted?: Pending['onAccepted'] }): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || this.currentState.kind !== 'connected') {
      return Promise.reject(new GatewayClosedError(`not connected to the gateway (${describeState(this.currentState)})`));
    }
    if (options.signal?.aborted) return Promise.reject(new GatewayCancelledError());
    const id = this.newId(method);
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        method,
        resolve,
        reject,
        onAccepted: options.onAccepted,
        timer: setTimeout(() => {
          this.settle(id, pending);
          reject(new GatewayTimeoutError(`${method} got no answer within ${timeoutMs} ms`, timeoutMs));
        }, timeoutMs),
      };
      const signal = options.signal;
      if (signal) {
        const onAbort = () => {
          this.settle(id, pending);
          reject(new GatewayCancelledError(`${method} cancelled`));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        pending.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(id, pending);
      this.sendFrame(socket, { type: 'req', id, method, params });
    });
  }

  private settle(id: string, pending: Pending): void {
    clearTimeout(pending.timer);
    pending.cleanup?.();
    this.pending.delete(id);
  }

  private rejectAllPending(error: Error): void {
    for (const [id, pending] of [...this.pending]) {
      this.settle(id, pending);
      pending.reject(error);
    }
  }

  private sendFrame(socket: WebSocket, frame: { type: 'req'; id: string; method: string; params: unknown }): void {
    if (this.options.trace) this.options.trace('out', redactFrame(frame));
    socket.send(JSON.stringify(frame));
  }

  private traceIn(frame: unknown): void {
    if (this.options.trace) this.options.trace('in', redactFrame(frame));
  }

  // ---- turn recovery ----------------------------------------------------------------------

  /** Whether the gateway's history holds the user message sent with this idempotency key. */
  private async historyHasMessage(sessionKey: string, runId: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.whenConnected(signal);
      const { messages } = await this.history(sessionKey, 50, { signal });
      return messages.some((m) => m.idempotencyKey === `${runId}:user` || m.__openclaw?.runId === runId);
    } catch (error) {
      if (error instanceof GatewayCancelledError) throw error;
      return false;
    }
  }

  /**
   * After a reconnect, the outcome of a turn the gateway had accepted. If the same gateway process
   * is still up the run may still be going: wait for it. After a restart the run is over and its
   * outcome is whatever history holds.
   */
  private async recoverAcceptedTurn(runId: string, acceptedBootId: string | undefined, signal?: AbortSignal): Promise<{ status: TurnStatus; stopReason?: string; text?: string } | undefined> {
    // A different boot id means the gateway restarted and the run died with it. Protocol-3
    // gateways send no boot id: then asking is the only way to know.
    if (acceptedBootId && this.bootId && acceptedBootId !== this.bootId) return undefined;
    try {
      const waited = await this.request('agent.wait', { runId, timeoutMs: TURN_TIMEOUT_MS - 5000 }, { timeoutMs: TURN_TIMEOUT_MS, signal });
      if (!isRecord(waited)) return undefined;
      const status = str(waited, 'status');
      const reply = isRecord(waited.terminalReply) ? str(waited.terminalReply, 'text') : undefined;
      if (status === 'ok') return { status: 'ok', stopReason: str(waited, 'stopReason'), text: reply };
      if (status === 'error') return { status: 'error', stopReason: str(waited, 'stopReason'), text: reply };
      return undefined;
    } catch {
      return undefined;
    }
  }

  // ---- watchdog ---------------------------------------------------------------------------

  private armWatchdog(): void {
    this.stopWatchdog();
    const tick = this.options.tickIntervalMs ?? this.helloOk?.policy?.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
    const limit = 2 * tick;
    const check = () => {
      const silent = Date.now() - this.lastActivity;
      if (silent >= limit) {
        this.log('warn', `no frames from the gateway for ${silent} ms (limit ${limit} ms); reconnecting`);
        const socket = this.socket;
        // The peer may be frozen and never answer the close handshake: end the socket ourselves.
        socket?.close(CLOSE_WATCHDOG, 'watchdog: gateway silent');
        if (socket) this.onClose(socket, CLOSE_WATCHDOG, 'watchdog: gateway silent');
        socket?.terminate();
        return;
      }
      this.watchdogTimer = setTimeout(check, limit - silent);
    };
    this.watchdogTimer = setTimeout(check, limit);
  }

  private stopWatchdog(): void {
    if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  // ---- helpers ----------------------------------------------------------------------------

  private get handshakeTimeoutMs(): number {
    return this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  }

  private newId(method: string): string {
    this.nextId += 1;
    return `${method}-${this.nextId}`;
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
    this.emitter.emit('state', state);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  /** Logs each kind of bad frame once, and counts the rest. */
  private problem(kind: string): void {
    const seen = this.loggedProblems.get(kind) ?? 0;
    this.loggedProblems.set(kind, seen + 1);
    if (seen === 0) this.log('warn', `dropped a frame: ${kind}`);
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  private listen<K extends keyof ClientEvents>(name: K, listener: (...args: ClientEvents[K]) => void): () => void {
    this.emitter.on(name, listener as never);
    return () => this.emitter.off(name, listener as never);
  }
}

function readChallenge(payload: unknown): ConnectChallenge | undefined {
  if (!isRecord(payload) || typeof payload.nonce !== 'string' || typeof payload.ts !== 'number') return undefined;
  return { nonce: payload.nonce, ts: payload.ts };
}

function readBootId(hello: HelloOk): string | undefined {
  const server = hello.server as unknown;
  return isRecord(server) ? str(server, 'bootId') : undefined;
}

/** The gateway could not start our work because the session was taken by other work (its own recovery). */
function isSessionBusy(error: GatewayRequestError): boolean {
  return error.detailCode === 'SESSION_WORK_START_CHANGED' || error.message.includes('SESSION_WORK_START_CHANGED');
}

function canRetryWithDeviceToken(details: unknown): boolean {
  return isRecord(details) && details.canRetryWithDeviceToken === true;
}

function toDeleteResult(payload: unknown): SessionsDeleteResult {
  if (!isRecord(payload)) return { deleted: false };
  return { ok: payload.ok === true, key: str(payload, 'key'), deleted: payload.deleted === true, archived: Array.isArray(payload.archived) ? payload.archived.filter((a): a is string => typeof a === 'string') : [] };
}

/** Reads the final `res` of an `agent` request. An aborted run ends as `{status: "timeout", summary: "aborted"}`. */
function finalStatus(payload: unknown, streamed: string): [TurnStatus, Partial<TurnResult>] {
  if (!isRecord(payload)) return ['error', { summary: 'the gateway sent no result' }];
  const final = payload as unknown as AgentFinal;
  const summary = str(payload, 'summary');
  const result = isRecord(payload.result) ? payload.result : undefined;
  const meta = result && isRecord(result.meta) ? result.meta : undefined;
  const payloads = result && Array.isArray(result.payloads) ? result.payloads : [];
  const text = payloads.map((p) => (isRecord(p) ? messageText([{ type: 'text', text: p.text }]) : '')).filter(Boolean).join('\n\n');
  const agentMeta = meta && isRecord(meta.agentMeta) ? meta.agentMeta : undefined;
  const extra: Partial<TurnResult> = {
    summary,
    text: text || streamed,
    stopReason: meta ? str(meta, 'stopReason') : undefined,
    durationMs: meta && typeof meta.durationMs === 'number' ? meta.durationMs : undefined,
  };
  if (agentMeta && isRecord(agentMeta.usage)) extra.usage = agentMeta.usage;
  const status: TurnStatus = final.status === 'ok' ? 'ok' : summary === 'aborted' || final.status === 'aborted' ? 'aborted' : final.status === 'timeout' ? 'timeout' : 'error';
  return [status, extra];
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GatewayCancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
