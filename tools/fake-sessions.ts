/**
 * The session methods of the fake gateway (tools/fake-gateway.ts), as `openclaw@2026.9.6` answers
 * them (test/fixtures/transcripts/08-session-management.jsonl, 12-multi-client.jsonl): history
 * rows numbered by `__openclaw.{id, seq}` and paged from the newest end (`limit`, `offset`,
 * `hasMore`, `totalMessages`, `nextOffset`), each new row sent as `session.message` to connections
 * that subscribed (`sessions.subscribe`, or `sessions.messages.subscribe {key}`), list (archived
 * apart), patch (label, pinned, archived with `expectedSessionId`), search, fork, rewind, compact,
 * reset, usage, delete.
 */
import { randomUUID } from 'node:crypto';
import type { Conn } from './fake-gateway';

/** The methods answered here, as the fake's hello-ok lists them. */
export const SESSION_METHODS = [
  ...['chat.history', 'sessions.list', 'sessions.delete', 'sessions.patch', 'sessions.subscribe', 'sessions.messages.subscribe'],
  ...['sessions.messages.unsubscribe', 'sessions.search', 'sessions.fork', 'sessions.rewind', 'sessions.compact', 'sessions.reset', 'sessions.usage'],
];

type Row = Record<string, unknown> & { __openclaw?: Record<string, unknown> };
type Session = Record<string, unknown>;

export interface FakeSessionStore {
  readonly history: Map<string, Row[]>;
  readonly sessions: Map<string, Session>;
  readonly conns: Set<Conn>;
  readonly mainSession: string;
  scopesOf(conn: Conn): string[];
}

const params = (frame: Record<string, unknown>) => (frame.params ?? {}) as Record<string, any>;
const invalid = (message: string) => ({ code: 'INVALID_REQUEST', message });
/** Answers a request with an error; true, for `handle`'s "answered". */
function refuse(conn: Conn, id: unknown, error: unknown): true {
  conn.res(id, false, error);
  return true;
}
const missingAdmin = {
  code: 'FORBIDDEN',
  message: 'missing scope: operator.admin',
  details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
};

export class FakeSessions {
  /** Connections that called `sessions.subscribe` (every session's events) and, per session key, `sessions.messages.subscribe`. */
  readonly allSubscribers = new Set<Conn>();
  readonly messageSubscribers = new Map<string, Set<Conn>>();

  constructor(private readonly store: FakeSessionStore) {}

  /** A session's row, made on first use as the gateway makes it on a first message. */
  ensure(key: string): Session {
    let session = this.store.sessions.get(key);
    if (!session) {
      session = { key, sessionId: randomUUID(), updatedAt: Date.now(), model: 'fake-model', archived: false, pinned: false };
      this.store.sessions.set(key, session);
    }
    session.sessionId ??= randomUUID();
    return session;
  }

  /**
   * Appends a row to a session's history as the gateway does: a fresh `__openclaw.id`, the next
   * `seq`, and a `session.message` to the subscribers (not for tool results, which it never sends).
   */
  addRow(key: string, row: Row): Row {
    const rows = this.store.history.get(key) ?? [];
    this.store.history.set(key, rows);
    const seq = rows.reduce((max, r) => Math.max(max, Number(r.__openclaw?.seq ?? 0)), 0) + 1;
    const numbered: Row = { ...row, __openclaw: { ...row.__openclaw, id: randomUUID(), seq } };
    rows.push(numbered);
    const session = this.ensure(key);
    session.updatedAt = Date.now();
    if (numbered.role !== 'toolResult')
      this.emit(key, 'session.message', {
        sessionKey: key,
        agentId: 'main',
        message: numbered,
        messageId: numbered.__openclaw!.id,
        messageSeq: seq,
        sessionId: session.sessionId,
      });
    return numbered;
  }

  /** Sends an event to the connections subscribed to `key`'s messages or to every session (each once). */
  emit(key: string, event: string, payload: unknown): void {
    const to = new Set([...this.allSubscribers, ...(this.messageSubscribers.get(key) ?? [])]);
    for (const conn of to) if (this.store.conns.has(conn)) conn.event(event, payload);
  }

  private changed(key: string, reason: string): void {
    const session = this.store.sessions.get(key);
    for (const conn of this.allSubscribers) if (this.store.conns.has(conn)) conn.event('sessions.changed', { sessionKey: key, reason, ...session });
  }

  /** Answers a session method; false when `frame` is not one. */
  handle(conn: Conn, frame: Record<string, unknown>): boolean {
    const id = frame.id;
    const p = params(frame);
    const store = this.store;
    switch (frame.method) {
      case 'chat.history': {
        // The latest `limit` messages (all without one) ending `offset` before the newest, oldest first.
        const rows = store.history.get(p.sessionKey) ?? [];
        const limit = typeof p.limit === 'number' && p.limit > 0 ? p.limit : rows.length;
        const offset = typeof p.offset === 'number' ? p.offset : 0;
        const end = Math.max(0, rows.length - offset);
        const messages = rows.slice(Math.max(0, end - limit), end);
        const hasMore = end - messages.length > 0;
        conn.res(id, true, {
          sessionKey: p.sessionKey,
          sessionId: store.sessions.get(p.sessionKey)?.sessionId,
          messages,
          ...(offset ? { offset } : {}),
          ...(hasMore ? { nextOffset: offset + messages.length } : {}),
          hasMore,
          totalMessages: rows.length,
        });
        return true;
      }
      case 'sessions.list': {
        // Pages like the gateway: 100 rows unless a limit is given, nextOffset while more remain; archived apart.
        const wanted = p.archived === 'all' ? () => true : p.archived === true ? (s: Session) => s.archived === true : (s: Session) => !s.archived;
        const all = [...store.sessions.values()].filter(wanted);
        const limit = Number(p.limit ?? 100);
        const offset = Number(p.offset ?? 0);
        const page = all.slice(offset, offset + limit);
        const hasMore = offset + page.length < all.length;
        conn.res(id, true, {
          count: page.length,
          totalCount: all.length,
          limitApplied: limit,
          nextOffset: hasMore ? offset + page.length : null,
          hasMore,
          sessions: page,
        });
        return true;
      }
      case 'sessions.subscribe':
        this.allSubscribers.add(conn);
        conn.res(id, true, { subscribed: true });
        return true;
      case 'sessions.messages.subscribe': {
        const set = this.messageSubscribers.get(p.key) ?? new Set<Conn>();
        set.add(conn);
        this.messageSubscribers.set(p.key, set);
        conn.res(id, true, { subscribed: true, key: p.key });
        return true;
      }
      case 'sessions.messages.unsubscribe':
        this.messageSubscribers.get(p.key)?.delete(conn);
        conn.res(id, true, { subscribed: false, key: p.key });
        return true;
      case 'sessions.patch':
        return this.patch(conn, id, p);
      case 'sessions.search': {
        // Whole words, as the gateway matches them ("alph" finds nothing): every word must be in the text.
        const words = String(p.query ?? '')
          .toLowerCase()
          .split(/\s+/)
          .filter(Boolean);
        const results: unknown[] = [];
        for (const [sessionKey, rows] of store.history) {
          for (const row of rows) {
            if (row.role !== 'user' && row.role !== 'assistant') continue;
            const text = textOf(row.content);
            const tokens = new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u));
            if (!words.length || !words.every((w) => tokens.has(w))) continue;
            results.push({
              sessionKey,
              sessionId: store.sessions.get(sessionKey)?.sessionId ?? sessionKey,
              messageId: row.__openclaw?.id,
              role: row.role,
              timestamp: row.timestamp ?? 0,
              snippet: text.slice(0, 120),
              score: 1,
            });
          }
        }
        conn.res(id, true, { results: results.slice(0, Number(p.limit ?? 10)) });
        return true;
      }
      case 'sessions.fork': {
        const rows = store.history.get(p.sessionKey) ?? [];
        const at = rows.findIndex((r) => r.__openclaw?.id === p.entryId);
        if (at < 0) return refuse(conn, id, invalid(`message entry not found: ${p.entryId}`));
        if (rows[at].role !== 'user') return refuse(conn, id, invalid(`entry is not a user message: ${p.entryId}`));
        const key = `agent:main:dashboard:${randomUUID()}`;
        this.ensure(key).parentSessionKey = p.sessionKey;
        store.history.set(
          key,
          rows.slice(0, at).map((r) => ({ ...r })),
        );
        this.changed(key, 'fork');
        conn.res(id, true, { sessionKey: key, editorText: textOf(rows[at].content) });
        return true;
      }
      case 'sessions.rewind': {
        if (!store.scopesOf(conn).includes('operator.admin')) return refuse(conn, id, missingAdmin);
        const rows = store.history.get(p.sessionKey) ?? [];
        const at = rows.findIndex((r) => r.__openclaw?.id === p.entryId && r.role === 'user');
        if (at < 0) return refuse(conn, id, invalid(`message entry not found: ${p.entryId}`));
        store.history.set(p.sessionKey, rows.slice(0, at));
        this.ensure(p.sessionKey).sessionId = randomUUID();
        this.changed(p.sessionKey, 'rewind');
        conn.res(id, true, { editorText: textOf(rows[at].content) });
        return true;
      }
      case 'sessions.compact': {
        if (!store.scopesOf(conn).includes('operator.admin')) return refuse(conn, id, missingAdmin);
        store.history.set(p.key, []);
        this.addRow(p.key, { role: 'system', content: [{ type: 'text', text: 'Compaction' }], timestamp: Date.now(), __openclaw: { kind: 'compaction' } });
        this.changed(p.key, 'compact');
        conn.res(id, true, { ok: true, key: p.key, compacted: true, result: { summary: 'A summary of the earlier turns.', tokensBefore: 15 } });
        return true;
      }
      case 'sessions.reset': {
        if (!store.scopesOf(conn).includes('operator.admin')) return refuse(conn, id, missingAdmin);
        store.history.set(p.key, []);
        this.addRow(p.key, { role: 'system', content: [{ type: 'text', text: 'Reset' }], timestamp: Date.now(), __openclaw: { kind: 'reset' } });
        this.changed(p.key, p.reason ?? 'reset');
        conn.res(id, true, { ok: true, key: p.key, entry: this.ensure(p.key) });
        return true;
      }
      case 'sessions.usage': {
        const sessions = [...store.sessions.values()];
        const sum = (field: string) => sessions.reduce((n, s) => n + (typeof s[field] === 'number' ? s[field] : 0), 0);
        const totals = {
          input: sum('inputTokens'),
          output: sum('outputTokens'),
          totalTokens: sum('totalTokens'),
          totalCost: sum('estimatedCostUsd'),
          missingCostEntries: 0,
        };
        conn.res(id, true, {
          startDate: '2026-11-26',
          endDate: '2026-12-02',
          sessions: sessions.map((s) => ({ key: s.key })),
          totals,
          aggregates: { messages: { total: 0 } },
          cacheStatus: { status: 'fresh' },
        });
        return true;
      }
      case 'sessions.delete': {
        if (p.key === store.mainSession) return refuse(conn, id, invalid(`Cannot delete the main session (${store.mainSession}).`));
        const session = store.sessions.get(p.key);
        if (!p.archivedOnly && !store.scopesOf(conn).includes('operator.admin')) return refuse(conn, id, missingAdmin);
        if (p.archivedOnly && session && !session.archived)
          return refuse(conn, id, invalid(`Session ${p.key} is not archived. Archive it first, then delete it.`));
        const deleted = store.sessions.delete(p.key);
        store.history.delete(p.key);
        for (const c of store.conns) if (c.authed) c.event('sessions.changed', { key: p.key, reason: 'deleted' });
        conn.res(id, true, { ok: true, key: p.key, deleted, archived: [] });
        return true;
      }
      default:
        return false;
    }
  }

  private patch(conn: Conn, id: unknown, p: Record<string, any>): boolean {
    if (p.label === '') return refuse(conn, id, invalid('invalid sessions.patch params: at /label: must not have fewer than 1 characters'));
    const lifecycle = 'archived' in p;
    const session = this.store.sessions.get(p.key);
    if (lifecycle && !p.expectedSessionId) return refuse(conn, id, invalid(`expectedSessionId required for session lifecycle patch: ${p.key}`));
    if (lifecycle && session && session.sessionId !== p.expectedSessionId)
      return refuse(conn, id, invalid(`session ${p.key} changed: expected ${p.expectedSessionId}`));
    const row = this.ensure(p.key);
    if ('label' in p) {
      if (p.label === null) delete row.label;
      else row.label = p.label;
      row.displayName = p.label ?? String(p.key).split(':').pop();
    }
    if ('pinned' in p) {
      row.pinned = p.pinned;
      row.pinnedAt = p.pinned ? Date.now() : undefined;
    }
    if (lifecycle) row.archived = p.archived;
    this.changed(p.key, 'patch');
    conn.res(id, true, { ok: true, key: p.key, entry: { ...row } });
    return true;
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part && typeof part === 'object' && typeof part.text === 'string' ? part.text : '')).join('');
  return '';
}
