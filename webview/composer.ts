// The message box: a plain <textarea> and <button> styled with --vscode-* variables. Native
// controls give focus, keyboard, IME and accessible names for free; <vscode-textarea> would put the
// textarea inside a shadow root (see elements.ts for why these two stay native).
import { button, h } from './dom';

export interface ComposerEvents {
  send(text: string): void;
  stop(): void;
  draftChanged(draft: string): void;
}

export class Composer {
  readonly textarea = h('textarea', {
    class: 'input',
    attrs: { 'aria-label': 'Message OpenClaw', 'aria-describedby': 'composer-hint', rows: '1', placeholder: 'Ask OpenClaw…' },
  });
  private readonly action = button('Send', 'btn send-button');
  private readonly hint = h('span', { class: 'composer-hint', text: 'Enter to send · Shift+Enter for a new line', attrs: { id: 'composer-hint' } });
  readonly element = h(
    'div',
    { class: 'composer' },
    h('div', { class: 'input-box' }, this.textarea, h('div', { class: 'composer-bar' }, this.hint, this.action)),
  );
  private busy = false;

  constructor(private readonly events: ComposerEvents) {
    this.textarea.addEventListener('keydown', (event) => {
      // While an input method is composing, Enter confirms the composition; it must not send.
      // keyCode 229 covers the keydown some IMEs fire right after compositionend.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      this.submit();
    });
    this.textarea.addEventListener('input', () => {
      this.refreshAction();
      events.draftChanged(this.textarea.value);
    });
    this.action.addEventListener('click', () => {
      if (this.busy) events.stop();
      else this.submit();
    });
    this.refreshAction();
  }

  setDraft(draft: string): void {
    this.textarea.value = draft;
    this.refreshAction();
  }

  setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    this.refreshAction();
  }

  focus(): void {
    this.textarea.focus();
  }

  private submit(): void {
    // Blank lines around a message mean nothing; indentation inside it may (code), so keep that.
    const text = this.textarea.value.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    if (!text) return;
    this.events.send(text);
    this.setDraft('');
    this.events.draftChanged('');
  }

  private refreshAction(): void {
    this.action.textContent = this.busy ? 'Stop' : 'Send';
    this.action.classList.toggle('is-stop', this.busy);
    // Stays focusable (aria-disabled, not disabled) so keyboard users can still find it.
    const inert = !this.busy && !this.textarea.value.trim();
    this.action.setAttribute('aria-disabled', String(inert));
  }
}
