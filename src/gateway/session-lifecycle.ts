/**
 * What rewrites a session's history on the gateway, and what it cost: fork (a new session with the
 * history before a user message), rewind (cut this one there; admin), compact (a summary replaces
 * the older turns), reset (an empty history), and the usage figures. Plain requests on the
 * connection, their answers read by payloads.ts.
 */
import type { UsageSummary } from '../protocol/gateway';
import type { GatewayConnection } from './gateway-connection';
import { readCompact, readFork, readRewind, readUsage } from './payloads';
import type { RequestOptions } from './pending-requests';

/** Compacting asks the model for a summary: it takes as long as a turn. */
const COMPACT_TIMEOUT_MS = 5 * 60_000;

export type UsageRange = '7d' | '30d';

export class SessionLifecycle {
  constructor(private readonly connection: GatewayConnection) {}

  /**
   * A new session holding the history before the user message `entryId` (a row's `__openclaw.id`);
   * that message comes back as `editorText`, to be edited and sent in the new session.
   */
  async fork(sessionKey: string, entryId: string, options: RequestOptions = {}): Promise<{ sessionKey: string; editorText: string }> {
    const fork = readFork(await this.connection.send('sessions.fork', { sessionKey, entryId }, options));
    if (!fork) throw new Error('The gateway forked the session but did not say which session it made.');
    return fork;
  }

  /**
   * Cuts the session's history to just before the user message `entryId` (the gateway starts a new
   * transcript for it); that message comes back as `editorText`. Needs `operator.admin`.
   */
  async rewind(sessionKey: string, entryId: string, options: RequestOptions = {}): Promise<{ editorText: string }> {
    return readRewind(await this.connection.send('sessions.rewind', { sessionKey, entryId }, options));
  }

  /** Replaces the older turns with a summary the model writes (`sessions.compact`). */
  async compact(key: string, options: RequestOptions = {}): Promise<{ compacted: boolean; summary?: string }> {
    return readCompact(await this.connection.send('sessions.compact', { key }, { timeoutMs: COMPACT_TIMEOUT_MS, ...options }));
  }

  /** Empties the session's history (`sessions.reset`); its name and settings stay. */
  async reset(key: string, options: RequestOptions = {}): Promise<void> {
    await this.connection.send('sessions.reset', { key, reason: 'reset' }, options);
  }

  /** Tokens and cost over the last 7 or 30 days, over every session or one. */
  async usage(range: UsageRange, key?: string, options: RequestOptions = {}): Promise<UsageSummary> {
    return readUsage(await this.connection.send('sessions.usage', key ? { range, key } : { range }, options));
  }
}
