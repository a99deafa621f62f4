/**
 * A real `ws` server on 127.0.0.1:0 that behaves like the observed `openclaw@2026.9.6` gateway (see
 * test/fixtures/transcripts): challenge first, device signature checked the way the gateway
 * checks it, hello-ok with a device token, `agent` ack / events / final, errors with the gateway's
 * codes, ticks, and shutdown then 1012; the session methods are in fake-sessions.ts. Tests script
 * its behaviour through hooks.
 */
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { FakeSessions, SESSION_METHODS } from './fake-sessions';
import { OPENCLAW_PROTOCOL3_VERSION, OPENCLAW_VERSION } from './versions';

export interface ReceivedFrame {
  conn: number;
  frame: Record<string, unknown>;
}

export interface FakeGatewayOptions {
  token?: string;
  /** The protocol this gateway speaks (4 like 2026.9.6, 3 like 2026.4.27). */
  protocol?: number;
  tickIntervalMs?: number;
  /** Send ticks on their own (off: tests that want a silent gateway). */
  ticks?: boolean;
  /** Scopes granted in hello-ok (default: what was asked). */
  grantScopes?: string[];
  /** Delay between streamed assistant deltas. */
  deltaDelayMs?: number;
  /** Never send connect.challenge. */
  silent?: boolean;
  /** Changes the hello-ok before it is sent (a hostile or broken gateway). */
  hello?: (hello: Record<string, any>) => void;
  /**
   * History as an older gateway may keep it: rows without idempotency key or run id, and
   * `agent.wait` without the reply text.
   */
  bareHistory?: boolean;
  /** The assistant row lands in history this long after the run ends (0: at once). */
  replyRowLagMs?: number;
  /** Serve `wss://` with this key and certificate (PEM) instead of `ws://`. */
  tls?: { key: string; cert: string };
  /**
   * Behave like a gateway reached from another computer: a device it has not paired is refused
   * with PAIRING_REQUIRED (one pending request per device) until `approvePairing(requestId)`.
   */
  requirePairing?: boolean;
}

type Handler = (conn: Conn, frame: Record<string, unknown>) => boolean | void;

export interface Conn {
  id: number;
  ws: WebSocket;
  seq: number;
  platform?: string;
  authed: boolean;
  /** Sends an event with the next frame seq. */
  event(event: string, payload: unknown): void;
  res(id: unknown, ok: boolean, body: unknown): void;
}

export const MAIN_SESSION = 'agent:main:main';

export interface FakeToolCall {
  name: string;
  args: Record<string, unknown>;
  /** The tool's result as the `tool` event carries it (`content`, `details` with `patch`). */
  result: { content: unknown[]; details?: Record<string, unknown> };
  /** What the tool does, between its start and result events. */
  run?: () => void;
}

export class FakeGateway {
  readonly received: ReceivedFrame[] = [];
  readonly closes: Array<{ conn: number; code: number }> = [];
  readonly conns = new Set<Conn>();
  /** Run once per idempotency key, like the gateway's dedupe: key -> final payload. */
  readonly finals = new Map<string, Record<string, unknown>>();
  readonly history = new Map<string, Array<Record<string, unknown>>>();
  readonly sessions = new Map<string, Record<string, unknown>>();
  /** Session methods, and the rows they add (with ids, seq and `session.message`). */
  readonly sessionStore: FakeSessions;
  /** Device id -> platform it was paired with, and issued device tokens. */
  readonly paired = new Map<string, { platform: string; deviceToken: string; scopes: string[] }>();
  bootId = randomUUID();
  connections = 0;
  /** Tests put handlers here; the first that returns true has answered the frame. */
  handlers: Handler[] = [];
  /** Methods hello-ok lists besides the built-in ones (tools/fake-approvals.ts adds its own). */
  readonly extraMethods: string[] = [];
  /** The assistant reply for a message (default: echo). */
  reply: (message: string) => string = (message) => `Echo: ${message}`;
  /**
   * The tool calls a message makes the run do before its reply (default: none), streamed and kept
   * in history as recorded in diff-write-tool.jsonl and chat.history.diff.json; `run` acts on disk.
   */
  toolCalls: (message: string) => FakeToolCall[] = () => [];
  /** Pairing requests waiting for `approvePairing`: request id -> device id (requirePairing). */
  readonly pendingPairings = new Map<string, string>();
  private readonly approvedDevices = new Set<string>();
  private server!: WebSocketServer;
  private https: HttpsServer | undefined;
  private nextConn = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(readonly options: FakeGatewayOptions = {}) {
    this.sessions.set(MAIN_SESSION, { key: MAIN_SESSION, sessionId: randomUUID(), updatedAt: Date.now(), model: 'fake-model', isMain: true });
    this.sessionStore = new FakeSessions({
      history: this.history,
      sessions: this.sessions,
      conns: this.conns,
      mainSession: MAIN_SESSION,
      scopesOf: (conn) => this.scopesOf(conn),
    });
  }

  get url(): string {
    return `${this.options.tls ? 'wss' : 'ws'}://127.0.0.1:${this.port}`;
  }

  /** Approves a pending pairing request, as `openclaw devices approve <id>` would. */
  approvePairing(requestId: string): void {
    const deviceId = this.pendingPairings.get(requestId);
    if (!deviceId) throw new Error(`no pending pairing request ${requestId}`);
    this.pendingPairings.delete(requestId);
    this.approvedDevices.add(deviceId);
  }

  async start(port = 0): Promise<this> {
    if (this.options.tls) {
      const https = createHttpsServer({ key: this.options.tls.key, cert: this.options.tls.cert });
      this.https = https;
      this.server = new WebSocketServer({ server: https });
      await new Promise<void>((resolve) => https.listen(port, '127.0.0.1', () => resolve()));
      this.port = (https.address() as AddressInfo).port;
    } else {
      this.server = new WebSocketServer({ host: '127.0.0.1', port });
      await new Promise<void>((resolve) => this.server.once('listening', () => resolve()));
      this.port = (this.server.address() as AddressInfo).port;
    }
    this.server.on('connection', (ws) => this.onConnection(ws));
    if (this.options.ticks !== false) {
      const every = this.options.tickIntervalMs ?? 30_000;
      this.tickTimer = setInterval(() => {
        for (const conn of this.conns) if (conn.authed) conn.event('tick', { ts: Date.now() });
      }, every);
    }
    return this;
  }

  /** Frames of one method the clients sent. */
  requests(method: string): Array<Record<string, unknown>> {
    return this.received.filter((r) => r.frame.type === 'req' && r.frame.method === method).map((r) => r.frame);
  }

  /** Sends raw text to every open connection. */
  sendRaw(text: string): void {
    for (const conn of this.conns) if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
  }

  /** Drain like SIGTERM: `shutdown` event, then close 1012 on every connection. */
  shutdown(): void {
    for (const conn of this.conns) {
      conn.event('shutdown', { reason: 'gateway stopping' });
      conn.ws.close(1012, 'service restart');
    }
  }

  /** Cuts every connection without a close frame (like a crash). */
  dropAll(): void {
    for (const conn of this.conns) conn.ws.terminate();
  }

  /** A new process: a new boot id, and the runs in flight die with the old one (no more events). */
  reboot(): void {
    this.bootId = randomUUID();
    // The runs died with the process: nothing more of them is streamed.
    for (const run of this.activeRuns.values()) run.kill();
    this.activeRuns.clear();
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const conn of this.conns) conn.ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    const https = this.https;
    if (https) await new Promise<void>((resolve) => https.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    this.connections += 1;
    const conn: Conn = {
      id: ++this.nextConn,
      ws,
      seq: 0,
      authed: false,
      event: (event, payload) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify({ type: 'event', event, payload, seq: ++conn.seq, recipientProfileId: 'gateway-owner' }));
      },
      res: (id, ok, body) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify(ok ? { type: 'res', id, ok: true, payload: body } : { type: 'res', id, ok: false, error: body }));
      },
    };
    this.conns.add(conn);
    const nonce = randomUUID();
    const ts = Date.now();
    ws.on('close', (code) => {
      this.closes.push({ conn: conn.id, code });
      this.conns.delete(conn);
    });
    ws.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse((data as Buffer).toString());
      } catch {
        if (!conn.authed) ws.close(1000);
        return;
      }
      this.received.push({ conn: conn.id, frame });
      for (const handler of this.handlers) if (handler(conn, frame) === true) return;
      if (!conn.authed) this.onConnect(conn, frame, nonce, ts);
      else this.onRequest(conn, frame);
    });
    if (!this.options.silent) {
      ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce, ts, capabilities: ['model-catalog-snapshot'] } }));
    }
  }

  private fail(conn: Conn, id: unknown, error: Record<string, unknown>, closeCode = 1008): void {
    conn.res(id, false, error);
    conn.ws.close(closeCode, String(error.message).slice(0, 100));
  }

  private onConnect(conn: Conn, frame: Record<string, unknown>, nonce: string, ts: number): void {
    const params = (frame.params ?? {}) as Record<string, any>;
    if (frame.method !== 'connect') return this.fail(conn, frame.id, { code: 'INVALID_REQUEST', message: 'first request must be connect' });
    const protocol = this.options.protocol ?? 4;
    if (!(params.minProtocol <= protocol && protocol <= params.maxProtocol)) {
      return this.fail(
        conn,
        frame.id,
        { code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: protocol } },
        1002,
      );
    }
    const device = params.device as Record<string, any> | undefined;
    const auth = (params.auth ?? {}) as Record<string, string>;
    const sentToken = auth.token ?? auth.deviceToken ?? '';
    if (device) {
      const raw = Buffer.from(String(device.publicKey), 'base64url');
      if (createHash('sha256').update(raw).digest('hex') !== device.id) {
        return this.fail(conn, frame.id, { code: 'INVALID_REQUEST', message: 'device id mismatch', details: { code: 'DEVICE_AUTH_ID_MISMATCH' } });
      }
      if (device.nonce !== nonce)
        return this.fail(conn, frame.id, { code: 'INVALID_REQUEST', message: 'device nonce mismatch', details: { code: 'DEVICE_AUTH_NONCE_MISMATCH' } });
      if (Math.abs(Number(device.signedAt) - ts) > 120_000)
        return this.fail(conn, frame.id, { code: 'INVALID_REQUEST', message: 'device signature expired', details: { code: 'DEVICE_AUTH_SIGNATURE_EXPIRED' } });
      const c = params.client ?? {};
      const payload = [
        'v3',
        device.id,
        c.id,
        c.mode,
        params.role,
        (params.scopes ?? []).join(','),
        device.signedAt,
        sentToken,
        nonce,
        String(c.platform ?? '').toLowerCase(),
        String(c.deviceFamily ?? '').toLowerCase(),
      ].join('|');
      const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      if (!verify(null, Buffer.from(payload), key, Buffer.from(String(device.signature), 'base64url'))) {
        return this.fail(conn, frame.id, { code: 'INVALID_REQUEST', message: 'device signature invalid', details: { code: 'DEVICE_AUTH_SIGNATURE_INVALID' } });
      }
    }
    const known = device ? this.paired.get(device.id) : undefined;
    const tokenOk = this.options.token === undefined || auth.token === this.options.token;
    const deviceTokenOk = !!known && auth.deviceToken === known.deviceToken && !auth.token;
    if (auth.deviceToken && !device)
      return this.fail(conn, frame.id, { code: 'NOT_PAIRED', message: 'device identity required', details: { code: 'DEVICE_IDENTITY_REQUIRED' } });
    if (!tokenOk && !deviceTokenOk) {
      if (auth.deviceToken && !auth.token) {
        return this.fail(conn, frame.id, {
          code: 'INVALID_REQUEST',
          message: 'unauthorized: device token mismatch',
          details: { code: 'AUTH_DEVICE_TOKEN_MISMATCH' },
        });
      }
      return this.fail(conn, frame.id, {
        code: 'INVALID_REQUEST',
        message: 'unauthorized: gateway token mismatch (provide gateway auth token)',
        // As observed: offered to any signed device, paired or not.
        details: {
          code: 'AUTH_TOKEN_MISMATCH',
          authReason: 'token_mismatch',
          canRetryWithDeviceToken: !!device,
          recommendedNextStep: device ? 'retry_with_device_token' : 'update_auth_credentials',
        },
      });
    }
    if (this.options.requirePairing && device && !known && !this.approvedDevices.has(device.id)) {
      const pending = [...this.pendingPairings].find(([, id]) => id === device.id);
      const requestId = pending?.[0] ?? randomUUID();
      this.pendingPairings.set(requestId, device.id);
      return this.fail(conn, frame.id, {
        code: 'NOT_PAIRED',
        message: 'pairing required',
        details: { code: 'PAIRING_REQUIRED', reason: 'not-paired', requestId, deviceId: device.id },
      });
    }
    const platform = String(params.client?.platform ?? '');
    if (known && known.platform !== platform) {
      const requestId = randomUUID();
      return this.fail(conn, frame.id, {
        code: 'NOT_PAIRED',
        message: 'pairing required: device identity changed and must be re-approved',
        details: { code: 'PAIRING_REQUIRED', reason: 'metadata-upgrade', requestId, deviceId: device!.id },
      });
    }
    // As recorded (features/04): a device token covers the scopes it was paired with; wider ones
    // need the shared token (granted silently on loopback) or an approved upgrade.
    const asked: string[] = params.scopes ?? [];
    if (known && deviceTokenOk && !tokenOk && asked.some((scope) => !known.scopes.includes(scope))) {
      return this.fail(conn, frame.id, {
        code: 'INVALID_REQUEST',
        message: 'unauthorized: device token scope mismatch (re-pair or approve scope upgrade)',
        details: {
          code: 'AUTH_SCOPE_MISMATCH',
          authReason: 'scope_mismatch',
          canRetryWithDeviceToken: false,
          recommendedNextStep: 'review_auth_configuration',
        },
      });
    }
    let deviceToken: string | undefined;
    if (device) {
      deviceToken = known?.deviceToken ?? randomUUID().replace(/-/g, '');
      const scopes = tokenOk ? [...new Set([...(known?.scopes ?? []), ...asked])] : (known?.scopes ?? asked);
      this.paired.set(device.id, { platform, deviceToken, scopes });
    }
    conn.authed = true;
    conn.platform = platform;
    const scopes = device ? (this.options.grantScopes ?? params.scopes ?? []) : [];
    const hello: Record<string, any> = {
      type: 'hello-ok',
      protocol,
      server: { version: protocol === 4 ? OPENCLAW_VERSION : OPENCLAW_PROTOCOL3_VERSION, bootId: this.bootId, connId: randomUUID() },
      features: {
        methods: ['health', 'agent', 'agent.wait', 'chat.abort', ...SESSION_METHODS, ...this.extraMethods],
        events: ['agent', 'chat', 'tick', 'shutdown', 'sessions.changed', 'session.message', 'session.tool'],
      },
      snapshot: { sessionDefaults: { mainSessionKey: MAIN_SESSION }, uptimeMs: 1000 },
      auth: { method: 'token', role: 'operator', scopes, ...(deviceToken ? { deviceToken, issuedAtMs: Date.now() } : {}) },
      policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: this.options.tickIntervalMs ?? 30_000 },
    };
    this.options.hello?.(hello);
    conn.res(frame.id, true, hello);
    conn.event('presence', { presence: [] });
  }

  private onRequest(conn: Conn, frame: Record<string, unknown>): void {
    const id = frame.id;
    const params = (frame.params ?? {}) as Record<string, any>;
    // Protocol-3 gateways (2026.4.27) know no offset, and their params are closed objects.
    if (frame.method === 'sessions.list' && (this.options.protocol ?? 4) < 4 && 'offset' in params) {
      return conn.res(id, false, { code: 'INVALID_REQUEST', message: "invalid sessions.list params: at root: unexpected property 'offset'" });
    }
    switch (frame.method) {
      case 'agent':
        return this.agent(conn, id, params);
      case 'chat.abort': {
        const aborted = [...this.activeRuns.entries()].filter(
          ([, run]) => run.sessionKey === params.sessionKey && (!params.runId || run.runId === params.runId),
        );
        for (const [, run] of aborted) run.abort();
        return conn.res(id, true, { ok: true, aborted: aborted.length > 0, runIds: aborted.map(([key]) => key) });
      }
      case 'agent.wait': {
        // Like the gateway: answers when the run ends, or with `timeout` after timeoutMs.
        const deadline = Date.now() + Number(params.timeoutMs ?? 30_000);
        const poll = () => {
          const final = this.finals.get(params.runId);
          if (final)
            return conn.res(id, true, {
              runId: params.runId,
              status: final.status,
              stopReason: 'stop',
              ...(this.options.bareHistory ? {} : { terminalReply: { text: (final as any).result?.payloads?.[0]?.text } }),
            });
          if (!this.activeRuns.has(params.runId) || Date.now() > deadline) return conn.res(id, true, { runId: params.runId, status: 'timeout' });
          setTimeout(poll, 5);
        };
        return poll();
      }
      case 'health':
        return conn.res(id, true, { ok: true });
      default:
        if (this.sessionStore.handle(conn, frame)) return;
        return conn.res(id, false, { code: 'INVALID_REQUEST', message: `unknown method: ${String(frame.method)}` });
    }
  }

  /** The scopes a connection was granted (the last connect it sent). */
  scopesOf(conn: Conn): string[] {
    return this.options.grantScopes ?? this.connectOf(conn).scopes ?? [];
  }

  /** The caps a connection declared. */
  capsOf(conn: Conn): string[] {
    return this.connectOf(conn).caps ?? [];
  }

  private connectOf(conn: Conn): Record<string, any> {
    const connect = this.received.findLast((r) => r.conn === conn.id && r.frame.method === 'connect');
    return (connect?.frame.params ?? {}) as Record<string, any>;
  }

  readonly activeRuns = new Map<string, { runId: string; sessionKey: string; abort(): void; kill(): void }>();

  /** Streams a turn the way 2026.9.6 does: ack, lifecycle, assistant deltas (seq with holes), usage, end, final. */
  private agent(conn: Conn, id: unknown, params: Record<string, any>): void {
    const key = String(params.idempotencyKey);
    const sessionKey = String(params.sessionKey ?? MAIN_SESSION);
    const cached = this.finals.get(key);
    if (cached) return conn.res(id, true, cached);
    if (this.activeRuns.has(key)) return conn.res(id, true, { runId: key, sessionKey, status: 'accepted' });
    conn.res(id, true, { runId: key, sessionKey, agentId: 'main', status: 'accepted', acceptedAt: Date.now() });
    this.sessionStore.ensure(sessionKey);
    const tags = (extra: Record<string, unknown>) => (this.options.bareHistory ? {} : extra);
    this.sessionStore.addRow(sessionKey, {
      role: 'user',
      content: params.message,
      timestamp: Date.now(),
      ...tags({ idempotencyKey: `${key}:user`, __openclaw: { runId: key } }),
    });
    const text = this.reply(String(params.message));
    const words = text.match(/\S+\s*/g) ?? [text];
    let seq = 0;
    let sent = '';
    let aborted = false;
    const itemId = `${randomUUID()}:1`;
    const broadcast = (stream: string, data: Record<string, unknown>) => {
      seq += stream === 'assistant' && seq % 3 === 0 ? 2 : 1; // holes, as on the real gateway
      for (const c of this.conns) if (c.authed) c.event('agent', { runId: key, sessionKey, agentId: 'main', stream, data, seq, ts: Date.now() });
    };
    let killed = false;
    this.activeRuns.set(key, { runId: key, sessionKey, abort: () => (aborted = true), kill: () => (killed = true) });
    broadcast('lifecycle', { phase: 'start', startedAt: Date.now() });
    for (const call of this.toolCalls(String(params.message))) {
      const toolCallId = `call_${randomUUID()}`;
      broadcast('tool', { phase: 'start', name: call.name, toolCallId, args: call.args });
      call.run?.();
      const row = { timestamp: Date.now(), ...tags({ __openclaw: { runId: key } }) };
      this.sessionStore.addRow(sessionKey, {
        role: 'assistant',
        content: [{ type: 'toolCall', id: toolCallId, name: call.name, arguments: call.args }],
        ...row,
      });
      // History keeps the numbered `diff` but not the `patch` (as recorded).
      const { patch: _patch, ...details } = call.result.details ?? {};
      this.sessionStore.addRow(sessionKey, {
        role: 'toolResult',
        toolCallId,
        toolName: call.name,
        content: call.result.content,
        details,
        isError: false,
        ...row,
      });
      broadcast('tool', { phase: 'result', name: call.name, toolCallId, isError: false, result: call.result });
    }
    let i = 0;
    const step = () => {
      if (killed) return;
      if (aborted || i >= words.length) return finish();
      const delta = words[i++];
      sent += delta;
      broadcast('assistant', { text: sent, delta, itemId });
      setTimeout(step, this.options.deltaDelayMs ?? 1);
    };
    const finish = () => {
      this.activeRuns.delete(key);
      broadcast('usage', { outputTokens: words.length });
      broadcast('lifecycle', { phase: 'end', stopReason: aborted ? 'aborted' : 'stop', aborted });
      const reply = {
        role: 'assistant',
        content: [{ type: 'text', text: sent }],
        timestamp: Date.now(),
        stopReason: aborted ? 'aborted' : 'stop',
        ...tags({ __openclaw: { runId: key } }),
      };
      if (this.options.replyRowLagMs) setTimeout(() => this.sessionStore.addRow(sessionKey, reply), this.options.replyRowLagMs);
      else this.sessionStore.addRow(sessionKey, reply);
      const final = aborted
        ? { runId: key, status: 'timeout', summary: 'aborted', result: { payloads: [{ text: sent }], meta: { durationMs: 5, stopReason: 'aborted' } } }
        : {
            runId: key,
            status: 'ok',
            summary: 'completed',
            result: { payloads: [{ text: sent }], meta: { durationMs: 5, stopReason: 'stop', agentMeta: { usage: { input: 10, output: words.length } } } },
          };
      this.finals.set(key, final);
      conn.res(id, true, final);
    };
    setTimeout(step, this.options.deltaDelayMs ?? 1);
  }
}
