/**
 * SessionsApi (sessions-api.ts) against a fake connection: the requests each method sends, the
 * paging of `sessions.list`, the fallbacks for older gateways, and the one watched session. Pure;
 * sessions.test.ts covers the same through a ws server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayRequestError } from '../../src/gateway/errors';
import { SessionsApi } from '../../src/gateway/sessions-api';
import { connectedState, FakeConnection, helloWith, type SentRequest } from './fake-connection';

function sessions(answer: (request: SentRequest) => unknown = () => ({})) {
  const connection = new FakeConnection(answer);
  return { connection, api: new SessionsApi(connection.asConnection) };
}

function refusal(code: string, message: string, details?: unknown): GatewayRequestError {
  return new GatewayRequestError('test', { code, message, details });
}

function rows(from: number, count: number): Array<{ key: string }> {
  return Array.from({ length: count }, (_, i) => ({ key: `s${from + i}` }));
}

describe('SessionsApi.list', () => {
  it('pages through nextOffset while the gateway has more, and keeps the defaults', async () => {
    const { connection, api } = sessions(({ params }) => {
      const offset = params.offset as number;
      if (offset === 0) return { sessions: rows(0, 2), hasMore: true, nextOffset: 2, defaults: { model: 'm1' } };
      return { sessions: rows(2, 1), hasMore: false };
    });
    const listed = await api.list();
    assert.deepEqual(
      listed.map((r) => r.key),
      ['s0', 's1', 's2'],
    );
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params, r.options]),
      [
        ['sessions.list', { includeDerivedTitles: true, limit: 500, offset: 0 }, {}],
        ['sessions.list', { includeDerivedTitles: true, limit: 500, offset: 2 }, {}],
      ],
    );
    assert.equal(api.defaults?.model, 'm1');
  });

  it('a page without defaults keeps the ones of the page before', async () => {
    const { api } = sessions(({ params }) =>
      params.offset === 0 ? { sessions: rows(0, 1), hasMore: true, nextOffset: 1, defaults: { model: 'kept' } } : { sessions: rows(1, 1) },
    );
    await api.list();
    assert.equal(api.defaults?.model, 'kept');
  });

  it('asks for archived sessions with archived: true, and passes the options on', async () => {
    const { connection, api } = sessions(() => ({ sessions: rows(0, 1) }));
    const signal = new AbortController().signal;
    await api.list({ signal }, { archived: true });
    await api.list({}, { archived: false });
    assert.deepEqual(connection.sent[0].params, { includeDerivedTitles: true, limit: 500, offset: 0, archived: true });
    assert.deepEqual(connection.sent[0].options, { signal });
    assert.deepEqual(connection.sent[1].params, { includeDerivedTitles: true, limit: 500, offset: 0 });
  });

  it('stops at a next offset that does not move forward', async () => {
    for (const nextOffset of [0, 3]) {
      const { connection, api } = sessions(({ params }) => ({ sessions: rows(params.offset as number, 1), hasMore: true, nextOffset }));
      const listed = await api.list();
      // offset 0 -> 3 -> 3 (stop) when the gateway keeps saying 3; 0 -> 0 (stop) when it says 0.
      assert.equal(connection.sent.length, nextOffset ? 2 : 1);
      assert.equal(listed.length, connection.sent.length);
    }
  });

  it('holds at most 20,000 sessions', async () => {
    const { connection, api } = sessions(({ params }) => {
      const offset = params.offset as number;
      return { sessions: rows(offset, 500), hasMore: true, nextOffset: offset + 500 };
    });
    const listed = await api.list();
    assert.equal(listed.length, 20_000);
    assert.equal(connection.sent.length, 40);
  });

  it('asks a protocol-3 gateway once, for everything, without an offset', async () => {
    const { connection, api } = sessions(() => ({ sessions: rows(0, 2), hasMore: true, nextOffset: 2, defaults: { model: 'old' } }));
    connection.hello = helloWith({ protocol: 3 });
    assert.equal((await api.list({}, { archived: true })).length, 2);
    assert.deepEqual(connection.sent, [{ method: 'sessions.list', params: { includeDerivedTitles: true, limit: 20_000, archived: true }, options: {} }]);
    assert.equal(api.defaults?.model, 'old');
  });

  it('a protocol-4 hello pages', async () => {
    const { connection, api } = sessions(() => ({ sessions: rows(0, 1) }));
    connection.hello = helloWith({ protocol: 4 });
    await api.list();
    assert.equal(connection.sent[0].params.offset, 0);
  });

  it('falls back to one unpaged request when the first page refuses the offset', async () => {
    const { connection, api } = sessions(({ params }) => {
      if ('offset' in params) throw refusal('INVALID_REQUEST', 'unexpected property offset');
      return { sessions: rows(0, 3) };
    });
    assert.equal((await api.list()).length, 3);
    assert.deepEqual(
      connection.sent.map((r) => r.params),
      [
        { includeDerivedTitles: true, limit: 500, offset: 0 },
        { includeDerivedTitles: true, limit: 20_000 },
      ],
    );
  });

  it('any other refusal, or one on a later page, is thrown', async () => {
    const cases: Array<[string, unknown]> = [
      ['another code', refusal('UNAVAILABLE', 'offset busy')],
      ['another message', refusal('INVALID_REQUEST', 'bad limit')],
      ['not a gateway refusal', new Error('offset')],
    ];
    for (const [name, error] of cases) {
      const { connection, api } = sessions(() => {
        throw error;
      });
      await assert.rejects(api.list(), (e) => e === error, name);
      assert.equal(connection.sent.length, 1, name);
    }
    const later = refusal('INVALID_REQUEST', 'bad offset');
    const { connection, api } = sessions(({ params }) => {
      if (params.offset === 0) return { sessions: rows(0, 1), hasMore: true, nextOffset: 1 };
      throw later;
    });
    await assert.rejects(api.list(), (e) => e === later);
    assert.equal(connection.sent.length, 2);
  });
});

describe('SessionsApi.history', () => {
  it('uses chat.history, or sessions.history where the hello lists it', async () => {
    const { connection, api } = sessions(() => ({ messages: [{ role: 'user' }, 'junk'], sessionId: 'sid' }));
    const first = await api.history('agent:main:a');
    assert.equal(first.sessionKey, 'agent:main:a');
    assert.equal(first.sessionId, 'sid');
    assert.equal(first.messages.length, 1);
    connection.hello = helloWith({ methods: ['chat.history'] });
    await api.history('agent:main:a', 20);
    connection.hello = helloWith({ methods: ['sessions.history'] });
    const signal = new AbortController().signal;
    await api.history('agent:main:a', 30, { signal });
    assert.deepEqual(connection.sent, [
      { method: 'chat.history', params: { sessionKey: 'agent:main:a', limit: 200 }, options: {} },
      { method: 'chat.history', params: { sessionKey: 'agent:main:a', limit: 20 }, options: {} },
      { method: 'sessions.history', params: { key: 'agent:main:a', limit: 30 }, options: { signal } },
    ]);
  });

  it('a page is clamped to 1..1000 rows and a whole offset from 0, the offset left out at 0', async () => {
    const { connection, api } = sessions(() => ({ messages: [] }));
    const signal = new AbortController().signal;
    await api.historyPage('k', { limit: 50.9, offset: 10.7 }, { signal });
    await api.historyPage('k', { limit: 5000, offset: 0 });
    await api.historyPage('k', { limit: 0, offset: -4 });
    await api.historyPage('k', { limit: 1000, offset: 1 });
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params]),
      [
        ['chat.history', { sessionKey: 'k', limit: 50, offset: 10 }],
        ['chat.history', { sessionKey: 'k', limit: 1000 }],
        ['chat.history', { sessionKey: 'k', limit: 1 }],
        ['chat.history', { sessionKey: 'k', limit: 1000, offset: 1 }],
      ],
    );
    assert.deepEqual(connection.sent[0].options, { signal });
    assert.deepEqual(connection.sent[1].options, {});
  });
});

describe('SessionsApi.patch', () => {
  it('renames without a session id, and returns the row with its key', async () => {
    const { connection, api } = sessions(() => ({ entry: { label: 'New', key: 'ignored' } }));
    const row = await api.patch('agent:main:a', { label: 'New' });
    assert.deepEqual(row, { label: 'New', key: 'agent:main:a' });
    assert.deepEqual(connection.sent, [{ method: 'sessions.patch', params: { key: 'agent:main:a', label: 'New' }, options: {} }]);
  });

  it('archiving names the transcript it applies to', async () => {
    const { connection, api } = sessions(() => ({}));
    const signal = new AbortController().signal;
    assert.equal(await api.patch('k', { archived: true }, 'sid-1', { signal }), undefined);
    await api.patch('k', { archived: false }, 'sid-2');
    assert.deepEqual(
      connection.sent.map((r) => [r.params, r.options]),
      [
        [{ key: 'k', archived: true, expectedSessionId: 'sid-1' }, { signal }],
        [{ key: 'k', archived: false, expectedSessionId: 'sid-2' }, {}],
      ],
    );
  });

  it('refuses to archive or unarchive without the session id', async () => {
    const { connection, api } = sessions();
    await assert.rejects(api.patch('k', { archived: true }), {
      message: 'Cannot archive k: its session id is not known yet. Refresh the Sessions view and try again.',
    });
    await assert.rejects(api.patch('k', { archived: false }, ''), { message: /^Cannot unarchive k: / });
    assert.equal(connection.sent.length, 0);
  });

  it('an answer without an entry object gives no row', async () => {
    for (const payload of [undefined, 'text', { entry: 'text' }, { entry: null }]) {
      const { api } = sessions(() => payload);
      assert.equal(await api.patch('k', { label: 'x' }), undefined);
    }
  });
});

describe('SessionsApi.search', () => {
  const hit = { sessionKey: 'k', messageId: 'm', role: 'user', snippet: 's' };

  it('trims the query, caps it at 4,096 characters and the hits at 1..25', async () => {
    const { connection, api } = sessions(() => ({ results: [hit, { junk: true }] }));
    const signal = new AbortController().signal;
    assert.deepEqual(await api.search('  find me  ', undefined, { signal }), [hit]);
    await api.search('x'.repeat(5000), 100);
    await api.search('y', 0);
    await api.search('z', 7);
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params]),
      [
        ['sessions.search', { query: 'find me', limit: 25 }],
        ['sessions.search', { query: 'x'.repeat(4096), limit: 25 }],
        ['sessions.search', { query: 'y', limit: 1 }],
        ['sessions.search', { query: 'z', limit: 7 }],
      ],
    );
    assert.deepEqual(connection.sent[0].options, { signal });
    assert.deepEqual(connection.sent[1].options, {});
  });

  it('a blank query finds nothing without asking', async () => {
    const { connection, api } = sessions(() => ({ results: [hit] }));
    assert.deepEqual(await api.search('   '), []);
    assert.equal(connection.sent.length, 0);
  });
});

describe('SessionsApi.delete', () => {
  it('refuses the main session', async () => {
    const { connection, api } = sessions();
    connection.mainSessionKey = 'agent:main:home';
    await assert.rejects(api.delete('agent:main:home'), {
      message: 'The main session (agent:main:home) cannot be deleted: the gateway keeps it. Start a new session instead.',
    });
    assert.equal(connection.sent.length, 0);
  });

  it('an admin deletes at once', async () => {
    const { connection, api } = sessions(() => ({ ok: true, key: 'k', deleted: true, archived: ['x'] }));
    connection.state = connectedState(['operator.admin']);
    const signal = new AbortController().signal;
    assert.deepEqual(await api.delete('k', { signal }), { ok: true, key: 'k', deleted: true, archived: ['x'] });
    assert.deepEqual(connection.sent, [{ method: 'sessions.delete', params: { key: 'k' }, options: { signal } }]);
  });

  it('a writer archives the session, naming its id, then deletes it as archived', async () => {
    const { connection, api } = sessions(({ method }) => (method === 'sessions.delete' ? { ok: true, deleted: true } : {}));
    const signal = new AbortController().signal;
    assert.equal((await api.delete('k', { signal }, 'sid-9')).deleted, true);
    assert.deepEqual(connection.sent, [
      { method: 'sessions.patch', params: { key: 'k', archived: true, expectedSessionId: 'sid-9' }, options: { signal } },
      { method: 'sessions.delete', params: { key: 'k', archivedOnly: true }, options: { signal } },
    ]);
  });

  it('looks the session id up in history when not given, and archives without one if history has none', async () => {
    for (const sessionId of ['sid-h', undefined]) {
      const { connection, api } = sessions(({ method }) => (method === 'chat.history' ? { messages: [], sessionId } : {}));
      await api.delete('k');
      assert.deepEqual(
        connection.sent.map((r) => [r.method, r.params]),
        [
          ['chat.history', { sessionKey: 'k', limit: 1 }],
          ['sessions.patch', sessionId ? { key: 'k', archived: true, expectedSessionId: sessionId } : { key: 'k', archived: true }],
          ['sessions.delete', { key: 'k', archivedOnly: true }],
        ],
      );
    }
  });

  it('an admin refused for a missing scope goes the writer way; other refusals are thrown', async () => {
    const { connection, api } = sessions(({ method, params }) => {
      if (method === 'sessions.delete' && !params.archivedOnly) throw refusal('INVALID_REQUEST', 'no', { code: 'MISSING_SCOPE' });
      return { deleted: true };
    });
    connection.state = connectedState(['operator.admin']);
    assert.equal((await api.delete('k', {}, 'sid')).deleted, true);
    assert.deepEqual(connection.methods, ['sessions.delete', 'sessions.patch', 'sessions.delete']);

    for (const error of [refusal('INVALID_REQUEST', 'no', { code: 'OTHER' }), new Error('MISSING_SCOPE')]) {
      const other = sessions(() => {
        throw error;
      });
      other.connection.state = connectedState(['operator.admin']);
      await assert.rejects(other.api.delete('k', {}, 'sid'), (e) => e === error);
      assert.deepEqual(other.connection.methods, ['sessions.delete']);
    }
  });
});

describe('SessionsApi.watchMessages', () => {
  it('subscribes to the watched session, and moves from one to the next', async () => {
    const { connection, api } = sessions();
    await api.watchMessages('a');
    assert.equal(api.watchedSession, 'a');
    await api.watchMessages('a');
    await api.watchMessages('b');
    await api.watchMessages(undefined);
    assert.equal(api.watchedSession, undefined);
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params, r.options]),
      [
        ['sessions.messages.subscribe', { key: 'a' }, {}],
        ['sessions.messages.unsubscribe', { key: 'a' }, {}],
        ['sessions.messages.subscribe', { key: 'b' }, {}],
        ['sessions.messages.unsubscribe', { key: 'b' }, {}],
      ],
    );
  });

  it('offline, only remembers the session, and subscribes again on each connection', async () => {
    const { connection, api } = sessions();
    connection.state = { kind: 'idle' };
    await api.watchMessages('a');
    assert.equal(api.watchedSession, 'a');
    assert.equal(connection.sent.length, 0);
    connection.state = connectedState();
    api.resubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(connection.sent[0], { method: 'sessions.messages.subscribe', params: { key: 'a' }, options: {} });
  });

  it('resubscribes to nothing when nothing is watched', () => {
    const { connection, api } = sessions();
    api.resubscribe();
    assert.equal(connection.sent.length, 0);
  });

  it('a failed unsubscribe is let go, a failed subscribe is logged', async () => {
    const { connection, api } = sessions(({ method }) => {
      throw new Error(`${method} refused`);
    });
    await api.watchMessages('a');
    await api.watchMessages('b');
    assert.equal(api.watchedSession, 'b');
    assert.deepEqual(connection.logs, [
      ['warn', 'sessions.messages.subscribe a failed: sessions.messages.subscribe refused'],
      ['warn', 'sessions.messages.subscribe b failed: sessions.messages.subscribe refused'],
    ]);
  });
});

describe('SessionsApi scopes, models and commands', () => {
  it('has a scope only when connected with it', () => {
    const { connection, api } = sessions();
    connection.state = connectedState(['operator.admin']);
    assert.equal(api.hasScope('operator.admin'), true);
    assert.equal(api.hasScope('operator.write'), false);
    connection.state = { kind: 'connecting', url: 'ws://x', attempt: 1 };
    assert.equal(api.hasScope('operator.admin'), false);
  });

  it('models merge what the provider-config view says each takes', async () => {
    const { connection, api } = sessions(({ params }) =>
      params.view === 'provider-config'
        ? { models: [{ id: 'a', provider: 'p', input: ['text', 'image'] }] }
        : {
            models: [
              { id: 'a', provider: 'p' },
              { id: 'b', provider: 'p', input: ['text'] },
            ],
          },
    );
    const signal = new AbortController().signal;
    const models = await api.models({ signal });
    assert.deepEqual(
      models.map((m) => [m.ref, m.input]),
      [
        ['p/a', ['text', 'image']],
        ['p/b', ['text']],
      ],
    );
    assert.deepEqual(connection.sent, [
      { method: 'models.list', params: {}, options: { signal } },
      { method: 'models.list', params: { view: 'provider-config' }, options: { signal } },
    ]);
  });

  it('models without the provider-config view still list', async () => {
    const { api } = sessions(({ params }) => {
      if (params.view) throw new Error('unknown view');
      return { models: [{ id: 'a' }] };
    });
    assert.deepEqual(
      (await api.models()).map((m) => [m.ref, m.input]),
      [['a', undefined]],
    );
  });

  it('commands of a session, or of the default agent when the session is not there yet', async () => {
    const { connection, api } = sessions(({ params }) => {
      if (params.sessionKey === 'new') throw new Error('Session Not Found.');
      return { commands: [{ name: params.sessionKey ? 'mine' : 'default' }] };
    });
    assert.deepEqual(
      (await api.commands('old')).map((c) => c.name),
      ['mine'],
    );
    assert.deepEqual(
      (await api.commands('new')).map((c) => c.name),
      ['default'],
    );
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params, r.options]),
      [
        ['commands.list', { sessionKey: 'old' }, {}],
        ['commands.list', { sessionKey: 'new' }, {}],
        ['commands.list', {}, {}],
      ],
    );
  });

  it('any other commands.list failure is thrown', async () => {
    const failure = new Error('forbidden');
    const { api } = sessions(() => {
      throw failure;
    });
    await assert.rejects(api.commands('k'), (e) => e === failure);
  });
});
