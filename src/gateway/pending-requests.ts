/**
 * The requests waiting for their `res`: ids, timeouts, cancellation and the `agent` acknowledgement.
 * Kept apart from GatewayConnection because none of it depends on the socket's life: the connection
 * only says when to write a request and when every one of them has to fail at once.
 */

import type { ResponseFrame } from '../protocol/gateway';
import { GatewayCancelledError, GatewayRequestError, GatewayTimeoutError } from './errors';
import { isRecord } from '../protocol/schema';

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface OpenRequestOptions extends RequestOptions {
  /** For `agent`: the first `res` is an acknowledgement; the request stays pending for the final one. */
  onAccepted?: (payload: Record<string, unknown>) => void;
}

interface Pending {
  method: string;
  resolve(payload: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  onAccepted?: (payload: Record<string, unknown>) => void;
  cleanup?: () => void;
}

/** Every request sent and not yet answered, by id. */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;

  /** `redact` takes secrets out of the gateway's error messages, which reach logs and the chat. */
  constructor(private readonly redact: (text: string) => string = (text) => text) {}

  /** How many requests wait for an answer (each holds one timer). */
  get size(): number {
    return this.pending.size;
  }

  /** A new request id, `<method>-<n>`, unique for the client's life (the handshake's `connect` uses one too). */
  newId(method: string): string {
    this.nextId += 1;
    return `${method}-${this.nextId}`;
  }

  /**
   * Registers a request, then calls `write(id)` to put it on the wire. Resolves with its final
   * payload, or rejects with a GatewayRequestError, a GatewayTimeoutError or a GatewayCancelledError.
   * `write` runs inside the promise so that a throw from it rejects the request, as a failed send should.
   */
  open(method: string, timeoutMs: number, options: OpenRequestOptions, write: (id: string) => void): Promise<unknown> {
    const id = this.newId(method);
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
      try {
        write(id);
      } catch (error) {
        this.settle(id, pending);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Settles the request a `res` answers. Returns false when no request has that id. */
  onResponse(frame: ResponseFrame): boolean {
    const pending = this.pending.get(frame.id);
    if (!pending) return false;
    if (!frame.ok) {
      this.settle(frame.id, pending);
      pending.reject(new GatewayRequestError(pending.method, { ...frame.error!, message: this.redact(frame.error!.message) }));
      return true;
    }
    const payload = frame.payload;
    if (pending.onAccepted && isRecord(payload) && payload.status === 'accepted') {
      pending.onAccepted(payload);
      pending.onAccepted = undefined;
      return true;
    }
    this.settle(frame.id, pending);
    pending.resolve(payload);
    return true;
  }

  /** Fails every waiting request with `error` (the connection they were sent on is gone). */
  rejectAll(error: Error): void {
    for (const [id, pending] of [...this.pending]) {
      this.settle(id, pending);
      pending.reject(error);
    }
  }

  private settle(id: string, pending: Pending): void {
    clearTimeout(pending.timer);
    pending.cleanup?.();
    this.pending.delete(id);
  }
}
