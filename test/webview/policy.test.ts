// The page policy on its own: the hostile-content tests are stopped by the sanitizer first, so here
// the Content-Security-Policy is shown to stop what the sanitizer would never let through, and the
// sanitizer's link rules are asserted on the DOM they leave (not on what later checks hide).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { chatPageCsp } from '../../src/extension/chat-page';
import { assistant, snapshot, webviewSuite } from './harness';

declare const document: any;
declare const window: any;

describe('page policy', () => {
  const env = webviewSuite();

  it('is exactly the policy the host serves, directive by directive', () => {
    assert.deepEqual(chatPageCsp('https://src.example', 'N0NCE').split('; '), [
      "default-src 'none'",
      'style-src https://src.example',
      'font-src https://src.example',
      'img-src https://src.example data:',
      "script-src 'nonce-N0NCE'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
  });

  it('stops a script without the nonce, a <base>, a form and a remote image, even if one got into the page', async () => {
    const view = await env.open();
    await view.send(snapshot([assistant('a', 'hello')]));
    const outcome = await view.page.evaluate(async () => {
      const inline = document.createElement('script');
      inline.textContent = 'window.__ranInline = true';
      document.body.append(inline);
      const wrongNonce = document.createElement('script');
      wrongNonce.setAttribute('nonce', 'not-the-nonce');
      wrongNonce.textContent = 'window.__ranWrongNonce = true';
      document.body.append(wrongNonce);
      const base = document.createElement('base');
      base.href = 'https://evil.example/';
      document.head.append(base);
      const img = document.createElement('img');
      img.src = 'https://evil.example/pixel.png';
      document.body.append(img);
      const form = document.createElement('form');
      form.action = '/evil/submit';
      form.method = 'post';
      document.body.append(form);
      form.submit();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { inline: window.__ranInline === true, wrongNonce: window.__ranWrongNonce === true, baseURI: document.baseURI };
    });
    assert.deepEqual({ inline: outcome.inline, wrongNonce: outcome.wrongNonce }, { inline: false, wrongNonce: false }, 'no script without the nonce ran');
    assert.ok(!outcome.baseURI.startsWith('https://evil.example'), `the <base> changed nothing (${outcome.baseURI})`);
    const blocked = new Set((await view.violations()).map((v) => v.directive.replace(/-elem$/, '')));
    for (const directive of ['script-src', 'base-uri', 'img-src', 'form-action'])
      assert.ok(blocked.has(directive), `${directive} reported a violation: ${[...blocked]}`);
    assert.deepEqual(view.server.strayRequests, [], 'no request reached /evil/');
  });

  it('stops a script from its own origin or another one without the nonce: no source but the nonce runs', async () => {
    // Another origin that would serve a script, counting what reaches it.
    const hits: string[] = [];
    const other = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/javascript' }).end('window.__ranRemote = true;');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const view = await env.open();
      await view.send(snapshot([assistant('a', 'hello')]));
      await view.page.evaluate(
        ([remote, own]) => {
          for (const src of [remote, own]) {
            const script = document.createElement('script');
            script.src = src;
            document.body.append(script);
          }
        },
        [`${otherOrigin}/evil.js`, `${view.server.origin}/evil/own.js`],
      );
      // A set: the page carries the policy twice here (header and <meta>), and each reports.
      const blocked = async () => [...new Set((await view.violations()).filter((v) => v.directive.startsWith('script-src')).map((v) => v.blockedURI))];
      const deadline = Date.now() + 20_000;
      while ((await blocked()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual((await blocked()).sort(), [`${otherOrigin}/evil.js`, `${view.server.origin}/evil/own.js`].sort(), 'both scripts reported blocked');
      assert.equal(await view.page.evaluate(() => window.__ranRemote === true), false, 'the remote script did not run');
      assert.deepEqual(hits, [], 'no request reached the other origin');
      assert.deepEqual(view.server.strayRequests, [], 'no request reached /evil/ on our own origin');
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('leaves an href only on absolute web and mail links, and strips direction controls from link text', async () => {
    const view = await env.open();
    const reply = [
      '[relative](/evil/page)',
      '[dot](./evil)',
      '[file](file:///etc/passwd)',
      '[vscode](vscode://openclaw/x)',
      '[command](command:workbench.action.openSettings)',
      '[js](javascript:alert(1))',
      '[data](data:text/html,hi)',
      '[web](https://ok.example/a)',
      '[mail](mailto:someone@example.com)',
      '[\u202Emoc.elgoog\u202C](https://evil.example/)',
    ].join(' ');
    await view.send(snapshot([assistant('a', reply)]));
    const links = await view.page.evaluate(() =>
      Array.from(document.querySelectorAll('.markdown a')).map((a: any) => ({
        text: a.textContent,
        href: a.getAttribute('href'),
        title: a.getAttribute('title'),
      })),
    );
    assert.deepEqual(links, [
      { text: 'relative', href: null, title: null },
      { text: 'dot', href: null, title: null },
      { text: 'file', href: null, title: null },
      { text: 'vscode', href: null, title: null },
      { text: 'command', href: null, title: null },
      { text: 'js', href: null, title: null },
      { text: 'data', href: null, title: null },
      { text: 'web', href: 'https://ok.example/a', title: 'https://ok.example/a' },
      { text: 'mail', href: 'mailto:someone@example.com', title: 'mailto:someone@example.com' },
      { text: 'moc.elgoog', href: 'https://evil.example/', title: 'https://evil.example/' },
    ]);
    const isolated = await view.page.evaluate(() => window.getComputedStyle(document.querySelector('.markdown a')).unicodeBidi);
    assert.equal(isolated, 'isolate', 'link text cannot reorder the text around it');
    // A click posts the real target, once, and nothing else sees the click.
    await view.clearPosted();
    await view.page.getByRole('link', { name: 'moc.elgoog' }).click();
    assert.deepEqual(
      (await view.posted()).filter((m) => m.type === 'openLink'),
      [{ type: 'openLink', href: 'https://evil.example/' }],
    );
  });
});
