/**
 * The one WebSocket and its life: open, handshake, hello, watchdog, and reconnection. Kept apart
 * from GatewayClient so that the part that must survive drops, restarts and frozen peers reads as
 * one state machine; where each frame goes is FrameRouter's, when to try again ReconnectTimer's.
 */

import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { MAX_TICK_INTERVAL_MS, MIN_TICK_INTERVAL_MS, type AgentEventPayload, type HelloOk } from '../protocol/gateway';
import { ReconnectTimer } from './reconnect-timer';
import type { GatewayClientOptions, GatewayEvents, LogLevel } from './client-options';
import { ConnectAuth } from './connect-auth';
import { Handshake } from './handshake';
import {
  CLOSE_ABNORMAL,
  CLOSE_NORMAL,
  CLOSE_SERVICE_RESTART,
  CLOSE_WATCHDOG,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_TICK_INTERVAL_MS,
  HANDSHAKE_TIMEOUT_MS,
  PAIRING_RETRY_MS,
  REQUEST_TIMEOUT_MS,
  storeTlsPinKey,
} from './constants';
import { classifyHandshakeError, describeState, type ConnectionState, type FailedState, type ReconnectCause } from './connection-state';
import { GatewayCancelledError, GatewayClosedError, GatewayConnectError, GatewayPayloadTooLargeError, GatewayRequestError } from './errors';
import { MAX_INCOMING_FRAME_BYTES } from './frames';
import { FrameRouter } from './frame-router';
import { PendingRequests, type OpenRequestOptions } from './pending-requests';
import { checkGatewayUrl, gatewayOrigin, redactUrl } from './gateway-url';
import { checkCertificate, normalizeFingerprint } from './tls-trust';
import { redactFrame, redactText } from './redact';
import { Watchdog } from './watchdog';

/** Opens a socket; GatewayClient uses ws's, the connection's pure tests a scripted stand-in. */
export type OpenSocket = (url: URL, options: WebSocket.ClientOptions) => WebSocket;

const openWebSocket: OpenSocket = (url, options) => new WebSocket(url, options);

/** The socket layer under GatewayClient: one connection at a time, kept up while wanted. */
export class GatewayConnection {
  private readonly requests = new PendingRequests((text) => this.redact(text));
  private readonly router: FrameRouter;
  private readonly reconnects: ReconnectTimer;
  private readonly closing = new AbortController();
  private readonly auth: ConnectAuth;
  private readonly handshake: Handshake;
  private readonly watchdog = new Watchdog((silentMs, limitMs) => this.onSilent(silentMs, limitMs));
  private openSocket: WebSocket | undefined;
  private currentState: ConnectionState = { kind: 'idle' };
  private helloOk: HelloOk | undefined;
  private attempt = 0;
  private want = false;
  private everConnected = false;
  private gatewayBootId: string | undefined;
  private endpoint: string;
  /** The certificate fingerprint trusted for the endpoint being connected to (read before each attempt). */
  private pinned: string | undefined;
  /** Set while a pairing waits for approval: the retries keep the pairing banner instead of "connecting". */
  private pairingWait = false;

  constructor(
    private readonly options: GatewayClientOptions,
    private readonly emitter: EventEmitter<GatewayEvents>,
    private readonly openWith: OpenSocket = openWebSocket,
  ) {
    this.endpoint = options.url;
    this.reconnects = new ReconnectTimer(options.backoff);
    this.auth = new ConnectAuth(options, (level, message) => this.log(level, message));
    this.router = new FrameRouter({
      emitter,
      requests: this.requests,
      log: (level, message) => this.log(level, message),
      traceIn: (frame) => this.traceIn(frame),
      onShutdown: (reason) => {
        if (!this.reconnects.hintMs) this.log('info', `the gateway is shutting down${reason ? `: ${reason}` : ''}`);
        this.reconnects.restartNoticed(1000);
      },
    });
    this.handshake = new Handshake({
      connectParams: (challenge) => this.auth.connectParams(this.endpoint, challenge),
      newId: (method) => this.requests.newId(method),
      sendFrame: (socket, frame) => this.sendFrame(socket, frame),
      traceIn: (frame) => this.traceIn(frame),
      problem: (kind) => this.router.problem(kind),
      onHello: (socket, hello) => this.onHello(socket, hello),
      onRestarting: () => {
        this.reconnects.restartNoticed(1000);
      },
      redact: (text) => this.redact(text),
      checkTls: (socket) => checkCertificate(this.endpoint, socket, this.pinned),
    });
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The gateway's `hello-ok` of the current connection. */
  get hello(): HelloOk | undefined {
    return this.helloOk;
  }

  /** The gateway URL connected to, or to be connected to next. */
  get url(): string {
    return this.endpoint;
  }

  /** The current socket (also while its handshake runs), or undefined. */
  get socket(): WebSocket | undefined {
    return this.openSocket;
  }

  /** The gateway process's boot id from the last `hello-ok`: a new one means it restarted. */
  get bootId(): string | undefined {
    return this.gatewayBootId;
  }

  /** Aborted by `close()`: waits that outlive a connection (a turn's retry delay) end with it. */
  get closedSignal(): AbortSignal {
    return this.closing.signal;
  }

  /** Whether the connection is to be kept up (from `start()` until `close()`). */
  get wanted(): boolean {
    return this.want;
  }

  /** The main session, which the gateway never deletes. */
  get mainSessionKey(): string {
    return this.helloOk?.snapshot?.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
  }

  /** What the client holds right now: for leak checks in long-running tests. */
  get stats(): { pendingRequests: number; runs: number; listeners: number; socketOpen: boolean; timers: number } {
    const listeners = this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
    const timers = (this.reconnects.armed ? 1 : 0) + (this.watchdog.armed ? 1 : 0) + this.requests.size;
    return { pendingRequests: this.requests.size, runs: this.router.runCount, listeners, socketOpen: !!this.openSocket, timers };
  }

  /** How many times each kind of bad frame was seen (each is logged once). */
  get problems(): ReadonlyMap<string, number> {
    return this.router.problems;
  }

  /** Turns the frame trace on (a function) or off (undefined). */
  setTrace(trace: GatewayClientOptions['trace']): void {
    this.options.trace = trace;
  }

  /** Starts connecting, and keeps the connection up until `close()`. */
  start(): void {
    if (this.want) return;
    this.want = true;
    this.attempt = 0;
    void this.connect();
  }

  /** Drops the current socket (if any) and connects again now, clearing a failed state. */
  reconnect(): void {
    this.want = true;
    this.attempt = 0;
    this.auth.allowDeviceTokenRetry();
    this.reconnects.clear();
    this.dropSocket(CLOSE_NORMAL, 'reconnect requested');
    void this.connect();
  }

  /** Forgets the device key held in memory and the shared token; the next connect pairs afresh. */
  forgetCredentials(): void {
    this.auth.forget();
  }

  /** Talks to another gateway URL and/or with another token from now on, and reconnects. */
  setEndpoint(url: string, token: string | undefined): void {
    this.endpoint = url;
    this.auth.setToken(token);
    this.gatewayBootId = undefined;
    this.pairingWait = false;
    if (this.want) this.reconnect();
  }

  /** Closes the connection for good: rejects everything pending, stops reconnecting, drops every listener. */
  close(): void {
    this.closing.abort();
    this.want = false;
    this.reconnects.clear();
    this.dropSocket(CLOSE_NORMAL, 'client closed');
    this.setState({ kind: 'closed' });
    this.emitter.removeAllListeners();
  }

  /** Resolves once connected; waits through reconnects. Rejects if the signal aborts or the client closes. */
  whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.currentState.kind === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        this.emitter.off('state', onState);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done(new GatewayCancelledError('cancelled while waiting for the gateway'));
      const onState = (state: ConnectionState) => {
        if (state.kind === 'connected') done();
        else if (state.kind === 'closed') done(new GatewayClosedError('the gateway client was closed'));
      };
      this.emitter.on('state', onState);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Sends one request on the open connection; see GatewayClient.request. With `onAccepted`, an
   * `accepted` first answer is passed to it and the request waits on for its final `res`.
   */
  send(method: string, params: unknown, options: OpenRequestOptions): Promise<unknown> {
    const socket = this.openSocket;
    if (!socket || socket.readyState !== WebSocket.OPEN || this.currentState.kind !== 'connected') {
      return Promise.reject(new GatewayClosedError(`not connected to the gateway (${describeState(this.currentState)})`));
    }
    if (options.signal?.aborted) return Promise.reject(new GatewayCancelledError());
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const limit = this.helloOk?.policy?.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    return this.requests.open(method, timeoutMs, options, (id) => {
      const text = JSON.stringify({ type: 'req', id, method, params });
      // The gateway closes the socket on a frame over its limit; sending it would only loop.
      const bytes = Buffer.byteLength(text);
      if (bytes > limit) throw new GatewayPayloadTooLargeError(method, bytes, limit);
      this.sendText(socket, { type: 'req', id, method, params }, text);
    });
  }

  /** Hands every `agent` event of `runId` to `listener` until `stopListeningToRun`. */
  listenToRun(runId: string, listener: (payload: AgentEventPayload) => void): void {
    this.router.listenToRun(runId, listener);
  }

  /** Stops handing out `runId`'s events. */
  stopListeningToRun(runId: string): void {
    this.router.stopListeningToRun(runId);
  }

  /** Writes a line to the client's log (`options.log`), with every known secret taken out. */
  log(level: LogLevel, message: string): void {
    this.options.log?.(level, this.redact(message));
  }

  /** Free text with every token this client knows replaced by "[redacted]". */
  redact(text: string): string {
    return redactText(text, this.auth.secrets);
  }

  // ---- connecting -------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (!this.want) return;
    this.attempt += 1;
    // Nothing is sent to a URL that carries credentials, or in the clear to another computer.
    const checked = checkGatewayUrl(this.endpoint);
    if (!checked.ok) {
      this.setState({ kind: 'failed', url: redactUrl(this.endpoint), reason: checked.reason, action: 'check-url', message: checked.message });
      return;
    }
    const url = this.endpoint;
    if (!this.pairingWait) this.setState({ kind: 'connecting', url, attempt: this.attempt });
    const secure = checked.url.protocol === 'wss:';
    this.pinned = secure ? normalizeFingerprint(await this.options.store.get(storeTlsPinKey(checked.origin))) : undefined;
    if (!this.want || url !== this.endpoint) return;
    let socket: WebSocket;
    try {
      // No UTF-8 check of each frame (ws does it in a loop over every byte): a frame is decoded
      // once for JSON.parse anyway, where a bad byte becomes U+FFFD and at worst a bad frame.
      // TLS: Node does not reject the certificate itself; tls-trust.ts decides (system trust or the
      // pinned fingerprint) on the upgrade answer, before anything but the upgrade request is sent.
      socket = this.openWith(checked.url, {
        maxPayload: MAX_INCOMING_FRAME_BYTES,
        handshakeTimeout: this.handshakeTimeoutMs,
        skipUTF8Validation: true,
        // A resumed TLS session shows no certificate, so none may be resumed: VS Code's proxy
        // support routes sockets through https.globalAgent, whose session cache is keyed by the
        // TLS options, and a context of our own per attempt keeps each key unique.
        ...(secure ? { rejectUnauthorized: false, sessionIdContext: randomBytes(16).toString('hex') } : {}),
      });
    } catch (error) {
      this.setState({
        kind: 'failed',
        url,
        reason: 'bad-url',
        action: 'check-url',
        message: `"${url}" is not a WebSocket URL (${(error as Error).message}). Set openclaw.gatewayUrl to ws://host:port.`,
      });
      return;
    }
    this.openSocket = socket;
    this.router.reset();
    this.reconnects.hintMs = 0;
    try {
      await this.handshake.run(socket, url, this.handshakeTimeoutMs);
    } catch (error) {
      if (socket !== this.openSocket) return;
      this.dropSocket(CLOSE_NORMAL, 'handshake failed');
      this.afterHandshakeError(error as Error);
    }
  }

  private onHello(socket: WebSocket, hello: HelloOk): void {
    this.pairingWait = false;
    this.reconnects.connected();
    this.auth.onHello(this.endpoint, hello);
    this.helloOk = hello;
    const reconnected = this.everConnected;
    const restarted = this.gatewayBootId !== undefined && readBootId(hello) !== undefined && this.gatewayBootId !== readBootId(hello);
    this.gatewayBootId = readBootId(hello);
    this.everConnected = true;
    this.attempt = 0;
    socket.on('message', (data) => {
      this.watchdog.lastActivity = Date.now();
      this.router.route(data);
    });
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
    socket.on('error', (error) => this.log('warn', `socket error: ${error.message}`));
    const tick = this.options.tickIntervalMs ?? clamp(hello.policy?.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS, MIN_TICK_INTERVAL_MS, MAX_TICK_INTERVAL_MS);
    this.watchdog.arm(2 * tick);
    this.setState({
      kind: 'connected',
      url: this.endpoint,
      serverVersion: hello.server?.version ?? 'unknown',
      protocol: hello.protocol,
      connId: hello.server?.connId,
      scopes: hello.auth?.scopes ?? [],
      mainSessionKey: this.mainSessionKey,
    });
    this.send('sessions.subscribe', {}, {}).catch((error: Error) => this.log('warn', `sessions.subscribe failed: ${error.message}`));
    if (reconnected) this.emitter.emit('resync', { reason: 'reconnected' });
    if (reconnected && restarted) this.log('info', 'the gateway restarted while we were away');
  }

  private afterHandshakeError(error: Error): void {
    const url = this.endpoint;
    const waiting = this.pairingWait;
    this.pairingWait = false;
    if (error instanceof GatewayRequestError) {
      if (this.auth.retryAfterRefusal(url, error)) {
        void this.connect();
        return;
      }
      const failed = classifyHandshakeError(url, error);
      if (failed?.reason === 'pairing-required') {
        this.waitForPairing(failed, waiting);
        return;
      }
      if (failed) {
        this.log('error', `connection failed: ${failed.message}`);
        this.setState(failed);
        return;
      }
      // The gateway answers but is not ready ("starting, retry shortly"): it is coming up.
      this.reconnects.restartNoticed();
      this.scheduleReconnect(error.message, error.retryAfterMs ?? 0, 'restarting');
      return;
    }
    if (error instanceof GatewayConnectError && error.failure) {
      this.log('error', `connection failed: ${error.failure.message}`);
      this.setState(error.failure);
      return;
    }
    this.scheduleReconnect(error.message, this.reconnects.hintMs, this.reconnects.hintMs ? 'restarting' : 'unreachable');
  }

  /**
   * A person must approve this device (or its new scopes) on the gateway host: show what to run,
   * and ask again at a polite pace until it is approved, so the chat continues without a restart.
   * `reconnect()` ("I approved it") asks at once.
   */
  private waitForPairing(failed: FailedState, alreadyWaiting: boolean): void {
    const delayMs = this.options.pairingRetryMs ?? PAIRING_RETRY_MS;
    if (!alreadyWaiting) this.log('warn', `waiting for approval: ${failed.message}`);
    this.pairingWait = true;
    this.setState({ ...failed, retryAt: Date.now() + delayMs });
    this.reconnects.schedule(delayMs, () => void this.connect());
  }

  /** Trusts `fingerprint` (SHA-256) as the certificate of the current `wss://` gateway, and connects again. */
  async trustCertificate(fingerprint: string): Promise<void> {
    const pin = normalizeFingerprint(fingerprint);
    if (!pin) throw new Error(`"${fingerprint}" is not a SHA-256 fingerprint (32 hex pairs).`);
    await this.options.store.set(storeTlsPinKey(gatewayOrigin(this.endpoint)), pin);
    this.reconnect();
  }

  /** Forgets the certificate trusted for the current gateway; the next connect asks again unless the system trusts it. */
  async forgetCertificate(): Promise<void> {
    await this.options.store.delete(storeTlsPinKey(gatewayOrigin(this.endpoint)));
    this.reconnect();
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.openSocket) return;
    this.openSocket = undefined;
    this.watchdog.stop();
    // The gateway's words: they reach the state, the log and (through the requests cut short) the chat.
    reason = this.redact(reason);
    this.requests.rejectAll(new GatewayClosedError(`the connection to the gateway closed (${code}${reason ? ` ${reason}` : ''})`, code));
    if (!this.want) return;
    const restarting = code === CLOSE_SERVICE_RESTART || this.reconnects.hintMs > 0;
    // A connection that drops without a close frame is most often a gateway that crashed and is
    // being restarted by its supervisor: probe it the same way for a while.
    if (restarting || code === CLOSE_ABNORMAL) this.reconnects.restartNoticed();
    const why =
      code === CLOSE_WATCHDOG
        ? 'no frames from the gateway for two tick intervals'
        : restarting
          ? 'the gateway is restarting'
          : `connection closed (${code}${reason ? ` ${reason}` : ''})`;
    this.scheduleReconnect(
      why,
      restarting ? Math.max(this.reconnects.hintMs, 1000) : 0,
      code === CLOSE_WATCHDOG ? 'silent' : restarting ? 'restarting' : 'closed',
    );
  }

  /** Waits (see ReconnectTimer for how long), then connects again. */
  private scheduleReconnect(reason: string, retryAfterMs: number, cause: ReconnectCause): void {
    if (!this.want) return;
    const attempt = Math.max(1, this.attempt);
    const delayMs = this.reconnects.delayFor(attempt, retryAfterMs);
    const shownCause = this.reconnects.restarting && cause === 'unreachable' ? 'restarting' : cause;
    this.setState({ kind: 'reconnecting', url: this.endpoint, attempt, delayMs, nextAttemptAt: Date.now() + delayMs, reason, cause: shownCause });
    this.reconnects.schedule(delayMs, () => void this.connect());
  }

  /** The watchdog saw nothing for two ticks. The peer may be frozen and never answer a close: end the socket here. */
  private onSilent(silentMs: number, limitMs: number): void {
    this.log('warn', `no frames from the gateway for ${silentMs} ms (limit ${limitMs} ms); reconnecting`);
    const socket = this.openSocket;
    socket?.close(CLOSE_WATCHDOG, 'watchdog: gateway silent');
    if (socket) this.onClose(socket, CLOSE_WATCHDOG, 'watchdog: gateway silent');
    socket?.terminate();
  }

  private dropSocket(code: number, reason: string): void {
    const socket = this.openSocket;
    if (!socket) return;
    this.openSocket = undefined;
    this.watchdog.stop();
    socket.removeAllListeners();
    socket.on('error', () => undefined);
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    else socket.terminate();
    this.requests.rejectAll(new GatewayClosedError(`the connection to the gateway closed (${reason})`, code));
  }

  private sendFrame(socket: WebSocket, frame: { type: 'req'; id: string; method: string; params: unknown }): void {
    this.sendText(socket, frame, JSON.stringify(frame));
  }

  private sendText(socket: WebSocket, frame: { type: 'req'; id: string; method: string; params: unknown }, text: string): void {
    if (this.options.trace) this.options.trace('out', redactFrame(frame, this.auth.secrets));
    socket.send(text);
  }

  private traceIn(frame: unknown): void {
    if (this.options.trace) this.options.trace('in', redactFrame(frame, this.auth.secrets));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private get handshakeTimeoutMs(): number {
    return this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  }

  private setState(state: ConnectionState): void {
    // Messages quote the gateway's own words, which could echo a token back: they reach the chat
    // (the code in the banner's sentence, the request id in the approve command it copies).
    if (state.kind === 'failed') {
      state = { ...state, message: this.redact(state.message) };
      if (state.code !== undefined) state.code = this.redact(state.code);
      if (state.requestId !== undefined) state.requestId = this.redact(state.requestId);
    } else if (state.kind === 'reconnecting') state = { ...state, reason: this.redact(state.reason) };
    this.currentState = state;
    this.emitter.emit('state', state);
  }
}

function readBootId(hello: HelloOk): string | undefined {
  return hello.server.bootId;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
