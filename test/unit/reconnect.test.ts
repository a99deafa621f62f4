import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { RESTART_PROBE_MS } from '../../src/gateway/constants';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('liveness and reconnect', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reconnects with growing delays while the gateway is unreachable', async () => {
    const port = await freePort();
    const client = makeClient(`ws://127.0.0.1:${port}`, { backoff: { initialMs: 10, maxMs: 80, jitter: 0 } });
    cleanups.push(() => client.close());
    const delays: number[] = [];
    client.onState((s) => s.kind === 'reconnecting' && delays.push(s.delayMs));
    client.start();
    await waitFor(() => delays.length >= 6, 'six reconnect attempts', 3000);
    assert.deepEqual(delays.slice(0, 6), [10, 20, 40, 80, 80, 80]);
    const reasons: string[] = [];
    client.onState((s) => s.kind === 'reconnecting' && reasons.push(s.reason));
    await waitFor(() => reasons.length > 0, 'one more attempt');
    assert.equal(reasons[0], `nothing is listening at ws://127.0.0.1:${port} (connection refused)`);

    // The gateway comes up on that port: the client finds it by itself and resets its backoff.
    const gw = await new FakeGateway({ token: TOKEN }).start(port);
    cleanups.push(() => gw.stop());
    await waitForState(client, 'connected', 3000);
  });

  it('is back within about a second of a restarted gateway being ready, probing once a second while it is down', async () => {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const port = gw.port;
    // The backoff a person has: 1 s doubling to 30 s.
    const client = makeClient(gw.url, { backoff: { initialMs: 1000, maxMs: 30_000, jitter: 0.25 } });
    cleanups.push(() => client.close());
    client.start();
    await waitForState(client, 'connected');
    const attempts: number[] = [];
    const delays: number[] = [];
    client.onState((s) => s.kind === 'connecting' && attempts.push(Date.now()));
    client.onState((s) => s.kind === 'reconnecting' && delays.push(s.delayMs));
    gw.shutdown();
    await gw.stop();
    await sleep(6000);
    // Up again, but at first answering "starting, retry shortly", as a gateway does while it loads.
    const back = await new FakeGateway({ token: TOKEN }).start(port);
    cleanups.push(() => back.stop());
    let starting = true;
    back.handlers.push((conn, frame) => {
      if (frame.method !== 'connect' || !starting) return false;
      conn.res(frame.id, false, { code: 'UNAVAILABLE', message: 'gateway starting, retry shortly', retryable: true, retryAfterMs: 500 });
      return true;
    });
    await waitFor(() => back.requests('connect').length > 0, 'a connect while it starts', 5000);
    await sleep(3000);
    starting = false;
    const ready = Date.now();
    await waitForState(client, 'connected', 30_000);
    const lag = Date.now() - ready;
    // The policy, not the wall clock (a busy machine stretches the latter): every wait while the
    // gateway restarts is one probe interval at most, so the next attempt after it is ready comes
    // within a second. The backoff it replaced waited 2, 4, 8 s... here.
    assert.ok(delays.length >= 3, `${delays.length} reconnect waits`);
    assert.deepEqual(
      delays.filter((d) => d > RESTART_PROBE_MS),
      [],
      `every wait at most ${RESTART_PROBE_MS} ms (waits: ${delays.join(', ')})`,
    );
    process.stdout.write(`# connected ${lag} ms after the gateway was ready\n`);
    const down = attempts.filter((t) => t < ready);
    assert.ok(down.length <= 13, `${down.length} attempts in about 9 s down: no storm`);
  });

  it('closes a silent socket with 4000 after two tick intervals and reconnects', async () => {
    const gw = await new FakeGateway({ token: TOKEN, tickIntervalMs: 1000, ticks: false }).start();
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');
    const started = Date.now();
    const state = await waitForState(client, 'reconnecting', 20_000);
    const silentFor = Date.now() - started;
    assert.equal(state.reason, 'no frames from the gateway for two tick intervals');
    assert.ok(silentFor >= 1900, `watchdog fired after ${silentFor} ms, before 2 x 1000 ms`);
    await waitFor(() => gw.closes.some((c) => c.code === 4000), 'server sees close 4000');
    await waitFor(() => gw.connections === 2 && client.state.kind === 'connected', 'reconnected');
  });

  it('stays connected while ticks arrive', async () => {
    const gw = await new FakeGateway({ token: TOKEN, tickIntervalMs: 40 }).start();
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');
    await sleep(400);
    assert.equal(client.state.kind, 'connected');
    assert.equal(gw.connections, 1);
  });

  it('waits at least retryAfterMs after shutdown and 1012, then reconnects and re-subscribes', async () => {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const client = makeClient(gw.url);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    const notices: unknown[] = [];
    client.onResync((n) => notices.push(n));
    client.start();
    await waitForState(client, 'connected');
    await waitFor(() => gw.requests('sessions.subscribe').length === 1, 'first subscribe');
    gw.shutdown();
    const state = await waitForState(client, 'reconnecting');
    assert.equal(state.reason, 'the gateway is restarting');
    assert.ok(state.delayMs >= 1000, `delay ${state.delayMs} honours the restart`);
    await waitForState(client, 'connected', 3000);
    await waitFor(() => gw.requests('sessions.subscribe').length === 2, 'subscribed again');
    assert.deepEqual(notices, [{ reason: 'reconnected' }]);
  });

  it('treats HTTP 503 during a drain as a restart', async () => {
    const { createServer: createHttp } = await import('node:http');
    const http = createHttp((_req, res) => res.end());
    http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    const port = (http.address() as { port: number }).port;
    const client = makeClient(`ws://127.0.0.1:${port}`);
    cleanups.push(() => client.close());
    client.start();
    const state = await waitForState(client, 'reconnecting');
    assert.match(state.reason, /^the gateway at ws:\/\/127\.0\.0\.1:\d+ is restarting \(HTTP 503\)$/);
    assert.ok(state.delayMs >= 1000);
  });

  it('does not reconnect after close()', async () => {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const client = makeClient(gw.url);
    cleanups.push(() => gw.stop());
    client.start();
    await waitForState(client, 'connected');
    client.close();
    await sleep(200);
    assert.equal(gw.connections, 1);
    assert.equal(client.state.kind, 'closed');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
