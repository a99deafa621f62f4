/**
 * The sessions as the view lists them (session-list.ts): their order, the main session always
 * there, archived ones apart, a failed list kept as its error, and renames, pins, archives and
 * deletes shown at once before the gateway's list confirms them. Pure: the client is a stand-in
 * holding the gateway's rows in arrays and recording each request; timers are node:test's mock.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { SessionPatch, SessionRow } from '../../src/protocol/gateway';
import { MAX_LABEL_CHARS, SessionList, sessionOrder } from '../../src/extension/session-list';

const MAIN = 'agent:main:main';

interface Gateway {
  live: SessionRow[];
  archived: SessionRow[];
  connected: boolean;
  fail?: Error;
  calls: string[];
}

function stage(live: SessionRow[] = [], archived: SessionRow[] = []) {
  const gw: Gateway = { live, archived, connected: true, calls: [] };
  const client = {
    get state() {
      return { kind: gw.connected ? 'connected' : 'idle' };
    },
    mainSessionKey: MAIN,
    async listSessions() {
      gw.calls.push('list');
      if (gw.fail) throw gw.fail;
      return gw.live.map((row) => ({ ...row }));
    },
    sessions: {
      async list(_options: unknown, filter: { archived?: boolean }) {
        gw.calls.push(`list archived=${filter.archived}`);
        return gw.archived.map((row) => ({ ...row }));
      },
      async patch(key: string, fields: SessionPatch, sessionId?: string) {
        gw.calls.push(`patch ${key} ${JSON.stringify(fields)}${sessionId ? ` id=${sessionId}` : ''}`);
      },
      async historyPage(key: string, page: { limit: number; offset: number }) {
        gw.calls.push(`history ${key} ${page.limit}/${page.offset}`);
        return { messages: [], sessionId: `sid-of-${key}` };
      },
    },
    async deleteSession(key: string, _options: unknown, sessionId?: string) {
      gw.calls.push(`delete ${key}${sessionId ? ` id=${sessionId}` : ''}`);
      return { deleted: key !== 'gone' };
    },
  } as unknown as GatewayClient;
  let changes = 0;
  const logs: string[] = [];
  const list = new SessionList(
    client,
    () => changes++,
    (m) => logs.push(m),
  );
  return { gw, list, logs, changes: () => changes };
}

const keys = (rows: readonly SessionRow[] | undefined) => rows?.map((r) => r.key);

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'] }));
afterEach(() => mock.timers.reset());

describe('sessionOrder', () => {
  it('puts pinned sessions first, the latest pinned on top, then the most recently used', () => {
    const rows: SessionRow[] = [
      { key: 'old', updatedAt: 1 },
      { key: 'pin-early', pinned: true, pinnedAt: 10, updatedAt: 0 },
      { key: 'new', updatedAt: 5 },
      { key: 'pin-late', pinned: true, pinnedAt: 20 },
      { key: 'never' },
      { key: 'pin-undated', pinned: true, updatedAt: 9 },
    ];
    assert.deepEqual(keys([...rows].sort(sessionOrder)), ['pin-late', 'pin-early', 'pin-undated', 'new', 'old', 'never']);
  });

  it('orders unpinned sessions by use, whatever pin time they still carry', () => {
    const rows: SessionRow[] = [
      { key: 'a', pinned: false, pinnedAt: 9, updatedAt: 1 },
      { key: 'b', pinnedAt: 1, updatedAt: 2 },
    ];
    assert.deepEqual(keys([...rows].sort(sessionOrder)), ['b', 'a']);
  });

  it('orders pinned sessions pinned at the same time by use', () => {
    const a = { key: 'a', pinned: true, pinnedAt: 3, updatedAt: 1 };
    const b = { key: 'b', pinned: true, pinnedAt: 3, updatedAt: 2 };
    assert.deepEqual(keys([a, b].sort(sessionOrder)), ['b', 'a']);
    assert.ok(sessionOrder({ key: 'x', pinned: true }, { key: 'y' }) < 0);
    assert.ok(sessionOrder({ key: 'y' }, { key: 'x', pinned: true }) > 0);
  });
});

describe('SessionList', () => {
  it('lists the sessions in order, with the main session added when the gateway has none', async () => {
    const { list, changes, gw } = stage([
      { key: 's1', updatedAt: 1 },
      { key: 's2', updatedAt: 2 },
    ]);
    await list.refresh();
    assert.deepEqual(keys(list.rows), ['s2', 's1', MAIN]);
    assert.equal(list.archived, undefined);
    assert.equal(changes(), 1);
    assert.deepEqual(gw.calls, ['list']);
    gw.live = [
      { key: 's1', updatedAt: 1 },
      { key: MAIN, updatedAt: 9 },
      { key: 's2', updatedAt: 3 },
    ];
    await list.refresh();
    assert.deepEqual(keys(list.rows), [MAIN, 's2', 's1']);
  });

  it('lists nothing while not connected', async () => {
    const { list, gw, changes } = stage([{ key: 's1' }]);
    gw.connected = false;
    await list.refresh();
    assert.deepEqual(list.rows, []);
    assert.deepEqual(gw.calls, []);
    assert.equal(changes(), 0);
    assert.deepEqual(await list.listArchived(), []);
    assert.deepEqual(gw.calls, []);
  });

  it('keeps a failed list as its error, logs it, and clears it on the next success', async () => {
    const { list, gw, logs, changes } = stage([{ key: 's1' }]);
    await list.refresh();
    gw.fail = new Error('timed out');
    await list.refresh();
    assert.equal(list.error, 'timed out');
    assert.deepEqual(logs, ['could not list sessions: timed out']);
    assert.deepEqual(keys(list.rows), [MAIN, 's1'], 'the last list stays');
    assert.equal(changes(), 2);
    gw.fail = undefined;
    await list.refresh();
    assert.equal(list.error, undefined);
  });

  it('lists archived sessions once asked, and keeps them up to date from then on', async () => {
    const { list, gw } = stage(
      [{ key: 's1' }],
      [{ key: 'a1', archived: true, updatedAt: 1 }, { key: 'a2', archived: true, updatedAt: 2 }, { key: 'stray', archived: false }, { key: 'unsaid' }],
    );
    assert.deepEqual(keys(await list.listArchived()), ['a2', 'a1', 'unsaid']);
    assert.deepEqual(keys(await list.listArchived()), ['a2', 'a1', 'unsaid']);
    assert.deepEqual(gw.calls, ['list archived=true']);
    gw.archived = [
      { key: 'a3', archived: true },
      { key: 'stray', archived: false },
    ];
    await list.refresh();
    assert.deepEqual(keys(list.archived), ['a3']);
    assert.deepEqual(gw.calls, ['list archived=true', 'list', 'list archived=true']);
    assert.equal(list.find('a3')?.key, 'a3');
    assert.equal(list.find('s1')?.key, 's1');
    assert.equal(list.find('nope'), undefined);
  });

  it('refreshes once a moment after a burst of changes', async () => {
    const { list, gw } = stage([{ key: 's1' }]);
    list.refreshSoon();
    mock.timers.tick(200);
    list.refreshSoon();
    mock.timers.tick(249);
    assert.deepEqual(gw.calls, []);
    mock.timers.tick(1);
    await Promise.resolve();
    assert.deepEqual(gw.calls, ['list']);
    list.refreshSoon();
    list.dispose();
    mock.timers.tick(1000);
    assert.deepEqual(gw.calls, ['list'], 'nothing after dispose');
  });

  it('refuses to delete or archive the main session, in words', async () => {
    const { list, gw } = stage();
    assert.equal(list.deletionRefusal(MAIN), 'The main session cannot be deleted: the gateway keeps it. Start a new session instead.');
    assert.equal(list.archiveRefusal(MAIN), 'The main session cannot be archived: the gateway keeps it in the list.');
    assert.equal(list.deletionRefusal('s1'), undefined);
    assert.equal(list.archiveRefusal('s1'), undefined);
    await assert.rejects(list.setArchived(MAIN, true), { message: 'The main session cannot be archived: the gateway keeps it in the list.' });
    assert.deepEqual(gw.calls, []);
  });

  it('deletes a session before the archived ones were ever listed', async () => {
    const { list, gw } = stage([{ key: 's1' }]);
    await list.refresh();
    assert.equal(await list.delete('s1'), true);
    assert.deepEqual(keys(list.rows), [MAIN]);
    assert.equal(list.archived, undefined);
    assert.deepEqual(gw.calls, ['list', 'delete s1']);
  });

  it('deletes a session and drops its row at once, listed or archived', async () => {
    const { list, gw, changes } = stage([{ key: 's1', sessionId: 'id1' }, { key: 's2' }], [{ key: 'gone', archived: true }]);
    await list.refresh();
    await list.listArchived();
    assert.equal(await list.delete('s1'), true);
    assert.deepEqual(keys(list.rows), [MAIN, 's2']);
    assert.equal(await list.delete('gone'), false);
    assert.deepEqual(keys(list.archived), []);
    assert.deepEqual(gw.calls.slice(2), ['delete s1 id=id1', 'delete gone']);
    assert.equal(changes(), 3);
    mock.timers.tick(250);
    await Promise.resolve();
    assert.deepEqual(gw.calls.slice(4), ['list', 'list archived=true'], 'read again shortly');
  });

  it('renames a session at once, an empty name giving back the gateway title', async () => {
    const { list, gw, changes } = stage([{ key: 's1', label: 'old', displayName: 'old' }], [{ key: 'a1', archived: true }]);
    await list.refresh();
    await list.listArchived();
    await list.rename('s1', '  Release plan  ');
    assert.deepEqual(list.find('s1'), { key: 's1', label: 'Release plan', displayName: 'Release plan' });
    await list.rename('a1', 'Old work');
    assert.deepEqual(list.find('a1'), { key: 'a1', archived: true, label: 'Old work', displayName: 'Old work' });
    await list.rename('s1', '   ');
    assert.deepEqual(list.find('s1'), { key: 's1', label: undefined, displayName: undefined });
    assert.deepEqual(gw.calls.slice(2), ['patch s1 {"label":"Release plan"}', 'patch a1 {"label":"Old work"}', 'patch s1 {"label":null}']);
    assert.equal(changes(), 4, 'each rename shows at once');
    mock.timers.tick(250);
    await Promise.resolve();
    assert.deepEqual(gw.calls.slice(5), ['list', 'list archived=true'], 'and the list is read again once, shortly');
  });

  it('refuses a name longer than the gateway takes, sending nothing', async () => {
    const { list, gw } = stage([{ key: 's1' }]);
    await list.rename('s1', ` ${'n'.repeat(MAX_LABEL_CHARS)} `);
    assert.equal(MAX_LABEL_CHARS, 512);
    await assert.rejects(list.rename('s1', 'n'.repeat(513)), { message: 'A session name can be at most 512 characters.' });
    assert.deepEqual(gw.calls, [`patch s1 {"label":"${'n'.repeat(512)}"}`]);
  });

  it('pins a session on top at once, and unpins it', async () => {
    mock.timers.setTime(1_000);
    const { list, gw, changes } = stage([
      { key: 's1', updatedAt: 2 },
      { key: 's2', updatedAt: 1 },
    ]);
    await list.refresh();
    await list.setPinned('s2', true);
    assert.deepEqual(keys(list.rows), ['s2', 's1', MAIN]);
    assert.deepEqual(list.find('s2'), { key: 's2', updatedAt: 1, pinned: true, pinnedAt: 1_000 });
    await list.setPinned('s2', false);
    assert.deepEqual(list.find('s2'), { key: 's2', updatedAt: 1, pinned: false, pinnedAt: undefined });
    assert.deepEqual(keys(list.rows), ['s1', 's2', MAIN]);
    assert.deepEqual(gw.calls.slice(1), ['patch s2 {"pinned":true}', 'patch s2 {"pinned":false}']);
    assert.equal(changes(), 3);
  });

  it('archives a session, moving its row to the archived list if that is shown', async () => {
    const { list, gw, changes } = stage([{ key: 's1', sessionId: 'id1', updatedAt: 1 }, { key: 's2' }], [{ key: 'a1', archived: true, updatedAt: 5 }]);
    await list.refresh();
    await list.setArchived('s1', true);
    assert.deepEqual(keys(list.rows), [MAIN, 's2']);
    assert.equal(list.archived, undefined, 'not listed until asked for');
    await list.listArchived();
    await list.setArchived('s2', true);
    assert.deepEqual(keys(list.archived), ['a1', 's2']);
    assert.deepEqual(list.find('s2'), { key: 's2', archived: true });
    assert.deepEqual(gw.calls.slice(1), [
      'patch s1 {"archived":true} id=id1',
      'list archived=true',
      'history s2 1/0',
      'patch s2 {"archived":true} id=sid-of-s2',
    ]);
    assert.equal(changes(), 3);
    mock.timers.tick(250);
    await Promise.resolve();
    assert.deepEqual(gw.calls.slice(5), ['list', 'list archived=true'], 'read again shortly');
  });

  it('keeps the shown archived list whole, once each and newest first, through archives and deletes', async () => {
    // s2 was archived from another client: the archived list has it while the live rows still do.
    const { list } = stage(
      [
        { key: 's1', updatedAt: 9 },
        { key: 's2', updatedAt: 2 },
      ],
      [
        { key: 'a1', archived: true, updatedAt: 5 },
        { key: 's2', archived: true, updatedAt: 2 },
      ],
    );
    await list.refresh();
    await list.listArchived();
    await list.setArchived('s1', true);
    assert.deepEqual(keys(list.archived), ['s1', 'a1', 's2'], 'in its place by date, not at the end');
    await list.setArchived('s2', true);
    assert.deepEqual(keys(list.archived), ['s1', 'a1', 's2'], 'not listed twice');
    await list.delete('a1');
    assert.deepEqual(keys(list.archived), ['s1', 's2'], 'only the deleted one goes');
  });

  it('brings an archived session back into the list, in its place', async () => {
    const { list, gw } = stage(
      [
        { key: 's1', updatedAt: 5 },
        { key: MAIN, updatedAt: 1 },
      ],
      [
        { key: 'a1', archived: true, sessionId: 'ida', updatedAt: 3 },
        { key: 'a2', archived: true, updatedAt: 4 },
      ],
    );
    await list.refresh();
    await list.listArchived();
    await list.setArchived('a1', false);
    assert.deepEqual(keys(list.rows), ['s1', 'a1', MAIN]);
    assert.deepEqual(list.find('a1'), { key: 'a1', archived: false, sessionId: 'ida', updatedAt: 3 });
    assert.deepEqual(keys(list.archived), ['a2']);
    // The main session may always come back (only archiving it is refused).
    await list.setArchived(MAIN, false);
    assert.deepEqual(list.find(MAIN), { key: MAIN, archived: false, updatedAt: 1 });
    // One not listed at all comes back as its key alone.
    await list.setArchived('elsewhere', false);
    assert.deepEqual(list.find('elsewhere'), { key: 'elsewhere', archived: false });
    assert.deepEqual(gw.calls.slice(2), [
      'patch a1 {"archived":false} id=ida',
      `history ${MAIN} 1/0`,
      `patch ${MAIN} {"archived":false} id=sid-of-${MAIN}`,
      'history elsewhere 1/0',
      'patch elsewhere {"archived":false} id=sid-of-elsewhere',
    ]);
  });
});
