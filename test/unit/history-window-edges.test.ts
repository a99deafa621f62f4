/**
 * A history row whose `seq` is not a number (history-window.ts), held beside numbered rows: it is
 * no place in history, so it moves neither end of what the transcript holds. Pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HistoryWindow } from '../../src/extension/history-window';
import type { HistoryMessage } from '../../src/protocol/gateway';

const row = (seq: number): HistoryMessage => ({ role: 'user', content: `m${seq}`, __openclaw: { seq } });
const odd: HistoryMessage = { role: 'user', content: 'x', __openclaw: { seq: '9' as unknown as number } };

describe('HistoryWindow edges', () => {
  it('a seq that is no number does not count as the oldest held', () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(12), odd], hasMore: true, totalMessages: 12 });
    assert.equal(window.earlier, 11);
  });
});
