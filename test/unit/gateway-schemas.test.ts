/**
 * The gateway payload schemas at their limits: what a hello-ok and a search hit may hold. A gateway
 * whose hello-ok is out of range gets a clear failed state (handshake.ts), so each bound is checked
 * at both sides: the edge value is taken, one past it is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APPROVAL_DECISIONS,
  HelloOkSchema,
  MAX_PROTOCOL,
  MAX_TICK_INTERVAL_MS,
  MIN_PROTOCOL,
  MIN_TICK_INTERVAL_MS,
  SearchHitSchema,
} from '../../src/protocol/gateway';

const HELLO = { type: 'hello-ok', protocol: 3, server: { version: '2026.9.6' } };
const hello = (extra: Record<string, unknown>) => HelloOkSchema.check({ ...HELLO, ...extra });
const fits = (problem: string | undefined, what: string) => assert.equal(problem, undefined, what);
const refused = (problem: string | undefined, what: string) => assert.ok(problem, `${what} is refused`);

describe('gateway schemas', () => {
  it('the protocol range and tick bounds this client speaks', () => {
    assert.deepEqual([MIN_PROTOCOL, MAX_PROTOCOL], [3, 4]);
    assert.deepEqual([MIN_TICK_INTERVAL_MS, MAX_TICK_INTERVAL_MS], [1_000, 600_000]);
    assert.deepEqual(APPROVAL_DECISIONS, ['allow-once', 'allow-always', 'deny']);
  });

  it('hello-ok: its type, a whole protocol within range, and a server version', () => {
    fits(HelloOkSchema.check(HELLO), 'the smallest hello-ok');
    fits(hello({ protocol: 4 }), 'protocol 4');
    refused(hello({ type: 'hello' }), 'another type');
    refused(hello({ type: '' }), 'an empty type');
    for (const protocol of [2, 5, 3.5]) refused(hello({ protocol }), `protocol ${protocol}`);
    fits(hello({ server: { version: 'v'.repeat(200), connId: 'c', bootId: 'b' } }), 'a 200-character version');
    refused(hello({ server: { version: '' } }), 'an empty version');
    refused(hello({ server: { version: 'v'.repeat(201) } }), 'a 201-character version');
    fits(hello({ extra: { anything: true } }), 'an unknown field');
  });

  it('hello-ok: method and event lists up to 100 000 names', () => {
    const names = (n: number) => Array.from({ length: n }, () => 'x');
    fits(hello({ features: { methods: names(100_000), events: names(100_000) } }), '100 000 names');
    refused(hello({ features: { methods: names(100_001) } }), '100 001 methods');
    refused(hello({ features: { events: names(100_001) } }), '100 001 events');
  });

  it('hello-ok: the main session key, 1 to 1 000 characters', () => {
    const key = (mainSessionKey: string) => hello({ snapshot: { sessionDefaults: { mainSessionKey } } });
    fits(key('k'.repeat(1_000)), 'a 1 000-character key');
    refused(key(''), 'an empty key');
    refused(key('k'.repeat(1_001)), 'a 1 001-character key');
  });

  it('hello-ok: up to 1 000 scopes and a device token of 1 to 10 000 characters', () => {
    const auth = (a: Record<string, unknown>) => hello({ auth: a });
    fits(auth({ method: 'token', role: 'operator', scopes: Array(1_000).fill('s'), deviceToken: 't'.repeat(10_000), issuedAtMs: 1 }), 'the largest');
    refused(auth({ scopes: Array(1_001).fill('s') }), '1 001 scopes');
    refused(auth({ deviceToken: '' }), 'an empty device token');
    refused(auth({ deviceToken: 't'.repeat(10_001) }), 'a 10 001-character device token');
  });

  it('hello-ok: the policy figures, none below its floor', () => {
    const policy = (p: Record<string, unknown>) => hello({ policy: p });
    fits(policy({ maxPayload: 1, maxBufferedBytes: 0, tickIntervalMs: 1, attachments: { maxBytes: 0, maxImageBytes: 0 } }), 'every floor');
    refused(policy({ maxPayload: 0 }), 'maxPayload 0');
    refused(policy({ maxPayload: 1.5 }), 'a fractional maxPayload');
    refused(policy({ maxBufferedBytes: -1 }), 'maxBufferedBytes -1');
    refused(policy({ tickIntervalMs: 0.5 }), 'tickIntervalMs 0.5');
    refused(policy({ attachments: { maxBytes: -1 } }), 'attachments.maxBytes -1');
    refused(policy({ attachments: { maxImageBytes: -1 } }), 'attachments.maxImageBytes -1');
  });

  it('search hits: a session key, a message id, a user or assistant row and a snippet', () => {
    const HIT = { sessionKey: 'agent:main:main', messageId: 'm1', role: 'user', snippet: '…' };
    const hit = (extra: Record<string, unknown>) => SearchHitSchema.check({ ...HIT, ...extra });
    fits(hit({}), 'a user hit');
    fits(hit({ role: 'assistant', sessionId: 's', timestamp: 1, score: 0.5 }), 'an assistant hit with every field');
    refused(hit({ role: 'system' }), 'a system row');
    refused(hit({ role: '' }), 'an empty role');
    refused(hit({ sessionKey: '' }), 'an empty session key');
    refused(hit({ messageId: '' }), 'an empty message id');
  });
});
