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

  it('drops the text of one item only, or of every item', () => {
    const sent: HostMessage[] = [];
    const poster = new HostPoster((m) => sent.push(m), 1000);
    poster.append('a', 'stale');
    poster.append('b', 'kept');
    poster.drop('a');
    poster.flush();
    poster.append('c', 'stale');
    poster.append('d', 'stale');
    poster.drop();
    poster.flush();
    assert.deepEqual(sent, [{ type: 'append', id: 'b', text: 'kept', seq: 1 }]);
    poster.dispose();
  });

  it('counts what it posts, and after dispose posts no gathered text', async () => {
    const sent: HostMessage[] = [];
    const poster = new HostPoster((m) => sent.push(m), 5);
    poster.append('a', 'x');
    poster.post({ type: 'busy', busy: true });
    assert.equal(poster.posted, 2);
    poster.append('a', 'late');
    poster.dispose();
    await sleep(20);
    assert.equal(poster.posted, 2);
    assert.equal(sent.length, 2);
  });
});
