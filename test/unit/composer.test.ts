/**
 * The composer's host side without VS Code: attachments against the gateway's limits, the refusal
 * of an image for a text-only model, context blocks that history turns back into chips, the model
 * and thinking pickers, slash commands and steering, through ChatBridge requests on the fake gateway.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { readAttachment, Refusal } from '../../src/extension/composer/attachments';
import { diffBlock, fileBlock, problemsBlock, selectionBlock, terminalBlock } from '../../src/extension/composer/context-blocks';
import { composeMessage, splitMessage } from '../../src/extension/composer/context-text';
import { attachmentLimits, MAX_ITEM_CHARS, MAX_PROBLEMS } from '../../src/extension/composer/limits';
import { chatPage } from '../support/chat-page';
import { ChatController } from '../../src/extension/chat-controller';
import { itemsFromHistory } from '../../src/extension/transcript';
import { readModels } from '../../src/gateway/payloads';
import type { HistoryMessage } from '../../src/protocol/gateway';
import type { ChatItem, HostMessage } from '../../src/protocol/webview';
import { FakeGateway, MAIN_SESSION, type Conn } from '../../tools/fake-gateway';
import { makeClient, TOKEN } from '../support/clients';
import { fakeEditor, hostServices, type FakeEditor } from '../support/composer-services';
import { readRecorded } from '../support/transcripts';
import { waitFor, waitForState } from '../support/wait';

/** The smallest PNG: a signature and an IHDR start are what `imageType` looks at. */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const utf8 = (text: string) => new TextEncoder().encode(text);
const LIMITS = { maxBytes: 1000, maxImageBytes: 100 };

describe('composer: attachments and context blocks', () => {
  it('reads a PNG by its bytes as an image, text as a numbered file block, and refuses the rest with a reason', () => {
    const image = readAttachment('shots/a.png', PNG, LIMITS);
    assert.equal(image.kind, 'image');
    assert.equal(image.kind === 'image' && image.attachment.mimeType, 'image/png');
    assert.equal(image.kind === 'image' && image.attachment.fileName, 'a.png');

    const text = readAttachment('src/a.ts', utf8('const a = 1;\nconst b = 2;\n'), LIMITS);
    assert.equal(text.kind, 'file');
    assert.match(text.block.body, /^File src\/a\.ts \(2 lines\):/);
    assert.match(text.block.body, /\n1 \| const a = 1;\n2 \| const b = 2;\n/);

    const big = new Uint8Array(200);
    big.set(PNG);
    assert.throws(
      () => readAttachment('big.png', big, LIMITS),
      (e: Error) => e instanceof Refusal && /big\.png is 200 B; the gateway takes images up to 100 B/.test(e.message),
    );
    assert.throws(() => readAttachment('big.txt', utf8('x'.repeat(1001)), LIMITS), /big\.txt is 1001 B; the gateway takes files up to 1000 B/);
    assert.throws(() => readAttachment('a.bin', Uint8Array.from([1, 0, 2, 3]), LIMITS), /a\.bin is neither text nor an image/);
  });

  it('takes the limits from hello-ok.policy.attachments, with defaults for what it leaves out', () => {
    assert.deepEqual(attachmentLimits({ maxBytes: 5, maxImageBytes: 3 }), { maxBytes: 5, maxImageBytes: 3 });
    assert.ok(attachmentLimits(undefined).maxImageBytes > 0);
  });

  it('cuts a long file at the limit and says so, in the text and on the chip', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i + 1} ${'x'.repeat(40)}`).join('\n');
    const block = fileBlock('big.ts', lines);
    // The limit counts the file's own characters; the line numbers come on top.
    assert.ok(block.body.length < MAX_ITEM_CHARS * 1.2, `${block.body.length} chars`);
    assert.match(block.detail ?? '', /^cut to lines 1-\d+ of 5000$/);
    assert.match(block.body, /lines \d+-5000/);
  });

  it('sends blocks after the words, and history shows the words and the chips again', () => {
    const blocks = [
      fileBlock('src/a.ts', 'export const a = 1;\n'),
      selectionBlock({ path: 'src/b.ts', startLine: 3, endLine: 4, languageId: 'ts', text: 'b();\nc();' }),
    ];
    const message = composeMessage('Why?', blocks);
    assert.match(message, /^Why\?\n\n<<<openclaw-context tag="[a-f0-9]+" kind="file" label="src\/a\.ts"/);
    const split = splitMessage(message);
    assert.equal(split.text, 'Why?');
    assert.deepEqual(
      split.chips.map((c) => `${c.kind} ${c.label}`),
      ['file src/a.ts', 'selection src/b.ts:3-4'],
    );

    // A file the gateway stored for a `chat.send` client (the web chat) shows as a chip too.
    const meta = { id: 'r1', media: [{ kind: 'file', fileName: 'notes.md', sizeBytes: 2048 }] };
    const history = [{ role: 'user', content: message, __openclaw: meta }] as HistoryMessage[];
    const [item] = itemsFromHistory(history);
    assert.equal(item.kind, 'user');
    const user = item;
    assert.equal(user.text, 'Why?');
    assert.deepEqual(
      user.chips?.map((c) => `${c.kind} ${c.label} ${c.detail ?? ''}`.trim()),
      ['file src/a.ts 20 B', 'selection src/b.ts:3-4', 'file notes.md 2.0 KB'],
    );
  });

  it('reads what each model takes from the recorded models.list views: only provider-config names `input`', () => {
    const recorded = readRecorded<{ default: unknown; providerConfig: unknown }>('models.list.json');
    const [plain] = readModels(recorded.default);
    const [config] = readModels(recorded.providerConfig);
    assert.equal(plain.ref, 'fakeprov/fake-model');
    assert.equal(plain.input, undefined);
    assert.deepEqual(config.input, ['text', 'image']);
    assert.deepEqual(plain.thinkingLevels, ['off']);
  });
});

/** Models as 2026.9.6 lists them: a text-only one (the default) and one that takes images, with thinking levels. */
const MODELS = [
  { id: 'fake-model', name: 'Fake model', provider: 'fakeprov', thinkingLevels: [{ id: 'off', label: 'off' }], thinkingDefault: 'off', input: ['text'] },
  {
    id: 'vision',
    name: 'Vision',
    provider: 'fakeprov',
    thinkingLevels: ['off', 'low', 'high'].map((id) => ({ id, label: id })),
    thinkingDefault: 'low',
    input: ['text', 'image'],
  },
];

/** What the fake gateway lacks of the composer's RPCs, answered like 2026.9.6 does. */
function composerGateway(gw: FakeGateway): void {
  const row = (key: string) => {
    let session = gw.sessions.get(key);
    if (!session) gw.sessions.set(key, (session = { key, updatedAt: Date.now() }));
    return session;
  };
  gw.handlers.push((conn: Conn, frame) => {
    const params = (frame.params ?? {}) as Record<string, any>;
    switch (frame.method) {
      case 'models.list':
        // Only the provider-config view says what a model takes.
        conn.res(frame.id, true, { models: MODELS.map((m) => (params.view === 'provider-config' ? m : { ...m, input: undefined })) });
        return true;
      case 'sessions.patch': {
        if (params.archived !== undefined) return false;
        const session = row(params.key);
        if (params.model) {
          const [provider, model] = String(params.model).split('/');
          if (!MODELS.some((m) => m.id === model && m.provider === provider)) {
            conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: `Unknown model: ${params.model}` });
            return true;
          }
          Object.assign(session, { model, modelProvider: provider });
        }
        if (params.thinkingLevel) session.thinkingLevel = params.thinkingLevel;
        conn.res(frame.id, true, { ok: true, key: params.key });
        for (const c of gw.conns) if (c.authed) c.event('sessions.changed', { sessionKey: params.key, reason: 'patch' });
        return true;
      }
      case 'commands.list':
        // As 2026.9.6 answers for a session nothing was sent in yet.
        if (typeof params.sessionKey === 'string' && !gw.sessions.has(params.sessionKey)) {
          conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: 'Session not found.' });
          return true;
        }
        conn.res(frame.id, true, {
          commands: [
            { name: 'status', description: 'Show status', textAliases: ['/status'], acceptsArgs: false },
            {
              name: 'steer',
              description: 'Steer the running reply',
              textAliases: ['/steer', '/tell'],
              acceptsArgs: true,
              args: [{ name: 'message', required: true }],
            },
          ],
        });
        return true;
      case 'chat.send': {
        conn.res(frame.id, true, { runId: params.idempotencyKey, status: 'started' });
        // A command the gateway runs itself answers with a `chat` final of the same run.
        if (String(params.message).startsWith('/')) {
          const rows = gw.history.get(params.sessionKey) ?? [];
          rows.push(
            { role: 'user', content: params.message, timestamp: Date.now() },
            { role: 'assistant', content: [{ type: 'text', text: 'Status: fine' }], timestamp: Date.now() },
          );
          gw.history.set(params.sessionKey, rows);
          conn.event('chat', {
            runId: params.idempotencyKey,
            sessionKey: params.sessionKey,
            state: 'final',
            message: { role: 'assistant', content: [{ type: 'text', text: 'Status: fine' }] },
          });
        }
        return true;
      }
    }
    return false;
  });
  // The main session runs the text-only default model.
  Object.assign(row(MAIN_SESSION), { model: 'fake-model', modelProvider: 'fakeprov' });
}

describe('composer: requests through the chat bridge', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options: { deltaDelayMs?: number; attachments?: Record<string, number>; thinking?: string } = {}) {
    const gw = await new FakeGateway({
      token: TOKEN,
      deltaDelayMs: options.deltaDelayMs,
      hello: (hello) => {
        if (options.attachments) hello.policy.attachments = options.attachments;
      },
    }).start();
    composerGateway(gw);
    const client = makeClient(gw.url);
    const controller = new ChatController(client, {
      log: () => undefined,
      thinking: () => options.thinking,
      busyMode: () => 'steer',
      saveSession: () => undefined,
    });
    const calls: string[] = [];
    const editor: FakeEditor = fakeEditor();
    const services = hostServices({ notify: async (level, message) => void calls.push(`${level} ${message}`) }, calls, editor);
    const { bridge, posted, ask } = chatPage(controller, services);
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
      () => controller.dispose(),
      () => bridge.dispose(),
    );
    client.start();
    await waitForState(client, 'connected');
    bridge.receive({ type: 'ready' });
    // The pickers need the models and the session's row.
    await waitFor(
      () => controller.controls.models.length === 2 && controller.controls.view(MAIN_SESSION).model === 'fakeprov/fake-model',
      'models and rows listed',
    );
    const userItems = () => controller.transcript.filter((i): i is Extract<ChatItem, { kind: 'user' }> => i.kind === 'user');
    const notices = () => controller.transcript.filter((i) => i.kind === 'notice').map((i) => i.text);
    return { gw, client, controller, bridge, posted, calls, editor, ask, userItems, notices };
  }

  it('attaches a picked text file: the agent reads it with its name and lines, the message shows its chip', async () => {
    const { gw, editor, ask, bridge, userItems } = await setup();
    editor.files.set('src/app.ts', utf8('export function app() {\n  return 42;\n}\n'));
    editor.picks.push('src/app.ts');
    const reply = await ask('pickFiles', {});
    assert.equal(reply.ok, true, reply.error);
    const { chips, refused } = reply.result as { chips: Array<{ id: string; kind: string; label: string }>; refused: string[] };
    assert.deepEqual(refused, []);
    assert.deepEqual(
      chips.map((c) => `${c.kind} ${c.label}`),
      ['file src/app.ts'],
    );
    bridge.receive({ type: 'send', text: 'What does it return?', chips: [chips[0].id] });
    const [agent] = await waitFor(() => (gw.requests('agent').length ? gw.requests('agent') : undefined), 'agent request');
    const params = agent.params as { message: string; attachments?: unknown };
    assert.match(params.message, /^What does it return\?\n\n<<<openclaw-context /);
    assert.match(params.message, /File src\/app\.ts \(3 lines\):/);
    assert.match(params.message, /\n2 \| {3}return 42;\n/);
    assert.equal(params.attachments, undefined);
    const [user] = userItems();
    assert.equal(user.text, 'What does it return?');
    assert.deepEqual(
      user.chips?.map((c) => c.label),
      ['src/app.ts'],
    );
    // The chip went with the message: sent again, it is no longer held.
    bridge.receive({ type: 'send', text: 'again', chips: [chips[0].id] });
    assert.equal(gw.requests('agent').length, 1);
  });

  it('turns @selection, @problems, @diff and @terminal into chips whose text reaches the agent, and says what is missing', async () => {
    const { gw, editor, ask, bridge, userItems } = await setup();
    type Chip = { id: string; kind: string; label: string; detail?: string };
    const resolve = async (kind: string) => {
      const reply = await ask('resolveMention', { kind });
      return { chip: reply.ok ? (reply.result as { chip: Chip }).chip : undefined, error: reply.error ?? '' };
    };
    // Nothing there yet: each says what to do instead of making an empty chip.
    assert.match((await resolve('selection')).error, /No text is selected: select some in an editor/);
    assert.match((await resolve('terminal')).error, /No terminal is open/);
    assert.match((await resolve('diff')).error, /no git diff/);

    editor.selection = { path: 'src/app.ts', startLine: 10, endLine: 11, languageId: 'typescript', text: 'const x = 1;\nreturn x;' };
    editor.activePath = 'src/app.ts';
    editor.diagnostics = [
      { path: 'src/app.ts', line: 3, column: 5, severity: 'warning', message: 'unused\nvariable', source: 'ts', code: '6133' },
      { path: 'src/app.ts', line: 9, column: 1, severity: 'error', message: 'missing return' },
      { path: 'src/other.ts', line: 1, column: 1, severity: 'error', message: 'not the active file' },
    ];
    editor.diff = 'diff --git a/src/app.ts b/src/app.ts\n--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1 @@\n-old\n+new\n';
    editor.terminal = { name: 'bash', text: '\u001b[31mFAIL\u001b[0m test/app.test.ts\n1 failed\n' };
    const chips: Chip[] = [];
    for (const kind of ['selection', 'problems', 'diff', 'terminal']) {
      const { chip, error } = await resolve(kind);
      assert.ok(chip, `${kind}: ${error}`);
      chips.push(chip);
    }
    assert.deepEqual(
      chips.map((c) => `${c.kind} ${c.label} ${c.detail ?? ''}`.trim()),
      ['selection src/app.ts:10-11', 'problems problems in src/app.ts 2 problems', 'diff diff 1 file', 'terminal terminal bash'],
    );
    bridge.receive({ type: 'send', text: 'Fix it', chips: chips.map((c) => c.id) });
    const [agent] = await waitFor(() => (gw.requests('agent').length ? gw.requests('agent') : undefined), 'agent request');
    const { message } = agent.params as { message: string };
    assert.match(message, /^Fix it\n\n/);
    assert.match(message, /Selected in src\/app\.ts, lines 10-11:\n```typescript\n10 \| const x = 1;\n11 \| return x;\n```/);
    // Errors first, the message on one line, only the active file's.
    assert.match(
      message,
      /Problems in src\/app\.ts \(1 error, 1 warning\):\nsrc\/app\.ts:9:1 error: missing return\nsrc\/app\.ts:3:5 warning: unused variable \[ts 6133\]/,
    );
    assert.doesNotMatch(message, /not the active file/);
    assert.match(message, /```diff\ndiff --git a\/src\/app\.ts b\/src\/app\.ts\n[^]*\+new\n```/);
    assert.match(message, /The last output of the terminal "bash":\n```text\nFAIL test\/app\.test\.ts\n1 failed\n```/, 'colour codes stripped');
    assert.deepEqual(
      userItems()[0].chips?.map((c) => c.kind),
      ['selection', 'problems', 'diff', 'terminal'],
    );
  });

  it('starts a new session with the openclaw.thinkingLevel setting, and leaves an existing session its own level', async () => {
    const { gw, controller } = await setup({ thinking: 'high' });
    controller.send('in the main session');
    await waitFor(() => !controller.busy, 'the first turn');
    await controller.switchSession('agent:main:fresh');
    controller.send('in a new session');
    await waitFor(() => gw.requests('agent').length === 2 && !controller.busy, 'the second turn');
    assert.deepEqual(
      gw.requests('agent').map((f) => [(f.params as { sessionKey: string }).sessionKey, (f.params as { thinking?: string }).thinking]),
      [
        [MAIN_SESSION, undefined],
        ['agent:main:fresh', 'high'],
      ],
    );
  });

  it('cuts what @selection, @problems, @diff and @terminal bring in at the limit, and says so on the chip and in the text', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const selection = selectionBlock({ path: 'big.ts', startLine: 100, endLine: 3099, languageId: 'ts', text: many });
    assert.match(selection.detail ?? '', /^cut to lines 100-\d+$/);
    assert.match(selection.body, /\[cut: lines \d+-3099 \(\d+(\.\d)? KB\) left out to stay within 58\.6 KB\]$/);
    assert.ok(selection.body.length < MAX_ITEM_CHARS + 20_000, `selection body ${selection.body.length} chars`);

    const diagnostics = Array.from(
      { length: 500 },
      (_, i) => ({ path: 'a.ts', line: i + 1, column: 1, severity: i % 2 ? 'warning' : 'error', message: `problem ${i}` }) as const,
    );
    const problems = problemsBlock(diagnostics, undefined);
    assert.equal(problems.detail, '500 problems');
    assert.match(problems.body, /^Problems in the workspace \(250 errors, 250 warnings\):\na\.ts:1:1 error/);
    assert.match(problems.body, new RegExp(`\\[cut: ${500 - MAX_PROBLEMS} more problems left out to stay within the limit\\]$`));
    assert.equal(problemsBlock([], 'a.ts').body, 'There are no problems in a.ts.');

    const diff = diffBlock(`diff --git a/a b/a\n${'+added line\n'.repeat(10_000)}diff --git a/b b/b\n+tail\n`);
    assert.equal(diff.detail, '2 files, cut');
    assert.match(diff.body, /\[cut: the rest of the diff \(\d+(\.\d)? KB\) left out to stay within 58\.6 KB\]$/);
    assert.doesNotMatch(diff.body, /\+tail/);
    assert.equal(diffBlock('  \n').body, 'The working tree has no changes against HEAD.');

    const terminal = terminalBlock('build', `${'early output\n'.repeat(10_000)}the last line`);
    assert.equal(terminal.detail, 'last lines');
    assert.match(terminal.body, /the last line\n```\n\[cut: the first \d+(\.\d)? KB of the output were left out to stay within 58\.6 KB\]$/);
    assert.ok(terminal.body.length <= MAX_ITEM_CHARS + 500);
  });

  it('refuses a pasted image up front for a text-only model, naming it; after the model picker chose one that takes images it goes as an attachment', async () => {
    const { gw, controller, ask, bridge, notices, posted } = await setup();
    const pasted = await ask('attachData', { name: 'paste.png', mimeType: 'image/png', data: Buffer.from(PNG).toString('base64') });
    assert.equal(pasted.ok, true, pasted.error);
    const chip = (pasted.result as { chip: { id: string; kind: string; thumbnail?: string } }).chip;
    assert.equal(chip.kind, 'image');
    assert.match(chip.thumbnail ?? '', /^data:image\/png;base64,/);

    bridge.receive({ type: 'send', text: 'What is this?', chips: [chip.id] });
    await waitFor(() => notices().length, 'a refusal');
    assert.match(notices()[0], /^Not sent: Fake model \(fakeprov\/fake-model\) takes no images, so paste\.png cannot go with this message/);
    assert.equal(gw.requests('agent').length, 0, 'nothing reached the gateway');

    const set = await ask('setModel', { model: 'fakeprov/vision' });
    assert.equal(set.ok, true, set.error);
    assert.deepEqual(gw.requests('sessions.patch').at(-1)?.params, { key: MAIN_SESSION, model: 'fakeprov/vision' });
    await waitFor(() => controller.controls.view(MAIN_SESSION).model === 'fakeprov/vision', 'the picker shows the new model');
    const controls = posted.filter((m): m is Extract<HostMessage, { type: 'controls' }> => m.type === 'controls').at(-1)?.controls;
    assert.equal(controls?.model, 'fakeprov/vision');
    assert.deepEqual(controls?.thinkingLevels, ['off', 'low', 'high'], "the model's own thinking levels");

    // The refused message kept its chip: sent again, it goes.
    bridge.receive({ type: 'send', text: 'What is this?', chips: [chip.id] });
    const [agent] = await waitFor(() => (gw.requests('agent').length ? gw.requests('agent') : undefined), 'agent request');
    const attachments = (agent.params as { attachments?: Array<Record<string, string>> }).attachments;
    assert.equal(attachments?.length, 1);
    assert.equal(attachments[0].type, 'image');
    assert.equal(attachments[0].mimeType, 'image/png');
    assert.equal(attachments[0].content, Buffer.from(PNG).toString('base64'));

    const thinking = await ask('setThinking', { level: 'high' });
    assert.equal(thinking.ok, true, thinking.error);
    await waitFor(() => controller.controls.view(MAIN_SESSION).thinking === 'high', 'the thinking picker shows high');
    const wrong = await ask('setThinking', { level: 'xhigh' });
    assert.equal(wrong.ok, false);
    assert.match(wrong.error ?? '', /has no thinking level "xhigh": choose one of off, low, high/);
  });

  it('refuses a file over the limits hello-ok.policy.attachments names, and a dropped file outside the workspace', async () => {
    const { ask, editor } = await setup({ attachments: { maxBytes: 64, maxImageBytes: 16 } });
    const image = await ask('attachData', { name: 'shot.png', mimeType: 'image/png', data: Buffer.from(PNG).toString('base64') });
    assert.equal(image.ok, false);
    assert.match(image.error ?? '', /shot\.png is 29 B; the gateway takes images up to 16 B/);
    editor.outside.set('file:///etc/notes.txt', utf8('secret'));
    editor.files.set('big.txt', utf8('y'.repeat(65)));
    const dropped = await ask('attachUris', { uris: ['file:///etc/notes.txt', 'big.txt'] });
    assert.equal(dropped.ok, true);
    const { chips, refused } = dropped.result as { chips: unknown[]; refused: string[] };
    assert.equal(chips.length, 0);
    assert.match(refused[0], /outside the workspace/);
    assert.match(refused[1], /big\.txt is 65 B; the gateway takes files up to 64 B/);
  });

  it('lists the slash commands of a session nothing was sent in yet: the gateway does not know it, so they are asked without it', async () => {
    const { gw, ask, controller } = await setup();
    await controller.switchSession('agent:main:brand-new');
    const listed = await ask('listCommands', {});
    assert.equal(listed.ok, true, listed.error);
    assert.deepEqual(
      (listed.result as { commands: Array<{ name: string }> }).commands.map((c) => c.name),
      ['status', 'steer'],
    );
    assert.deepEqual(
      gw.requests('commands.list').map((r) => r.params),
      [{ sessionKey: 'agent:main:brand-new' }, {}],
    );
  });

  it('lists the slash commands from commands.list and runs one through chat.send, showing its answer', async () => {
    const { gw, ask, bridge, controller } = await setup();
    const listed = await ask('listCommands', {});
    assert.equal(listed.ok, true, listed.error);
    const { commands } = listed.result as { commands: Array<{ name: string; description: string; args?: string }> };
    assert.deepEqual(
      commands.map((c) => `${c.name}: ${c.description}${c.args ? ` ${c.args}` : ''}`),
      ['status: Show status', 'steer: Steer the running reply <message>'],
    );
    bridge.receive({ type: 'send', text: '/status' });
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text === 'Status: fine'), 'the command answer shown');
    assert.equal(gw.requests('chat.send').length, 1);
    assert.equal((gw.requests('chat.send')[0].params as { message: string }).message, '/status');
    assert.equal(gw.requests('agent').length, 0, 'a command does not go through agent');
    // A slash word that is no command is an ordinary message.
    bridge.receive({ type: 'send', text: '/usr/bin is where it lives' });
    await waitFor(() => gw.requests('agent').length === 1, 'sent through agent');
  });

  it('steers a running reply with chat.send queueMode steer, and queues a follow-up behind it', async () => {
    const { gw, bridge, controller, userItems } = await setup({ deltaDelayMs: 40 });
    gw.reply = () => Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    bridge.receive({ type: 'send', text: 'Write a long answer' });
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text.length > 0), 'the reply streams');
    bridge.receive({ type: 'send', text: 'Shorter, please', delivery: 'steer' });
    const [steer] = await waitFor(() => (gw.requests('chat.send').length ? gw.requests('chat.send') : undefined), 'chat.send');
    assert.equal((steer.params as Record<string, unknown>).queueMode, 'steer');
    assert.equal((steer.params as Record<string, unknown>).message, 'Shorter, please');
    bridge.receive({ type: 'send', text: 'Then a summary', delivery: 'queue' });
    const queued = await waitFor(() => userItems().find((u) => u.text === 'Then a summary'), 'queued item');
    assert.equal(queued.delivery, 'queue');
    assert.equal(queued.pending, 'waiting');
    assert.equal(userItems().find((u) => u.text === 'Shorter, please')?.delivery, 'steer');
    // The follow-up goes through agent once the running reply ended.
    await waitFor(() => gw.requests('agent').length === 2, 'the follow-up sent after the reply', 20_000);
    assert.equal((gw.requests('agent')[1].params as { message: string }).message, 'Then a summary');
  });

  it('interrupts a running reply: stops it with chat.abort, then sends through agent, and the transcript says so', async () => {
    const { gw, bridge, controller, userItems } = await setup({ deltaDelayMs: 40 });
    gw.reply = () => Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    bridge.receive({ type: 'send', text: 'Write a long answer' });
    await waitFor(() => controller.transcript.some((i) => i.kind === 'assistant' && i.text.length > 0), 'the reply streams');
    bridge.receive({ type: 'send', text: 'Stop, do this instead', delivery: 'interrupt' });
    await waitFor(() => gw.requests('agent').length === 2, 'the new message sent after the stop', 20_000);
    const order = gw.received.filter((r) => r.frame.type === 'req' && ['agent', 'chat.abort'].includes(String(r.frame.method))).map((r) => r.frame.method);
    assert.deepEqual(order, ['agent', 'chat.abort', 'agent'], 'stopped first, then sent');
    assert.equal((gw.requests('agent')[1].params as { message: string }).message, 'Stop, do this instead');
    assert.equal(gw.requests('chat.send').length, 0, 'not steered into the stopped reply');
    assert.equal(userItems().find((u) => u.text === 'Stop, do this instead')?.delivery, 'interrupt');
    await waitFor(
      () => controller.transcript.some((i) => i.kind === 'assistant' && i.text.startsWith('word0') && i.outcome === 'aborted'),
      'the stopped reply stays in the transcript, marked stopped',
      20_000,
    );
  });

  it('answers `@` with the sources first, then the files that match, best first, and a file mentioned becomes a chip', async () => {
    const { ask, editor } = await setup();
    for (const path of ['docs/api.md', 'src/approvals/apply.ts', 'src/app.ts', 'test/unit/app.test.ts', 'webview/map-pins.ts'])
      editor.files.set(path, utf8(`// ${path}\nexport {};\n`));
    const bare = await ask('searchMentions', { query: '' });
    assert.equal(bare.ok, true, bare.error);
    const { candidates } = bare.result as { candidates: Array<{ kind: string; label: string; path?: string }> };
    assert.deepEqual(
      candidates.slice(0, 4).map((c) => c.kind),
      ['selection', 'problems', 'diff', 'terminal'],
    );
    assert.equal(candidates.filter((c) => c.kind === 'file').length, 5);
    const app = (await ask('searchMentions', { query: 'app' })).result as { candidates: Array<{ kind: string; path?: string }> };
    // The name that starts with the query first (shorter path first), then the name that holds it, then the characters spread out.
    assert.deepEqual(
      app.candidates.map((c) => c.path),
      ['src/app.ts', 'test/unit/app.test.ts', 'src/approvals/apply.ts', 'webview/map-pins.ts'],
    );
    const problems = (await ask('searchMentions', { query: 'pro' })).result as { candidates: Array<{ kind: string }> };
    assert.equal(problems.candidates[0].kind, 'problems', 'a source that starts with the query comes first');
    const chip = await ask('resolveMention', { kind: 'file', path: 'src/app.ts' });
    assert.equal(chip.ok, true, chip.error);
    assert.match(JSON.stringify(chip.result), /src\/app\.ts/);
  });
});
