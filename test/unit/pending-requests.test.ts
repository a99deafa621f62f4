/** The requests waiting for their `res` (pending-requests.ts): ids, answers, timeouts, cancel. Pure. */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { afterEach, describe, it, mock } from 'node:test';
import { GatewayCancelledError, GatewayRequestError, GatewayTimeoutError } from '../../src/gateway/errors';
import { PendingRequests } from '../../src/gateway/pending-requests';

function timersHeld(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('pending requests', () => {
  afterEach(() => mock.timers.reset());

  it('numbers ids across methods, for the client life', async () => {
    const requests = new PendingRequests();
    assert.equal(requests.newId('connect'), 'connect-1');
    assert.equal(requests.newId('chat.send'), 'chat.send-2');
    const written: string[] = [];
    const answer = requests.open('sessions.list', 1000, {}, (id) => written.push(id));
    assert.deepEqual(written, ['sessions.list-3']);
    requests.rejectAll(new Error('closed'));
    await assert.rejects(answer, { message: 'closed' });
  });

  it('resolves with the payload of its ok res, and lets go of its timer', async () => {
    const requests = new PendingRequests();
    const before = timersHeld();
    let id = '';
    const answer = requests.open('sessions.list', 60_000, {}, (written) => (id = written));
    assert.equal(requests.size, 1);
    assert.equal(timersHeld(), before + 1);
    assert.equal(requests.onResponse({ type: 'res', id: 'other-9', ok: true, payload: {} }), false);
    assert.equal(requests.onResponse({ type: 'res', id, ok: true, payload: { sessions: [] } }), true);
    assert.deepEqual(await answer, { sessions: [] });
    assert.equal(requests.size, 0);
    assert.equal(timersHeld(), before);
    assert.equal(requests.onResponse({ type: 'res', id, ok: true, payload: {} }), false);
  });

  it('rejects an error res with what the gateway said, the message redacted', async () => {
    const requests = new PendingRequests((text) => text.replaceAll('s3cret', '***'));
    let id = '';
    const answer = requests.open('chat.send', 1000, {}, (written) => (id = written));
    const handled = requests.onResponse({
      type: 'res',
      id,
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'token s3cret refused', details: { code: 'X' }, retryable: true, retryAfterMs: 250 },
    });
    assert.equal(handled, true);
    await assert.rejects(answer, (error: unknown) => {
      assert.ok(error instanceof GatewayRequestError);
      assert.equal(error.method, 'chat.send');
      assert.equal(error.message, 'token *** refused');
      assert.equal(error.code, 'UNAVAILABLE');
      assert.deepEqual(error.details, { code: 'X' });
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, 250);
      return true;
    });
    assert.equal(requests.size, 0);
  });

  it('leaves an error message as it is when nothing redacts', async () => {
    const requests = new PendingRequests();
    let id = '';
    const answer = requests.open('chat.send', 1000, {}, (written) => (id = written));
    requests.onResponse({ type: 'res', id, ok: false, error: { code: 'E', message: 'plain words' } });
    await assert.rejects(answer, { message: 'plain words' });
  });

  it('an agent request stays pending after its acknowledgement, until the final res', async () => {
    const requests = new PendingRequests();
    const acks: unknown[] = [];
    let id = '';
    const answer = requests.open('agent', 1000, { onAccepted: (payload) => acks.push(payload) }, (written) => (id = written));
    assert.equal(requests.onResponse({ type: 'res', id, ok: true, payload: { status: 'accepted', runId: 'r1' } }), true);
    assert.deepEqual(acks, [{ status: 'accepted', runId: 'r1' }]);
    assert.equal(requests.size, 1);
    // A second "accepted" is the final answer: the acknowledgement comes once.
    requests.onResponse({ type: 'res', id, ok: true, payload: { status: 'accepted', again: true } });
    assert.deepEqual(await answer, { status: 'accepted', again: true });
    assert.equal(acks.length, 1);
    assert.equal(requests.size, 0);
  });

  it('an acknowledgement is only an object with status accepted', async () => {
    const requests = new PendingRequests();
    const acks: unknown[] = [];
    const onAccepted = (payload: unknown) => acks.push(payload);
    let id = '';
    const plain = requests.open('agent', 1000, { onAccepted }, (written) => (id = written));
    requests.onResponse({ type: 'res', id, ok: true, payload: { status: 'ok' } });
    assert.deepEqual(await plain, { status: 'ok' });
    const text = requests.open('agent', 1000, { onAccepted }, (written) => (id = written));
    requests.onResponse({ type: 'res', id, ok: true, payload: 'accepted' });
    assert.equal(await text, 'accepted');
    const other = requests.open('sessions.list', 1000, {}, (written) => (id = written));
    requests.onResponse({ type: 'res', id, ok: true, payload: { status: 'accepted' } });
    assert.deepEqual(await other, { status: 'accepted' });
    assert.deepEqual(acks, []);
  });

  it('times out with the method and the wait in the error', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const requests = new PendingRequests();
    let id = '';
    const late = requests.open('models.list', 50, {}, (written) => (id = written));
    const onTime = requests.open('commands.list', 50, {}, () => {});
    mock.timers.tick(49);
    assert.equal(requests.size, 2);
    requests.onResponse({ type: 'res', id: 'commands.list-2', ok: true, payload: 1 });
    assert.equal(await onTime, 1);
    mock.timers.tick(1);
    assert.equal(requests.size, 0);
    await assert.rejects(late, (error: unknown) => {
      assert.ok(error instanceof GatewayTimeoutError);
      assert.equal(error.message, 'models.list got no answer within 50 ms');
      assert.equal(error.timeoutMs, 50);
      return true;
    });
    assert.equal(requests.onResponse({ type: 'res', id, ok: true, payload: {} }), false);
  });

  it('is cancelled by its signal, and stops listening to it once settled', async () => {
    const requests = new PendingRequests();
    const controller = new AbortController();
    const cancelled = requests.open('chat.history', 1000, { signal: controller.signal }, () => {});
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    controller.abort();
    await assert.rejects(cancelled, (error: unknown) => {
      assert.ok(error instanceof GatewayCancelledError);
      assert.equal(error.message, 'chat.history cancelled');
      return true;
    });
    assert.equal(requests.size, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);

    const kept = new AbortController();
    let id = '';
    const answered = requests.open('chat.history', 1000, { signal: kept.signal }, (written) => (id = written));
    requests.onResponse({ type: 'res', id, ok: true, payload: 'done' });
    assert.equal(await answered, 'done');
    assert.equal(getEventListeners(kept.signal, 'abort').length, 0);
  });

  it('a write that throws fails the request with that error', async () => {
    const requests = new PendingRequests();
    const boom = new Error('socket gone');
    await assert.rejects(
      requests.open('chat.send', 1000, {}, () => {
        throw boom;
      }),
      (error) => error === boom,
    );
    await assert.rejects(
      requests.open('chat.send', 1000, {}, () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless callback could throw
        throw 'not an error';
      }),
      (error: unknown) => error instanceof Error && error.message === 'not an error',
    );
    assert.equal(requests.size, 0);
  });

  it('fails every waiting request at once', async () => {
    const requests = new PendingRequests();
    const closed = new Error('closed');
    const first = requests.open('a', 1000, {}, () => {});
    const second = requests.open('b', 1000, {}, () => {});
    requests.rejectAll(closed);
    assert.equal(requests.size, 0);
    await assert.rejects(first, (error) => error === closed);
    await assert.rejects(second, (error) => error === closed);
  });
});
