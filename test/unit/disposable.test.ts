/** The Disposable base (disposable.ts): children let go once, last first, and late ones at once. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable, type DisposableLike } from '../../src/extension/disposable';

class Holder extends Disposable {
  hold<T extends DisposableLike>(child: T): T {
    return this.register(child);
  }
}

describe('Disposable', () => {
  it('disposes its children once, the last registered first', () => {
    const order: string[] = [];
    const holder = new Holder();
    const object = { dispose: () => order.push('object') };
    assert.equal(holder.hold(object), object);
    holder.hold(() => order.push('function'));
    assert.equal(holder.isDisposed, false);
    assert.deepEqual(order, []);
    holder.dispose();
    holder.dispose();
    assert.equal(holder.isDisposed, true);
    assert.deepEqual(order, ['function', 'object']);
  });

  it('disposes a child registered after dispose at once, and not again', () => {
    const order: string[] = [];
    const holder = new Holder();
    holder.dispose();
    holder.hold(() => order.push('late'));
    assert.deepEqual(order, ['late']);
    holder.dispose();
    assert.deepEqual(order, ['late']);
  });
});
