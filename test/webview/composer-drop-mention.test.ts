// The composer in real Chromium, the parts composer-context.test.ts leaves out: a drop from the
// explorer (a URI list the host reads, `#` comment lines skipped) and from the OS (the file's bytes),
// a drop of anything else left to the page, and the `@` list by keyboard alone: arrows, Enter
// (the host resolves the mention into a chip, and the `@query` leaves the box), Escape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebviewMessage } from '../../src/protocol/webview';
import { snapshot, webviewSuite, type WebviewPage } from './harness';

declare const DataTransfer: any;
declare const File: any;
declare const DragEvent: any;

type Request = Extract<WebviewMessage, { type: 'request' }>;

async function requests(view: WebviewPage, method: string): Promise<Request[]> {
  return (await view.posted()).filter((m): m is Request => m.type === 'request' && m.method === method);
}

describe('composer: drop and @', () => {
  const env = webviewSuite();

  it('takes a drop from the explorer as URIs for the host and one from the OS as bytes, and ignores a drop of text', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    const tray = view.page.getByRole('list', { name: 'Attached to the next message' });

    // From the explorer: a URI list (with a comment line, as the format allows).
    const dropped = await input.evaluate((el: any) => {
      const data = new DataTransfer();
      data.setData('text/uri-list', '# two files\r\nfile:///ws/src/a.ts\r\nfile:///ws/README.md');
      const event = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
      el.dispatchEvent(event);
      return event.defaultPrevented;
    });
    assert.equal(dropped, true, 'the page took the drop');
    const uris = await view.waitForPosted((m) => m.type === 'request' && m.method === 'attachUris');
    assert.deepEqual((uris as Request).params, { uris: ['file:///ws/src/a.ts', 'file:///ws/README.md'] });
    await view.send({
      type: 'reply',
      id: (uris as Request).id,
      ok: true,
      result: {
        chips: [{ id: 'c:1', kind: 'file', label: 'src/a.ts', detail: '12 B' }],
        refused: ['README.md is outside the workspace: attach it with the paperclip instead.'],
      },
    });
    await tray.getByText('src/a.ts').waitFor();
    await view.page.getByRole('alert').filter({ hasText: 'outside the workspace' }).waitFor();

    // From the OS: the file itself, read in the page and sent as base64.
    await input.evaluate((el: any) => {
      const data = new DataTransfer();
      data.items.add(new File(['hello from the desktop\n'], 'notes.txt', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const bytes = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'attachData')) as Request;
    assert.deepEqual(bytes.params, { name: 'notes.txt', mimeType: 'text/plain', data: Buffer.from('hello from the desktop\n').toString('base64') });
    await view.send({ type: 'reply', id: bytes.id, ok: true, result: { chip: { id: 'c:2', kind: 'file', label: 'notes.txt', detail: '23 B' } } });
    await tray.getByText('notes.txt').waitFor();
    assert.equal(await view.page.getByRole('alert').filter({ hasText: 'outside the workspace' }).isVisible(), false, 'a chip staged clears the refusal');

    // Plain text dropped is the browser's to insert: no request, not prevented.
    const text = await input.evaluate((el: any) => {
      const data = new DataTransfer();
      data.setData('text/plain', 'just words');
      const event = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
      el.dispatchEvent(event);
      return event.defaultPrevented;
    });
    assert.equal(text, false);
    await view.settle();
    assert.equal((await requests(view, 'attachUris')).length + (await requests(view, 'attachData')).length, 2, 'no request for the text');

    await input.fill('Compare these');
    await input.press('Enter');
    assert.deepEqual(
      (await view.posted()).filter((m) => m.type === 'send'),
      [{ type: 'send', text: 'Compare these', chips: ['c:1', 'c:2'] }],
    );
  });

  it('drives the @ list by keyboard: the host answers each query, arrows move, Enter mentions, Escape closes', async () => {
    const view = await env.open();
    await view.send(snapshot([]));
    const input = view.page.getByRole('textbox', { name: 'Message OpenClaw' });
    const list = view.page.getByRole('listbox');

    await input.pressSequentially('Explain @ap');
    // Each key asks again; only the answer to the latest query is shown.
    const asked = await view.waitForPosted(
      (m) => m.type === 'request' && m.method === 'searchMentions' && (m as { params: { query?: string } }).params.query === 'ap',
    );
    const earlier = (await requests(view, 'searchMentions')).filter((r) => r.id !== (asked as Request).id);
    assert.deepEqual(
      earlier.map((r) => (r.params as { query: string }).query),
      ['', 'a'],
    );
    await view.send({
      type: 'reply',
      id: (asked as Request).id,
      ok: true,
      result: {
        candidates: [
          { kind: 'file', label: 'app.ts', detail: 'src/app.ts', path: 'src/app.ts' },
          { kind: 'file', label: 'apply.ts', detail: 'src/approvals/apply.ts', path: 'src/approvals/apply.ts' },
        ],
      },
    });
    // A late answer to an older query changes nothing.
    await view.send({ type: 'reply', id: earlier[0].id, ok: true, result: { candidates: [{ kind: 'problems', label: 'problems', detail: 'x' }] } });
    await list.getByRole('option').first().waitFor();
    await view.settle();
    assert.deepEqual(await list.getByRole('option').locator('.suggest-label').allTextContents(), ['src/app.ts', 'src/approvals/apply.ts']);
    assert.equal(await list.getByRole('option', { selected: true }).locator('.suggest-label').textContent(), 'src/app.ts');
    // Focus stays in the box: the list is its combobox popup.
    assert.equal(await input.getAttribute('aria-controls'), await list.getAttribute('id'));

    await input.press('ArrowDown');
    assert.equal(await list.getByRole('option', { selected: true }).locator('.suggest-label').textContent(), 'src/approvals/apply.ts');
    assert.equal(await input.getAttribute('aria-activedescendant'), await list.getByRole('option', { selected: true }).getAttribute('id'));
    await input.press('Enter');
    const resolve = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'resolveMention')) as Request;
    assert.deepEqual(resolve.params, { kind: 'file', path: 'src/approvals/apply.ts' });
    await view.send({
      type: 'reply',
      id: resolve.id,
      ok: true,
      result: { chip: { id: 'm:1', kind: 'file', label: 'src/approvals/apply.ts', detail: '2 lines' } },
    });
    await view.page.getByRole('list', { name: 'Attached to the next message' }).getByText('src/approvals/apply.ts').waitFor();
    assert.equal((await input.inputValue()).trim(), 'Explain', 'the @query left the box');
    assert.equal(await list.isVisible(), false);
    assert.equal((await view.posted()).filter((m) => m.type === 'send').length, 0, 'Enter chose; it did not send');

    // Escape closes the list and keeps the text.
    await input.pressSequentially(' @');
    const bare = (await view.waitForPosted((m) => m.type === 'request' && m.method === 'searchMentions' && m.id > resolve.id)) as Request;
    await view.send({ type: 'reply', id: bare.id, ok: true, result: { candidates: [{ kind: 'problems', label: 'problems', detail: 'Errors and warnings' }] } });
    await list.getByRole('option', { name: /@problems/ }).waitFor();
    await input.press('Escape');
    await list.waitFor({ state: 'hidden' });
    assert.match(await input.inputValue(), /Explain\s+@$/);
  });
});
