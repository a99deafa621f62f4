import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { GatewayCancelledError, GatewayClosedError, GatewayRequestError, GatewayTimeoutError } from '../../src/gateway/errors';
import { makeClient, TOKEN } from '../support/clients';
import { FakeGateway } from '../../tools/fake-gateway';
import { sleep, waitFor, waitForState } from '../support/wait';

describe('requests and frames', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connected(options = {}) {
    const gw = await new FakeGateway({ token: TOKEN }).start();
    const client = makeClient(gw.url, options);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    await waitForState(client, 'connected');
    return { gw, client };
  }

  it('gives each request an id and resolves its payload', async () => {
    const { gw, client } = await connected();
    const [a, b] = await Promise.all([client.request('health'), client.request('health')]);
    assert.deepEqual(a, { ok: true });
    assert.deepEqual(b, { ok: true });
    const ids = gw.requests('health').map((f) => f.id);
    assert.equal(new Set(ids).size, 2);
  });

  it('rejects with the gateway error code, message, details, retryable and retryAfterMs', async () => {
    const { gw, client } = await connected();
    gw.handlers.push((conn, frame) => {
      if (frame.method !== 'chat.send') return false;
      conn.res(frame.id, false, {
        code: 'UNAVAILABLE',
        message: 'chat.send unavailable during gateway restart',
        retryable: true,
        retryAfterMs: 1000,
        details: { reason: 'gateway-restarting' },
      });
      return true;
    });
    const error = await client.request('chat.send', {}).catch((e) => e);
    assert.ok(error instanceof GatewayRequestError);
    assert.equal(error.code, 'UNAVAILABLE');
    assert.equal(error.message, 'chat.send unavailable during gateway restart');
    assert.deepEqual(error.details, { reason: 'gateway-restarting' });
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 1000);
    const unknown = (await client.request('no.such.method').catch((e) => e)) as GatewayRequestError;
    assert.equal(unknown.code, 'INVALID_REQUEST');
    assert.equal(unknown.message, 'unknown method: no.such.method');
  });

  it('times out a request that gets no answer, and forgets it', async () => {
    const { gw, client } = await connected();
    gw.handlers.push((_conn, frame) => frame.method === 'slow.method');
    const error = await client.request('slow.method', {}, { timeoutMs: 50 }).catch((e) => e);
    assert.ok(error instanceof GatewayTimeoutError);
    assert.equal(error.message, 'slow.method got no answer within 50 ms');
    assert.equal(error.timeoutMs, 50);
  });

  it('cancels a request through its AbortSignal', async () => {
    const { gw, client } = await connected();
    gw.handlers.push((_conn, frame) => frame.method === 'slow.method');
    const controller = new AbortController();
    const pending = client.request('slow.method', {}, { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e) => e);
    assert.ok(error instanceof GatewayCancelledError);
    assert.equal(error.message, 'slow.method cancelled');
    const already = await client.request('health', {}, { signal: controller.signal }).catch((e) => e);
    assert.ok(already instanceof GatewayCancelledError);
  });

  it('rejects everything pending when the socket closes', async () => {
    const { gw, client } = await connected();
    gw.handlers.push((_conn, frame) => frame.method === 'slow.method');
    const pending = [client.request('slow.method'), client.request('slow.method')];
    await waitFor(() => gw.requests('slow.method').length === 2, 'requests arrive');
    gw.dropAll();
    for (const p of pending) {
      const error = await p.catch((e) => e);
      assert.ok(error instanceof GatewayClosedError);
      assert.match(error.message, /^the connection to the gateway closed \(1006/);
    }
    const offline = await client.request('health').catch((e) => e);
    assert.ok(offline instanceof GatewayClosedError);
    assert.match(offline.message, /^not connected to the gateway/);
  });

  it('logs and drops malformed frames once each, and keeps working', async () => {
    const { gw, client } = await connected();
    const bad = [
      'not json at all',
      '[1,2,3]',
      '"a string"',
      '{"type":"weird"}',
      '{"type":"res","id":"nobody-asked","ok":true,"payload":{}}',
      '{"type":"res","ok":true}',
      '{"type":"res","id":"x","ok":false,"error":{"message":1}}',
      '{"type":"event"}',
      '{"type":"event","event":"agent","payload":{"stream":"assistant"},"seq":1000}',
      '{"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1},"seq":1001}',
      '{"type":"event","event":"tick","payload":{},"seq":5}',
      '{"type":"req","id":"1","method":"evil"}',
      '{"type":"event","event":"tick","payload":{},"seq":-1}',
    ];
    for (let round = 0; round < 3; round++) for (const text of bad) gw.sendRaw(text);
    await sleep(100);
    assert.deepEqual(await client.request('health'), { ok: true });
    const kinds = [...client.problems.keys()];
    assert.deepEqual(
      kinds.sort(),
      [
        'a second connect.challenge on an open connection (ignored)',
        'agent event without runId',
        'error res without error.code and error.message',
        'event seq went backwards (history reload asked for)',
        'event seq skipped ahead: events were missed (history reload asked for)',
        'event tick with a bad seq',
        'event without a name',
        'frame is not JSON',
        'frame is not an object',
        'res for an unknown request id',
        'res without a string id',
        'unexpected request frame from the gateway',
        'unknown frame type "weird"',
      ].sort(),
    );
    const warnings = client.logs.filter(([level, line]) => level === 'warn' && line.startsWith('dropped a frame'));
    assert.equal(warnings.length, kinds.length, 'each problem is logged once');
    assert.equal(client.problems.get('frame is not JSON'), 3);
    assert.equal(client.state.kind, 'connected');
  });

  it('asks for a history reload when the frame seq jumps', async () => {
    const { gw, client } = await connected();
    const notices: unknown[] = [];
    client.onResync((n) => notices.push(n));
    const conn = [...gw.conns][0];
    conn.event('tick', { ts: 1 });
    conn.seq += 3;
    conn.event('tick', { ts: 2 });
    await waitFor(() => notices.length === 1, 'resync notice');
    assert.deepEqual(notices, [{ reason: 'frame-gap' }]);
  });

  it('traces frames with every secret redacted', async () => {
    const frames: Array<[string, unknown]> = [];
    const { client } = await connected({ trace: (direction: string, frame: unknown) => frames.push([direction, frame]) });
    await client.request('health');
    const text = JSON.stringify(frames);
    const deviceToken = [...client.store.values.entries()].find(([k]) => k.startsWith('openclaw.deviceToken'))?.[1];
    assert.ok(deviceToken);
    assert.ok(!text.includes(TOKEN), 'no shared token');
    assert.ok(!text.includes(deviceToken), 'no device token');
    const connect = frames.find(([dir, f]) => dir === 'out' && (f as any).method === 'connect')![1] as any;
    assert.equal(connect.params.auth.token, '[redacted]');
    assert.equal(connect.params.device.signature, '[redacted]');
    const hello = frames.find(([dir, f]) => dir === 'in' && (f as any).payload?.type === 'hello-ok')![1] as any;
    assert.equal(hello.payload.auth.deviceToken, '[redacted]');
  });
});
