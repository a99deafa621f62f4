/**
 * Where each frame of an open connection goes: a `res` to the request it answers, an `agent` event
 * to the run that listens for it, the rest to the client's listeners. Also watches the frame `seq`
 * for lost events, and counts bad frames (logging each kind once). Kept apart from the socket's
 * life (gateway-connection.ts); this is the measured hot path: add no closure or call per frame.
 */
import type WebSocket from 'ws';
import type { AgentEventPayload, EventFrame } from '../protocol/gateway';
import type { GatewayEvents } from './client-options';
import type { EventEmitter } from 'node:events';
import { checkAgentPayload, FrameProblem, parseFrame } from './frames';
import { str } from '../protocol/schema';
import type { PendingRequests } from './pending-requests';

export interface FrameRouterHooks {
  emitter: EventEmitter<GatewayEvents>;
  requests: PendingRequests;
  log(level: 'info' | 'warn', message: string): void;
  /** Sees every good frame (tracing); undefined when nobody looks. */
  traceIn(frame: unknown): void;
  /** The gateway announced it is shutting down (a restart follows, usually). */
  onShutdown(reason: string | undefined): void;
}

export class FrameRouter {
  private readonly runs = new Map<string, (payload: AgentEventPayload) => void>();
  private readonly seen = new Map<string, number>();
  private lastFrameSeq = 0;

  constructor(private readonly hooks: FrameRouterHooks) {}

  /** How many times each kind of bad frame was seen (each is logged once). */
  get problems(): ReadonlyMap<string, number> {
    return this.seen;
  }

  /** How many runs listen for their events. */
  get runCount(): number {
    return this.runs.size;
  }

  /** A new connection: its frame `seq` starts again. */
  reset(): void {
    this.lastFrameSeq = 0;
  }

  /** Hands every `agent` event of `runId` to `listener` until `stopListeningToRun`. */
  listenToRun(runId: string, listener: (payload: AgentEventPayload) => void): void {
    this.runs.set(runId, listener);
  }

  stopListeningToRun(runId: string): void {
    this.runs.delete(runId);
  }

  /** One frame off the socket. */
  route(data: WebSocket.RawData): void {
    // A text frame arrives as one Buffer (ws's default binaryType).
    const frame = parseFrame((data as Buffer).toString());
    if (frame instanceof FrameProblem) return this.problem(frame.problem);
    this.hooks.traceIn(frame);
    if (frame.type === 'res') {
      if (!this.hooks.requests.onResponse(frame)) this.problem('res for an unknown request id');
    } else if (frame.type === 'event') this.onEvent(frame);
  }

  /** Logs each kind of bad frame once, and counts the rest. */
  problem(kind: string): void {
    const count = this.seen.get(kind) ?? 0;
    this.seen.set(kind, count + 1);
    if (count === 0) this.hooks.log('warn', `dropped a frame: ${kind}`);
  }

  private onEvent(frame: EventFrame): void {
    const { emitter } = this.hooks;
    if (frame.seq !== undefined) {
      if (frame.seq <= this.lastFrameSeq) {
        // Not something the gateway does on one connection. Dropping every frame until the count
        // catches up again could lose the rest of the connection, so count from here and reload.
        this.problem('event seq went backwards (history reload asked for)');
        emitter.emit('resync', { reason: 'frame-gap' });
      } else if (this.lastFrameSeq > 0 && frame.seq > this.lastFrameSeq + 1) {
        this.problem('event seq skipped ahead: events were missed (history reload asked for)');
        emitter.emit('resync', { reason: 'frame-gap' });
      }
      this.lastFrameSeq = frame.seq;
    }
    switch (frame.event) {
      case 'agent': {
        const payload = checkAgentPayload(frame.payload);
        if (payload instanceof FrameProblem) return this.problem(payload.problem);
        this.runs.get(payload.runId)?.(payload);
        // Agent events are most of the stream and go to their run alone: the generic 'event' is
        // for the rest, and only the rare listener that wants every run's events pays for them.
        if (emitter.listenerCount('agentEvent') > 0) emitter.emit('agentEvent', payload);
        return;
      }
      case 'shutdown':
        this.hooks.onShutdown(str(frame.payload, 'reason'));
        break;
      case 'sessions.changed':
        emitter.emit('sessionsChanged', frame.payload);
        break;
      case 'connect.challenge':
        return this.problem('a second connect.challenge on an open connection (ignored)');
      default:
        break;
    }
    emitter.emit('event', frame);
  }
}
