/** The edge check of incoming frames (frames.ts): what passes as it is, what is dropped and why. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RETRY_AFTER_MS } from '../../src/gateway/constants';
import { checkAgentPayload, FrameProblem, MAX_INCOMING_FRAME_BYTES, parseFrame } from '../../src/gateway/frames';
import type { ErrorShape, ResponseFrame } from '../../src/protocol/gateway';

/** The problem a dropped frame is reported with (fails when the frame was accepted). */
function problemOf(result: unknown): string {
  assert.ok(result instanceof FrameProblem, `expected a FrameProblem, got ${JSON.stringify(result)}`);
  return result.problem;
}

/** The error shape of an error response that was accepted (fails when the frame was dropped or is no error). */
function errorOf(result: unknown): ErrorShape {
  assert.ok(!(result instanceof FrameProblem), `expected a frame, got ${JSON.stringify(result)}`);
  const frame = result as ResponseFrame;
  assert.equal(frame.type, 'res');
  assert.equal(frame.ok, false);
  assert.ok(frame.error);
  return frame.error;
}

describe('parseFrame', () => {
  it('refuses a frame above the size cap before parsing it, and takes one at the cap', () => {
    const padding = (n: number) => `{"type":"event","event":"tick","pad":"${'x'.repeat(n)}"}`;
    const overhead = padding(0).length;
    assert.equal(MAX_INCOMING_FRAME_BYTES, 32 * 1024 * 1024);
    const atCap = padding(MAX_INCOMING_FRAME_BYTES - overhead);
    assert.equal(atCap.length, MAX_INCOMING_FRAME_BYTES);
    assert.ok(!(parseFrame(atCap) instanceof FrameProblem));
    const over = padding(MAX_INCOMING_FRAME_BYTES - overhead + 1);
    assert.equal(problemOf(parseFrame(over)), `frame too large (${MAX_INCOMING_FRAME_BYTES + 1} bytes)`);
  });

  it('names what is wrong with text that is no frame object', () => {
    assert.equal(problemOf(parseFrame('{not json')), 'frame is not JSON');
    assert.equal(problemOf(parseFrame('[1,2]')), 'frame is not an object');
    assert.equal(problemOf(parseFrame('null')), 'frame is not an object');
    assert.equal(problemOf(parseFrame('{"type":"req","id":"1","method":"x"}')), 'unexpected request frame from the gateway');
    assert.equal(problemOf(parseFrame('{"type":"hello"}')), 'unknown frame type "hello"');
    assert.equal(problemOf(parseFrame('{}')), 'unknown frame type "undefined"');
    const long = 'y'.repeat(100);
    assert.equal(problemOf(parseFrame(JSON.stringify({ type: long }))), `unknown frame type ${`"${long}"`.slice(0, 40)}`);
  });

  it('passes a good response through as the parsed object, extra fields kept', () => {
    const ok = parseFrame('{"type":"res","id":"r1","ok":true,"payload":{"a":1},"recipientProfileId":"p"}');
    assert.deepEqual(ok, { type: 'res', id: 'r1', ok: true, payload: { a: 1 }, recipientProfileId: 'p' });
  });

  it('refuses a response without a usable id or ok', () => {
    assert.equal(problemOf(parseFrame('{"type":"res","ok":true}')), 'res without a string id');
    assert.equal(problemOf(parseFrame('{"type":"res","id":7,"ok":true}')), 'res without a string id');
    assert.equal(problemOf(parseFrame('{"type":"res","id":"","ok":true}')), 'res without a string id');
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r","ok":"yes"}')), 'res without a boolean ok');
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r"}')), 'res without a boolean ok');
  });

  it('keeps only the well-formed fields of an error response, with its wait capped', () => {
    const res = (error: unknown) => parseFrame(JSON.stringify({ type: 'res', id: 'r', ok: false, error, extra: 1 }));
    assert.deepEqual(res({ code: 'BUSY', message: 'later', details: { code: 'X' }, retryable: true, retryAfterMs: 1500, other: 2 }), {
      type: 'res',
      id: 'r',
      ok: false,
      error: { code: 'BUSY', message: 'later', details: { code: 'X' }, retryable: true, retryAfterMs: 1500 },
    });
    assert.deepEqual(res({ code: 'E', message: 'm', retryable: false, retryAfterMs: 0 }), {
      type: 'res',
      id: 'r',
      ok: false,
      error: { code: 'E', message: 'm', details: undefined, retryable: false, retryAfterMs: 0 },
    });
    assert.deepEqual(Object.keys(errorOf(res({ code: 'E', message: 'm', retryable: 'yes', retryAfterMs: -1 }))), ['code', 'message', 'details']);
    for (const retryAfterMs of ['5', null]) {
      const error = errorOf(res({ code: 'E', message: 'm', retryAfterMs }));
      assert.equal('retryAfterMs' in error, false, `retryAfterMs ${JSON.stringify(retryAfterMs)} is dropped`);
    }
    assert.equal(errorOf(res({ code: 'E', message: 'm', retryAfterMs: 2 ** 40 })).retryAfterMs, MAX_RETRY_AFTER_MS);
  });

  it('drops a non-finite wait (JSON cannot carry one, a parsed number past its range can)', () => {
    const error = errorOf(parseFrame('{"type":"res","id":"r","ok":false,"error":{"code":"E","message":"m","retryAfterMs":1e999}}'));
    assert.equal('retryAfterMs' in error, false);
  });

  it('refuses an error response without error.code and error.message', () => {
    const want = 'error res without error.code and error.message';
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r","ok":false}')), want);
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r","ok":false,"error":"boom"}')), want);
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r","ok":false,"error":{"message":"m"}}')), want);
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r","ok":false,"error":{"code":"E"}}')), want);
    assert.equal(problemOf(parseFrame('{"type":"res","id":"r","ok":false,"error":{"code":1,"message":"m"}}')), want);
  });

  it('passes events with a name and a good or absent seq, and refuses the rest', () => {
    assert.deepEqual(parseFrame('{"type":"event","event":"tick"}'), { type: 'event', event: 'tick' });
    assert.deepEqual(parseFrame('{"type":"event","event":"agent","seq":0}'), { type: 'event', event: 'agent', seq: 0 });
    assert.equal(problemOf(parseFrame('{"type":"event"}')), 'event without a name');
    assert.equal(problemOf(parseFrame('{"type":"event","event":""}')), 'event without a name');
    assert.equal(problemOf(parseFrame('{"type":"event","event":5}')), 'event without a name');
    for (const seq of ['-1', '1.5', '"3"', String(2 ** 53), 'null']) {
      assert.equal(problemOf(parseFrame(`{"type":"event","event":"agent","seq":${seq}}`)), 'event agent with a bad seq', `seq ${seq}`);
    }
  });
});

describe('checkAgentPayload', () => {
  const good = () => ({ runId: 'run-1', stream: 'assistant', seq: 3, sessionKey: 'main', data: { text: 'hi' }, ts: 17 });

  it('returns a good payload itself, unchanged', () => {
    const payload = good();
    const checked = checkAgentPayload(payload);
    assert.equal(checked, payload);
    assert.deepEqual(checked, good());
    const bare = { runId: 'r', stream: 's', seq: 0, data: {} };
    assert.deepEqual(checkAgentPayload(bare), { runId: 'r', stream: 's', seq: 0, data: {} });
  });

  it('names the missing or malformed field', () => {
    assert.equal(problemOf(checkAgentPayload(undefined)), 'agent event without a payload object');
    assert.equal(problemOf(checkAgentPayload([good()])), 'agent event without a payload object');
    assert.equal(problemOf(checkAgentPayload({ ...good(), runId: undefined })), 'agent event without runId');
    assert.equal(problemOf(checkAgentPayload({ ...good(), runId: '' })), 'agent event without runId');
    assert.equal(problemOf(checkAgentPayload({ ...good(), runId: 4 })), 'agent event without runId');
    assert.equal(problemOf(checkAgentPayload({ ...good(), stream: 1 })), 'agent event without stream');
    assert.equal(problemOf(checkAgentPayload({ ...good(), seq: undefined })), 'agent event without a numeric seq');
    assert.equal(problemOf(checkAgentPayload({ ...good(), seq: -1 })), 'agent event without a numeric seq');
    assert.equal(problemOf(checkAgentPayload({ ...good(), seq: 0.5 })), 'agent event without a numeric seq');
    assert.equal(problemOf(checkAgentPayload({ ...good(), seq: '1' })), 'agent event without a numeric seq');
    assert.equal(problemOf(checkAgentPayload({ ...good(), sessionKey: 5 })), 'agent event with a non-string sessionKey');
  });

  it('mends what can be mended: a missing data becomes {}, a bad ts goes', () => {
    const noData = { runId: 'r', stream: 's', seq: 1 };
    assert.deepEqual(checkAgentPayload(noData), { runId: 'r', stream: 's', seq: 1, data: {} });
    assert.deepEqual(checkAgentPayload({ runId: 'r', stream: 's', seq: 1, data: 'text' }), { runId: 'r', stream: 's', seq: 1, data: {} });
    assert.deepEqual(checkAgentPayload({ runId: 'r', stream: 's', seq: 1, data: [1] }), { runId: 'r', stream: 's', seq: 1, data: {} });
    const badTs = { runId: 'r', stream: 's', seq: 1, data: {}, ts: 'noon' };
    const mended = checkAgentPayload(badTs);
    assert.ok(!(mended instanceof FrameProblem));
    assert.equal('ts' in mended, false);
    assert.equal(checkAgentPayload({ ...good(), ts: 0 }) instanceof FrameProblem, false);
    assert.equal((checkAgentPayload({ ...good(), ts: 0 }) as { ts?: number }).ts, 0);
  });
});
