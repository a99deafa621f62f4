// One view per transcript item. A view owns its element and updates it in place from the latest
// item, touching only what changed, so a streaming reply does not disturb its neighbours (or the
// screen reader). Every host string goes in as text; only assistant markdown becomes markup.
import type { ChatItem, ChipView, UsageView } from '../src/protocol/webview';
import { ApprovalView, QuestionView, type CardContext } from './approval-views';
import { ChangesView, FileDiffBlock } from './changes';
import { button, h, setText, show } from './dom';
import { progressRing } from './elements';
import { IncrementalMarkdown } from './stream';

type Item<K extends ChatItem['kind']> = Extract<ChatItem, { kind: K }>;

export interface ItemContext extends CardContext {
  isToolOpen(id: string): boolean;
  onToolToggle(id: string, open: boolean): void;
  /** Says `text` once through the polite announcer (used for streamed text, see app.ts). */
  announce(text: string): void;
}

export interface ItemView {
  readonly element: HTMLElement;
  readonly kind: ChatItem['kind'];
  /**
   * @param quiet the item was not just said to the person (e.g. it came with a snapshot).
   * @param appended when the text only grew since the last update: what was added.
   */
  update(item: ChatItem, quiet: boolean, appended?: string): void;
}

export function createItemView(item: ChatItem, context: ItemContext): ItemView {
  switch (item.kind) {
    case 'user':
      return new UserView(item.id);
    case 'assistant':
      return new AssistantView(context);
    case 'tool':
      return new ToolView(item.id, context);
    case 'notice':
      return new NoticeView();
    case 'approval':
      return new ApprovalView(context);
    case 'question':
      return new QuestionView(context);
    case 'changes':
      return new ChangesView(item.id);
  }
}

const srOnly = (text: string) => h('span', { class: 'sr-only', text });

/** What happened to a message sent while a reply ran. */
const DELIVERY_TEXT = { steer: 'Steered into the running reply', queue: 'Queued after the running reply', interrupt: 'Sent after stopping the reply' } as const;

class UserView implements ItemView {
  readonly kind = 'user';
  private readonly chips = h('ul', { class: 'chips', attrs: { 'aria-label': 'Attached' } });
  private readonly text = h('div', { class: 'user-text' });
  private readonly delivery = h('div', { class: 'delivery' });
  private readonly pending = h('div', { class: 'pending' });
  private shownChips = '';
  /** What the person can do from a message of theirs (clicks.ts sends the requests). */
  private readonly actions = h(
    'div',
    { class: 'msg-actions' },
    button('Edit and resend', 'msg-action', {
      'data-msg-action': 'fork',
      title: 'Edit and resend from here: a new session with the history before this message, and this message in the box',
    }),
    button('Rewind to here', 'msg-action rewind-action', {
      'data-msg-action': 'rewind',
      title: 'Rewind to here: this message and everything after it leave the session, and the message goes back in the box',
    }),
  );
  readonly element = h(
    'article',
    { class: 'msg user' },
    srOnly('You said:'),
    h('div', { class: 'bubble' }, this.chips, this.text),
    this.delivery,
    this.pending,
    this.actions,
  );

  constructor(id: string) {
    this.element.dataset.itemId = id;
  }

  update(item: ChatItem): void {
    const user = item as Item<'user'>;
    setText(this.text, user.text);
    const chips = JSON.stringify(user.chips ?? []);
    if (chips !== this.shownChips) {
      this.shownChips = chips;
      this.chips.replaceChildren(...(user.chips ?? []).map((chip) => chipElement(chip)));
    }
    show(this.chips, !!user.chips?.length);
    setText(this.delivery, user.delivery ? DELIVERY_TEXT[user.delivery] : '');
    show(this.delivery, !!user.delivery);
    const pending = { queued: 'Queued — sends when connected', waiting: 'Waiting for the running reply…', sending: 'Sending…' } as const;
    setText(this.pending, user.pending ? pending[user.pending] : '');
    show(this.pending, !!user.pending);
    // A message not yet on the gateway cannot be forked or rewound to.
    show(this.actions, !user.pending);
    this.element.classList.toggle('is-pending', !!user.pending);
  }
}

/** A chip as a sent message shows it: the label and a detail (size, "cut"); an image chip adds its thumbnail in the tray. */
export function chipElement(chip: ChipView, ...extra: Array<Node | null | undefined>): HTMLLIElement {
  const detail = chip.detail ? h('span', { class: 'chip-detail', text: chip.detail }) : null;
  return h(
    'li',
    { class: `chip chip-${chip.kind}`, attrs: { title: chip.detail ? `${chip.label} (${chip.detail})` : chip.label } },
    h('span', { class: 'context-chip', text: chip.label }),
    detail,
    ...extra,
  );
}

const OUTCOME_TEXT = { aborted: 'Stopped', interrupted: 'Interrupted — reloaded from history' } as const;

class AssistantView implements ItemView {
  readonly kind = 'assistant';
  private readonly body = h('div', { class: 'markdown' });
  private readonly typing = h('div', { class: 'typing', attrs: { 'aria-hidden': 'true' } }, h('span'), h('span'), h('span'));
  private readonly activity = h('span', { class: 'activity' });
  /** Seconds since the activity line appeared: a first reply can take a while, and this shows it is alive. */
  private readonly elapsed = h('span', { class: 'activity-elapsed', attrs: { 'aria-hidden': 'true' } });
  private readonly activityLine = h('div', { class: 'activity-line' }, this.activity, this.elapsed);
  private activitySince = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Made the first time the reply reports an activity: most rows come from history and never spin. */
  private activityRing: HTMLElement | undefined;
  private readonly outcome = h('div', { class: 'outcome' });
  private readonly usage = h('div', { class: 'usage' });
  readonly element = h('article', { class: 'msg assistant' }, srOnly('OpenClaw said:'), this.body, this.typing, this.activityLine, this.outcome, this.usage);
  private readonly markdown: IncrementalMarkdown;
  private streamed = false;
  /** Whether blocks finished by the current render should go to the announcer. */
  private announcing = false;

  constructor(private readonly context: ItemContext) {
    this.markdown = new IncrementalMarkdown(this.body, (text) => {
      if (this.announcing) context.announce(text);
    });
  }

  update(item: ChatItem, quiet: boolean, appended?: string): void {
    const reply = item as Item<'assistant'>;
    const wasStreaming = this.element.classList.contains('is-streaming');
    // Streamed text is said through the announcer, block by block as each one is finished, and the
    // rest when the reply ends; the log itself must not re-read the tail that changes every frame.
    // The body stays out of the live region for good: dropping `aria-live=off` at the end would
    // have the log read the whole reply a second time.
    if (reply.streaming && !this.streamed) {
      this.streamed = true;
      this.body.setAttribute('aria-live', 'off');
    }
    this.announcing = !quiet && (reply.streaming || wasStreaming);
    if (appended !== undefined) this.markdown.append(appended);
    else this.markdown.setSource(reply.text);
    this.markdown.render(reply.streaming);
    if (this.announcing && !reply.streaming) {
      const rest = this.markdown.pendingText;
      if (rest) this.context.announce(rest);
    }

    show(this.typing, reply.streaming && !reply.text && !reply.activity);
    const active = reply.streaming && !!reply.activity;
    if (active && !this.activityRing) this.activityLine.prepend((this.activityRing = progressRing('activity-ring')));
    setText(this.activity, reply.streaming ? (reply.activity ?? '') : '');
    show(this.activityLine, active);
    this.tickElapsed(active);

    const outcome =
      reply.outcome === 'error' ? (reply.error ?? 'The reply failed.') : reply.outcome && reply.outcome !== 'ok' ? OUTCOME_TEXT[reply.outcome] : '';
    setText(this.outcome, outcome);
    show(this.outcome, !!outcome);
    this.outcome.className = `outcome outcome-${reply.outcome ?? 'none'}`;

    const usage = reply.streaming ? '' : formatUsage(reply.usage);
    setText(this.usage, usage);
    show(this.usage, !!usage);
    this.element.classList.toggle('is-streaming', reply.streaming);
  }

  private tickElapsed(active: boolean): void {
    if (!active) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      this.activitySince = 0;
      setText(this.elapsed, '');
      return;
    }
    this.activitySince ||= performance.now();
    const render = () => {
      // A view dropped from the page (its item replaced) stops its own clock.
      if (!this.element.isConnected && this.ticker !== undefined) return this.tickElapsed(false);
      const seconds = Math.floor((performance.now() - this.activitySince) / 1000);
      setText(this.elapsed, seconds >= ELAPSED_FROM_S ? ` · ${seconds} s` : '');
    };
    render();
    this.ticker ??= setInterval(render, 1000);
  }
}

/** The elapsed time shows from this many seconds on: a quick reply needs no clock. */
const ELAPSED_FROM_S = 3;

const numbers = new Intl.NumberFormat('en-US');

/** "Tokens: 1,204 in · 310 out · 1,514 total", or "" when the host sent no counts. */
export function formatUsage(usage: UsageView | undefined): string {
  if (!usage) return '';
  const parts: string[] = [];
  if (usage.input !== undefined) parts.push(`${numbers.format(usage.input)} in`);
  if (usage.output !== undefined) parts.push(`${numbers.format(usage.output)} out`);
  if (usage.total !== undefined) parts.push(`${numbers.format(usage.total)} total`);
  return parts.length ? `Tokens: ${parts.join(' · ')}` : '';
}

const TOOL_STATUS = { running: 'Running…', done: 'Done', error: 'Failed' } as const;

class ToolView implements ItemView {
  readonly kind = 'tool';
  private readonly name = h('span', { class: 'tool-name' });
  private readonly status = h('span', { class: 'tool-status' });
  private readonly argsLabel = h('div', { class: 'tool-label', text: 'Arguments' });
  private readonly args = h('pre', { class: 'tool-text' });
  private readonly resultLabel = h('div', { class: 'tool-label' });
  private readonly result = h('pre', { class: 'tool-text tool-result' });
  private readonly card: HTMLDetailsElement;
  /** A file tool's diffs, under the card and outside it, so they show while the card is closed. */
  private readonly diffs = h('div', { class: 'file-diffs' });
  private diffBlocks: FileDiffBlock[] = [];
  readonly element: HTMLElement;

  constructor(id: string, context: ItemContext) {
    this.card = h(
      'details',
      { class: 'tool' },
      h(
        'summary',
        {},
        h('span', { class: 'tool-icon', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'tool-kind', text: 'Tool' }),
        this.name,
        this.status,
      ),
      h('div', { class: 'tool-body' }, this.argsLabel, this.args, this.resultLabel, this.result),
    );
    this.card.open = context.isToolOpen(id);
    this.card.addEventListener('toggle', () => context.onToolToggle(id, this.card.open));
    this.element = h('div', { class: 'tool-card', attrs: { 'data-item-id': id } }, this.card, this.diffs);
    this.diffs.hidden = true;
  }

  update(item: ChatItem): void {
    const { tool } = item as Item<'tool'>;
    this.card.dataset.state = tool.state;
    const diffs = tool.diffs ?? [];
    while (this.diffBlocks.length < diffs.length) this.diffBlocks.push(new FileDiffBlock());
    this.diffBlocks.length = diffs.length;
    diffs.forEach((diff, index) => this.diffBlocks[index].update(diff));
    if (this.diffs.childElementCount !== diffs.length || [...this.diffs.children].some((c, i) => c !== this.diffBlocks[i].element))
      this.diffs.replaceChildren(...this.diffBlocks.map((b) => b.element));
    show(this.diffs, diffs.length > 0);
    setText(this.name, tool.name);
    setText(this.status, TOOL_STATUS[tool.state]);
    setText(this.args, tool.args ?? '');
    show(this.argsLabel, !!tool.args);
    show(this.args, !!tool.args);
    setText(this.resultLabel, tool.state === 'error' ? 'Error' : 'Result');
    setText(this.result, tool.result ?? '');
    show(this.resultLabel, !!tool.result);
    show(this.result, !!tool.result);
  }
}

const NOTICE_LABEL = { info: 'Info:', warning: 'Warning:', error: 'Error:' } as const;

class NoticeView implements ItemView {
  readonly kind = 'notice';
  private readonly label = srOnly('');
  private readonly text = h('span', { class: 'notice-text' });
  readonly element = h('div', { class: 'notice' }, h('span', { class: 'notice-icon', attrs: { 'aria-hidden': 'true' } }), this.label, this.text);

  update(item: ChatItem): void {
    const notice = item as Item<'notice'>;
    this.element.className = `notice notice-${notice.level}`;
    setText(this.label, NOTICE_LABEL[notice.level]);
    setText(this.text, notice.text);
  }
}
