// Keeps what the person reads in place while the log changes above it (older pages built above,
// content-visibility estimates turning into real heights, items added or resized above).
//
// Chromium's own scroll anchoring did not hold: with a page prepended before the frame that lays
// out what a scroll brought into view (code-server's host answers that fast), the items there
// changed from their estimated heights to their real ones after the page's correction, and the
// message being read moved down by ~1,750 px. So the log opts out (`overflow-anchor: none` in
// chat.css) and this does it instead: it remembers the element at the top edge of the view (an
// item, or a chunk of a long reply) and its offset, and puts it back after the DOM changes and
// whenever a child of the log changes size, from a ResizeObserver, which runs after layout and
// before paint: the person never sees the page in the wrong place.

/** An element and where its top was, in pixels below the log's top edge. */
interface Anchor {
  element: Element;
  offset: number;
}

/** Up to this many children, scan them in order (skipping hidden ones); above, search (in order, top to bottom). */
const SCAN_LIMIT = 16;

export class ReadingAnchor {
  private anchor: Anchor | undefined;
  /**
   * The log's scrollTop when the anchor was taken or last put back. Any other value means someone
   * scrolled since (the person, or a programmatic scroll whose event has not come yet): what is at
   * the top edge then is the new anchor, not something to undo.
   */
  private known = Number.NaN;
  private readonly sizes = new ResizeObserver(() => this.restore());

  constructor(
    private readonly log: HTMLElement,
    /**
     * The row above every item ("earlier messages"): never the anchor. Scrolled to the very top,
     * it is what crosses the edge, and it stays at the top as a page goes in below it: held, it
     * would let the page push what is read down by the page's height (and, the view still at the
     * top, ask for the next page at once).
     */
    private readonly head: Element,
    /** Whether the view follows the end (ScrollKeeper): then the end is what is kept, not an anchor. */
    private readonly pinned: () => boolean,
  ) {
    // Every child of the log (an item, a group of folds of items, the head row) is watched for its size.
    for (const child of log.children) this.sizes.observe(child);
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.removedNodes) if (node instanceof Element) this.sizes.unobserve(node);
        for (const node of record.addedNodes) if (node instanceof Element) this.sizes.observe(node);
      }
    }).observe(log, { childList: true });
    // At the start of a frame, before its layout: what the person scrolled to, as they see it.
    log.addEventListener('scroll', () => this.hold(), { passive: true });
  }

  /** Before the DOM changes: takes what is at the top edge as the anchor, unless it still is. */
  hold(): void {
    if (!this.anchor?.element.isConnected || this.scrolledSince()) this.capture();
  }

  /** After the DOM changed or laid out anew: puts the anchor back where it was. */
  restore(): void {
    if (this.pinned()) return;
    const anchor = this.anchor;
    if (!anchor?.element.isConnected || this.scrolledSince()) return this.capture();
    const shift = anchor.element.getBoundingClientRect().top - this.log.getBoundingClientRect().top - anchor.offset;
    if (Math.abs(shift) < 0.5) return;
    const wanted = this.log.scrollTop + shift;
    this.log.scrollTop = wanted;
    this.known = this.log.scrollTop;
    // Clamped (at the very top or end): what could not be kept is the new position.
    if (Math.abs(this.log.scrollTop - wanted) >= 1) this.capture();
  }

  private scrolledSince(): boolean {
    return !(Math.abs(this.log.scrollTop - this.known) < 1);
  }

  private capture(): void {
    this.known = this.log.scrollTop;
    const edge = this.log.getBoundingClientRect().top;
    const element = this.elementAtEdge(edge);
    this.anchor = element ? { element, offset: element.getBoundingClientRect().top - edge } : undefined;
  }

  /**
   * The finest element across the top edge: a child of the log; in a group, its fold; in a fold,
   * its item; in a long reply, its chunk. (Not deeper: a chunk is a few KB of text, and its blocks
   * can be anything.) A group or fold whose content Chromium skips is the anchor itself: measuring an item in it would make
   * Chromium style and lay out the whole fold in this task (40 ms for a fold of long replies on a
   * loaded machine), and the fold's top holds its items as well as any of them would.
   */
  private elementAtEdge(edge: number): Element | undefined {
    let element = firstBelow(this.log, edge);
    if (element === this.head) element = element.nextElementSibling ?? undefined;
    for (let depth = 0; depth < 2 && element && isShownGroup(element); depth++) element = firstBelow(element, edge) ?? element;
    const markdown = element && element.getBoundingClientRect().top < edge ? element.querySelector(':scope > .markdown') : null;
    const chunk = markdown?.firstElementChild?.classList.contains('md-chunk') ? firstBelow(markdown, edge) : undefined;
    return chunk ?? element;
  }
}

/**
 * A group (always: its folds are boxes of known height even when it is skipped, and new folds go
 * in at its top), or a fold whose items Chromium lays out (not skipped by content-visibility).
 */
function isShownGroup(element: Element): boolean {
  const classes = element.classList;
  if (classes.contains('log-group')) return true;
  return classes.contains('log-fold') && !!element.firstElementChild?.checkVisibility({ contentVisibilityAuto: true });
}

/** The first child of `parent` whose bottom is below `edge` (children laid out top to bottom). */
function firstBelow(parent: Element, edge: number): Element | undefined {
  const children = parent.children;
  const below = (i: number) => {
    const rect = children[i].getBoundingClientRect();
    return rect.height > 0 && rect.bottom > edge + 1;
  };
  if (children.length <= SCAN_LIMIT) {
    for (let i = 0; i < children.length; i++) if (below(i)) return children[i];
    return undefined;
  }
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid].getBoundingClientRect().bottom > edge + 1) hi = mid;
    else lo = mid + 1;
  }
  return children[lo];
}
