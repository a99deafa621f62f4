/**
 * The turns of this window in flight, across sessions, and how each goes to the gateway: queued
 * behind the session's running reply (one at a time, in the order sent), steered into it, or run
 * as a slash command. Offline turns wait and go once connected, each under the idempotency key
 * made when it was sent. The ChatController owns the shown session and the history; this queue asks
 * it to read history again when a turn ends in a way that leaves the transcript unlike the gateway's.
 */
import { randomUUID } from 'node:crypto';
import { GatewayCancelledError, GatewayRequestError } from '../gateway/errors';
import type { GatewayClient, TurnResult } from '../gateway/gateway-client';
import type { ChatItem, Delivery } from '../protocol/webview';
import type { ChangeTracker } from './changes/change-tracker';
import type { MessageContext } from './composer/staging';
import { LiveTurn } from './live-turn';
import type { SessionControls } from './session-controls';
import { SlashCommands } from './slash-commands';
import type { TranscriptModel } from './transcript-model';

/** Runs of our own finished turns remembered, so their rows arriving late are not shown twice. */
const RECENT_RUNS = 200;

export const NO_CONTEXT: MessageContext = { blocks: [], images: [], chips: [] };

export interface TurnQueueHost {
  readonly client: GatewayClient;
  readonly model: TranscriptModel;
  readonly changes: ChangeTracker;
  readonly controls: SessionControls;
  readonly commands: SlashCommands;
  /** The session the chat shows. */
  sessionKey(): string;
  /** Whether the gateway already has this session (a new one starts with the thinking setting). */
  hasSession(key: string): boolean;
  /** The thinking level of the setting, for a new session. */
  thinking(): string | undefined;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** A turn of the shown session started or ended. */
  busyChanged(): void;
  reloadHistory(): Promise<void>;
  /** A turn ended: the session list (titles, tokens) may have changed. */
  turnEnded(): void;
}

export class TurnQueue {
  private turns: LiveTurn[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly recentRuns = new Set<string>();
  /**
   * Another client (or the gateway's repair after a crash) wrote in the shown session while a turn
   * of ours ran: history is read again once the session's turns are done.
   */
  private reloadWhenIdle = false;

  constructor(private readonly host: TurnQueueHost) {}

  /** The turns of a session still in flight, oldest first. */
  of(key: string): LiveTurn[] {
    return this.turns.filter((t) => t.sessionKey === key);
  }

  /** The turn that went under this run id, if it is still in flight. */
  byRun(runId: string | undefined): LiveTurn | undefined {
    return runId === undefined ? undefined : this.turns.find((t) => t.runIds.has(runId));
  }

  /** Whether a run is one of ours (in flight, or finished a short while ago). */
  isOwnRun(runId: string): boolean {
    return this.recentRuns.has(runId) || this.turns.some((t) => t.runIds.has(runId));
  }

  /** Whether `key` is the idempotency key of one of our own turns (its items are named by it, not by a history row). */
  isOwnTurn(key: string): boolean {
    return this.recentRuns.has(key) || this.turns.some((t) => t.key === key);
  }

  /** Reads history again once the shown session's turns are done. */
  reloadOnceIdle(): void {
    this.reloadWhenIdle = true;
  }

  /**
   * Starts a turn in the shown session (see ChatController.send): `text` is what the person typed,
   * `message` what goes to the gateway (the text with its context blocks).
   */
  send(text: string, message: string, context: MessageContext, delivery: Delivery | undefined): void {
    const key = this.host.sessionKey();
    const inFlight = this.of(key);
    const running = inFlight.find((t) => t.accepted);
    const offline = this.host.client.state.kind !== 'connected';
    if (inFlight.length && delivery === 'steer' && running && !offline && !context.images.length) {
      this.steer(running, text, message, context);
      return;
    }
    // A steer that cannot happen (nothing streams yet, offline, images) waits its turn instead.
    const how: Delivery | undefined = inFlight.length ? (delivery === 'interrupt' ? 'interrupt' : 'queue') : undefined;
    if (how === 'interrupt') void this.stop(key);
    const pending = offline ? 'queued' : inFlight.length && how !== 'interrupt' ? 'waiting' : 'sending';
    const turn = new LiveTurn(randomUUID(), key, { text, chips: context.chips, delivery: how, pending }, this.host.model);
    this.turns.push(turn);
    this.host.model.upsert(turn.user);
    this.host.busyChanged();
    if (!context.blocks.length && SlashCommands.looksLikeCommand(text)) void this.commandOrTurn(turn, message);
    else this.chain = this.chain.then(() => this.run(turn, message, context));
  }

  /**
   * Stops the turns of a session: a running one on the gateway; one sent but not yet taken as soon
   * as the gateway takes it (stopping it here alone would let it run unseen); one still queued
   * here, before it is sent.
   */
  async stop(key: string): Promise<void> {
    for (const turn of this.of(key)) {
      if (turn.accepted) await this.abortOnGateway(turn);
      else if (turn.user.pending === 'sending') turn.stopRequested = true;
      else turn.controller.abort();
    }
  }

  /** Ends every turn here (the client goes to another gateway); returns the texts the gateway never took. */
  abandon(): string[] {
    const unsent = this.turns.filter((t) => !t.accepted).map((t) => t.user.text);
    this.abortAll();
    this.turns = [];
    return unsent;
  }

  abortAll(): void {
    for (const turn of this.turns) turn.controller.abort();
  }

  /** Connected: what waited offline goes now. */
  connected(): void {
    for (const turn of this.turns) if (turn.user.pending === 'queued') turn.setPending('sending');
  }

  /** The connection went: what the gateway had not taken waits (or stops, if a stop was asked for). */
  disconnected(): void {
    for (const turn of this.turns) {
      if (turn.accepted || turn.user.pending !== 'sending') continue;
      if (turn.stopRequested) turn.controller.abort();
      else turn.setPending('queued');
    }
  }

  private async run(turn: LiveTurn, message: string, context: MessageContext): Promise<void> {
    const { client, changes } = this.host;
    let result: TurnResult | undefined;
    if (turn.user.pending === 'waiting') turn.setPending(client.state.kind === 'connected' ? 'sending' : 'queued');
    // A session the gateway has not got yet starts with the thinking level of the setting; an
    // existing one keeps its own (an `agent` thinking level would overwrite it for good).
    const isNew = !this.host.hasSession(turn.sessionKey);
    try {
      result = await client.runTurn(
        {
          sessionKey: turn.sessionKey,
          message,
          idempotencyKey: turn.key,
          thinking: isNew ? this.host.controls.newSessionThinking(this.host.thinking()) : undefined,
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
            changes.onTurnEvent(turn, event);
          },
          onRunId: (runId) => turn.runIds.add(runId),
        },
      );
      turn.finish(result);
      await changes.onTurnEnd(turn);
    } catch (error) {
      if (error instanceof GatewayCancelledError) {
        turn.cancel();
      } else {
        const text = error instanceof GatewayRequestError ? `${error.message} (${error.detailCode})` : (error as Error).message;
        this.host.log('error', `turn failed: ${text}`);
        turn.fail(text);
      }
    } finally {
      this.remove(turn);
      for (const runId of turn.runIds) this.rememberRun(runId);
      const shown = turn.sessionKey === this.host.sessionKey();
      if (shown) this.host.busyChanged();
      // The gateway folds a message it never answered into the session's next turn and drops its row:
      // history is read again once the turns queued behind this one are done too.
      if (result?.status === 'interrupted' && shown) this.reloadWhenIdle = true;
      const othersWrote = this.reloadWhenIdle && shown && !this.of(turn.sessionKey).length;
      if (othersWrote) this.reloadWhenIdle = false;
      if (result?.status === 'interrupted' || turn.needsReload || othersWrote) await this.host.reloadHistory();
      this.host.turnEnded();
    }
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
    this.host.client.steerTurn(running.sessionKey, message, key).then(
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
      command = await this.host.commands.match(turn.sessionKey, message);
    } catch (error) {
      this.host.log('warn', `could not list the slash commands: ${(error as Error).message}`);
    }
    if (!command) {
      this.chain = this.chain.then(() => this.run(turn, message, NO_CONTEXT));
      return;
    }
    turn.setPending('sending');
    try {
      const result = await this.host.client.runCommand(turn.sessionKey, message, turn.key, { signal: turn.controller.signal });
      turn.finish({ runId: turn.key, sessionKey: turn.sessionKey, status: result.status, text: result.text, summary: result.error });
    } catch (error) {
      if (error instanceof GatewayCancelledError) turn.cancel();
      else turn.fail((error as Error).message);
    } finally {
      this.remove(turn);
      if (turn.sessionKey === this.host.sessionKey()) this.host.busyChanged();
      // A command may have changed the session (its model, its history): the gateway says what it holds.
      await this.host.reloadHistory();
      this.host.turnEnded();
    }
  }

  private async abortOnGateway(turn: LiveTurn): Promise<void> {
    try {
      await this.host.client.abortTurn(turn.sessionKey, [...turn.runIds].pop());
    } catch (error) {
      turn.notice('error', `Could not stop the turn: ${(error as Error).message}`);
    }
  }

  private remove(turn: LiveTurn): void {
    this.turns = this.turns.filter((t) => t !== turn);
  }

  /** Keeps a finished turn's run id for a while: its last rows may arrive after its final answer. */
  private rememberRun(runId: string): void {
    this.recentRuns.add(runId);
    if (this.recentRuns.size > RECENT_RUNS) this.recentRuns.delete(this.recentRuns.values().next().value as string);
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
