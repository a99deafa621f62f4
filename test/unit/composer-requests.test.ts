/**
 * The composer's requests answered by the host (composer-requests.ts), without a gateway: the
 * controller's few parts it uses are stand-ins that record what they were asked, and the editor is
 * the in-memory one of test/support/composer-services.ts. What a chip may read is the point: a
 * page's URIs only inside the workspace, a paste only by its base name, every file within the
 * gateway's limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatController } from '../../src/extension/chat-controller';
import { composerHandlers } from '../../src/extension/composer/composer-requests';
import { Staging } from '../../src/extension/composer/staging';
import { fakeEditor, hostServices, type FakeEditor } from '../support/composer-services';

const utf8 = (text: string) => new TextEncoder().encode(text);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** The handlers over a stand-in controller whose gateway said `attachments` in hello-ok. */
function setUp(attachments?: { maxBytes?: number; maxImageBytes?: number }, editor: FakeEditor = fakeEditor()) {
  const calls: string[] = [];
  const controller = {
    sessionKey: 'agent:main:main',
    client: { hello: attachments ? { policy: { attachments } } : undefined },
    commands: {
      list: async (key: string) => {
        calls.push(`commands ${key}`);
        return [
          { name: '/reset', description: 'Start over', takesArgs: false },
          { name: '/model', description: 'Pick a model', takesArgs: true, argsHint: '<ref>' },
        ];
      },
    },
    controls: {
      setModel: async (key: string, model: string) => void calls.push(`model ${key} ${model}`),
      setThinking: async (key: string, level: string) => void calls.push(`thinking ${key} ${level}`),
    },
    refreshControls: () => void calls.push('refresh'),
  } as unknown as ChatController;
  const staging = new Staging();
  const handlers = composerHandlers(controller, hostServices({}, calls, editor), staging);
  return { handlers, staging, calls, editor };
}

describe('composer requests: files', () => {
  it('stage picked files, workspace or not, and say why each refused one was', async () => {
    const editor = fakeEditor();
    editor.files.set('src/a.ts', utf8('a\n'));
    editor.outside.set('file:///home/me/notes.md', utf8('# notes\n'));
    editor.outside.set('file:///home/me/huge.txt', utf8('x'.repeat(11)));
    const { handlers, staging, calls } = setUp({ maxBytes: 10 }, editor);
    editor.picks.push('src/a.ts', 'file:///home/me/notes.md', 'file:///home/me/huge.txt', 'file:///missing');
    const { chips, refused } = await handlers.pickFiles({});
    assert.deepEqual(
      chips.map((c) => [c.kind, c.label, c.detail]),
      [
        ['file', 'src/a.ts', '2 B'],
        ['file', 'notes.md', '8 B'],
      ],
    );
    assert.deepEqual(refused, [
      'huge.txt is 11 B; the gateway takes files up to 10 B. Attach a smaller file, or mention the part that matters.',
      'Could not read file:///missing: not found',
    ]);
    assert.deepEqual(calls, ['pickFiles']);
    assert.equal(staging.size, 2);
  });

  it('read a page’s dropped URIs only inside the workspace', async () => {
    const editor = fakeEditor();
    editor.files.set('src/a.ts', utf8('a\n'));
    editor.outside.set('file:///etc/passwd', utf8('root:x:0:0\n'));
    const { handlers, staging } = setUp(undefined, editor);
    const { chips, refused } = await handlers.attachUris({ uris: ['file:///etc/passwd', 'src/a.ts'] });
    assert.deepEqual(
      chips.map((c) => c.label),
      ['src/a.ts'],
    );
    assert.deepEqual(refused, ['file:///etc/passwd is outside the workspace: attach it with the paperclip instead.']);
    assert.equal(staging.size, 1);
  });

  it('name pasted data by its base name only, and “pasted” when it has none', async () => {
    const { handlers, staging } = setUp({ maxImageBytes: 100 });
    const data = Buffer.from(PNG).toString('base64');
    const unix = await handlers.attachData({ mimeType: 'application/octet-stream', name: '../../etc/shot.png', data });
    assert.deepEqual([unix.chip.kind, unix.chip.label, unix.chip.detail], ['image', 'shot.png', '16 B']);
    assert.equal(unix.chip.thumbnail, `data:image/png;base64,${data}`);
    const windows = await handlers.attachData({
      mimeType: 'application/octet-stream',
      name: 'C:\\Users\\me\\notes.txt',
      data: Buffer.from('hi').toString('base64'),
    });
    assert.deepEqual([windows.chip.kind, windows.chip.label], ['file', 'notes.txt']);
    const bare = await handlers.attachData({ mimeType: 'application/octet-stream', name: 'dir/', data: Buffer.from('hi').toString('base64') });
    assert.equal(bare.chip.label, 'pasted');
    // The type the page claims proves nothing: the bytes decide.
    const claimed = await handlers.attachData({ mimeType: 'image/png', name: 'fake.png', data: Buffer.from('text').toString('base64') });
    assert.deepEqual([claimed.chip.kind, claimed.chip.thumbnail], ['file', undefined]);
    assert.equal(staging.size, 4);
  });

  it('refuse pasted data past the gateway’s limits, the defaults when it named none', async () => {
    const small = setUp({ maxImageBytes: 15 });
    await assert.rejects(
      async () => small.handlers.attachData({ mimeType: 'application/octet-stream', name: 'a.png', data: Buffer.from(PNG).toString('base64') }),
      /a\.png is 16 B; the gateway takes images up to 15 B/,
    );
    const plain = setUp();
    await assert.rejects(
      async () => plain.handlers.attachData({ mimeType: 'application/octet-stream', name: 'b.png', data: Buffer.alloc(6_291_457, 0x89).toString('base64') }),
      /b\.png is neither text/,
    );
    const big = Buffer.from(PNG.subarray(0, 12).reduce((out, b, i) => ((out[i] = b), out), Buffer.alloc(6_291_457)));
    await assert.rejects(
      async () => plain.handlers.attachData({ mimeType: 'application/octet-stream', name: 'c.png', data: big.toString('base64') }),
      /c\.png is 6\.0 MB; the gateway takes images up to 6\.0 MB/,
    );
  });
});

describe('composer requests: mentions', () => {
  it('list the sources and the workspace files that match', async () => {
    const editor = fakeEditor();
    editor.files.set('src/app.ts', utf8('x'));
    editor.files.set('README.md', utf8('x'));
    const { handlers } = setUp(undefined, editor);
    const { candidates } = await handlers.searchMentions({ query: 'app' });
    assert.deepEqual(candidates, [{ kind: 'file', label: 'app.ts', detail: 'src/app.ts', path: 'src/app.ts' }]);
  });

  it('stage a mentioned workspace file, and refuse one with no path or past the limit', async () => {
    const editor = fakeEditor();
    editor.files.set('src/app.ts', utf8('let a;\n'));
    editor.files.set('big.txt', utf8('x'.repeat(21)));
    const { handlers, staging } = setUp({ maxBytes: 20 }, editor);
    const { chip } = await handlers.resolveMention({ kind: 'file', path: 'src/app.ts' });
    assert.deepEqual([chip.kind, chip.label, chip.detail], ['file', 'src/app.ts', '7 B']);
    assert.equal(staging.take([chip.id]).blocks[0].body, 'File src/app.ts (1 line):\n```ts\n1 | let a;\n```');
    await assert.rejects(handlers.resolveMention({ kind: 'file' }), { name: 'Refusal', message: 'Name the file to mention.' });
    await assert.rejects(handlers.resolveMention({ kind: 'file', path: '' }), /Name the file/);
    await assert.rejects(handlers.resolveMention({ kind: 'file', path: 'big.txt' }), /big\.txt is 21 B; the gateway takes files up to 20 B/);
    await assert.rejects(handlers.resolveMention({ kind: 'file', path: 'nope.ts' }), /Could not read nope\.ts/);
  });

  it('stage the selection, the problems, the diff and the terminal as their blocks', async () => {
    const editor = fakeEditor();
    editor.selection = { path: 'src/b.ts', startLine: 3, endLine: 4, languageId: 'ts', text: 'b();\nc();' };
    editor.activePath = 'src/b.ts';
    editor.diagnostics = [{ path: 'src/b.ts', line: 3, column: 1, severity: 'error', message: 'bad' }];
    editor.diff = 'diff --git a/x b/x\n';
    editor.terminal = { name: 'zsh', text: '$ make\nok\n' };
    const { handlers, staging } = setUp(undefined, editor);
    const chips = [];
    for (const kind of ['selection', 'problems', 'diff', 'terminal'] as const) chips.push((await handlers.resolveMention({ kind })).chip);
    assert.deepEqual(
      chips.map((c) => [c.kind, c.label, c.detail]),
      [
        ['selection', 'src/b.ts:3-4', undefined],
        ['problems', 'problems in src/b.ts', '1 problem'],
        ['diff', 'diff', '1 file'],
        ['terminal', 'terminal zsh', undefined],
      ],
    );
    const bodies = staging.take(chips.map((c) => c.id)).blocks.map((b) => b.body);
    assert.equal(bodies[0], 'Selected in src/b.ts, lines 3-4:\n```ts\n3 | b();\n4 | c();\n```');
    assert.equal(bodies[1], 'Problems in src/b.ts (1 error, 0 warnings):\nsrc/b.ts:3:1 error: bad');
    assert.equal(bodies[3], 'The last output of the terminal "zsh":\n```text\n$ make\nok\n```');
  });

  it('refuse the selection when nothing is selected, and pass on why the diff or terminal cannot be had', async () => {
    const { handlers, staging } = setUp();
    await assert.rejects(handlers.resolveMention({ kind: 'selection' }), {
      name: 'Refusal',
      message: 'No text is selected: select some in an editor, then mention @selection again.',
    });
    await assert.rejects(handlers.resolveMention({ kind: 'diff' }), /no git diff/);
    await assert.rejects(handlers.resolveMention({ kind: 'terminal' }), /No terminal is open/);
    assert.equal(staging.size, 0);
  });
});

describe('composer requests: the header', () => {
  it('list the session’s commands, with their argument hint where there is one', async () => {
    const { handlers, calls } = setUp();
    assert.deepEqual(await handlers.listCommands({}), {
      commands: [
        { name: '/reset', description: 'Start over', takesArgs: false },
        { name: '/model', description: 'Pick a model', takesArgs: true, args: '<ref>' },
      ],
    });
    assert.deepEqual(calls, ['commands agent:main:main']);
  });

  it('set the model and thinking of the session, and save the busy mode then refresh the controls', async () => {
    const { handlers, calls, editor } = setUp();
    assert.deepEqual(await handlers.setModel({ model: 'prov/m1' }), {});
    assert.deepEqual(await handlers.setThinking({ level: 'high' }), {});
    assert.deepEqual(await handlers.setBusyMode({ mode: 'steer' }), {});
    assert.deepEqual(calls, ['model agent:main:main prov/m1', 'thinking agent:main:main high', 'busyMode steer', 'refresh']);
    assert.equal(editor.busyMode, 'steer');
  });
});
