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
  private shownTitle: string | undefined;
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
    this.shownTitle = session.title;
    const controls = this.controller.controls.view(this.controller.sessionKey);
    this.shownControls = JSON.stringify(controls);
    this.poster.post({
      type: 'snapshot',
      session,
      items: [...this.controller.transcript],
      busy: this.controller.busy,
      connection: this.connection(),
      loading: this.controller.loading,
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

  /** The shown session as the header names it: by the same rule as the tree and the pickers. */
  private session(): SessionView {
    const key = this.controller.sessionKey;
    return { key, title: sessionTitle(this.controller.sessions.find((s) => s.key === key) ?? { key }) };
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
      case 'busy':
        this.poster.post({ type: 'busy', busy: change.busy });
        return;
      case 'connection':
        this.refreshConnection();
        return;
      case 'controls':
        this.refreshControls();
        return;
      case 'sessions': {
        // The session's row carries its model and thinking level too.
        this.refreshControls();
        const session = this.session();
        if (session.title === this.shownTitle) return;
        this.shownTitle = session.title;
        this.poster.post({ type: 'session', session });
        return;
      }
      default:
        return;
    }
  }
}
