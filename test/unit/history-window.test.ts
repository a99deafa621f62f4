/**
 * Paging a session's history upwards (history-window.ts) against a history kept here: the offsets
 * asked for, the rows handed back, and what happens when messages arrive between two pages. Pure:
 * the page fetch is a function over an array, as `chat.history` pages it (newest end first).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EARLIER_PAGE, FIRST_PAGE, HistoryWindow } from '../../src/extension/history-window';
import type { ChatHistoryResult, HistoryMessage } from '../../src/protocol/gateway';

const row = (seq: number): HistoryMessage => ({ role: 'user', content: `m${seq}`, __openclaw: { seq } });
const plain = (n: number): HistoryMessage => ({ role: 'user', content: `p${n}` });

/** A session's history, paged as the gateway pages it; `numbered: false` is an older gateway without `seq`. */
class History {
  rows: HistoryMessage[] = [];
  asked: Array<[number, number]> = [];
  constructor(
    count: number,
    private readonly numbered = true,
  ) {
    for (let i = 1; i <= count; i++) this.add();
  }
  add(): HistoryMessage {
    const next = this.numbered ? row(this.rows.length + 1) : plain(this.rows.length + 1);
    this.rows.push(next);
    return next;
  }
  page = (limit: number, offset: number): Promise<ChatHistoryResult> => {
    this.asked.push([limit, offset]);
    const end = Math.max(0, this.rows.length - offset);
    const start = Math.max(0, end - limit);
    return Promise.resolve({
      sessionId: 's1',
      messages: this.rows.slice(start, end),
      hasMore: start > 0,
      totalMessages: this.numbered ? this.rows.length : undefined,
      nextOffset: this.numbered ? undefined : offset + (end - start),
    });
  };
}

const seqs = (rows: HistoryMessage[]) => rows.map((r) => r.__openclaw?.seq);

describe('HistoryWindow', () => {
  it('pages of 200 by default', () => {
    assert.equal(FIRST_PAGE, 200);
    assert.equal(EARLIER_PAGE, 200);
  });

  it('loads older pages until the beginning, each just before the oldest held', async () => {
    const history = new History(25);
    const window = new HistoryWindow();
    window.reset(await history.page(10, 0));
    assert.equal(window.sessionId, 's1');
    assert.equal(window.earlier, 15);
    assert.deepEqual(seqs(await window.loadEarlier(history.page, 10)), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    assert.deepEqual(history.asked.at(-1), [10, 10]);
    assert.equal(window.earlier, 5);
    assert.deepEqual(seqs(await window.loadEarlier(history.page, 10)), [1, 2, 3, 4, 5]);
    assert.deepEqual(history.asked.at(-1), [10, 20]);
    assert.equal(window.earlier, 0);
    const asked = history.asked.length;
    assert.deepEqual(await window.loadEarlier(history.page, 10), []);
    assert.equal(history.asked.length, asked, 'no fetch at the beginning');
  });

  it('uses the default page size', async () => {
    const history = new History(450);
    const window = new HistoryWindow();
    window.reset(await history.page(FIRST_PAGE, 0));
    assert.equal((await window.loadEarlier(history.page)).length, 200);
    assert.deepEqual(history.asked.at(-1), [200, 200]);
  });

  it('counts the messages that came live into the next offset', async () => {
    const history = new History(20);
    const window = new HistoryWindow();
    window.reset(await history.page(5, 0));
    for (let i = 0; i < 3; i++) assert.equal(window.noteLive(history.add()), true);
    assert.deepEqual(seqs(await window.loadEarlier(history.page, 5)), [11, 12, 13, 14, 15]);
    assert.deepEqual(history.asked.slice(1), [[5, 8]], 'one fetch: the live ones were counted');
  });

  it('asks again where the count says when messages came that it did not see', async () => {
    const history = new History(20);
    const window = new HistoryWindow();
    window.reset(await history.page(5, 0));
    history.add();
    history.add();
    assert.deepEqual(seqs(await window.loadEarlier(history.page, 5)), [11, 12, 13, 14, 15]);
    assert.deepEqual(history.asked.slice(1), [
      [5, 5],
      [5, 7],
    ]);
  });

  it('asks again when messages went away meanwhile, never for a negative offset', async () => {
    const history = new History(12);
    const window = new HistoryWindow();
    window.reset(await history.page(4, 0));
    history.rows.splice(0, 4);
    // The gateway's count is now 8, so the guess (offset 4) lands on rows older than seq 9 that are gone.
    for (const [i, r] of history.rows.entries()) r.__openclaw = { seq: i + 1 };
    assert.equal(window.earlier, 8);
    const rows = await window.loadEarlier(history.page, 4);
    assert.deepEqual(history.asked.slice(1), [
      [4, 4],
      [4, 0],
    ]);
    assert.deepEqual(seqs(rows), [5, 6, 7, 8]);
  });

  it('hands back only rows older than those held, and stops when a page brings none', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(5), row(6)], hasMore: true, totalMessages: 6 });
    const same: ChatHistoryResult = { messages: [row(5), row(6)], hasMore: true, totalMessages: 6 };
    assert.deepEqual(await window.loadEarlier(() => Promise.resolve(same), 2), []);
    assert.equal(window.earlier, 0);
  });

  it('stops at seq 1 even when the gateway says there is more', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(3)], hasMore: true, totalMessages: 3 });
    const rows = await window.loadEarlier(() => Promise.resolve({ messages: [row(1), row(2)], hasMore: true, totalMessages: 3 }), 2);
    assert.deepEqual(seqs(rows), [1, 2]);
    assert.equal(window.earlier, 0);
  });

  it('keeps a row without seq from an older page', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(4)], hasMore: true, totalMessages: 4 });
    const rows = await window.loadEarlier(() => Promise.resolve({ messages: [plain(1), row(3), row(4)], hasMore: false, totalMessages: 4 }), 3);
    assert.deepEqual(
      rows.map((r) => r.content),
      ['p1', 'm3'],
    );
    assert.equal(window.earlier, 0);
  });

  it('one fetch at a time: asking again meanwhile waits for the same page', async () => {
    const history = new History(30);
    const window = new HistoryWindow();
    window.reset(await history.page(10, 0));
    const first = window.loadEarlier(history.page, 10);
    const second = window.loadEarlier(history.page, 10);
    assert.equal(first, second);
    assert.deepEqual(seqs(await first), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    assert.equal(history.asked.length, 2);
    assert.deepEqual(seqs(await window.loadEarlier(history.page, 10)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a live row already held is not shown twice; a live row without seq always is', () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(3), row(4)], hasMore: true, totalMessages: 4 });
    assert.equal(window.noteLive(row(4)), false);
    assert.equal(window.noteLive(row(2)), false);
    assert.equal(window.noteLive(row(5)), true);
    assert.equal(window.noteLive(row(5)), false);
    assert.equal(window.noteLive(plain(1)), true);
    assert.equal(window.noteLive(plain(1)), true);
    assert.equal(window.earlier, 2);
  });

  it('an empty transcript takes its first live row as the oldest held', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [], hasMore: true, totalMessages: 9 });
    assert.equal(window.noteLive(row(9)), true);
    assert.equal(window.earlier, 8);
    assert.equal(window.noteLive(row(9)), false);
  });

  it('without seq: pages by the offset the gateway gave, plus the live rows', async () => {
    const history = new History(12, false);
    const window = new HistoryWindow();
    window.reset(await history.page(4, 0));
    assert.equal(window.earlier, 1, 'no count: at least one, since the gateway said there is more');
    window.noteLive(history.add());
    const rows = await window.loadEarlier(history.page, 4);
    assert.deepEqual(history.asked.at(-1), [4, 5]);
    assert.deepEqual(
      rows.map((r) => r.content),
      ['p5', 'p6', 'p7', 'p8'],
    );
    await window.loadEarlier(history.page, 4);
    assert.deepEqual(history.asked.at(-1), [4, 9]);
  });

  it('without seq and without nextOffset: counts the messages of the pages read, two rows of one seq as one', async () => {
    const window = new HistoryWindow();
    const asked: number[] = [];
    window.reset({ messages: [plain(7), plain(8)], hasMore: true, totalMessages: 10 });
    assert.equal(window.earlier, 8);
    await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [plain(5), plain(6)], hasMore: true });
    }, 2);
    await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [], hasMore: true });
    }, 2);
    assert.deepEqual(asked, [2, 4]);
    const twoRows = new HistoryWindow();
    twoRows.reset({ messages: [{ ...plain(1), __openclaw: { id: 'x' } }, row(9), row(9), plain(2)], hasMore: true });
    assert.equal(twoRows.earlier, 8);
    const noSeq = new HistoryWindow();
    noSeq.reset({ messages: [plain(1), plain(2), plain(3)], hasMore: true, totalMessages: 10 });
    assert.equal(noSeq.earlier, 7);
  });

  it('the total from the last page stays when a page does not say it', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(10)], hasMore: true, totalMessages: 10 });
    await window.loadEarlier(() => Promise.resolve({ messages: [row(9)], hasMore: true }), 1);
    const asked: number[] = [];
    await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [row(8)], hasMore: true });
    }, 1);
    assert.deepEqual(asked, [2]);
  });

  it('a window never reset has nothing older and fetches nothing', async () => {
    const window = new HistoryWindow();
    assert.equal(window.earlier, 0);
    let asked = 0;
    const rows = await window.loadEarlier(() => {
      asked += 1;
      return Promise.resolve({ messages: [row(1)], hasMore: false, totalMessages: 1 });
    });
    assert.deepEqual(rows, []);
    assert.equal(asked, 0);
  });

  it('with seq but no count: the offset is the messages read plus those seen live, two rows of one seq as one', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(9), row(9), row(10)], hasMore: true });
    assert.equal(window.noteLive(row(11)), true);
    const asked: number[] = [];
    const rows = await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [row(7), row(8)], hasMore: true });
    }, 2);
    assert.deepEqual(asked, [3]);
    assert.deepEqual(seqs(rows), [7, 8]);
  });

  it('with a count, the offset comes from the count, not from the offset the gateway gave', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(9), row(10)], hasMore: true, totalMessages: 10, nextOffset: 5 });
    const asked: number[] = [];
    await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [row(7), row(8)], hasMore: true, totalMessages: 10 });
    }, 2);
    assert.deepEqual(asked, [2]);
  });

  it('a page that brings a new count: the next offset is worked out from it', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(10)], hasMore: true, totalMessages: 10 });
    const asked: number[] = [];
    // Two messages came meanwhile; the page still ends right before the oldest held, so no second ask.
    const page = (seq: number) => (_limit: number, offset: number) => {
      asked.push(offset);
      return Promise.resolve({ messages: [row(seq)], hasMore: true, totalMessages: 12 });
    };
    await window.loadEarlier(page(9), 1);
    await window.loadEarlier(page(8), 1);
    assert.deepEqual(asked, [1, 4]);
  });

  it('no second ask when the page has no count, or no numbered rows', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(10)], hasMore: true, totalMessages: 10 });
    const asked: number[] = [];
    const rows = await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [row(6)], hasMore: true });
    }, 1);
    assert.deepEqual(seqs(rows), [6]);
    const plainPage = await window.loadEarlier((_limit, offset) => {
      asked.push(offset);
      return Promise.resolve({ messages: [plain(1), plain(2)], hasMore: true, totalMessages: 10 });
    }, 2);
    assert.deepEqual(
      plainPage.map((r) => r.content),
      ['p1', 'p2'],
    );
    assert.deepEqual(asked, [1, 5]);
  });

  it('a transcript read without seq keeps every row of an older page, numbered or not', async () => {
    const window = new HistoryWindow();
    window.reset({ messages: [plain(5)], hasMore: true, totalMessages: 5 });
    const rows = await window.loadEarlier(() => Promise.resolve({ messages: [row(3), plain(4)], hasMore: true, totalMessages: 5 }), 2);
    assert.deepEqual(
      rows.map((r) => r.content),
      ['m3', 'p4'],
    );
    assert.equal(window.earlier, 2);
  });

  it('the oldest and newest held are found in rows of any order, rows without seq aside', () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(5), row(3), plain(1), row(4)], hasMore: true, totalMessages: 9 });
    assert.equal(window.earlier, 2);
    assert.equal(window.noteLive(row(5)), false, 'seq 5 is held');
    assert.equal(window.noteLive(row(6)), true);
    const trailing = new HistoryWindow();
    trailing.reset({ messages: [row(6), row(4), plain(2)], hasMore: true, totalMessages: 9 });
    assert.equal(trailing.earlier, 3);
    assert.equal(trailing.noteLive(row(6)), false);
  });

  it('a seq that is no number is no place in history', () => {
    const window = new HistoryWindow();
    const odd = { role: 'user', content: 'x', __openclaw: { seq: '9' as unknown as number } };
    window.reset({ messages: [row(3), odd], hasMore: true, totalMessages: 9 });
    assert.equal(window.noteLive(row(4)), true);
    assert.equal(window.noteLive(odd), true, 'always shown, like a row without seq');
  });

  it('a live row without seq leaves the newest held as it was', () => {
    const window = new HistoryWindow();
    window.reset({ messages: [row(3), row(4)], hasMore: true, totalMessages: 4 });
    assert.equal(window.noteLive(plain(1)), true);
    assert.equal(window.noteLive(row(4)), false);
    assert.equal(window.earlier, 2);
  });

  it('clear forgets the session and everything held', () => {
    const window = new HistoryWindow();
    window.reset({ sessionId: 's1', messages: [row(5)], hasMore: true, totalMessages: 5 });
    window.clear();
    assert.equal(window.sessionId, undefined);
    assert.equal(window.earlier, 0);
    assert.equal(window.noteLive(row(1)), true);
  });
});
