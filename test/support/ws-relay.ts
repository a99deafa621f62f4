// A WebSocket relay on 127.0.0.1 in front of a real gateway: frames pass both ways unchanged, and
// every frame a client sent through it is kept, so a test can say what reached that gateway.
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

export interface Relay {
  url: string;
  port: number;
  /** Every frame clients sent through the relay, as text, oldest first. */
  sent: string[];
  /** Stops listening and cuts every connection (the gateway behind it looks gone). */
  close(): Promise<void>;
}

/** Close codes a peer may send on (1005, 1006 and 1015 are only ever reported). */
const sendable = (code: number) => code === 1000 || (code >= 1001 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);

export async function startRelay(target: string, port = 0): Promise<Relay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const sent: string[] = [];
  server.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const waiting: RawData[] = [];
    const end = (socket: WebSocket, code: number, reason: Buffer) => {
      if (socket.readyState !== WebSocket.OPEN) return socket.terminate();
      if (sendable(code)) socket.close(code, reason);
      else socket.terminate();
    };
    upstream.on('open', () => {
      for (const data of waiting.splice(0)) upstream.send(data);
    });
    client.on('message', (data, isBinary) => {
      sent.push(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
      else waiting.push(data);
    });
    upstream.on('message', (data, isBinary) => client.send(data, { binary: isBinary }));
    client.on('close', (code, reason) => end(upstream, code, reason));
    upstream.on('close', (code, reason) => end(client, code, reason));
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${actual}`,
    port: actual,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate();
        server.close(() => resolve());
      }),
  };
}
