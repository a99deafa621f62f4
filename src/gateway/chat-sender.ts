/**
 * The messages that go through `chat.send` rather than `agent`, and why: a steer into a running
 * turn needs `queueMode` (which `agent` has not got; `sessions.steer` does not exist on 2026.9.6),
 * and slash commands run on the gateway only when they come through `chat.send` (`agent` hands
 * "/status" to the model as words). Every other turn stays on `agent` (turn-runner.ts).
 */
import type { EventEmitter } from 'node:events';
import type { EventFrame, MessageAttachment } from '../protocol/gateway';
import type { GatewayEvents } from './client-options';
import { GatewayCancelledError, GatewayClosedError, GatewayTimeoutError } from './errors';
import type { GatewayConnection } from './gateway-connection';
import { readChatEvent } from './payloads';

/** A command the gateway runs itself answers at once; one that asks the model (`/compact`) takes longer. */
const COMMAND_TIMEOUT_MS = 5 * 60_000;

export interface ChatSendOptions {
  signal?: AbortSignal;
  attachments?: MessageAttachment[];
}

/** How a slash command ended: the gateway's answer (`chat` final), or why there is none. */
export interface CommandResult {
  status: 'ok' | 'error' | 'aborted';
  text: string;
  error?: string;
}

export class ChatSender {
  constructor(
    private readonly connection: GatewayConnection,
    private readonly emitter: EventEmitter<GatewayEvents>,
  ) {}

  /**
   * Sends `message` into the run going on in the session (`chat.send {queueMode: "steer"}`). The
   * gateway feeds it to the running run at its next model call, or answers it in a run of its own
   * right after; with no run going it starts one. Resolves once the gateway took it.
   */
  async steer(sessionKey: string, message: string, idempotencyKey: string, options: ChatSendOptions = {}): Promise<{ runId: string }> {
    await this.connection.whenConnected(options.signal);
    const params: Record<string, unknown> = { sessionKey, message, idempotencyKey, queueMode: 'steer' };
    if (options.attachments?.length) params.attachments = options.attachments;
    await this.connection.send('chat.send', params, { signal: options.signal });
    return { runId: idempotencyKey };
  }

  /**
   * Runs a slash command (`chat.send` with the command as the message) and resolves with the
   * gateway's answer, the `chat` final of the command's run. Rejects with GatewayClosedError when
   * the connection drops before the answer: whether it ran is then in history.
   */
  async command(
    sessionKey: string,
    message: string,
    idempotencyKey: string,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    await this.connection.whenConnected(options.signal);
    const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
    let settle!: { resolve(result: CommandResult): void; reject(error: Error): void };
    const answered = new Promise<CommandResult>((resolve, reject) => (settle = { resolve, reject }));
    // Settled early (the connection went while the request was out) it is awaited below or not at all.
    answered.catch(() => undefined);
    // Listening starts before the request goes: a command the gateway runs itself answers in the
    // same breath as the `res`.
    const onEvent = (frame: EventFrame) => {
      if (frame.event !== 'chat') return;
      const chat = readChatEvent(frame.payload);
      if (!chat || chat.runId !== idempotencyKey) return;
      if (chat.state === 'final') settle.resolve({ status: 'ok', text: chat.text ?? '' });
      else if (chat.state === 'aborted') settle.resolve({ status: 'aborted', text: chat.text ?? '' });
      else if (chat.state === 'error') settle.resolve({ status: 'error', text: '', error: chat.error ?? 'the command failed' });
    };
    const onState = () => {
      if (this.connection.state.kind !== 'connected') settle.reject(new GatewayClosedError('the connection closed before the command answered'));
    };
    const onAbort = () => settle.reject(new GatewayCancelledError());
    const timer = setTimeout(() => settle.reject(new GatewayTimeoutError(`the command got no answer within ${timeoutMs / 1000} s`, timeoutMs)), timeoutMs);
    this.emitter.on('event', onEvent);
    this.emitter.on('state', onState);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.connection.send('chat.send', { sessionKey, message, idempotencyKey }, { signal: options.signal });
      return await answered;
    } finally {
      clearTimeout(timer);
      this.emitter.off('event', onEvent);
      this.emitter.off('state', onState);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
