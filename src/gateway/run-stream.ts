import type { AgentEventPayload } from '../protocol/gateway';
import { isRecord, str } from '../protocol/schema';

/** What a consumer sees of one run, normalised from the gateway's `agent` events. */
export type TurnEvent =
  | { kind: 'lifecycle'; phase: string; stopReason?: string; aborted?: boolean; error?: string }
  | { kind: 'status'; phase: string }
  /**
   * `delta` is what assistant item `itemId` gained at its end; an item's first text after other
   * items' text starts with the blank line that joins it to them in the reply (RunStream.text).
   */
  | { kind: 'text'; delta: string; itemId: string }
  | { kind: 'tool'; phase: 'start' | 'update' | 'result'; toolCallId: string; name: string; args?: unknown; result?: unknown; isError?: boolean }
  | { kind: 'usage'; usage: Record<string, unknown> }
  /** Text was lost or rewritten in transit (RunStream.text has the repaired whole). Reload history to be sure. */
  | { kind: 'gap'; reason: string };

/**
 * Assembles one run's `agent` events into ordered turn events. The run's `seq` is not contiguous
 * on the real gateway (numbers are shared with events this connection never sees), so a missing
 * number is not a loss; a loss shows as assistant text that does not continue what came before,
 * and is repaired from the cumulative `text` each assistant event carries.
 *
 * The reply is kept here and nowhere else in the client: each item as the gateway's last cumulative
 * `text` for it (the string JSON.parse made), or, for a stream of deltas alone, the list of its
 * pieces, joined once when the whole is asked for. Growing one string per delta made a chain of
 * ~125k cons strings for a 5 MB reply; the per-event work is a length check and a 32-character
 * seam compared in place.
 */
export class RunStream {
  private lastSeq = -1;
  private readonly items: Item[] = [];
  private readonly byId = new Map<string, Item>();
  /** How many items have text: an item's first text after others' is joined to them by a blank line. */
  private withText = 0;

  constructor(readonly runId: string) {}

  /** The whole assistant reply so far (every item with text, joined by a blank line); joined once per change. */
  get text(): string {
    let out = '';
    let first = true;
    for (const item of this.items) {
      if (item.length === 0) continue;
      if (item.parts.length > 1) item.parts = [item.parts.join('')];
      out = first ? item.parts[0] : `${out}\n\n${item.parts[0]}`;
      first = false;
    }
    return out;
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
      item = { id: itemId, parts: [], length: 0 };
      this.items.push(item);
      this.byId.set(itemId, item);
    }
    const cumulative = typeof d.text === 'string' ? d.text : undefined;
    const delta = typeof d.delta === 'string' ? d.delta : undefined;
    /** What the item's text gained at its end, when it only grew (the usual case). */
    let grown: string;
    if (cumulative !== undefined && delta !== undefined) {
      if (!continues(item, delta, cumulative)) return this.rewrite(item, cumulative, 'assistant text did not continue');
      grown = delta;
    } else if (cumulative !== undefined) {
      // Older gateways send the whole text alone: it must start with what the item holds.
      if (cumulative.length < item.length || !startsWithParts(cumulative, item.parts)) return this.rewrite(item, cumulative, 'assistant text was rewritten');
      grown = cumulative.slice(item.length);
    } else if (delta !== undefined) {
      grown = delta;
    } else {
      return undefined;
    }
    if (grown === '') return undefined;
    const first = item.length === 0;
    if (cumulative !== undefined) {
      // The gateway's own whole text (a string JSON.parse made anyway) replaces the item's: no copy
      // is made, and a rewrite further back than the seam is taken as the gateway sends it.
      if (item.parts.length === 1) item.parts[0] = cumulative;
      else item.parts = [cumulative];
      item.length = cumulative.length;
    } else {
      item.parts.push(grown);
      item.length += grown.length;
    }
    if (!first) return { kind: 'text', delta: grown, itemId };
    // Each item's first text after another item's goes with the blank line that joins them.
    this.withText += 1;
    return { kind: 'text', delta: this.withText > 1 ? `\n\n${grown}` : grown, itemId };
  }

  /** The item's text was not what the events said it grew from: it takes the gateway's whole text. */
  private rewrite(item: Item, text: string, reason: string): TurnEvent {
    if (item.length === 0 && text !== '') this.withText += 1;
    else if (item.length !== 0 && text === '') this.withText -= 1;
    item.parts = [text];
    item.length = text.length;
    return { kind: 'gap', reason };
  }
}

interface Item {
  id: string;
  /** The item's text: the gateway's last whole `text`, or the pieces it came in; `length` is their total. */
  parts: string[];
  length: number;
}

/** How much of the text before a delta is compared (see `continues`). */
const SEAM = 32;

/**
 * Whether `cumulative` is the item's text plus `delta`: the lengths add up (a lost or extra delta
 * changes the length), the delta is its end, and the text just before the delta is the end of the
 * item's (a delta shifted or replaced changes that seam). Compared in place, character by
 * character: no substring per event. Comparing the whole item as well made the check cost as much
 * as the rest of the client per event on a long item, and a gateway that rewrites earlier text
 * still sends the new whole as `text`, which is what the item then holds.
 */
function continues(item: Item, delta: string, cumulative: string): boolean {
  const old = item.length;
  if (cumulative.length !== old + delta.length || !cumulative.startsWith(delta, old)) return false;
  // The seam, walking back through the item's last pieces (a piece is 20-60 characters: one or two).
  let at = old;
  const stop = Math.max(0, old - SEAM);
  for (let p = item.parts.length - 1; p >= 0 && at > stop; p--) {
    const part = item.parts[p];
    for (let i = part.length - 1; i >= 0 && at > stop; i--) {
      at -= 1;
      if (part.charCodeAt(i) !== cumulative.charCodeAt(at)) return false;
    }
  }
  return true;
}

/** Whether `text` starts with the pieces' concatenation, compared piece by piece without joining them. */
function startsWithParts(text: string, parts: readonly string[]): boolean {
  let at = 0;
  for (const part of parts) {
    if (!text.startsWith(part, at)) return false;
    at += part.length;
  }
  return true;
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
