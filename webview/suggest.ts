// The list under the box for `/` commands and `@` mentions: a listbox the textarea drives as a
// combobox (aria-activedescendant), so focus never leaves the box and keyboard alone works:
// arrows move, Enter or Tab picks, Escape closes.
import { h } from './dom';

export interface Suggestion<T> {
  label: string;
  detail?: string;
  value: T;
}

let lists = 0;

export class SuggestList<T> {
  readonly element: HTMLUListElement;
  private items: Array<Suggestion<T>> = [];
  private active = 0;
  private readonly idPrefix = `suggest-${++lists}`;

  constructor(
    private readonly input: HTMLTextAreaElement,
    label: string,
    private readonly pick: (value: T) => void,
  ) {
    this.element = h('ul', { class: 'suggest', attrs: { role: 'listbox', id: this.idPrefix, 'aria-label': label } });
    this.element.hidden = true;
    // A click must not take focus from the box.
    this.element.addEventListener('mousedown', (event) => event.preventDefault());
    this.element.addEventListener('click', (event) => {
      const option = (event.target as Element).closest('[role="option"]');
      const index = option ? Number(option.getAttribute('data-index')) : -1;
      if (index >= 0 && this.items[index]) this.choose(index);
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Shows these suggestions (the first one active), or closes the list when there are none. */
  open(items: Array<Suggestion<T>>): void {
    this.items = items;
    this.active = 0;
    if (!items.length) return this.close();
    this.element.replaceChildren(
      ...items.map((item, i) =>
        h(
          'li',
          { class: 'suggest-item', attrs: { role: 'option', id: `${this.idPrefix}-${i}`, 'data-index': String(i), 'aria-selected': String(i === 0) } },
          h('span', { class: 'suggest-label', text: item.label }),
          item.detail ? h('span', { class: 'suggest-detail', text: item.detail }) : null,
        ),
      ),
    );
    this.element.hidden = false;
    this.input.setAttribute('aria-controls', this.idPrefix);
    this.highlight();
  }

  close(): void {
    if (this.element.hidden && !this.items.length) return;
    this.items = [];
    this.element.hidden = true;
    this.element.replaceChildren();
    this.input.removeAttribute('aria-controls');
    this.input.removeAttribute('aria-activedescendant');
  }

  /** Handles a key of the box while the list is open; true when it was the list's. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen || event.isComposing) return false;
    switch (event.key) {
      case 'ArrowDown':
        this.active = (this.active + 1) % this.items.length;
        break;
      case 'ArrowUp':
        this.active = (this.active - 1 + this.items.length) % this.items.length;
        break;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false;
        this.choose(this.active);
        break;
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    event.stopPropagation();
    this.highlight();
    return true;
  }

  private choose(index: number): void {
    const item = this.items[index];
    this.close();
    if (item) this.pick(item.value);
  }

  private highlight(): void {
    if (!this.isOpen) return;
    this.element.querySelectorAll('[role="option"]').forEach((el, i) => el.setAttribute('aria-selected', String(i === this.active)));
    const id = `${this.idPrefix}-${this.active}`;
    this.input.setAttribute('aria-activedescendant', id);
    this.element.querySelector(`#${id}`)?.scrollIntoView({ block: 'nearest' });
  }
}
