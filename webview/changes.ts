// What the agent changed, as the chat shows it: a file tool's diff inline under its card (+/- lines
// coloured, `+N −M`, folded when long, Open Diff), and after a turn the change-set row with each file
// to open, keep or revert. Clicks become requests the host answers (handleChangeActions).
import type { ChatItem, FileDiffView } from '../src/protocol/webview';
import { button, h, setText, show } from './dom';
import { highlightDiff, type Token } from './highlight';
import type { RequestChannel } from './requests';

/** A diff longer than this many lines shows only its start until the person unfolds it. */
export const FOLDED_DIFF_LINES = 12;

type ChangesItem = Extract<ChatItem, { kind: 'changes' }>;

/** "+3 −1" (a true minus sign, as editors show it). */
export function countText(additions: number, deletions: number): string {
  return `+${additions} \u2212${deletions}`;
}

function counts(additions: number, deletions: number): HTMLElement {
  return h(
    'span',
    { class: 'diff-counts', attrs: { 'aria-label': `${additions} lines added, ${deletions} removed` } },
    h('span', { class: 'diff-add', text: `+${additions}` }),
    document.createTextNode(' '),
    h('span', { class: 'diff-del', text: `\u2212${deletions}` }),
  );
}

/** One file's diff under a tool card. Rebuilt only when the diff itself changed. */
export class FileDiffBlock {
  readonly element = h('div', { class: 'file-diff' });
  private shown = '';
  private unfolded = false;

  update(diff: FileDiffView): void {
    const key = JSON.stringify(diff);
    if (key === this.shown) return;
    this.shown = key;
    this.render(diff);
  }

  private render(diff: FileDiffView): void {
    const long = diff.lines.length > FOLDED_DIFF_LINES;
    const visible = long && !this.unfolded ? diff.lines.slice(0, FOLDED_DIFF_LINES) : diff.lines;
    // Only the shown lines are coloured; they are the start of the diff, so carried state is right.
    const tokens = highlightDiff(diff.path, visible);
    const open = button('Open Diff', 'diff-action', { 'data-change-action': 'open', 'data-path': diff.path, title: `Open ${diff.path} in the diff editor` });
    open.disabled = !diff.openable;
    const head = h('div', { class: 'file-diff-head' }, h('span', { class: 'diff-path', text: diff.path }), counts(diff.additions, diff.deletions), open);
    const pre = h(
      'pre',
      { class: 'diff-lines', attrs: { 'aria-label': `Diff of ${diff.path}` } },
      ...visible.map((line, index) => diffLine(line, tokens?.[index])),
    );
    const hidden = diff.lines.length - visible.length;
    const more = long ? button(this.unfolded ? 'Show less' : `Show ${hidden} more lines`, 'diff-fold', { 'aria-expanded': String(this.unfolded) }) : null;
    more?.addEventListener('click', () => {
      this.unfolded = !this.unfolded;
      this.render(diff);
    });
    const notes: Array<HTMLElement | null> = [
      diff.truncated ? h('div', { class: 'diff-note', text: 'The diff is cut here: Open Diff shows all of it.' }) : null,
      diff.readOnly ? h('div', { class: 'diff-note diff-readonly', text: diff.readOnly }) : null,
    ];
    this.element.replaceChildren(head, pre, ...[more, ...notes].filter((n): n is HTMLElement => n !== null));
  }
}

/**
 * One diff line, its text as it came (sign and all): coloured tokens become spans of text, so
 * nothing from the gateway is ever parsed as markup.
 */
function diffLine(line: FileDiffView['lines'][number], tokens: Token[] | undefined): HTMLElement {
  const sign = line.op === '@' ? '' : line.op;
  const row = h('div', { class: `diff-line diff-line-${lineClass(line.op)}` });
  if (!tokens) {
    row.textContent = `${sign}${line.text}`;
    return row;
  }
  row.append(sign, ...tokens.map((token) => (token.kind ? h('span', { class: `tok tok-${token.kind}`, text: token.text }) : token.text)));
  return row;
}

function lineClass(op: FileDiffView['lines'][number]['op']): string {
  return op === '+' ? 'add' : op === '-' ? 'del' : op === '@' ? 'hunk' : 'ctx';
}

const STATE_TEXT = { pending: '', kept: 'Kept', reverted: 'Reverted' } as const;

/** The files one turn changed, with Keep all / Revert all and each file's own buttons. */
export class ChangesView {
  readonly kind = 'changes';
  private readonly title = h('span', { class: 'changes-title' });
  private readonly keepAll = button('Keep all', 'diff-action', { 'data-change-action': 'keep' });
  private readonly revertAll = button('Revert all', 'diff-action', { 'data-change-action': 'revert' });
  private readonly list = h('ul', { class: 'changes-files' });
  readonly element = h(
    'section',
    { class: 'changes', attrs: { 'aria-label': 'Files changed by this turn' } },
    h('div', { class: 'changes-head' }, this.title, this.keepAll, this.revertAll),
    this.list,
  );

  constructor(id: string) {
    this.element.dataset.itemId = id;
  }

  update(item: ChatItem): void {
    const { files } = item as ChangesItem;
    const pending = files.filter((f) => f.state === 'pending');
    const added = files.reduce((n, f) => n + f.additions, 0);
    const removed = files.reduce((n, f) => n + f.deletions, 0);
    setText(this.title, `${files.length} ${files.length === 1 ? 'file' : 'files'} changed ${countText(added, removed)}`);
    show(this.keepAll, pending.length > 0);
    show(
      this.revertAll,
      pending.some((f) => !f.readOnly),
    );
    this.list.replaceChildren(
      ...files.map((file) => {
        const actions =
          file.state === 'pending'
            ? [
                button('Keep', 'diff-action', { 'data-change-action': 'keep', 'data-path': file.path, title: `Keep ${file.path} as the agent left it` }),
                file.readOnly
                  ? null
                  : button('Revert', 'diff-action', {
                      'data-change-action': 'revert',
                      'data-path': file.path,
                      title: `Put back ${file.path} as it was before this turn`,
                    }),
              ]
            : [h('span', { class: `changes-state changes-${file.state}`, text: STATE_TEXT[file.state] })];
        return h(
          'li',
          { class: 'changes-file', attrs: { 'data-state': file.state } },
          button(file.path, 'diff-path-link', { 'data-change-action': 'open', 'data-path': file.path, title: `Open the diff of ${file.path}` }),
          counts(file.additions, file.deletions),
          ...actions,
          file.readOnly ? h('div', { class: 'diff-note diff-readonly', text: file.readOnly }) : null,
          file.error ? h('div', { class: 'diff-note diff-error', attrs: { role: 'alert' }, text: file.error }) : null,
        );
      }),
    );
  }
}

/** Open Diff, Keep and Revert (one file, or every waiting file without `data-path`): each says what happened. */
export function handleChangeActions(log: HTMLElement, requests: RequestChannel, announce: (text: string) => void): void {
  log.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLButtonElement>('button[data-change-action]');
    const id = action?.closest<HTMLElement>('[data-item-id]')?.dataset.itemId;
    if (!action || !id || action.getAttribute('aria-disabled') === 'true') return;
    const path = action.dataset.path;
    const kind = action.dataset.changeAction;
    action.setAttribute('aria-disabled', 'true');
    const done = () => action.removeAttribute('aria-disabled');
    if (kind === 'open' && path) {
      void requests
        .request('openDiff', { id, path })
        .then(
          () => announce(`Opened the diff of ${path}`),
          (error: Error) => announce(`Could not open the diff: ${error.message}`),
        )
        .finally(done);
      return;
    }
    if (kind !== 'keep' && kind !== 'revert') return done();
    void requests
      .request('decideChanges', path ? { id, path, decision: kind } : { id, decision: kind }, DECIDE_TIMEOUT_MS)
      .then(
        ({ refused }) => announce(refused.length ? `Not everything was reverted: ${refused.join(' ')}` : kind === 'keep' ? 'Kept' : 'Reverted'),
        (error: Error) => announce(`Could not ${kind}: ${error.message}`),
      )
      .finally(done);
  });
}

const DECIDE_TIMEOUT_MS = 60_000;
