// The log of the conversation: one view per item, built from ChatState. A snapshot paints its
// newest items at once and builds the older ones in later frames, above what the person reads
// (backfill); a page of earlier history (`prepend`) is built the same way; single items are added,
// updated and removed in place between snapshots. The "earlier messages" row, when there is one,
// stays the log's first child, above every item.
import type { ChatItem } from '../src/protocol/webview';
import { h } from './dom';
import { createItemView, type ItemContext, type ItemView } from './items';
import type { ChatState } from './state';

/** A snapshot first shows this many of its newest items, so a long history paints at once... */
const FIRST_PAINT_ITEMS = 30;
/** ...and builds the older ones in later frames, this much script per frame. */
const BACKFILL_BUDGET_MS = 8;

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

  constructor(
    private readonly state: ChatState,
    private readonly context: ItemContext,
    /** Asks for another frame (backfill goes on in the next one). */
    private readonly requestFrame: () => void,
    /** The row above every item ("earlier messages"), and whether it is to be shown. */
    private readonly head: { readonly element: HTMLElement; readonly visible: boolean },
  ) {}

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
    while (start > 0 && (elements.length === 0 || performance.now() - started < BACKFILL_BUDGET_MS)) {
      const element = this.build(items[--start]);
      // Out of view until scrolled to: chat.css lets Chromium skip their layout and paint.
      element.dataset.backfilled = '';
      elements.unshift(element);
    }
    // Measured on the oldest element shown, not from scrollHeight: Chromium's scroll anchoring may
    // already have compensated part of the growth, or (at the very top) none of it.
    const anchor = this.firstItemElement();
    const topBefore = anchor?.getBoundingClientRect().top ?? 0;
    if (this.head.element.parentElement === this.element) this.head.element.after(...elements);
    else this.element.prepend(...elements);
    if (anchor && !pinned) this.element.scrollTop += anchor.getBoundingClientRect().top - topBefore;
    this.pendingBackfill = start > 0;
    if (this.pendingBackfill) this.requestFrame();
    else this.settle();
  }

  /** Adds, updates or removes the view of one item, as the state has it now. */
  renderItem(id: string): void {
    const item = this.state.get(id);
    const view = this.views.get(id);
    if (!item) {
      view?.element.remove();
      this.views.delete(id);
      return;
    }
    if (!view && this.awaitsBackfill(id)) return;
    if (!view || view.kind !== item.kind) {
      const fresh = createItemView(item, this.context);
      if (view) view.element.replaceWith(fresh.element);
      else this.element.insertBefore(fresh.element, this.nextElementAfter(id));
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
    while (end > target) {
      const element = this.build(items[--end]);
      element.dataset.backfilled = '';
      elements.unshift(element);
    }
    // No anchor to keep: the item revealed is scrolled to next.
    if (this.head.element.parentElement === this.element) this.head.element.after(...elements);
    else this.element.prepend(...elements);
    this.pendingBackfill = target > 0;
    if (this.pendingBackfill) this.requestFrame();
    else this.settle();
  }

  /** The element of the oldest item on the page (the head row is not an item). */
  private firstItemElement(): Element | null {
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
