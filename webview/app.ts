// The chat view: applies host messages to ChatState as they arrive and brings the DOM up to date
// at most once per animation frame, however many messages came in between. Keeps the UI state
// (draft, scroll, open tool cards) in VS Code's webview state so it survives hide/show.
import { parseHostMessage, type ActionId, type WebviewUiState } from '../src/protocol/webview';
import { ConnectionBanner, EmptyState } from './banner';
import { handleChangeActions } from './changes';
import { handleCodeActions, handleMessageActions, routeLinksToHost } from './clicks';
import { Composer } from './composer';
import { HeaderControls } from './header-controls';
import { h, setText, show } from './dom';
import { EarlierLoader } from './earlier';
import type { ItemContext } from './items';
import { RequestChannel } from './requests';
import { ScrollKeeper } from './scroll-keeper';
import { SeqGate } from './seq';
import { ChatState } from './state';
import { TranscriptView } from './transcript-view';
import type { HostChannel } from './vscode-api';

/** If a requested snapshot has not come by now, the next message asks again. */
const READY_RETRY_MS = 2000;
const SAVE_DELAY_MS = 200;
const ANNOUNCER_KEEP = 8;
/** A decision may wait on the editor's own dialog ("Always allow?"), which a person takes their time over. */
const DECISION_TIMEOUT_MS = 15 * 60_000;

export class ChatApp {
  private readonly state = new ChatState();
  private readonly gate = new SeqGate();
  private readonly ui: WebviewUiState;
  private readonly requests: RequestChannel;

  private readonly sessionTitle = h('h1', { class: 'session-title' });
  private readonly banner: ConnectionBanner;
  private readonly transcript: TranscriptView;
  private readonly scroll: ScrollKeeper;
  private readonly earlier: EarlierLoader;
  private readonly empty = new EmptyState();
  private readonly announcer = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions' } });
  private readonly composer: Composer;
  private readonly controls: HeaderControls;

  // What the next frame must do.
  private frame = 0;
  private resetPending = false;
  private readonly dirty = new Set<string>();
  private chromeDirty = false;
  private revealId: string | undefined;

  private lastReadyAt = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private announcedConnection = '';
  /** Approval and question cards the page has shown, and those a snapshot brought that are new to the person. */
  private knownCards = new Set<string>();
  private readonly freshCards = new Set<string>();
  private seenFirstSnapshot = false;
  private shownSessionKey = '';

  constructor(
    root: HTMLElement,
    private readonly host: HostChannel,
  ) {
    this.ui = host.loadUiState();
    this.requests = new RequestChannel((message) => host.post(message));
    this.banner = new ConnectionBanner((id: ActionId) => host.post({ type: 'action', id }));
    this.composer = new Composer(
      {
        send: (text, chips, delivery) => {
          host.post(chips.length || delivery ? { type: 'send', text, chips, ...(delivery ? { delivery } : {}) } : { type: 'send', text });
          // Sending means "show me the answer": follow the conversation again.
          this.scroll.pin();
          this.saveSoon();
        },
        stop: () => host.post({ type: 'stop' }),
        draftChanged: (draft) => {
          this.ui.draft = draft;
          this.saveSoon();
        },
        discard: (ids) => host.post({ type: 'discard', ids }),
      },
      this.requests,
    );
    this.controls = new HeaderControls(this.requests);
    this.composer.setDraft(this.ui.draft);
    this.earlier = new EarlierLoader(
      this.requests,
      () => !this.state.loading && !this.transcript.backfilling && !this.resetPending,
      () => this.schedule(),
    );
    this.transcript = new TranscriptView(
      this.state,
      this.itemContext,
      () => this.schedule(),
      this.earlier,
      () => this.scroll.pinned,
    );
    this.earlier.watch(this.transcript.element);
    this.scroll = new ScrollKeeper(
      this.transcript.element,
      this.ui,
      () => this.saveSoon(),
      () => this.composer.focus(),
    );

    const logArea = h('div', { class: 'log-area' }, this.transcript.element, this.empty.element, this.scroll.jump);
    root.replaceChildren(this.sessionTitle, this.controls.element, this.banner.element, logArea, this.composer.element, this.announcer);
    show(this.sessionTitle, false);

    routeLinksToHost(host);
    handleCodeActions(this.transcript.element, this.requests, (text) => this.announce(text));
    handleMessageActions(this.transcript.element, this.requests, (text) => this.announce(text));
    handleChangeActions(this.transcript.element, this.requests, (text) => this.announce(text));
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
    if (verdict === 'stale') return;
    // Neither a reply nor focus changes what a snapshot would bring back: both act even while waiting.
    if (message.type === 'focus') this.composer.focus();
    if (message.type === 'reply') this.requests.settle(message);
    switch (verdict) {
      case 'gap':
        this.requestSnapshot();
        return;
      case 'waiting':
        if (Date.now() - this.lastReadyAt > READY_RETRY_MS) this.requestSnapshot();
        return;
      case 'apply':
        break;
    }
    if (message.type === 'reply') return;
    const change = this.state.apply(message);
    switch (change.kind) {
      case 'reset':
        this.noteCards();
        this.resetPending = true;
        this.dirty.clear();
        this.chromeDirty = true;
        break;
      case 'item': {
        const kind = this.state.get(change.id)?.kind;
        if (kind === 'approval' || kind === 'question') this.knownCards.add(change.id);
        this.dirty.add(change.id);
        break;
      }
      case 'removed':
        this.dirty.add(change.id);
        break;
      case 'busy':
      case 'connection':
      case 'session':
      case 'controls':
        this.chromeDirty = true;
        break;
      case 'prepended':
        this.earlier.setCount(this.state.earlier);
        if (change.count) this.transcript.prepended();
        break;
      case 'reveal':
        this.revealId = change.id;
        break;
      case 'draft':
        this.composer.offerDraft(change.text);
        this.composer.focus();
        this.ui.draft = this.composer.value;
        this.saveSoon();
        return;
      case 'focus':
        return;
      case 'desync':
        this.gate.lostTrack();
        this.requestSnapshot();
        return;
    }
    this.schedule();
  }

  /**
   * After a snapshot: which pending cards the page never showed (a card the host placed mid-
   * transcript comes in one), so they are announced like a card that came on its own. The page's
   * first snapshot is what it opens with: nothing in it is news.
   */
  private noteCards(): void {
    if (this.state.loading) return;
    const cards = this.state.items.filter((i) => i.kind === 'approval' || i.kind === 'question');
    if (this.seenFirstSnapshot) for (const card of cards) if (card.state === 'pending' && !this.knownCards.has(card.id)) this.freshCards.add(card.id);
    this.knownCards = new Set(cards.map((c) => c.id));
    this.seenFirstSnapshot = true;
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
    this.transcript.placeHead();
    if (this.resetPending) this.rebuild();
    else if (this.transcript.backfilling) this.transcript.backfill(this.scroll.pinned);
    for (const id of this.dirty) this.transcript.renderItem(id);
    this.dirty.clear();
    if (this.chromeDirty) this.renderChrome();
    this.empty.update(this.state.items.length > 0, this.state.loading);
    if (this.revealId !== undefined) this.reveal(this.revealId);
    this.scroll.afterRender(!this.state.loading && !this.transcript.backfilling && this.state.items.length > 0);
    // A page that does not fill the view, or a person already at the top, gets the next older page.
    if (!this.transcript.backfilling) this.earlier.check();
  }

  /** A search hit: the conversation stops following the end and shows the message, marked. */
  private reveal(id: string): void {
    this.revealId = undefined;
    this.scroll.unpin();
    if (this.transcript.reveal(id)) this.announce('Showing the message found');
  }

  private rebuild(): void {
    this.resetPending = false;
    this.earlier.setCount(this.state.earlier);
    this.transcript.rebuild(this.scroll.restoring);
    if (!this.state.loading) {
      // Forget open cards that no longer exist, so the saved state does not grow forever.
      const open = this.ui.openTools.filter((id) => this.state.get(id)?.kind === 'tool');
      if (open.length !== this.ui.openTools.length) {
        this.ui.openTools = open;
        this.saveSoon();
      }
    }
  }

  private renderChrome(): void {
    this.chromeDirty = false;
    const { connection, session, busy } = this.state;
    this.banner.update(connection);
    setText(this.sessionTitle, session.title);
    // Rewind needs the gateway's admin scope: its button shows only where the connection has it.
    this.transcript.element.classList.toggle('can-rewind', session.canRewind === true);
    show(this.sessionTitle, !!session.title);
    this.composer.setBusy(busy);
    this.composer.setControls(this.state.controls);
    this.controls.update(this.state.controls);
    if (session.key !== this.shownSessionKey) {
      // Another session may have other commands.
      this.shownSessionKey = session.key;
      this.composer.forgetCommands();
    }
    // Say connection changes once, not every tick of a "Reconnecting in 4 s" countdown.
    if (connection.kind !== this.announcedConnection) {
      if (this.announcedConnection) this.announce(connection.title);
      this.announcedConnection = connection.kind;
    }
  }

  private readonly itemContext: ItemContext = {
    isToolOpen: (id: string) => this.ui.openTools.includes(id),
    onToolToggle: (id: string, open: boolean) => {
      const has = this.ui.openTools.includes(id);
      if (open === has) return;
      this.ui.openTools = open ? [...this.ui.openTools, id] : this.ui.openTools.filter((x) => x !== id);
      this.saveSoon();
    },
    announce: (text: string) => this.announce(text),
    decide: async (id, decision) => (await this.requests.request('decideApproval', { id, decision }, DECISION_TIMEOUT_MS)).decided,
    answer: async (id, answers) => (await this.requests.request('answerQuestion', { id, answers }, DECISION_TIMEOUT_MS)).answered,
    skip: async (id) => (await this.requests.request('skipQuestion', { id }, DECISION_TIMEOUT_MS)).skipped,
    copy: async (text) => void (await this.requests.request('copy', { text })),
    takeFreshCard: (id: string) => {
      this.knownCards.add(id);
      return this.freshCards.delete(id);
    },
  };

  private announce(text: string): void {
    this.announcer.append(h('p', { text }));
    while (this.announcer.childElementCount > ANNOUNCER_KEEP) this.announcer.firstElementChild!.remove();
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
