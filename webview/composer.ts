// The message box: a plain <textarea> and <button> styled with --vscode-* variables. Native
// controls give focus, keyboard, IME and accessible names for free; <vscode-textarea> would put the
// textarea inside a shadow root (see elements.ts for why these two stay native).
//
// Around it: the chips of what goes with the message (paperclip, paste, drop, `@` mentions), the
// `/` command list, and while a reply runs, what Enter does (steer, queue or interrupt).
import type { CommandView, ControlsView, Delivery, MentionCandidate, StagedChip } from '../src/protocol/webview';
import { ChipTray } from './chip-tray';
import { button, h, setText } from './dom';
import type { RequestChannel } from './requests';
import { SuggestList, type Suggestion } from './suggest';

export interface ComposerEvents {
  send(text: string, chips: string[], delivery: Delivery | undefined): void;
  stop(): void;
  draftChanged(draft: string): void;
  /** Staged chips the person removed: the host forgets them. */
  discard(ids: string[]): void;
}

const DELIVERY_LABEL: Record<Delivery, string> = { steer: 'Steer', queue: 'Queue', interrupt: 'Interrupt' };
const DELIVERY_HINT: Record<Delivery, string> = {
  steer: 'Enter sends into the running reply',
  queue: 'Enter sends after the running reply',
  interrupt: 'Enter stops the reply and sends',
};
const IDLE_HINT = 'Enter to send · Shift+Enter for a new line · / commands · @ mentions';

/** `/word` as the whole box so far: the command list is open. */
const SLASH = /^\/([\w.-]*)$/;
/** `@word` just before the caret, at the start or after a space: the mention list is open. */
const MENTION = /(?:^|\s)@([^\s@]*)$/;

type Pick = { kind: 'command'; command: CommandView } | { kind: 'mention'; candidate: MentionCandidate; start: number };

export class Composer {
  readonly textarea = h('textarea', {
    class: 'input',
    attrs: {
      'aria-label': 'Message OpenClaw',
      'aria-describedby': 'composer-hint',
      'aria-autocomplete': 'list',
      rows: '1',
      placeholder: 'Ask OpenClaw…',
    },
  });
  private readonly action = button('Send', 'btn send-button');
  private readonly stopButton = button('Stop', 'btn is-stop stop-button');
  private readonly attach = button('+', 'icon-button attach-button', { 'aria-label': 'Attach files', title: 'Attach files' });
  private readonly mode = h('select', { class: 'picker busy-mode', attrs: { 'aria-label': 'While a reply runs, Enter' } });
  private readonly hint = h('span', { class: 'composer-hint', text: IDLE_HINT, attrs: { id: 'composer-hint' } });
  private readonly error = h('div', { class: 'composer-error', attrs: { role: 'alert' } });
  private readonly tray: ChipTray;
  private readonly suggest: SuggestList<Pick>;
  readonly element: HTMLElement;
  private busy = false;
  private controls: ControlsView = { models: [], thinkingLevels: [], busyMode: 'steer' };
  private commands: Promise<CommandView[]> | undefined;
  /** Counts `@` searches, so an answer to an older query is dropped. */
  private mentionQuery = 0;

  constructor(
    private readonly events: ComposerEvents,
    private readonly requests: RequestChannel,
  ) {
    this.tray = new ChipTray((ids) => {
      events.discard(ids);
      this.refreshAction();
    });
    this.suggest = new SuggestList(this.textarea, 'Suggestions', (pick) => void this.choose(pick));
    for (const mode of ['steer', 'queue', 'interrupt'] as const) this.mode.append(h('option', { text: DELIVERY_LABEL[mode], attrs: { value: mode } }));
    this.element = h(
      'div',
      { class: 'composer' },
      this.suggest.element,
      this.error,
      h(
        'div',
        { class: 'input-box' },
        this.tray.element,
        this.textarea,
        h('div', { class: 'composer-bar' }, this.attach, this.hint, this.mode, this.stopButton, this.action),
      ),
    );
    this.error.hidden = true;

    this.textarea.addEventListener('keydown', (event) => {
      if (this.suggest.handleKey(event)) return;
      // While an input method is composing, Enter confirms the composition; it must not send.
      // keyCode 229 covers the keydown some IMEs fire right after compositionend.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      this.submit();
    });
    this.textarea.addEventListener('input', () => {
      this.refreshAction();
      events.draftChanged(this.textarea.value);
      void this.refreshSuggestions();
    });
    this.textarea.addEventListener('blur', () => this.suggest.close());
    this.textarea.addEventListener('paste', (event) => this.onPaste(event));
    this.element.addEventListener('dragover', (event) => {
      if (!event.dataTransfer || ![...event.dataTransfer.types].some((t) => t === 'Files' || t === 'text/uri-list')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    });
    this.element.addEventListener('drop', (event) => this.onDrop(event));
    this.action.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => events.stop());
    this.attach.addEventListener('click', () => void this.stage(this.requests.request('pickFiles', {}, 10 * 60_000)));
    this.mode.addEventListener('change', () => {
      const mode = this.mode.value as Delivery;
      this.requests.request('setBusyMode', { mode }).catch((error: Error) => this.showError(error.message));
    });
    this.refreshAction();
  }

  setDraft(draft: string): void {
    this.textarea.value = draft;
    this.refreshAction();
  }

  /** What the box holds. */
  get value(): string {
    return this.textarea.value;
  }

  /** Text the host hands back (a fork's message, one not sent before a gateway switch): what is typed stays, above it. */
  offerDraft(draft: string): void {
    const typed = this.textarea.value.trimEnd();
    this.setDraft(typed && typed !== draft ? `${typed}\n\n${draft}` : draft);
  }

  setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    this.refreshAction();
  }

  setControls(controls: ControlsView): void {
    // Another model may take what was refused for the last one.
    if (controls.model !== this.controls.model) this.error.hidden = true;
    this.controls = controls;
    this.mode.value = controls.busyMode;
    this.refreshAction();
  }

  /** The session or the connection changed: the commands are asked again next time. */
  forgetCommands(): void {
    this.commands = undefined;
  }

  focus(): void {
    this.textarea.focus();
  }

  private submit(): void {
    // Blank lines around a message mean nothing; indentation inside it may (code), so keep that.
    const text = this.textarea.value.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    const chips = this.tray.list;
    if (!text && !chips.length) return;
    // Said here first, so the message and its chips stay in the box: the host checks again.
    const images = chips.filter((c) => c.kind === 'image');
    const model = this.controls.models.find((m) => m.id === this.controls.model);
    if (images.length && model && !model.images) {
      const which = images.length === 1 ? images[0].label : `${images.length} images`;
      this.showError(`${model.label} takes no images, so ${which} cannot go with this message. Choose a model that takes images above, or remove the image.`);
      return;
    }
    this.error.hidden = true;
    this.suggest.close();
    this.events.send(text, this.tray.ids, this.busy ? this.controls.busyMode : undefined);
    this.tray.clear();
    this.setDraft('');
    this.events.draftChanged('');
  }

  private refreshAction(): void {
    const hasContent = !!this.textarea.value.trim() || this.tray.ids.length > 0;
    const mode = this.controls.busyMode;
    this.action.textContent = this.busy ? DELIVERY_LABEL[mode] : 'Send';
    // Stays focusable (aria-disabled, not disabled) so keyboard users can still find it.
    this.action.setAttribute('aria-disabled', String(!hasContent));
    this.action.hidden = this.busy && !hasContent;
    this.stopButton.hidden = !this.busy;
    this.mode.hidden = !this.busy;
    setText(this.hint, this.busy ? DELIVERY_HINT[mode] : IDLE_HINT);
  }

  private showError(message: string): void {
    setText(this.error, message);
    this.error.hidden = false;
  }

  /** Adds the chips a request staged, and says why any file was refused. */
  private async stage(request: Promise<{ chips: StagedChip[]; refused?: string[] } | { chip: StagedChip }>): Promise<void> {
    try {
      const result = await request;
      const chips = 'chip' in result ? [result.chip] : result.chips;
      const refused = 'refused' in result ? (result.refused ?? []) : [];
      this.tray.add(chips);
      if (refused.length) this.showError(refused.join(' '));
      else if (chips.length) this.error.hidden = true;
    } catch (error) {
      this.showError((error as Error).message);
    }
    this.refreshAction();
    this.focus();
  }

  private onPaste(event: ClipboardEvent): void {
    const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!files.length) return;
    event.preventDefault();
    for (const file of files) void this.stageFile(file);
  }

  private onDrop(event: DragEvent): void {
    const data = event.dataTransfer;
    if (!data) return;
    const files = [...data.files];
    const uris = (data.getData('text/uri-list') || '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    if (!files.length && !uris.length) return;
    event.preventDefault();
    // A drop from the explorer brings URIs the host reads; from the OS, the files themselves.
    if (uris.length) void this.stage(this.requests.request('attachUris', { uris: uris.slice(0, 100) }));
    else for (const file of files) void this.stageFile(file);
  }

  private async stageFile(file: File): Promise<void> {
    const data = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve((reader.result as string).replace(/^data:[^,]*,/, ''));
      reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
      reader.readAsDataURL(file);
    });
    const name = file.name || `pasted.${file.type.split('/')[1] || 'png'}`;
    await this.stage(this.requests.request('attachData', { name, mimeType: file.type, data }));
  }

  /** Opens, narrows or closes the `/` and `@` lists as the text before the caret says. */
  private async refreshSuggestions(): Promise<void> {
    const value = this.textarea.value;
    const caret = this.textarea.selectionStart ?? value.length;
    const before = value.slice(0, caret);
    const slash = caret === value.length ? SLASH.exec(before) : null;
    if (slash) return this.suggestCommands(slash[1]);
    const mention = MENTION.exec(before);
    if (mention) return this.suggestMentions(mention[1], caret - mention[1].length - 1);
    this.suggest.close();
  }

  private async suggestCommands(prefix: string): Promise<void> {
    this.commands ??= this.requests.request('listCommands', {}).then(
      (r) => r.commands,
      (error: Error) => {
        this.commands = undefined;
        this.showError(`Could not list the commands: ${error.message}`);
        return [];
      },
    );
    const commands = await this.commands;
    // The box changed while the list came: only the latest text counts.
    const now = SLASH.exec(this.textarea.value);
    if (!now || now[1] !== prefix) return;
    const matching = commands.filter((c) => c.name.toLowerCase().startsWith(prefix.toLowerCase())).slice(0, 50);
    this.suggest.open(
      matching.map((command) => ({
        label: `/${command.name}${command.args ? ` ${command.args}` : ''}`,
        detail: command.description,
        value: { kind: 'command', command },
      })),
    );
  }

  private async suggestMentions(query: string, start: number): Promise<void> {
    const asked = ++this.mentionQuery;
    let candidates: MentionCandidate[];
    try {
      candidates = (await this.requests.request('searchMentions', { query })).candidates;
    } catch (error) {
      this.showError(`Could not search the workspace: ${(error as Error).message}`);
      return;
    }
    if (asked !== this.mentionQuery) return;
    const items: Array<Suggestion<Pick>> = candidates.map((candidate) => ({
      label: candidate.kind === 'file' ? (candidate.path ?? candidate.label) : `@${candidate.label}`,
      detail: candidate.detail,
      value: { kind: 'mention', candidate, start },
    }));
    this.suggest.open(items);
  }

  private async choose(pick: Pick): Promise<void> {
    if (pick.kind === 'command') {
      // A command without arguments runs as chosen; one with arguments waits for them.
      this.setDraft(`/${pick.command.name}${pick.command.takesArgs ? ' ' : ''}`);
      this.events.draftChanged(this.textarea.value);
      if (!pick.command.takesArgs) this.submit();
      return;
    }
    // The `@query` typed becomes a chip.
    const value = this.textarea.value;
    const caret = this.textarea.selectionStart ?? value.length;
    this.setDraft(value.slice(0, pick.start) + value.slice(caret));
    this.textarea.setSelectionRange(pick.start, pick.start);
    this.events.draftChanged(this.textarea.value);
    const { kind, path } = pick.candidate;
    await this.stage(this.requests.request('resolveMention', path ? { kind, path } : { kind }));
  }
}
