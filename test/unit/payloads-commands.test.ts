/** `commands.list` aliases (payloads.ts): only strings are aliases, whatever else reads like one. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCommands } from '../../src/gateway/payloads';

describe('commands.list aliases', () => {
  it('takes no list or object as an alias, even one that prints as "/name"', () => {
    const [command] = readCommands({ commands: [{ name: 'steer', textAliases: [['/tell'], { toString: () => '/ask' }, '/nudge'] }] });
    assert.deepEqual(command.aliases, ['/steer', '/nudge']);
  });
});
