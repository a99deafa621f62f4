/**
 * The host's truth about the chat: which session is shown, its transcript, the turns in flight and
 * the session list. It drives the GatewayClient and tells the views what changed. No `vscode`
 * import: the view provider, tree and commands are thin glue around it.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SessionRow } from '../protocol/gateway';
import type { ChatItem } from '../protocol/webview';
import type { ConnectionState } from '../gateway/connection-state';
import { GatewayCancelledError, GatewayRequestError } from '../gateway/errors';
import { isRecord, str } from '../gateway/frames';
import type { GatewayClient, TurnResult } from '../gateway/gateway-client';
import type { TurnEvent } from '../gateway/run-stream';
import { itemsFromHistory, toolText, usageView } from './transcript';

export type ControllerChange =
  | { type: 'snapshot' }
  | { type: 'upsert'; item: ChatItem }
  | { type: 'append'; id: string; text: string }
  | { type: 'remove'; id: string }
  | { type: 'busy'; busy: boolean }
  | { type: 'sessions' }
  | { type: 'connection'; state: ConnectionState };

export interface ControllerDeps {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The thinking level to send with a turn, or undefined for the gateway's default. */
  thinking(): string | undefined;
  /** The session to show first (remembered per workspace), and where to remember a switch. */
  initialSession?: string;
  saveSession(key: string): void;
}

/** One message the person sent, from typing to its final result. */
interface Turn {
  /** The idempotency key made when the message was typed; names the turn's chat items. */
  key: string;
  /** Every run id the turn went under (more than the key if the gateway made us send it again). */
  runIds: Set<string>;
  sessionKey: string;
  user: Extract<ChatItem, { kind: 'user' }>;
  /** Items this turn streamed, in order, keyed by id. */
  live: Map<string, ChatItem>;
  accepted: boolean;
  controller: AbortController;
  needsReload: boolean;
}

const HISTORY_LIMIT = 200;

export class ChatController {
  private readonly emitter = new EventEmitter<{ change: [ControllerChange] }>();
  private readonly disposers: Array<() => void> = [];
  private items: ChatItem[] = [];
  private turns: Turn[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private currentSession: string;
  private reloadTimer: NodeJS.Timeout | undefined;
  private sessionsTimer: NodeJS.Timeout | undefined;
  private historyGeneration = 0;
  loading = false;
  /** The gateway's sessions, the main one always among them once connected (a fresh gateway lists none). */
  sessions: SessionRow[] = [];
  /** Why the last `sessions.list` failed, for the Sessions view; undefined after a success. */
  sessionsError: string | undefined;

  constructor(readonly client: GatewayClient, private readonly deps: ControllerDeps) {
    this.currentSession = deps.initialSession ?? '';
    this.disposers.push(
      client.onState((state) => this.onConnectionState(state)),
      client.onResync((notice) => {
        if (notice.reason === 'run-gap') {
          const turn = this.turns.find((t) => notice.runId !== undefined && t.runIds.has(notice.runId));
          if (turn) turn.needsReload = true;
        } else {
          this.scheduleReload();
        }
      }),
      client.onSessionsChanged(() => this.scheduleSessionsRefresh()),
      client.onEvent((frame) => {
        // The gateway changes the shown session by itself too (a turn re-run after a crash, a
        // message folded into the next prompt, another client chatting): when no turn of ours is
        // streaming there, history is the truth to show.
        if (frame.event !== 'sessions.changed' && frame.event !== 'session.message') return;
        const key = isRecord(frame.payload) ? str(frame.payload, 'sessionKey') : undefined;
        if (key === this.sessionKey && !this.busy) this.scheduleReload(300);
      }),
    );
  }

  /** The session the chat shows. */
  get sessionKey(): string {
    return this.currentSession || this.client.mainSessionKey;
  }

  get transcript(): readonly ChatItem[] {
    return this.items;
  }

  get busy(): boolean {
    return this.turns.some((t) => t.sessionKey === this.sessionKey);
  }

  onChange(listener: (change: ControllerChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  /**
   * Sends a message in the current session. Offline, it is queued and sent once connected; the
   * idempotency key made here is reused for every retry, so it never runs twice.
   */
  send(text: string, context?: { label: string; body: string }): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    const key = randomUUID();
    const user: Turn['user'] = { kind: 'user', id: `u:${key}`, text: trimmed, pending: this.client.state.kind === 'connected' ? 'sending' : 'queued' };
    if (context) user.context = context.label;
    const turn: Turn = { key, runIds: new Set([key]), sessionKey: this.sessionKey, user, live: new Map(), accepted: false, controller: new AbortController(), needsReload: false };
    this.turns.push(turn);
    this.upsert(user);
    this.emit({ type: 'busy', busy: true });
    const message = context ? `${trimmed}\n\n${context.body}` : trimmed;
    this.chain = this.chain.then(() => this.run(turn, message));
  }

  /** Stops the running turn and drops the queued ones of the current session. */
  async stop(): Promise<void> {
    for (const turn of this.turns.filter((t) => t.sessionKey === this.sessionKey)) {
      if (turn.accepted) {
        try {
          await this.client.abortTurn(turn.sessionKey, [...turn.runIds].pop());
        } catch (error) {
          this.notice('error', `Could not stop the turn: ${(error as Error).message}`);
        }
      } else {
        turn.controller.abort();
      }
    }
  }

  /** Shows another session: its history replaces the transcript. */
  async switchSession(key: string): Promise<void> {
    if (key === this.sessionKey && this.items.length) return;
    this.currentSession = key;
    this.deps.saveSession(key);
    this.items = [];
    this.emit({ type: 'snapshot' });
    this.emit({ type: 'busy', busy: this.busy });
    this.emit({ type: 'sessions' });
    await this.reloadHistory();
  }

  /** Starts a new, empty session; the gateway creates it with the first message. */
  async newSession(): Promise<string> {
    const key = `agent:main:vscode-${Date.now().toString(36)}`;
    await this.switchSession(key);
    return key;
  }

  /** Loads the current session's history and reconciles it with the turns still in flight. */
  async reloadHistory(): Promise<void> {
    if (this.client.state.kind !== 'connected') return;
    const key = this.sessionKey;
    const generation = ++this.historyGeneration;
    this.loading = true;
    if (!this.items.length) this.emit({ type: 'snapshot' });
    try {
      const { messages, hasMore, totalMessages } = await this.client.history(key, HISTORY_LIMIT);
      if (generation !== this.historyGeneration || key !== this.sessionKey) return;
      const inFlight = this.turns.filter((t) => t.sessionKey === key);
      const items = itemsFromHistory(messages, new Set(inFlight.flatMap((t) => [...t.runIds])));
      if (hasMore) {
        // Long sessions open fast: only the latest messages are loaded, and the chat says so.
        const total = totalMessages ? ` of ${totalMessages}` : '';
        items.unshift({ kind: 'notice', id: `n:history:${key}`, level: 'info', text: `Showing the latest ${messages.length}${total} messages of this session.` });
      }
      for (const turn of inFlight) items.push(turn.user, ...turn.live.values());
      this.items = items;
    } catch (error) {
      if (generation === this.historyGeneration) this.deps.log('warn', `could not load history of ${key}: ${(error as Error).message}`);
    } finally {
      if (generation === this.historyGeneration) {
        this.loading = false;
        this.emit({ type: 'snapshot' });
      }
    }
  }

  /** Reloads the session list from the gateway; a failure is kept in `sessionsError` for the view. */
  async refreshSessions(): Promise<void> {
    if (this.client.state.kind !== 'connected') return;
    try {
      const rows = await this.client.listSessions();
      const main = this.client.mainSessionKey;
      this.sessions = rows.some((row) => row.key === main) ? rows : [{ key: main }, ...rows];
      this.sessionsError = undefined;
    } catch (error) {
      this.sessionsError = (error as Error).message;
      this.deps.log('warn', `could not list sessions: ${this.sessionsError}`);
    }
    this.emit({ type: 'sessions' });
  }

  /** Why a session may not be deleted (a sentence for the person), or undefined when it may. */
  deletionRefusal(key: string): string | undefined {
    return key === this.client.mainSessionKey ? 'The main session cannot be deleted: the gateway keeps it. Start a new session instead.' : undefined;
  }

  /** Deletes a session on the gateway; if it was shown, the chat moves to the main session. */
  async deleteSession(key: string): Promise<boolean> {
    const result = await this.client.deleteSession(key);
    this.sessions = this.sessions.filter((s) => s.key !== key);
    this.emit({ type: 'sessions' });
    if (key === this.sessionKey) await this.switchSession(this.client.mainSessionKey);
    void this.refreshSessions();
    return result.deleted;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    for (const turn of this.turns) turn.controller.abort();
    clearTimeout(this.reloadTimer);
    clearTimeout(this.sessionsTimer);
    this.emitter.removeAllListeners();
  }

  // ---- turns ------------------------------------------------------------------------------

  private async run(turn: Turn, message: string): Promise<void> {
    let result: TurnResult | undefined;
    try {
      result = await this.client.runTurn(
        { sessionKey: turn.sessionKey, message, idempotencyKey: turn.key, thinking: this.deps.thinking() },
        {
          signal: turn.controller.signal,
          onAccepted: () => {
            turn.accepted = true;
            turn.user = { ...turn.user, pending: undefined };
            this.upsert(turn.user, turn);
            // A fresh gateway takes seconds before the model is called: say that it has the message.
            this.upsert({ ...this.liveAssistant(turn, 'pending'), activity: ACCEPTED_ACTIVITY }, turn);
          },
          onEvent: (event) => this.onTurnEvent(turn, event),
          onRunId: (runId) => turn.runIds.add(runId),
        },
      );
      this.finishTurn(turn, result);
    } catch (error) {
      if (error instanceof GatewayCancelledError) {
        this.remove(turn.user.id, turn);
        this.notice('info', `Not sent: “${shorten(turn.user.text)}”`, turn);
      } else {
        const message = error instanceof GatewayRequestError ? `${error.message} (${error.detailCode})` : (error as Error).message;
        this.deps.log('error', `turn failed: ${message}`);
        turn.user = { ...turn.user, pending: undefined };
        this.upsert(turn.user, turn);
        const last = this.lastAssistant(turn);
        if (last) this.upsert({ ...last, streaming: false, activity: undefined, outcome: 'error', error: message }, turn);
        else this.notice('error', `The gateway could not run this message: ${message}`, turn);
      }
    } finally {
      this.turns = this.turns.filter((t) => t !== turn);
      if (turn.sessionKey === this.sessionKey) this.emit({ type: 'busy', busy: this.busy });
      if (result?.status === 'interrupted' || turn.needsReload) await this.reloadHistory();
      this.scheduleSessionsRefresh();
    }
  }

  private onTurnEvent(turn: Turn, event: TurnEvent): void {
    switch (event.kind) {
      case 'text': {
        const pending = turn.live.get(`a:${turn.key}:pending`);
        const id = `a:${turn.key}:${event.itemId}`;
        const existing = turn.live.get(id);
        if (existing && existing.kind === 'assistant') {
          // Items are replaced, never changed in place: what was emitted before stays as it was.
          turn.live.set(id, { ...existing, text: existing.text + event.delta });
          this.appendText(id, event.delta, turn);
          return;
        }
        if (pending) {
          // The placeholder becomes the first text item, keeping its place in the transcript.
          turn.live.delete(pending.id);
          this.remove(pending.id, turn);
        }
        // Each assistant item is its own bubble, so the blank line that joins items in the run's text goes.
        const item: ChatItem = { kind: 'assistant', id, text: event.delta.replace(/^\n\n/, ''), streaming: true };
        turn.live.set(id, item);
        this.upsert(item, turn);
        return;
      }
      case 'tool': {
        const id = `t:${event.toolCallId}`;
        const before = turn.live.get(id);
        const tool = before?.kind === 'tool' ? { ...before.tool } : { toolCallId: event.toolCallId, name: event.name, state: 'running' as const };
        if (event.args !== undefined) tool.args = toolText(event.args);
        if (event.phase === 'result') {
          tool.result = toolText(event.result);
          tool.state = event.isError ? 'error' : 'done';
        }
        const item: ChatItem = { kind: 'tool', id, tool };
        turn.live.set(id, item);
        this.upsert(item, turn);
        return;
      }
      case 'status':
      case 'lifecycle': {
        const last = this.lastAssistant(turn);
        const activity = activityText(event.kind, event.phase);
        if (last && last.streaming && activity && activity !== last.activity) this.upsert({ ...last, activity }, turn);
        return;
      }
      case 'gap':
        turn.needsReload = true;
        return;
      default:
        return;
    }
  }

  private finishTurn(turn: Turn, result: TurnResult): void {
    turn.user = { ...turn.user, pending: undefined };
    this.upsert(turn.user, turn);
    let last = this.lastAssistant(turn);
    if (!last && result.text) {
      last = { kind: 'assistant', id: `a:${turn.key}:final`, text: result.text, streaming: false };
      turn.live.set(last.id, last);
    }
    for (const item of turn.live.values()) {
      if (item.kind === 'assistant' && item !== last && item.streaming) this.upsert({ ...item, streaming: false, activity: undefined }, turn);
    }
    if (!last) return;
    const outcome = result.status === 'timeout' ? 'error' : result.status;
    const done: ChatItem = { ...last, streaming: false, activity: undefined, outcome };
    if (result.status === 'timeout') done.error = 'The turn timed out on the gateway.';
    if (result.status === 'error') done.error = result.summary ?? 'The turn failed.';
    const usage = usageView(result.usage);
    if (usage) done.usage = usage;
    if (last.id.endsWith(':pending') && !done.text) {
      // Nothing was said (an aborted turn before any text): keep the outcome mark only.
      done.text = '';
    }
    this.upsert(done, turn);
  }

  private liveAssistant(turn: Turn, itemId: string): Extract<ChatItem, { kind: 'assistant' }> {
    const id = `a:${turn.key}:${itemId}`;
    let item = turn.live.get(id);
    if (!item || item.kind !== 'assistant') {
      item = { kind: 'assistant', id, text: '', streaming: true };
      turn.live.set(id, item);
    }
    return item;
  }

  private lastAssistant(turn: Turn): Extract<ChatItem, { kind: 'assistant' }> | undefined {
    const all = [...turn.live.values()].filter((i): i is Extract<ChatItem, { kind: 'assistant' }> => i.kind === 'assistant');
    return all[all.length - 1];
  }

  // ---- transcript changes -----------------------------------------------------------------

  /** Adds or replaces an item, if it belongs to the session on screen. */
  private upsert(item: ChatItem, turn?: Turn): void {
    if (turn) {
      if (turn.live.has(item.id)) turn.live.set(item.id, item);
      if (turn.sessionKey !== this.sessionKey) return;
    }
    // From the end: the item that changes is nearly always among the last.
    const index = this.items.findLastIndex((i) => i.id === item.id);
    if (index >= 0) {
      this.items[index] = item;
    } else {
      // A turn's new item goes right after the turn's own items: with messages queued behind it,
      // that is not the end, and the transcript must read in the order history will.
      const at = turn ? this.items.findLastIndex((i) => i.id === turn.user.id || turn.live.has(i.id)) + 1 : 0;
      if (turn && at > 0 && at < this.items.length) {
        this.items.splice(at, 0, item);
        this.emit({ type: 'snapshot' });
        return;
      }
      this.items.push(item);
    }
    this.emit({ type: 'upsert', item });
  }

  private appendText(id: string, text: string, turn: Turn): void {
    if (turn.sessionKey !== this.sessionKey) return;
    const index = this.items.findLastIndex((i) => i.id === id);
    if (index >= 0) this.items[index] = turn.live.get(id)!;
    this.emit({ type: 'append', id, text });
  }

  private remove(id: string, turn?: Turn): void {
    if (turn && turn.sessionKey !== this.sessionKey) return;
    this.items = this.items.filter((i) => i.id !== id);
    this.emit({ type: 'remove', id });
  }

  private notice(level: 'info' | 'warning' | 'error', text: string, turn?: Turn): void {
    this.upsert({ kind: 'notice', id: `n:${randomUUID()}`, level, text }, turn);
  }

  // ---- connection -------------------------------------------------------------------------

  private onConnectionState(state: ConnectionState): void {
    this.emit({ type: 'connection', state });
    if (state.kind === 'connected') {
      for (const turn of this.turns) {
        if (turn.user.pending === 'queued') {
          turn.user = { ...turn.user, pending: 'sending' };
          this.upsert(turn.user, turn);
        }
      }
      void this.refreshSessions();
      // The first connection: show this session's history. Later ones: the resync notice reloads it.
      if (!this.items.length || this.items.every((i) => i.kind === 'user' && i.pending)) this.scheduleReload(0);
    } else if (state.kind === 'reconnecting' || state.kind === 'failed') {
      for (const turn of this.turns) {
        if (!turn.accepted && turn.user.pending === 'sending') {
          turn.user = { ...turn.user, pending: 'queued' };
          this.upsert(turn.user, turn);
        }
      }
    }
  }

  private scheduleReload(delayMs = 100): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reloadHistory(), delayMs);
  }

  private scheduleSessionsRefresh(): void {
    clearTimeout(this.sessionsTimer);
    this.sessionsTimer = setTimeout(() => void this.refreshSessions(), 250);
  }

  private emit(change: ControllerChange): void {
    this.emitter.emit('change', change);
  }
}

const ACCEPTED_ACTIVITY = 'The gateway has the message; waiting for the agent to start…';

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
