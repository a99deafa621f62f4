/**
 * Which messages are the gateway's slash commands (slash-commands.ts): the `/word` at the start,
 * matched against the session's `commands.list` (asked once per session, again after a failure).
 * Pure: the client is a stand-in that counts its `listCommands` calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandInfo, GatewayClient } from '../../src/gateway/gateway-client';
import { SlashCommands } from '../../src/extension/slash-commands';

const STEER: CommandInfo = { name: 'steer', description: 'Steer the run', aliases: ['/steer', '/tell'], takesArgs: true };
const HELP: CommandInfo = { name: 'help', description: 'Help', aliases: ['/help'], takesArgs: false };

function client(answers: Array<CommandInfo[] | Error>) {
  const asked: string[] = [];
  const fake = {
    listCommands(sessionKey: string) {
      asked.push(sessionKey);
      const answer = answers.shift() ?? [];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as GatewayClient;
  return { fake, asked };
}

describe('SlashCommands', () => {
  it('tells a command word at the start of a message', () => {
    const yes = ['/help', '/steer go left', '/a.b-c_d', '/x\tthen', `/${'w'.repeat(100)}`];
    const no = ['help', ' /help', '/', '/help!', 'say /help', '/he/lp', `/${'w'.repeat(101)}`, '/é'];
    assert.deepEqual(
      yes.map((t) => SlashCommands.looksLikeCommand(t)),
      yes.map(() => true),
    );
    assert.deepEqual(
      no.map((t) => SlashCommands.looksLikeCommand(t)),
      no.map(() => false),
    );
  });

  it('matches the first word against the names and aliases of the session', async () => {
    const { fake } = client([[HELP, STEER]]);
    const commands = new SlashCommands(fake);
    assert.equal(await commands.match('s1', '/tell go left'), STEER);
    assert.equal(await commands.match('s1', '/help'), HELP);
    assert.equal(await commands.match('s1', '/unknown thing'), undefined);
    assert.equal(await commands.match('s1', '/helpme'), undefined);
  });

  it('asks for no list when the message is no command', async () => {
    const { fake, asked } = client([[HELP]]);
    assert.equal(await new SlashCommands(fake).match('s1', 'help me'), undefined);
    assert.deepEqual(asked, []);
  });

  it('asks once per session, until cleared', async () => {
    const { fake, asked } = client([[HELP], [STEER], [HELP, STEER]]);
    const commands = new SlashCommands(fake);
    assert.deepEqual(await commands.list('s1'), [HELP]);
    assert.deepEqual(await commands.list('s1'), [HELP]);
    assert.deepEqual(await commands.list('s2'), [STEER]);
    commands.clear();
    assert.deepEqual(await commands.list('s1'), [HELP, STEER]);
    assert.deepEqual(asked, ['s1', 's2', 's1']);
  });

  it('asks again after a failed ask', async () => {
    const { fake, asked } = client([new Error('offline'), [HELP]]);
    const commands = new SlashCommands(fake);
    await assert.rejects(commands.list('s1'), /offline/);
    assert.deepEqual(await commands.list('s1'), [HELP]);
    assert.deepEqual(await commands.list('s1'), [HELP]);
    assert.deepEqual(asked, ['s1', 's1']);
  });
});
