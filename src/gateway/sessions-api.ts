/**
 * The session RPCs: list (paged where the gateway pages), history (the latest rows, and older pages),
 * rename/pin/archive, search, delete, patch (model, thinking level), what a session may be given
 * (models and slash commands), and the one subscription to a session's new messages. Plain requests on
 * the connection, their answers read by payloads.ts. Kept apart from GatewayClient, the facade; what
 * rewrites a session's history (fork, rewind, compact, reset) and usage are in session-lifecycle.ts.
 */
import { MAX_PROTOCOL, type ChatHistoryResult, type SearchHit, type SessionPatch, type SessionRow, type SessionsDeleteResult } from '../protocol/gateway';
import { GatewayRequestError } from './errors';
import type { GatewayConnection } from './gateway-connection';
import {
  readCommands,
  readDeleteResult,
  readHistory,
  readModels,
  readSearchHits,
  readSessionRow,
  readSessionsPage,
  type CommandInfo,
  type ModelInfo,
  type SessionDefaults,
} from './payloads';
import type { RequestOptions } from './pending-requests';

/** Sessions asked for per `sessions.list` page, and the most the client will hold. */
const SESSIONS_PAGE = 500;
const MAX_SESSIONS = 20_000;
/** The gateway's own bounds: `chat.history` takes up to 1,000 rows a page, `sessions.search` up to 25 hits. */
export const MAX_HISTORY_PAGE = 1000;
export const MAX_SEARCH_HITS = 25;
/** `sessions.search` refuses longer queries (4,096 characters). */
const MAX_QUERY_CHARS = 4096;

export class SessionsApi {
  /** The session whose `session.message` events are subscribed to (kept across reconnects). */
  private watched: string | undefined;
  /** What the last `sessions.list` said a session that sets nothing of its own runs with. */
  defaults: SessionDefaults | undefined;

  constructor(private readonly connection: GatewayConnection) {}

  /**
   * Every session (or, with `archived`, every archived one). The gateway answers 100 rows unless
   * asked for more, so this pages through `nextOffset` while `hasMore` (at most `MAX_SESSIONS`
   * rows). Gateways that take no `offset` (protocol 3, and any that refuses it) are asked once.
   */
  async list(options: RequestOptions = {}, filter: { archived?: boolean } = {}): Promise<SessionRow[]> {
    const extra = filter.archived ? { archived: true } : {};
    if ((this.connection.hello?.protocol ?? MAX_PROTOCOL) < 4) return this.listUnpaged(options, extra);
    const rows: SessionRow[] = [];
    let offset = 0;
    while (rows.length < MAX_SESSIONS) {
      let payload: unknown;
      try {
        payload = await this.connection.send('sessions.list', { includeDerivedTitles: true, limit: SESSIONS_PAGE, offset, ...extra }, options);
      } catch (error) {
        if (offset === 0 && error instanceof GatewayRequestError && error.code === 'INVALID_REQUEST' && /offset/.test(error.message))
          return this.listUnpaged(options, extra);
        throw error;
      }
      const page = this.readPage(payload);
      rows.push(...page.rows);
      // A next offset that does not move forward would loop forever: stop there.
      if (page.nextOffset === undefined || page.nextOffset <= offset) break;
      offset = page.nextOffset;
    }
    return rows;
  }

  /** A session's messages, oldest first: `chat.history` (or `sessions.history` where the gateway has it). */
  async history(sessionKey: string, limit = 200, options: RequestOptions = {}): Promise<ChatHistoryResult> {
    const useSessionsHistory = this.connection.hello?.features?.methods?.includes('sessions.history') === true;
    const payload = useSessionsHistory
      ? await this.connection.send('sessions.history', { key: sessionKey, limit }, options)
      : await this.connection.send('chat.history', { sessionKey, limit }, options);
    return readHistory(payload, sessionKey);
  }

  /**
   * One page of a session's history, oldest row first: the `limit` rows that end `offset` rows
   * before the newest one (`chat.history {limit, offset}`; offset 0 is the latest page).
   */
  async historyPage(sessionKey: string, page: { limit: number; offset: number }, options: RequestOptions = {}): Promise<ChatHistoryResult> {
    const limit = Math.max(1, Math.min(MAX_HISTORY_PAGE, Math.floor(page.limit)));
    const offset = Math.max(0, Math.floor(page.offset));
    const params = offset ? { sessionKey, limit, offset } : { sessionKey, limit };
    return readHistory(await this.connection.send('chat.history', params, options), sessionKey);
  }

  /**
   * Renames, pins or archives a session (`sessions.patch`). Archiving and unarchiving are
   * lifecycle changes the gateway applies only to the transcript they name: `sessionId` is the
   * row's. Resolves with the row as the gateway now has it, where it says.
   */
  async patch(key: string, fields: SessionPatch, sessionId?: string, options: RequestOptions = {}): Promise<SessionRow | undefined> {
    if (fields.archived !== undefined && !sessionId) {
      throw new Error(`Cannot ${fields.archived ? 'archive' : 'unarchive'} ${key}: its session id is not known yet. Refresh the Sessions view and try again.`);
    }
    const params = { key, ...fields, ...(fields.archived !== undefined ? { expectedSessionId: sessionId } : {}) };
    const payload = await this.connection.send('sessions.patch', params, options);
    const entry = payload && typeof payload === 'object' ? (payload as { entry?: unknown }).entry : undefined;
    return readSessionRow(entry && typeof entry === 'object' ? { ...entry, key } : undefined);
  }

  /**
   * Searches message text across sessions (`sessions.search`): up to `limit` hits (the gateway's
   * cap is 25), best first. An empty query finds nothing without asking.
   */
  async search(query: string, limit = MAX_SEARCH_HITS, options: RequestOptions = {}): Promise<SearchHit[]> {
    const text = query.trim().slice(0, MAX_QUERY_CHARS);
    if (!text) return [];
    const payload = await this.connection.send('sessions.search', { query: text, limit: Math.max(1, Math.min(MAX_SEARCH_HITS, limit)) }, options);
    return readSearchHits(payload);
  }

  /**
   * Deletes a session. Refuses the main session. Without `operator.admin` it archives the session
   * first (naming its `sessionId`, looked up when not given) and then deletes it with
   * `archivedOnly`, which the gateway allows to writers.
   */
  async delete(key: string, options: RequestOptions = {}, sessionId?: string): Promise<SessionsDeleteResult> {
    if (key === this.connection.mainSessionKey) {
      throw new Error(`The main session (${key}) cannot be deleted: the gateway keeps it. Start a new session instead.`);
    }
    if (this.hasScope('operator.admin')) {
      try {
        return readDeleteResult(await this.connection.send('sessions.delete', { key }, options));
      } catch (error) {
        if (!(error instanceof GatewayRequestError && error.detailCode === 'MISSING_SCOPE')) throw error;
      }
    }
    const expectedSessionId = sessionId ?? (await this.historyPage(key, { limit: 1, offset: 0 }, options)).sessionId;
    await this.connection.send('sessions.patch', { key, archived: true, ...(expectedSessionId ? { expectedSessionId } : {}) }, options);
    return readDeleteResult(await this.connection.send('sessions.delete', { key, archivedOnly: true }, options));
  }

  /**
   * Subscribes to one session's new messages (`session.message` events from every client), and
   * unsubscribes from the one before; undefined watches none. Kept across reconnects: the gateway
   * drops subscriptions with the socket, so `resubscribe` renews it on each new connection.
   */
  async watchMessages(key: string | undefined): Promise<void> {
    const before = this.watched;
    if (before === key) return;
    this.watched = key;
    if (this.connection.state.kind !== 'connected') return;
    if (before) await this.connection.send('sessions.messages.unsubscribe', { key: before }, {}).catch(() => undefined);
    if (key) await this.subscribe(key);
  }

  /** The session whose messages are watched. */
  get watchedSession(): string | undefined {
    return this.watched;
  }

  /** A new connection: subscribe again to the watched session. */
  resubscribe(): void {
    if (this.watched) void this.subscribe(this.watched);
  }

  /** Whether the current connection was granted `scope`. */
  hasScope(scope: string): boolean {
    const state = this.connection.state;
    return state.kind === 'connected' && state.scopes.includes(scope);
  }

  private async subscribe(key: string): Promise<void> {
    try {
      await this.connection.send('sessions.messages.subscribe', { key }, {});
    } catch (error) {
      // `sessions.subscribe` (sent on every connection) delivers the same events: live updates still work.
      this.connection.log('warn', `sessions.messages.subscribe ${key} failed: ${(error as Error).message}`);
    }
  }

  /**
   * The models a session may use. The default view names them and their thinking levels; only the
   * `provider-config` view says what each takes (`input`), so both are asked and merged. A gateway
   * that knows no `provider-config` view still gives the list, without `input`.
   */
  async models(options: RequestOptions = {}): Promise<ModelInfo[]> {
    const [listed, config] = await Promise.all([
      this.connection.send('models.list', {}, options),
      this.connection.send('models.list', { view: 'provider-config' }, options).catch(() => undefined),
    ]);
    const inputs = new Map(readModels(config).map((m) => [m.ref, m.input]));
    return readModels(listed).map((m) => ({ ...m, input: m.input ?? inputs.get(m.ref) }));
  }

  /**
   * The slash commands the gateway runs for a session (`commands.list`). A session nothing was sent
   * in yet does not exist on the gateway, which answers "Session not found." (2026.9.6): then the
   * commands are asked without a session, as the gateway lists them for its default agent, which
   * is what that session gets with its first message.
   */
  async commands(sessionKey: string, options: RequestOptions = {}): Promise<CommandInfo[]> {
    try {
      return readCommands(await this.connection.send('commands.list', { sessionKey }, options));
    } catch (error) {
      if (!/session not found/i.test((error as Error).message)) throw error;
      return readCommands(await this.connection.send('commands.list', {}, options));
    }
  }

  private async listUnpaged(options: RequestOptions, extra: Record<string, unknown>): Promise<SessionRow[]> {
    return this.readPage(await this.connection.send('sessions.list', { includeDerivedTitles: true, limit: MAX_SESSIONS, ...extra }, options)).rows;
  }

  /** One answer of `sessions.list`, keeping the session defaults it names. */
  private readPage(payload: unknown): ReturnType<typeof readSessionsPage> {
    const page = readSessionsPage(payload);
    if (page.defaults) this.defaults = page.defaults;
    return page;
  }
}
