/**
 * One message the person sent, from typing to its final result, and how its run's events become
 * chat items as they stream: the user's bubble, a placeholder that says the turn is on its way,
 * assistant text item by item, tool cards, and the outcome at the end.
 */
import { randomUUID } from 'node:crypto';
import type { TurnResult } from '../gateway/gateway-client';
import type { TurnEvent } from '../gateway/run-stream';
import type { ChatItem, ChipView, Delivery } from '../protocol/webview';
import { toolText, usageView } from './transcript';
import type { TranscriptModel, TurnPlace } from './transcript-model';

type UserItem = Extract<ChatItem, { kind: 'user' }>;
type AssistantItem = Extract<ChatItem, { kind: 'assistant' }>;

const ACCEPTED_ACTIVITY = 'The gateway has the message; waiting for the agent to start…';

export interface UserMessage {
  text: string;
  /** Chips that went with it (files, images, mentions). */
  chips?: ChipView[];
  /** How it was sent while a reply was running. */
  delivery?: Delivery;
  /** Where it starts: queued offline, waiting behind a running reply, or sending. */
  pending: 'queued' | 'waiting' | 'sending';
}

export class LiveTurn implements TurnPlace {
  /** Every run id the turn went under (more than the key if the gateway made us send it again). */
  readonly runIds: Set<string>;
  /** Items this turn streamed, in order, keyed by id. */
  readonly live = new Map<string, ChatItem>();
  readonly controller = new AbortController();
  accepted = false;
  /** Events were lost: history is reloaded once the turn ends. */
  needsReload = false;
  /** The person pressed Stop after the message was sent but before the gateway took it. */
  stopRequested = false;
  user: UserItem;

  constructor(
    /** The idempotency key made when the message was typed; names the turn's chat items. */
    readonly key: string,
    readonly sessionKey: string,
    message: UserMessage,
    private readonly transcript: TranscriptModel,
  ) {
    this.runIds = new Set([key]);
    this.user = { kind: 'user', id: `u:${key}`, text: message.text, pending: message.pending };
    if (message.chips?.length) this.user.chips = message.chips;
    if (message.delivery) this.user.delivery = message.delivery;
  }

  /** Marks the person's message queued (offline), waiting (behind a running reply) or sending. */
  setPending(pending: 'queued' | 'waiting' | 'sending'): void {
    if (this.user.pending === pending) return;
    this.user = { ...this.user, pending };
    this.show(this.user);
  }

  /**
   * Shows another message in this turn's place, after what the turn shows so far (a message
   * steered into it), and keeps it there as the turn goes on. Called again to update it.
   */
  showInPlace(item: ChatItem): void {
    this.live.set(item.id, item);
    this.show(item);
  }

  /** The gateway took the message: a first reply takes seconds, so say that it is on its way. */
  onAccepted(): void {
    this.accepted = true;
    this.sent();
    this.show({ ...this.assistantItem('pending'), activity: ACCEPTED_ACTIVITY });
  }

  onEvent(event: TurnEvent): void {
    switch (event.kind) {
      case 'text': {
        const id = `a:${this.key}:${event.itemId}`;
        const existing = this.live.get(id);
        if (existing && existing.kind === 'assistant') {
          // Items are replaced, never changed in place: what was emitted before stays as it was.
          const grown = { ...existing, text: existing.text + event.delta };
          this.live.set(id, grown);
          this.transcript.append(grown, event.delta, this);
          return;
        }
        const pending = this.live.get(`a:${this.key}:pending`);
        if (pending) {
          // The placeholder becomes the first text item, keeping its place in the transcript.
          this.live.delete(pending.id);
          this.transcript.remove(pending.id, this);
        }
        // Each assistant item is its own bubble, so the blank line that joins items in the run's text goes.
        const item: ChatItem = { kind: 'assistant', id, text: event.delta.replace(/^\n\n/, ''), streaming: true };
        this.live.set(id, item);
        this.show(item);
        return;
      }
      case 'tool': {
        const id = `t:${event.toolCallId}`;
        const before = this.live.get(id);
        const tool = before?.kind === 'tool' ? { ...before.tool } : { toolCallId: event.toolCallId, name: event.name, state: 'running' as const };
        if (event.args !== undefined) tool.args = toolText(event.args);
        if (event.phase === 'result') {
          tool.result = toolText(event.result);
          tool.state = event.isError ? 'error' : 'done';
        }
        const item: ChatItem = { kind: 'tool', id, tool };
        this.live.set(id, item);
        this.show(item);
        return;
      }
      case 'status':
      case 'lifecycle': {
        const last = this.lastAssistant();
        const activity = activityText(event.kind, event.phase);
        if (last && last.streaming && activity && activity !== last.activity) this.show({ ...last, activity });
        return;
      }
      case 'gap':
        this.needsReload = true;
        return;
      default:
        return;
    }
  }

  /** The run ended: every streaming item stops, the last one carries the outcome and usage. */
  finish(result: TurnResult): void {
    this.sent();
    let last = this.lastAssistant();
    if (!last && result.text) {
      last = { kind: 'assistant', id: `a:${this.key}:final`, text: result.text, streaming: false };
      this.live.set(last.id, last);
    }
    for (const item of this.live.values()) {
      if (item.kind === 'assistant' && item !== last && item.streaming) this.show({ ...item, streaming: false, activity: undefined });
    }
    if (!last) return;
    const outcome = result.status === 'timeout' ? 'error' : result.status;
    const done: AssistantItem = { ...last, streaming: false, activity: undefined, outcome };
    if (result.status === 'timeout') done.error = 'The turn timed out on the gateway.';
    if (result.status === 'error') done.error = result.summary ?? 'The turn failed.';
    const usage = usageView(result.usage);
    if (usage) done.usage = usage;
    this.show(done);
  }

  /** The run failed: the reply so far says why, or a notice does when nothing was said. */
  fail(message: string): void {
    this.sent();
    const last = this.lastAssistant();
    if (last) this.show({ ...last, streaming: false, activity: undefined, outcome: 'error', error: message });
    else this.notice('error', `The gateway could not run this message: ${message}`);
  }

  /** The person stopped the message before the gateway took it: it goes, and a notice says so. */
  cancel(): void {
    this.transcript.remove(this.user.id, this);
    this.notice('info', `Not sent: “${shorten(this.user.text)}”`);
  }

  /** An approval or question card of this turn's run, in the turn's place (added, or replacing its older self). */
  showCard(item: ChatItem): void {
    this.live.set(item.id, item);
    this.transcript.upsert(item, this);
  }

  /** A notice in this turn's place. */
  notice(level: 'info' | 'warning' | 'error', text: string): void {
    this.transcript.upsert({ kind: 'notice', id: `n:${randomUUID()}`, level, text }, this);
  }

  private sent(): void {
    if (this.user.pending === undefined) return;
    this.user = { ...this.user, pending: undefined };
    this.show(this.user);
  }

  /** Shows an item of this turn (new or replacing one), keeping `live` in step. */
  private show(item: ChatItem): void {
    if (this.live.has(item.id)) this.live.set(item.id, item);
    this.transcript.upsert(item, this);
  }

  private assistantItem(itemId: string): AssistantItem {
    const id = `a:${this.key}:${itemId}`;
    let item = this.live.get(id);
    if (!item || item.kind !== 'assistant') {
      item = { kind: 'assistant', id, text: '', streaming: true };
      this.live.set(id, item);
    }
    return item;
  }

  private lastAssistant(): AssistantItem | undefined {
    let last: AssistantItem | undefined;
    for (const item of this.live.values()) if (item.kind === 'assistant') last = item;
    return last;
  }
}

/** What a run's lifecycle and status events say the agent is doing; undefined leaves the line as it is. */
function activityText(kind: 'status' | 'lifecycle', phase: string): string | undefined {
  if (kind === 'lifecycle') {
    const lifecycle: Record<string, string> = { start: 'The agent is working…', 'waiting-approval': 'Waiting for an approval…' };
    return lifecycle[phase];
  }
  const status: Record<string, string> = {
    preparing_workspace: 'Preparing the workspace…',
    preparing_context: 'Gathering context…',
    starting_model: 'Starting the model…',
  };
  return status[phase] ?? 'Working…';
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
