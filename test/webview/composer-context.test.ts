// The composer's context in real Chromium: chips from the paperclip and a pasted image (with the
// host's answers played by the test), an image refused up front for a text-only model, the header's
// model picker, the `/` list by keyboard, and what Enter does while a reply runs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { WebviewMessage } from '../../src/protocol/webview';
import { ARTIFACTS, CONTROLS, snapshot, user, webviewSuite, type WebviewPage } from './harness';

declare const document: any;
declare const DataTransfer: any;
declare const File: any;
declare const ClipboardEvent: any;

type Request = Extract<WebviewMessage, { type: 'request' }>;

/** A whole 1x1 PNG, so the thumbnail draws. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

async function request(view: WebviewPage, method: string): Promise<Request> {
  return (await view.waitForPosted((m) => m.type === 'request' && m.method === method)) as Request;
}

async function sends(view: WebviewPage) {
  return (await view.posted()).filter((m) => m.type === 'send');
}

describe('composer context', () => {
  const env = webviewSuite();

  it('attaches from the paperclip and a pasted image, refuses the image for a text-only model, sends it once the picker chose a model that takes images', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });

    // The paperclip asks the host's file picker; its chips show with name and size.
    await view.page.getByRole('button', { name: 'Attach files' }).click();
    const pick = await request(view, 'pickFiles');
    await view.send({
      type: 'reply',
      id: pick.id,
      ok: true,
      result: {
        chips: [{ id: 'c:1', kind: 'file', label: 'src/app.ts', detail: '1.2 KB' }],
        refused: ['big.bin is neither text nor an image (PNG, JPEG, GIF, WebP)'],
      },
    });
    const tray = view.page.getByRole('list', { name: 'Attached to the next message' });
    await tray.getByText('src/app.ts').waitFor();
    assert.equal(await tray.locator('.chip-detail').first().textContent(), '1.2 KB');
    assert.match((await view.page.getByRole('alert').filter({ hasText: 'big.bin' }).textContent()) ?? '', /neither text nor an image/);

    // A pasted image becomes base64 for the host, and a chip with its thumbnail.
    await input.click();
    await input.evaluate((el: any, data: string) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'shot.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    }, PNG_BASE64);
    const paste = await request(view, 'attachData');
    assert.deepEqual(paste.params, { name: 'shot.png', mimeType: 'image/png', data: PNG_BASE64 });
    await view.send({
      type: 'reply',
      id: paste.id,
      ok: true,
      result: { chip: { id: 'c:2', kind: 'image', label: 'shot.png', detail: '70 B', thumbnail: `data:image/png;base64,${PNG_BASE64}` } },
    });
    await tray.locator('img.chip-thumb').waitFor();

    // The session's model takes no images: refused here, with the model named; nothing is sent and the box keeps all.
    await input.fill('What is this?');
    await input.press('Enter');
    const refusal = view.page.getByRole('alert').filter({ hasText: 'takes no images' });
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /^Harness model \(harness\/echo-model\) takes no images, so shot\.png cannot go/);
    assert.deepEqual(await sends(view), []);
    assert.equal(await input.inputValue(), 'What is this?');

    // The header's model picker asks the host; the host's answer (controls) moves it.
    const picker = view.page.getByRole('combobox', { name: 'Model' });
    assert.equal(await picker.inputValue(), 'harness/echo-model');
    await picker.selectOption('harness/echo-vision');
    const setModel = await request(view, 'setModel');
    assert.deepEqual(setModel.params, { model: 'harness/echo-vision' });
    await view.send({ type: 'reply', id: setModel.id, ok: true, result: {} }, { type: 'controls', controls: { ...CONTROLS, model: 'harness/echo-vision' } });
    await view.settle();
    assert.equal(await picker.inputValue(), 'harness/echo-vision');
    assert.equal(await refusal.isVisible(), false, 'the refusal was for the other model');
    assert.ok(await tray.locator('img.chip-thumb').evaluate((img: any) => img.complete && img.naturalWidth === 1), 'the thumbnail draws');

    mkdirSync(ARTIFACTS, { recursive: true });
    await view.page.screenshot({ path: path.join(ARTIFACTS, 'composer-chips-dark.png') });

    await input.press('Enter');
    assert.deepEqual(await sends(view), [{ type: 'send', text: 'What is this?', chips: ['c:1', 'c:2'] }]);
    assert.equal(await tray.isVisible(), false, 'the chips went with the message');

    // A removed chip is forgotten by the host too.
    await view.page.getByRole('button', { name: 'Attach files' }).click();
    const again = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'pickFiles' && m.id !== pick.id)) as Request;
    await view.send({ type: 'reply', id: again.id, ok: true, result: { chips: [{ id: 'c:3', kind: 'file', label: 'README.md' }], refused: [] } });
    await view.page.getByRole('button', { name: 'Remove README.md' }).click();
    await view.waitForPosted((m) => m.type === 'discard');
    assert.deepEqual(
      (await view.posted()).filter((m) => m.type === 'discard'),
      [{ type: 'discard', ids: ['c:3'] }],
    );
  });

  it('lists the slash commands on "/", narrows them as typed, and runs one chosen by keyboard', async () => {
    const view = await env.open({ theme: 'light' });
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    await input.click();
    await view.page.keyboard.type('/');
    const list = await request(view, 'listCommands');
    await view.send({
      type: 'reply',
      id: list.id,
      ok: true,
      result: {
        commands: [
          { name: 'status', description: 'Show status', takesArgs: false },
          { name: 'steer', description: 'Steer the running reply', args: '<message>', takesArgs: true },
          { name: 'help', description: 'Show help', takesArgs: false },
        ],
      },
    });
    const options = view.page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
    await options.first().waitFor();
    assert.deepEqual(await options.locator('.suggest-label').allTextContents(), ['/status', '/steer <message>', '/help']);
    await view.page.screenshot({ path: path.join(ARTIFACTS, 'composer-slash-light.png') });

    await view.page.keyboard.type('s');
    await view.page.waitForFunction(() => document.querySelectorAll('[role="option"]').length === 2);
    await view.page.keyboard.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), await options.nth(1).getAttribute('id'));
    // A command that takes arguments waits for them.
    await view.page.keyboard.press('Enter');
    assert.equal(await input.inputValue(), '/steer ');
    assert.deepEqual(await sends(view), []);

    // Escape closes the list without touching the text; a command without arguments runs when chosen.
    await input.fill('');
    await view.page.keyboard.type('/st');
    await options.first().waitFor();
    await view.page.keyboard.press('Escape');
    assert.equal(await view.page.getByRole('listbox', { name: 'Suggestions' }).isVisible(), false);
    assert.equal(await input.inputValue(), '/st');
    await view.page.keyboard.type('a');
    await options.first().waitFor();
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await sends(view), [{ type: 'send', text: '/status' }]);
  });

  it('while a reply runs, Enter sends the way the mode says, the mode is settable, and the transcript says what happened', async () => {
    const view = await env.open();
    await view.send(
      snapshot(
        [
          user('u1', 'Write a long answer'),
          user('u2', 'Shorter, please', { delivery: 'steer' }),
          user('u3', 'Then a summary', { delivery: 'queue', pending: 'waiting' }),
        ],
        {
          busy: true,
        },
      ),
    );
    const bubbles = view.page.locator('.msg.user');
    assert.equal(await bubbles.nth(1).locator('.delivery').textContent(), 'Steered into the running reply');
    assert.equal(await bubbles.nth(2).locator('.delivery').textContent(), 'Queued after the running reply');
    assert.equal(await bubbles.nth(2).locator('.pending').textContent(), 'Waiting for the running reply…');

    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    assert.ok(await view.page.getByRole('button', { name: 'Stop' }).isVisible());
    await input.fill('Use bullet points');
    assert.ok(await view.page.getByRole('button', { name: 'Steer' }).isVisible(), 'the default shows on the button');
    await input.press('Enter');
    assert.deepEqual(await sends(view), [{ type: 'send', text: 'Use bullet points', chips: [], delivery: 'steer' }]);

    const mode = view.page.getByRole('combobox', { name: 'While a reply runs, Enter' });
    await mode.selectOption('queue');
    const set = await request(view, 'setBusyMode');
    assert.deepEqual(set.params, { mode: 'queue' });
    await view.send({ type: 'reply', id: set.id, ok: true, result: {} }, { type: 'controls', controls: { ...CONTROLS, busyMode: 'queue' } });
    await input.fill('And a table');
    await view.page.getByRole('button', { name: 'Queue' }).click();
    assert.deepEqual((await sends(view)).at(-1), { type: 'send', text: 'And a table', chips: [], delivery: 'queue' });
  });
});
