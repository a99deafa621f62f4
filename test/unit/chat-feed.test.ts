/**
 * What the chat webview is posted (chat-feed.ts) for each change of the controller, through a real
 * HostPoster. Pure: the controller is a stand-in holding only what the feed reads, and changes are
 * sent to the feed's listener by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatController, ControllerChange } from '../../src/extension/chat-controller';
import { ChatFeed } from '../../src/extension/chat-feed';
import { HostPoster } from '../../src/extension/host-poster';
import type { SessionRow } from '../../src/protocol/gateway';
import type { ChatItem, ConnectionView, HostMessage } from '../../src/protocol/webview';

/** The parts of a ChatController the feed reads, open to change, and the listener it registered. */
class StandIn {
  sessionKey = 'agent:main:k';
  transcript: ChatItem[] = [{ kind: 'user', id: 'u:1', text: 'hi' }];
  busy = false;
  loading = false;
  earlier = 0;
  sessions: Array<Partial<SessionRow> & { key: string }> = [];
  listed: Array<Partial<SessionRow> & { key: string }> = [];
  admin = false;
  controlsView: unknown = { model: 'm1' };
  listener: ((change: ControllerChange) => void) | undefined;
  offCalls = 0;
  list = { find: (key: string) => this.listed.find((s) => s.key === key) };
  controls = { view: (key: string) => ({ key, ...(this.controlsView as object) }) };
  client = { sessions: { hasScope: (scope: string) => this.admin && scope === 'operator.admin' } };
  onChange(listener: (change: ControllerChange) => void): () => void {
    this.listener = listener;
    return () => (this.offCalls += 1);
  }
  emit(change: ControllerChange): void {
    this.listener?.(change);
  }
}

function setup() {
  const controller = new StandIn();
  const posted: HostMessage[] = [];
  const poster = new HostPoster((m) => posted.push(m), 60_000);
  let connection: ConnectionView = { kind: 'connected', url: 'ws://127.0.0.1:1' } as unknown as ConnectionView;
  const feed = new ChatFeed(controller as unknown as ChatController, poster, () => connection);
  const types = () => posted.map((m) => m.type);
  const setConnection = (view: ConnectionView) => (connection = view);
  return { controller, posted, poster, feed, types, setConnection, connection: () => connection };
}

const strip = ({ seq: _seq, ...rest }: HostMessage) => rest;

describe('ChatFeed', () => {
  it('a snapshot sends the session, its transcript, the banner and the pickers', () => {
    const { controller, posted, feed, connection } = setup();
    controller.sessions = [{ key: 'agent:main:k', label: 'Mine' }];
    controller.busy = true;
    controller.loading = true;
    feed.snapshot();
    assert.deepEqual(posted.map(strip), [
      {
        type: 'snapshot',
        session: { key: 'agent:main:k', title: 'Mine', canRewind: false },
        items: [{ kind: 'user', id: 'u:1', text: 'hi' }],
        busy: true,
        connection: connection(),
        loading: true,
        controls: { key: 'agent:main:k', model: 'm1' },
      },
    ]);
    const snapshot = posted[0] as Extract<HostMessage, { type: 'snapshot' }>;
    assert.notEqual(snapshot.items, controller.transcript, 'a copy of the transcript');
  });

  it('a snapshot says how many older messages there are, when there are any', () => {
    const { controller, posted, feed } = setup();
    controller.earlier = 12;
    controller.admin = true;
    feed.snapshot();
    const snapshot = posted[0] as Extract<HostMessage, { type: 'snapshot' }>;
    assert.equal(snapshot.earlier, 12);
    assert.deepEqual(snapshot.session, { key: 'agent:main:k', title: 'k', canRewind: true });
  });

  it('the title comes from the session list, else from the listed sessions, else the key', () => {
    const { controller, posted, feed } = setup();
    controller.listed = [{ key: 'agent:main:k', label: 'Listed' }];
    feed.snapshot();
    controller.sessions = [
      { key: 'other', label: 'Other' },
      { key: 'agent:main:k', label: 'Live' },
    ];
    feed.snapshot();
    const titles = posted.map((m) => (m.type === 'snapshot' ? m.session.title : ''));
    assert.deepEqual(titles, ['Listed', 'Live']);
  });

  it('transcript changes are posted as they come; an upsert or remove drops text gathered for that item', () => {
    const { controller, posted, poster } = setup();
    const item: ChatItem = { kind: 'assistant', id: 'a:1', text: 'whole', streaming: true };
    controller.emit({ type: 'append', id: 'a:1', text: 'x' });
    controller.emit({ type: 'append', id: 'a:2', text: 'y' });
    assert.deepEqual(posted, [], 'appends are gathered');
    controller.emit({ type: 'upsert', item });
    controller.emit({ type: 'append', id: 'a:3', text: 'z' });
    controller.emit({ type: 'remove', id: 'a:3' });
    controller.emit({ type: 'reveal', id: 'u:1' });
    controller.emit({ type: 'draft', text: 'again' });
    controller.emit({ type: 'busy', busy: true });
    poster.dispose();
    assert.deepEqual(posted.map(strip), [
      { type: 'append', id: 'a:2', text: 'y' },
      { type: 'upsert', item },
      { type: 'remove', id: 'a:3' },
      { type: 'reveal', id: 'u:1' },
      { type: 'draft', text: 'again' },
      { type: 'busy', busy: true },
    ]);
    assert.deepEqual(
      (posted as HostMessage[]).map((m) => m.seq),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('a snapshot change drops all gathered text and sends the whole chat', () => {
    const { controller, types, poster } = setup();
    controller.emit({ type: 'append', id: 'a:1', text: 'x' });
    controller.emit({ type: 'snapshot' });
    poster.dispose();
    assert.deepEqual(types(), ['snapshot']);
  });

  it('a prepend carries the items and how many older ones are left', () => {
    const { controller, posted } = setup();
    controller.earlier = 3;
    const items: ChatItem[] = [{ kind: 'user', id: 'u:0', text: 'old' }];
    controller.emit({ type: 'prepend', items });
    assert.deepEqual(posted.map(strip), [{ type: 'prepend', items, earlier: 3 }]);
  });

  it('a connection change re-sends the banner, and the session when connected and it changed', () => {
    const { controller, posted, feed, setConnection } = setup();
    feed.snapshot();
    posted.length = 0;
    controller.emit({ type: 'connection', state: { kind: 'connected' } } as ControllerChange);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['connection'],
      'nothing changed: banner only',
    );
    controller.admin = true;
    const idle = { kind: 'idle' } as unknown as ConnectionView;
    setConnection(idle);
    controller.emit({ type: 'connection', state: { kind: 'idle' } });
    controller.emit({ type: 'connection', state: { kind: 'connected' } } as ControllerChange);
    assert.deepEqual(posted.slice(1).map(strip), [
      { type: 'connection', connection: idle },
      { type: 'connection', connection: idle },
      { type: 'session', session: { key: 'agent:main:k', title: 'k', canRewind: true } },
    ]);
    controller.emit({ type: 'connection', state: { kind: 'connected' } } as ControllerChange);
    assert.equal(posted.at(-1)?.type, 'connection', 'the session is sent once per change');
  });

  it('refreshConnection posts the banner as it now is', () => {
    const { posted, feed, setConnection } = setup();
    const view = { kind: 'reconnecting', inMs: 3000 } as unknown as ConnectionView;
    setConnection(view);
    feed.refreshConnection();
    assert.deepEqual(posted.map(strip), [{ type: 'connection', connection: view }]);
  });

  it('the pickers are posted only when they changed', () => {
    const { controller, posted, feed } = setup();
    feed.snapshot();
    posted.length = 0;
    controller.emit({ type: 'controls' });
    assert.deepEqual(posted, []);
    controller.controlsView = { model: 'm2' };
    controller.emit({ type: 'controls' });
    controller.emit({ type: 'controls' });
    assert.deepEqual(posted.map(strip), [{ type: 'controls', controls: { key: 'agent:main:k', model: 'm2' } }]);
  });

  it('a sessions change re-sends the pickers and the session, each only if it changed', () => {
    const { controller, posted, feed } = setup();
    feed.snapshot();
    posted.length = 0;
    controller.emit({ type: 'sessions' });
    assert.deepEqual(posted, []);
    controller.sessions = [{ key: 'agent:main:k', label: 'Named now' }];
    controller.emit({ type: 'sessions' });
    assert.deepEqual(posted.map(strip), [{ type: 'session', session: { key: 'agent:main:k', title: 'Named now', canRewind: false } }]);
    controller.controlsView = { model: 'm3' };
    controller.emit({ type: 'sessions' });
    assert.deepEqual(posted.slice(1).map(strip), [{ type: 'controls', controls: { key: 'agent:main:k', model: 'm3' } }]);
  });

  it('before any snapshot, the first pickers and session are posted', () => {
    const { controller, types } = setup();
    controller.emit({ type: 'sessions' });
    assert.deepEqual(types(), ['controls', 'session']);
  });

  it('an unknown change posts nothing; dispose stops listening', () => {
    const { controller, posted, feed } = setup();
    controller.emit({ type: 'other' } as unknown as ControllerChange);
    assert.deepEqual(posted, []);
    feed.dispose();
    assert.equal(controller.offCalls, 1);
  });
});
