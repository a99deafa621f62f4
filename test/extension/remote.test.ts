/**
 * Several gateways and a remote one, in a real VS Code (code-server, driven by Playwright and
 * Debian's Chromium): the switcher, the certificate trust prompt and the pairing wait, as a
 * person meets them, with screenshots in .test-artifacts/.
 *
 *   npm run build && npx tsx --test test/extension/remote.test.ts
 *
 * Two gateways of the test (tools/fake-gateway.ts, which behaves as the recorded gateway; the real
 * one over wss:// and across a network namespace is test/gateway/remote.test.ts): "local" on
 * ws://127.0.0.1 with a token, found by discovery; "remote" on wss:// with a self-signed certificate
 * the test makes, which wants every new device approved, as a gateway reached from another computer
 * does. The person adds the remote one with OpenClaw: Switch Gateway…, trusts its certificate from
 * the chat's banner (the modal shows the SHA-256 fingerprint), sees the pairing wait with the
 * request id, approves it on the "gateway host" and clicks I Approved It; then switches back to the
 * local one from the status bar. Neither gateway ever sees the other's token.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { FakeGateway } from '../../tools/fake-gateway';
import { makeSelfSignedCert, type SelfSignedCert } from '../../tools/self-signed-cert';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import { findWebviewFrame } from '../../tools/code-server/webview-frame';
import { openWorkbench, type Workbench } from '../../tools/code-server/workbench';
import { waitFor } from '../support/wait';
import { runCommand } from './chat-workbench';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');
const LOCAL_TOKEN = 'local-token-0123456789abcdef';

const chatInput = (frame: Frame) => frame.getByRole('textbox', { name: 'Message OpenClaw' });
const hasChatInput = async (frame: Frame) => (await chatInput(frame).count()) > 0;

describe('several gateways and a remote one, in a real VS Code', { timeout: 20 * 60_000 }, () => {
  let local: FakeGateway;
  let remote: FakeGateway;
  let cert: SelfSignedCert;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  before(async () => {
    cert = makeSelfSignedCert(['127.0.0.1']);
    local = await new FakeGateway({ token: LOCAL_TOKEN }).start();
    remote = await new FakeGateway({ tls: cert, requirePairing: true }).start();
    const runDir = freshRunDir(path.join(ARTIFACTS, 'remote'));
    server = await startCodeServer({ runDir, colorTheme: 'Default Dark Modern' });
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    await local?.stop();
    await remote?.stop();
  });

  it('adds a wss:// gateway with Switch Gateway…, trusts its certificate, waits for pairing, and switches back', async () => {
    const workspace = path.join(server!.runDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(path.join(workspace, 'hello.ts'), 'export const greeting = "hello";\n');
    workbench = await openWorkbench(server!, {
      extensionDevelopmentPath: ROOT,
      workspace,
      extensionEnv: {
        OPENCLAW_GATEWAY_URL: local.url,
        OPENCLAW_GATEWAY_TOKEN: LOCAL_TOKEN,
        OPENCLAW_CONFIG_PATH: path.join(server!.runDir, 'no-openclaw.json'),
      },
    });
    const { page } = workbench;
    mkdirSync(ARTIFACTS, { recursive: true });
    const status = (pattern: RegExp) => page.getByRole('button', { name: pattern });
    await status(/^OpenClaw: Connected to OpenClaw .* at ws:\/\/127\.0\.0\.1/).waitFor({ timeout: 240_000 });
    await page
      .locator('.part.activitybar')
      .getByRole('tab', { name: /^OpenClaw/ })
      .click({ timeout: 60_000 });
    await findWebviewFrame(page, hasChatInput, { timeoutMs: 120_000 });

    // The switcher: the discovered gateway, and Add Gateway….
    await runCommand(page, 'OpenClaw: Switch Gateway…');
    await page.getByRole('option', { name: /Default \(from OPENCLAW_GATEWAY_URL\)/ }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'remote-switcher.png') });
    await page.getByRole('option', { name: /Add Gateway/ }).click();
    const input = page.locator('.quick-input-widget input');
    await input.fill(remote.url);
    await input.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'A name for it in the list' }).waitFor({ timeout: 30_000 });
    await input.fill('Home server');
    await input.press('Enter');

    // The certificate is not trusted: the chat says so, with its fingerprint, and nothing was sent.
    const chat = await findWebviewFrame(page, hasChatInput, { timeoutMs: 60_000 });
    const banner = chat.getByRole('region', { name: 'Connection' });
    await banner.locator('.banner-title', { hasText: "Trust this gateway's certificate?" }).waitFor({ timeout: 60_000 });
    assert.match((await banner.locator('.banner-detail').textContent()) ?? '', new RegExp(cert.fingerprint));
    assert.equal(remote.requests('connect').length, 0, 'no connect to an untrusted certificate');
    await page.screenshot({ path: path.join(ARTIFACTS, 'remote-trust-banner.png') });
    await banner.getByRole('button', { name: /Trust Certificate/ }).click();
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'Trust the certificate of' });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await dialog.textContent()) ?? '', new RegExp(cert.fingerprint));
    await page.screenshot({ path: path.join(ARTIFACTS, 'remote-trust-dialog.png') });
    await dialog.getByRole('button', { name: 'Trust This Certificate' }).click();

    // Trusted: the gateway wants this device approved. The chat shows the request and waits.
    await banner.locator('.banner-title', { hasText: 'Pairing required' }).waitFor({ timeout: 60_000 });
    const requestId = await waitFor(() => [...remote.pendingPairings.keys()][0], 'a pairing request', 30_000);
    assert.match((await banner.locator('.banner-detail').textContent()) ?? '', new RegExp(`openclaw devices approve ${requestId}`));
    await status(/^OpenClaw: .*pair/i)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'remote-pairing-wait.png') });
    // Approved on the gateway host; "I Approved It" continues at once, without a restart.
    remote.approvePairing(requestId);
    await banner.getByRole('button', { name: 'I Approved It' }).click();
    await status(/^OpenClaw: Connected to OpenClaw .* at wss:\/\/127\.0\.0\.1/).waitFor({ timeout: 60_000 });
    await chatInput(chat).fill('hello from VS Code');
    await chatInput(chat).press('Enter');
    await chat.locator('article.msg.assistant', { hasText: 'Echo: hello from VS Code' }).waitFor({ timeout: 60_000 });
    // The status bar names the gateway now that there is a choice.
    const gatewayItem = status(/^OpenClaw gateway Home server/);
    await gatewayItem.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'remote-connected.png') });

    // Back to the local gateway from the status bar.
    const localConnects = local.requests('connect').length;
    await gatewayItem.click();
    await page.getByRole('option', { name: /Default \(from OPENCLAW_GATEWAY_URL\)/ }).click({ timeout: 30_000 });
    await status(/^OpenClaw: Connected to OpenClaw .* at ws:\/\/127\.0\.0\.1/).waitFor({ timeout: 60_000 });
    await waitFor(() => local.requests('connect').length > localConnects, 'connected to the local gateway again', 30_000);

    const toRemote = JSON.stringify(remote.received);
    assert.ok(!toRemote.includes(LOCAL_TOKEN), "the remote gateway never saw the local gateway's token");
    assert.ok(!JSON.stringify(local.received).includes('hello from VS Code'), "the local gateway never saw the remote gateway's chat");
  });
});
