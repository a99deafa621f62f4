/** The silence watchdog (watchdog.ts), on node:test's mock clock. Pure. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { Watchdog } from '../../src/gateway/watchdog';

describe('watchdog', () => {
  let calls: Array<[number, number]>;
  let dog: Watchdog;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 50_000 });
    calls = [];
    dog = new Watchdog((silentMs, limitMs) => calls.push([silentMs, limitMs]));
  });
  afterEach(() => {
    dog.stop();
    mock.timers.reset();
  });

  it('calls once when nothing arrived for the limit, then is no longer armed', () => {
    assert.equal(dog.armed, false);
    dog.arm(1000);
    assert.equal(dog.armed, true);
    assert.equal(dog.lastActivity, 50_000);
    mock.timers.tick(999);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, [[1000, 1000]]);
    assert.equal(dog.armed, false, 'once fired it is no longer armed');
    mock.timers.tick(10_000);
    assert.equal(calls.length, 1);
  });

  it('waits out the time left after the last frame', () => {
    dog.arm(1000);
    mock.timers.tick(600);
    dog.lastActivity = Date.now();
    mock.timers.tick(999); // 1599 ms after arming, 999 after the frame
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, [[1000, 1000]]);
  });

  it('counts from when it was armed, not from an older frame', () => {
    dog.lastActivity = 1;
    mock.timers.tick(5000);
    dog.arm(1000);
    mock.timers.tick(999);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, [[1000, 1000]]);
  });

  it('arming again replaces the timer, and stop ends the watch', () => {
    dog.arm(1000);
    mock.timers.tick(500);
    dog.arm(1000);
    mock.timers.tick(1000);
    assert.deepEqual(calls, [[1000, 1000]]);

    dog.arm(1000);
    dog.stop();
    assert.equal(dog.armed, false);
    mock.timers.tick(5000);
    assert.equal(calls.length, 1);
    dog.stop();
    assert.equal(dog.armed, false);
  });
});
