import type { ErrorShape } from '../protocol/gateway';
import { str } from '../protocol/schema';
import type { FailedState } from './connection-state';

/** An error answered by the gateway: carries its `code`, `details`, `retryable` and `retryAfterMs`. */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
  readonly code: string;
  readonly details: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly method: string;

  constructor(method: string, shape: ErrorShape) {
    super(shape.message);
    this.method = method;
    this.code = shape.code;
    this.details = shape.details;
    this.retryable = shape.retryable === true;
    this.retryAfterMs = shape.retryAfterMs;
  }

  /** The more specific code the gateway puts in `details.code` (e.g. AUTH_TOKEN_MISMATCH), else `code`. */
  get detailCode(): string {
    const inner = str(this.details, 'code');
    return inner ?? this.code;
  }
}

/** A request larger than the gateway's `policy.maxPayload`: refused here, before it is sent. */
export class GatewayPayloadTooLargeError extends Error {
  override readonly name = 'GatewayPayloadTooLargeError';
  constructor(
    readonly method: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `This message is ${megabytes(bytes)}; the gateway takes at most ${megabytes(limit)} in one request. Send less (a shorter text or a smaller attachment).`,
    );
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A turn given up before the gateway took it: it did not run, and can be sent again. */
export class GatewayTurnNotSentError extends Error {
  override readonly name = 'GatewayTurnNotSentError';
  constructor(why: string) {
    super(`This message was not run: ${why}. Send it again once the gateway is working.`);
  }
}

/** The socket closed (or was never open) while the request was pending. */
export class GatewayClosedError extends Error {
  override readonly name = 'GatewayClosedError';
  constructor(
    message: string,
    readonly closeCode?: number,
  ) {
    super(message);
  }
}

/** The connection could not be made: carries what a person must fix, or why retrying may help. */
export class GatewayConnectError extends Error {
  override readonly name = 'GatewayConnectError';
  constructor(
    message: string,
    readonly failure?: FailedState,
  ) {
    super(message);
  }
}

/** The request (or the handshake) got no answer in time. */
export class GatewayTimeoutError extends Error {
  override readonly name = 'GatewayTimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/** The caller cancelled the request through its AbortSignal. */
export class GatewayCancelledError extends Error {
  override readonly name = 'GatewayCancelledError';
  constructor(message = 'request cancelled') {
    super(message);
  }
}
