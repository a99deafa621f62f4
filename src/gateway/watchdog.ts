/**
 * Notices a gateway that went silent: a frozen process or a dead network path keeps a socket open
 * without a close, and only a missing tick shows it. One timer, re-armed for the time left rather
 * than on every frame, so the per-frame cost is the one timestamp the connection writes.
 */

/** Calls `onSilent` once nothing has arrived for the limit given to `arm`. */
export class Watchdog {
  /** When the last frame arrived (`Date.now()`); the connection writes it for every frame. */
  lastActivity = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onSilent: (silentMs: number, limitMs: number) => void) {}

  /** Whether a timer is running (for the client's leak checks). */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Starts watching from now, for `limitMs` of silence. */
  arm(limitMs: number): void {
    this.stop();
    this.lastActivity = Date.now();
    const check = () => {
      const silent = Date.now() - this.lastActivity;
      if (silent >= limitMs) {
        this.timer = undefined; // fired: nothing runs any more (arm again to watch again)
        this.onSilent(silent, limitMs);
        return;
      }
      this.timer = setTimeout(check, limitMs - silent);
    };
    this.timer = setTimeout(check, limitMs);
  }

  /** Stops watching. */
  stop(): void {
    clearTimeout(this.timer); // takes undefined as nothing to clear
    this.timer = undefined;
  }
}
