/** SessionLifecycle (session-lifecycle.ts): the requests fork, rewind, compact, reset and usage send, and what they make of the answers. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionLifecycle } from '../../src/gateway/session-lifecycle';
import { FakeConnection } from './fake-connection';

function lifecycle(answer: (method: string, params: Record<string, unknown>) => unknown) {
  const connection = new FakeConnection((r) => answer(r.method, r.params));
  return { connection, api: new SessionLifecycle(connection.asConnection) };
}

describe('SessionLifecycle', () => {
  it('fork names the session and the entry, and returns the new session with the text to edit', async () => {
    const { connection, api } = lifecycle(() => ({ sessionKey: 'agent:main:fork-1', editorText: 'hello again' }));
    const signal = new AbortController().signal;
    assert.deepEqual(await api.fork('agent:main:a', 'entry-7', { signal }), { sessionKey: 'agent:main:fork-1', editorText: 'hello again' });
    assert.deepEqual(connection.sent, [{ method: 'sessions.fork', params: { sessionKey: 'agent:main:a', entryId: 'entry-7' }, options: { signal } }]);
  });

  it('fork without a new session key in the answer is an error', async () => {
    const { api } = lifecycle(() => ({ editorText: 'x' }));
    await assert.rejects(api.fork('agent:main:a', 'e'), { message: 'The gateway forked the session but did not say which session it made.' });
  });

  it('fork with no options sends empty ones', async () => {
    const { connection, api } = lifecycle(() => ({ sessionKey: 'k' }));
    assert.deepEqual(await api.fork('a', 'e'), { sessionKey: 'k', editorText: '' });
    assert.deepEqual(connection.sent[0].options, {});
  });

  it('rewind names the session and the entry and returns the cut message', async () => {
    const { connection, api } = lifecycle(() => ({ editorText: 'the cut one' }));
    assert.deepEqual(await api.rewind('agent:main:a', 'entry-3'), { editorText: 'the cut one' });
    assert.deepEqual(connection.sent, [{ method: 'sessions.rewind', params: { sessionKey: 'agent:main:a', entryId: 'entry-3' }, options: {} }]);
  });

  it('compact waits five minutes by default, or as long as the caller says', async () => {
    const { connection, api } = lifecycle(() => ({ compacted: true, result: { summary: 'short' } }));
    const result = await api.compact('agent:main:a');
    assert.equal(result.compacted, true);
    assert.equal(result.summary, 'short');
    assert.deepEqual(connection.sent[0], { method: 'sessions.compact', params: { key: 'agent:main:a' }, options: { timeoutMs: 300_000 } });
    await api.compact('agent:main:a', { timeoutMs: 5 });
    assert.deepEqual(connection.sent[1].options, { timeoutMs: 5 });
  });

  it('reset sends the key with the reason "reset"', async () => {
    const { connection, api } = lifecycle(() => ({ ok: true }));
    assert.equal(await api.reset('agent:main:a'), undefined);
    assert.deepEqual(connection.sent, [{ method: 'sessions.reset', params: { key: 'agent:main:a', reason: 'reset' }, options: {} }]);
  });

  it('usage asks over every session, or one', async () => {
    const { connection, api } = lifecycle(() => ({ totals: { totalTokens: 12 }, sessions: [{}, {}] }));
    const all = await api.usage('7d');
    assert.equal(all.totals.totalTokens, 12);
    assert.equal(all.sessions, 2);
    await api.usage('30d', 'agent:main:a');
    assert.deepEqual(
      connection.sent.map((r) => [r.method, r.params, r.options]),
      [
        ['sessions.usage', { range: '7d' }, {}],
        ['sessions.usage', { range: '30d', key: 'agent:main:a' }, {}],
      ],
    );
  });
});
