/**
 * When the next connection attempt happens. Backoff for failures that keep on; while the gateway is
 * known to be restarting (it said so, closed with 1012, answered "starting", or dropped an
 * established connection, within the last two minutes) a probe about once a second instead, so that
 * the chat is back within a second of the gateway.
 */
import { backoffDelay, type BackoffOptions } from './backoff';
import { RESTART_PROBE_MS, RESTART_PROBE_WINDOW_MS } from './constants';

export class ReconnectTimer {
  private timer: NodeJS.Timeout | undefined;
  /** When the gateway last said it is restarting (0: not known to be). */
  private restartSince = 0;
  /** How long the gateway asked us to wait in this attempt (its 503 or `shutdown`), if it did. */
  hintMs = 0;

  constructor(private readonly backoff: BackoffOptions | undefined) {}

  /** Whether an attempt is scheduled (a timer is held). */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Whether a restart is under way, as far as the gateway let us know. */
  get restarting(): boolean {
    return this.restartSince > 0 && Date.now() - this.restartSince < RESTART_PROBE_WINDOW_MS;
  }

  /** The gateway is restarting (or, for a dropped connection, probably is). `hintMs`: wait at least that. */
  restartNoticed(hintMs = 0): void {
    this.restartSince ||= Date.now();
    if (hintMs) this.hintMs = hintMs;
  }

  /** Connected: whatever restart there was is over. */
  connected(): void {
    this.restartSince = 0;
  }

  /** How long to wait before `attempt` (1-based), never less than `retryAfterMs`. */
  delayFor(attempt: number, retryAfterMs: number): number {
    return this.restarting
      ? backoffDelay(1, { ...this.backoff, initialMs: RESTART_PROBE_MS }, retryAfterMs)
      : backoffDelay(attempt, this.backoff, retryAfterMs);
  }

  /** Runs `attempt` after `delayMs`, replacing any attempt already scheduled. */
  schedule(delayMs: number, attempt: () => void): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      attempt();
    }, delayMs);
  }

  clear(): void {
    clearTimeout(this.timer); // takes undefined as nothing to clear
    this.timer = undefined;
  }
}
