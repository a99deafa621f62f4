/**
 * The readers of session, model, command, chat and agent payloads (payloads.ts): what each keeps of
 * untrusted JSON, field by field, and what it drops. Pure; the approval readers are in payloads-approvals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  readAgentFinal,
  readAgentWait,
  readChatEvent,
  readCommands,
  readCompact,
  readDeleteResult,
  readFork,
  readHistory,
  readLevels,
  readModels,
  readRewind,
  readSearchHits,
  readSessionMessage,
  readSessionRow,
  readSessionsPage,
  readSessionTool,
  readUsage,
} from '../../src/gateway/payloads';

describe('sessions.list pages', () => {
  it('keeps the rows with a key, the next offset only when there is more, and the defaults', () => {
    const page = readSessionsPage({
      sessions: [{ key: 'a', label: 'A' }, { key: '' }, 'b', { key: 'c' }],
      hasMore: true,
      nextOffset: 50,
      defaults: { model: 'gpt', modelProvider: 'openai', thinkingLevels: [{ id: 'low' }, { id: 'high' }], thinkingOptions: ['off'], thinkingDefault: 'low' },
    });
    assert.deepEqual(page, {
      rows: [{ key: 'a', label: 'A' }, { key: 'c' }],
      nextOffset: 50,
      defaults: { model: 'gpt', modelProvider: 'openai', thinkingLevels: ['low', 'high'], thinkingDefault: 'low' },
    });
  });

  it('reads thinkingOptions when the defaults have no thinkingLevels', () => {
    const page = readSessionsPage({ sessions: [], defaults: { thinkingOptions: ['off', 'high'] } });
    assert.deepEqual(page.defaults, { model: undefined, modelProvider: undefined, thinkingLevels: ['off', 'high'], thinkingDefault: undefined });
  });

  it('has no next offset unless hasMore is true and the offset a number', () => {
    assert.equal(readSessionsPage({ sessions: [], hasMore: true, nextOffset: '50' }).nextOffset, undefined);
    assert.equal(readSessionsPage({ sessions: [], hasMore: 'true', nextOffset: 50 }).nextOffset, undefined);
    assert.equal(readSessionsPage({ sessions: [], hasMore: false, nextOffset: 50 }).nextOffset, undefined);
    assert.deepEqual(readSessionsPage({ sessions: [], defaults: 'x' }), { rows: [], nextOffset: undefined, defaults: undefined });
  });

  it('reads nothing from a payload without a sessions array', () => {
    assert.deepEqual(readSessionsPage(null), { rows: [], nextOffset: undefined });
    assert.deepEqual(readSessionsPage({ sessions: { key: 'a' }, hasMore: true, nextOffset: 5 }), { rows: [], nextOffset: undefined });
  });

  it('thinking levels: ids from objects or strings, once each, none empty or longer than 100', () => {
    const long = 'x'.repeat(100);
    assert.deepEqual(readLevels(['off', { id: 'low', label: 'Low' }, { label: 'no id' }, '', 'y'.repeat(101), long, 'off', 5, null]), ['off', 'low', long]);
    assert.deepEqual(readLevels('off'), []);
    assert.deepEqual(readLevels(undefined), []);
  });
});

describe('session rows', () => {
  const good = {
    key: 'agent:main:1',
    sessionId: 's1',
    label: 'L',
    displayName: 'D',
    derivedTitle: 'T',
    model: 'm',
    modelProvider: 'p',
    updatedAt: 1,
    pinnedAt: 2,
    inputTokens: 3,
    outputTokens: 4,
    totalTokens: 7,
    estimatedCostUsd: 0.5,
    archived: false,
    pinned: true,
    extra: { kept: 'as it is' },
  };

  it('keeps every typed field that has its type, and the unknown ones', () => {
    assert.deepEqual(readSessionRow(good), good);
  });

  it('drops each typed field of another type, without touching the payload', () => {
    const bad = {
      key: 'k',
      sessionId: 1,
      label: null,
      displayName: 2,
      derivedTitle: {},
      model: 5,
      modelProvider: true,
      updatedAt: '1',
      pinnedAt: NaN,
      inputTokens: Infinity,
      outputTokens: '4',
      totalTokens: null,
      estimatedCostUsd: -Infinity,
      archived: 'yes',
      pinned: 1,
      extra: 1,
    };
    const copy = structuredClone(bad);
    assert.deepEqual(readSessionRow(bad), { key: 'k', extra: 1 });
    assert.deepEqual(bad, copy);
  });

  it('is no row without a string key', () => {
    assert.equal(readSessionRow({ key: '' }), undefined);
    assert.equal(readSessionRow({ key: 5 }), undefined);
    assert.equal(readSessionRow([]), undefined);
    assert.equal(readSessionRow('k'), undefined);
  });
});

describe('models.list', () => {
  it('reads each model with an id, its ref from provider and id', () => {
    const models = readModels({
      models: [
        { id: 'gpt-5', provider: 'openai', name: 'GPT-5', input: ['text', 5, 'image'], thinkingLevels: [{ id: 'low' }], thinkingDefault: 'low' },
        { id: 'bare', input: 'text' },
        { name: 'no id' },
        { id: 7 },
        'gpt',
      ],
    });
    assert.deepEqual(models, [
      { ref: 'openai/gpt-5', id: 'gpt-5', provider: 'openai', name: 'GPT-5', input: ['text', 'image'], thinkingLevels: ['low'], thinkingDefault: 'low' },
      { ref: 'bare', id: 'bare', provider: undefined, name: 'bare', input: undefined, thinkingLevels: [], thinkingDefault: undefined },
    ]);
  });

  it('reads nothing without a models array', () => {
    assert.deepEqual(readModels({ models: { id: 'a' } }), []);
    assert.deepEqual(readModels(undefined), []);
  });
});

describe('commands.list', () => {
  it('reads names, aliases, descriptions and an argument hint', () => {
    const commands = readCommands({
      commands: [
        { name: 'help', description: 'Show help', textAliases: ['/h', 'bad', 5, '/help', 'x/help', '/help ', '/he lp'], acceptsArgs: false },
        {
          name: 'steer',
          textAliases: ['/tell'],
          acceptsArgs: true,
          args: [
            { name: 'message', required: true },
            'junk',
            { name: 'mode', choices: [{ value: 'on' }, { label: 'no value' }, { value: 'off' }] },
            { required: true },
          ],
        },
        { name: 'x.y-z_1', textAliases: 'not a list', acceptsArgs: 'yes', args: [{ name: 'n', choices: [] }] },
      ],
    });
    assert.deepEqual(commands, [
      { name: 'help', description: 'Show help', aliases: ['/h', '/help'], takesArgs: false, argsHint: undefined },
      { name: 'steer', description: '', aliases: ['/steer', '/tell'], takesArgs: true, argsHint: '<message> [mode: on|off] <arg>' },
      { name: 'x.y-z_1', description: '', aliases: ['/x.y-z_1'], takesArgs: false, argsHint: '[n]' },
    ]);
  });

  it('takes names and aliases of 1 to 100 word characters, dots and dashes', () => {
    const ok = 'a'.repeat(100);
    const names = readCommands({
      commands: [
        { name: ok, textAliases: [`/${ok}`, `/${'b'.repeat(101)}`, '/'] },
        { name: 'b'.repeat(101) },
        { name: 'has space' },
        { name: ' lead' },
        { name: 'trail ' },
        { name: '' },
        { textAliases: ['/x'] },
        'help',
      ],
    });
    assert.deepEqual(
      names.map((c) => [c.name, c.aliases]),
      [[ok, [`/${ok}`]]],
    );
  });

  it('reads nothing without a commands array', () => {
    assert.deepEqual(readCommands({ commands: 'help' }), []);
    assert.deepEqual(readCommands(null), []);
  });
});

describe('chat events', () => {
  it('reads the run, its state, the final text and the error', () => {
    assert.deepEqual(
      readChatEvent({
        runId: 'r1',
        sessionKey: 'k',
        state: 'final',
        message: { content: [{ type: 'text', text: 'Hello' }], text: 'other' },
        errorMessage: 'bad',
      }),
      { runId: 'r1', sessionKey: 'k', state: 'final', text: 'Hello', error: 'bad' },
    );
  });

  it('falls back to the message text, and has no text without a message', () => {
    assert.equal(readChatEvent({ runId: 'r1', state: 'final', message: { content: [], text: 'plain' } })?.text, 'plain');
    assert.deepEqual(readChatEvent({ runId: 'r1', state: 'delta', message: 'x' }), {
      runId: 'r1',
      sessionKey: undefined,
      state: 'delta',
      text: undefined,
      error: undefined,
    });
  });

  it('is nothing without a run id and a state', () => {
    assert.equal(readChatEvent({ state: 'final' }), undefined);
    assert.equal(readChatEvent({ runId: 'r1' }), undefined);
    assert.equal(readChatEvent({ runId: '', state: 'final' }), undefined);
    assert.equal(readChatEvent({ runId: 'r1', state: '' }), undefined);
  });
});

describe('history, search and session events', () => {
  it('reads history rows that are objects, and the counts that are whole numbers from 0', () => {
    assert.deepEqual(
      readHistory(
        { sessionId: 's', messages: [{ role: 'user' }, 'x', null, [1], { role: 'assistant' }], hasMore: true, totalMessages: 10, nextOffset: 0 },
        'k',
      ),
      { sessionKey: 'k', sessionId: 's', messages: [{ role: 'user' }, { role: 'assistant' }], hasMore: true, totalMessages: 10, nextOffset: 0 },
    );
    assert.deepEqual(readHistory({ messages: [], hasMore: 'yes', totalMessages: -1, nextOffset: 1.5 }, 'k'), {
      sessionKey: 'k',
      sessionId: undefined,
      messages: [],
      hasMore: false,
      totalMessages: undefined,
      nextOffset: undefined,
    });
    assert.equal(readHistory({ messages: [], totalMessages: '3' }, 'k').totalMessages, undefined);
    assert.deepEqual(readHistory({ messages: 'x' }, 'k'), { sessionKey: 'k', messages: [] });
    assert.deepEqual(readHistory(null, 'k'), { sessionKey: 'k', messages: [] });
  });

  it('keeps the search hits that have every field', () => {
    const hit = { sessionKey: 'k', messageId: 'm1', role: 'user', snippet: 'found it' };
    assert.deepEqual(readSearchHits({ results: [hit, { ...hit, role: 'system' }, { ...hit, messageId: '' }, 'x'] }), [hit]);
    assert.deepEqual(readSearchHits({ results: hit }), []);
    assert.deepEqual(readSearchHits(undefined), []);
  });

  it('reads a session.message with a role', () => {
    const message = { role: 'user', content: 'hi' };
    assert.deepEqual(readSessionMessage({ sessionKey: 'k', message }), { sessionKey: 'k', message });
    assert.equal(readSessionMessage({ sessionKey: 'k', message: { content: 'hi' } }), undefined);
    assert.equal(readSessionMessage({ sessionKey: 'k', message: 'hi' }), undefined);
    assert.equal(readSessionMessage({ message }), undefined);
    assert.equal(readSessionMessage('k'), undefined);
  });

  it('reads a session.tool with a tool call id and phase', () => {
    assert.deepEqual(
      readSessionTool({ sessionKey: 'k', runId: 'r', data: { toolCallId: 't1', name: 'exec', phase: 'result', result: { out: 1 }, isError: true } }),
      { sessionKey: 'k', runId: 'r', toolCallId: 't1', name: 'exec', phase: 'result', result: { out: 1 }, isError: true },
    );
    assert.deepEqual(readSessionTool({ sessionKey: 'k', data: { toolCallId: 't1', phase: 'start', isError: 'true' } }), {
      sessionKey: 'k',
      runId: undefined,
      toolCallId: 't1',
      name: undefined,
      phase: 'start',
      result: undefined,
      isError: false,
    });
    assert.equal(readSessionTool({ sessionKey: 'k', data: { phase: 'start' } }), undefined);
    assert.equal(readSessionTool({ sessionKey: 'k', data: { toolCallId: 't1' } }), undefined);
    assert.equal(readSessionTool({ data: { toolCallId: 't1', phase: 'start' } }), undefined);
    assert.equal(readSessionTool({ sessionKey: 'k', data: 'x' }), undefined);
    assert.equal(readSessionTool(null), undefined);
  });
});

describe('session lifecycle answers', () => {
  it('fork, rewind and compact', () => {
    assert.deepEqual(readFork({ sessionKey: 'k2', editorText: 'again' }), { sessionKey: 'k2', editorText: 'again' });
    assert.deepEqual(readFork({ sessionKey: 'k2' }), { sessionKey: 'k2', editorText: '' });
    assert.equal(readFork({ editorText: 'x' }), undefined);
    assert.deepEqual(readRewind({ editorText: 'before' }), { editorText: 'before' });
    assert.deepEqual(readRewind(null), { editorText: '' });
    assert.deepEqual(readCompact({ compacted: true, result: { summary: 'short', tokensBefore: 1200 } }), {
      compacted: true,
      summary: 'short',
      tokensBefore: 1200,
    });
    assert.deepEqual(readCompact({ compacted: 'true', result: 'x' }), { compacted: false, summary: undefined, tokensBefore: undefined });
    assert.deepEqual(readCompact('x'), { compacted: false });
  });

  it('delete', () => {
    assert.deepEqual(readDeleteResult({ ok: true, key: 'k', deleted: true, archived: ['a.jsonl', 5] }), {
      ok: true,
      key: 'k',
      deleted: true,
      archived: ['a.jsonl'],
    });
    assert.deepEqual(readDeleteResult({ ok: 'true', deleted: 1, archived: 'a' }), { ok: false, key: undefined, deleted: false, archived: [] });
    assert.deepEqual(readDeleteResult(undefined), { deleted: false });
  });
});

describe('sessions.usage', () => {
  it('reads the period, the totals, how many sessions and messages, and the cache status', () => {
    assert.deepEqual(
      readUsage({
        startDate: '2026-11-01',
        endDate: '2026-11-30',
        totals: { input: 10, output: 20, totalTokens: 30, totalCost: 0.25, missingCostEntries: 2 },
        sessions: [{}, {}, {}],
        aggregates: { messages: { total: 12 } },
        cacheStatus: { status: 'fresh' },
      }),
      {
        startDate: '2026-11-01',
        endDate: '2026-11-30',
        totals: { input: 10, output: 20, totalTokens: 30, totalCost: 0.25, missingCostEntries: 2 },
        sessions: 3,
        messages: 12,
        cacheStatus: 'fresh',
      },
    );
  });

  it('counts what is missing or malformed as nothing', () => {
    const none = {
      startDate: undefined,
      endDate: undefined,
      totals: { input: 0, output: 0, totalTokens: 0, totalCost: 0, missingCostEntries: 0 },
      sessions: 0,
      messages: undefined,
      cacheStatus: undefined,
    };
    assert.deepEqual(readUsage(null), none);
    assert.deepEqual(readUsage({ totals: 'x', sessions: 3, aggregates: { messages: 5 }, cacheStatus: 'fresh' }), none);
    assert.deepEqual(readUsage({ aggregates: 'x' }), none);
    assert.deepEqual(readUsage({ totals: { input: -1, output: NaN, totalTokens: '30', totalCost: Infinity, missingCostEntries: null } }), none);
    assert.equal(readUsage({ aggregates: { messages: { total: 1.5 } } }).messages, undefined);
  });
});

describe('agent answers', () => {
  it('reads the final res: status, text of the payloads, stop reason, duration and usage', () => {
    assert.deepEqual(
      readAgentFinal({
        status: 'ok',
        summary: 'completed',
        result: {
          payloads: [{ text: 'one' }, { text: '' }, 'x', { text: 5 }, { text: 'two' }],
          meta: { stopReason: 'end_turn', durationMs: 1200, agentMeta: { usage: { input: 3 } } },
        },
      }),
      { status: 'ok', summary: 'completed', text: 'one\n\ntwo', stopReason: 'end_turn', durationMs: 1200, usage: { input: 3 } },
    );
  });

  it('reads a final res without a result, or with malformed meta', () => {
    const bare = { status: 'timeout', summary: 'aborted', text: '', stopReason: undefined, durationMs: undefined, usage: undefined };
    assert.deepEqual(readAgentFinal({ status: 'timeout', summary: 'aborted' }), bare);
    assert.deepEqual(readAgentFinal({ status: 'timeout', summary: 'aborted', result: 'x' }), bare);
    assert.deepEqual(readAgentFinal({ status: 'timeout', summary: 'aborted', result: { payloads: 'x', meta: 'x' } }), bare);
    assert.deepEqual(readAgentFinal({ status: 'timeout', summary: 'aborted', result: { meta: { durationMs: '5', agentMeta: { usage: 'x' } } } }), bare);
    assert.deepEqual(readAgentFinal({ status: 'timeout', summary: 'aborted', result: { meta: { agentMeta: 'x' } } }), bare);
    assert.equal(readAgentFinal('ok'), undefined);
  });

  it('reads agent.wait', () => {
    assert.deepEqual(readAgentWait({ status: 'ok', stopReason: 'end_turn', terminalReply: { text: 'done' } }), {
      status: 'ok',
      stopReason: 'end_turn',
      text: 'done',
    });
    assert.deepEqual(readAgentWait({ status: 'timeout' }), { status: 'timeout', stopReason: undefined, text: undefined });
    assert.equal(readAgentWait(null), undefined);
  });
});
