/**
 * The composer in a real VS Code (code-server, driven by Playwright and Debian's Chromium), against
 * the real openclaw gateway, in a workspace of 20,000 files the test writes: the paperclip opens
 * VS Code's own file dialog (driven as a person does: the path typed, Enter), a pasted image and
 * two drops (a synthetic `paste` and `drop` with a DataTransfer dispatched in the chat page:
 * Playwright cannot put an image on the system clipboard of a headless browser, and VS Code covers
 * webviews with an overlay while the explorer drags, so a drag from the explorer does not reach
 * the page's own drop handler here; the drop carries what the explorer puts in a drag, a
 * `text/uri-list` of the file, and what the OS puts, a File), `@` a file among the 20,000, the `/`
 * list from `commands.list`, screenshots in a dark and a light theme, the message sent with its
 * chips, whose file content reaches the model, `/status` chosen from the list and answered by the
 * gateway, and the model picker choosing the model of the next message. The Sessions view has its
 * own file, sessions.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setColorTheme } from '../../tools/code-server/prompts';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import type { Workbench } from '../../tools/code-server/workbench';
import { HARNESS_VISION_MODEL } from '../../tools/gateway/config';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { VISION_MODEL_ID } from '../../tools/gateway/model-server';
import { sleep } from '../support/wait';
import { ARTIFACTS, ROOT, chatInput, gatewayEnv, openChat, quickInput, until, withChatShown } from './chat-workbench';

const FILES = 20_000;
/** A 16x16 PNG (a red square), the pasted "screenshot". */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAGklEQVR4nGP4z8BAEmIY1TCqYVTDqIahqgEAPGL/AbxKa30AAAAASUVORK5CYII=';

// Only so that the functions run in the chat page type-check here (the tests' tsconfig has no DOM).
declare const document: any;
declare const DataTransfer: any;
declare const File: any;
declare const ClipboardEvent: any;
declare const DragEvent: any;

/** Writes `count` small files in nested folders, with one known needle among them. */
function writeBigWorkspace(dir: string, count: number, needle: string): void {
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, `pkg-${i % 40}`, `mod-${Math.floor(i / 40) % 25}`);
    if (i < 1000) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file-${i}.ts`), `export const value${i} = ${i};\n`);
  }
  writeFileSync(path.join(dir, 'pkg-7', 'mod-3', needle), 'export const needle = "found among twenty thousand";\n');
}

describe('the composer in a real VS Code', { timeout: 30 * 60_000 }, () => {
  let gw: GatewayHandle;
  let server: CodeServer;
  let workbench: Workbench | undefined;

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    gw = await startGateway();
    server = await startCodeServer({ runDir: freshRunDir(path.join(ARTIFACTS, 'editor')), colorTheme: 'Default Dark Modern' });
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    await gw?.dispose();
  });

  it('attaches by picker, paste and drop, mentions a file among 20,000, runs a / command from the list, picks the model, in both themes', async (t) => {
    await composerChecks(t).catch((error) => withChatShown(workbench?.page, 'editor', 'composer', error));
  });

  async function composerChecks(t: { diagnostic(message: string): void }): Promise<void> {
    const workspace = path.join(server.runDir, 'big-workspace');
    const needle = `needle-${Date.now().toString(36)}.ts`;
    const started = Date.now();
    writeBigWorkspace(workspace, FILES, needle);
    mkdirSync(path.join(workspace, 'notes'), { recursive: true });
    const picked = `picked-${Date.now().toString(36)}`;
    writeFileSync(path.join(workspace, 'notes', 'picked.txt'), `${picked}\nsecond line\n`);
    writeFileSync(path.join(workspace, 'notes', 'dropped.md'), '# Dropped from the explorer\n');
    // A link in the workspace to a file outside it: what a hostile repository would name README.md.
    const secret = `outside-${Date.now().toString(36)}`;
    writeFileSync(path.join(server.runDir, 'outside.txt'), `${secret}\n`);
    symlinkSync(path.join(server.runDir, 'outside.txt'), path.join(workspace, 'notes', 'linked.md'));
    t.diagnostic(`wrote ${FILES + 3} files in ${Date.now() - started} ms`);

    await workbench?.close();
    const opened = await openChat(server, workspace, gatewayEnv(server, gw.url, gw.token));
    workbench = opened.workbench;
    const { page, chat } = opened;
    const input = chatInput(chat);
    const tray = chat.getByRole('list', { name: 'Attached to the next message' });

    // The paperclip: VS Code's open dialog (the simple one code-server shows), the path typed.
    await chat.getByRole('button', { name: 'Attach files' }).click();
    // The dialog fills in its folder a moment after it shows: typed once it has, and checked.
    const pickedPath = path.join(workspace, 'notes', 'picked.txt');
    await until(async () => (await quickInput(page).inputValue()).endsWith('/'), 'the file dialog shows its folder', 30_000);
    await until(
      async () => {
        await quickInput(page).fill(pickedPath);
        await sleep(300);
        return (await quickInput(page).inputValue()) === pickedPath;
      },
      'the path typed into the file dialog',
      30_000,
    );
    await quickInput(page).press('Enter');
    await tray.getByText('picked.txt').waitFor({ timeout: 60_000 });

    // A pasted image: a chip with its thumbnail.
    await input.click();
    await chat.evaluate((png) => {
      const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      const box = document.querySelector('textarea');
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, PNG_BASE64);
    await tray.locator('li', { hasText: 'screenshot.png' }).locator('img.chip-thumb').waitFor({ timeout: 60_000 });

    // A drop from the explorer (a URI list the host reads) and from the OS (the file's bytes).
    const droppedUri = `file://${path.join(workspace, 'notes', 'dropped.md')}`;
    // (No named functions inside: tsx would wrap them in a helper the page does not have. No
    // `dragover` either: VS Code's webview host would put up its drop overlay over the page.)
    await chat.evaluate((uri) => {
      const fromExplorer = new DataTransfer();
      fromExplorer.setData('text/uri-list', `# from the explorer\r\n${uri}`);
      const fromDesktop = new DataTransfer();
      fromDesktop.items.add(new File(['from the desktop\n'], 'desktop.txt', { type: 'text/plain' }));
      const box = document.querySelector('textarea');
      for (const data of [fromExplorer, fromDesktop]) {
        box.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, droppedUri);
    await tray.getByText('notes/dropped.md').waitFor({ timeout: 60_000 });
    await tray.getByText('desktop.txt').waitFor({ timeout: 60_000 });
    // The linked file is named like a workspace file, but its bytes are outside: refused with a sentence.
    await chat.evaluate(
      (uri) => {
        const data = new DataTransfer();
        data.setData('text/uri-list', uri);
        document.querySelector('textarea').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      `file://${path.join(workspace, 'notes', 'linked.md')}`,
    );
    await chat.getByRole('alert').getByText('notes/linked.md is a link to a file outside the workspace, so it is not read.').waitFor({ timeout: 60_000 });
    assert.equal(await tray.getByText('linked.md').count(), 0, 'no chip for the linked file');

    // `@` among 20,000 files: the needle is offered as its name is typed, Enter makes it a chip.
    await input.focus();
    await input.pressSequentially('Look at @needle-', { delay: 30 });
    const list = chat.getByRole('listbox');
    const needleOption = list.getByRole('option', { name: new RegExp(needle.replace('.', '\\.')) });
    await needleOption.waitFor({ timeout: 60_000 });
    assert.equal(await list.getByRole('option').count(), 1, 'one file of 20,000 has that name');
    await input.press('Enter');
    await tray.getByText(needle).waitFor({ timeout: 60_000 });
    // The sources come first for a bare `@`, and the list answers to the arrows.
    await input.pressSequentially(' and @', { delay: 30 });
    await list.getByRole('option', { name: /^@problems/ }).waitFor({ timeout: 60_000 });
    assert.ok((await list.getByRole('option').count()) >= 5, 'the sources and some files');
    await input.press('ArrowDown');
    assert.equal(await list.getByRole('option', { selected: true }).count(), 1);
    await input.press('Escape');
    await list.waitFor({ state: 'hidden', timeout: 10_000 });

    mkdirSync(ARTIFACTS, { recursive: true });
    // Screenshots with the chips and the `/` list, in the dark theme and then in the light one.
    const draft = await input.inputValue();
    await input.fill('');
    await input.pressSequentially('/', { delay: 30 });
    await list.getByRole('option', { name: /^\/status/ }).waitFor({ timeout: 60_000 });
    const commands = await list.getByRole('option').count();
    assert.ok(commands >= 10, `the gateway's commands are listed (${commands})`);
    assert.match((await list.getByRole('option', { name: /^\/status/ }).textContent()) ?? '', /status/i);
    await page.screenshot({ path: path.join(ARTIFACTS, 'composer-dark.png') });
    await input.pressSequentially('sta', { delay: 30 });
    await until(async () => (await list.getByRole('option').count()) < commands, 'the list narrows as the name is typed', 10_000);
    await setColorTheme(page, 'Default Light Modern');
    await chat.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await page.mouse.move(900, 600);
    await page.waitForTimeout(500);
    // The theme switch took the focus: the list comes back when the box is typed in again.
    await input.click();
    await input.press('End');
    await input.press('Backspace');
    await list.getByRole('option', { name: /^\/status/ }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'composer-light.png') });
    await input.press('Escape');

    // Sent without the image (the default model takes none): the message shows its chips, and the
    // picked file's content reaches the model as text.
    await tray.getByRole('button', { name: 'Remove screenshot.png' }).click();
    await input.fill(draft.replace(/ and @$/, ' please'));
    await input.press('Enter');
    const sent = chat.locator('article.msg.user').last();
    await sent.getByText(needle).waitFor({ timeout: 60_000 });
    for (const label of ['picked.txt', 'notes/dropped.md', 'desktop.txt']) await sent.getByText(label).waitFor({ timeout: 10_000 });
    await chat.locator('article.msg.assistant', { hasText: 'Echo:' }).last().waitFor({ timeout: 240_000 });
    const request = gw.modelServer.log.filter((r) => r.method === 'POST' && r.userText?.includes('Look at')).at(-1);
    const body = JSON.stringify(request?.body);
    assert.ok(body.includes(picked), 'the picked file reached the model');
    assert.ok(body.includes('found among twenty thousand'), 'the mentioned file reached the model');
    assert.ok(body.includes('Dropped from the explorer'), 'the dropped file reached the model');
    assert.ok(!body.includes(secret), 'the file behind the link did not reach the model');
    await page.screenshot({ path: path.join(ARTIFACTS, 'composer-sent-light.png') });

    // A `/` command chosen from the list runs on the gateway: its answer shows, the model is not asked.
    const answers = chat.locator('article.msg.assistant');
    const answersBefore = await answers.count();
    const modelCalls = () => gw.modelServer.log.filter((r) => r.method === 'POST').length;
    const callsBefore = modelCalls();
    await input.fill('');
    await input.pressSequentially('/stat', { delay: 30 });
    await list.getByRole('option', { name: /^\/status/ }).waitFor({ timeout: 60_000 });
    await input.press('Enter');
    await until(async () => (await input.inputValue()).trim() === '/status', 'the command in the box', 10_000);
    await input.press('Enter');
    await chat.locator('article.msg.user', { hasText: '/status' }).waitFor({ timeout: 60_000 });
    await until(async () => (await answers.count()) > answersBefore, "the gateway's answer to /status", 120_000);
    assert.equal(modelCalls(), callsBefore, '/status did not reach the model');

    // The model picker: the session's next message goes to the model chosen there.
    const picker = chat.getByRole('combobox', { name: 'Model' });
    await picker.selectOption(HARNESS_VISION_MODEL);
    await until(async () => (await picker.inputValue()) === HARNESS_VISION_MODEL, 'the picker keeps the vision model', 60_000);
    await input.fill('Which model answers now?');
    await input.press('Enter');
    await chat.locator('article.msg.assistant', { hasText: 'Which model answers now' }).waitFor({ timeout: 240_000 });
    const asked = gw.modelServer.log.filter((r) => r.method === 'POST' && r.userText?.includes('Which model answers now')).at(-1);
    assert.equal(asked?.body?.model, VISION_MODEL_ID, 'the message went to the model chosen in the picker');
  }
});
