/**
 * A `ws` server on 127.0.0.1:0 that plays a gateway a workspace might point at: it greets every
 * connection with a `connect.challenge`, so that a client that trusted it would answer with its
 * token and a signed device proof, and records whatever arrives.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface HostileServer {
  url: string;
  /** One entry per connection: the frames it sent, as text. */
  connections: string[][];
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const connections: string[][] = [];
  server.on('connection', (ws) => {
    const frames: string[] = [];
    connections.push(frames);
    ws.on('message', (data: Buffer) => frames.push(data.toString()));
    ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: randomUUID(), ts: Date.now() } }));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
