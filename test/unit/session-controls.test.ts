/**
 * The chat header's model and thinking pickers (session-controls.ts): which model a session runs
 * with (its own or the gateway's default, matched to `models.list`), the thinking levels on offer,
 * and the patches a choice sends. Pure: the client is a stand-in recording its requests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayClient, ModelInfo } from '../../src/gateway/gateway-client';
import type { SessionDefaults } from '../../src/gateway/payloads';
import type { SessionPatch, SessionRow } from '../../src/protocol/gateway';
import { Refusal } from '../../src/extension/composer/attachments';
import { SessionControls } from '../../src/extension/session-controls';

const OPUS: ModelInfo = {
  ref: 'anthropic/opus',
  id: 'opus',
  provider: 'anthropic',
  name: 'Opus',
  input: ['text', 'image'],
  thinkingLevels: ['low', 'high'],
  thinkingDefault: 'low',
};
const MINI: ModelInfo = { ref: 'openai/mini', id: 'mini', provider: 'openai', name: 'mini', thinkingLevels: [] };
const LOCAL: ModelInfo = { ref: 'ollama/opus', id: 'opus', provider: 'ollama', name: 'Local Opus', thinkingLevels: ['on'] };

function stage(rows: SessionRow[] = [], defaults?: SessionDefaults, models: ModelInfo[] | Error = [OPUS, MINI]) {
  const calls: string[] = [];
  const logs: string[] = [];
  let changes = 0;
  const client = {
    sessionDefaults: defaults,
    async listModels() {
      calls.push('models');
      if (models instanceof Error) throw models;
      return models;
    },
    async patchSession(key: string, patch: SessionPatch) {
      calls.push(`patch ${key} ${JSON.stringify(patch)}`);
    },
  } as unknown as GatewayClient;
  const controls = new SessionControls({
    client,
    rows: () => rows,
    refreshRows: async () => void calls.push('rows'),
    busyMode: () => 'steer',
    changed: () => void changes++,
    log: (m) => void logs.push(m),
  });
  return { controls, calls, logs, changes: () => changes };
}

describe('SessionControls', () => {
  it('lists the models, and keeps the last list when listing fails', async () => {
    const ok = stage();
    await ok.controls.refreshModels();
    assert.deepEqual(ok.controls.models, [OPUS, MINI]);
    assert.equal(ok.changes(), 1);
    const failing = stage([], undefined, new Error('offline'));
    await failing.controls.refreshModels();
    assert.deepEqual(failing.controls.models, []);
    assert.equal(failing.changes(), 0);
    assert.deepEqual(failing.logs, ['could not list the models: offline']);
  });

  it('takes the session’s own model, with its provider, matched to the list', async () => {
    const { controls } = stage([{ key: 's1', model: 'opus', modelProvider: 'anthropic' }], { model: 'mini', modelProvider: 'openai', thinkingLevels: [] });
    await controls.refreshModels();
    assert.deepEqual(controls.modelOf('s1'), { ref: 'anthropic/opus', name: 'Opus', input: ['text', 'image'], info: OPUS });
  });

  it('falls back to the gateway’s default model and provider', async () => {
    const { controls } = stage([{ key: 's1' }], { model: 'mini', modelProvider: 'openai', thinkingLevels: [] });
    await controls.refreshModels();
    assert.deepEqual(controls.modelOf('s1'), { ref: 'openai/mini', name: 'mini', input: undefined, info: MINI });
    assert.deepEqual(controls.modelOf('not-listed')?.ref, 'openai/mini');
    // The session's own model does not take the default's provider.
    const own = stage([{ key: 's1', model: 'opus' }], { model: 'mini', modelProvider: 'openai', thinkingLevels: [] }, [LOCAL, OPUS]);
    await own.controls.refreshModels();
    assert.deepEqual(own.controls.modelOf('s1'), { ref: 'ollama/opus', name: 'Local Opus', input: undefined, info: LOCAL });
  });

  it('knows no model when neither the session nor the gateway names one', () => {
    assert.equal(stage([{ key: 's1' }]).controls.modelOf('s1'), undefined);
    assert.equal(stage([{ key: 's1' }], { thinkingLevels: [] }).controls.modelOf('s1'), undefined);
  });

  it('keeps a model ref that already names its provider, or one the list does not have', async () => {
    const { controls } = stage(
      [
        { key: 'full', model: 'anthropic/opus', modelProvider: 'other' },
        { key: 'unknown', model: 'mystery', modelProvider: 'lab' },
      ],
      undefined,
    );
    assert.deepEqual(controls.modelOf('unknown'), { ref: 'lab/mystery', name: undefined, input: undefined, info: undefined });
    await controls.refreshModels();
    assert.deepEqual(controls.modelOf('full'), { ref: 'anthropic/opus', name: 'Opus', input: ['text', 'image'], info: OPUS });
    // A model by id alone matches a listed model of the session's provider only.
    const byId = stage([{ key: 's1', model: 'opus', modelProvider: 'ollama' }], undefined, [OPUS, { ...LOCAL, ref: 'ollama/local-opus' }]);
    await byId.controls.refreshModels();
    assert.equal(byId.controls.modelOf('s1')?.ref, 'ollama/local-opus');
  });

  it('offers the session’s thinking levels, else its model’s, else the gateway’s', async () => {
    const defaults = { model: 'opus', modelProvider: 'anthropic', thinkingLevels: ['minimal'] };
    const { controls } = stage(
      [{ key: 'own', thinkingLevels: ['a', { id: 'b' }], thinkingLevel: 'b' }, { key: 'model', thinkingDefault: 'high' }, { key: 'plain' }],
      defaults,
    );
    assert.deepEqual(controls.view('model'), { models: [], thinkingLevels: ['minimal'], busyMode: 'steer', model: 'anthropic/opus', thinking: 'high' });
    await controls.refreshModels();
    assert.deepEqual(controls.view('own'), {
      models: [
        { id: 'anthropic/opus', label: 'Opus (anthropic/opus)', images: true },
        { id: 'openai/mini', label: 'openai/mini', images: false },
      ],
      thinkingLevels: ['a', 'b'],
      busyMode: 'steer',
      model: 'anthropic/opus',
      thinking: 'b',
    });
    assert.deepEqual(controls.view('model').thinkingLevels, ['low', 'high']);
    assert.equal(controls.view('model').thinking, 'high');
    assert.equal(controls.view('plain').thinking, 'low', 'the model’s default');
    const none = stage([{ key: 's1', model: 'mini', modelProvider: 'openai' }]);
    await none.controls.refreshModels();
    assert.deepEqual(none.controls.view('s1'), {
      models: [
        { id: 'anthropic/opus', label: 'Opus (anthropic/opus)', images: true },
        { id: 'openai/mini', label: 'openai/mini', images: false },
      ],
      thinkingLevels: [],
      busyMode: 'steer',
      model: 'openai/mini',
    });
  });

  it('gives a session a listed model and reads the rows again', async () => {
    const { controls, calls } = stage();
    await controls.setModel('s1', 'anything/goes');
    await controls.refreshModels();
    await controls.setModel('s1', 'openai/mini');
    await assert.rejects(controls.setModel('s1', 'openai/maxi'), (e: Error) => {
      assert.ok(e instanceof Refusal);
      assert.equal(e.message, 'The gateway offers no model openai/maxi: choose one from the list.');
      return true;
    });
    assert.deepEqual(calls, ['patch s1 {"model":"anything/goes"}', 'rows', 'models', 'patch s1 {"model":"openai/mini"}', 'rows']);
  });

  it('sets a thinking level the model has, and refuses another in words', async () => {
    const { controls, calls } = stage([{ key: 's1', model: 'opus', modelProvider: 'anthropic' }, { key: 'free' }]);
    await controls.refreshModels();
    await controls.setThinking('s1', 'high');
    await controls.setThinking('free', 'whatever');
    await assert.rejects(controls.setThinking('s1', 'max'), (e: Error) => {
      assert.ok(e instanceof Refusal);
      assert.equal(e.message, 'anthropic/opus has no thinking level "max": choose one of low, high.');
      return true;
    });
    assert.deepEqual(calls, ['models', 'patch s1 {"thinkingLevel":"high"}', 'rows', 'patch free {"thinkingLevel":"whatever"}', 'rows']);
    const bare = stage([{ key: 's1', thinkingLevels: ['x'] }]);
    await assert.rejects(bare.controls.setThinking('s1', 'y'), { message: 'This model has no thinking level "y": choose one of x.' });
  });

  it('starts a new session with the thinking level asked for, if the default model has it', () => {
    const { controls, logs } = stage([], { thinkingLevels: ['low', 'high'] });
    assert.equal(controls.newSessionThinking(undefined), undefined);
    assert.equal(controls.newSessionThinking(''), undefined);
    assert.equal(controls.newSessionThinking('high'), 'high');
    assert.equal(controls.newSessionThinking('max'), undefined);
    assert.deepEqual(logs, ['thinking level "max" (openclaw.thinkingLevel) is not one the default model has (low, high): left to the model']);
    assert.equal(stage([], { thinkingLevels: [] }).controls.newSessionThinking('max'), 'max');
    assert.equal(stage().controls.newSessionThinking('max'), 'max');
  });
});
