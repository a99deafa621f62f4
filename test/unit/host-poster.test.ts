import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostPoster } from '../../src/extension/host-poster';
import type { HostMessage } from '../../src/protocol/webview';
import { sleep } from '../support/wait';

describe('HostPoster', () => {
  it('merges appends into one message per item and flush, numbered from 1', async () => {
    const sent: HostMessage[] = [];
    const poster = new HostPoster((m) => sent.push(m), 10);
    for (let i = 0; i < 500; i++) poster.append('a', 'x');
    poster.append('b', 'y');
    assert.equal(sent.length, 0, 'nothing before the flush');
    await sleep(30);
    assert.deepEqual(sent, [
      { type: 'append', id: 'a', text: 'x'.repeat(500), seq: 1 },
      { type: 'append', id: 'b', text: 'y', seq: 2 },
    ]);
  });

  it('posts gathered text before any other message, so order is kept', () => {
    const sent: HostMessage[] = [];
    const poster = new HostPoster((m) => sent.push(m), 1000);
    poster.append('a', 'hello');
    poster.post({ type: 'busy', busy: false });
    assert.deepEqual(
      sent.map((m) => [m.type, m.seq]),
      [
        ['append', 1],
        ['busy', 2],
      ],
    );
    poster.dispose();
  });

  it('drops text gathered for an item that is replaced whole', () => {
    const sent: HostMessage[] = [];
    const poster = new HostPoster((m) => sent.push(m), 1000);
    poster.append('a', 'stale');
    poster.drop('a');
    poster.post({ type: 'remove', id: 'a' });
    assert.deepEqual(sent, [{ type: 'remove', id: 'a', seq: 1 }]);
    poster.dispose();
  });
});
