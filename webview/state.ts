// The webview's copy of what the host owns: the transcript, busy flag, connection and session.
// Applying a message only changes data and reports what changed; the DOM catches up once per
// animation frame (see app.ts), so a burst of messages costs one render.
import type { ChatItem, ConnectionView, HostMessage, SessionView } from '../src/protocol/webview';

export type Change =
  | { kind: 'reset' }
  | { kind: 'item'; id: string }
  | { kind: 'removed'; id: string }
  | { kind: 'busy' }
  | { kind: 'connection' }
  | { kind: 'focus' }
  /** The message refers to something this state does not have: it is out of step with the host. */
  | { kind: 'desync'; reason: string };

export class ChatState {
  items: ChatItem[] = [];
  session: SessionView = { key: '', title: '' };
  busy = false;
  loading = true;
  connection: ConnectionView = { kind: 'connecting', title: 'Connecting to OpenClaw…', actions: [] };
  private byId = new Map<string, ChatItem>();

  get(id: string): ChatItem | undefined {
    return this.byId.get(id);
  }

  apply(message: HostMessage): Change {
    switch (message.type) {
      case 'snapshot':
        this.items = message.items.slice();
        this.byId = new Map(this.items.map((item) => [item.id, item]));
        this.session = message.session;
        this.busy = message.busy;
        this.loading = message.loading;
        this.connection = message.connection;
        return { kind: 'reset' };
      case 'upsert': {
        const old = this.byId.get(message.item.id);
        if (old) this.items[this.items.indexOf(old)] = message.item;
        else this.items.push(message.item);
        this.byId.set(message.item.id, message.item);
        return { kind: 'item', id: message.item.id };
      }
      case 'append': {
        const item = this.byId.get(message.id);
        if (item?.kind !== 'assistant') return { kind: 'desync', reason: `append for unknown assistant item ${message.id}` };
        // Items are replaced, never mutated, so a view can tell "changed" by identity.
        const next = { ...item, text: item.text + message.text };
        this.items[this.items.indexOf(item)] = next;
        this.byId.set(item.id, next);
        return { kind: 'item', id: item.id };
      }
      case 'remove': {
        const item = this.byId.get(message.id);
        if (item) {
          this.items.splice(this.items.indexOf(item), 1);
          this.byId.delete(message.id);
        }
        return { kind: 'removed', id: message.id };
      }
      case 'busy':
        this.busy = message.busy;
        return { kind: 'busy' };
      case 'connection':
        this.connection = message.connection;
        return { kind: 'connection' };
      case 'focus':
        return { kind: 'focus' };
    }
  }
}
