/**
 * The gateway side of the client and host benches: tools/fake-gateway.ts (a real ws server
 * that does the observed handshake) with its `agent` method replaced by a streamer. The `agent`
 * request's message is a JSON spec {events, paceMs}; the server acks, sends that many `agent`
 * event frames of the run built by lib/agent-stream.ts (as fast as the socket takes them, or one per
 * paceMs), then the final `res`. Payloads are built before the server says it is ready.
 *
 *   node build/stream-server.js <runId>:<events> ...    (runs to build before saying ready;
 *                                                       `*` as runId: a run for any id)
 */
import type { Socket } from 'node:net';
import { FakeGateway, type Conn } from '../../tools/fake-gateway';
import { buildAgentStream, eventFrame, type AgentStream } from '../lib/agent-stream';
import { BENCH_SESSION, BENCH_TOKEN } from '../lib/constants';
import { ready } from '../lib/proc';

const streams = new Map<string, AgentStream>();
/** Stands for a run id that is only known when the request comes (the chat controller makes one per message). */
const ANY_RUN = 'bench-any-run-0000';
const key = (runId: string, events: number) => `${runId}:${events}`;

for (const arg of process.argv.slice(2)) {
  const [given, events] = arg.split(':');
  const runId = given === '*' ? ANY_RUN : given;
  streams.set(key(runId, Number(events)), buildAgentStream(Number(events), runId, BENCH_SESSION));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Frames written to the socket per write at full speed. */
const BATCH = 256;

/**
 * Unmasked text frames (server to client, RFC 6455 5.2), many in one buffer. At full speed the
 * server writes these straight to the TCP socket, which is several times cheaper than one
 * `ws.send` per message: the server must not be what limits a client's rate.
 */
function textFrames(texts: string[]): Buffer {
  const bodies = texts.map((t) => Buffer.from(t));
  let size = 0;
  for (const b of bodies) size += b.length + (b.length < 126 ? 2 : b.length < 65536 ? 4 : 10);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const b of bodies) {
    out[at++] = 0x81;
    if (b.length < 126) out[at++] = b.length;
    else if (b.length < 65536) {
      out[at++] = 126;
      out.writeUInt16BE(b.length, at);
      at += 2;
    } else {
      out[at++] = 127;
      out.writeBigUInt64BE(BigInt(b.length), at);
      at += 8;
    }
    at += b.copy(out, at);
  }
  return out;
}

/** A run of `events` events for any run id: built once with a placeholder id, then retargeted. */
function runFor(runId: string, events: number): AgentStream {
  const ready = streams.get(key(runId, events));
  if (ready) return ready;
  let template = streams.get(key(ANY_RUN, events));
  if (!template) {
    template = buildAgentStream(events, ANY_RUN, BENCH_SESSION);
    streams.set(key(ANY_RUN, events), template);
  }
  // JSON.stringify escapes newlines, so a newline can separate payloads.
  const payloads = template.payloads.join('\n').split(ANY_RUN).join(runId).split('\n');
  return { ...template, payloads };
}

async function stream(conn: Conn, id: unknown, runId: string, spec: { events: number; paceMs?: number }): Promise<void> {
  const run = runFor(runId, spec.events);
  conn.res(id, true, { runId, sessionKey: BENCH_SESSION, agentId: 'main', status: 'accepted', acceptedAt: Date.now() });
  const ws = conn.ws;
  const socket = (ws as unknown as { _socket: Socket })._socket;
  const started = Date.now();
  const payloads = run.payloads;
  for (let i = 0; i < payloads.length;) {
    if (ws.readyState !== ws.OPEN) return;
    if (spec.paceMs) {
      ws.send(eventFrame(payloads[i++], ++conn.seq));
      await sleep(spec.paceMs);
      continue;
    }
    const texts: string[] = [];
    for (const end = Math.min(i + BATCH, payloads.length); i < end; i++) texts.push(eventFrame(payloads[i], ++conn.seq));
    if (!socket.write(textFrames(texts))) await new Promise<void>((resolve) => socket.once('drain', () => resolve()));
  }
  conn.res(id, true, {
    runId,
    status: 'ok',
    summary: 'completed',
    result: {
      payloads: [{ text: 'Done.' }],
      meta: { durationMs: Date.now() - started, stopReason: 'stop', agentMeta: { usage: { input: 10, output: run.payloads.length } } },
    },
  });
}

async function main(): Promise<void> {
  const gateway = new FakeGateway({ token: BENCH_TOKEN, ticks: false });
  gateway.handlers.push((conn, frame) => {
    if (!conn.authed || frame.type !== 'req' || frame.method !== 'agent') return false;
    const params = (frame.params ?? {}) as Record<string, unknown>;
    void stream(conn, frame.id, String(params.idempotencyKey), JSON.parse(String(params.message)));
    return true;
  });
  // The fake keeps every request it received; a bench sends few, but never let it grow unbounded.
  gateway.handlers.unshift(() => {
    if (gateway.received.length > 1000) gateway.received.splice(0, 500);
    return false;
  });
  await gateway.start();
  process.on('SIGTERM', () => void gateway.stop().finally(() => process.exit(0)));
  ready({ port: gateway.port, url: gateway.url, streams: Object.fromEntries([...streams].map(([k, s]) => [k, { bytes: s.bytes, mix: s.mix }])) });
}

void main();
