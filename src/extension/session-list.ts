/**
 * The gateway's sessions as the Sessions view and the pickers show them: listed on connect and
 * whenever the gateway says they changed (titles it derives included), the main session always
 * among them (a fresh gateway lists none), pinned ones first, archived ones apart (listed once the
 * person opens their group), and a failed list kept as its error for the view to show. Renames,
 * pins and archives go to the gateway and show at once, before its `sessions.changed` confirms them.
 */
import type { GatewayClient } from '../gateway/gateway-client';
import type { SessionPatch, SessionRow } from '../protocol/gateway';

/** `sessions.changed` comes in bursts (one per row field): one refresh per burst. */
const REFRESH_DELAY_MS = 250;
/** The gateway's limit on a session's name. */
export const MAX_LABEL_CHARS = 512;

/** Pinned first (the latest pinned on top), then the most recently used. */
export function sessionOrder(a: SessionRow, b: SessionRow): number {
  if (!!a.pinned !== !!b.pinned) return a.pinned ? -1 : 1;
  if (a.pinned && b.pinned && (a.pinnedAt ?? 0) !== (b.pinnedAt ?? 0)) return (b.pinnedAt ?? 0) - (a.pinnedAt ?? 0);
  return (b.updatedAt ?? 0) - (a.updatedAt ?? 0);
}

export class SessionList {
  rows: SessionRow[] = [];
  /** Archived sessions, once asked for (undefined until then: listing them costs a request). */
  archived: SessionRow[] | undefined;
  /** Why the last `sessions.list` failed; undefined after a success. */
  error: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: GatewayClient,
    private readonly changed: () => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Lists the sessions again (and the archived ones, if they were asked for); a failure is kept in `error`. */
  async refresh(): Promise<void> {
    if (this.client.state.kind !== 'connected') return;
    try {
      const [rows, archived] = await Promise.all([
        this.client.listSessions(),
        this.archived ? this.client.sessions.list({}, { archived: true }) : Promise.resolve(undefined),
      ]);
      const main = this.client.mainSessionKey;
      this.rows = (rows.some((row) => row.key === main) ? rows : [{ key: main }, ...rows]).sort(sessionOrder);
      if (archived) this.archived = archived.filter((row) => row.archived !== false).sort(sessionOrder);
      this.error = undefined;
    } catch (error) {
      this.error = (error as Error).message;
      this.log(`could not list sessions: ${this.error}`);
    }
    this.changed();
  }

  /** The archived sessions, listed now if they never were. */
  async listArchived(): Promise<SessionRow[]> {
    if (!this.archived && this.client.state.kind === 'connected') {
      this.archived = (await this.client.sessions.list({}, { archived: true })).filter((row) => row.archived !== false).sort(sessionOrder);
    }
    return this.archived ?? [];
  }

  /** Refreshes a moment from now, once however often it is asked meanwhile. */
  refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  /** A session's row, listed or archived. */
  find(key: string): SessionRow | undefined {
    return this.rows.find((row) => row.key === key) ?? this.archived?.find((row) => row.key === key);
  }

  /** Why a session may not be deleted (a sentence for the person), or undefined when it may. */
  deletionRefusal(key: string): string | undefined {
    return key === this.client.mainSessionKey ? 'The main session cannot be deleted: the gateway keeps it. Start a new session instead.' : undefined;
  }

  /** Why a session may not be archived, or undefined when it may. */
  archiveRefusal(key: string): string | undefined {
    return key === this.client.mainSessionKey ? 'The main session cannot be archived: the gateway keeps it in the list.' : undefined;
  }

  /** Deletes a session on the gateway and drops its row at once. */
  async delete(key: string): Promise<boolean> {
    const result = await this.client.deleteSession(key, {}, this.find(key)?.sessionId);
    this.rows = this.rows.filter((s) => s.key !== key);
    if (this.archived) this.archived = this.archived.filter((s) => s.key !== key);
    this.changed();
    this.refreshSoon();
    return result.deleted;
  }

  /** Names a session (an empty name gives it back the gateway's own title). */
  rename(key: string, label: string): Promise<void> {
    const name = label.trim();
    if (name.length > MAX_LABEL_CHARS) return Promise.reject(new Error(`A session name can be at most ${MAX_LABEL_CHARS} characters.`));
    return this.patch(key, { label: name || null }, (row) => ({ ...row, label: name || undefined, displayName: name || undefined }));
  }

  setPinned(key: string, pinned: boolean): Promise<void> {
    return this.patch(key, { pinned }, (row) => ({ ...row, pinned, pinnedAt: pinned ? Date.now() : undefined }));
  }

  async setArchived(key: string, archived: boolean): Promise<void> {
    const refusal = archived ? this.archiveRefusal(key) : undefined;
    if (refusal) throw new Error(refusal);
    const row = this.find(key);
    let sessionId = row?.sessionId;
    // A session listed before its first turn has no id yet; the gateway's history has it.
    sessionId ??= (await this.client.sessions.historyPage(key, { limit: 1, offset: 0 })).sessionId;
    await this.client.sessions.patch(key, { archived }, sessionId);
    const moved = { ...(row ?? { key }), archived };
    this.rows = archived ? this.rows.filter((r) => r.key !== key) : [...this.rows.filter((r) => r.key !== key), moved].sort(sessionOrder);
    if (this.archived)
      this.archived = archived ? [...this.archived.filter((r) => r.key !== key), moved].sort(sessionOrder) : this.archived.filter((r) => r.key !== key);
    this.changed();
    this.refreshSoon();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Sends a patch, then shows its effect on the row at once (the list is read again shortly). */
  private async patch(key: string, fields: SessionPatch, apply: (row: SessionRow) => SessionRow): Promise<void> {
    await this.client.sessions.patch(key, fields);
    const update = (rows: SessionRow[]) => rows.map((row) => (row.key === key ? apply(row) : row)).sort(sessionOrder);
    this.rows = update(this.rows);
    if (this.archived) this.archived = update(this.archived);
    this.changed();
    this.refreshSoon();
  }
}
