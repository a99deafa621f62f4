// Every host message carries `seq`, one more than the previous. The webview applies them in order
// and, when it notices it missed one, stops applying increments and asks for a fresh snapshot.
import type { HostMessage } from '../src/protocol/webview';

export type SeqVerdict =
  /** In order: apply it. */
  | 'apply'
  /** Already seen (a duplicate or a late straggler): ignore it. */
  | 'stale'
  /** A message went missing before this one: ignore it and ask the host for a snapshot. */
  | 'gap'
  /** Waiting for a snapshot: increments cannot be applied to a state we no longer trust. */
  | 'waiting';

export class SeqGate {
  private last = Number.NEGATIVE_INFINITY;
  /** True until the first snapshot: the webview starts knowing nothing. */
  private awaitingSnapshot = true;

  check(message: HostMessage): SeqVerdict {
    if (message.seq <= this.last) return 'stale';
    if (message.type === 'snapshot') {
      this.last = message.seq;
      this.awaitingSnapshot = false;
      return 'apply';
    }
    if (this.awaitingSnapshot) return 'waiting';
    if (message.seq !== this.last + 1) {
      this.awaitingSnapshot = true;
      return 'gap';
    }
    this.last = message.seq;
    return 'apply';
  }

  /** The state went wrong in a way seq cannot see (e.g. an append for an unknown item). */
  lostTrack(): void {
    this.awaitingSnapshot = true;
  }

  get waitingForSnapshot(): boolean {
    return this.awaitingSnapshot;
  }
}
