/**
 * What the person does to a session beyond chatting (session-actions.ts): open it at a message,
 * fork or rewind from one of theirs, compact, reset, and read the whole history for an export.
 * Pure: the chat controller is a stand-in that keeps its transcript in an array, pages its
 * history from an array, and records what it was asked to do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_HISTORY_PAGE } from '../../src/gateway/sessions-api';
import type { ChatHistoryResult, HistoryMessage } from '../../src/protocol/gateway';
import type { ChatController } from '../../src/extension/chat-controller';
import { SessionActions } from '../../src/extension/session-actions';

interface Stage {
  sessionKey: string;
  busy: boolean;
  transcript: Array<{ id: string }>;
  /** Items the next loads of older history put before the transcript, one array per load. */
  older: Array<Array<{ id: string }>>;
  /** What `earlier` says, per load left (the last value once they run out). */
  earlier: number;
  /** Items a reload of the history brings. */
  reloaded?: Array<{ id: string }>;
  own: Set<string>;
  history: HistoryMessage[];
  calls: string[];
}

function stage(fields: Partial<Stage> = {}) {
  const s: Stage = { sessionKey: 'main', busy: false, transcript: [], older: [], earlier: 0, own: new Set(), history: [], calls: [], ...fields };
  const controller = {
    get sessionKey() {
      return s.sessionKey;
    },
    get busy() {
      return s.busy;
    },
    get transcript() {
      return s.transcript;
    },
    get earlier() {
      return s.earlier;
    },
    async switchSession(key: string) {
      s.calls.push(`switch ${key}`);
      s.sessionKey = key;
      s.transcript = s.reloaded ?? [];
    },
    async reloadHistory() {
      s.calls.push('reload');
      if (s.reloaded) s.transcript = s.reloaded;
    },
    async loadEarlier(limit: number) {
      s.calls.push(`earlier ${limit}`);
      const page = s.older.shift() ?? [];
      s.transcript = [...page, ...s.transcript];
      if (!s.older.length) s.earlier = 0;
      return page.length;
    },
    revealItem(id: string) {
      s.calls.push(`reveal ${id}`);
      return true;
    },
    async refreshSessions() {
      s.calls.push('sessions');
    },
    putDraft(text: string) {
      s.calls.push(`draft ${text}`);
    },
    isOwnTurn(id: string) {
      return s.own.has(id);
    },
    client: {
      lifecycle: {
        async fork(key: string, entryId: string) {
          s.calls.push(`fork ${key} ${entryId}`);
          return { sessionKey: 'forked', editorText: 'the words' };
        },
        async rewind(key: string, entryId: string) {
          s.calls.push(`rewind ${key} ${entryId}`);
          return { editorText: 'again' };
        },
        async compact(key: string) {
          s.calls.push(`compact ${key}`);
          return { compacted: true, summary: 'short' };
        },
        async reset(key: string) {
          s.calls.push(`reset ${key}`);
        },
      },
      async history(key: string, limit: number) {
        s.calls.push(`history ${key} ${limit}`);
        return { messages: s.history };
      },
      sessions: {
        async historyPage(key: string, page: { limit: number; offset: number }): Promise<ChatHistoryResult> {
          s.calls.push(`page ${key} ${page.limit}/${page.offset}`);
          const end = Math.max(0, s.history.length - page.offset);
          const start = Math.max(0, end - page.limit);
          return { messages: s.history.slice(start, end), hasMore: start > 0, totalMessages: s.history.length };
        },
      },
    },
  } as unknown as ChatController;
  return { s, actions: new SessionActions(controller) };
}

function rows(n: number): HistoryMessage[] {
  return Array.from({ length: n }, (_, i) => ({ role: 'user', content: `m${i + 1}`, __openclaw: { seq: i + 1, id: `e${i + 1}` } }));
}

describe('SessionActions.reveal', () => {
  it('opens another session and shows the message as user, assistant or note item', async () => {
    for (const prefix of ['u', 'a', 'n']) {
      const { s, actions } = stage({ reloaded: [{ id: 'x' }, { id: `${prefix}:m7` }] });
      assert.equal(await actions.reveal('other', 'm7'), true);
      assert.deepEqual(s.calls, ['switch other', `reveal ${prefix}:m7`]);
    }
  });

  it('reloads the shown session once when the message is not in it yet, then shows it', async () => {
    const { s, actions } = stage({ transcript: [{ id: 'u:own-key' }], reloaded: [{ id: 'u:m7' }] });
    assert.equal(await actions.reveal('main', 'm7'), true);
    assert.deepEqual(s.calls, ['reload', 'reveal u:m7']);
    const shown = stage({ transcript: [{ id: 'a:m7' }] });
    assert.equal(await shown.actions.reveal('main', 'm7'), true);
    assert.deepEqual(shown.s.calls, ['reveal a:m7'], 'no reload when it is on screen');
  });

  it('loads older pages, the largest the gateway gives, until the message is there', async () => {
    const { s, actions } = stage({ transcript: [{ id: 'u:new' }], older: [[{ id: 'u:mid' }], [{ id: 'a:old' }]], earlier: 5 });
    assert.equal(await actions.reveal('main', 'old'), true);
    assert.deepEqual(s.calls, ['reload', `earlier ${MAX_HISTORY_PAGE}`, `earlier ${MAX_HISTORY_PAGE}`, 'reveal a:old']);
  });

  it('gives up at the beginning of the history', async () => {
    const { s, actions } = stage({ transcript: [{ id: 'u:new' }], older: [[{ id: 'u:mid' }]], earlier: 5 });
    assert.equal(await actions.reveal('main', 'missing'), false);
    assert.deepEqual(s.calls, ['reload', `earlier ${MAX_HISTORY_PAGE}`]);
  });

  it('gives up when a page brings nothing while the gateway says there is more', async () => {
    const { s, actions } = stage({ older: [[], [{ id: 'u:m1' }]], earlier: 5 });
    assert.equal(await actions.reveal('main', 'm1'), false);
    assert.deepEqual(s.calls, ['reload', `earlier ${MAX_HISTORY_PAGE}`]);
  });

  it('gives up when another session was shown meanwhile', async () => {
    const { s, actions } = stage({ earlier: 5, older: [[{ id: 'u:x' }]] });
    const reveal = actions.reveal('main', 'm1');
    s.sessionKey = 'elsewhere';
    assert.equal(await reveal, false);
    assert.deepEqual(s.calls, ['reload']);
  });
});

describe('SessionActions, fork and rewind', () => {
  it('forks a new session from a message in history, with its text in the box', async () => {
    const { s, actions } = stage();
    assert.equal(await actions.forkFrom('u:e5'), 'forked');
    assert.deepEqual(s.calls, ['fork main e5', 'switch forked', 'sessions', 'draft the words']);
  });

  it('finds a turn sent here in history by its idempotency key or its run', async () => {
    const history: HistoryMessage[] = [
      { role: 'assistant', content: [], idempotencyKey: 'k1:user', __openclaw: { id: 'wrong-role', runId: 'k2' } },
      { role: 'user', content: 'a', idempotencyKey: 'k1:user', __openclaw: { id: 'e1' } },
      { role: 'user', content: 'b', __openclaw: { id: 'e2', runId: 'k2' } },
    ];
    const { s, actions } = stage({ own: new Set(['k1', 'k2', 'k3']), history });
    assert.equal(await actions.forkFrom('u:k1'), 'forked');
    s.sessionKey = 'main';
    await actions.rewindTo('u:k2');
    assert.deepEqual(s.calls, [
      'history main 200',
      'fork main e1',
      'switch forked',
      'sessions',
      'draft the words',
      'history main 200',
      'rewind main e2',
      'reload',
      'draft again',
    ]);
  });

  it('refuses a message that is not the person’s, or not in history yet', async () => {
    const { s, actions } = stage({ own: new Set(['k3']), history: [{ role: 'user', content: 'c', idempotencyKey: 'k3:user' }] });
    await assert.rejects(actions.forkFrom('a:e1'), { message: 'Only a message you sent can be edited and resent or rewound to.' });
    await assert.rejects(actions.rewindTo('u:k3'), {
      message: 'That message is not in the gateway’s history yet: wait for its reply to finish, then try again.',
    });
    assert.deepEqual(s.calls, ['history main 200']);
  });

  it('rewinds the shown session to a message, which goes back in the box', async () => {
    const { s, actions } = stage();
    await actions.rewindTo('u:e3');
    assert.deepEqual(s.calls, ['rewind main e3', 'reload', 'draft again']);
  });
});

describe('SessionActions, compact and reset', () => {
  it('compact and reset reload the chat only when the session is the one shown', async () => {
    const { s, actions } = stage();
    assert.deepEqual(await actions.compact('main'), { compacted: true, summary: 'short' });
    await actions.compact('other');
    await actions.reset('main');
    await actions.reset('other');
    assert.deepEqual(s.calls, ['compact main', 'reload', 'compact other', 'reset main', 'reload', 'reset other']);
  });

  it('refuses to rewind, compact or reset the shown session while a reply runs', async () => {
    const { s, actions } = stage({ busy: true });
    for (const [what, act] of [
      ['rewind', () => actions.rewindTo('u:e1')],
      ['compact', () => actions.compact('main')],
      ['reset', () => actions.reset('main')],
    ] as const) {
      await assert.rejects(act(), { message: `A reply is still on its way in this session: stop it (or wait for it), then ${what} again.` });
    }
    assert.deepEqual(s.calls, []);
    await actions.reset('other');
    assert.deepEqual(s.calls, ['reset other'], 'another session may be reset meanwhile');
  });
});

describe('SessionActions.wholeHistory', () => {
  it('reads every page, oldest first', async () => {
    const history = rows(2 * MAX_HISTORY_PAGE + 5);
    const { s, actions } = stage({ history });
    const all = await actions.wholeHistory('main');
    assert.equal(all.length, history.length);
    assert.deepEqual(
      all.map((m) => m.__openclaw?.seq),
      history.map((m) => m.__openclaw?.seq),
    );
    assert.deepEqual(s.calls, [
      `page main ${MAX_HISTORY_PAGE}/0`,
      `page main ${MAX_HISTORY_PAGE}/${MAX_HISTORY_PAGE}`,
      `page main ${MAX_HISTORY_PAGE}/${2 * MAX_HISTORY_PAGE}`,
    ]);
  });

  it('reads one page of a short history', async () => {
    const { s, actions } = stage({ history: rows(3) });
    assert.equal((await actions.wholeHistory('main')).length, 3);
    assert.deepEqual(s.calls, [`page main ${MAX_HISTORY_PAGE}/0`]);
  });

  it('stops at a hundred thousand messages', async () => {
    const { s, actions } = stage({ history: rows(100 * MAX_HISTORY_PAGE + 10) });
    const all = await actions.wholeHistory('main');
    assert.equal(all.length, 100 * MAX_HISTORY_PAGE);
    assert.equal(all[0].__openclaw?.seq, 11);
    assert.equal(s.calls.length, 100);
  });
});
