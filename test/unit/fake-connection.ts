/**
 * A stand-in for GatewayConnection with no socket, for the pure tests of the modules that only
 * send requests on it (sessions-api, session-lifecycle, approvals-api, chat-sender, turn-runner):
 * each request is recorded and answered by a function the test gives. Those modules' ws-server tests
 * (sessions.test.ts, approvals.test.ts, turns.test.ts) are too slow to run once per mutant.
 */
import type { HelloOk } from '../../src/protocol/gateway';
import type { ConnectionState } from '../../src/gateway/connection-state';
import { GatewayCancelledError } from '../../src/gateway/errors';
import type { GatewayConnection } from '../../src/gateway/gateway-connection';
import type { OpenRequestOptions } from '../../src/gateway/pending-requests';

export interface SentRequest {
  method: string;
  params: Record<string, unknown>;
  options: OpenRequestOptions;
}

/** How the fake gateway answers a request: a payload, a thrown error, or a promise of either. */
export type Answer = (request: SentRequest) => unknown;

export function connectedState(scopes: string[] = ['operator.read', 'operator.write']): ConnectionState {
  return { kind: 'connected', url: 'ws://127.0.0.1:1', serverVersion: 'test', protocol: 4, scopes, mainSessionKey: 'agent:main:main' };
}

export class FakeConnection {
  readonly sent: SentRequest[] = [];
  readonly logs: Array<[string, string]> = [];
  readonly listening = new Set<string>();
  readonly runListeners = new Map<string, (payload: unknown) => void>();
  state: ConnectionState = connectedState();
  hello: HelloOk | undefined;
  bootId: string | undefined;
  wanted = true;
  mainSessionKey = 'agent:main:main';
  readonly closer = new AbortController();
  /** Called by whenConnected: resolves at once unless a test makes it wait. */
  waitForConnection: (signal?: AbortSignal) => Promise<void> = (signal) =>
    signal?.aborted ? Promise.reject(new GatewayCancelledError('cancelled while waiting for the gateway')) : Promise.resolve();
  whenConnectedCalls = 0;

  constructor(public answer: Answer = () => ({})) {}

  get closedSignal(): AbortSignal {
    return this.closer.signal;
  }

  whenConnected(signal?: AbortSignal): Promise<void> {
    this.whenConnectedCalls += 1;
    return this.waitForConnection(signal);
  }

  send(method: string, params: unknown, options: OpenRequestOptions): Promise<unknown> {
    const request = { method, params: params as Record<string, unknown>, options };
    this.sent.push(request);
    return Promise.resolve().then(() => this.answer(request));
  }

  listenToRun(runId: string, listener: (payload: unknown) => void): void {
    this.listening.add(runId);
    this.runListeners.set(runId, listener);
  }

  stopListeningToRun(runId: string): void {
    this.listening.delete(runId);
    this.runListeners.delete(runId);
  }

  log(level: string, message: string): void {
    this.logs.push([level, message]);
  }

  /** The methods sent, in order. */
  get methods(): string[] {
    return this.sent.map((r) => r.method);
  }

  /** This fake where the modules take a GatewayConnection (they use only the members above). */
  get asConnection(): GatewayConnection {
    return this as unknown as GatewayConnection;
  }
}

/** A hello-ok listing `methods` (only the fields the modules read are set). */
export function helloWith(fields: { methods?: string[]; protocol?: number }): HelloOk {
  return { protocol: fields.protocol ?? 4, features: fields.methods ? { methods: fields.methods } : undefined } as unknown as HelloOk;
}
