/**
 * One process of the host bench: the GatewayClient, the ChatController and a HostPoster wired the
 * way ChatViewProvider wires them (that file imports `vscode`, so its onChange mapping is repeated
 * here), with a `deliver` that serializes each message as webview.postMessage does and counts it.
 *
 *   node build/host.js <url> <poster> <events> <paceMs>
 *
 * poster: `coalesce` (HostPoster, flushMs 16, as shipped), `flush0` (flushMs 0: merges only what
 * arrives within one macrotask), `none` (every append posted at once).
 * A warm-up turn of WARM_EVENTS events at full speed comes first. Measured, from the first `agent`
 * frame of the turn to the controller's busy=false: CPU time, wall time, messages by type, and the
 * JSON size of every message.
 */
import { performance } from 'node:perf_hooks';
import { ChatController, type ControllerChange } from '../../src/extension/chat-controller';
import { HostPoster } from '../../src/extension/host-poster';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { GatewayClient } from '../../src/gateway/gateway-client';
import type { ConnectionView, HostMessage } from '../../src/protocol/webview';
import { BENCH_SESSION, BENCH_TOKEN, WARM_EVENTS } from '../lib/constants';
import { report } from '../lib/proc';

type PosterKind = 'coalesce' | 'flush0' | 'none';

/** Posts every append the moment it comes: the poster with coalescing taken out. */
class ImmediatePoster extends HostPoster {
  override append(id: string, text: string): void {
    this.post({ type: 'append', id, text });
  }
}

const [url, posterKind, eventsArg, paceArg] = process.argv.slice(2) as [string, PosterKind, string, string];
const events = Number(eventsArg);
const paceMs = Number(paceArg);
if (!url?.startsWith('ws://') || !['coalesce', 'flush0', 'none'].includes(posterKind) || !(events > 0) || !(paceMs >= 0)) {
  process.stderr.write('usage: host.js <ws-url> coalesce|flush0|none <events> <paceMs>\n');
  process.exit(2);
}

const CONNECTED: ConnectionView = { kind: 'connected', title: 'Connected to OpenClaw 2026.9.6', actions: [] };

interface Counts {
  messages: number;
  bytes: number;
  byType: Record<string, number>;
  appendBytes: number[];
  postedAt: number[];
}

async function main(): Promise<void> {
  const counts: Counts = { messages: 0, bytes: 0, byType: {}, appendBytes: [], postedAt: [] };
  let counting = false;
  const deliver = (message: HostMessage) => {
    // webview.postMessage serializes the message; the size is what crosses to the webview.
    const size = JSON.stringify(message).length;
    if (!counting) return;
    counts.messages += 1;
    counts.bytes += size;
    counts.byType[message.type] = (counts.byType[message.type] ?? 0) + 1;
    if (message.type === 'append') counts.appendBytes.push(size);
    counts.postedAt.push(performance.now());
  };
  const poster = posterKind === 'none' ? new ImmediatePoster(deliver) : new HostPoster(deliver, posterKind === 'flush0' ? 0 : 16);

  const client = new GatewayClient({ url, token: BENCH_TOKEN, store: new MemoryCredentialStore(), clientVersion: '0.1.0-bench', log: () => undefined });
  const controller = new ChatController(client, {
    log: () => undefined,
    thinking: () => undefined,
    initialSession: BENCH_SESSION,
    saveSession: () => undefined,
  });
  const snapshot = () =>
    poster.post({
      type: 'snapshot',
      session: { key: controller.sessionKey, title: controller.sessionKey },
      items: [...controller.transcript],
      busy: controller.busy,
      connection: CONNECTED,
      loading: controller.loading,
      controls: controller.controls.view(controller.sessionKey),
    });
  // As ChatViewProvider.onChange.
  let idle: (() => void) | undefined;
  controller.onChange((change: ControllerChange) => {
    switch (change.type) {
      case 'append':
        poster.append(change.id, change.text);
        return;
      case 'snapshot':
        poster.drop();
        snapshot();
        return;
      case 'upsert':
        poster.drop(change.item.id);
        poster.post({ type: 'upsert', item: change.item });
        return;
      case 'remove':
        poster.drop(change.id);
        poster.post({ type: 'remove', id: change.id });
        return;
      case 'busy':
        poster.post({ type: 'busy', busy: change.busy });
        if (!change.busy) idle?.();
        return;
      case 'connection':
        poster.post({ type: 'connection', connection: CONNECTED });
        return;
      default:
        return;
    }
  });

  client.start();
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (client.state.kind === 'connected' && !controller.loading && controller.sessions.length > 0) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });

  const turn = (n: number, pace: number) =>
    new Promise<void>((resolve) => {
      idle = resolve;
      controller.send(JSON.stringify({ events: n, paceMs: pace }));
    });

  await turn(WARM_EVENTS, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));

  let firstAt = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let frames = 0;
  const offEvent = client.onEvent((frame) => {
    if (frame.event !== 'agent') return;
    frames += 1;
    if (cpu0) return;
    cpu0 = process.cpuUsage();
    firstAt = performance.now();
    counting = true;
  });
  await turn(events, paceMs);
  poster.flush();
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - firstAt;
  counting = false;
  offEvent();
  if (frames !== events) throw new Error(`saw ${frames} agent frames, expected ${events}`);

  const sizes = [...counts.appendBytes].sort((a, b) => a - b);
  report({
    events,
    paceMs,
    poster: posterKind,
    wallMs,
    cpuUs: cpu.user + cpu.system,
    messages: counts.messages,
    bytes: counts.bytes,
    byType: counts.byType,
    appendSize: sizes.length
      ? { median: sizes[Math.floor(sizes.length / 2)], max: sizes[sizes.length - 1], mean: sizes.reduce((a, b) => a + b, 0) / sizes.length }
      : undefined,
  });
  controller.dispose();
  client.close();
  poster.dispose();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
