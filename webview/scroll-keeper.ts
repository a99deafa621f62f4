// Where the conversation is scrolled: pinned to the end while the person follows it (new content
// keeps it there), left alone once they scroll up, with a "Jump to latest" button to come back, and
// a saved position restored once there is content to scroll.
import type { WebviewUiState } from '../src/protocol/webview';
import { button, show } from './dom';

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel layouts never hit 0). */
const BOTTOM_SLACK_PX = 24;

export class ScrollKeeper {
  readonly jump = button('Jump to latest', 'jump');
  /** The saved scroll position waits for the first snapshot that has content to scroll. */
  private toRestore: number | undefined;
  private lastScrollTop = 0;
  private watchedLast: Element | null = null;
  /** The last item grows or shrinks by itself too (chunks laid out late, images): a pinned view follows. */
  private readonly lastItemSize = new ResizeObserver(() => this.follow());

  constructor(
    private readonly log: HTMLElement,
    /** The UI state it reads and writes `stickToBottom` and `scrollTop` of. */
    private readonly ui: WebviewUiState,
    /** Called when the position the UI state records has changed. */
    private readonly changed: () => void,
    jumped: () => void,
  ) {
    this.toRestore = ui.stickToBottom ? undefined : ui.scrollTop;
    show(this.jump, false);
    log.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.jump.addEventListener('click', () => {
      this.ui.stickToBottom = true;
      this.scrollToBottom();
      jumped();
    });
    // A narrower sidebar or a taller input box must not unpin a conversation that follows the end.
    new ResizeObserver(() => this.follow()).observe(log);
  }

  get pinned(): boolean {
    return this.ui.stickToBottom;
  }

  /** Whether a saved position is still to be restored (a snapshot then builds every item at once). */
  get restoring(): boolean {
    return this.toRestore !== undefined;
  }

  /** The person sent a message: follow the conversation again. */
  pin(): void {
    this.ui.stickToBottom = true;
    this.toRestore = undefined;
  }

  /** The person is taken elsewhere in the conversation (a search hit): stop following the end. */
  unpin(): void {
    this.ui.stickToBottom = false;
    this.toRestore = undefined;
    this.changed();
  }

  /** After each render: keep to the end, or restore the saved position once the content is there. */
  afterRender(contentReady: boolean): void {
    this.watchLastItem();
    if (this.ui.stickToBottom) this.scrollToBottom();
    else if (this.toRestore !== undefined && contentReady) {
      this.log.scrollTop = this.toRestore;
      this.toRestore = undefined;
    }
    this.refreshJump();
  }

  private follow(): void {
    if (this.ui.stickToBottom) this.scrollToBottom();
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
    this.changed();
  }

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
}
