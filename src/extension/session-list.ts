/**
 * The gateway's sessions as the Sessions view and the pickers show them: listed on connect and
 * whenever the gateway says they changed, the main session always among them (a fresh gateway
 * lists none), and a failed list kept as its error for the view to show.
 */
import type { GatewayClient } from '../gateway/gateway-client';
import type { SessionRow } from '../protocol/gateway';

/** `sessions.changed` comes in bursts (one per row field): one refresh per burst. */
const REFRESH_DELAY_MS = 250;

export class SessionList {
  rows: SessionRow[] = [];
  /** Why the last `sessions.list` failed; undefined after a success. */
  error: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: GatewayClient,
    private readonly changed: () => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Lists the sessions again; a failure is kept in `error`. */
  async refresh(): Promise<void> {
    if (this.client.state.kind !== 'connected') return;
    try {
      const rows = await this.client.listSessions();
      const main = this.client.mainSessionKey;
      this.rows = rows.some((row) => row.key === main) ? rows : [{ key: main }, ...rows];
      this.error = undefined;
    } catch (error) {
      this.error = (error as Error).message;
      this.log(`could not list sessions: ${this.error}`);
    }
    this.changed();
  }

  /** Refreshes a moment from now, once however often it is asked meanwhile. */
  refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  /** Why a session may not be deleted (a sentence for the person), or undefined when it may. */
  deletionRefusal(key: string): string | undefined {
    return key === this.client.mainSessionKey ? 'The main session cannot be deleted: the gateway keeps it. Start a new session instead.' : undefined;
  }

  /** Deletes a session on the gateway and drops its row at once. */
  async delete(key: string): Promise<boolean> {
    const result = await this.client.deleteSession(key);
    this.rows = this.rows.filter((s) => s.key !== key);
    this.changed();
    this.refreshSoon();
    return result.deleted;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
