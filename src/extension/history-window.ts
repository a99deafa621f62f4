/**
 * Which stretch of a session's history the transcript holds, and how to fetch the page just older
 * than it. `chat.history` pages from the newest end (`limit`, `offset`), so while other clients add
 * messages an offset computed earlier points too far back: the page would repeat messages or leave
 * a gap. Each row's `__openclaw.seq` is its place in the history (1 = oldest), and the answer says
 * how many messages there are now, so the offset is worked out afresh and checked against the rows
 * that came back. No `vscode`, no socket: the fetch is handed in.
 */
import type { ChatHistoryResult, HistoryMessage } from '../protocol/gateway';

/** A session opens with its latest messages... */
export const FIRST_PAGE = 200;
/** ...and loads older ones this many at a time as the person scrolls up. */
export const EARLIER_PAGE = 200;

export type PageFetch = (limit: number, offset: number) => Promise<ChatHistoryResult>;

export class HistoryWindow {
  /** Oldest and newest history position (`seq`) the transcript holds. */
  private oldestSeq: number | undefined;
  private newestSeq: number | undefined;
  /** How many messages the gateway had at the last page, and messages seen live since then. */
  private total: number | undefined;
  private liveSince = 0;
  /** Without `seq` (older gateways): the offset the gateway said the next older page starts at. */
  private nextOffset = 0;
  private more = false;
  private loading: Promise<HistoryMessage[]> | undefined;
  /** The gateway's id of the transcript shown; another one means the history was rewritten. */
  sessionId: string | undefined;

  /** How many older messages the gateway still has (0: the transcript starts at the beginning). */
  get earlier(): number {
    if (!this.more) return 0;
    // Positions count from 1, so that many lie before the oldest one held; at least one, since the gateway said so.
    return Math.max(1, this.oldestSeq !== undefined ? this.oldestSeq - 1 : (this.total ?? 0) - this.nextOffset);
  }

  /** Starts over from the latest page (a session opened or reloaded). */
  reset(page: ChatHistoryResult): void {
    this.oldestSeq = minSeq(page.messages);
    this.newestSeq = maxSeq(page.messages);
    this.total = page.totalMessages;
    this.liveSince = 0;
    this.nextOffset = page.nextOffset ?? countMessages(page.messages);
    this.more = page.hasMore === true;
    this.sessionId = page.sessionId;
    this.loading = undefined;
  }

  /** Forgets everything (another session is about to load). */
  clear(): void {
    this.reset({ messages: [] });
    this.sessionId = undefined;
  }

  /**
   * A row that arrived live (`session.message`). Returns false when the transcript already holds
   * its place in history (a repeat, or a row of the page just read), so it is not shown twice.
   */
  noteLive(row: HistoryMessage): boolean {
    const seq = row.__openclaw?.seq;
    if (typeof seq !== 'number') {
      this.liveSince += 1;
      return true;
    }
    if (this.newestSeq !== undefined && seq <= this.newestSeq) return false;
    this.liveSince += 1;
    this.newestSeq = seq;
    this.oldestSeq ??= seq;
    return true;
  }

  /**
   * Fetches the page just older than what the transcript holds: its rows (oldest first, none the
   * transcript has), or [] at the beginning. One fetch at a time; asking again meanwhile waits for it.
   */
  loadEarlier(fetch: PageFetch, limit = EARLIER_PAGE): Promise<HistoryMessage[]> {
    if (!this.more) return Promise.resolve([]);
    this.loading ??= this.fetchEarlier(fetch, limit).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchEarlier(fetch: PageFetch, limit: number): Promise<HistoryMessage[]> {
    const oldest = this.oldestSeq;
    let page: ChatHistoryResult;
    if (oldest === undefined) {
      page = await fetch(limit, this.nextOffset + this.liveSince);
    } else {
      // The page that ends just before the oldest held: offset = messages newer than it.
      const guess = this.total !== undefined ? this.total + this.liveSince - (oldest - 1) : this.nextOffset + this.liveSince;
      page = await fetch(limit, Math.max(0, guess));
      const newest = maxSeq(page.messages);
      if (page.totalMessages !== undefined && newest !== undefined && newest !== oldest - 1) {
        // More (or fewer) messages than counted came meanwhile: ask again where the count now says.
        page = await fetch(limit, Math.max(0, page.totalMessages - (oldest - 1)));
      }
    }
    const rows = oldest === undefined ? page.messages : page.messages.filter((m) => typeof m.__openclaw?.seq !== 'number' || m.__openclaw.seq < oldest);
    this.total = page.totalMessages ?? this.total;
    this.liveSince = 0;
    this.nextOffset = page.nextOffset ?? this.nextOffset + countMessages(page.messages);
    this.oldestSeq = minSeq(rows) ?? this.oldestSeq;
    // The beginning is reached when the gateway says so, or when a page brought nothing older.
    this.more = page.hasMore === true && rows.length > 0 && (this.oldestSeq === undefined || this.oldestSeq > 1);
    return rows;
  }
}

function minSeq(rows: readonly HistoryMessage[]): number | undefined {
  let min: number | undefined;
  for (const row of rows) {
    const seq = row.__openclaw?.seq;
    if (typeof seq === 'number' && (min === undefined || seq < min)) min = seq;
  }
  return min;
}

function maxSeq(rows: readonly HistoryMessage[]): number | undefined {
  let max: number | undefined;
  for (const row of rows) {
    const seq = row.__openclaw?.seq;
    if (typeof seq === 'number' && (max === undefined || seq > max)) max = seq;
  }
  return max;
}

/** Messages, not rows: the gateway sends one message with text and a tool call as two rows of one seq. */
function countMessages(rows: readonly HistoryMessage[]): number {
  const seqs = new Set<number>();
  let unnumbered = 0;
  for (const row of rows) {
    const seq = row.__openclaw?.seq;
    if (typeof seq === 'number') seqs.add(seq);
    else unnumbered += 1;
  }
  return seqs.size + unnumbered;
}
