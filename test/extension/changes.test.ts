/**
 * What the agent changed, in a real VS Code (code-server, Playwright, Debian's Chromium) against
 * the real gateway, whose agent workspace is the folder VS Code opens: the offline model edits a
 * file (EDITFILE), the chat shows the diff under the tool card, Open Diff opens VS Code's own diff
 * editor with the file's before on the left and the real file on the right (checked by the tab's
 * title and both sides' text), Revert all refuses while the file has unsaved edits in its editor
 * (and writes nothing), then, the edit undone, puts back the exact bytes. One code-server start.
 *
 *   npm run build && npx tsx --test test/extension/changes.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { FILE_CONTENT } from '../../tools/gateway/model-server';
import { answerTrustPrompt } from '../../tools/code-server/prompts';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');
/** The file the agent edits: a CRLF-free text without a newline at its end, to be put back byte for byte. */
const BEFORE = `${FILE_CONTENT}last line without a newline`;

const chatInput = (frame: Frame) => frame.getByRole('textbox', { name: 'Message OpenClaw' });
const hasChatInput = async (frame: Frame) => (await chatInput(frame).count()) > 0;

/** The text of one side of the diff editor, line by line as Monaco renders it (non-breaking spaces as spaces). */
async function diffSide(page: Page, side: 'original' | 'modified'): Promise<string> {
  const lines = await page.locator(`.monaco-diff-editor .editor.${side} .view-lines .view-line`).evaluateAll((els) =>
    els.map((el) => ({
      top: parseFloat((el as unknown as { style: { top: string } }).style.top || '0'),
      text: (el.textContent ?? '').replace(/\u00a0/g, ' '),
    })),
  );
  return lines
    .sort((a, b) => a.top - b.top)
    .map((l) => l.text)
    .join('\n');
}

describe('reviewing the agent’s changes in a real VS Code', { timeout: 20 * 60_000 }, () => {
  let gw: GatewayHandle;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let workspace: string;

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    gw = await startGateway();
    workspace = path.join(gw.stateDir, 'workspace');
    writeFileSync(path.join(workspace, 'review.txt'), BEFORE);
    server = await startCodeServer({ runDir: freshRunDir(path.join(ARTIFACTS, 'changes')), colorTheme: 'Default Dark Modern', workspaceTrust: true });
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    await gw?.dispose();
  });

  it('Open Diff shows the file before the edit against the real file, and Revert all puts back its exact bytes', async () => {
    workbench = await openWorkbench(server!, {
      extensionDevelopmentPath: ROOT,
      workspace,
      extensionEnv: {
        OPENCLAW_GATEWAY_URL: gw.url,
        OPENCLAW_GATEWAY_TOKEN: gw.token,
        OPENCLAW_CONFIG_PATH: path.join(server!.runDir, 'no-openclaw.json'),
      },
    });
    const { page } = workbench;
    await answerTrustPrompt(page, true);
    await page
      .locator('.part.activitybar')
      .getByRole('tab', { name: /^OpenClaw/ })
      .click({ timeout: 60_000 });
    const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });

    await chatInput(chat).fill('EDITFILE `review.txt`');
    await chatInput(chat).press('Enter');
    const diff = chat.locator('.tool-card .file-diff', { hasText: 'review.txt' });
    await diff.waitFor({ timeout: 240_000 });
    const changes = chat.locator('section.changes');
    await changes.waitFor({ timeout: 240_000 });
    assert.equal(readFileSync(path.join(workspace, 'review.txt'), 'utf8'), BEFORE.replace('hello', 'goodbye'), 'the agent edited the file');
    assert.deepEqual(await diff.locator('.diff-line-del').allTextContents(), ['-hello from the fake model']);
    assert.deepEqual(await diff.locator('.diff-line-add').allTextContents(), ['+goodbye from the fake model']);
    assert.equal(await diff.locator('.diff-readonly').count(), 0, 'the agent workspace is the open folder: not read-only');
    assert.equal(await changes.locator('.changes-title').textContent(), '1 file changed +1 \u22121');
    mkdirSync(ARTIFACTS, { recursive: true });

    await diff.getByRole('button', { name: 'Open Diff' }).click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'review.txt (edit: before ↔ after)' });
    await tab.waitFor({ timeout: 60_000 });
    await page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: 'goodbye from the fake model' }).waitFor({ timeout: 30_000 });
    assert.equal(await diffSide(page, 'original'), BEFORE, 'the left side is the file before the edit');
    assert.equal(await diffSide(page, 'modified'), BEFORE.replace('hello', 'goodbye'), 'the right side is the file as it is');
    assert.match((await tab.getAttribute('title')) ?? (await tab.getAttribute('aria-label')) ?? '', /review\.txt/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'changes-open-diff.png') });

    // An unsaved edit in the file's editor (the diff's right side is the real file): the revert reads
    // the buffer, not the disk, and refuses rather than throw the person's typing away.
    const agentText = BEFORE.replace('hello', 'goodbye');
    const modifiedLine = page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: 'goodbye from the fake model' });
    await modifiedLine.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' and mine');
    await page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: 'and mine' }).waitFor({ timeout: 30_000 });
    await changes.getByRole('button', { name: 'Revert all' }).click();
    const refusal = changes.locator('.diff-error');
    await refusal.waitFor({ timeout: 60_000 });
    assert.match((await refusal.textContent()) ?? '', /review\.txt changed after the turn \(or has unsaved edits\): it was not reverted/);
    assert.equal(await changes.locator('.changes-state').count(), 0, 'still waiting for a decision');
    assert.equal(readFileSync(path.join(workspace, 'review.txt'), 'utf8'), agentText, 'nothing written');
    assert.match(await diffSide(page, 'modified'), /goodbye from the fake model and mine/, 'the unsaved edit is still there');
    await page.screenshot({ path: path.join(ARTIFACTS, 'changes-refused-unsaved.png') });
    // Undo the typing: the buffer is the agent's text again, and now the revert goes through.
    await modifiedLine.click();
    // Monaco undoes typing a word at a time; undoing past the first edit does nothing, so a press
    // read before the editor has repainted costs nothing.
    for (let i = 0; i < 40 && (await diffSide(page, 'modified')) !== agentText; i++) await page.keyboard.press('Control+Z');
    assert.equal(await diffSide(page, 'modified'), agentText);

    await changes.getByRole('button', { name: 'Revert all' }).click();
    await changes.locator('.changes-state', { hasText: 'Reverted' }).waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 30_000;
    while (readFileSync(path.join(workspace, 'review.txt'), 'utf8') !== BEFORE && Date.now() < deadline) await page.waitForTimeout(200);
    assert.deepEqual(readFileSync(path.join(workspace, 'review.txt')), Buffer.from(BEFORE), 'the exact bytes from before the turn');
    await page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: 'hello from the fake model' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'changes-reverted.png') });
  });
});
