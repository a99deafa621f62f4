/**
 * The host's truth about the chat: which session is shown, its transcript, the turns in flight and
 * the session list. It drives the GatewayClient and tells the views what changed. No `vscode`
 * import: the view provider, tree and commands are thin glue around it. The parts: TranscriptModel
 * (ordering), LiveTurn (one message's items as its run streams), SessionList, HistoryWindow (which
 * pages of history are shown), SessionWatch (other clients' new messages), SessionActions (fork,
 * rewind, compact, reset, reveal); this file keeps the shown session, the queue of turns and the
 * reconciliation with the gateway's history.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ConnectionState } from '../gateway/connection-state';
import { GatewayCancelledError, GatewayRequestError } from '../gateway/errors';
import type { GatewayClient, TurnResult } from '../gateway/gateway-client';
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
import { LiveTurn } from './live-turn';
import { SessionActions } from './session-actions';
import { SessionControls } from './session-controls';
import { SessionList } from './session-list';
import { SessionWatch } from './session-watch';
import { SlashCommands } from './slash-commands';
import { itemsFromHistory } from './transcript';
import { TranscriptModel, type TranscriptChange } from './transcript-model';

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
/** Runs of our own finished turns remembered, so their rows arriving late are not shown twice. */
const RECENT_RUNS = 200;

const NO_CONTEXT: MessageContext = { blocks: [], images: [], chips: [] };

export class ChatController extends Disposable {
  private readonly emitter = new EventEmitter<{ change: [ControllerChange] }>();
  private readonly model: TranscriptModel;
  private readonly sessionList: SessionList;
  /** What the agent waits on a person for, in every session; the shown session's show as cards. */
  readonly approvals: Approvals;
  /** The header's model and thinking pickers. */
  readonly controls: SessionControls;
  readonly commands: SlashCommands;
  private turns: LiveTurn[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private currentSession: string;
  private reloadTimer: NodeJS.Timeout | undefined;
  private historyGeneration = 0;
  private readonly window = new HistoryWindow();
  private readonly watch: SessionWatch;
  private readonly recentRuns = new Set<string>();
  /** Fork, rewind, compact, reset, reveal a message, read a whole history. */
  readonly actions = new SessionActions(this);
  /** What each turn's file tools changed: diffs on their cards, a change set to keep or revert. */
  readonly changes: ChangeTracker;
  /**
   * Another client (or the gateway's repair after a crash) wrote in the shown session while a turn
   * of ours ran: reload once it ends.
   */
  private reloadAfterTurn = false;
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
    this.register(client.onState((state) => this.onConnectionState(state)));
    this.register(
      client.onResync((notice) => {
        if (notice.reason !== 'run-gap') return this.scheduleReload();
        const turn = this.turns.find((t) => notice.runId !== undefined && t.runIds.has(notice.runId));
        if (turn) turn.needsReload = true;
      }),
    );
    this.watch = new SessionWatch(
      {
        sessionKey: () => this.sessionKey,
        busy: () => this.busy,
        isOwnRun: (runId) => this.recentRuns.has(runId) || this.turns.some((t) => t.runIds.has(runId)),
        deferReload: () => (this.reloadAfterTurn = true),
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
      for (const turn of this.turns) turn.controller.abort();
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
    return this.turns.some((t) => t.sessionKey === this.sessionKey);
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
    const key = this.sessionKey;
    const refusal = this.imageRefusal(context.images.map((i) => i.fileName));
    if (refusal) {
      this.notice('error', `Not sent: ${refusal}`);
      return refusal;
    }
    const message = composeMessage(trimmed, context.blocks);
    const inFlight = this.turns.filter((t) => t.sessionKey === key);
    const running = inFlight.find((t) => t.accepted);
    const offline = this.client.state.kind !== 'connected';
    if (inFlight.length && delivery === 'steer' && running && !offline && !context.images.length) {
      this.steer(running, trimmed, message, context);
      return undefined;
    }
    // A steer that cannot happen (nothing streams yet, offline, images) waits its turn instead.
    const how: Delivery | undefined = inFlight.length ? (delivery === 'interrupt' ? 'interrupt' : 'queue') : undefined;
    if (how === 'interrupt') void this.stop();
    const turn = new LiveTurn(
      randomUUID(),
      key,
      { text: trimmed, chips: context.chips, delivery: how, pending: offline ? 'queued' : inFlight.length && how !== 'interrupt' ? 'waiting' : 'sending' },
      this.model,
    );
    this.turns.push(turn);
    this.model.upsert(turn.user);
    this.emit({ type: 'busy', busy: true });
    if (!context.blocks.length && SlashCommands.looksLikeCommand(trimmed)) void this.commandOrTurn(turn, message);
    else this.chain = this.chain.then(() => this.run(turn, message, context));
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

  /**
   * Stops the turns of the current session: a running one on the gateway; one sent but not yet
   * taken as soon as the gateway takes it (stopping it here alone would let it run unseen); one
   * still queued here, before it is sent.
   */
  async stop(): Promise<void> {
    for (const turn of this.turns.filter((t) => t.sessionKey === this.sessionKey)) {
      if (turn.accepted) await this.abortOnGateway(turn);
      else if (turn.user.pending === 'sending') turn.stopRequested = true;
      else turn.controller.abort();
    }
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
    const unsent = this.turns.filter((t) => !t.accepted).map((t) => t.user.text);
    for (const turn of this.turns) turn.controller.abort();
    this.turns = [];
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
   * flight. Older messages are loaded on demand (`loadEarlier`).
   */
  async reloadHistory(): Promise<void> {
    if (this.client.state.kind !== 'connected') return;
    const key = this.sessionKey;
    const generation = ++this.historyGeneration;
    this.loading = true;
    if (!this.model.items.length) this.emit({ type: 'snapshot' });
    let items: ChatItem[] | undefined;
    try {
      const page = await this.client.history(key, FIRST_PAGE);
      if (generation !== this.historyGeneration || key !== this.sessionKey) return;
      const inFlight = this.turns.filter((t) => t.sessionKey === key);
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
    return this.recentRuns.has(key) || this.turns.some((t) => t.key === key);
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

  // ---- turns ------------------------------------------------------------------------------

  private async run(turn: LiveTurn, message: string, context: MessageContext): Promise<void> {
    let result: TurnResult | undefined;
    if (turn.user.pending === 'waiting') turn.setPending(this.client.state.kind === 'connected' ? 'sending' : 'queued');
    // A session the gateway has not got yet starts with the thinking level of the setting; an
    // existing one keeps its own (an `agent` thinking level would overwrite it for good).
    const isNew = !this.sessionList.rows.some((row) => row.key === turn.sessionKey);
    try {
      result = await this.client.runTurn(
        {
          sessionKey: turn.sessionKey,
          message,
          idempotencyKey: turn.key,
          thinking: isNew ? this.controls.newSessionThinking(this.deps.thinking()) : undefined,
          attachments: context.images,
        },
        {
          signal: turn.controller.signal,
          onAccepted: () => {
            turn.onAccepted();
            if (turn.stopRequested) void this.abortOnGateway(turn);
          },
          onEvent: (event) => {
            turn.onEvent(event);
            this.changes.onTurnEvent(turn, event);
          },
          onRunId: (runId) => turn.runIds.add(runId),
        },
      );
      turn.finish(result);
      await this.changes.onTurnEnd(turn);
    } catch (error) {
      if (error instanceof GatewayCancelledError) {
        turn.cancel();
      } else {
        const message = error instanceof GatewayRequestError ? `${error.message} (${error.detailCode})` : (error as Error).message;
        this.deps.log('error', `turn failed: ${message}`);
        turn.fail(message);
      }
    } finally {
      this.turns = this.turns.filter((t) => t !== turn);
      for (const runId of turn.runIds) this.rememberRun(runId);
      if (turn.sessionKey === this.sessionKey) this.emit({ type: 'busy', busy: this.busy });
      // The gateway folds a message it never answered into the session's next turn and drops its row:
      // history is read again once the turns queued behind this one are done too.
      if (result?.status === 'interrupted' && turn.sessionKey === this.sessionKey) this.reloadAfterTurn = true;
      const othersWrote = this.reloadAfterTurn && turn.sessionKey === this.sessionKey && !this.busy;
      if (othersWrote) this.reloadAfterTurn = false;
      if (result?.status === 'interrupted' || turn.needsReload || othersWrote) await this.reloadHistory();
      this.sessionList.refreshSoon();
    }
  }

  /** Keeps a finished turn's run id for a while: its last rows may arrive after its final answer. */
  private rememberRun(runId: string): void {
    this.recentRuns.add(runId);
    if (this.recentRuns.size > RECENT_RUNS) this.recentRuns.delete(this.recentRuns.values().next().value as string);
  }

  /** Subscribes to the shown session's messages (and drops the subscription to the one before). */
  private watchShownSession(): void {
    this.client.sessions.watchMessages(this.sessionKey).catch((error: Error) => this.deps.log('warn', `could not watch ${this.sessionKey}: ${error.message}`));
  }

  /**
   * A message into the reply that is running: shown in that reply's place, sent with `chat.send`
   * (`queueMode: "steer"`). The gateway feeds it to the running run or answers it right after, in
   * a run of its own: the running turn reloads history when it ends, and later runs of the session
   * show through the reload that `session.message` events bring.
   */
  private steer(running: LiveTurn, text: string, message: string, context: MessageContext): void {
    const key = randomUUID();
    const item: Extract<ChatItem, { kind: 'user' }> = { kind: 'user', id: `u:${key}`, text, pending: 'sending', delivery: 'steer' };
    if (context.chips.length) item.chips = context.chips;
    running.showInPlace(item);
    running.needsReload = true;
    this.client.steerTurn(running.sessionKey, message, key).then(
      () => running.showInPlace({ ...item, pending: undefined }),
      (error: Error) => {
        running.showInPlace({ ...item, pending: undefined, delivery: undefined });
        running.notice('error', `Could not steer the running reply with “${shorten(text)}”: ${error.message}. Send it again.`);
      },
    );
  }

  /** A message that starts like a slash command: run by the gateway if it is one, else an ordinary turn. */
  private async commandOrTurn(turn: LiveTurn, message: string): Promise<void> {
    let command: Awaited<ReturnType<SlashCommands['match']>>;
    try {
      command = await this.commands.match(turn.sessionKey, message);
    } catch (error) {
      this.deps.log('warn', `could not list the slash commands: ${(error as Error).message}`);
    }
    if (!command) {
      this.chain = this.chain.then(() => this.run(turn, message, NO_CONTEXT));
      return;
    }
    turn.setPending('sending');
    try {
      const result = await this.client.runCommand(turn.sessionKey, message, turn.key, { signal: turn.controller.signal });
      turn.finish({ runId: turn.key, sessionKey: turn.sessionKey, status: result.status, text: result.text, summary: result.error });
    } catch (error) {
      if (error instanceof GatewayCancelledError) turn.cancel();
      else turn.fail((error as Error).message);
    } finally {
      this.turns = this.turns.filter((t) => t !== turn);
      if (turn.sessionKey === this.sessionKey) this.emit({ type: 'busy', busy: this.busy });
      // A command may have changed the session (its model, its history): the gateway says what it holds.
      await this.reloadHistory();
      this.sessionList.refreshSoon();
    }
  }

  private async abortOnGateway(turn: LiveTurn): Promise<void> {
    try {
      await this.client.abortTurn(turn.sessionKey, [...turn.runIds].pop());
    } catch (error) {
      turn.notice('error', `Could not stop the turn: ${(error as Error).message}`);
    }
  }

  // ---- approvals and questions -----------------------------------------------------------

  /** A card of the shown session: in the turn whose run asked, else after the tool call it is about. */
  private onApprovalsChange(change: ApprovalsChange): void {
    if (change.kind === 'reset') return this.scheduleReload(0);
    const { entry } = change;
    if (sessionOf(entry) !== this.sessionKey) return;
    const item = cardItem(entry);
    const runId = runOfEntry(entry);
    const turn = runId ? this.turns.find((t) => t.runIds.has(runId)) : undefined;
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
      for (const turn of this.turns) if (turn.user.pending === 'queued') turn.setPending('sending');
      this.commands.clear();
      void this.sessionList.refresh();
      void this.controls.refreshModels();
      // The first connection: show this session's history. Later ones: the resync notice reloads it.
      if (!this.model.items.length || this.model.items.every((i) => i.kind === 'user' && i.pending)) this.scheduleReload(0);
    } else if (state.kind === 'reconnecting' || state.kind === 'failed') {
      for (const turn of this.turns) {
        if (turn.accepted || turn.user.pending !== 'sending') continue;
        // Not taken before the connection went: a stop asked for meanwhile now stops it here.
        if (turn.stopRequested) turn.controller.abort();
        else turn.setPending('queued');
      }
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

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
