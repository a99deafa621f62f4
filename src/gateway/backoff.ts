import { BACKOFF_INITIAL_MS, BACKOFF_JITTER, BACKOFF_MAX_MS } from './constants';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Fraction of the delay added or removed at random, so many clients do not retry in step. */
  jitter?: number;
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`,
 * with +/- `jitter` spread, and never shorter than a `retryAfterMs` the gateway asked for.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, retryAfterMs = 0): number {
  const initial = options.initialMs ?? BACKOFF_INITIAL_MS;
  const max = options.maxMs ?? BACKOFF_MAX_MS;
  const jitter = options.jitter ?? BACKOFF_JITTER;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  const spread = base * jitter * (2 * random() - 1);
  const delay = Math.min(max, Math.max(0, Math.round(base + spread)));
  return Math.max(delay, retryAfterMs);
}
