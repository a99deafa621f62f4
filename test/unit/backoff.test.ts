/**
 * Reconnect timing in numbers (src/gateway/backoff.ts), pure: doubling to the cap, the random
 * spread taken off (so it survives the cap: clients that all reached 30 s do not retry in lockstep),
 * and a gateway's retryAfterMs honoured. The client's use of it is in reconnect.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../../src/gateway/backoff';
import { BACKOFF_INITIAL_MS, BACKOFF_JITTER, BACKOFF_MAX_MS } from '../../src/gateway/constants';

describe('backoff', () => {
  it('doubles the backoff from 1 s to 30 s, less up to a quarter at random, and honours retryAfterMs', () => {
    const none = { random: () => 0 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelay(n, none)),
      [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
    );
    assert.equal(backoffDelay(1, { random: () => 1 }), 750);
    assert.equal(backoffDelay(1, { random: () => 0.5 }), 875);
    // At the cap the spread still applies: clients that all reached it do not retry in step.
    const atCap = [0, 0.25, 0.5, 0.75, 0.999].map((r) => backoffDelay(9, { random: () => r }));
    assert.deepEqual(atCap, [30000, 28125, 26250, 24375, 22508]);
    assert.ok(
      atCap.every((d) => d <= 30000),
      'never past the cap',
    );
    assert.equal(backoffDelay(1, none, 5000), 5000);
  });

  it('keeps clients at the cap apart: a thousand of them spread over the last quarter below 30 s', () => {
    assert.deepEqual([BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, BACKOFF_JITTER], [1000, 30_000, 0.25]);
    let seed = 7;
    // A small LCG: the same spread on every run, no Math.random in a test.
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 1000 }, (_, i) => backoffDelay(20 + (i % 5), { random }));
    const distinct = new Set(delays).size;
    assert.ok(distinct > 900, `${distinct} distinct delays at the cap: not in step`);
    assert.ok(Math.min(...delays) >= 22_500 && Math.max(...delays) <= 30_000, `${Math.min(...delays)}..${Math.max(...delays)}`);
    const buckets = [0, 0, 0];
    for (const d of delays) buckets[Math.min(2, Math.floor((30_000 - d) / 2500))]++;
    assert.ok(
      buckets.every((n) => n > 250),
      `spread evenly over the quarter: ${buckets}`,
    );
  });

  it('takes its options over the defaults, attempt 0 as the first, and a retryAfterMs only when longer', () => {
    assert.equal(backoffDelay(0, { random: () => 0 }), 1000);
    assert.equal(backoffDelay(3, { initialMs: 10, maxMs: 25, jitter: 0 }), 25);
    assert.equal(backoffDelay(2, { initialMs: 10, maxMs: 100, jitter: 0.5, random: () => 1 }), 10);
    assert.equal(backoffDelay(2, { initialMs: 10, jitter: 0 }, 5), 20);
    assert.equal(backoffDelay(2, { initialMs: 10, jitter: 0 }, 21), 21);
  });
});
