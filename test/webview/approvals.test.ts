// Approval and question cards in real Chromium: the command shown whole (folded when long, never
// cut), exactly the decisions the gateway allows as labelled buttons, a countdown, the page asking
// the host (never deciding itself), a cancelled "allow always" dialog giving the buttons back, the
// outcome once the host says so, and questions with options, an own answer and a masked secret.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ChatItem, WebviewMessage } from '../../src/protocol/webview';
import { ARTIFACTS, assistant, snapshot, tool, user, webviewSuite, type WebviewPage } from './harness';

declare const document: any;

type Request = Extract<WebviewMessage, { type: 'request' }>;
const APPROVAL_ID = 'de412f16-58bb-45e4-86da-59204d02eaeb';
const QUESTION_ID = 'ask_8fc26eec91329c955146db94279d8b21';
const LONG_COMMAND = Array.from({ length: 30 }, (_, i) => `echo "line ${i} of a long generated script with --flags and a path /srv/work/${i}"`).join(
  ' && \\\n  ',
);

function approval(extra: Partial<Extract<ChatItem, { kind: 'approval' }>> = {}): ChatItem {
  return {
    kind: 'approval',
    id: `ap:${APPROVAL_ID}`,
    approvalId: APPROVAL_ID,
    command: LONG_COMMAND,
    warnings: ['The command writes outside the workspace.'],
    decisions: ['allow-once', 'allow-always', 'deny'],
    state: 'pending',
    host: 'gateway',
    cwd: '/srv/openclaw/workspace',
    agent: 'main',
    expiresAtMs: Date.now() + 29 * 60_000 + 30_000,
    ...extra,
  };
}

function question(extra: Partial<Extract<ChatItem, { kind: 'question' }>> = {}): ChatItem {
  return {
    kind: 'question',
    id: `q:${QUESTION_ID}`,
    questionId: QUESTION_ID,
    state: 'pending',
    expiresAtMs: Date.now() + 10 * 60_000,
    questions: [
      {
        id: 'color',
        header: 'Color',
        question: 'Which color?',
        options: [{ label: 'Red', description: 'warm' }, { label: 'Blue' }],
        multiSelect: false,
        other: true,
        secret: false,
      },
      {
        id: 'size',
        header: 'Size',
        question: 'Which sizes?',
        options: [{ label: 'S' }, { label: 'M' }, { label: 'L' }],
        multiSelect: true,
        other: false,
        secret: false,
      },
      { id: 'key', header: 'Key', question: 'The deploy key?', options: [], multiSelect: false, other: true, secret: true },
    ],
    ...extra,
  };
}

async function requests(view: WebviewPage): Promise<Request[]> {
  return (await view.posted()).filter((m): m is Request => m.type === 'request');
}

async function announced(view: WebviewPage): Promise<string[]> {
  return view.page.locator('[aria-live="polite"][aria-relevant="additions"] p').allTextContents();
}

describe('approval and question cards', { timeout: 120_000 }, () => {
  const env = webviewSuite();

  it('shows the whole command, the allowed decisions and a countdown, and asks the host to decide', async () => {
    const view = await env.open();
    await view.send(snapshot([user('u1', 'EXEC please')]));
    await view.send({ type: 'upsert', item: approval() });
    const card = view.page.locator('article.card.approval');
    await card.waitFor();

    // The command is all there, as text, folded until asked for.
    assert.equal(await card.locator('.approval-command').textContent(), LONG_COMMAND);
    assert.equal(await card.locator('.approval-command *').count(), 0);
    const fold = card.locator('.approval-fold');
    assert.equal(await fold.getAttribute('aria-expanded'), 'false');
    assert.ok(await card.locator('.approval-command.is-folded').count());
    await fold.click();
    assert.equal(await fold.getAttribute('aria-expanded'), 'true');
    assert.equal(await card.locator('.approval-command.is-folded').count(), 0);
    assert.deepEqual(await card.locator('.approval-meta dd').allTextContents(), ['gateway', '/srv/openclaw/workspace', 'agent main']);
    assert.match((await card.locator('.approval-warnings').textContent()) ?? '', /writes outside the workspace/);
    assert.match((await card.locator('.card-countdown').textContent()) ?? '', /^Expires in 29:[23]\d$/);
    assert.ok((await announced(view)).some((t) => t.startsWith('Approval needed: the agent wants to run')));

    // Exactly the decisions offered, labelled, reachable from the keyboard.
    assert.deepEqual(await card.locator('button[data-decision]').allTextContents(), ['Allow once', 'Allow always', 'Deny']);
    await card.locator('button[data-decision="allow-always"]').focus();
    await view.page.keyboard.press('Enter');
    const asked = await view.waitForPosted((m) => m.type === 'request' && m.method === 'decideApproval');
    assert.deepEqual((asked as Request).params, { id: APPROVAL_ID, decision: 'allow-always' });
    assert.equal(await card.locator('button[data-decision]:disabled').count(), 3, 'no second click while the host decides');
    // The person cancelled the editor's "Always allow?" dialog: the buttons come back.
    await view.send({ type: 'reply', id: (asked as Request).id, ok: true, result: { decided: false } });
    await view.page.waitForFunction(() => document.querySelectorAll('article.approval button[data-decision]:disabled').length === 0);

    // Decided (here or elsewhere): the host's update shows who decided what; the buttons go.
    await view.send({ type: 'upsert', item: approval({ state: 'allowed', outcome: 'Allowed once by another operator (ops-laptop)' }) });
    assert.equal(await card.locator('.card-outcome').textContent(), 'Allowed once by another operator (ops-laptop)');
    assert.equal(await card.locator('.card-actions').isVisible(), false);
    assert.equal(await card.locator('.card-countdown').textContent(), '');
    assert.ok((await announced(view)).includes('Allowed once by another operator (ops-laptop)'));
    assert.equal(await view.page.locator('article.card.approval').count(), 1, 'one card, updated in place');
  });

  it('shows an error the host sends back, and offers only deny when that is all the gateway allows', async () => {
    const view = await env.open();
    await view.send(snapshot([approval({ command: 'rm -rf build', decisions: ['deny'] })]));
    const card = view.page.locator('article.card.approval');
    await card.waitFor();
    assert.deepEqual(await card.locator('button[data-decision]').allTextContents(), ['Deny']);
    assert.equal(await card.locator('.approval-fold').isVisible(), false, 'a short command is not folded');
    await card.locator('button[data-decision="deny"]').click();
    const asked = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'decideApproval')) as Request;
    await view.send({
      type: 'reply',
      id: asked.id,
      ok: false,
      error: 'VS Code is not connected to the gateway that asked: wait for it to reconnect, then try again.',
    });
    await card.locator('.card-error').waitFor();
    assert.match((await card.locator('.card-error').textContent()) ?? '', /not connected to the gateway/);
    assert.equal(await card.locator('button[data-decision="deny"]').isEnabled(), true);
  });

  it('asks a question with options, an own answer and a masked secret; checks before asking the host; skips', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    await view.send({ type: 'upsert', item: question() });
    const card = view.page.locator('article.card.question');
    await card.waitFor();
    assert.deepEqual(await card.locator('.question-text').allTextContents(), ['Which color?', 'Which sizes?', 'The deploy key?']);
    assert.equal(await card.locator('input[type=radio]').count(), 3, 'Red, Blue, Other');
    assert.equal(await card.locator('input[type=checkbox]').count(), 3);
    assert.equal(await card.locator('input[type=password]').count(), 1, 'the secret is typed masked');

    await card.getByRole('button', { name: 'Submit' }).click();
    await card.locator('.card-error').waitFor();
    assert.match((await card.locator('.card-error').textContent()) ?? '', /Answer “Color” first/);
    assert.equal((await requests(view)).length, 0, 'nothing asked of the host yet');

    await card.getByLabel('Your own answer to “Color”').fill('Teal');
    await card.getByText('S', { exact: true }).click();
    await card.getByText('L', { exact: true }).click();
    await card.locator('input[type=password]').fill('  hunter2  ');
    await card.getByRole('button', { name: 'Submit' }).click();
    const asked = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'answerQuestion')) as Request;
    assert.deepEqual(asked.params, {
      id: QUESTION_ID,
      answers: [
        { questionId: 'color', values: ['Teal'] },
        { questionId: 'size', values: ['S', 'L'] },
        { questionId: 'key', values: ['  hunter2  '] },
      ],
    });
    await view.send({ type: 'reply', id: asked.id, ok: true, result: { answered: true } });
    const done = question({ state: 'answered', outcome: 'Answered by you' });
    if (done.kind === 'question') done.questions = done.questions.map((q) => ({ ...q, answer: q.secret ? '••••••' : q.id === 'color' ? 'Teal' : 'S, L' }));
    await view.send({ type: 'upsert', item: done });
    assert.equal(await card.locator('.card-outcome').textContent(), 'Answered by you');
    assert.deepEqual(await card.locator('.question-answers dd').allTextContents(), ['Teal', 'S, L', '••••••']);
    assert.equal(await card.locator('input[type=password]').inputValue(), '', 'the secret does not stay in the page');
    assert.ok(!(await view.page.content()).includes('hunter2'));

    // Another question, skipped.
    const other = 'ask_08df9d31b8686cf0d94c9988b925bd1e';
    await view.send({ type: 'upsert', item: question({ id: `q:${other}`, questionId: other }) });
    await view.page.locator('article.card.question[data-state=pending]').getByRole('button', { name: 'Skip' }).click();
    const skipped = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'skipQuestion')) as Request;
    assert.deepEqual(skipped.params, { id: other });
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`screenshot in the ${theme} theme: a long command (folded, scrollable), and a question`, async () => {
      const view = await env.open({ theme, height: 1400 });
      await view.send(
        snapshot([
          user('u1', 'EXEC please deploy'),
          assistant('a1', 'Calling exec.'),
          tool('t1', 'exec', { args: '{"command": "…"}', state: 'running' }),
          approval(),
          question(),
        ]),
      );
      await view.page.locator('article.card.question').waitFor();
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `webview-${theme}-approval.png`);
      await view.page.screenshot({ path: file });
      assert.ok(statSync(file).size > 10_000);
    });
  }
});
