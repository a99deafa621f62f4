/** Where each frame of an open connection goes (frame-router.ts), with a real emitter and request table. Pure. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { GatewayEvents } from '../../src/gateway/client-options';
import { FrameRouter } from '../../src/gateway/frame-router';
import { PendingRequests } from '../../src/gateway/pending-requests';

function setup() {
  const emitter = new EventEmitter<GatewayEvents>();
  const requests = new PendingRequests();
  const logs: string[] = [];
  const traced: unknown[] = [];
  const shutdowns: Array<string | undefined> = [];
  const events: string[] = [];
  const resyncs: unknown[] = [];
  emitter.on('event', (frame) => events.push(frame.event));
  emitter.on('resync', (notice) => resyncs.push(notice));
  const router = new FrameRouter({
    emitter,
    requests,
    log: (level, message) => logs.push(`${level}: ${message}`),
    traceIn: (frame) => traced.push(frame),
    onShutdown: (reason) => shutdowns.push(reason),
  });
  const send = (frame: unknown) => router.route(Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)));
  return { emitter, requests, router, logs, traced, shutdowns, events, resyncs, send };
}

const agent = (runId: string, seq: number) => ({ runId, stream: 'assistant', seq, data: { text: 'hi' } });

describe('frame router', () => {
  it('logs each kind of bad frame once and counts them all; bad frames are not traced', () => {
    const { router, logs, traced, send } = setup();
    send('{not json');
    send('{not json');
    send({ type: 'req', id: 'x', method: 'm' });
    router.problem('something else');
    assert.deepEqual(logs, [
      'warn: dropped a frame: frame is not JSON',
      'warn: dropped a frame: unexpected request frame from the gateway',
      'warn: dropped a frame: something else',
    ]);
    assert.deepEqual(
      [...router.problems],
      [
        ['frame is not JSON', 2],
        ['unexpected request frame from the gateway', 1],
        ['something else', 1],
      ],
    );
    assert.deepEqual(traced, []);
  });

  it('hands a res to its request, and counts one for no request as a problem', async () => {
    const { requests, router, traced, send } = setup();
    let id = '';
    const answer = requests.open('sessions.list', 1000, {}, (written) => (id = written));
    send({ type: 'res', id, ok: true, payload: { n: 1 } });
    assert.deepEqual(await answer, { n: 1 });
    assert.deepEqual(traced, [{ type: 'res', id, ok: true, payload: { n: 1 } }]);
    assert.equal(router.problems.size, 0);
    send({ type: 'res', id, ok: true, payload: {} });
    assert.deepEqual([...router.problems], [['res for an unknown request id', 1]]);
  });

  it('asks for a reload when the event seq skips ahead or goes back, and starts again on a new connection', () => {
    const { router, events, resyncs, send } = setup();
    send({ type: 'event', event: 'tick', seq: 1 });
    send({ type: 'event', event: 'tick', seq: 2 });
    send({ type: 'event', event: 'tick' });
    send({ type: 'event', event: 'tick', seq: 3 });
    assert.deepEqual(resyncs, []);
    send({ type: 'event', event: 'tick', seq: 5 });
    assert.deepEqual(resyncs, [{ reason: 'frame-gap' }]);
    assert.deepEqual([...router.problems.keys()], ['event seq skipped ahead: events were missed (history reload asked for)']);
    send({ type: 'event', event: 'tick', seq: 6 });
    send({ type: 'event', event: 'tick', seq: 6 });
    assert.equal(resyncs.length, 2);
    assert.equal(router.problems.get('event seq went backwards (history reload asked for)'), 1);
    send({ type: 'event', event: 'tick', seq: 7 });
    assert.equal(resyncs.length, 2);
    send({ type: 'event', event: 'tick', seq: 4 });
    assert.equal(resyncs.length, 3);
    send({ type: 'event', event: 'tick', seq: 5 }); // counted from the 4 on
    assert.equal(resyncs.length, 3);
    assert.deepEqual(resyncs, [{ reason: 'frame-gap' }, { reason: 'frame-gap' }, { reason: 'frame-gap' }]);
    // Every one of them is still delivered.
    assert.equal(events.length, 10);

    router.reset();
    send({ type: 'event', event: 'tick', seq: 40 }); // a new connection may start anywhere
    send({ type: 'event', event: 'tick', seq: 41 });
    assert.equal(resyncs.length, 3);
  });

  it('an event without a seq leaves the count where it was', () => {
    const { resyncs, send } = setup();
    send({ type: 'event', event: 'tick', seq: 1 });
    send({ type: 'event', event: 'presence' });
    send({ type: 'event', event: 'tick', seq: 3 });
    assert.equal(resyncs.length, 1);
    send({ type: 'event', event: 'presence' });
    send({ type: 'event', event: 'tick', seq: 3 });
    assert.equal(resyncs.length, 2);
  });

  it('gives agent events to the run that listens, and to agentEvent listeners only when there are some', () => {
    const { emitter, router, events, send } = setup();
    const mine: unknown[] = [];
    const all: unknown[] = [];
    router.listenToRun('r1', (payload) => mine.push(payload));
    assert.equal(router.runCount, 1);
    send({ type: 'event', event: 'agent', payload: agent('r1', 1) });
    send({ type: 'event', event: 'agent', payload: agent('r2', 1) });
    assert.deepEqual(mine, [agent('r1', 1)]);
    emitter.on('agentEvent', (payload) => all.push(payload));
    send({ type: 'event', event: 'agent', payload: agent('r2', 2) });
    assert.deepEqual(all, [agent('r2', 2)]);
    router.stopListeningToRun('r1');
    assert.equal(router.runCount, 0);
    send({ type: 'event', event: 'agent', payload: agent('r1', 2) });
    assert.equal(mine.length, 1);
    assert.equal(all.length, 2);
    assert.deepEqual(events, []);
  });

  it('drops an agent event whose payload is bad', () => {
    const { router, send } = setup();
    const mine: unknown[] = [];
    router.listenToRun('r1', (payload) => mine.push(payload));
    send({ type: 'event', event: 'agent', payload: { runId: 'r1', stream: 'assistant' } });
    assert.deepEqual(mine, []);
    assert.deepEqual([...router.problems], [['agent event without a numeric seq', 1]]);
  });

  it('tells of a shutdown with its reason, and passes it on as an event', () => {
    const { shutdowns, events, send } = setup();
    send({ type: 'event', event: 'shutdown', payload: { reason: 'restart' } });
    send({ type: 'event', event: 'shutdown' });
    assert.deepEqual(shutdowns, ['restart', undefined]);
    assert.deepEqual(events, ['shutdown', 'shutdown']);
  });

  it('emits sessionsChanged with its payload, and every other event but a second challenge', () => {
    const { emitter, router, shutdowns, events, traced, send } = setup();
    const changed: unknown[] = [];
    emitter.on('sessionsChanged', (payload) => changed.push(payload));
    send({ type: 'event', event: 'sessions.changed', payload: { key: 'k' } });
    send({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n' } });
    send({ type: 'event', event: 'presence', payload: {} });
    assert.deepEqual(changed, [{ key: 'k' }]);
    assert.deepEqual(events, ['sessions.changed', 'presence']);
    assert.deepEqual([...router.problems], [['a second connect.challenge on an open connection (ignored)', 1]]);
    assert.deepEqual(shutdowns, []);
    assert.equal(traced.length, 3);
  });
});
