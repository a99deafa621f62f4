import type { AgentEventPayload } from '../protocol/gateway';
import { isRecord, str } from '../protocol/schema';
import { hasPrefix } from '../protocol/strings';

/** What a consumer sees of one run, normalised from the gateway's `agent` events. */
export type TurnEvent =
  | { kind: 'lifecycle'; phase: string; stopReason?: string; aborted?: boolean; error?: string }
  | { kind: 'status'; phase: string }
  /** `delta` is the new text; `text` the whole reply so far (all assistant items, joined by a blank line). */
  | { kind: 'text'; delta: string; text: string; itemId: string }
  | { kind: 'tool'; phase: 'start' | 'update' | 'result'; toolCallId: string; name: string; args?: unknown; result?: unknown; isError?: boolean }
  | { kind: 'usage'; usage: Record<string, unknown> }
  /** Text was lost or rewritten in transit; `text` is the repaired whole. Reload history to be sure. */
  | { kind: 'gap'; reason: string; text: string };

/**
 * Assembles one run's `agent` events into ordered turn events. The run's `seq` is not contiguous
 * on the real gateway (numbers are shared with events this connection never sees), so a missing
 * number is not a loss; a loss shows as assistant text that does not continue what came before,
 * and is repaired from the cumulative `text` each assistant event carries.
 */
export class RunStream {
  private lastSeq = -1;
  private readonly items: Item[] = [];
  private readonly byId = new Map<string, Item>();
  /**
   * The reply is kept as the joined text of every item but the last, plus the last item's text, so
   * that an event costs the same however long the run: joining all items for each event made a long
   * run quadratic (10k events of a tool-using run took 10 s), and one ever-growing string would keep
   * every delta alive for the garbage collector to copy.
   */
  private closed = '';
  /** `closed` followed by the blank line that joins the last item to it ('' while nothing is closed). */
  private closedJoint = '';

  constructor(readonly runId: string) {}

  /** The whole assistant reply so far. */
  get text(): string {
    const last = this.items[this.items.length - 1];
    if (!last || last.text === '') return this.closed;
    return this.closedJoint + last.text;
  }

  /**
   * Turns one event into the turn event it means, if any (one event never means more than one: no
   * array is made per event). Duplicates and replays (seq not increasing) give none.
   */
  accept(event: AgentEventPayload): TurnEvent | undefined {
    if (event.seq <= this.lastSeq) return undefined;
    this.lastSeq = event.seq;
    const d = event.data;
    switch (event.stream) {
      case 'assistant':
        return this.assistant(d);
      case 'lifecycle': {
        const phase = str(d, 'phase') ?? 'unknown';
        const out: TurnEvent = { kind: 'lifecycle', phase };
        const stopReason = str(d, 'stopReason');
        if (stopReason) out.stopReason = stopReason;
        if (typeof d.aborted === 'boolean') out.aborted = d.aborted;
        const error = str(d, 'error') ?? str(d, 'errorMessage');
        if (error) out.error = error;
        return out;
      }
      case 'run_status':
        return { kind: 'status', phase: str(d, 'phase') ?? 'working' };
      case 'tool': {
        const phase = str(d, 'phase');
        const toolCallId = str(d, 'toolCallId');
        if (!toolCallId || (phase !== 'start' && phase !== 'result' && phase !== 'update')) return undefined;
        const out: TurnEvent = { kind: 'tool', phase, toolCallId, name: str(d, 'name') ?? 'tool' };
        if ('args' in d) out.args = d.args;
        if ('result' in d) out.result = d.result;
        if (typeof d.isError === 'boolean') out.isError = d.isError;
        return out;
      }
      case 'usage':
        return { kind: 'usage', usage: d };
      default:
        return undefined;
    }
  }

  private assistant(d: Record<string, unknown>): TurnEvent | undefined {
    const itemId = typeof d.itemId === 'string' ? d.itemId : 'main';
    const last = this.items[this.items.length - 1];
    // Events almost always continue the last item: a string compare is cheaper than a map lookup.
    let item = last !== undefined && last.id === itemId ? last : this.byId.get(itemId);
    if (!item) {
      // A new item goes last: what was the whole reply is now the closed part before it.
      this.close(this.text);
      item = { id: itemId, text: '' };
      this.items.push(item);
      this.byId.set(itemId, item);
    }
    const isLast = item === this.items[this.items.length - 1];
    const before = isLast ? undefined : this.text;
    const old = item.text;
    const cumulative = typeof d.text === 'string' ? d.text : undefined;
    const delta = typeof d.delta === 'string' ? d.delta : undefined;
    let gap: string | undefined;
    /** What the item's text gained at its end, when it only grew (the usual case). */
    let grown: string | undefined;
    if (cumulative !== undefined) {
      if (delta !== undefined) {
        if (continues(old, delta, cumulative)) grown = delta;
        else gap = 'assistant text did not continue';
      } else if (hasPrefix(cumulative, old)) grown = cumulative.slice(old.length);
      else gap = 'assistant text was rewritten';
      item.text = cumulative;
    } else if (delta !== undefined) {
      item.text = old + delta;
      grown = delta;
    } else {
      return undefined;
    }
    if (!isLast) {
      // An earlier item changed (items interleaved): rebuild the closed part.
      this.close(
        this.items
          .slice(0, -1)
          .map((i) => i.text)
          .filter((t) => t !== '')
          .join('\n\n'),
      );
    }
    const text = this.text;
    if (gap) return { kind: 'gap', reason: gap, text };
    // The reply's delta includes the blank line that joins a new item to the ones before it. When
    // the last item grew at its end (the usual case), the reply grew by the same text.
    let joined: string;
    if (isLast) joined = old === '' && item.text !== '' && this.closed !== '' ? `\n\n${item.text}` : grown!;
    else joined = hasPrefix(text, before!) ? text.slice(before!.length) : text;
    return joined === '' ? undefined : { kind: 'text', delta: joined, text, itemId };
  }

  private close(text: string): void {
    this.closed = text;
    this.closedJoint = text === '' ? '' : `${text}\n\n`;
  }
}

interface Item {
  id: string;
  text: string;
}

/** How much of the text before a delta is compared (see `continues`). */
const SEAM = 32;

/**
 * Whether `cumulative` is `old + delta`: the lengths add up (a lost or extra delta changes the
 * length), the delta is its end, and the text just before the delta is the end of `old` (a delta
 * shifted or replaced changes that seam). Comparing the whole of `old` as well made the check cost
 * as much as the rest of the client per event on a long item, and a gateway that rewrites earlier
 * text still sends the new whole as `text`, which is what the item then holds.
 */
function continues(old: string, delta: string, cumulative: string): boolean {
  if (cumulative.length !== old.length + delta.length) return false;
  const seam = Math.max(0, old.length - SEAM);
  return cumulative.slice(old.length) === delta && cumulative.slice(seam, old.length) === old.slice(seam);
}

/** The text of a chat message's content (a string, or an array of `{type: "text", text}` parts). */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is Record<string, unknown> => isRecord(part) && part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('');
}
