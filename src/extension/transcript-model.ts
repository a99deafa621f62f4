/**
 * The transcript of the session on screen, as the host owns it: an ordered list of chat items and
 * the one rule that keeps it in the order history will have (a turn's items go right after its own,
 * even with messages queued behind it). Tells its listener each change, for the chat view to post.
 */
import type { ChatItem } from '../protocol/webview';

export type TranscriptChange =
  | { type: 'snapshot' }
  | { type: 'upsert'; item: ChatItem }
  | { type: 'append'; id: string; text: string }
  | { type: 'remove'; id: string }
  /** Older items went in before the first one (a page of earlier history). */
  | { type: 'prepend'; items: ChatItem[] }
  /** The person should be shown this item (a search hit). */
  | { type: 'reveal'; id: string };

/** What the model needs to know of a turn to place its items. */
export interface TurnPlace {
  sessionKey: string;
  user: { id: string };
  live: ReadonlyMap<string, ChatItem>;
}

export class TranscriptModel {
  private list: ChatItem[] = [];

  constructor(
    /** The session on screen: items of a turn of another session are not shown. */
    private readonly shownSession: () => string,
    private readonly changed: (change: TranscriptChange) => void,
  ) {}

  get items(): readonly ChatItem[] {
    return this.list;
  }

  /** Whether an item of this id is in the transcript. */
  has(id: string): boolean {
    return this.list.some((i) => i.id === id);
  }

  /**
   * Puts older items before the first one (a page of earlier history), leaving out any the
   * transcript already holds; says so with a `prepend`, not a snapshot, so the chat keeps its place.
   */
  prepend(items: readonly ChatItem[]): ChatItem[] {
    const present = new Set(this.list.map((i) => i.id));
    const fresh = items.filter((i) => !present.has(i.id));
    if (!fresh.length) return fresh;
    this.list = [...fresh, ...this.list];
    this.changed({ type: 'prepend', items: fresh });
    return fresh;
  }

  /** Asks the chat to show an item (scrolled to and highlighted), if the transcript has it. */
  reveal(id: string): boolean {
    if (!this.has(id)) return false;
    this.changed({ type: 'reveal', id });
    return true;
  }

  /** Replaces everything (a session switch, a history reload) and says so with a snapshot. */
  replace(items: ChatItem[]): void {
    this.list = items;
    this.changed({ type: 'snapshot' });
  }

  /** Adds or replaces an item, if it belongs to the session on screen. */
  upsert(item: ChatItem, turn?: TurnPlace): void {
    if (turn && turn.sessionKey !== this.shownSession()) return;
    // From the end: the item that changes is nearly always among the last.
    const index = this.list.findLastIndex((i) => i.id === item.id);
    if (index >= 0) {
      this.list[index] = item;
    } else {
      // A turn's new item goes right after the turn's own items: with messages queued behind it,
      // that is not the end, and the transcript must read in the order history will.
      const at = turn ? this.list.findLastIndex((i) => i.id === turn.user.id || turn.live.has(i.id)) + 1 : 0;
      if (turn && at > 0 && at < this.list.length) {
        this.list.splice(at, 0, item);
        this.changed({ type: 'snapshot' });
        return;
      }
      this.list.push(item);
    }
    this.changed({ type: 'upsert', item });
  }

  /**
   * Adds or replaces an item that belongs after `anchorId` (an approval card after the tool call
   * that needs it), or at the end when that item is not shown.
   */
  upsertAfter(item: ChatItem, anchorId: string | undefined): void {
    const index = this.list.findLastIndex((i) => i.id === item.id);
    const anchor = index < 0 && anchorId ? this.list.findLastIndex((i) => i.id === anchorId) : -1;
    if (anchor >= 0 && anchor < this.list.length - 1) {
      this.list.splice(anchor + 1, 0, item);
      this.changed({ type: 'snapshot' });
      return;
    }
    this.upsert(item);
  }

  /** Streamed text for an assistant item: `item` is the item as it now reads, `text` what was added. */
  append(item: ChatItem, text: string, turn: TurnPlace): void {
    if (turn.sessionKey !== this.shownSession()) return;
    const index = this.list.findLastIndex((i) => i.id === item.id);
    if (index >= 0) this.list[index] = item;
    this.changed({ type: 'append', id: item.id, text });
  }

  remove(id: string, turn?: TurnPlace): void {
    if (turn && turn.sessionKey !== this.shownSession()) return;
    this.list = this.list.filter((i) => i.id !== id);
    this.changed({ type: 'remove', id });
  }
}
