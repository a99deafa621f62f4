// The chips above the box: what goes with the next message (files, images, mentions). The host
// holds their content by id; the page shows each one's name, size and thumbnail, with a remove button.
import type { StagedChip } from '../src/protocol/webview';
import { button, h } from './dom';
import { chipElement } from './items';

export class ChipTray {
  readonly element = h('ul', { class: 'chips chip-tray', attrs: { 'aria-label': 'Attached to the next message' } });
  private chips: StagedChip[] = [];

  constructor(private readonly removed: (ids: string[]) => void) {
    this.element.hidden = true;
  }

  get ids(): string[] {
    return this.chips.map((c) => c.id);
  }

  get list(): readonly StagedChip[] {
    return this.chips;
  }

  add(chips: readonly StagedChip[]): void {
    this.chips.push(...chips);
    this.render();
  }

  /** Forgets every chip (they went with a message): the host took them, nothing to discard. */
  clear(): void {
    this.chips = [];
    this.render();
  }

  private remove(id: string): void {
    this.chips = this.chips.filter((c) => c.id !== id);
    this.removed([id]);
    this.render();
  }

  private render(): void {
    this.element.replaceChildren(
      ...this.chips.map((chip) => {
        const thumb = chip.thumbnail?.startsWith('data:image/') ? h('img', { class: 'chip-thumb', attrs: { src: chip.thumbnail, alt: '' } }) : null;
        const remove = button('×', 'chip-remove', { 'aria-label': `Remove ${chip.label}`, title: `Remove ${chip.label}` });
        remove.addEventListener('click', () => this.remove(chip.id));
        const el = chipElement(chip, remove);
        if (thumb) el.prepend(thumb);
        return el;
      }),
    );
    this.element.hidden = !this.chips.length;
  }
}
