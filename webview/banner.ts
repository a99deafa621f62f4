// The connection banner above the conversation, and what the log shows when it has nothing yet.
import type { ActionId, ConnectionView } from '../src/protocol/webview';
import { h, setText, show } from './dom';
import { progressRing, vscodeButton } from './elements';

export class ConnectionBanner {
  private readonly title = h('div', { class: 'banner-title' });
  private readonly detail = h('div', { class: 'banner-detail' });
  private readonly actions = h('div', { class: 'banner-actions' });
  readonly element = h(
    'section',
    { class: 'banner', attrs: { 'aria-label': 'Connection' } },
    h('span', { class: 'banner-icon', attrs: { 'aria-hidden': 'true' } }),
    h('div', { class: 'banner-main' }, this.title, this.detail, this.actions),
  );
  private shownActions = '';

  constructor(onAction: (id: ActionId) => void) {
    this.actions.addEventListener('click', (event) => {
      const id = (event.target as Element).closest<HTMLElement>('vscode-button[data-action]')?.dataset.action;
      if (id) onAction(id as ActionId);
    });
    // <vscode-button> clicks on every keydown of Enter or Space. A native button acts once per
    // Space press and does not let it scroll the page; holding Space here must not repeat the action.
    this.actions.addEventListener(
      'keydown',
      (event) => {
        if (event.key !== ' ') return;
        event.preventDefault();
        if (event.repeat) event.stopPropagation();
      },
      { capture: true },
    );
  }

  update(connection: ConnectionView): void {
    // A working connection needs no words; everything else says what is wrong and what to do.
    show(this.element, connection.kind !== 'connected');
    this.element.className = `banner banner-${connection.kind}`;
    setText(this.title, connection.title);
    setText(this.detail, connection.detail ?? '');
    show(this.detail, !!connection.detail);
    // Rebuild buttons only when they change, so one that has focus keeps it across countdown updates.
    // The first action is the one the banner suggests; the others are secondary.
    const key = JSON.stringify(connection.actions);
    if (key !== this.shownActions) {
      this.shownActions = key;
      this.actions.replaceChildren(...connection.actions.map((a, i) => vscodeButton(a.label, i > 0, { 'data-action': a.id })));
    }
    show(this.actions, connection.actions.length > 0);
  }
}

/** Shown in place of the log while there is nothing to read: loading, or a fresh session. */
export class EmptyState {
  private readonly loading = h(
    'div',
    { class: 'loading', attrs: { role: 'status' } },
    progressRing('loading-ring'),
    h('span', { text: 'Loading conversation…' }),
  );
  private readonly welcome = h(
    'div',
    { class: 'welcome' },
    h('span', { class: 'welcome-mark', attrs: { 'aria-hidden': 'true' } }),
    h('h2', { class: 'welcome-title', text: 'Ask OpenClaw anything' }),
    h(
      'ul',
      { class: 'welcome-hints' },
      h('li', { text: 'Enter sends, Shift+Enter starts a new line.' }),
      h('li', { text: 'Select code and run “Ask About Selection” to attach it as context.' }),
      h('li', { text: 'Code blocks in replies can be copied or inserted at your cursor.' }),
    ),
  );
  readonly element = h('div', { class: 'empty' }, this.loading, this.welcome);

  update(hasItems: boolean, loading: boolean): void {
    show(this.element, !hasItems);
    show(this.loading, loading);
    show(this.welcome, !loading);
  }
}
