/**
 * A fake gateway that meters its own traffic: every request it gets, with when it arrived, when the
 * answer was written and how many characters the answer took. The "big and many" bench
 * (bench/big.ts, bench/big-vscode.ts) uses it to tell the gateway's share of a list or an open
 * from the client's.
 */
import type { Conn, FakeGateway } from '../../tools/fake-gateway';
import { now } from './clock';

/** One request to the gateway and its answer. */
export interface Exchange {
  conn: number;
  method: string;
  params: Record<string, unknown>;
  receivedAt: number;
  sentAt: number;
  bytes: number;
}

/** Records every request a fake gateway gets, with when and how many characters its answer took. */
export function meter(gateway: FakeGateway): Exchange[] {
  const log: Exchange[] = [];
  const open = new Map<string, Exchange>();
  const wrapped = new WeakSet<Conn>();
  gateway.handlers.unshift((conn, frame) => {
    if (!wrapped.has(conn)) {
      wrapped.add(conn);
      const ws = conn.ws as unknown as { send(data: unknown, ...rest: unknown[]): void };
      const send = ws.send.bind(ws);
      ws.send = (data: unknown, ...rest: unknown[]) => {
        if (typeof data === 'string' && data.startsWith('{"type":"res"')) {
          const id = /^\{"type":"res","id":("(?:[^"\\]|\\.)*"|[\d.]+)/.exec(data)?.[1];
          const exchange = id ? open.get(`${conn.id}:${id}`) : undefined;
          if (exchange) {
            exchange.bytes += data.length;
            exchange.sentAt = now();
          }
        }
        return send(data, ...rest);
      };
    }
    if (frame.type === 'req') {
      const exchange = {
        conn: conn.id,
        method: String(frame.method),
        params: (frame.params ?? {}) as Record<string, unknown>,
        receivedAt: now(),
        sentAt: 0,
        bytes: 0,
      };
      open.set(`${conn.id}:${JSON.stringify(frame.id)}`, exchange);
      log.push(exchange);
    }
    // The fake keeps every frame it was sent; drop the old ones.
    if (gateway.received.length > 1000) gateway.received.splice(0, 500);
    return false;
  });
  return log;
}
