// Helpers for the fault-injection tests (test/gateway/faults.test.ts): what to compare, what to
// count, and a bare observer connection that sees how the real gateway says goodbye.
import WebSocket from 'ws';
import type { ChatController } from '../../src/extension/chat-controller';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import type { ChatItem } from '../../src/protocol/webview';
import { sleep } from './wait';

/** Kinds and texts of chat items: what a person sees, without ids, usage or streaming marks. */
export function view(items: readonly ChatItem[]): string[] {
  return items.map((item) => {
    switch (item.kind) {
      case 'tool':
        return `tool:${item.tool.name}`;
      case 'user':
      case 'assistant':
      case 'notice':
        return `${item.kind}:${item.text}`;
      default:
        return `${(item as { kind: string }).kind}:`;
    }
  });
}

/** The full reply of the model server's SLOW mode: the echo's words padded with " ." to 60 chunks. */
export function slowReply(userText: string): string {
  const words: string[] = `Echo: ${userText}`.match(/\s*\S+/g) ?? [];
  while (words.length < 60) words.push(' .');
  return words.join('');
}

/** Counts of the active handles this process holds that a leak would grow. */
export function activeResources(): { timeouts: number; tcpSockets: number } {
  const info = process.getActiveResourcesInfo();
  return { timeouts: info.filter((r) => r === 'Timeout').length, tcpSockets: info.filter((r) => r === 'TCPSocketWrap').length };
}

export interface Figures {
  pendingRequests: number;
  runs: number;
  clientListeners: number;
  socketOpen: boolean;
  clientTimers: number;
  controllerListeners: number;
  timeouts: number;
  tcpSockets: number;
}

/** Everything that must not grow with the number of restarts. */
export function figures(client: GatewayClient, controller: ChatController): Figures {
  const stats = client.stats;
  // The controller keeps its view listeners on a private emitter; only a leak check looks at it.
  const emitter = (controller as unknown as { emitter: { listenerCount(name: string): number } }).emitter;
  return {
    pendingRequests: stats.pendingRequests,
    runs: stats.runs,
    clientListeners: stats.listeners,
    socketOpen: stats.socketOpen,
    clientTimers: stats.timers,
    controllerListeners: emitter.listenerCount('change'),
    ...activeResources(),
  };
}

export function formatFigures(f: Figures): string {
  return `pending=${f.pendingRequests} runs=${f.runs} clientListeners=${f.clientListeners} controllerListeners=${f.controllerListeners} clientTimers=${f.clientTimers} socketOpen=${f.socketOpen} Timeout=${f.timeouts} TCPSocketWrap=${f.tcpSockets}`;
}

/**
 * Resolves once the controller has nothing left to do: connected, no turn of the shown session in
 * flight, no history load running, and no change for `quietMs` (a scheduled reload or session
 * refresh would show up as a change).
 */
export async function settled(client: GatewayClient, controller: ChatController, what: string, timeoutMs: number, quietMs = 1000): Promise<void> {
  let lastChange = Date.now();
  const off = controller.onChange(() => (lastChange = Date.now()));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idle = client.state.kind === 'connected' && !controller.busy && !controller.loading;
      if (idle && Date.now() - lastChange >= quietMs) return;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} (state ${client.state.kind}, busy ${controller.busy}, loading ${controller.loading})`,
        );
      }
      await sleep(50);
    }
  } finally {
    off();
  }
}

export interface Observer {
  /** Names of the events this connection received. */
  events: string[];
  /** The close code and reason the gateway ended the connection with. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * A second, bare operator connection (token only, no device: it pairs nothing), to see what the
 * gateway itself sends when it shuts down. Resolves once the handshake succeeded.
 */
export function observeGateway(url: string, token: string, timeoutMs = 15_000): Promise<Observer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const events: string[] = [];
    let onClosed!: (value: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
    const timer = setTimeout(() => fail(new Error('observer handshake timed out')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    ws.on('error', (error) => fail(error));
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      onClosed({ code, reason: reason.toString() });
      reject(new Error(`observer closed during the handshake (${code})`));
    });
    ws.on('message', (data) => {
      let frame: { type?: string; event?: string; id?: string; ok?: boolean; error?: unknown };
      try {
        frame = JSON.parse((data as Buffer).toString());
      } catch {
        return;
      }
      if (frame.type === 'event' && frame.event) events.push(frame.event);
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        const params = {
          minProtocol: 3,
          maxProtocol: 4,
          client: { id: 'gateway-client', version: 'faults-observer', platform: process.platform, mode: 'backend' },
          role: 'operator',
          scopes: [],
          caps: [],
          auth: { token },
        };
        ws.send(JSON.stringify({ type: 'req', id: 'observer-connect', method: 'connect', params }));
      } else if (frame.type === 'res' && frame.id === 'observer-connect') {
        clearTimeout(timer);
        if (!frame.ok) return fail(new Error(`observer refused: ${JSON.stringify(frame.error)}`));
        resolve({
          events,
          closed,
          close: () => {
            if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'observer done');
            else ws.terminate();
          },
        });
      }
    });
  });
}
