// What the VS Code tests of the chat (editor.test.ts, sessions.test.ts) do alike in code-server:
// open a workbench with the chat shown and connected, run a command from the palette, wait on the
// page, and on a failure keep a screenshot and what the chat shows.
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';
import { sleep } from '../support/wait';

export const ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS = path.join(ROOT, '.test-artifacts');

export const chatInput = (frame: Frame) => frame.getByRole('textbox', { name: 'Message OpenClaw' });
export const hasChatInput = async (frame: Frame) => (await chatInput(frame).count()) > 0;

/** The quick input (a pick, an input box or the simple file dialog) while it is shown. */
export const quickInput = (page: Page) => page.locator('.quick-input-widget .quick-input-box input');

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const box = quickInput(page);
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  await box.fill(`>${title}`);
  await page
    .getByRole('option', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
    .first()
    .click({ timeout: 30_000 });
}

/** Polls an asynchronous check (a page's state) until it holds; fails with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(100)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

/** The extension's environment: this gateway, and none of the machine's own ~/.openclaw. */
export const gatewayEnv = (server: CodeServer, url: string, token: string) => ({
  OPENCLAW_GATEWAY_URL: url,
  OPENCLAW_GATEWAY_TOKEN: token,
  OPENCLAW_CONFIG_PATH: path.join(server.runDir, 'no-openclaw.json'),
});

/** Opens a workbench on `workspace`, shows the chat, and waits until it is connected. */
export async function openChat(server: CodeServer, workspace: string, env: Record<string, string>): Promise<{ workbench: Workbench; page: Page; chat: Frame }> {
  const workbench = await openWorkbench(server, { extensionDevelopmentPath: ROOT, workspace, extensionEnv: env });
  const { page } = workbench;
  await page
    .locator('.part.activitybar')
    .getByRole('tab', { name: /^OpenClaw/ })
    .click({ timeout: 120_000 });
  const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });
  // Connected: the header shows the session's model picker once hello-ok and models.list are in.
  await page.getByRole('button', { name: /^OpenClaw: Connected/ }).waitFor({ timeout: 240_000 });
  return { workbench, page, chat };
}

/** On a failure: a screenshot named `<prefix>-failure-<name>.png` and what the chat shows, then the error. */
export async function withChatShown(page: Page | undefined, prefix: string, name: string, error: unknown): Promise<never> {
  if (page) {
    await page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-failure-${name}.png`) }).catch(() => undefined);
    const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 5000 }).catch(() => undefined);
    const shown = await chat
      ?.locator('body')
      .innerText()
      .catch(() => '');
    throw new Error(`${(error as Error).message}\n--- the chat shows:\n${shown?.slice(-3000) ?? '(no chat)'}`, { cause: error });
  }
  throw error;
}
