/**
 * Edges of the header's pickers and of the live watch (session-controls.ts, session-watch.ts):
 * a session with no row yet, a model the list lacks, two providers with one model id, and a row
 * that comes live for a card history already finished. Pure, with stand-ins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayClient, ModelInfo } from '../../src/gateway/gateway-client';
import type { ChatItem } from '../../src/protocol/webview';
import { HistoryWindow } from '../../src/extension/history-window';
import { SessionControls } from '../../src/extension/session-controls';
import { SessionWatch } from '../../src/extension/session-watch';
import { TranscriptModel } from '../../src/extension/transcript-model';

function controls(models: ModelInfo[], rows: Array<Record<string, unknown> & { key: string }>) {
  const client = {
    sessionDefaults: { model: 'ghost', modelProvider: 'lab', thinkingLevels: ['x'] },
    listModels: async () => models,
  } as unknown as GatewayClient;
  return new SessionControls({ client, rows: () => rows, refreshRows: async () => {}, busyMode: () => 'queue', changed: () => {}, log: () => {} });
}

describe('session view edges', () => {
  it('shows the pickers of a session with no row, on a default model the list lacks', async () => {
    const c = controls([{ ref: 'a/b', id: 'b', provider: 'a', name: 'b', thinkingLevels: [] }], []);
    await c.refreshModels();
    assert.deepEqual(c.view('new'), { models: [{ id: 'a/b', label: 'a/b', images: false }], thinkingLevels: ['x'], busyMode: 'queue', model: 'lab/ghost' });
  });

  it('matches a model by id only within the session’s provider, however the list is ordered', async () => {
    const other: ModelInfo = { ref: 'one/m', id: 'm', provider: 'one', name: 'M one', thinkingLevels: [] };
    const mine: ModelInfo = { ref: 'two/m-latest', id: 'm', provider: 'two', name: 'M two', thinkingLevels: [] };
    const sibling: ModelInfo = { ref: 'two/n', id: 'n', provider: 'two', name: 'N two', thinkingLevels: [] };
    const c = controls([other, sibling, mine], [{ key: 's', model: 'm', modelProvider: 'two' }]);
    await c.refreshModels();
    assert.equal(c.modelOf('s')?.ref, 'two/m-latest');
  });

  it('keeps a finished tool card when its call comes again live', () => {
    const model = new TranscriptModel(
      () => 'main',
      () => {},
    );
    const watch = new SessionWatch({ sessionKey: () => 'main', isOwnRun: () => false, busy: () => false, deferReload: () => {} }, model, new HistoryWindow());
    const done = { kind: 'tool', id: 't:tc1', tool: { toolCallId: 'tc1', name: 'exec', state: 'done', result: 'ok' } } as ChatItem;
    model.upsert(done);
    watch.onMessage({ sessionKey: 'main', message: { role: 'assistant', content: [{ type: 'toolCall', id: 'tc1', name: 'exec', arguments: {} }] } });
    assert.deepEqual(model.items, [done]);
  });
});
