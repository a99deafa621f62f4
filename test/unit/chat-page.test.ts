/**
 * The page the chat view serves (src/extension/chat-page.ts), as VS Code gets it: the policy lives
 * only in its <meta> tag there (the webview tests also send it as a header), so the tag itself is
 * asserted: present, exactly the policy, before anything that loads, and every script nonce'd.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatPageCsp, chatPageHtml } from '../../src/extension/chat-page';

describe('chat page', () => {
  const csp = chatPageCsp('https://src.example', 'N0NCE');
  const html = chatPageHtml({
    nonce: 'N0NCE',
    csp,
    styles: ['https://src.example/chat.css'],
    scripts: ['https://src.example/webview.js', 'https://src.example/b.js'],
  });

  it('carries the policy in a <meta> tag, exactly, ahead of every stylesheet and script', () => {
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    assert.equal(metas.length, 1);
    assert.equal(metas[0][1], csp);
    const at = metas[0].index;
    assert.ok(at < html.indexOf('<link') && at < html.indexOf('<script'), 'the policy comes before what it governs');
  });

  it('gives every script the nonce and a source, with no inline script, <base> or form', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map((m) => [m[1].trim(), m[2]]),
      [
        ['nonce="N0NCE" src="https://src.example/webview.js"', ''],
        ['nonce="N0NCE" src="https://src.example/b.js"', ''],
      ],
    );
    assert.deepEqual(
      [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]),
      ['<link rel="stylesheet" href="https://src.example/chat.css">'],
    );
    assert.doesNotMatch(html, /<base\b|<form\b|<iframe\b|\bon\w+=/i);
    // One tag a line.
    assert.match(html, /<\/script>\n<script /);
    const two = chatPageHtml({ nonce: 'n', styles: ['a.css', 'b.css'], scripts: [] });
    assert.match(two, /<link rel="stylesheet" href="a.css">\n<link rel="stylesheet" href="b.css">/);
  });

  it('leaves the tag out only when asked, and marks the body only when given a class', () => {
    const bare = chatPageHtml({ nonce: 'n', styles: [], scripts: [] });
    assert.doesNotMatch(bare, /Content-Security-Policy/);
    assert.match(bare, /<body>\n<div id="app"><\/div>/);
    assert.match(bare, /<meta charset="UTF-8">\n<meta name="viewport"/, 'nothing in place of the missing tag');
    assert.match(chatPageHtml({ nonce: 'n', styles: [], scripts: [], bodyClass: 'hc' }), /<body class="hc">/);
  });

  it('takes the nonce and the source it is given, and nothing else, into the policy', () => {
    const other = chatPageCsp('vscode-webview://abc', 'XYZ');
    assert.match(other, /script-src 'nonce-XYZ';/);
    assert.equal(other.split('vscode-webview://abc').length - 1, 3, 'style, font and img sources only');
    assert.doesNotMatch(other, /unsafe|\*|https?:|strict-dynamic/);
  });
});
