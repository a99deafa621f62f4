// The webview's copy of what the host owns: the transcript, busy flag, connection and session.
// Applying a message only changes data and reports what changed; the DOM catches up once per
// animation frame (see app.ts), so a burst of messages costs one render.
import type { ChatItem, ConnectionView, ControlsView, HostMessage, SessionView } from '../src/protocol/webview';

export type Change =
  | { kind: 'reset' }
  | { kind: 'item'; id: string }
  | { kind: 'removed'; id: string }
  | { kind: 'busy' }
  | { kind: 'connection' }
  | { kind: 'session' }
  | { kind: 'controls' }
  | { kind: 'focus' }
  /** Older items went in before the first one. */
  | { kind: 'prepended'; count: number }
  | { kind: 'reveal'; id: string }
  | { kind: 'draft'; text: string }
  /** The message refers to something this state does not have: it is out of step with the host. */
  | { kind: 'desync'; reason: string };

export class ChatState {
  items: ChatItem[] = [];
  session: SessionView = { key: '', title: '' };
  busy = false;
  loading = true;
  /** How many older messages the gateway has before `items` (0: the transcript starts at the beginning). */
  earlier = 0;
  connection: ConnectionView = { kind: 'connecting', title: 'Connecting to OpenClaw…', actions: [] };
  /** The header's pickers and the busy mode, for the session shown. */
  controls: ControlsView = { models: [], thinkingLevels: [], busyMode: 'steer' };
  private byId = new Map<string, ChatItem>();
  /** Per item, the texts appended since `takeAppended` last ran; none once the item was replaced. */
  private readonly appended = new Map<string, string[]>();

  get(id: string): ChatItem | undefined {
    return this.byId.get(id);
  }

  /**
   * The text appended to an item since the last call, or undefined when the item was replaced in
   * between (or never taken before): then only its whole text says what to show. Lets a view add
   * to a long reply without comparing the whole reply every frame.
   */
  takeAppended(id: string): string | undefined {
    const pieces = this.appended.get(id);
    this.appended.set(id, []);
    return pieces?.join('');
  }

  /** Applies one message (replies to requests are the request channel's, not the state's). */
  apply(message: Exclude<HostMessage, { type: 'reply' }>): Change {
    switch (message.type) {
      case 'snapshot':
        this.items = message.items.slice();
        this.appended.clear();
        this.byId = new Map(this.items.map((item) => [item.id, item]));
        this.session = message.session;
        this.busy = message.busy;
        this.loading = message.loading;
        this.connection = message.connection;
        this.earlier = message.earlier ?? 0;
        this.controls = message.controls;
        return { kind: 'reset' };
      case 'upsert': {
        const old = this.byId.get(message.item.id);
        if (old) this.items[this.items.indexOf(old)] = message.item;
        else this.items.push(message.item);
        this.byId.set(message.item.id, message.item);
        this.appended.delete(message.item.id);
        return { kind: 'item', id: message.item.id };
      }
      case 'append': {
        const item = this.byId.get(message.id);
        if (item?.kind !== 'assistant') return { kind: 'desync', reason: `append for unknown assistant item ${message.id}` };
        // Items are replaced, never mutated, so a view can tell "changed" by identity.
        const next = { ...item, text: item.text + message.text };
        this.items[this.items.indexOf(item)] = next;
        this.byId.set(item.id, next);
        this.appended.get(item.id)?.push(message.text);
        return { kind: 'item', id: item.id };
      }
      case 'remove': {
        const item = this.byId.get(message.id);
        if (item) {
          this.items.splice(this.items.indexOf(item), 1);
          this.byId.delete(message.id);
          this.appended.delete(message.id);
        }
        return { kind: 'removed', id: message.id };
      }
      case 'prepend': {
        const fresh = message.items.filter((item) => !this.byId.has(item.id));
        this.items = [...fresh, ...this.items];
        for (const item of fresh) this.byId.set(item.id, item);
        this.earlier = message.earlier;
        return { kind: 'prepended', count: fresh.length };
      }
      case 'reveal':
        if (!this.byId.has(message.id)) return { kind: 'desync', reason: `reveal of unknown item ${message.id}` };
        return { kind: 'reveal', id: message.id };
      case 'draft':
        return { kind: 'draft', text: message.text };
      case 'busy':
        this.busy = message.busy;
        return { kind: 'busy' };
      case 'connection':
        this.connection = message.connection;
        return { kind: 'connection' };
      case 'session':
        // Only the title of the session shown: a message about another is out of step.
        if (message.session.key !== this.session.key) return { kind: 'desync', reason: `title for session ${message.session.key}, not the one shown` };
        this.session = message.session;
        return { kind: 'session' };
      case 'controls':
        this.controls = message.controls;
        return { kind: 'controls' };
      case 'focus':
        return { kind: 'focus' };
    }
  }
}
