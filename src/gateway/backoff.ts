import { BACKOFF_INITIAL_MS, BACKOFF_JITTER, BACKOFF_MAX_MS } from './constants';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Largest fraction of the delay taken off at random, so many clients do not retry in step. */
  jitter?: number;
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): doubling from `initialMs` up to `maxMs`, less
 * a random share of up to `jitter` of it, and never shorter than a `retryAfterMs` the gateway asked
 * for. The spread is taken off rather than added, so that it survives the cap: clients that have
 * all reached `maxMs` still retry at different moments, not in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, retryAfterMs = 0): number {
  const initial = options.initialMs ?? BACKOFF_INITIAL_MS;
  const max = options.maxMs ?? BACKOFF_MAX_MS;
  const jitter = options.jitter ?? BACKOFF_JITTER;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  const delay = Math.round(base * (1 - jitter * random()));
  return Math.max(delay, retryAfterMs);
}
