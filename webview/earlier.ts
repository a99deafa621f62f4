// "Load earlier": a long session opens with its latest messages, and older pages come as the person
// scrolls up to the top of the conversation (or presses the button at the top, from the keyboard).
// The host answers the `loadEarlier` request with a `prepend` of older items, which the transcript
// builds above what the person reads without moving it (transcript-view.ts, backfill).
import { button, h, setText, show } from './dom';
import { progressRing } from './elements';
import type { RequestChannel } from './requests';

/** Within this many pixels of the top, the next older page is asked for. */
const NEAR_TOP_PX = 400;
/** A page of 1,000 rows on a busy gateway takes a while; the host's own request timeout is 30 s. */
const LOAD_TIMEOUT_MS = 60_000;

const numbers = new Intl.NumberFormat('en-US');

export class EarlierLoader {
  private readonly label = h('span', { class: 'earlier-label' });
  private readonly ring = progressRing('earlier-ring');
  private readonly action = button('Load earlier messages', 'earlier-button');
  /** The row at the top of the conversation; in the log only while there is something older. */
  readonly element = h('div', { class: 'earlier', attrs: { role: 'status' } }, this.ring, this.label, this.action);
  private count = 0;
  private loading = false;
  private failed: string | undefined;
  private log: HTMLElement | undefined;

  constructor(
    private readonly requests: RequestChannel,
    /** Whether the page may ask now (no snapshot being built, not loading the session). */
    private readonly ready: () => boolean,
    /** The row appeared, changed or went: the page should render. */
    private readonly changed: () => void,
  ) {
    this.action.addEventListener('click', () => this.load());
    this.render(false);
  }

  /** The scrolling conversation whose top this row sits at. */
  watch(log: HTMLElement): void {
    this.log = log;
    log.addEventListener('scroll', () => this.check(), { passive: true });
  }

  /** Whether the row belongs at the top of the conversation. */
  get visible(): boolean {
    return this.count > 0 || this.loading || !!this.failed;
  }

  /** What the host says is still older (a snapshot or a prepend). */
  setCount(count: number): void {
    this.count = count;
    this.render();
  }

  /** Asks for the next older page if the person is near the top (or the conversation does not fill the view). */
  check(): void {
    const log = this.log;
    if (!log || !this.count || this.loading || this.failed || !this.ready()) return;
    if (log.scrollTop < NEAR_TOP_PX || log.scrollHeight <= log.clientHeight) this.load();
  }

  private load(): void {
    if (this.loading || !this.count) return;
    this.loading = true;
    this.failed = undefined;
    this.render();
    void this.requests.request('loadEarlier', {}, LOAD_TIMEOUT_MS).then(
      ({ earlier }) => {
        this.loading = false;
        this.count = earlier;
        this.render();
      },
      (error: Error) => {
        this.loading = false;
        this.failed = error.message;
        this.render();
      },
    );
  }

  private render(notify = true): void {
    const text = this.failed
      ? `Could not load earlier messages: ${this.failed}`
      : this.loading
        ? 'Loading earlier messages…'
        : `${numbers.format(this.count)} earlier message${this.count === 1 ? '' : 's'}`;
    setText(this.label, text);
    show(this.ring, this.loading);
    show(this.action, !this.loading);
    setText(this.action, this.failed ? 'Try again' : 'Load earlier messages');
    this.element.setAttribute('aria-busy', String(this.loading));
    if (notify) this.changed();
  }
}
