// The chat view: applies host messages to ChatState as they arrive and brings the DOM up to date
// at most once per animation frame, however many messages came in between. Keeps the UI state
// (draft, scroll, open tool cards) in VS Code's webview state so it survives hide/show.
import type { ActionId, ChatItem, WebviewUiState } from '../src/protocol/webview';
import { ConnectionBanner, EmptyState } from './banner';
import { Composer } from './composer';
import { button, h, setText, show } from './dom';
import { createItemView, type ItemView } from './items';
import { codeOfButton, isSafeLink } from './markdown';
import { SeqGate } from './seq';
import { ChatState } from './state';
import { parseHostMessage } from '../src/protocol/webview';
import type { HostChannel } from './vscode-api';

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel layouts never hit 0). */
const BOTTOM_SLACK_PX = 24;
/** If a requested snapshot has not come by now, the next message asks again. */
const READY_RETRY_MS = 2000;
const SAVE_DELAY_MS = 200;
const ANNOUNCER_KEEP = 8;
const COPIED_TICK_MS = 1500;
/** A snapshot first shows this many of its newest items, so a long history paints at once... */
const FIRST_PAINT_ITEMS = 30;
/** ...and builds the older ones in later frames, this much script per frame. */
const BACKFILL_BUDGET_MS = 8;

export class ChatApp {
  private readonly state = new ChatState();
  private readonly gate = new SeqGate();
  private readonly views = new Map<string, ItemView>();
  private readonly ui: WebviewUiState;

  private readonly sessionTitle = h('h1', { class: 'session-title' });
  private readonly banner: ConnectionBanner;
  private readonly log = h('div', {
    class: 'log',
    attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' },
  });
  private readonly empty = new EmptyState();
  private readonly jump = button('Jump to latest', 'jump');
  private readonly announcer = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions' } });
  private readonly composer: Composer;

  // What the next frame must do.
  private frame = 0;
  private resetPending = false;
  private readonly dirty = new Set<string>();
  private chromeDirty = false;
  /** Items older than the oldest one on the page are still to be built (after a snapshot). */
  private backfilling = false;
  /** The saved scroll position waits for the first snapshot that has content to scroll. */
  private scrollToRestore: number | undefined;

  private lastReadyAt = 0;
  private lastScrollTop = 0;
  private watchedLast: Element | null = null;
  private readonly lastItemSize = new ResizeObserver(() => {
    if (this.ui.stickToBottom) this.scrollToBottom();
  });
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private announcedConnection = '';

  constructor(
    root: HTMLElement,
    private readonly host: HostChannel,
  ) {
    this.ui = host.loadUiState();
    this.scrollToRestore = this.ui.stickToBottom ? undefined : this.ui.scrollTop;
    this.banner = new ConnectionBanner((id: ActionId) => host.post({ type: 'action', id }));
    this.composer = new Composer({
      send: (text) => {
        host.post({ type: 'send', text });
        // Sending means "show me the answer": follow the conversation again.
        this.ui.stickToBottom = true;
        this.scrollToRestore = undefined;
        this.saveSoon();
      },
      stop: () => host.post({ type: 'stop' }),
      draftChanged: (draft) => {
        this.ui.draft = draft;
        this.saveSoon();
      },
    });
    this.composer.setDraft(this.ui.draft);

    const logArea = h('div', { class: 'log-area' }, this.log, this.empty.element, this.jump);
    root.replaceChildren(this.sessionTitle, this.banner.element, logArea, this.composer.element, this.announcer);
    show(this.sessionTitle, false);
    show(this.jump, false);
    this.log.setAttribute('aria-busy', 'true');

    // Links take one path: in the capture phase on the window, before VS Code's own webview script
    // (which would open the link at once, without asking) can see the click; the host opens it
    // through openExternal, which asks for an untrusted domain. Middle-click counts as a click.
    for (const type of ['click', 'auxclick'] as const) window.addEventListener(type, (event) => this.onLinkClick(event), true);
    this.log.addEventListener('click', (event) => this.onCodeAction(event));
    this.log.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.jump.addEventListener('click', () => {
      this.ui.stickToBottom = true;
      this.scrollToBottom();
      this.composer.focus();
    });
    // A narrower sidebar or a taller input box must not unpin a conversation that follows the end.
    new ResizeObserver(() => {
      if (this.ui.stickToBottom) this.scrollToBottom();
    }).observe(this.log);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.saveNow();
    });
  }

  /** Starts listening to the host and asks it for the conversation. */
  start(): void {
    window.addEventListener('message', (event) => this.receive(event.data));
    this.requestSnapshot();
  }

  private receive(data: unknown): void {
    const message = parseHostMessage(data);
    if (!message) return;
    const verdict = this.gate.check(message);
    // Focus changes nothing the snapshot would bring back, so it is honoured even while waiting.
    if (message.type === 'focus' && verdict !== 'stale') this.composer.focus();
    switch (verdict) {
      case 'stale':
        return;
      case 'gap':
        this.requestSnapshot();
        return;
      case 'waiting':
        if (Date.now() - this.lastReadyAt > READY_RETRY_MS) this.requestSnapshot();
        return;
      case 'apply':
        break;
    }
    const change = this.state.apply(message);
    switch (change.kind) {
      case 'reset':
        this.resetPending = true;
        this.dirty.clear();
        this.chromeDirty = true;
        break;
      case 'item':
      case 'removed':
        this.dirty.add(change.id);
        break;
      case 'busy':
      case 'connection':
      case 'session':
        this.chromeDirty = true;
        break;
      case 'focus':
        return;
      case 'desync':
        this.gate.lostTrack();
        this.requestSnapshot();
        return;
    }
    this.schedule();
  }

  private requestSnapshot(): void {
    this.lastReadyAt = Date.now();
    this.host.post({ type: 'ready' });
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  /** The one place the transcript DOM changes: once per frame, for everything since the last. */
  private render(): void {
    this.frame = 0;
    if (this.resetPending) this.rebuild();
    else if (this.backfilling) this.backfill();
    for (const id of this.dirty) this.renderItem(id);
    this.dirty.clear();
    if (this.chromeDirty) this.renderChrome();
    this.empty.update(this.state.items.length > 0, this.state.loading);

    this.watchLastItem();
    if (this.ui.stickToBottom) this.scrollToBottom();
    else if (this.scrollToRestore !== undefined && !this.state.loading && !this.backfilling && this.state.items.length) {
      this.log.scrollTop = this.scrollToRestore;
      this.scrollToRestore = undefined;
    }
    this.refreshJump();
  }

  private rebuild(): void {
    this.resetPending = false;
    // A snapshot replaces the page; the person should not hear the whole history read out. The
    // log leaves the live region while its children are swapped and rejoins a frame later, after
    // the accessibility tree has taken the change in silence.
    this.log.setAttribute('aria-live', 'off');
    this.views.clear();
    const items = this.state.items;
    // Restoring a saved scroll position needs the real height of everything above it, so then the
    // whole history is built at once, as it is when it fits in the first frame anyway.
    const first = this.scrollToRestore === undefined ? Math.max(0, items.length - FIRST_PAINT_ITEMS) : 0;
    this.log.replaceChildren(...items.slice(first).map((item) => this.build(item)));
    this.backfilling = first > 0;
    if (this.backfilling) {
      this.log.setAttribute('aria-busy', 'true');
      this.schedule();
    } else {
      this.settle();
    }
    if (!this.state.loading) {
      // Forget open cards that no longer exist, so the saved state does not grow forever.
      const open = this.ui.openTools.filter((id) => this.state.get(id)?.kind === 'tool');
      if (open.length !== this.ui.openTools.length) {
        this.ui.openTools = open;
        this.saveSoon();
      }
    }
  }

  private build(item: ChatItem): HTMLElement {
    const view = createItemView(item, this.itemContext);
    this.state.takeAppended(item.id);
    view.update(item, true);
    this.views.set(item.id, view);
    return view.element;
  }

  /**
   * Builds the items just older than the oldest on the page, for one frame's budget, and puts them
   * above it without moving what the person is looking at.
   */
  private backfill(): void {
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
    const anchor = this.log.firstElementChild;
    const topBefore = anchor?.getBoundingClientRect().top ?? 0;
    this.log.prepend(...elements);
    if (anchor && !this.ui.stickToBottom) this.log.scrollTop += anchor.getBoundingClientRect().top - topBefore;
    this.backfilling = start > 0;
    if (this.backfilling) this.schedule();
    else this.settle();
  }

  /** The page holds the whole snapshot: the log rejoins the live region a frame later. */
  private settle(): void {
    requestAnimationFrame(() => {
      if (!this.backfilling && !this.resetPending) this.log.setAttribute('aria-live', 'polite');
    });
    this.log.setAttribute('aria-busy', String(this.state.loading));
  }

  /** An item above the oldest one on the page: backfill builds it, as it is by then. */
  private awaitsBackfill(id: string): boolean {
    if (!this.backfilling) return false;
    for (const item of this.state.items) {
      if (item.id === id) return true;
      if (this.views.has(item.id)) return false;
    }
    return false;
  }

  private renderItem(id: string): void {
    const item = this.state.get(id);
    let view = this.views.get(id);
    if (!item) {
      view?.element.remove();
      this.views.delete(id);
      return;
    }
    if (!view && this.awaitsBackfill(id)) return;
    if (!view || view.kind !== item.kind) {
      const fresh = createItemView(item, this.itemContext);
      if (view) view.element.replaceWith(fresh.element);
      else this.log.insertBefore(fresh.element, this.nextElementAfter(id));
      this.views.set(id, fresh);
      this.state.takeAppended(id);
      fresh.update(item, false);
      return;
    }
    view.update(item, false, this.state.takeAppended(id));
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

  private renderChrome(): void {
    this.chromeDirty = false;
    const { connection, session, busy } = this.state;
    this.banner.update(connection);
    setText(this.sessionTitle, session.title);
    show(this.sessionTitle, !!session.title);
    this.composer.setBusy(busy);
    // Say connection changes once, not every tick of a "Reconnecting in 4 s" countdown.
    if (connection.kind !== this.announcedConnection) {
      if (this.announcedConnection) this.announce(connection.title);
      this.announcedConnection = connection.kind;
    }
  }

  private readonly itemContext = {
    isToolOpen: (id: string) => this.ui.openTools.includes(id),
    onToolToggle: (id: string, open: boolean) => {
      const has = this.ui.openTools.includes(id);
      if (open === has) return;
      this.ui.openTools = open ? [...this.ui.openTools, id] : this.ui.openTools.filter((x) => x !== id);
      this.saveSoon();
    },
    announce: (text: string) => this.announce(text),
  };

  private announce(text: string): void {
    this.announcer.append(h('p', { text }));
    while (this.announcer.childElementCount > ANNOUNCER_KEEP) this.announcer.firstElementChild!.remove();
  }

  private onLinkClick(event: MouseEvent): void {
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.button > 1) return;
    const href = link.getAttribute('href');
    if (href && isSafeLink(href)) this.host.post({ type: 'openLink', href });
  }

  private onCodeAction(event: MouseEvent): void {
    const target = event.target as Element;
    const action = target.closest<HTMLButtonElement>('button[data-code-action]');
    if (!action) return;
    const text = codeOfButton(action);
    if (text === undefined) return;
    if (action.dataset.codeAction === 'copy') {
      this.host.post({ type: 'copy', text });
      this.announce('Copied code to the clipboard');
      // A tick for the eye (CSS, outside the accessible name, which stays "Copy").
      action.classList.add('is-done');
      setTimeout(() => action.classList.remove('is-done'), COPIED_TICK_MS);
    } else {
      this.host.post({ type: 'insert', text });
    }
  }

  private onScroll(): void {
    const log = this.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight <= BOTTOM_SLACK_PX;
    // Only the person scrolling up unpins the view. Content below that grows by itself (an
    // off-screen chunk laid out at its real height as it comes into view) leaves a gap without
    // moving up: the view stays pinned and follows.
    const movedUp = log.scrollTop < this.lastScrollTop - 1;
    if (atBottom) this.ui.stickToBottom = true;
    else if (movedUp) this.ui.stickToBottom = false;
    else if (this.ui.stickToBottom) this.scrollToBottom();
    this.lastScrollTop = log.scrollTop;
    this.ui.scrollTop = log.scrollTop;
    this.refreshJump();
    this.saveSoon();
  }

  /** The last item grows or shrinks by itself too (chunks laid out late, images): a pinned view follows. */
  private watchLastItem(): void {
    const last = this.log.lastElementChild;
    if (last === this.watchedLast) return;
    if (this.watchedLast) this.lastItemSize.unobserve(this.watchedLast);
    this.watchedLast = last;
    if (last) this.lastItemSize.observe(last);
  }

  private scrollToBottom(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private refreshJump(): void {
    show(this.jump, !this.ui.stickToBottom && this.log.scrollHeight > this.log.clientHeight);
  }

  private saveSoon(): void {
    if (this.saveTimer === undefined) this.saveTimer = setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  private saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.host.saveUiState({ ...this.ui, openTools: [...this.ui.openTools] });
  }
}
