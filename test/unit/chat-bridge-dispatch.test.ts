/**
 * Where each page message lands (chat-bridge.ts), without a gateway: the controller is a stand-in
 * holding what the bridge and its feed read, recording what it was asked, and the host services
 * record theirs. Replies go out through the bridge's real HostPoster.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatBridge } from '../../src/extension/chat-bridge';
import type { ChatController, ControllerChange } from '../../src/extension/chat-controller';
import type { HostServices } from '../../src/extension/host-services';
import type { HostMessage } from '../../src/protocol/webview';
import { fakeEditor, hostServices } from '../support/composer-services';

/** The parts of a ChatController the bridge (and its feed) use, each call written down. */
class StandIn {
  readonly calls: string[] = [];
  sessionKey = 'agent:main:k';
  transcript = [];
  busy = false;
  loading = false;
  earlier = 0;
  sessions = [];
  /** What imageRefusal answers: the stand-in's model refuses any message while this is set. */
  imageRule: string | undefined;
  /** What changes.decide resolves with, or throws. */
  refusedChanges: string[] | Error = [];
  failFork = false;
  list = { find: () => undefined };
  controls = { view: (key: string) => ({ key }) };
  client = { sessions: { hasScope: () => false }, hello: undefined };
  approvals = {
    checkDecidable: (id: string) => ({ approval: { command: `run ${id}`, host: 'box', cwd: '/w' } }),
    decide: async (id: string, decision: string) => void this.calls.push(`decide ${id} ${decision}`),
    answer: async (id: string, answers: unknown) => (this.calls.push(`answer ${id} ${JSON.stringify(answers)}`), true),
    skip: async (id: string) => (this.calls.push(`skip ${id}`), false),
  };
  actions = {
    forkFrom: async (id: string) => {
      if (this.failFork) throw new Error('the gateway said no');
      this.calls.push(`fork ${id}`);
    },
    rewindTo: async (id: string) => void this.calls.push(`rewind ${id}`),
  };
  changes = {
    diffFor: (id: string, path: string) => ({ id, path }),
    decide: async (id: string, path: string | undefined, decision: string) => {
      this.calls.push(`changes ${id} ${path} ${decision}`);
      if (this.refusedChanges instanceof Error) throw this.refusedChanges;
      return this.refusedChanges;
    },
  };
  onChange(_listener: (change: ControllerChange) => void): () => void {
    return () => undefined;
  }
  async loadEarlier(): Promise<number> {
    this.calls.push('loadEarlier');
    return 3;
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  imageRefusal(_names: readonly string[]): string | undefined {
    return this.imageRule;
  }
  notice(level: string, text: string): void {
    this.calls.push(`notice ${level} ${text}`);
  }
  send(text: string, context: { blocks?: Array<{ label: string }> } | undefined, delivery: string | undefined): void {
    const labels = context?.blocks?.map((b) => b.label).join(',') ?? 'none';
    this.calls.push(`send ${text} [${labels}] ${delivery}`);
  }
}

/** Lets the bridge's fire-and-forget replies settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A bridge over the stand-in; `ready` as if the page had loaded and said so (replies reach only a ready page). */
function setup(overrides: Partial<HostServices> = {}, ready = true) {
  const controller = new StandIn();
  const said: string[] = [];
  const editor = fakeEditor();
  editor.selection = { path: 'a.ts', startLine: 1, endLine: 2, languageId: 'typescript', text: 'const a = 1;' };
  const services = hostServices(
    {
      notify: async (level, message) => void said.push(`${level} ${message}`),
      confirm: async (message, _detail, action) => (said.push(`confirm ${message} [${action}]`), true),
      copyText: async (text) => void said.push(`copy ${text}`),
      openExternal: async (url) => void said.push(`open ${url}`),
      runAction: (id) => void said.push(`action ${id}`),
      ...overrides,
    },
    said,
    editor,
  );
  const posted: HostMessage[] = [];
  const logs: string[] = [];
  const bridge = new ChatBridge({
    controller: controller as unknown as ChatController,
    services,
    post: (m) => posted.push(m),
    connection: () => ({ kind: 'connected', title: 'ok', actions: [] }) as never,
    log: (m) => logs.push(m),
  });
  if (ready) {
    bridge.receive({ type: 'ready' });
    posted.length = 0;
  }
  /** Asks the bridge as the page does and returns its reply, without the sequence number. */
  let next = 0;
  const ask = async (method: string, params: unknown) => {
    const id = ++next;
    bridge.receive({ type: 'request', id, method, params });
    for (let i = 0; i < 20 && !posted.some((m) => m.type === 'reply' && m.id === id); i++) await settle();
    const reply = posted.find((m) => m.type === 'reply' && m.id === id);
    assert.ok(reply, `a reply to ${method}`);
    const { seq: _seq, type: _type, id: _id, ...rest } = reply as Extract<HostMessage, { type: 'reply' }>;
    return rest;
  };
  const chip = async () => ((await ask('resolveMention', { kind: 'selection' })) as { result: { chip: { id: string; label: string } } }).result.chip;
  return { controller, said, posted, logs, bridge, ask, chip };
}

describe('chat bridge dispatch', () => {
  it('holds every message until the page is ready, focuses once, and goes quiet again on reload', () => {
    const { bridge, posted } = setup({}, false);
    bridge.focus();
    bridge.refreshConnection();
    assert.equal(posted.length, 0);
    bridge.receive({ type: 'ready' });
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot', 'focus'],
    );
    bridge.receive({ type: 'ready' });
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot', 'focus', 'snapshot'],
      'the focus asked for before the first ready is given once',
    );
    bridge.focus();
    bridge.refreshConnection();
    assert.deepEqual(
      posted.slice(3).map((m) => m.type),
      ['focus', 'connection'],
    );
    bridge.pageLoaded();
    bridge.focus();
    bridge.refreshConnection();
    assert.equal(posted.length, 5, 'a reloading page gets nothing');
    bridge.receive({ type: 'ready' });
    assert.deepEqual(
      posted.slice(5).map((m) => m.type),
      ['snapshot', 'focus'],
    );
  });

  it('a page that says it is ready gets only a snapshot when nobody asked for focus', () => {
    const { bridge, posted } = setup({}, false);
    bridge.receive({ type: 'ready' });
    assert.deepEqual(
      posted.map((m) => m.type),
      ['snapshot'],
    );
  });

  it('refuses what does not fit the contract with a sentence in the log', () => {
    const { bridge, controller, said, logs } = setup();
    bridge.receive({ type: 'stop', extra: 1 });
    assert.deepEqual(controller.calls, []);
    assert.deepEqual(said, []);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /^ignored a webview message that does not fit the contract: \S/);
  });

  it('passes stop, banner actions and web links on, and refuses other links with the start of the href', async () => {
    const { bridge, controller, said, logs } = setup();
    bridge.receive({ type: 'stop' });
    bridge.receive({ type: 'action', id: 'reconnect' });
    bridge.receive({ type: 'openLink', href: 'https://docs.openclaw.ai/' });
    bridge.receive({ type: 'openLink', href: 'http://localhost:8080/' });
    bridge.receive({ type: 'openLink', href: 'mailto:a@example.com' });
    bridge.receive({ type: 'openLink', href: 'not a url' });
    const long = `command:${'x'.repeat(200)}`;
    bridge.receive({ type: 'openLink', href: long });
    await settle();
    assert.deepEqual(controller.calls, ['stop']);
    assert.deepEqual(said, ['action reconnect', 'open https://docs.openclaw.ai/', 'open http://localhost:8080/', 'open mailto:a@example.com']);
    assert.deepEqual(logs, [
      'refused to open a link that is not web or mail: not a url',
      `refused to open a link that is not web or mail: ${long.slice(0, 80)}`,
    ]);
  });

  it('sends typed text with its chips and delivery, and ignores a blank message without chips', async () => {
    const { bridge, controller, logs, chip } = setup();
    bridge.receive({ type: 'send', text: '  \n ' });
    assert.deepEqual(logs, ['ignored a blank message without chips']);
    bridge.receive({ type: 'send', text: 'plain' });
    const held = await chip();
    bridge.receive({ type: 'send', text: ' ', chips: [held.id], delivery: 'queue' });
    assert.deepEqual(controller.calls, ['send plain [none] undefined', `send   [${held.label}] queue`]);
    bridge.receive({ type: 'send', text: 'again', chips: [held.id] });
    assert.match(controller.calls[2], /^notice error Not sent: An attachment of this message is no longer held/, 'a chip goes with one message only');
    assert.equal(controller.calls.length, 3);
  });

  it('keeps the chips of a message the model refuses, and says why in the chat', async () => {
    const { bridge, controller, chip } = setup();
    controller.imageRule = 'this model takes no images';
    const held = await chip();
    bridge.receive({ type: 'send', text: 'see', chips: [held.id] });
    controller.imageRule = undefined;
    bridge.receive({ type: 'discard', ids: [] });
    bridge.receive({ type: 'send', text: 'see', chips: [held.id] });
    assert.deepEqual(controller.calls, ['notice error Not sent: this model takes no images', `send see [${held.label}] undefined`]);
  });

  it('forgets discarded chips', async () => {
    const { bridge, controller, chip } = setup();
    const held = await chip();
    bridge.receive({ type: 'discard', ids: [held.id] });
    bridge.receive({ type: 'send', text: 'x', chips: [held.id] });
    assert.match(controller.calls[0], /^notice error Not sent: An attachment/);
  });

  it('answers approvals and questions through the controller, asking before allowing always', async () => {
    const { ask, controller, said } = setup();
    assert.deepEqual(await ask('decideApproval', { id: 'a1', decision: 'allow-once' }), { ok: true, result: { decided: true } });
    assert.deepEqual(await ask('decideApproval', { id: 'a2', decision: 'allow-always' }), { ok: true, result: { decided: true } });
    assert.deepEqual(await ask('answerQuestion', { id: 'q1', answers: [{ questionId: 'x', values: ['y'] }] }), { ok: true, result: { answered: true } });
    assert.deepEqual(await ask('skipQuestion', { id: 'q2' }), { ok: true, result: { skipped: false } });
    assert.deepEqual(await ask('loadEarlier', {}), { ok: true, result: { earlier: 3 } });
    assert.deepEqual(controller.calls, [
      'decide a1 allow-once',
      'decide a2 allow-always',
      'answer q1 [{"questionId":"x","values":["y"]}]',
      'skip q2',
      'loadEarlier',
    ]);
    assert.deepEqual(said, ['confirm Always allow this command? [Allow Always]']);
  });

  it('copies, and inserts with a word when no editor is active', async () => {
    let editorOpen = true;
    const { ask, said } = setup({ insertIntoActiveEditor: async () => editorOpen });
    assert.deepEqual(await ask('copy', { text: 'a' }), { ok: true, result: {} });
    assert.deepEqual(await ask('insert', { text: 'b' }), { ok: true, result: { inserted: true } });
    assert.deepEqual(said, ['copy a'], 'an editor took it: nothing to say');
    editorOpen = false;
    assert.deepEqual(await ask('insert', { text: 'c' }), { ok: true, result: { inserted: false } });
    assert.deepEqual(said, ['copy a', 'info No editor is active: click into the file where the code should go, then choose Insert at Cursor again.']);
  });

  it('forks, and tells the person when it could not', async () => {
    const { ask, controller, said } = setup();
    assert.deepEqual(await ask('forkFrom', { id: 'u:1' }), { ok: true, result: {} });
    controller.failFork = true;
    assert.deepEqual(await ask('forkFrom', { id: 'u:2' }), { ok: false, error: 'the gateway said no' });
    assert.deepEqual(controller.calls, ['fork u:1']);
    assert.deepEqual(said, ['error Could not start a new session from this message: the gateway said no']);
  });

  it('rewinds only when the person confirms', async () => {
    let sure = false;
    const asked: string[] = [];
    const told: string[] = [];
    const { ask, controller } = setup({
      confirm: async (message, detail, action) => (asked.push(`${message}|${detail.length > 0}|${action}`), sure),
      notify: async (level, message) => void told.push(`${level} ${message}`),
    });
    assert.deepEqual(await ask('rewindTo', { id: 'u:1' }), { ok: true, result: { done: false } });
    sure = true;
    assert.deepEqual(await ask('rewindTo', { id: 'u:2' }), { ok: true, result: { done: true } });
    assert.deepEqual(controller.calls, ['rewind u:2']);
    controller.actions.rewindTo = async () => {
      throw new Error('the session is busy');
    };
    assert.deepEqual(await ask('rewindTo', { id: 'u:3' }), { ok: false, error: 'the session is busy' });
    assert.deepEqual(told, ['error Could not rewind the session: the session is busy']);
    assert.deepEqual(asked, Array(3).fill('Rewind the session to this message?|true|Rewind'));
  });

  it('opens a diff where the editor has a diff view, and says so where it has none', async () => {
    const opened: unknown[] = [];
    const withDiff = setup({ openDiff: async (request) => void opened.push(request) });
    assert.deepEqual(await withDiff.ask('openDiff', { id: 't:1', path: 'a.ts' }), { ok: true, result: {} });
    assert.deepEqual(opened, [{ id: 't:1', path: 'a.ts' }]);
    const without = setup();
    assert.deepEqual(await without.ask('openDiff', { id: 't:1', path: 'a.ts' }), { ok: false, error: 'this editor has no diff view.' });
    assert.deepEqual(without.said, ['error Could not open the diff: this editor has no diff view.']);
  });

  it('decides on changes and warns about each file it could not revert', async () => {
    const { ask, controller, said } = setup();
    assert.deepEqual(await ask('decideChanges', { id: 'c:1', decision: 'keep' }), { ok: true, result: { refused: [] } });
    assert.deepEqual(said, [], 'nothing to warn about');
    controller.refusedChanges = ['a.ts changed since.'];
    assert.deepEqual(await ask('decideChanges', { id: 'c:1', path: 'a.ts', decision: 'revert' }), { ok: true, result: { refused: ['a.ts changed since.'] } });
    controller.refusedChanges = ['a.ts changed since.', 'b.ts is gone.'];
    await ask('decideChanges', { id: 'c:2', decision: 'revert' });
    controller.refusedChanges = new Error('no such change set');
    assert.deepEqual(await ask('decideChanges', { id: 'c:3', decision: 'revert' }), { ok: false, error: 'no such change set' });
    assert.deepEqual(said, [
      'warning a.ts changed since.',
      'warning 2 files were not reverted: a.ts changed since. b.ts is gone.',
      'error Could not decide on the changes: no such change set',
    ]);
    assert.deepEqual(controller.calls, [
      'changes c:1 undefined keep',
      'changes c:1 a.ts revert',
      'changes c:2 undefined revert',
      'changes c:3 undefined revert',
    ]);
  });

  it('replies "failed" to a request whose error says nothing', async () => {
    const { ask } = setup({
      copyText: async () => {
        throw new Error('');
      },
    });
    assert.deepEqual(await ask('copy', { text: 'a' }), { ok: false, error: 'failed' });
  });
});
