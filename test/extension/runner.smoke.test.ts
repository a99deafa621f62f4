// Proof that the code-server driver (tools/code-server/) works end to end: code-server runs the
// throwaway fixture extension (test/extension/fixture) and its in-host mocha suite, and Playwright
// drives the fixture's webview in the same page. Slow (about a minute, more on first run: it installs
// code-server and chromium). Run with: npx tsx --test test/extension/runner.smoke.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { processGroupMembers } from '../../tools/code-server/process-group';
import { setColorTheme } from '../../tools/code-server/prompts';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');
const FIXTURE = path.join(__dirname, 'fixture');
const SUITE = path.join(FIXTURE, 'suite', 'index.js');
const MOCHA_PASS_LINE = /^\s*1 passing \(\d+m?s\)\s*$/;

/** The fixture's chat input, by its accessible name (as a screen reader would find it). */
const chatInput = (frame: Frame) => frame.getByRole('textbox', { name: 'Message OpenClaw' });
const hasChatInput = async (frame: Frame) => (await chatInput(frame).count()) > 0;

/** Total RSS (MiB) of every process below this one: code-server, its extension hosts, chromium. */
function descendantsRssMiB(): number {
  const parentOf = new Map<number, number>();
  const rssKiB = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      parentOf.set(Number(name), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]));
      rssKiB.set(Number(name), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
    } catch {
      // exited meanwhile
    }
  }
  const isBelowUs = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, kib] of rssKiB) if (isBelowUs(pid)) total += kib;
  return Math.round(total / 1024);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

describe('code-server runner', { timeout: 15 * 60_000 }, () => {
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let workspace: string;

  before(async () => {
    const runDir = freshRunDir(path.join(ARTIFACTS, 'runner-smoke'));
    workspace = path.join(runDir, 'workspace');
    mkdirSync(workspace);
    const started = Date.now();
    // First use installs code-server and chromium (minutes); afterwards this is well under a second.
    server = await startCodeServer({ runDir, colorTheme: 'Default Dark Modern' });
    process.stderr.write(`code-server up on ${server.url} in ${seconds(started)} (install included if it ran)\n`);
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
  });

  it('runs the in-host suite to exit code 0; the page outlives it but the webview does not', async (t) => {
    const started = Date.now();
    workbench = await openWorkbench(server!, { extensionDevelopmentPath: FIXTURE, extensionTestsPath: SUITE, workspace });
    assert.equal(await workbench.exitCode, 0, workbench.logs.join('\n'));
    t.diagnostic(`suite run (page load to exit) ${seconds(started)}`);
    assert.ok(
      workbench.logs.some((line) => MOCHA_PASS_LINE.test(line)),
      `no mocha pass line in:\n${workbench.logs.join('\n')}`,
    );

    // The suite showed the chat view, but VS Code stopped the extension host at exit and removed
    // the webview with it. The workbench itself stays interactive.
    await assert.rejects(findWebviewFrame(workbench.page, hasChatInput, { timeoutMs: 2_000 }));
    await workbench.page.keyboard.press('F1');
    await workbench.page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 10_000 });
    await workbench.close();
    workbench = undefined;
  });

  it('drives the webview while the suite holds the extension host open, in dark and light', async (t) => {
    const started = Date.now();
    workbench = await openWorkbench(server!, { extensionDevelopmentPath: FIXTURE, extensionTestsPath: SUITE, workspace, holdSuite: true });
    await workbench.waitForLog(/holding for the UI phase/, 120_000);
    t.diagnostic(`host checks done ${seconds(started)} after page load; RSS of all processes ${descendantsRssMiB()} MiB`);
    assert.ok(
      workbench.logs.some((line) => MOCHA_PASS_LINE.test(line)),
      `no mocha pass line in:\n${workbench.logs.join('\n')}`,
    );

    const chat = await findWebviewFrame(workbench.page, hasChatInput);
    const input = chatInput(chat);
    await input.fill('Hello from Playwright');
    await input.press('Enter');
    // The reply comes from the extension host, so this proves the host is alive and wired up.
    await chat.locator('output').filter({ hasText: 'host: Hello from Playwright' }).waitFor({ timeout: 10_000 });
    await input.fill('What does the dark theme look like?');
    await chat.locator('body.vscode-dark').waitFor({ timeout: 10_000 });
    await workbench.page.screenshot({ path: path.join(ARTIFACTS, 'runner-smoke-dark.png') });

    await setColorTheme(workbench.page, 'Default Light Modern');
    // Webviews get the theme through their body class and CSS variables, a moment after the workbench.
    await chat.locator('body.vscode-light').waitFor({ timeout: 10_000 });
    await input.fill('And the light theme?');
    await workbench.page.screenshot({ path: path.join(ARTIFACTS, 'runner-smoke-light.png') });

    workbench.releaseSuite();
    assert.equal(await workbench.exitCode, 0, workbench.logs.join('\n'));
    assert.ok(workbench.logs.includes('[fixture] released'));
    t.diagnostic(`whole run incl. UI phase ${seconds(started)}`);
    await workbench.close();
    workbench = undefined;
  });

  it("reports a failing suite as exit code 1, with mocha's failure in the log", async () => {
    workbench = await openWorkbench(server!, {
      extensionDevelopmentPath: FIXTURE,
      extensionTestsPath: SUITE,
      workspace,
      extensionEnv: { FIXTURE_FAIL: '1' },
    });
    assert.equal(await workbench.exitCode, 1);
    assert.ok(
      workbench.logs.some((line) => /^\s*1 failing\s*$/.test(line)),
      workbench.logs.join('\n'),
    );
    assert.ok(workbench.logs.some((line) => line.includes('failing on purpose (FIXTURE_FAIL is set)')));
    await workbench.close();
    workbench = undefined;
  });

  it('stop() leaves no process of the server group behind', async () => {
    const pgid = server!.pid;
    assert.ok(processGroupMembers(pgid).length > 0, 'the server group is alive before stop()');
    await server!.stop();
    assert.deepEqual(processGroupMembers(pgid), []);
    server = undefined;
  });
});
