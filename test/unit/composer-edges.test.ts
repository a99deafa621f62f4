/**
 * Two edges the first mutation run of the composer found untested (TESTING.md, fifth round): a
 * block of another tag between blocks of the message's tag, and a gateway whose hello-ok has no
 * policy at all. Pure, like composer-text and composer-requests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatController } from '../../src/extension/chat-controller';
import { composerHandlers } from '../../src/extension/composer/composer-requests';
import { splitMessage } from '../../src/extension/composer/context-text';
import { Staging } from '../../src/extension/composer/staging';
import { hostServices } from '../support/composer-services';

describe('composer edges', () => {
  it('a block of another tag ends the blocks, even when a later block of the message’s tag closes', () => {
    const a = '<<<openclaw-context tag="aaaa" kind="file" label="a">>>\nA\n<<<end-openclaw-context tag="aaaa">>>';
    const b = '<<<openclaw-context tag="bbbb" kind="file" label="b">>>\nB\n<<<end-openclaw-context tag="bbbb">>>';
    assert.deepEqual(splitMessage(`w\n\n${a}\n\n${b}\n\n${a}`), { text: 'w', chips: [{ kind: 'file', label: 'a' }] });
  });

  it('a hello-ok without a policy leaves the attachment limits at their defaults', async () => {
    const controller = { client: { hello: {} } } as unknown as ChatController;
    const handlers = composerHandlers(controller, hostServices(), new Staging());
    const { chip } = await handlers.attachData({ mimeType: 'text/plain', name: 'n.txt', data: Buffer.from('hi').toString('base64') });
    assert.deepEqual([chip.kind, chip.label, chip.detail], ['file', 'n.txt', '2 B']);
  });
});
