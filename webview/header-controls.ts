// The model and thinking pickers of the chat's header, for the session shown. The host says what
// the session runs with (`controls`); a choice asks the host to apply it (sessions.patch) and the
// pickers show what the gateway then says, so they never claim a change that did not happen.
import type { ControlsView } from '../src/protocol/webview';
import { h, setText } from './dom';
import type { RequestChannel } from './requests';

export class HeaderControls {
  private readonly model = h('select', { class: 'picker model-picker', attrs: { 'aria-label': 'Model' } });
  private readonly thinking = h('select', { class: 'picker thinking-picker', attrs: { 'aria-label': 'Thinking' } });
  private readonly error = h('div', { class: 'controls-error', attrs: { role: 'alert' } });
  readonly element = h(
    'div',
    { class: 'session-controls' },
    h('label', { class: 'picker-label' }, h('span', { class: 'picker-name', text: 'Model' }), this.model),
    h('label', { class: 'picker-label' }, h('span', { class: 'picker-name', text: 'Thinking' }), this.thinking),
    this.error,
  );
  private controls: ControlsView = { models: [], thinkingLevels: [], busyMode: 'steer' };

  constructor(requests: RequestChannel) {
    this.element.hidden = true;
    this.error.hidden = true;
    this.model.addEventListener('change', () => void this.apply(() => requests.request('setModel', { model: this.model.value })));
    this.thinking.addEventListener('change', () => void this.apply(() => requests.request('setThinking', { level: this.thinking.value })));
  }

  update(controls: ControlsView): void {
    this.controls = controls;
    const models = controls.models.map((m) => ({ value: m.id, label: m.images ? `${m.label} · images` : m.label }));
    // The session's model is always shown, even one the list does not have (yet).
    if (controls.model && !models.some((m) => m.value === controls.model)) models.unshift({ value: controls.model, label: controls.model });
    fill(this.model, models, controls.model);
    fill(
      this.thinking,
      controls.thinkingLevels.map((l) => ({ value: l, label: l })),
      controls.thinking,
    );
    this.thinking.disabled = controls.thinkingLevels.length < 2;
    this.element.hidden = !models.length;
  }

  private async apply(change: () => Promise<unknown>): Promise<void> {
    this.error.hidden = true;
    try {
      await change();
    } catch (error) {
      setText(this.error, (error as Error).message);
      this.error.hidden = false;
      // Back to what the session has.
      this.update(this.controls);
    }
  }
}

function fill(select: HTMLSelectElement, options: Array<{ value: string; label: string }>, selected: string | undefined): void {
  const same = select.options.length === options.length && options.every((o, i) => select.options[i].value === o.value && select.options[i].text === o.label);
  if (!same) select.replaceChildren(...options.map((o) => h('option', { text: o.label, attrs: { value: o.value } })));
  if (selected !== undefined && select.value !== selected) select.value = selected;
}
