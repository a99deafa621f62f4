/**
 * The session RPCs: list (paged where the gateway pages), history, delete, patch (model, thinking
 * level), and what a session may be given: models and slash commands. Plain requests on the
 * connection, their answers read by payloads.ts. Kept apart from GatewayClient, the facade.
 */
import { MAX_PROTOCOL, type ChatHistoryResult, type SessionRow, type SessionsDeleteResult } from '../protocol/gateway';
import { GatewayRequestError } from './errors';
import type { GatewayConnection } from './gateway-connection';
import { readCommands, readDeleteResult, readHistory, readModels, readSessionsPage, type CommandInfo, type ModelInfo, type SessionDefaults } from './payloads';
import type { RequestOptions } from './pending-requests';

/** Sessions asked for per `sessions.list` page, and the most the client will hold. */
const SESSIONS_PAGE = 500;
const MAX_SESSIONS = 20_000;

/** What `sessions.patch` may change here; `null` goes back to the gateway's default. */
export interface SessionPatch {
  model?: string | null;
  thinkingLevel?: string | null;
}

export class SessionsApi {
  /** What the last `sessions.list` said a session that sets nothing of its own runs with. */
  defaults: SessionDefaults | undefined;

  constructor(private readonly connection: GatewayConnection) {}

  /**
   * Every session. The gateway answers 100 rows unless asked for more, so this pages through
   * `nextOffset` while `hasMore` (at most `MAX_SESSIONS` rows). Gateways that take no `offset`
   * (protocol 3, and any that refuses it) are asked once for up to `MAX_SESSIONS`.
   */
  async list(options: RequestOptions = {}): Promise<SessionRow[]> {
    if ((this.connection.hello?.protocol ?? MAX_PROTOCOL) < 4) return this.listUnpaged(options);
    const rows: SessionRow[] = [];
    let offset = 0;
    while (rows.length < MAX_SESSIONS) {
      let payload: unknown;
      try {
        payload = await this.connection.send('sessions.list', { includeDerivedTitles: true, limit: SESSIONS_PAGE, offset }, options);
      } catch (error) {
        if (offset === 0 && error instanceof GatewayRequestError && error.code === 'INVALID_REQUEST' && /offset/.test(error.message))
          return this.listUnpaged(options);
        throw error;
      }
      const page = readSessionsPage(payload);
      if (page.defaults) this.defaults = page.defaults;
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
   * Deletes a session. Refuses the main session. Without `operator.admin` it archives the session
   * first and then deletes it with `archivedOnly`, which the gateway allows to writers.
   */
  async delete(key: string, options: RequestOptions = {}): Promise<SessionsDeleteResult> {
    if (key === this.connection.mainSessionKey) {
      throw new Error(`The main session (${key}) cannot be deleted: the gateway keeps it. Start a new session instead.`);
    }
    const state = this.connection.state;
    const scopes = state.kind === 'connected' ? state.scopes : [];
    if (scopes.includes('operator.admin')) {
      try {
        return readDeleteResult(await this.connection.send('sessions.delete', { key }, options));
      } catch (error) {
        if (!(error instanceof GatewayRequestError && error.detailCode === 'MISSING_SCOPE')) throw error;
      }
    }
    await this.connection.send('sessions.patch', { key, archived: true }, options);
    return readDeleteResult(await this.connection.send('sessions.delete', { key, archivedOnly: true }, options));
  }

  /**
   * Changes a session's model or thinking level (`sessions.patch`); the gateway creates a session
   * it does not have yet, and refuses a model or level it cannot run with a sentence that says so.
   */
  async patch(key: string, patch: SessionPatch, options: RequestOptions = {}): Promise<void> {
    await this.connection.send('sessions.patch', { key, ...patch }, options);
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

  /** The slash commands the gateway runs for a session (`commands.list`). */
  async commands(sessionKey: string, options: RequestOptions = {}): Promise<CommandInfo[]> {
    return readCommands(await this.connection.send('commands.list', { sessionKey }, options));
  }

  private async listUnpaged(options: RequestOptions): Promise<SessionRow[]> {
    const page = readSessionsPage(await this.connection.send('sessions.list', { includeDerivedTitles: true, limit: MAX_SESSIONS }, options));
    if (page.defaults) this.defaults = page.defaults;
    return page.rows;
  }
}
