/**
 * A pickers change (chat-feed.ts) posts the pickers and nothing else, even when the session's
 * title changed meanwhile: the title waits for the sessions change that brings it. Pure, with a
 * stand-in controller holding only what the feed reads, as in chat-feed.test.ts.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ChatController, ControllerChange } from '../../src/extension/chat-controller';
import { ChatFeed } from '../../src/extension/chat-feed';
import { HostPoster } from '../../src/extension/host-poster';
import type { ConnectionView, HostMessage } from '../../src/protocol/webview';

it('a controls change posts the new pickers, not a session title that changed meanwhile', () => {
  let listener: ((change: ControllerChange) => void) | undefined;
  let model = 'm1';
  const controller = {
    sessionKey: 'agent:main:k',
    transcript: [],
    busy: false,
    loading: false,
    earlier: 0,
    sessions: [{ key: 'agent:main:k', label: 'Before' }],
    list: { find: () => undefined },
    controls: { view: (key: string) => ({ key, model }) },
    client: { sessions: { hasScope: () => false } },
    onChange: (next: (change: ControllerChange) => void) => {
      listener = next;
      return () => undefined;
    },
  };
  const posted: HostMessage[] = [];
  const feed = new ChatFeed(
    controller as unknown as ChatController,
    new HostPoster((m) => posted.push(m), 60_000),
    () => ({ kind: 'idle' }) as unknown as ConnectionView,
  );
  feed.snapshot();
  posted.length = 0;

  controller.sessions = [{ key: 'agent:main:k', label: 'After' }];
  model = 'm2';
  listener?.({ type: 'controls' });
  assert.deepEqual(
    posted.map(({ seq: _seq, ...rest }) => rest),
    [{ type: 'controls', controls: { key: 'agent:main:k', model: 'm2' } }],
  );

  // The sessions change that follows brings the title.
  listener?.({ type: 'sessions' });
  assert.deepEqual(
    posted.slice(1).map(({ seq: _seq, ...rest }) => rest),
    [{ type: 'session', session: { key: 'agent:main:k', title: 'After', canRewind: false } }],
  );
  feed.dispose();
});
