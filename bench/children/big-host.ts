/**
 * The extension host's side of the "big and many" bench, in a process of its own: the real
 * GatewayClient, ChatController, HostPoster and ChatFeed (what the chat view posts), against a
 * gateway with thousands of sessions and a very long session (bench/big.ts runs that gateway).
 *
 *   node build/big-host.js <ws-url> <long session key> <repeats>
 *
 * Measured (times in ms; `*At` are wall-clock timestamps, performance.timeOrigin + now, so the
 * parent can line them up with the gateway's):
 *  - the first session list the controller loads when it connects (from `connected` to its
 *    `sessions` change), then `client.listSessions()` again `repeats` times;
 *  - switching to the long session, as picking it in the tree does: from `switchSession()` to the
 *    snapshot the chat feed posts with the loaded history, its size, its items and notice;
 *    `repeats` times (going back to the main session in between);
 *  - for comparison, what loading the whole history would take: `client.history(key, total)`,
 *    `itemsFromHistory` over it, and the size of a snapshot holding all of it.
 * Everything posted is serialized with JSON.stringify, as webview.postMessage does.
 */
import { performance } from 'node:perf_hooks';
import { ChatController } from '../../src/extension/chat-controller';
import { ChatFeed } from '../../src/extension/chat-feed';
import { HostPoster } from '../../src/extension/host-poster';
import { itemsFromHistory } from '../../src/extension/transcript';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { GatewayClient } from '../../src/gateway/gateway-client';
import type { ConnectionView, HostMessage } from '../../src/protocol/webview';
import { report } from '../lib/proc';

const [url, bigKey, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg);
if (!url?.startsWith('ws://') || !bigKey || !(repeats > 0)) {
  process.stderr.write('usage: big-host.js <ws-url> <session key> <repeats>\n');
  process.exit(2);
}

const CONNECTED: ConnectionView = { kind: 'connected', title: 'Connected to OpenClaw 2026.9.6', actions: [] };
const now = () => performance.timeOrigin + performance.now();

interface Posted {
  at: number;
  bytes: number;
  serializeMs: number;
  message: HostMessage;
}

async function main(): Promise<void> {
  const posted: Posted[] = [];
  const waiters = new Set<(p: Posted) => void>();
  const deliver = (message: HostMessage) => {
    const t = performance.now();
    const bytes = JSON.stringify(message).length;
    const p = { at: now(), bytes, serializeMs: performance.now() - t, message };
    posted.push(p);
    for (const w of waiters) w(p);
  };
  const nextPost = (match: (p: Posted) => boolean) =>
    new Promise<Posted>((resolve) => {
      const w = (p: Posted) => {
        if (!match(p)) return;
        waiters.delete(w);
        resolve(p);
      };
      waiters.add(w);
    });

  const client = new GatewayClient({ url, token: 'bench-token', store: new MemoryCredentialStore(), clientVersion: '0.1.0-bench', log: () => undefined });
  const controller = new ChatController(client, { log: () => undefined, thinking: () => undefined, saveSession: () => undefined });
  const poster = new HostPoster(deliver);
  const feed = new ChatFeed(controller, poster, () => CONNECTED);

  let connectedAt = 0;
  const firstList = new Promise<number>((resolve) => {
    const off = controller.onChange((change) => {
      if (change.type === 'connection' && change.state.kind === 'connected') connectedAt = now();
      if (change.type === 'sessions' && controller.sessions.length > 1) {
        off();
        resolve(now());
      }
    });
  });
  const startedAt = now();
  client.start();
  const firstListAt = await firstList;
  // Let the main session's history load settle before measuring anything else.
  while (controller.loading) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 200));

  const list: Array<{ ms: number; rows: number; startAt: number; endAt: number }> = [];
  for (let i = 0; i < repeats; i++) {
    const startAt = now();
    const rows = await client.listSessions();
    const endAt = now();
    list.push({ ms: endAt - startAt, rows: rows.length, startAt, endAt });
  }

  const switches: Array<{
    ms: number;
    startAt: number;
    endAt: number;
    snapshotBytes: number;
    serializeMs: number;
    items: number;
    notice?: string;
    heapMB: number;
  }> = [];
  for (let i = 0; i < repeats; i++) {
    if (controller.sessionKey === bigKey) {
      const back = nextPost((p) => p.message.type === 'snapshot' && !p.message.loading);
      await controller.switchSession(client.mainSessionKey);
      await back;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const loaded = nextPost((p) => p.message.type === 'snapshot' && !p.message.loading && p.message.session.key === bigKey && p.message.items.length > 0);
    const startAt = now();
    void controller.switchSession(bigKey);
    const snap = await loaded;
    if (snap.message.type !== 'snapshot') throw new Error('not a snapshot');
    const notice = snap.message.items.find((item) => item.kind === 'notice');
    switches.push({
      ms: snap.at - startAt,
      startAt,
      endAt: snap.at,
      snapshotBytes: snap.bytes,
      serializeMs: snap.serializeMs,
      items: snap.message.items.length,
      notice: notice && 'text' in notice ? notice.text : undefined,
      heapMB: process.memoryUsage().heapUsed / 2 ** 20,
    });
  }

  // What the open session holds in the host: the heap after a forced GC with it shown, then with
  // the (short) main session shown instead; the difference is what showing it costs.
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapMB = () => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const memory = { transcriptItems: controller.transcript.length, openHeapMB: heapMB(), mainHeapMB: 0 };
  const back = nextPost((p) => p.message.type === 'snapshot' && !p.message.loading);
  await controller.switchSession(client.mainSessionKey);
  await back;
  memory.mainHeapMB = heapMB();

  // What the whole history would cost the host (the controller asks for the latest 200).
  const total = (await client.history(bigKey, 1)).totalMessages ?? 0;
  const fullAt = now();
  const full = await client.history(bigKey, total);
  const fullEndAt = now();
  const t0 = performance.now();
  const items = itemsFromHistory(full.messages);
  const itemsMs = performance.now() - t0;
  const t1 = performance.now();
  const snapshotBytes = JSON.stringify({
    type: 'snapshot',
    seq: 1,
    session: { key: bigKey, title: 'A very long session' },
    items,
    busy: false,
    connection: CONNECTED,
    loading: false,
  }).length;
  const serializeMs = performance.now() - t1;

  report({
    startedAt,
    connectedAt,
    firstListAt,
    firstListMs: firstListAt - connectedAt,
    sessions: controller.sessions.length,
    list,
    switches,
    memory,
    full: {
      messages: full.messages.length,
      totalMessages: total,
      startAt: fullAt,
      endAt: fullEndAt,
      ms: fullEndAt - fullAt,
      itemsMs,
      items: items.length,
      snapshotBytes,
      serializeMs,
    },
  });
  feed.dispose();
  controller.dispose();
  poster.dispose();
  client.close();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
