// The log of the conversation: one view per item, built from ChatState. A snapshot paints its
// newest items at once and builds the older ones in later frames, above what the person reads
// (backfill); a page of earlier history (`prepend`) is built the same way; single items are added,
// updated and removed in place between snapshots. The "earlier messages" row, when there is one,
// stays the log's first child, above every item.
//
// What backfill builds goes into folds of FOLD_ITEMS items (`div.log-fold`), GROUP_FOLDS folds to a
// group (`div.log-group`), which chat.css lets Chromium skip (style, layout, paint) while they are
// far from view. A session read from its end to its start has 10,000 messages on the page; as loose
// children of the log, each frame's layout and visibility checks went over all of them (a frame took
// up to 1.5 s at the end). Grouped, a frame pays for the folds near the view and a box per group. The text stays in the DOM: selection
// and copy work across folds, and Chromium's find-in-page finds text in a skipped fold and shows it.
import type { ChatItem } from '../src/protocol/webview';
import { h } from './dom';
import { createItemView, type ItemContext, type ItemView } from './items';
import { ReadingAnchor } from './reading-anchor';
import type { ChatState } from './state';

/** A snapshot first shows this many of its newest items, so a long history paints at once... */
const FIRST_PAINT_ITEMS = 30;
/** ...and builds the older ones in later frames, this much script per frame. */
const BACKFILL_BUDGET_MS = 4;
/**
 * Items per fold: few enough that styling and laying one out as it comes into view fits in a
 * frame, many enough that 10,000 messages make a thousand boxes, not 10,000.
 */
const FOLD_ITEMS = 5;
/** Folds per group: the log itself then has a few dozen children (each frame's layout goes over them). */
const GROUP_FOLDS = 40;

export class TranscriptView {
  readonly element = h('div', {
    class: 'log',
    attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0', 'aria-busy': 'true' },
  });
  private readonly views = new Map<string, ItemView>();
  /** Items older than the oldest one on the page are still to be built (after a snapshot). */
  private pendingBackfill = false;
  /** Counts rebuilds, so that a settle meant for an earlier one does not act on a newer one. */
  private generation = 0;
  private revealed: HTMLElement | undefined;
  /** What the person reads stays in place as older items are built above it. */
  private readonly anchor: ReadingAnchor;

  constructor(
    private readonly state: ChatState,
    private readonly context: ItemContext,
    /** Asks for another frame (backfill goes on in the next one). */
    private readonly requestFrame: () => void,
    /** The row above every item ("earlier messages"), and whether it is to be shown. */
    private readonly head: { readonly element: HTMLElement; readonly visible: boolean },
    /** Whether the view follows the end (then nothing above it needs to stay in place). */
    pinned: () => boolean,
  ) {
    this.anchor = new ReadingAnchor(this.element, head.element, pinned);
  }

  /** Puts the head row at the top of the log, or takes it out. */
  placeHead(): void {
    const inLog = this.head.element.parentElement === this.element;
    if (this.head.visible && !inLog) this.element.prepend(this.head.element);
    else if (!this.head.visible && inLog) this.head.element.remove();
  }

  /**
   * Older items went in before the first one: they are built above what the person reads, a
   * frame's budget at a time, out of the live region (a screen reader is not read the old page).
   */
  prepended(): void {
    this.element.setAttribute('aria-live', 'off');
    this.generation += 1;
    this.pendingBackfill = true;
    this.element.setAttribute('aria-busy', 'true');
    this.requestFrame();
  }

  /**
   * Scrolls to an item and marks it (a search hit): builds every item down to it first if a
   * backfill has not reached it yet. Returns whether the item is on the page.
   */
  reveal(id: string): boolean {
    if (!this.views.has(id) && this.awaitsBackfill(id)) this.buildThrough(id);
    const view = this.views.get(id);
    if (!view) return false;
    this.revealed?.classList.remove('is-revealed');
    this.revealed = view.element;
    view.element.classList.add('is-revealed');
    view.element.setAttribute('tabindex', '-1');
    view.element.scrollIntoView({ block: 'center' });
    view.element.focus({ preventScroll: true });
    return true;
  }

  get backfilling(): boolean {
    return this.pendingBackfill;
  }

  /**
   * Replaces the page with the state's items. With `all`, builds every item now (restoring a saved
   * scroll position needs the real height of everything above it).
   */
  rebuild(all: boolean): void {
    // A snapshot replaces the page; the person should not hear the whole history read out. The
    // log leaves the live region while its children are swapped and rejoins a frame later, after
    // the accessibility tree has taken the change in silence.
    this.element.setAttribute('aria-live', 'off');
    this.generation += 1;
    this.views.clear();
    const items = this.state.items;
    const first = all ? 0 : Math.max(0, items.length - FIRST_PAINT_ITEMS);
    this.revealed = undefined;
    const built = items.slice(first).map((item) => this.build(item));
    this.element.replaceChildren(...(this.head.visible ? [this.head.element] : []), ...built);
    this.pendingBackfill = first > 0;
    if (this.pendingBackfill) {
      this.element.setAttribute('aria-busy', 'true');
      this.requestFrame();
    } else {
      this.settle();
    }
  }

  /**
   * Builds the items just older than the oldest on the page, for one frame's budget, and puts them
   * above it; unless `pinned`, without moving what the person is looking at.
   */
  backfill(pinned: boolean): void {
    const items = this.state.items;
    let end = items.findIndex((item) => this.views.has(item.id));
    if (end < 0) end = items.length;
    const started = performance.now();
    const elements: HTMLElement[] = [];
    let start = end;
    while (start > 0 && (elements.length === 0 || performance.now() - started < BACKFILL_BUDGET_MS)) elements.unshift(this.build(items[--start]));
    if (!pinned) this.anchor.hold();
    this.placeAbove(elements);
    // At once, so the frame is painted right; later size changes above are put right as they come.
    if (!pinned) this.anchor.restore();
    this.pendingBackfill = start > 0;
    if (this.pendingBackfill) this.requestFrame();
    else this.settle();
  }

  /** Adds, updates or removes the view of one item, as the state has it now. */
  renderItem(id: string): void {
    const item = this.state.get(id);
    const view = this.views.get(id);
    if (!item) {
      if (view) this.removeElement(view.element);
      this.views.delete(id);
      return;
    }
    if (!view && this.awaitsBackfill(id)) return;
    if (!view || view.kind !== item.kind) {
      const fresh = createItemView(item, this.context);
      if (view) view.element.replaceWith(fresh.element);
      else this.insertBefore(fresh.element, this.nextElementAfter(id));
      this.views.set(id, fresh);
      this.state.takeAppended(id);
      fresh.update(item, false);
      return;
    }
    view.update(item, false, this.state.takeAppended(id));
  }

  private build(item: ChatItem): HTMLElement {
    const view = createItemView(item, this.context);
    this.state.takeAppended(item.id);
    view.update(item, true);
    this.views.set(item.id, view);
    return view.element;
  }

  /** Builds every item from the oldest on the page back to `id` now, keeping what is on screen in place. */
  private buildThrough(id: string): void {
    const items = this.state.items;
    const target = items.findIndex((item) => item.id === id);
    let end = items.findIndex((item) => this.views.has(item.id));
    if (target < 0 || end < 0 || target >= end) return;
    const elements: HTMLElement[] = [];
    while (end > target) elements.unshift(this.build(items[--end]));
    // No anchor to keep: the item revealed is scrolled to next.
    this.placeAbove(elements);
    this.pendingBackfill = target > 0;
    if (this.pendingBackfill) this.requestFrame();
    else this.settle();
  }

  /**
   * Puts `elements` (oldest first) above every item on the page, in new folds of up to FOLD_ITEMS,
   * GROUP_FOLDS to a group (the top group is filled first).
   */
  private placeAbove(elements: HTMLElement[]): void {
    const top = this.firstChildBelowHead();
    let group = top?.classList.contains('log-group') ? top : undefined;
    // Never into a fold already on the page: the item read may be in it, and a fold Chromium
    // skips is what the reading anchor holds (its top), which would not show items put inside it.
    let fold: Element | undefined;
    for (let end = elements.length; end > 0;) {
      if (!fold || fold.childElementCount >= FOLD_ITEMS) {
        if (!group || group.childElementCount >= GROUP_FOLDS) {
          const fresh = h('div', { class: 'log-group' });
          const below = group ?? top;
          if (below) below.before(fresh);
          else this.element.append(fresh);
          group = fresh;
        }
        fold = h('div', { class: 'log-fold' });
        group.prepend(fold);
      }
      const start = Math.max(0, end - (FOLD_ITEMS - fold.childElementCount));
      fold.prepend(...elements.slice(start, end));
      end = start;
    }
  }

  /** Puts an item's element before `next`'s (in its fold, if it is in one), or at the end of the log. */
  private insertBefore(element: HTMLElement, next: HTMLElement | null): void {
    if (next) next.before(element);
    else this.element.append(element);
  }

  /** Takes an item's element off the page, and its fold and group with it when they are left empty. */
  private removeElement(element: HTMLElement): void {
    let parent = element.parentElement;
    element.remove();
    while (parent && parent !== this.element && !parent.firstElementChild) {
      const empty = parent;
      parent = parent.parentElement;
      empty.remove();
    }
  }

  private firstChildBelowHead(): Element | null {
    const first = this.element.firstElementChild;
    return first === this.head.element ? first.nextElementSibling : first;
  }

  /** The page holds the whole snapshot: the log rejoins the live region a frame later. */
  private settle(): void {
    const generation = this.generation;
    requestAnimationFrame(() => {
      if (!this.pendingBackfill && generation === this.generation) this.element.setAttribute('aria-live', 'polite');
    });
    this.element.setAttribute('aria-busy', String(this.state.loading));
  }

  /** An item above the oldest one on the page: backfill builds it, as it is by then. */
  private awaitsBackfill(id: string): boolean {
    if (!this.pendingBackfill) return false;
    for (const item of this.state.items) {
      if (item.id === id) return true;
      if (this.views.has(item.id)) return false;
    }
    return false;
  }

  /** The element of the first item after `id` that is already on the page (null: append). */
  private nextElementAfter(id: string): HTMLElement | null {
    const items = this.state.items;
    for (let i = items.findIndex((item) => item.id === id) + 1; i < items.length; i++) {
      const view = this.views.get(items[i].id);
      if (view) return view.element;
    }
    return null;
  }
}
