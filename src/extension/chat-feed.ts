/**
 * What the chat webview is sent: the controller's changes turned into numbered host messages,
 * streamed text coalesced by the HostPoster. No `vscode` import, so tests and benchmarks drive
 * exactly what the chat view posts.
 */
import type { ConnectionView, SessionView } from '../protocol/webview';
import type { ChatController, ControllerChange } from './chat-controller';
import type { HostPoster } from './host-poster';
import { sessionTitle } from './transcript';

export class ChatFeed {
  private readonly off: () => void;
  /** The session as the page was last told (title and what it may do): re-sent only when it changes. */
  private shown: string | undefined;
  /** The pickers as last posted, to post only what changed (`sessions.changed` comes in bursts). */
  private shownControls = '';

  constructor(
    private readonly controller: ChatController,
    private readonly poster: HostPoster,
    private readonly connection: () => ConnectionView,
  ) {
    this.off = controller.onChange((change) => this.onChange(change));
  }

  /** Sends the whole chat: the session, its transcript, the connection banner. */
  snapshot(): void {
    const session = this.session();
    this.shown = JSON.stringify(session);
    const earlier = this.controller.earlier;
    const controls = this.controller.controls.view(this.controller.sessionKey);
    this.shownControls = JSON.stringify(controls);
    this.poster.post({
      type: 'snapshot',
      session,
      items: [...this.controller.transcript],
      busy: this.controller.busy,
      connection: this.connection(),
      loading: this.controller.loading,
      ...(earlier ? { earlier } : {}),
      controls,
    });
  }

  /** Posts the header's pickers if they changed since last posted. */
  private refreshControls(): void {
    const controls = this.controller.controls.view(this.controller.sessionKey);
    const json = JSON.stringify(controls);
    if (json === this.shownControls) return;
    this.shownControls = json;
    this.poster.post({ type: 'controls', controls });
  }

  /** The shown session as the header names it (by the same rule as the tree and the pickers), and whether it may be rewound. */
  private session(): SessionView {
    const key = this.controller.sessionKey;
    const row = this.controller.sessions.find((s) => s.key === key) ?? this.controller.list.find(key) ?? { key };
    return { key, title: sessionTitle(row), canRewind: this.controller.client.sessions.hasScope('operator.admin') };
  }

  /** Tells the page the session's title or rights, if they changed. */
  private refreshSession(): void {
    const session = this.session();
    const shown = JSON.stringify(session);
    if (shown === this.shown) return;
    this.shown = shown;
    this.poster.post({ type: 'session', session });
  }

  /** Re-sends the connection banner (e.g. each second of a reconnect countdown). */
  refreshConnection(): void {
    this.poster.post({ type: 'connection', connection: this.connection() });
  }

  dispose(): void {
    this.off();
  }

  private onChange(change: ControllerChange): void {
    switch (change.type) {
      case 'append':
        this.poster.append(change.id, change.text);
        return;
      case 'snapshot':
        this.poster.drop();
        this.snapshot();
        return;
      case 'upsert':
        // The item carries its whole text: text gathered for it is already included.
        this.poster.drop(change.item.id);
        this.poster.post({ type: 'upsert', item: change.item });
        return;
      case 'remove':
        this.poster.drop(change.id);
        this.poster.post({ type: 'remove', id: change.id });
        return;
      case 'prepend':
        this.poster.post({ type: 'prepend', items: change.items, earlier: this.controller.earlier });
        return;
      case 'reveal':
        this.poster.post({ type: 'reveal', id: change.id });
        return;
      case 'draft':
        this.poster.post({ type: 'draft', text: change.text });
        return;
      case 'busy':
        this.poster.post({ type: 'busy', busy: change.busy });
        return;
      case 'connection':
        this.refreshConnection();
        // The scopes came with the connection: whether rewind is offered may have changed.
        if (change.state.kind === 'connected') this.refreshSession();
        return;
      case 'controls':
        this.refreshControls();
        return;
      case 'sessions':
        // The session's row carries its model and thinking level too.
        this.refreshControls();
        this.refreshSession();
        return;
      default:
        return;
    }
  }
}
