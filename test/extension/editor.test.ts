/**
 * The composer and the Sessions view in a real VS Code (code-server, driven by Playwright and
 * Debian's Chromium), one code-server for both:
 *
 * - composer, against the real openclaw gateway, in a workspace of 20,000 files the test writes:
 *   the paperclip opens VS Code's own file dialog (driven as a person does: the path typed, Enter),
 *   a pasted image and two drops (a synthetic `paste` and `drop` with a DataTransfer dispatched in
 *   the chat page: Playwright cannot put an image on the system clipboard of a headless browser,
 *   and VS Code covers webviews with an overlay while the explorer drags, so a drag from the
 *   explorer does not reach the page's own drop handler here; the drop carries what the explorer
 *   puts in a drag, a `text/uri-list` of the file, and what the OS puts, a File), `@` a file among
 *   the 20,000, the `/` list from `commands.list`, screenshots in a dark and a light theme, the
 *   message sent with its chips, whose file content reaches the model, `/status` chosen from the
 *   list and answered by the gateway, and the model picker choosing the model of the next message;
 * - sessions, against tools/fake-gateway.ts (a session of 1,000 messages would take the real
 *   gateway 500 turns to build): rename with F2 in the tree, Search Sessions opening the session
 *   at the hit, Export into an untitled editor and into a workspace file (a path outside the
 *   workspace refused), and Load earlier while scrolled keeping what is read in place.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { BIG_SESSION, gatewayHistory } from '../../bench/lib/big-data';
import { setColorTheme } from '../../tools/code-server/prompts';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';
import { FakeGateway } from '../../tools/fake-gateway';
import { HARNESS_VISION_MODEL } from '../../tools/gateway/config';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { VISION_MODEL_ID } from '../../tools/gateway/model-server';
import { sleep, waitFor } from '../support/wait';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');
const FILES = 20_000;
/** A 16x16 PNG (a red square), the pasted "screenshot". */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAGklEQVR4nGP4z8BAEmIY1TCqYVTDqIahqgEAPGL/AbxKa30AAAAASUVORK5CYII=';

// Only so that the functions run in the chat page type-check here (the tests' tsconfig has no DOM).
declare const document: any;
declare const DataTransfer: any;
declare const File: any;
declare const ClipboardEvent: any;
declare const DragEvent: any;
declare const Event: any;
declare const window: any;
declare const requestAnimationFrame: (callback: () => void) => number;

const chatInput = (frame: Frame) => frame.getByRole('textbox', { name: 'Message OpenClaw' });
const hasChatInput = async (frame: Frame) => (await chatInput(frame).count()) > 0;

/** Runs a command from the Command Palette by its title. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  await box.fill(`>${title}`);
  await page
    .getByRole('option', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
    .first()
    .click({ timeout: 30_000 });
}

/** Polls an asynchronous check (a page's state) until it holds; fails with `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(100)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

/** The quick input (a pick, an input box or the simple file dialog) while it is shown. */
const quickInput = (page: Page) => page.locator('.quick-input-widget .quick-input-box input');

/** Writes `count` small files in nested folders, with one known needle among them. */
function writeBigWorkspace(dir: string, count: number, needle: string): void {
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, `pkg-${i % 40}`, `mod-${Math.floor(i / 40) % 25}`);
    if (i < 1000) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file-${i}.ts`), `export const value${i} = ${i};\n`);
  }
  writeFileSync(path.join(dir, 'pkg-7', 'mod-3', needle), 'export const needle = "found among twenty thousand";\n');
}

describe('the composer and the Sessions view in a real VS Code', { timeout: 30 * 60_000 }, () => {
  let gw: GatewayHandle;
  let fake: FakeGateway;
  let server: CodeServer;
  let workbench: Workbench | undefined;

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    gw = await startGateway();
    fake = await new FakeGateway({ token: 'fake-token' }).start();
    server = await startCodeServer({ runDir: freshRunDir(path.join(ARTIFACTS, 'editor')), colorTheme: 'Default Dark Modern' });
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    await fake?.stop();
    await gw?.dispose();
  });

  const envFor = (url: string, token: string) => ({
    OPENCLAW_GATEWAY_URL: url,
    OPENCLAW_GATEWAY_TOKEN: token,
    // Not the machine's own ~/.openclaw: only what this test set up.
    OPENCLAW_CONFIG_PATH: path.join(server.runDir, 'no-openclaw.json'),
  });

  async function openChat(workspace: string, env: Record<string, string>): Promise<{ page: Page; chat: Frame }> {
    await workbench?.close();
    workbench = await openWorkbench(server, { extensionDevelopmentPath: ROOT, workspace, extensionEnv: env });
    const { page } = workbench;
    await page
      .locator('.part.activitybar')
      .getByRole('tab', { name: /^OpenClaw/ })
      .click({ timeout: 120_000 });
    const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });
    // Connected: the header shows the session's model picker once hello-ok and models.list are in.
    await page.getByRole('button', { name: /^OpenClaw: Connected/ }).waitFor({ timeout: 240_000 });
    return { page, chat };
  }

  /** On a failure: a screenshot and what the chat shows, to see what went wrong. */
  async function onFailure(name: string, error: unknown): Promise<never> {
    const page = workbench?.page;
    if (page) {
      await page.screenshot({ path: path.join(ARTIFACTS, `editor-failure-${name}.png`) }).catch(() => undefined);
      const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 5000 }).catch(() => undefined);
      const shown = await chat
        ?.locator('body')
        .innerText()
        .catch(() => '');
      throw new Error(`${(error as Error).message}\n--- the chat shows:\n${shown?.slice(-3000) ?? '(no chat)'}`, { cause: error });
    }
    throw error;
  }

  it('attaches by picker, paste and drop, mentions a file among 20,000, runs a / command from the list, picks the model, in both themes', async (t) => {
    await composerChecks(t).catch((error) => onFailure('composer', error));
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
    t.diagnostic(`wrote ${FILES + 3} files in ${Date.now() - started} ms`);

    const { page, chat } = await openChat(workspace, envFor(gw.url, gw.token));
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

  it('renames with F2, finds a message with Search Sessions, exports, and loads an earlier page when scrolled up', async () => {
    await sessionChecks().catch((error) => onFailure('sessions', error));
  });

  async function sessionChecks(): Promise<void> {
    const workspace = path.join(server.runDir, 'sessions-workspace');
    mkdirSync(workspace, { recursive: true });
    const renameKey = 'agent:main:rename-me';
    const word = `zanzibar${Date.now().toString(36)}`;
    fake.sessions.set(renameKey, { key: renameKey, sessionId: 'rename-me-id', updatedAt: Date.now(), derivedTitle: 'Plan the release', model: 'fake-model' });
    const rows: Array<[string, string]> = [
      ['user', 'First question'],
      ['assistant', 'First answer'],
      ['user', `Where is ${word}?`],
      ['assistant', `${word} is an island.`],
      ['user', 'Last question'],
      ['assistant', 'Last answer'],
    ];
    for (const [role, text] of rows) fake.sessionStore.addRow(renameKey, { role, content: [{ type: 'text', text }], timestamp: Date.now() });
    fake.sessions.set(BIG_SESSION, {
      key: BIG_SESSION,
      sessionId: 'long-id',
      updatedAt: Date.now() - 60_000,
      derivedTitle: 'A very long session',
      model: 'fake-model',
    });
    fake.history.set(BIG_SESSION, gatewayHistory(1000));

    const { page, chat } = await openChat(workspace, envFor(fake.url, 'fake-token'));
    await setColorTheme(page, 'Default Dark Modern');

    // Rename: the row (which opens its session; the chat page then takes the focus as it loads),
    // the row again to focus the tree, F2, the new name.
    const row = page.getByRole('treeitem', { name: /^Plan the release/ });
    await row.click({ timeout: 60_000 });
    await chat.locator('.session-title', { hasText: 'Plan the release' }).waitFor({ timeout: 60_000 });
    await chat.locator('.log[aria-busy="false"]').waitFor({ timeout: 60_000 });
    // F2 goes where the focus is: a chat page still loading can take it back from the tree, so the
    // row is clicked and F2 pressed again until the rename box is up.
    const renameBoxUp = async () => (await quickInput(page).isVisible()) && (await quickInput(page).inputValue()) === 'Plan the release';
    await until(
      async () => {
        if (await renameBoxUp()) return true;
        await row.click();
        await until(async () => (await row.getAttribute('class'))?.includes('focused') ?? false, 'the row has the focus', 10_000).catch(() => undefined);
        await page.keyboard.press('F2');
        await quickInput(page)
          .waitFor({ state: 'visible', timeout: 5000 })
          .catch(() => undefined);
        return renameBoxUp();
      },
      'the rename box shows the current name',
      120_000,
    );
    await quickInput(page).fill('Release notes for 2.0');
    await quickInput(page).press('Enter');
    await page.getByRole('treeitem', { name: /^Release notes for 2\.0/ }).waitFor({ timeout: 30_000 });
    assert.equal(fake.sessions.get(renameKey)?.label, 'Release notes for 2.0', 'sessions.patch reached the gateway');

    // Search: the hit opens the session at the message, highlighted.
    await runCommand(page, 'OpenClaw: Search Sessions…');
    // The palette closes and the search opens in the same widget: keys typed in between are lost.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Search Sessions' }).waitFor({ timeout: 30_000 });
    await quickInput(page).fill(word);
    const hit = page.getByRole('option', { name: new RegExp(`Where is ${word}`) });
    await hit.waitFor({ timeout: 30_000 });
    await hit.click();
    const revealed = chat.locator('article.msg.is-revealed', { hasText: `Where is ${word}?` });
    await revealed.waitFor({ timeout: 30_000 });
    assert.equal((await chat.locator('.session-title').textContent())?.trim(), 'Release notes for 2.0');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sessions-search-hit.png') });

    // Export into an untitled editor: the Markdown of the session.
    await runCommand(page, 'OpenClaw: Export Session to Markdown');
    await page
      .getByRole('option', { name: /Release notes for 2\.0/ })
      .first()
      .click({ timeout: 30_000 });
    await page.getByRole('option', { name: /^Open in a new editor/ }).click({ timeout: 30_000 });
    const editor = page.locator('.editor-instance .view-lines').first();
    await editor.getByText('# Release notes for 2.0').waitFor({ timeout: 60_000 });
    await editor.getByText(`${word} is an island.`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sessions-export-editor.png') });

    // Export into the workspace: a path outside it is refused, the one proposed is written.
    const outside = path.join(server.runDir, 'outside-export.md');
    const exportToFile = async (target?: string) => {
      await runCommand(page, 'OpenClaw: Export Session to Markdown');
      await page
        .getByRole('option', { name: /Release notes for 2\.0/ })
        .first()
        .click({ timeout: 30_000 });
      await page.getByRole('option', { name: /^Save as a file in the workspace/ }).click({ timeout: 30_000 });
      await until(async () => (await quickInput(page).inputValue()).endsWith('.md'), 'the save dialog proposes a file name', 30_000);
      if (target) await quickInput(page).fill(target);
      await page.waitForTimeout(300);
      await quickInput(page).press('Enter');
    };
    await exportToFile(outside);
    // The refusal is an error notification: a toast, or (when VS Code put the toast away at once, as
    // it may while the quick input closes) an item of the notification center.
    const refusal = page.locator('.notification-list-item', { hasText: 'is outside the workspace' }).first();
    if (
      !(await refusal.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await runCommand(page, 'Notifications: Show Notifications');
      await refusal.waitFor({ timeout: 30_000 });
    }
    assert.match(
      (await refusal.textContent()) ?? '',
      /Could not export “Release notes for 2\.0”: .*outside-export\.md is outside the workspace \(sessions-workspace\)/,
    );
    await page.keyboard.press('Escape');
    assert.ok(!existsSync(outside), 'nothing written outside the workspace');
    await exportToFile();
    const written = path.join(workspace, 'release-notes-for-2-0.md');
    // Read once whole: the file may exist a moment before its content is in.
    await waitFor(() => existsSync(written) && readFileSync(written, 'utf8').includes('is an island.'), 'the export is written in the workspace', 30_000);
    assert.match(readFileSync(written, 'utf8'), new RegExp(`^# Release notes for 2\\.0\\n[\\s\\S]*${word} is an island\\.`));
    await page.getByRole('tab', { name: /^release-notes-for-2-0\.md/ }).waitFor({ timeout: 30_000 });

    // Load earlier: the long session opens with its latest 200 messages; scrolled up, older pages
    // come in above without moving the message being read.
    await page.getByRole('treeitem', { name: /^A very long session/ }).click();
    await chat.locator('.log > .earlier').waitFor({ timeout: 60_000 });
    await chat.locator('.log[aria-busy="false"]').waitFor({ timeout: 60_000 });
    const before = await chat.locator('.log .msg').count();
    const requestsBefore = fake.requests('chat.history').length;
    // Scrolled near the top, the next older page is asked for and comes in above, and the message
    // being read stays where it is. The message is marked in the same task that scrolls (before the
    // host can answer), and found again once the page is built and the layout has settled.
    const scrollAndMark = () =>
      chat.evaluate(() => {
        const log = document.querySelector('.log');
        log.scrollTop = 150;
        const top = log.getBoundingClientRect().top;
        for (const el of document.querySelectorAll('[data-reading]')) delete el.dataset.reading;
        const reading = [...log.querySelectorAll('.msg')].find((el) => el.getBoundingClientRect().bottom > top + 1);
        reading.dataset.reading = '';
        const at = { top: reading.getBoundingClientRect().top - top, scrollTop: log.scrollTop, scrollHeight: log.scrollHeight };
        log.dispatchEvent(new Event('scroll'));
        return at;
      });
    let marked = await scrollAndMark();
    for (let attempt = 0; attempt < 3 && (await chat.locator('.log .msg').count()) === before; attempt++) {
      await until(async () => (await chat.locator('.log .msg').count()) > before, 'an older page is added', 30_000).catch(() => undefined);
      if ((await chat.locator('.log .msg').count()) === before) marked = await scrollAndMark();
    }
    await chat.locator('.log[aria-busy="false"]').waitFor({ timeout: 60_000 });
    // Two frames after the page is built: what a content-visibility estimate changes is laid out by then.
    await chat.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    const after = await chat.evaluate(() => {
      const log = document.querySelector('.log');
      const reading = log.querySelector('[data-reading]');
      return {
        top: reading.getBoundingClientRect().top - log.getBoundingClientRect().top,
        scrollTop: log.scrollTop,
        scrollHeight: log.scrollHeight,
        dpr: window.devicePixelRatio,
        size: `${log.clientWidth}x${log.clientHeight}`,
      };
    });
    assert.ok(Math.abs(after.top - marked.top) < 3, `the message being read stayed where it was: ${JSON.stringify({ before: marked, after })}`);
    assert.ok((await chat.locator('.log .msg').count()) > before, 'older messages were loaded');
    assert.ok(fake.requests('chat.history').length > requestsBefore, 'asked the gateway for the older page');
    await chat.locator('.log[aria-busy="false"]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sessions-earlier-dark.png') });
  }
});
