/**
 * The extension inside a real VS Code (code-server from npm, driven by Playwright and Debian's
 * Chromium), against the real openclaw gateway, with workspace trust on as a person has it. Each
 * workspace opened here carries a `.vscode/settings.json` that points `openclaw.gatewayUrl` at a
 * hostile `ws` server of the test: trusted or not, it must never see a connection. The in-host mocha
 * suite (suite/host.test.ts) checks activation, commands, the Sessions tree, switch and delete; then,
 * while the suite holds the extension host open, this file types into the chat webview like a
 * person would, opens a link from a reply, and takes screenshots in a dark and a light theme. The
 * gateway runs exec under `tools.exec.mode: "ask"` (only the approvals case runs a command): there an
 * approval card is clicked through in the chat, and one is decided from VS Code's notification while
 * the chat is hidden. The desktop route (@vscode/test-electron) runs the same suite where VS Code
 * can be downloaded: see run-desktop.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Frame } from 'playwright-core';
import { MemoryCredentialStore } from '../../src/gateway/credential-store';
import { GatewayClient } from '../../src/gateway/gateway-client';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { waitFor, waitForState } from '../support/wait';
import { answerTrustPrompt, setColorTheme } from '../../tools/code-server/prompts';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';
import { startHostileServer, type HostileServer } from '../support/hostile-server';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');
const SUITE_OUT = path.join(ROOT, 'out', 'test', 'extension', 'suite');

/** Runs in the chat page: keeps what it receives through postMessage. */
const RECORD_MESSAGES = `(() => {
  const inbox = (globalThis.__openclawInbox = []);
  globalThis.addEventListener('message', (event) => { try { inbox.push(JSON.stringify(event.data)); } catch {} }, true);
})()`;

/**
 * The device tokens the gateway issued, from its own state: devices/paired.json on older gateways,
 * the device_pairing_paired table of its SQLite store on 2026.9.x (read with Node 24's node:sqlite).
 */
async function deviceTokens(stateDir: string): Promise<string[]> {
  const json = path.join(stateDir, 'devices', 'paired.json');
  let rows: Array<{ tokens?: Record<string, { token?: string }> }>;
  if (existsSync(json)) {
    rows = Object.values(JSON.parse(readFileSync(json, 'utf8')));
  } else {
    const deps = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'deps', 'cache.mjs')).href)) as { ensureNode24(): string };
    const script = `const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(process.argv[1], { readOnly: true });
      console.log(JSON.stringify(db.prepare('select tokens_json from device_pairing_paired').all().map((r) => JSON.parse(r.tokens_json))));`;
    const out = execFileSync(path.join(deps.ensureNode24(), 'node'), ['-e', script, path.join(stateDir, 'state', 'openclaw.sqlite')], { encoding: 'utf8' });
    rows = (JSON.parse(out) as Array<Record<string, { token?: string }>>).map((tokens) => ({ tokens }));
  }
  return rows.flatMap((device) => Object.values(device.tokens ?? {}).map((t) => t.token ?? '')).filter(Boolean);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Which files hold which secret (by index), read as bytes so binary databases are searched too. */
function secretsIn(files: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    secrets.forEach((secret, i) => bytes.includes(secret) && found.push(`${path.relative(ROOT, file)} holds secret #${i}`));
  }
  return found;
}

const chatInput = (frame: Frame) => frame.getByRole('textbox', { name: 'Message OpenClaw' });
const hasChatInput = async (frame: Frame) => (await chatInput(frame).count()) > 0;

describe('the extension in a real VS Code, against the real gateway', { timeout: 40 * 60_000 }, () => {
  let gw: GatewayHandle;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let observer: GatewayClient | undefined;
  let hostile: HostileServer;
  const seeded = [`agent:main:vsc-a-${Date.now().toString(36)}`, `agent:main:vsc-b-${Date.now().toString(36)}`];

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'suite', 'index.ts'), path.join(__dirname, 'suite', 'host.test.ts')],
      outdir: SUITE_OUT,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha'],
      logLevel: 'warning',
    });
    // Exec under "ask", so that an EXEC turn waits for a person (the other checks run no exec).
    gw = await startGateway({ config: { tools: { exec: { mode: 'ask' } } } });
    // Sessions for the tree to list, made by a client of our own before VS Code starts.
    observer = new GatewayClient({ url: gw.url, token: gw.token, store: new MemoryCredentialStore(), clientVersion: 'test' });
    observer.start();
    await waitForState(observer, 'connected', 30_000);
    for (const key of seeded) await observer.runTurn({ sessionKey: key, message: `seed ${key}` });
    hostile = await startHostileServer();
    const runDir = freshRunDir(path.join(ARTIFACTS, 'extension'));
    server = await startCodeServer({ runDir, colorTheme: 'Default Dark Modern', workspaceTrust: true });
  });

  /** A folder whose own settings send the extension to the hostile server. */
  function hostileWorkspace(name: string): string {
    const workspace = path.join(server!.runDir, name);
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'openclaw.gatewayUrl': hostile.url, 'openclaw.trace': true }, null, 2));
    writeFileSync(path.join(workspace, 'hello.ts'), 'export const greeting = "hello";\n');
    return workspace;
  }

  const gatewayEnv = () => ({
    OPENCLAW_GATEWAY_URL: gw.url,
    OPENCLAW_GATEWAY_TOKEN: gw.token,
    // Not the machine's own ~/.openclaw: only what this test set up.
    OPENCLAW_CONFIG_PATH: path.join(server!.runDir, 'no-openclaw.json'),
  });

  after(async () => {
    await hostile?.close();
    observer?.close();
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    await gw?.dispose();
  });

  it('passes the in-host suite, streams a typed message as markdown, and Stop ends a slow turn', async (t) => {
    const workspace = hostileWorkspace('workspace');
    // Trace logging on: every frame the extension sees is logged, to be searched for secrets too.
    server!.updateUserSettings({ 'openclaw.trace': true });
    workbench = await openWorkbench(server!, {
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(SUITE_OUT, 'index.js'),
      workspace,
      holdSuite: true,
      extensionEnv: { ...gatewayEnv(), OPENCLAW_TEST_SESSIONS: seeded.join(',') },
    });
    await workbench.waitForLog(/host checks done, holding for the UI phase|\d+ failing/, 400_000);
    if (workbench.logs.some((line) => /^\s*\d+ failing/.test(line))) {
      // Give mocha a moment to print each failure, then show them.
      await workbench.waitForLog(/^\s*1\) /, 10_000).catch(() => undefined);
      await workbench.page.waitForTimeout(2000);
      const from = workbench.logs.findIndex((line) => /^\s*\d+ passing/.test(line));
      assert.fail(`the in-host suite failed:\n${workbench.logs.slice(Math.max(0, from)).join('\n')}`);
    }
    const passing = workbench.logs.find((line) => /^\s*\d+ passing/.test(line));
    t.diagnostic(`in-host suite: ${passing?.trim()}`);
    assert.ok(
      workbench.logs.some((line) => /^\s*7 passing/.test(line)),
      workbench.logs.join('\n'),
    );

    // A person types into the chat, found by its accessible name.
    const chat = await findWebviewFrame(workbench.page, hasChatInput, { timeoutMs: 120_000 });
    // From here on the chat page keeps every message it receives, to be searched for secrets.
    await chat.evaluate(RECORD_MESSAGES);
    const input = chatInput(chat);
    await input.fill('Show me MARKDOWN please');
    await input.press('Enter');
    // A fresh gateway's first reply takes 6-20 s on a quiet machine: the caps here leave room for a busy one.
    await chat.locator('h1', { hasText: 'Harness report' }).waitFor({ timeout: 180_000 });
    await chat.locator('strong', { hasText: 'matter' }).waitFor();
    await chat.locator('pre code', { hasText: 'export function add' }).waitFor();
    await chat.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout: 120_000 });

    // A slow turn: the button turns into Stop, and Stop ends the turn.
    await input.fill('SLOW please take your time');
    await input.press('Enter');
    const stop = chat.getByRole('button', { name: 'Stop' });
    await stop.waitFor({ timeout: 120_000 });
    await chat.getByText('SLOW please take your time', { exact: false }).last().waitFor();
    // Stopped once the reply streams: the gateway has stored the message by then (a Stop within its
    // first seconds on a busy machine ends the run before it stores anything).
    await chat.locator('article.msg.assistant', { hasText: 'Echo:' }).waitFor({ timeout: 120_000 });
    await stop.click();
    await chat.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout: 120_000 });
    await chat.getByText('Stopped', { exact: false }).first().waitFor({ timeout: 120_000 });

    // One name for the session everywhere: the chat header says what the Sessions view says.
    const current = workbench.page.getByRole('treeitem', { name: /, current session, / });
    const sameName = async () => {
      const header = (await chat.locator('.session-title').textContent())?.trim();
      const row = (await current.getAttribute('aria-label').catch(() => null)) ?? '';
      return header && row.startsWith(`${header}, current session`) ? header : undefined;
    };
    let shared: string | undefined;
    for (const deadline = Date.now() + 60_000; !(shared = await sameName()) && Date.now() < deadline;) await workbench.page.waitForTimeout(250);
    assert.ok(
      shared,
      `the header (${await chat.locator('.session-title').textContent()}) and the tree (${await current.getAttribute('aria-label').catch(() => '?')}) name the session alike`,
    );
    assert.doesNotMatch(shared, /^vscode-/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await workbench.page.screenshot({ path: path.join(ARTIFACTS, 'sidebar-dark.png') });
    await setColorTheme(workbench.page, 'Default Light Modern');
    await chat.locator('body.vscode-light').waitFor({ timeout: 15_000 });
    await workbench.page.waitForTimeout(500);
    await workbench.page.screenshot({ path: path.join(ARTIFACTS, 'sidebar-light.png') });

    const inbox = await chat.evaluate(() => (globalThis as unknown as { __openclawInbox?: string[] }).__openclawInbox ?? []);
    workbench.releaseSuite();
    assert.equal(await workbench.exitCode, 0, workbench.logs.join('\n'));

    // No secret in anything the webview received, any log (trace included), the settings or the
    // workspace state. The secrets: the shared token and every device token the gateway issued.
    const secrets = [gw.token, ...(await deviceTokens(gw.stateDir))];
    assert.ok(secrets.length >= 2, 'the gateway issued a device token to the extension');
    assert.ok(inbox.length >= 10, `the chat received ${inbox.length} messages`);
    assert.ok(
      inbox.some((m) => m.includes('Harness report')),
      "the inbox is the chat's own",
    );
    for (const secret of secrets) assert.ok(!inbox.some((m) => m.includes(secret)), 'no secret in any message posted to the webview');
    const logs = filesUnder(path.join(server!.runDir, 'workbench-logs')).concat(filesUnder(server!.userDataDir).filter((f) => /[\\/]logs[\\/]/.test(f)));
    const openclawLog = logs.filter((f) => /OpenClaw\.log$/.test(f));
    assert.ok(openclawLog.length > 0, `the OpenClaw output channel was written: ${logs.slice(0, 20).join(', ')}`);
    assert.ok(
      openclawLog.some((f) => readFileSync(f, 'utf8').includes('"method":"connect"')),
      'trace logging was on',
    );
    const leaks = secretsIn([...logs, ...filesUnder(path.join(server!.userDataDir, 'User'))], secrets);
    t.diagnostic(`searched ${inbox.length} webview messages and ${logs.length} log files for ${secrets.length} secrets`);
    assert.deepEqual(leaks, [], 'no secret in logs, settings or workspace state');

    // What the gateway holds: the deleted session is gone, the chat's turns are in history.
    const keys = (await observer!.listSessions()).map((s) => s.key);
    assert.ok(keys.includes(seeded[0]));
    assert.ok(!keys.includes(seeded[1]), 'deleted through the command');
    const chatSession = keys.find((k) => k.startsWith('agent:main:vscode-'));
    assert.ok(chatSession, `the chat's new session is on the gateway: ${keys}`);
    const history = await observer!.history(chatSession);
    const users = history.messages.filter((m) => m.role === 'user').map((m) => m.content);
    assert.deepEqual(users, ['Show me MARKDOWN please', 'SLOW please take your time']);
    assert.deepEqual(hostile.connections, [], "the workspace's gateway URL was never used");
  });

  // VS Code turns workspace trust off while it runs an extension's test suite, so the two cases
  // below open the extension without one, as a person would, and answer the trust prompt.
  for (const trusted of [true, false]) {
    it(`${trusted ? 'in a trusted workspace' : 'in Restricted Mode'}, ignores the workspace's gateway URL and still connects to the real gateway`, async () => {
      await workbench?.close();
      workbench = await openWorkbench(server!, {
        extensionDevelopmentPath: ROOT,
        workspace: hostileWorkspace(trusted ? 'trusted' : 'untrusted'),
        extensionEnv: gatewayEnv(),
      });
      await answerTrustPrompt(workbench.page, trusted);
      if (!trusted) await workbench.page.getByText('Restricted Mode').first().waitFor({ timeout: 30_000 });
      const status = workbench.page.getByRole('button', {
        name: new RegExp(`^OpenClaw: Connected to OpenClaw 2026\\.9\\.6 .* at ${gw.url.replace(/[.]/g, '\\.')}$`),
      });
      await status.waitFor({ timeout: 240_000 });
      assert.deepEqual(hostile.connections, [], "the workspace's gateway URL was never used");
      if (trusted) await opensLinksOnce(workbench);
      assert.deepEqual(hostile.connections, [], "the workspace's gateway URL was never used");
    });
  }

  it('an approval decided on its chat card runs the command, and one decided from the notification while the chat is hidden', async (t) => {
    await workbench?.close();
    workbench = await openWorkbench(server!, {
      extensionDevelopmentPath: ROOT,
      workspace: hostileWorkspace('approvals'),
      extensionEnv: gatewayEnv(),
    });
    const { page } = workbench;
    await answerTrustPrompt(page, true);
    const openclawTab = page.locator('.part.activitybar').getByRole('tab', { name: /^OpenClaw/ });
    await openclawTab.click({ timeout: 60_000 });
    const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });

    // A long command (folded on its card) that is safe to run: its first line is the marker.
    const marker = `approved-${Date.now().toString(36)}`;
    const steps = Array.from({ length: 12 }, (_, i) => `echo "step ${i} of a long generated script with --flags and a path /srv/work/${i}"`);
    const command = [`echo ${marker}`, ...steps].join(' && ');
    await chatInput(chat).fill(`EXEC \`${command}\``);
    await chatInput(chat).press('Enter');
    const card = chat.locator('article.card.approval');
    await card.waitFor({ timeout: 240_000 });
    await card.locator('button[data-decision="allow-once"]').waitFor({ timeout: 60_000 });
    assert.equal(await card.locator('.approval-command').textContent(), command, 'the whole command, as the agent sent it');
    assert.deepEqual(await card.locator('button[data-decision]').allTextContents(), ['Allow once', 'Deny']);
    assert.ok(await card.locator('.approval-command.is-folded').count(), 'a long command is folded');
    // Its status bar badge counts it, whether the chat shows it or not.
    const badge = page.getByRole('button', { name: 'OpenClaw: One approval or question waits for you' });
    await badge.waitFor({ timeout: 30_000 });

    // The card in both themes, the workbench's current one first (the first test left it light).
    mkdirSync(ARTIFACTS, { recursive: true });
    await card.scrollIntoViewIfNeeded();
    const light = (await chat.locator('body.vscode-light').count()) > 0;
    for (const kind of light ? ['light', 'dark'] : ['dark', 'light']) {
      if (kind !== (light ? 'light' : 'dark')) await setColorTheme(page, kind === 'light' ? 'Default Light Modern' : 'Default Dark Modern');
      // The pointer off the activity bar and the picker, so that no tooltip covers the card.
      await page.mouse.move(900, 600);
      await chat.locator(`body.vscode-${kind}`).waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
      await card.screenshot({ path: path.join(ARTIFACTS, `approval-card-${kind}.png`) });
      await page.screenshot({ path: path.join(ARTIFACTS, `approval-sidebar-${kind}.png`) });
    }

    // Allow once, clicked: the command runs and its output shows in the exec tool card.
    await card.getByRole('button', { name: 'Allow once' }).click();
    await card.locator('.card-outcome', { hasText: 'Allowed once by you' }).waitFor({ timeout: 60_000 });
    const execCard = chat.locator('details.tool').filter({ has: chat.locator('.tool-name', { hasText: 'exec' }) });
    const output = execCard.locator('.tool-result', { hasText: marker });
    await output.waitFor({ state: 'attached', timeout: 180_000 });
    assert.match((await output.textContent()) ?? '', /step 11 of a long generated script/);
    await chat.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout: 120_000 });
    await badge.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await chat.locator('article.card.approval').count(), 1, 'one card, never a duplicate');

    // The chat's session (the main one, in a workbench without a saved session), found by what was sent in it.
    let session: string | undefined;
    for (const key of (await observer!.listSessions()).map((s) => s.key)) {
      if ((await observer!.history(key)).messages.some((m) => m.role === 'user' && JSON.stringify(m.content).includes(marker))) session = key;
    }
    assert.ok(session, "the chat's session is on the gateway");
    // The chat hidden behind the Explorer: an approval in its session (asked by another client's
    // turn) comes as a notification with the same decisions, and deciding there works.
    await page
      .locator('.part.activitybar')
      .getByRole('tab', { name: /^Explorer/ })
      .click();
    const notifyingLines = (): number => {
      const logFile = filesUnder(server!.userDataDir)
        .filter((f) => /OpenClaw\.log$/.test(f))
        .sort()
        .pop();
      return logFile
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter((l) => l.endsWith(': notifying')).length
        : 0;
    };
    const notifiedBefore = notifyingLines();
    const notified = `notified-${Date.now().toString(36)}`;
    const turn = observer!.runTurn({ sessionKey: session, message: `EXEC \`echo ${notified}\`` });
    // The extension logs when it notifies: from then on the toast is VS Code's to show. Should VS Code
    // have put it away (it may, with other prompts pending), the same item is in the notification center.
    await waitFor(() => notifyingLines() > notifiedBefore, 'the extension notifies of the approval', 240_000);
    const toast = page.locator('.notification-list-item').filter({ hasText: `the agent wants to run “echo ${notified}”` });
    if (
      !(await toast.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      t.diagnostic('no toast within 15 s of the notification: deciding from the notification center');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Notifications: Show Notifications');
      await page
        .getByRole('option', { name: /^Notifications: Show Notifications/ })
        .first()
        .click();
      await toast.waitFor({ timeout: 30_000 });
    }
    await badge.waitFor({ timeout: 30_000 });
    assert.deepEqual(await toast.locator('.monaco-button').allTextContents(), ['Allow once', 'Deny', 'Show in Chat']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'approval-notification.png') });
    await toast.getByRole('button', { name: 'Allow once' }).click();
    const result = await turn;
    assert.equal(result.status, 'ok', `the turn ended: ${JSON.stringify(result)}`);
    assert.match(result.text, new RegExp(`Tool exec result: ${notified}`));
    await badge.waitFor({ state: 'detached', timeout: 30_000 });

    // Back in the chat (a new page: VS Code dropped the hidden one), its card says who decided and
    // the output is in the tool card.
    await openclawTab.click();
    const shown = await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });
    const decided = shown.locator('article.card.approval').filter({ hasText: `echo ${notified}` });
    await decided.locator('.card-outcome', { hasText: 'Allowed once by you' }).waitFor({ timeout: 60_000 });
    await shown.locator('details.tool .tool-result', { hasText: notified }).waitFor({ state: 'attached', timeout: 60_000 });
    assert.deepEqual(hostile.connections, [], "the workspace's gateway URL was never used");
  });
});

/**
 * A web link in a reply opens through one path, which asks first (VS Code refuses that prompt while
 * an extension test suite runs, so this runs in a plain workbench): Cancel opens nothing, Open opens
 * exactly one tab.
 */
async function opensLinksOnce(workbench: Workbench): Promise<void> {
  const { page, context } = workbench;
  const popups: string[] = [];
  context.on('page', (popup) => popups.push(popup.url()));
  await page
    .locator('.part.activitybar')
    .getByRole('tab', { name: /^OpenClaw/ })
    .click({ timeout: 60_000 });
  const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });
  await chatInput(chat).fill('MARKDOWN with a link');
  await chatInput(chat).press('Enter');
  const link = chat.getByRole('link', { name: 'the OpenClaw docs' });
  await link.waitFor({ timeout: 240_000 });
  const prompt = page.locator('.monaco-dialog-box').filter({ hasText: 'open the external website' });
  await link.click();
  await prompt.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await prompt.textContent()) ?? '', /https:\/\/docs\.openclaw\.ai\//, 'the prompt names the real target');
  await page.waitForTimeout(1500);
  assert.deepEqual(popups, [], 'nothing opened before the person answered');
  await prompt.getByRole('button', { name: 'Cancel' }).click();
  await prompt.waitFor({ state: 'detached' });
  await page.waitForTimeout(1500);
  assert.deepEqual(popups, [], 'Cancel opened nothing');
  await link.click();
  await prompt.getByRole('button', { name: 'Open', exact: true }).click();
  await prompt.waitFor({ state: 'detached' });
  const deadline = Date.now() + 30_000;
  while (popups.length === 0 && Date.now() < deadline) await page.waitForTimeout(100);
  await page.waitForTimeout(1500);
  assert.equal(popups.length, 1, `exactly one tab opened: ${popups.join(', ')}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'link-opened.png') });
}
