/**
 * The host's truth about the chat: which session is shown, its transcript, the turns in flight and
 * the session list. It drives the GatewayClient and tells the views what changed. No `vscode`
 * import: the view provider, tree and commands are thin glue around it. The parts: TranscriptModel
 * (ordering), LiveTurn (one message's items as its run streams), SessionList, HistoryWindow (which
 * pages of history are shown), SessionWatch (other clients' new messages), SessionActions (fork,
 * rewind, compact, reset, reveal), TurnQueue (the turns in flight and how each is sent); this file
 * keeps the shown session and the reconciliation with the gateway's history.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ConnectionState } from '../gateway/connection-state';
import type { GatewayClient } from '../gateway/gateway-client';
import { readSessionMessage, readSessionTool } from '../gateway/payloads';
import { str } from '../protocol/schema';
import type { SessionRow } from '../protocol/gateway';
import type { ChatItem, Delivery } from '../protocol/webview';
import { anchorOf, cardItem, runOfEntry } from './approval-items';
import { ChangeTracker, type ChangeHost } from './changes/change-tracker';
import { Approvals, isOpen, sessionOf, type ApprovalsChange } from './approvals';
import { imageRefusal } from './composer/attachments';
import { composeMessage } from './composer/context-text';
import type { MessageContext } from './composer/staging';
import { Disposable } from './disposable';
import { FIRST_PAGE, HistoryWindow } from './history-window';
import { SessionActions } from './session-actions';
import { SessionControls } from './session-controls';
import { SessionList } from './session-list';
import { SessionWatch } from './session-watch';
import { SlashCommands } from './slash-commands';
import { itemsFromHistory } from './transcript';
import { TranscriptModel, type TranscriptChange } from './transcript-model';
import { NO_CONTEXT, TurnQueue } from './turn-queue';

export type ControllerChange =
  | TranscriptChange
  | { type: 'busy'; busy: boolean }
  | { type: 'sessions' }
  | { type: 'controls' }
  | { type: 'connection'; state: ConnectionState }
  /** Text for the message box (a forked or rewound message, to edit and send again). */
  | { type: 'draft'; text: string };

export interface ControllerDeps {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The thinking level a new session starts with (`openclaw.thinkingLevel`), or undefined to leave it to the model. */
  thinking(): string | undefined;
  /** What Enter does while a reply runs (`openclaw.sendWhileBusy`). */
  busyMode?(): Delivery;
  /** The session to show first (remembered per workspace), and where to remember a switch. */
  initialSession?: string;
  saveSession(key: string): void;
  /** Where the agent's file changes are looked for and reverted (none: every diff is read-only). */
  changes?: ChangeHost;
}

/** `sessions.changed` reasons after which the shown history is not what it was: it is read again. */
const HISTORY_REWRITES = new Set(['rewind', 'compact', 'reset', 'new']);
export class ChatController extends Disposable {
  private readonly emitter = new EventEmitter<{ change: [ControllerChange] }>();
  private readonly model: TranscriptModel;
  private readonly sessionList: SessionList;
  /** What the agent waits on a person for, in every session; the shown session's show as cards. */
  readonly approvals: Approvals;
  /** The header's model and thinking pickers. */
  readonly controls: SessionControls;
  readonly commands: SlashCommands;
  private readonly turns: TurnQueue;
  private currentSession: string;
  private reloadTimer: NodeJS.Timeout | undefined;
  private historyGeneration = 0;
  /** The newest history read; one it overtook resolves when it does. */
  private newestRead: Promise<void> = Promise.resolve();
  private readonly window = new HistoryWindow();
  private readonly watch: SessionWatch;
  /** Fork, rewind, compact, reset, reveal a message, read a whole history. */
  readonly actions = new SessionActions(this);
  /** What each turn's file tools changed: diffs on their cards, a change set to keep or revert. */
  readonly changes: ChangeTracker;
  loading = false;

  constructor(
    readonly client: GatewayClient,
    private readonly deps: ControllerDeps,
  ) {
    super();
    this.currentSession = deps.initialSession ?? '';
    this.changes = new ChangeTracker(deps.changes);
    this.model = new TranscriptModel(
      () => this.sessionKey,
      (change) => this.emit(change),
    );
    this.sessionList = this.register(
      new SessionList(
        client,
        () => this.emit({ type: 'sessions' }),
        (message) => deps.log('warn', message),
      ),
    );
    // Before the controller's own state listener: a connection lists approvals first, then loads history.
    this.approvals = this.register(new Approvals(client, { log: (level, message) => deps.log(level, message) }));
    this.register(this.approvals.onChange((change) => this.onApprovalsChange(change)));
    this.controls = new SessionControls({
      client,
      rows: () => this.sessionList.rows,
      refreshRows: () => this.sessionList.refresh(),
      busyMode: () => deps.busyMode?.() ?? 'steer',
      changed: () => this.emit({ type: 'controls' }),
      log: (message) => deps.log('warn', message),
    });
    this.commands = new SlashCommands(client);
    this.turns = new TurnQueue({
      client,
      model: this.model,
      changes: this.changes,
      controls: this.controls,
      commands: this.commands,
      sessionKey: () => this.sessionKey,
      hasSession: (key) => this.sessionList.rows.some((row) => row.key === key),
      thinking: () => deps.thinking(),
      log: (level, message) => deps.log(level, message),
      busyChanged: () => this.emit({ type: 'busy', busy: this.busy }),
      reloadHistory: () => this.reloadHistory(),
      turnEnded: () => this.sessionList.refreshSoon(),
    });
    this.register(client.onState((state) => this.onConnectionState(state)));
    this.register(
      client.onResync((notice) => {
        if (notice.reason !== 'run-gap') return this.scheduleReload();
        const turn = this.turns.byRun(notice.runId);
        if (turn) turn.needsReload = true;
      }),
    );
    this.watch = new SessionWatch(
      {
        sessionKey: () => this.sessionKey,
        busy: () => this.busy,
        isOwnRun: (runId) => this.turns.isOwnRun(runId),
        deferReload: () => this.turns.reloadOnceIdle(),
      },
      this.model,
      this.window,
    );
    this.register(client.onSessionsChanged(() => this.sessionList.refreshSoon()));
    this.register(
      client.onEvent((frame) => {
        if (frame.event === 'session.message') {
          const event = readSessionMessage(frame.payload);
          if (event) this.watch.onMessage(event);
        } else if (frame.event === 'session.tool') {
          const event = readSessionTool(frame.payload);
          if (event) this.watch.onTool(event);
        } else if (frame.event === 'sessions.changed') {
          // A rewind, compaction or reset (by any client) rewrites the history: read it again.
          if (str(frame.payload, 'sessionKey') !== this.sessionKey) return;
          const reason = str(frame.payload, 'reason');
          const sessionId = str(frame.payload, 'sessionId');
          const rewritten = (reason && HISTORY_REWRITES.has(reason)) || (sessionId && this.window.sessionId && sessionId !== this.window.sessionId);
          if (rewritten) this.scheduleReload(300);
        }
      }),
    );
    this.register(() => {
      this.turns.abortAll();
      clearTimeout(this.reloadTimer);
      this.emitter.removeAllListeners();
    });
  }

  /** The session the chat shows. */
  get sessionKey(): string {
    return this.currentSession || this.client.mainSessionKey;
  }

  get transcript(): readonly ChatItem[] {
    return this.model.items;
  }

  get busy(): boolean {
    return this.turns.of(this.sessionKey).length > 0;
  }

  /** The gateway's sessions, the main one always among them once connected. */
  get sessions(): readonly SessionRow[] {
    return this.sessionList.rows;
  }

  /** Why the last `sessions.list` failed, for the Sessions view; undefined after a success. */
  get sessionsError(): string | undefined {
    return this.sessionList.error;
  }

  onChange(listener: (change: ControllerChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  /**
   * Sends a message in the current session, with what its chips carry: the blocks as text after
   * the person's words, the images as attachments. Offline, it is queued and sent once connected;
   * the idempotency key made here is reused for every retry, so it never runs twice. While a reply
   * of this session runs, `delivery` says what to do: steer it into that reply (`chat.send` with
   * `queueMode: "steer"`), queue it behind (the default), or interrupt (stop, then send). A message
   * that starts with a slash command goes to the gateway as a command. Returns why it was refused
   * (shown as a notice too), or undefined.
   */
  send(text: string, context: MessageContext = NO_CONTEXT, delivery?: Delivery): string | undefined {
    const trimmed = text.trim();
    if (!trimmed && !context.blocks.length) return undefined;
    const refusal = this.imageRefusal(context.images.map((i) => i.fileName));
    if (refusal) {
      this.notice('error', `Not sent: ${refusal}`);
      return refusal;
    }
    this.turns.send(trimmed, composeMessage(trimmed, context.blocks), context, delivery);
    return undefined;
  }

  /** Why these images cannot go to the shown session's model, or undefined when they can. */
  imageRefusal(imageNames: readonly string[]): string | undefined {
    return imageRefusal(this.controls.modelOf(this.sessionKey), imageNames);
  }

  /** A notice at the end of the transcript (a message refused before it became a turn). */
  notice(level: 'info' | 'warning' | 'error', text: string): void {
    this.model.upsert({ kind: 'notice', id: `n:${randomUUID()}`, level, text });
  }

  /** Stops the turns of the current session (see TurnQueue.stop). */
  stop(): Promise<void> {
    return this.turns.stop(this.sessionKey);
  }

  /** Shows another session: its history replaces the transcript, and its new messages are watched. */
  async switchSession(key: string): Promise<void> {
    if (key === this.sessionKey && this.model.items.length) return;
    this.currentSession = key;
    this.deps.saveSession(key);
    this.approvals.watch(key);
    this.window.clear();
    this.model.replace([]);
    this.emit({ type: 'busy', busy: this.busy });
    this.emit({ type: 'sessions' });
    this.watchShownSession();
    await this.reloadHistory();
  }

  /**
   * The client is about to talk to another gateway: every turn of this one ends here (one queued
   * while offline must never be sent to the other gateway; its text goes back into the message
   * box), and `sessionKey` (the session last shown on that gateway; empty: its main session) is
   * shown once it connects. Call before pointing the client elsewhere.
   */
  async changeGateway(sessionKey: string): Promise<void> {
    // Messages the gateway left never took are not lost: they go back into the message box.
    const unsent = this.turns.abandon();
    this.currentSession = '';
    this.model.replace([]);
    if (unsent.length) {
      this.putDraft(unsent.join('\n\n'));
      this.deps.log('info', `${unsent.length} message(s) not sent before switching gateways: put back in the message box`);
    }
    await this.switchSession(sessionKey);
  }

  /** Starts a new, empty session; the gateway creates it with the first message. */
  async newSession(): Promise<string> {
    const key = `agent:main:vscode-${Date.now().toString(36)}`;
    await this.switchSession(key);
    return key;
  }

  /**
   * Loads the current session's latest messages and reconciles them with the turns still in
   * flight. Older messages are loaded on demand (`loadEarlier`). Resolves once the transcript
   * shows them, or shows what a newer read that overtook this one brought.
   */
  reloadHistory(): Promise<void> {
    if (this.client.state.kind !== 'connected') return Promise.resolve();
    const read = this.readHistory(++this.historyGeneration);
    this.newestRead = read;
    return read;
  }

  private async readHistory(generation: number): Promise<void> {
    const key = this.sessionKey;
    this.loading = true;
    if (!this.model.items.length) this.emit({ type: 'snapshot' });
    let items: ChatItem[] | undefined;
    try {
      const page = await this.client.history(key, FIRST_PAGE);
      // Overtaken by a newer read (a reconnect's, a rewrite's): the caller waits for that one instead.
      if (generation !== this.historyGeneration) return this.newestRead;
      if (key !== this.sessionKey) return;
      const inFlight = this.turns.of(key);
      const cards = this.approvals.entriesOf(key);
      const waiting = new Set(cards.flatMap((e) => (e.kind === 'approval' && isOpen(e) && e.approval.toolCallId ? [e.approval.toolCallId] : [])));
      items = itemsFromHistory(page.messages, { skipRuns: new Set(inFlight.flatMap((t) => [...t.runIds])), waiting });
      this.window.reset(page);
      for (const turn of inFlight) items.push(turn.user, ...turn.live.values());
      placeCards(items, cards);
      // History keeps no change-set rows: the ones still held go back after their turns.
      this.changes.restore(items, key);
    } catch (error) {
      if (generation === this.historyGeneration) this.deps.log('warn', `could not load history of ${key}: ${(error as Error).message}`);
    } finally {
      if (generation === this.historyGeneration) {
        this.loading = false;
        if (items) this.model.replace(items);
        else this.emit({ type: 'snapshot' });
      }
    }
  }

  /** How many older messages of the shown session the gateway has that the transcript does not (0: none). */
  get earlier(): number {
    return this.window.earlier;
  }

  /**
   * Puts the page of history just older than the transcript's first message before it. Resolves
   * with how many older messages are left. A reload meanwhile (another session, a rewrite) wins.
   */
  async loadEarlier(limit?: number): Promise<number> {
    if (this.client.state.kind !== 'connected' || this.loading) return this.window.earlier;
    const key = this.sessionKey;
    const generation = this.historyGeneration;
    const rows = await this.window.loadEarlier((pageLimit, offset) => this.client.sessions.historyPage(key, { limit: pageLimit, offset }), limit);
    if (generation !== this.historyGeneration || key !== this.sessionKey) return this.window.earlier;
    const items = itemsFromHistory(rows);
    this.changes.restore(items, key, this.model.items[0]);
    this.model.prepend(items);
    return this.window.earlier;
  }

  /** Scrolls the chat to an item of the transcript and highlights it; false when it holds no such item. */
  revealItem(id: string): boolean {
    return this.model.reveal(id);
  }

  /** Puts text in the chat's message box (to be edited and sent). */
  putDraft(text: string): void {
    this.emit({ type: 'draft', text });
  }

  /** Whether `key` is the idempotency key of one of our own turns (its items are named by it, not by a history row). */
  isOwnTurn(key: string): boolean {
    return this.turns.isOwnTurn(key);
  }

  /** Reloads the session list from the gateway; a failure is kept in `sessionsError` for the view. */
  refreshSessions(): Promise<void> {
    return this.sessionList.refresh();
  }

  /** Why a session may not be deleted (a sentence for the person), or undefined when it may. */
  deletionRefusal(key: string): string | undefined {
    return this.sessionList.deletionRefusal(key);
  }

  /** The session list's parts the views and commands use: rename, pin, archive, the archived group. */
  get list(): Pick<SessionList, 'rename' | 'setPinned' | 'setArchived' | 'listArchived' | 'find' | 'archived' | 'archiveRefusal'> {
    return this.sessionList;
  }

  /** Deletes a session on the gateway; if it was shown, the chat moves to the main session. */
  async deleteSession(key: string): Promise<boolean> {
    const deleted = await this.sessionList.delete(key);
    if (key === this.sessionKey) await this.switchSession(this.client.mainSessionKey);
    return deleted;
  }

  /** Subscribes to the shown session's messages (and drops the subscription to the one before). */
  private watchShownSession(): void {
    this.client.sessions.watchMessages(this.sessionKey).catch((error: Error) => this.deps.log('warn', `could not watch ${this.sessionKey}: ${error.message}`));
  }

  // ---- approvals and questions -----------------------------------------------------------

  /** A card of the shown session: in the turn whose run asked, else after the tool call it is about. */
  private onApprovalsChange(change: ApprovalsChange): void {
    if (change.kind === 'reset') return this.scheduleReload(0);
    const { entry } = change;
    if (sessionOf(entry) !== this.sessionKey) return;
    const item = cardItem(entry);
    const runId = runOfEntry(entry);
    const turn = this.turns.byRun(runId);
    if (turn) turn.showCard(item);
    else this.model.upsertAfter(item, anchorOf(entry));
  }

  // ---- connection -------------------------------------------------------------------------

  private onConnectionState(state: ConnectionState): void {
    this.emit({ type: 'connection', state });
    if (state.kind === 'connected') {
      this.approvals.watch(this.sessionKey);
      // The client renews the subscription on each connection; the first one names the session.
      if (this.client.sessions.watchedSession !== this.sessionKey) this.watchShownSession();
      this.turns.connected();
      this.commands.clear();
      void this.sessionList.refresh();
      void this.controls.refreshModels();
      // The first connection: show this session's history. Later ones: the resync notice reloads it.
      if (!this.model.items.length || this.model.items.every((i) => i.kind === 'user' && i.pending)) this.scheduleReload(0);
    } else {
      // Any other state has no socket that could take a message (a reconnect or a changed URL goes
      // straight from connected to connecting): what was being sent waits again.
      this.turns.disconnected();
    }
  }

  private scheduleReload(delayMs = 100): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reloadHistory(), delayMs);
  }

  /** The busy mode (a setting) changed: the composer is told. */
  refreshControls(): void {
    this.emit({ type: 'controls' });
  }

  private emit(change: ControllerChange): void {
    this.emitter.emit('change', change);
  }
}

/**
 * Puts the cards of a session into its history items: each replaces an older self, else follows
 * the tool call it is about, else goes last.
 */
function placeCards(items: ChatItem[], entries: ReturnType<Approvals['entriesOf']>): void {
  for (const entry of entries) {
    const item = cardItem(entry);
    const index = items.findIndex((i) => i.id === item.id);
    if (index >= 0) {
      items[index] = item;
      continue;
    }
    const anchor = anchorOf(entry);
    const at = anchor ? items.findIndex((i) => i.id === anchor) : -1;
    if (at >= 0) items.splice(at + 1, 0, item);
    else items.push(item);
  }
}
