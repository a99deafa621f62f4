/**
 * The gateway side of the client and host benches: tools/fake-gateway.ts (a real ws server
 * that does the observed handshake) with its `agent` method replaced by a streamer. The `agent`
 * request's message is a JSON spec {events, paceMs}; the server acks, sends that many `agent`
 * event frames of the run built by lib/agent-stream.ts (as fast as the socket takes them, or one per
 * paceMs), then the final `res`. Payloads are built before the server says it is ready.
 *
 *   node build/stream-server.js <runId>:<events> ...    (runs to build before saying ready;
 *                                                       `*` as runId: a run for any id)
 *   node build/stream-server.js <runId>:<bytes>B ...    (a reply of that many characters in
 *                                                       deltas alone: lib/agent-stream.ts buildReplyStream;
 *                                                       asked for with the message {replyBytes})
 */
import type { Socket } from 'node:net';
import { FakeGateway, type Conn } from '../../tools/fake-gateway';
import { buildAgentStream, buildReplyStream, eventFrame, type AgentStream } from '../lib/agent-stream';
import { BENCH_SESSION, BENCH_TOKEN } from '../lib/constants';
import { ready } from '../lib/proc';

const streams = new Map<string, AgentStream>();
/** Stands for a run id that is only known when the request comes (the chat controller makes one per message). */
const ANY_RUN = 'bench-any-run-0000';
/** A stream's size: a number of events of the tool-using run, or `<bytes>B` for one long reply. */
type Size = string;
const key = (runId: string, size: Size) => `${runId}:${size}`;
const build = (size: Size, runId: string) =>
  size.endsWith('B') ? buildReplyStream(Number(size.slice(0, -1)), runId, BENCH_SESSION) : buildAgentStream(Number(size), runId, BENCH_SESSION);

for (const arg of process.argv.slice(2)) {
  const [given, size] = arg.split(':');
  const runId = given === '*' ? ANY_RUN : given;
  streams.set(key(runId, size), build(size, runId));
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
function runFor(runId: string, size: Size): AgentStream {
  const ready = streams.get(key(runId, size));
  if (ready) return ready;
  let template = streams.get(key(ANY_RUN, size));
  if (!template) {
    template = build(size, ANY_RUN);
    streams.set(key(ANY_RUN, size), template);
  }
  // JSON.stringify escapes newlines, so a newline can separate payloads.
  const payloads = template.payloads.join('\n').split(ANY_RUN).join(runId).split('\n');
  return { ...template, payloads };
}

async function stream(conn: Conn, id: unknown, runId: string, spec: { events?: number; replyBytes?: number; paceMs?: number }): Promise<void> {
  const run = runFor(runId, spec.replyBytes ? `${spec.replyBytes}B` : String(spec.events));
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
  ready({
    port: gateway.port,
    url: gateway.url,
    streams: Object.fromEntries([...streams].map(([k, s]) => [k, { bytes: s.bytes, events: s.payloads.length, mix: s.mix }])),
  });
}

void main();
