// The cards of what the agent waits for: an exec approval (the command, where it runs, any
// warning, a countdown, and exactly the decisions the gateway allows) and a question (options,
// an own answer, a masked secret, Submit and Skip). Every string is the gateway's and goes in as
// text. A card only says what the person chose: the host checks it and tells the gateway, and the
// card shows the outcome the host sends back. Each card speaks through the announcer, once when
// it arrives and once when it ends, and stays quiet in the log otherwise.
import type { ApprovalDecision } from '../src/protocol/gateway';
import type { ChatItem, QuestionView as Question } from '../src/protocol/webview';
import { button, h, setText, show } from './dom';

type Item<K extends ChatItem['kind']> = Extract<ChatItem, { kind: K }>;
type Answers = Array<{ questionId: string; values: string[] }>;

/** What a card needs from the page: the host's requests, the announcer. */
export interface CardContext {
  /** Resolves with whether the decision went to the gateway (false: the person cancelled the editor's dialog). */
  decide(approvalId: string, decision: ApprovalDecision): Promise<boolean>;
  answer(questionId: string, answers: Answers): Promise<boolean>;
  skip(questionId: string): Promise<boolean>;
  copy(text: string): Promise<void>;
  announce(text: string): void;
  /**
   * Whether a card that arrived inside a snapshot (built quietly) is new to the person and should be
   * announced: true once per card the page had not shown before, never for the page's first snapshot.
   */
  takeFreshCard(id: string): boolean;
}

const DECISION_LABELS: Record<ApprovalDecision, string> = { 'allow-once': 'Allow once', 'allow-always': 'Allow always', deny: 'Deny' };
const APPROVAL_STATUS: Record<Item<'approval'>['state'], string> = {
  pending: 'Waiting for you',
  deciding: 'Sending…',
  allowed: 'Allowed',
  denied: 'Denied',
  expired: 'Expired',
  cancelled: 'Cancelled',
};
const QUESTION_STATUS: Record<Item<'question'>['state'], string> = {
  pending: 'Waiting for you',
  submitting: 'Sending…',
  answered: 'Answered',
  skipped: 'Skipped',
  expired: 'Expired',
  cancelled: 'Cancelled',
};
/** A command longer than this is folded (scrollable) until the person unfolds it. */
const FOLD_LINES = 8;
const FOLD_CHARS = 600;

let nextDomId = 0;
const domId = (prefix: string) => `${prefix}-${++nextDomId}`;

/** "Expires in 29:41" (h:mm:ss past an hour), or "" when there is no deadline. */
export function formatRemaining(expiresAtMs: number | undefined, now: number): string {
  if (expiresAtMs === undefined) return '';
  const total = Math.max(0, Math.ceil((expiresAtMs - now) / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return `Expires in ${hours ? `${hours}:${two(minutes)}` : minutes}:${two(seconds)}`;
}

/** A once-a-second countdown that stops when its card ends or leaves the page. */
class Countdown {
  /** Seen, not heard: ticking text in the log would be read out every second. */
  readonly element = h('span', { class: 'card-countdown', attrs: { 'aria-hidden': 'true' } });
  private timer: ReturnType<typeof setInterval> | undefined;
  private expiresAtMs: number | undefined;

  constructor(private readonly owner: HTMLElement) {}

  run(expiresAtMs: number | undefined, active: boolean): void {
    this.expiresAtMs = expiresAtMs;
    if (!active || expiresAtMs === undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      setText(this.element, '');
      return;
    }
    this.tick();
    this.timer ??= setInterval(() => this.tick(), 1000);
  }

  private tick(): void {
    if (!this.owner.isConnected && this.timer !== undefined) return this.run(undefined, false);
    setText(this.element, formatRemaining(this.expiresAtMs, Date.now()));
  }
}

/** "Expires at 14:32", said once to a screen reader instead of the ticking countdown. */
function deadlineText(expiresAtMs: number | undefined): string {
  if (expiresAtMs === undefined) return '';
  return `Expires at ${new Date(expiresAtMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`;
}

/** The head of a card: a title, its state, the countdown. */
function cardHead(title: HTMLElement, status: HTMLElement, countdown: Countdown): HTMLElement {
  return h('header', { class: 'card-head' }, h('span', { class: 'card-icon', attrs: { 'aria-hidden': 'true' } }), title, status, countdown.element);
}

export class ApprovalView {
  readonly kind = 'approval';
  private readonly titleId = domId('approval-title');
  private readonly commandId = domId('approval-command');
  private readonly title = h('h3', { class: 'card-title', text: 'Run this command?', attrs: { id: this.titleId } });
  private readonly status = h('span', { class: 'card-status' });
  private readonly deadline = h('span', { class: 'sr-only' });
  private readonly command = h('pre', { class: 'approval-command', attrs: { id: this.commandId, tabindex: '0', 'aria-label': 'Command' } });
  private readonly fold = button('', 'link-button approval-fold', { 'aria-controls': this.commandId });
  private readonly meta = h('dl', { class: 'approval-meta' });
  private readonly warnings = h('div', { class: 'approval-warnings' });
  private readonly actions = h('div', { class: 'card-actions', attrs: { role: 'group', 'aria-label': 'Decision' } });
  private readonly copy = button('Copy command', 'btn btn-secondary');
  private readonly outcome = h('div', { class: 'card-outcome' });
  private readonly error = h('div', { class: 'card-error' });
  private readonly countdown: Countdown;
  readonly element: HTMLElement;
  private item: Item<'approval'> | undefined;
  private shownDecisions = '';
  private unfolded = false;
  private sending = false;

  constructor(private readonly context: CardContext) {
    // Out of the log's live region: the announcer says what matters, once.
    this.element = h('article', { class: 'card approval', attrs: { 'aria-labelledby': this.titleId, 'aria-live': 'off' } });
    this.countdown = new Countdown(this.element);
    this.element.append(
      cardHead(this.title, this.status, this.countdown),
      this.deadline,
      this.command,
      this.fold,
      this.meta,
      this.warnings,
      this.actions,
      this.outcome,
      this.error,
    );
    this.fold.addEventListener('click', () => {
      this.unfolded = !this.unfolded;
      this.renderFold();
    });
    this.actions.addEventListener('click', (event) => {
      const target = (event.target as Element).closest<HTMLButtonElement>('button');
      if (!target || !this.item || this.sending) return;
      if (target === this.copy) {
        void this.context.copy(this.item.command).then(
          () => this.context.announce('Copied the command to the clipboard'),
          (error: Error) => this.context.announce(`Could not copy: ${error.message}`),
        );
        return;
      }
      const decision = target.dataset.decision as ApprovalDecision | undefined;
      if (decision) this.send(this.item.approvalId, decision);
    });
  }

  update(chatItem: ChatItem, quiet: boolean): void {
    const item = chatItem as Item<'approval'>;
    const before = this.item;
    this.item = item;
    const open = item.state === 'pending' || item.state === 'deciding';
    this.element.dataset.state = item.state;
    setText(this.status, APPROVAL_STATUS[item.state]);
    setText(this.command, item.command);
    this.renderFold();
    this.renderMeta(item);
    this.warnings.replaceChildren(
      ...item.warnings.map((w) => h('p', { class: 'approval-warning' }, h('span', { class: 'sr-only', text: 'Warning:' }), h('span', { text: w }))),
    );
    show(this.warnings, item.warnings.length > 0);

    const key = item.decisions.join(',');
    if (key !== this.shownDecisions) {
      this.shownDecisions = key;
      const buttons = item.decisions.map((d, i) =>
        button(DECISION_LABELS[d], i === 0 && d !== 'deny' ? 'btn' : 'btn btn-secondary', { 'data-decision': d, 'aria-describedby': this.commandId }),
      );
      this.actions.replaceChildren(...buttons, this.copy);
    }
    if (item.state !== 'deciding') this.sending = false;
    for (const b of this.actions.querySelectorAll<HTMLButtonElement>('button[data-decision]')) b.disabled = item.state !== 'pending' || this.sending;
    show(this.actions, open);

    setText(this.outcome, item.outcome ?? '');
    show(this.outcome, !!item.outcome);
    setText(this.error, item.error ?? '');
    show(this.error, !!item.error);
    setText(this.deadline, open ? deadlineText(item.expiresAtMs) : '');
    this.countdown.run(item.expiresAtMs, item.state === 'pending');

    if (!before && item.state === 'pending' && (!quiet || this.context.takeFreshCard(item.id))) {
      const decisions = item.decisions.map((d) => DECISION_LABELS[d]).join(', ');
      this.context.announce(`Approval needed: the agent wants to run ${shorten(item.command)}. ${deadlineText(item.expiresAtMs)} Choose ${decisions}.`);
    } else if (quiet) {
      return;
    } else if (before && before.state !== item.state && item.outcome && !open) {
      this.context.announce(item.outcome);
    } else if (item.error && item.error !== before?.error) {
      this.context.announce(item.error);
    }
  }

  private send(approvalId: string, decision: ApprovalDecision): void {
    this.sending = true;
    this.setButtonsDisabled(true);
    setText(this.error, '');
    show(this.error, false);
    void this.context.decide(approvalId, decision).then(
      (decided) => {
        // Sent: the host's update shows the outcome. Cancelled in the editor's dialog: choose again.
        if (!decided) this.reopen();
      },
      (error: Error) => {
        this.reopen();
        setText(this.error, error.message);
        show(this.error, true);
        this.context.announce(error.message);
      },
    );
  }

  private reopen(): void {
    this.sending = false;
    this.setButtonsDisabled(this.item?.state !== 'pending');
  }

  private setButtonsDisabled(disabled: boolean): void {
    for (const b of this.actions.querySelectorAll<HTMLButtonElement>('button[data-decision]')) b.disabled = disabled;
  }

  private renderFold(): void {
    const text = this.item?.command ?? '';
    const lines = text.split('\n').length;
    const long = lines > FOLD_LINES || text.length > FOLD_CHARS;
    this.command.classList.toggle('is-folded', long && !this.unfolded);
    show(this.fold, long);
    if (!long) return;
    this.fold.setAttribute('aria-expanded', String(this.unfolded));
    setText(this.fold, this.unfolded ? 'Fold the command' : `Show the whole command (${lines} ${lines === 1 ? 'line' : 'lines'}, ${text.length} characters)`);
  }

  private renderMeta(item: Item<'approval'>): void {
    const rows: Array<[string, string | undefined]> = [
      ['Runs on', item.host],
      ['In folder', item.cwd],
      ['Asked by', item.agent ? `agent ${item.agent}` : undefined],
    ];
    this.meta.replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
    show(this.meta, this.meta.childElementCount > 0);
  }
}

/** One question's controls, and how to read the answer out of them. */
interface QuestionControls {
  question: Question;
  fieldset: HTMLFieldSetElement;
  choices: HTMLInputElement[];
  otherChoice: HTMLInputElement | undefined;
  text: HTMLInputElement | undefined;
}

export class QuestionView {
  readonly kind = 'question';
  private readonly titleId = domId('question-title');
  private readonly title = h('h3', { class: 'card-title', text: 'The agent asks', attrs: { id: this.titleId } });
  private readonly status = h('span', { class: 'card-status' });
  private readonly deadline = h('span', { class: 'sr-only' });
  private readonly form = h('form', { class: 'question-form' });
  private readonly fields = h('div', { class: 'question-fields' });
  private readonly submit = h('button', { class: 'btn', text: 'Submit', attrs: { type: 'submit' } });
  private readonly skip = button('Skip', 'btn btn-secondary');
  private readonly given = h('dl', { class: 'question-answers' });
  private readonly outcome = h('div', { class: 'card-outcome' });
  private readonly error = h('div', { class: 'card-error' });
  private readonly countdown: Countdown;
  readonly element: HTMLElement;
  private controls: QuestionControls[] = [];
  private shape = '';
  private item: Item<'question'> | undefined;
  private sending = false;

  constructor(private readonly context: CardContext) {
    this.element = h('article', { class: 'card question', attrs: { 'aria-labelledby': this.titleId, 'aria-live': 'off' } });
    this.countdown = new Countdown(this.element);
    this.form.append(this.fields, h('div', { class: 'card-actions' }, this.submit, this.skip));
    this.element.append(cardHead(this.title, this.status, this.countdown), this.deadline, this.form, this.given, this.outcome, this.error);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.onSubmit();
    });
    this.skip.addEventListener('click', () => this.onSkip());
  }

  update(chatItem: ChatItem, quiet: boolean): void {
    const item = chatItem as Item<'question'>;
    const before = this.item;
    this.item = item;
    const open = item.state === 'pending' || item.state === 'submitting';
    this.element.dataset.state = item.state;
    setText(this.status, QUESTION_STATUS[item.state]);
    // The form is rebuilt only when the questions change, so what the person chose stays.
    const shape = JSON.stringify(item.questions.map(({ answer: _answer, ...q }) => q));
    if (shape !== this.shape) {
      this.shape = shape;
      this.buildForm(item.questions);
    }
    if (item.state !== 'submitting') this.sending = false;
    this.setDisabled(item.state !== 'pending' || this.sending);
    show(this.form, open);
    this.given.replaceChildren(
      ...item.questions.filter((q) => q.answer).flatMap((q) => [h('dt', { text: q.header || q.question }), h('dd', { text: q.answer })]),
    );
    show(this.given, !open && this.given.childElementCount > 0);
    setText(this.outcome, item.outcome ?? '');
    show(this.outcome, !!item.outcome);
    setText(this.error, item.error ?? '');
    show(this.error, !!item.error);
    setText(this.deadline, open ? deadlineText(item.expiresAtMs) : '');
    this.countdown.run(item.expiresAtMs, item.state === 'pending');
    // A secret leaves the page once it was sent: nothing of it stays in the form.
    if (!open) for (const c of this.controls) if (c.question.secret && c.text) c.text.value = '';

    if (!before && item.state === 'pending' && (!quiet || this.context.takeFreshCard(item.id))) {
      const first = item.questions[0];
      const more = item.questions.length > 1 ? ` (${item.questions.length} questions)` : '';
      this.context.announce(`Question from the agent${more}: ${first.question} ${deadlineText(item.expiresAtMs)}`);
    } else if (quiet) {
      return;
    } else if (before && before.state !== item.state && item.outcome && !open) {
      this.context.announce(item.outcome);
    } else if (item.error && item.error !== before?.error) {
      this.context.announce(item.error);
    }
  }

  private buildForm(questions: Question[]): void {
    this.controls = questions.map((question, index) => {
      const name = domId(`question-${index}`);
      const type = question.multiSelect ? 'checkbox' : 'radio';
      const legend = h(
        'legend',
        {},
        h('span', { class: 'question-header', text: question.header }),
        h('span', { class: 'question-text', text: question.question }),
      );
      const choices = question.options.map((option) => {
        const input = h('input', { attrs: { type, name, value: option.label } });
        const description = option.description ? h('span', { class: 'option-description', text: option.description }) : null;
        return { input, label: h('label', { class: 'option' }, input, h('span', { class: 'option-label', text: option.label }), description) };
      });
      let otherChoice: HTMLInputElement | undefined;
      let text: HTMLInputElement | undefined;
      const rows: HTMLElement[] = choices.map((c) => c.label);
      const wantsText = question.other || question.options.length === 0;
      if (wantsText) {
        const label = question.options.length ? `Your own answer to “${question.header || question.question}”` : question.question;
        text = h('input', {
          class: 'question-text-input',
          attrs: { type: question.secret ? 'password' : 'text', 'aria-label': label, autocomplete: 'off', spellcheck: 'false', maxlength: '10000' },
        });
        if (question.options.length) {
          otherChoice = h('input', { attrs: { type, name, value: '', 'aria-label': 'Other' } });
          // Typing an own answer chooses it.
          text.addEventListener('input', () => {
            if (text!.value && !otherChoice!.checked) otherChoice!.checked = true;
          });
          rows.push(h('label', { class: 'option option-other' }, otherChoice, h('span', { class: 'option-label', text: 'Other:' }), text));
        } else {
          rows.push(h('div', { class: 'option option-free' }, text));
        }
      }
      const secretNote = question.secret ? h('p', { class: 'question-secret-note', text: 'A secret: it is masked here and never shown again.' }) : null;
      const fieldset = h('fieldset', { class: 'question-field' }, legend, ...rows, secretNote);
      return { question, fieldset, choices: choices.map((c) => c.input), otherChoice, text };
    });
    this.fields.replaceChildren(...this.controls.map((c) => c.fieldset));
  }

  private read(): Answers | string {
    const answers: Answers = [];
    for (const c of this.controls) {
      const values = c.choices.filter((input) => input.checked).map((input) => input.value);
      const own = c.text?.value ?? '';
      const ownChosen = c.otherChoice ? c.otherChoice.checked : true;
      if (c.text && ownChosen && (c.question.secret ? own : own.trim())) values.push(own);
      if (!values.length) return `Answer “${c.question.header || c.question.question}” first, or skip the question.`;
      answers.push({ questionId: c.question.id, values });
    }
    return answers;
  }

  private onSubmit(): void {
    if (!this.item || this.sending || this.item.state !== 'pending') return;
    const answers = this.read();
    if (typeof answers === 'string') {
      setText(this.error, answers);
      show(this.error, true);
      this.context.announce(answers);
      return;
    }
    this.run(this.context.answer(this.item.questionId, answers));
  }

  private onSkip(): void {
    if (!this.item || this.sending || this.item.state !== 'pending') return;
    this.run(this.context.skip(this.item.questionId));
  }

  private run(request: Promise<boolean>): void {
    this.sending = true;
    this.setDisabled(true);
    setText(this.error, '');
    show(this.error, false);
    void request.then(
      () => undefined,
      (error: Error) => {
        this.sending = false;
        this.setDisabled(this.item?.state !== 'pending');
        setText(this.error, error.message);
        show(this.error, true);
        this.context.announce(error.message);
      },
    );
  }

  private setDisabled(disabled: boolean): void {
    for (const c of this.controls) c.fieldset.disabled = disabled;
    this.submit.disabled = disabled;
    this.skip.disabled = disabled;
  }
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
