/**
 * The webview's seq gate in Node (it is pure), so mutation testing reaches it: in order applies, a
 * repeat is stale, a hole asks for a snapshot and nothing applies until one comes. The Chromium test
 * (test/webview/seq.test.ts) shows the same through the page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostMessage } from '../../src/protocol/webview';
import { SeqGate } from '../../webview/seq';

const msg = (type: 'snapshot' | 'busy', seq: number) => ({ type, seq }) as HostMessage;

describe('SeqGate', () => {
  it('waits for a first snapshot, then applies one more at a time', () => {
    const gate = new SeqGate();
    assert.equal(gate.waitingForSnapshot, true);
    assert.equal(gate.check(msg('busy', 0)), 'waiting');
    assert.equal(gate.check(msg('snapshot', 3)), 'apply');
    assert.equal(gate.waitingForSnapshot, false);
    assert.equal(gate.check(msg('busy', 4)), 'apply');
    assert.equal(gate.check(msg('busy', 5)), 'apply');
  });

  it('calls a repeat or an older message stale, whatever its type', () => {
    const gate = new SeqGate();
    gate.check(msg('snapshot', 1));
    gate.check(msg('busy', 2));
    assert.equal(gate.check(msg('busy', 2)), 'stale');
    assert.equal(gate.check(msg('busy', 1)), 'stale');
    assert.equal(gate.check(msg('snapshot', 2)), 'stale');
    assert.equal(gate.check(msg('busy', 3)), 'apply');
  });

  it('sees a hole, then waits for a snapshot, which starts the count again', () => {
    const gate = new SeqGate();
    gate.check(msg('snapshot', 1));
    assert.equal(gate.check(msg('busy', 3)), 'gap');
    assert.equal(gate.waitingForSnapshot, true);
    assert.equal(gate.check(msg('busy', 2)), 'waiting', 'the late one is not applied onto a state no longer trusted');
    assert.equal(gate.check(msg('busy', 4)), 'waiting');
    assert.equal(gate.check(msg('snapshot', 10)), 'apply');
    assert.equal(gate.check(msg('busy', 11)), 'apply');
    assert.equal(gate.check(msg('busy', 10)), 'stale');
  });

  it('stops applying once it lost track, until a snapshot', () => {
    const gate = new SeqGate();
    gate.check(msg('snapshot', 0));
    assert.equal(gate.check(msg('busy', 1)), 'apply');
    gate.lostTrack();
    assert.equal(gate.waitingForSnapshot, true);
    assert.equal(gate.check(msg('busy', 2)), 'waiting');
    assert.equal(gate.check(msg('snapshot', 3)), 'apply');
  });
});
