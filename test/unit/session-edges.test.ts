/**
 * Edges of the session list and actions that their own tests did not reach (session-list.ts,
 * session-actions.ts): the order read in both directions, lookups before the archived sessions
 * were listed, and history rows without the gateway's `__openclaw` block. Pure, with stand-ins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { HistoryMessage, SessionRow } from '../../src/protocol/gateway';
import type { ChatController } from '../../src/extension/chat-controller';
import { SessionActions } from '../../src/extension/session-actions';
import { SessionList, sessionOrder } from '../../src/extension/session-list';

describe('session edges', () => {
  it('puts a pinned session with a pin time before one without, whichever is compared first', () => {
    const dated: SessionRow = { key: 'dated', pinned: true, pinnedAt: 10, updatedAt: 0 };
    const undated: SessionRow = { key: 'undated', pinned: true, updatedAt: 9 };
    assert.ok(sessionOrder(dated, undated) < 0);
    assert.ok(sessionOrder(undated, dated) > 0);
  });

  it('finds nothing and deletes by key alone before the archived sessions were listed; sorts the archived on refresh', async () => {
    const calls: string[] = [];
    const client = {
      state: { kind: 'connected' },
      mainSessionKey: 'main',
      listSessions: async () => [{ key: 'main' }],
      sessions: {
        list: async () => [
          { key: 'old', archived: true, updatedAt: 1 },
          { key: 'new', archived: true, updatedAt: 2 },
        ],
      },
      deleteSession: async (key: string, _o: unknown, id?: string) => {
        calls.push(`delete ${key} ${id}`);
        return { deleted: true };
      },
    } as unknown as GatewayClient;
    const list = new SessionList(
      client,
      () => {},
      () => {},
    );
    assert.equal(list.find('nope'), undefined);
    await list.delete('nope');
    list.dispose();
    assert.deepEqual(calls, ['delete nope undefined']);
    await list.listArchived();
    await list.refresh();
    list.dispose();
    assert.deepEqual(
      list.archived?.map((r) => r.key),
      ['new', 'old'],
    );
  });

  it('looks for a turn sent here among rows without the gateway block, and says when its row has no id', async () => {
    const history: HistoryMessage[] = [
      { role: 'user', content: 'plain' },
      { role: 'user', content: 'mine', idempotencyKey: 'k1:user' },
    ];
    const controller = {
      sessionKey: 'main',
      isOwnTurn: () => true,
      client: { history: async () => ({ messages: history }) },
    } as unknown as ChatController;
    await assert.rejects(new SessionActions(controller).forkFrom('u:k1'), {
      message: 'That message is not in the gateway’s history yet: wait for its reply to finish, then try again.',
    });
    await assert.rejects(new SessionActions(controller).forkFrom('u:k2'), {
      message: 'That message is not in the gateway’s history yet: wait for its reply to finish, then try again.',
    });
  });
});
