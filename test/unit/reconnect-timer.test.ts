/** When the next connection attempt happens (reconnect-timer.ts), on node:test's mock clock. Pure. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { RESTART_PROBE_MS, RESTART_PROBE_WINDOW_MS } from '../../src/gateway/constants';
import { ReconnectTimer } from '../../src/gateway/reconnect-timer';

const NOW = 1_000_000;

describe('reconnect timer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW }));
  afterEach(() => mock.timers.reset());

  it('runs the attempt after the delay, and is no longer armed when it runs', () => {
    const timer = new ReconnectTimer(undefined);
    const seen: boolean[] = [];
    assert.equal(timer.armed, false);
    timer.schedule(500, () => seen.push(timer.armed));
    assert.equal(timer.armed, true);
    mock.timers.tick(499);
    assert.deepEqual(seen, []);
    mock.timers.tick(1);
    assert.deepEqual(seen, [false]);
    assert.equal(timer.armed, false);
  });

  it('a new schedule replaces the one waiting, and clear drops it', () => {
    const timer = new ReconnectTimer(undefined);
    const runs: string[] = [];
    timer.schedule(100, () => runs.push('first'));
    timer.schedule(300, () => runs.push('second'));
    mock.timers.tick(1000);
    assert.deepEqual(runs, ['second']);

    timer.schedule(100, () => runs.push('cleared'));
    timer.clear();
    assert.equal(timer.armed, false);
    mock.timers.tick(1000);
    assert.deepEqual(runs, ['second']);
    timer.clear(); // nothing held: still fine
    assert.equal(timer.armed, false);
  });

  it('knows of a restart for two minutes from when it was first noticed, and forgets it once connected', () => {
    const timer = new ReconnectTimer(undefined);
    assert.equal(timer.restarting, false);
    timer.restartNoticed();
    assert.equal(timer.restarting, true);
    mock.timers.tick(RESTART_PROBE_WINDOW_MS - 1000);
    timer.restartNoticed(); // noticed again: the window still counts from the first notice
    mock.timers.tick(999);
    assert.equal(timer.restarting, true);
    mock.timers.tick(1);
    assert.equal(timer.restarting, false);

    timer.connected();
    timer.restartNoticed();
    assert.equal(timer.restarting, true);
    timer.connected();
    assert.equal(timer.restarting, false);
  });

  it('keeps the wait the gateway asked for until another is given', () => {
    const timer = new ReconnectTimer(undefined);
    assert.equal(timer.hintMs, 0);
    timer.restartNoticed(2500);
    assert.equal(timer.hintMs, 2500);
    timer.restartNoticed();
    assert.equal(timer.hintMs, 2500);
    timer.restartNoticed(700);
    assert.equal(timer.hintMs, 700);
  });

  it('backs off by attempt, and probes about once a second while a restart is known', () => {
    const timer = new ReconnectTimer({ initialMs: 100, maxMs: 10_000, jitter: 0 });
    assert.equal(timer.delayFor(1, 0), 100);
    assert.equal(timer.delayFor(4, 0), 800);
    assert.equal(timer.delayFor(4, 3000), 3000);
    timer.restartNoticed();
    assert.equal(timer.delayFor(4, 0), RESTART_PROBE_MS);
    assert.equal(timer.delayFor(9, 0), RESTART_PROBE_MS);
    assert.equal(timer.delayFor(4, 4000), 4000);
  });

  it('the restart probe keeps the backoff cap and spread', () => {
    const capped = new ReconnectTimer({ initialMs: 100, maxMs: 400, jitter: 0 });
    capped.restartNoticed();
    assert.equal(capped.delayFor(3, 0), 400);
    const spread = new ReconnectTimer({ initialMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 1 });
    spread.restartNoticed();
    assert.equal(spread.delayFor(3, 0), RESTART_PROBE_MS / 2);
  });
});
