// What a new user sees in the states that tripped people up (issue 10): a stopped reply that stays
// stopped, the gateway's own note as a quiet line, a first reply that is on its way and says so with
// a running clock, and a header that follows the session's title. Saved as webview-new-user.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ARTIFACTS, assistant, notice, snapshot, user, webviewSuite } from './harness';

describe('what a new user sees', () => {
  const env = webviewSuite();

  it('a stopped reply, a system note, a waiting first reply with its clock, and a header that follows the title', async () => {
    const view = await env.open({ width: 420, height: 700 });
    await view.send(
      snapshot(
        [
          user('u1', 'SLOW please take your time'),
          assistant('a1', 'Echo: SLOW please take your time . . .', { outcome: 'aborted' }),
          notice('n1', 'info', 'System note: Your previous turn was interrupted by a gateway restart while OpenClaw was waiting on tool/model work.'),
          user('u2', 'hello again'),
          assistant('a2', '', { streaming: true, activity: 'The gateway has the message; waiting for the agent to start…' }),
        ],
        { session: { key: 'agent:main:vscode-mx5bwmew', title: 'New session' }, busy: true },
      ),
    );
    const stopped = view.page.locator('article.assistant').first();
    assert.equal(await stopped.locator('.outcome').textContent(), 'Stopped');
    assert.equal(await stopped.locator('.usage').isVisible(), false, 'no line of zero tokens');
    const note = view.page.locator('.notice');
    assert.equal(
      await note.locator('.notice-text').textContent(),
      'System note: Your previous turn was interrupted by a gateway restart while OpenClaw was waiting on tool/model work.',
    );
    assert.equal(await view.page.locator('article.user').count(), 2, 'the note is not a bubble of the person');

    const waiting = view.page.locator('article.assistant.is-streaming .activity-line');
    assert.equal(await waiting.locator('.activity').textContent(), 'The gateway has the message; waiting for the agent to start…');
    // After three seconds the line says how long it has been waiting, and keeps counting.
    await waiting.locator('.activity-elapsed', { hasText: /· [3-9] s/ }).waitFor({ timeout: 15_000 });
    const first = Number(/(\d+) s/.exec((await waiting.locator('.activity-elapsed').textContent()) ?? '')?.[1]);
    await waiting.locator('.activity-elapsed', { hasText: new RegExp(`· ${first + 1} s`) }).waitFor({ timeout: 15_000 });

    // The gateway titles the session: the header follows, as the tree does.
    assert.equal(await view.page.locator('.session-title').textContent(), 'New session');
    await view.send({ type: 'session', session: { key: 'agent:main:vscode-mx5bwmew', title: 'Plan the release' } });
    assert.equal(await view.page.locator('.session-title').textContent(), 'Plan the release');
    mkdirSync(ARTIFACTS, { recursive: true });
    await view.page.screenshot({ path: path.join(ARTIFACTS, 'webview-new-user.png') });

    // The first text replaces the waiting line, and its clock stops.
    await view.send({ type: 'upsert', item: assistant('a2', 'Echo: hello again', { streaming: false, outcome: 'ok' }) });
    assert.equal(await view.page.locator('.activity-line:visible').count(), 0);
  });
});
