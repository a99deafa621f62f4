/**
 * The building blocks of the message contract (src/protocol/schema.ts), at their edges: a limit is
 * a refusal with a message that says which (an empty message would read as "fits"), and the helpers
 * that read untrusted values never throw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { array, is, number, object, str, string, variants } from '../../src/protocol/schema';

describe('schema', () => {
  it('numbers: finite, whole only when asked, within [min, max] with both ends allowed', () => {
    const any = number();
    assert.equal(any.check(1.5), undefined, 'a fraction is a number');
    for (const bad of [Number.NaN, Infinity, '5', null]) assert.equal(any.check(bad), 'not a finite number');
    const ranged = number({ min: 0, max: 10, integer: true });
    assert.equal(ranged.check(0), undefined);
    assert.equal(ranged.check(10), undefined);
    assert.equal(ranged.check(-1), 'below 0');
    assert.equal(ranged.check(11), 'above 10');
    assert.equal(ranged.check(2.5), 'not an integer');
  });

  it('strings and arrays: at most max, with the limit itself allowed', () => {
    const s = string({ min: 1, max: 3 });
    assert.equal(s.check('abc'), undefined);
    assert.equal(s.check(''), 'shorter than 1');
    assert.equal(s.check('abcd'), 'longer than 3 characters');
    const a = array(number(), { max: 2 });
    assert.equal(a.check([1, 2]), undefined);
    assert.equal(a.check([1, 2, 3]), 'more than 2 elements');
    assert.equal(a.check([1, 'x']), '[1] not a finite number');
    assert.equal(array(number()).check(Array.from({ length: 10_000 }, () => 1)), undefined, 'no max: any length');
  });

  it('is() is the check as a type guard', () => {
    assert.equal(is(string(), 'a'), true);
    assert.equal(is(string(), 1), false);
  });

  it('names a field or a kind it refuses, cut short when a peer sends a long one', () => {
    const strict = object({ a: number() }, { strict: true });
    const long = 'x'.repeat(500);
    assert.equal(object({ a: number() }).check({ a: 1, added: true }), undefined, 'not strict: a field from a newer gateway is kept');
    const unexpected = strict.check({ a: 1, [long]: true }) ?? '';
    assert.match(unexpected, /^unexpected field "x+$/);
    assert.ok(unexpected.length <= 60, unexpected);
    const kinds = variants('kind', { a: {} });
    const unknown = kinds.check({ kind: long }) ?? '';
    assert.match(unknown, /^kind: unknown "x+$/);
    assert.ok(unknown.length <= 60, unknown);
    assert.equal(kinds.check({ kind: 5 }), 'kind: unknown "5"');
  });

  it('str() reads a string field of anything, and nothing else', () => {
    assert.equal(str({ k: 'v' }, 'k'), 'v');
    assert.equal(str({ k: 5 }, 'k'), undefined);
    assert.equal(str(null, 'k'), undefined);
    assert.equal(str('text', 'length'), undefined);
    assert.equal(str([], 'length'), undefined);
  });
});
