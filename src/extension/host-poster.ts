/**
 * Numbers host -> webview messages and coalesces streamed text: `append`s for the same item are
 * gathered for `flushMs` and posted as one, and any other message first flushes what is gathered,
 * so order is kept. No `vscode` import: the chat view gives it a `post` function, the benchmarks a
 * counter.
 */
import type { HostMessage, UnnumberedHostMessage } from '../protocol/webview';

export class HostPoster {
  private seq = 0;
  private readonly appends = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Messages posted so far. */
  posted = 0;

  constructor(
    private readonly deliver: (message: HostMessage) => void,
    private readonly flushMs = 16,
  ) {}

  /** Queues streamed text for an item; posted within `flushMs`, merged with what follows. */
  append(id: string, text: string): void {
    this.appends.set(id, (this.appends.get(id) ?? '') + text);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Forgets gathered text for an item that is about to be replaced whole. */
  drop(id?: string): void {
    if (id === undefined) this.appends.clear();
    else this.appends.delete(id);
  }

  /** Posts a message now, after any gathered text. */
  post(message: UnnumberedHostMessage): void {
    if (this.appends.size) this.flush();
    this.postNow(message);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.appends];
    this.appends.clear();
    for (const [id, text] of pending) this.postNow({ type: 'append', id, text });
  }

  /** Forgets gathered text and stops the flush timer. */
  dispose(): void {
    this.drop();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private postNow(message: UnnumberedHostMessage): void {
    this.posted += 1;
    this.deliver({ ...message, seq: ++this.seq });
  }
}
