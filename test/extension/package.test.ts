// The packaged extension, as a person installs it: `node scripts/package.mjs` makes the .vsix, which
// must hold what runs and nothing else; installed into a fresh code-server (no
// extensionDevelopmentPath: only what the .vsix carries is loaded) it activates, finds the real
// OpenClaw gateway from OPENCLAW_GATEWAY_URL / OPENCLAW_GATEWAY_TOKEN alone, and chats.
// Slow (about a minute; minutes more on first run, which installs code-server, chromium, openclaw).
// Run with: npx tsx --test test/extension/package.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { installVsix } from '../../tools/code-server/install';
import { processGroupMembers } from '../../tools/code-server/process-group';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');

interface PackageScript {
  vsixPath(): string;
  listZipEntries(file: string): { name: string; size: number }[];
}

// scripts/package.mjs is untyped ESM shared with `npm run package`; a computed specifier keeps it
// out of the TypeScript program (as tools/code-server/ does with the installer).
function packageScript(): Promise<PackageScript> {
  return import(pathToFileURL(path.join(ROOT, 'scripts', 'package.mjs')).href) as Promise<PackageScript>;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

describe('packaged extension (.vsix)', { timeout: 40 * 60_000 }, () => {
  let vsix: string;
  let entries: string[];
  let gateway: GatewayHandle | undefined;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  before(async () => {
    const started = Date.now();
    const script = await packageScript();
    vsix = script.vsixPath();
    // The command people run, as they run it; its summary goes to stdout, vsce's chatter to stderr.
    const stdout = execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.ok(existsSync(vsix), `no ${vsix} after packaging; output:\n${stdout}`);
    entries = script.listZipEntries(vsix).map((entry) => entry.name);
    process.stderr.write(`packaged ${path.basename(vsix)} in ${seconds(started)}\n`);
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    await gateway?.dispose();
  });

  it('holds the bundles, the stylesheet, the icon and the manifest, and no sources', () => {
    for (const file of ['dist/extension.js', 'dist/webview.js', 'dist/chat.css', 'media/openclaw.svg', 'package.json']) {
      assert.ok(entries.includes(`extension/${file}`), `extension/${file} missing from the .vsix:\n${entries.join('\n')}`);
    }
    // vsce's own records, then everything else under extension/.
    assert.ok(entries.includes('extension.vsixmanifest'));
    const unwanted = entries.filter(
      (name) => /^extension\/(src|test|webview|scripts|bench|node_modules|\.cache|\.test-artifacts)\//.test(name) || /\.(map|ts)$/.test(name),
    );
    assert.deepEqual(unwanted, [], `the .vsix carries files that do not run:\n${unwanted.join('\n')}`);
  });

  it('installs into a fresh code-server, activates and chats with the real gateway', async (t) => {
    let since = Date.now();
    gateway = await startGateway();
    t.diagnostic(`gateway openclaw@${gateway.version} ready in ${seconds(since)}`);

    const runDir = freshRunDir(path.join(ARTIFACTS, 'package-test'));
    const workspace = path.join(runDir, 'workspace');
    mkdirSync(workspace);
    since = Date.now();
    const installed = await installVsix({ runDir }, vsix);
    assert.match(installed, /was successfully installed/, installed);
    assert.ok(
      readdirSync(path.join(runDir, 'extensions')).some((name) => name.startsWith('openclaw-community.openclaw-vscode-')),
      `not in the extensions dir: ${readdirSync(path.join(runDir, 'extensions')).join(', ')}`,
    );
    server = await startCodeServer({ runDir, env: { OPENCLAW_GATEWAY_URL: gateway.url, OPENCLAW_GATEWAY_TOKEN: gateway.token } });
    t.diagnostic(`installed and code-server up in ${seconds(since)}`);

    since = Date.now();
    workbench = await openWorkbench(server, { workspace });
    const { page } = workbench;
    // The connection's status bar item shows the comment-discussion icon only once connected
    // (connecting spins a sync icon with the same "OpenClaw" text).
    const connected = page
      .locator('.part.statusbar .statusbar-item')
      .filter({ hasText: 'OpenClaw' })
      .filter({ has: page.locator('.codicon-comment-discussion') });
    await connected.waitFor({ timeout: 180_000 });
    t.diagnostic(`activated and connected ${seconds(since)} after the page opened`);

    // What a person does first: the OpenClaw entry of the activity bar opens the chat webview.
    await page
      .locator('.part.activitybar')
      .getByRole('tab', { name: /^OpenClaw/ })
      .click();
    const chat = await findWebviewFrame(page, '[aria-label="Message OpenClaw"]', { timeoutMs: 120_000 });
    const input = chat.getByRole('textbox', { name: 'Message OpenClaw' });
    const message = `packaged hello ${Date.now().toString(36)}`;
    await input.fill(message);
    await input.press('Enter');
    await chat.getByText(`Echo: ${message}`).first().waitFor({ timeout: 240_000 });
    t.diagnostic(`echo reply in the webview ${seconds(since)} after the page opened`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'package-test.png') });
  });

  it('stops code-server and the gateway without leaving a process behind', async () => {
    assert.ok(server && gateway, 'the previous test started both');
    await workbench?.close();
    workbench = undefined;
    const serverGroup = server.pid;
    const gatewayGroup = gateway.pid;
    await server.stop();
    server = undefined;
    await gateway.dispose();
    assert.deepEqual(processGroupMembers(serverGroup), [], 'code-server group');
    assert.deepEqual(processGroupMembers(gatewayGroup), [], 'gateway group');
    assert.ok(gateway.processesGone, 'a gateway helper outlived dispose()');
    gateway = undefined;
  });
});
