/**
 * The Sessions view in a real VS Code (code-server, driven by Playwright and Debian's Chromium),
 * against the real openclaw gateway whose store is seeded on disk (tools/gateway/seed-store.ts: a
 * session of 1,000 messages would otherwise take 500 model turns): rename with F2 in the tree (the
 * new name read back from the gateway's `sessions.list`), Search Sessions opening the session at
 * the hit, Export into an untitled editor and into a workspace file (a path outside the workspace
 * refused), and Load earlier while scrolled keeping what is read in place.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIG_SESSION } from '../../bench/lib/big-data';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import { setColorTheme } from '../../tools/code-server/prompts';
import { freshRunDir, startCodeServer, type CodeServer } from '../../tools/code-server/server';
import type { Workbench } from '../../tools/code-server/workbench';
import type { GatewayHandle } from '../../tools/gateway/gateway';
import { startSeededGateway, type SeedMessage } from '../../tools/gateway/seed-store';
import { makeClient } from '../support/clients';
import { waitFor, waitForState } from '../support/wait';
import { ARTIFACTS, ROOT, gatewayEnv, openChat, quickInput, runCommand, until, withChatShown } from './chat-workbench';

// Only so that the functions run in the chat page type-check here (the tests' tsconfig has no DOM).
declare const document: any;
declare const Event: any;
declare const window: any;
declare const requestAnimationFrame: (callback: () => void) => number;

const RENAME_KEY = 'agent:main:rename-me';
const WORD = `zanzibar${Date.now().toString(36)}`;
const LONG = 1000;

/** The long session's rows, oldest first: questions of a line, answers of one to five paragraphs, lists or code. */
const longRows: SeedMessage[] = Array.from({ length: LONG }, (_, i) => {
  const n = i + 1;
  if (i % 2 === 0) return { role: 'user', text: `Row ${n}: how does part ${n} of the release work?` };
  const shape = [
    `Row ${n}: it works as before.`,
    `Row ${n}: in two steps.\n\n1. Build the package.\n2. Sign it with the key of the week.`,
    `Row ${n}: like this:\n\n\`\`\`ts\nconst part = ${n};\nrelease(part);\n\`\`\``,
    `Row ${n}: ${'the same as the part before it, with the notes and the changelog updated. '.repeat(4)}`,
    `Row ${n}: three things.\n\n- the notes\n- the changelog\n- the tag\n\nThen it ships.`,
  ];
  return { role: 'assistant', text: shape[n % shape.length] };
});

describe('the Sessions view in a real VS Code, against a seeded real gateway', { timeout: 30 * 60_000 }, () => {
  let gw: GatewayHandle;
  let server: CodeServer;
  let workbench: Workbench | undefined;
  /** The test's own connection to the gateway, to read back what the extension changed there. */
  let client: GatewayClient;

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    [{ gw }, server] = await Promise.all([
      startSeededGateway([
        { key: BIG_SESSION, label: 'A very long session', messages: longRows },
        {
          key: RENAME_KEY,
          label: 'Plan the release',
          messages: [
            { role: 'user', text: 'First question' },
            { role: 'assistant', text: 'First answer' },
            { role: 'user', text: `Where is ${WORD}?` },
            { role: 'assistant', text: `${WORD} is an island.` },
            { role: 'user', text: 'Last question' },
            { role: 'assistant', text: 'Last answer' },
          ],
        },
      ]),
      startCodeServer({ runDir: freshRunDir(path.join(ARTIFACTS, 'sessions')), colorTheme: 'Default Dark Modern' }),
    ]);
    client = makeClient(gw.url, { token: gw.token, handshakeTimeoutMs: 30_000, requestTimeoutMs: 120_000 });
    client.start();
    await waitForState(client, 'connected', 120_000);
    // The gateway indexes the seeded transcripts itself once it runs; the search below needs it done.
    await until(
      async () => {
        const answer = await client.request<{ results: unknown[]; indexing?: boolean }>('sessions.search', { query: WORD, limit: 5 });
        return !answer.indexing && answer.results.length > 0;
      },
      'the gateway has indexed the seeded sessions',
      300_000,
    );
  });

  after(async () => {
    await workbench?.close().catch(() => undefined);
    client?.close();
    await server?.stop();
    await gw?.dispose();
  });

  it('renames with F2, finds a message with Search Sessions, exports, and loads an earlier page when scrolled up', async () => {
    await sessionChecks().catch((error) => withChatShown(workbench?.page, 'sessions', 'sessions', error));
  });

  async function sessionChecks(): Promise<void> {
    const workspace = path.join(server.runDir, 'sessions-workspace');
    mkdirSync(workspace, { recursive: true });
    const opened = await openChat(server, workspace, gatewayEnv(server, gw.url, gw.token));
    workbench = opened.workbench;
    const { page, chat } = opened;
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
    const renamed = (await client.sessions.list()).find((s) => s.key === RENAME_KEY);
    assert.equal(renamed?.label, 'Release notes for 2.0', 'sessions.patch reached the gateway');

    // Search: the hit opens the session at the message, highlighted.
    await runCommand(page, 'OpenClaw: Search Sessions…');
    // The palette closes and the search opens in the same widget: keys typed in between are lost.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Search Sessions' }).waitFor({ timeout: 30_000 });
    await quickInput(page).fill(WORD);
    const hit = page.getByRole('option', { name: new RegExp(`Where is ${WORD}`) });
    await hit.waitFor({ timeout: 30_000 });
    await hit.click();
    const revealed = chat.locator('article.msg.is-revealed', { hasText: `Where is ${WORD}?` });
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
    await editor.getByText(`${WORD} is an island.`).waitFor({ timeout: 10_000 });
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
    assert.match(readFileSync(written, 'utf8'), new RegExp(`^# Release notes for 2\\.0\\n[\\s\\S]*${WORD} is an island\\.`));
    await page.getByRole('tab', { name: /^release-notes-for-2-0\.md/ }).waitFor({ timeout: 30_000 });

    // Load earlier: the long session opens with its latest 200 messages; scrolled up, older pages
    // come in above without moving the message being read.
    await page.getByRole('treeitem', { name: /^A very long session/ }).click();
    await chat.locator('.log > .earlier').waitFor({ timeout: 60_000 });
    await chat.locator('.log[aria-busy="false"]').waitFor({ timeout: 60_000 });
    const before = await chat.locator('.log .msg').count();
    // Scrolled near the top, the next older page is asked for and comes in above, and what is read
    // stays where it is. What crosses the top edge is marked in the same task that scrolls (before
    // the host can answer), and found again once the page is built and the layout has settled.
    // Marked as the person sees it: an item, or (when Chromium has not laid out the fold that just
    // came into view, as it does in the next frame) that fold, whose top is then where its items
    // start. An item further down would move by the fold's estimate turning into its real height,
    // which no anchor can hold (a mark below the view made this test fail on a busy machine); a
    // group would move by the folds of the new page that go in at its top.
    const scrollAndMark = () =>
      chat.evaluate(() => {
        const log = document.querySelector('.log');
        log.scrollTop = 150;
        const top = log.getBoundingClientRect().top;
        for (const el of document.querySelectorAll('[data-reading]')) delete el.dataset.reading;
        // (No named functions in here: tsx would wrap them in a helper the page does not have.)
        let parent = log;
        let reading;
        for (;;) {
          reading = [...parent.children].find((el) => !el.classList.contains('earlier') && el.getBoundingClientRect().bottom > top + 1);
          // Into a group always (its folds are boxes of their own height even while it is skipped),
          // into a fold only once Chromium lays out its items.
          const inside =
            reading.matches('.log-group') || (reading.matches('.log-fold') && reading.firstElementChild?.checkVisibility({ contentVisibilityAuto: true }));
          if (!inside) break;
          parent = reading;
        }
        reading.dataset.reading = '';
        const at = {
          top: reading.getBoundingClientRect().top - top,
          scrollTop: log.scrollTop,
          scrollHeight: log.scrollHeight,
          height: log.clientHeight,
          marked: reading.className,
        };
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
    assert.ok(marked.top < marked.height, `what was marked is in view: ${JSON.stringify(marked)}`);
    assert.ok(Math.abs(after.top - marked.top) < 3, `the message being read stayed where it was: ${JSON.stringify({ before: marked, after })}`);
    const shown = await chat.locator('.log .msg').count();
    assert.ok(shown > before, 'older messages were loaded');
    // From the gateway's store: the chat opened with the latest `before` rows (one message each),
    // and the row just older than those is now in the page.
    await chat.locator('article.msg', { hasText: `Row ${LONG - before}: ` }).waitFor({ state: 'attached', timeout: 10_000 });
    await chat.locator('.log[aria-busy="false"]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sessions-earlier-dark.png') });
  }
});
