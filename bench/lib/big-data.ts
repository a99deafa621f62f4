/**
 * Data of the "big and many" bench: a gateway with thousands of sessions and a session with
 * thousands of history messages, shaped like what openclaw@2026.9.6 answers (`sessions.list` rows
 * from fixtures/session-row.json, a recorded row; `chat.history` rows with the metadata the gateway
 * puts on them, as in shared/openclaw/transcripts/chat.history*.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeGateway } from '../../tools/fake-gateway';
import { historyMessages } from '../history';
import { FIXTURES } from './paths';
import { between, pick, rng } from './random';

/** The session that holds the long history. */
export const BIG_SESSION = 'agent:main:big-history';
/** A word every session title has, with a number, so a filter can pick out a known few. */
const VERBS = ['Fix', 'Review', 'Explain', 'Refactor', 'Document', 'Test', 'Speed up', 'Debug', 'Port', 'Clean up'];
const THINGS = [
  'the reconnect backoff',
  'session tree paging',
  'the markdown renderer',
  'device pairing',
  'the status bar',
  'chat history loading',
  'the webview CSP',
  'tool call cards',
  'the settings page',
  'token discovery',
];

/** `count` session rows (the main session not included), newest first by updatedAt. */
export function sessionRows(count: number, now = Date.now(), seed = 5): Array<Record<string, unknown>> {
  const template = JSON.parse(readFileSync(path.join(FIXTURES, 'session-row.json'), 'utf8')) as Record<string, unknown>;
  const random = rng(seed);
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const key = `agent:main:s-${i.toString(36)}-${between(random, 1e5, 1e6 - 1).toString(36)}`;
    const updatedAt = now - i * 37 * 60_000 - between(random, 0, 30 * 60_000);
    const title = `${pick(random, VERBS)} ${pick(random, THINGS)} (${i + 1})`;
    rows.push({
      ...template,
      key,
      sessionId: `${(i + 1).toString(16).padStart(8, '0')}-6bb3-4894-9c1c-3f5c0a59825c`,
      derivedTitle: title,
      lastMessagePreview: `Done: ${title.toLowerCase()}.`,
      createdAt: updatedAt - 3_600_000,
      updatedAt,
      lastInteractionAt: updatedAt,
      lastRunId: `idem-${i.toString(36)}`,
    });
  }
  return rows;
}

/** bench/history.ts's rows with the metadata the gateway puts on each row (users, models, positions). */
export function gatewayHistory(count: number): Array<Record<string, unknown>> {
  const source = 'qXBhlfNv0ze3XYGzI6iGFbsjKQlXVtEwXMhvhMU6yiM';
  return historyMessages(count).map((row, i) => {
    const m = row as unknown as Record<string, unknown> & { __openclaw: Record<string, unknown> };
    const ts = 1795237164649 + i * 1000;
    const meta = {
      ...m.__openclaw,
      id: `${(i + 1).toString(16).padStart(8, '0')}-f899-43c2-8805-dfea8021365a`,
      recordTimestampMs: ts + 90,
      transcriptPosition: { source, rawSeq: i + 1 },
      seq: i + 1,
    };
    if (m.role === 'user') {
      return {
        ...m,
        timestamp: ts,
        __openclaw: {
          senderIsOwner: true,
          senderId: 'gateway-owner',
          senderIdentity: { type: 'profile', id: 'gateway-owner' },
          transport: { clients: [{ id: 'gateway-client', mode: 'ui' }] },
          ...meta,
          idempotencyKey: m.idempotencyKey,
          senderProfileAvatarUrl: '/api/users/gateway-owner/avatar?v=1795237140728',
        },
      };
    }
    if (m.role === 'assistant') {
      const usage = {
        ...(m.usage as Record<string, unknown>),
        cacheRead: 0,
        cacheWrite: 0,
        cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
      };
      return {
        ...m,
        api: 'openai-completions',
        provider: 'fakeprov',
        model: 'fake-model',
        usage,
        timestamp: ts,
        responseId: `chatcmpl-fake-${ts}`,
        __openclaw: meta,
      };
    }
    return { ...m, timestamp: ts, __openclaw: meta };
  });
}

/** Puts `sessions` sessions (the main one included) and a `messages`-long history in BIG_SESSION into a fake gateway. */
export function seedGateway(gateway: FakeGateway, sessions: number, messages: number): { rowBytes: number; historyBytes: number } {
  const rows = sessionRows(sessions - 2);
  const now = Date.now();
  gateway.sessions.set(BIG_SESSION, { ...rows[0], key: BIG_SESSION, derivedTitle: 'A very long session', updatedAt: now - 60_000 });
  for (const row of rows) gateway.sessions.set(row.key as string, row);
  const history = gatewayHistory(messages);
  gateway.history.set(BIG_SESSION, history);
  return { rowBytes: JSON.stringify(rows).length / rows.length, historyBytes: JSON.stringify(history).length };
}
