/**
 * Markdown rendering in Node under jsdom (see jsdom.ts), so mutation testing reaches markdown.ts:
 * the whole sanitized markup is compared for each rule (raw HTML as text, remote images as links,
 * links by meaning, the allowlist, task boxes, bidi controls, code block headers). The Chromium
 * tests (test/webview/markdown.test.ts, security.test.ts) are the reference for the page itself.
 */
import { container, markupOf } from './jsdom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeOfButton, isSafeLink, readableText, renderMarkdown, stripBidiControls } from '../../webview/markdown';

/** The markup, without the newline marked ends its last block with. */
const render = (source: string) => markupOf(renderMarkdown(source)).replace(/\n$/, '');
const CODE_HEADER = (lang: string) =>
  `<div class="code-header"><span class="code-lang">${lang}</span>` +
  '<button class="code-action" type="button" data-code-action="copy">Copy</button>' +
  '<button class="code-action" type="button" data-code-action="insert">Insert at Cursor</button></div>';

describe('renderMarkdown', () => {
  it('shows raw HTML as the text it is, inline and as a block', () => {
    assert.equal(render(`A <span>raw</span> & "q" 's`), `<p>A &lt;span&gt;raw&lt;/span&gt; &amp; "q" 's</p>`);
    assert.equal(render('<div onclick="x">\n  block\n</div>\n\nafter'), '<p>&lt;div onclick="x"&gt;\n  block\n&lt;/div&gt;</p>\n<p>after</p>');
    assert.equal(render('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('turns a remote image into a link named by its text, or "image"', () => {
    assert.equal(
      render('![alt <b>](https://evil.invalid/x.png "t")'),
      '<p><a href="https://evil.invalid/x.png" title="https://evil.invalid/x.png">alt &lt;b&gt;</a></p>',
    );
    assert.equal(render('![](https://evil.invalid/x.png)'), '<p><a href="https://evil.invalid/x.png" title="https://evil.invalid/x.png">image</a></p>');
    assert.equal(
      render('![q](https://evil.invalid/?a="b"&c)'),
      '<p><a href="https://evil.invalid/?a=&quot;b&quot;&amp;c" title="https://evil.invalid/?a=&quot;b&quot;&amp;c">q</a></p>',
    );
  });

  it('renders only embedded raster images in place', () => {
    for (const type of ['png', 'gif', 'jpg', 'jpeg', 'webp', 'PNG']) {
      const src = `data:image/${type};base64,iVBORw0KGgo=`;
      assert.equal(render(`![dot](${src})`), `<p><img src="${src}" alt="dot"></p>`, type);
    }
    assert.equal(render('![svg](data:image/svg+xml;base64,PHN2Zz4=)'), '<p><a>svg</a></p>');
    assert.equal(render('![bad](data:image/png;base64,ab!cd)'), '<p><a>bad</a></p>');
    assert.equal(render('![pre](xdata:image/png;base64,ab)'), '<p><a>pre</a></p>');
    assert.equal(render('![x](data:image/png;base64,ab "t")'), '<p><img src="data:image/png;base64,ab" alt="x" title="t"></p>');
  });

  it('keeps a link only to an absolute http(s) or mailto URL, and titles it with its target', () => {
    assert.equal(
      render('[a](javascript:alert(1)) [b](/rel) [c](mailto:a@b.c) [d](http://x.example/) [e](https://y.example/p) [f](ftp://z.example/)'),
      '<p><a>a</a> <a>b</a> <a href="mailto:a@b.c" title="mailto:a@b.c">c</a> <a href="http://x.example/" title="http://x.example/">d</a> ' +
        '<a href="https://y.example/p" title="https://y.example/p">e</a> <a>f</a></p>',
    );
  });

  it('drops bidi controls from link text and titles', () => {
    assert.equal(
      render('[\u202Egoogle\u202C.com](https://evil.example/)'),
      '<p><a href="https://evil.example/" title="https://evil.example/">google.com</a></p>',
    );
    assert.equal(
      render('[**\u2067x\u2069** y\u200E](https://e.example/)'),
      '<p><a href="https://e.example/" title="https://e.example/"><strong>x</strong> y</a></p>',
    );
    assert.equal(render('plain \u202Etext'), '<p>plain \u202Etext</p>', 'outside links the text is as written');
  });

  it('keeps task boxes, disabled, and the marks of the allowlist', () => {
    assert.equal(
      render('- [x] done\n- [ ] todo'),
      '<ul>\n<li><input checked="" disabled="" type="checkbox"> done</li>\n<li><input disabled="" type="checkbox"> todo</li>\n</ul>',
    );
    assert.equal(render('3. three'), '<ol start="3">\n<li>three</li>\n</ol>');
    assert.equal(
      render('| a | b |\n| :-: | --: |\n| 1 | 2 |'),
      '<table>\n<thead>\n<tr>\n<th align="center">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n<tbody><tr>\n<td align="center">1</td>\n<td align="right">2</td>\n</tr>\n</tbody></table>',
    );
    assert.equal(
      render('~~s~~ *e* **b** `c`\nline  \nbreak\n\n> q\n\n---\n\n# h1\n###### h6'),
      '<p><del>s</del> <em>e</em> <strong>b</strong> <code>c</code>\nline<br>break</p>\n<blockquote>\n<p>q</p>\n</blockquote>\n<hr>\n<h1>h1</h1>\n<h6>h6</h6>',
    );
  });

  it('wraps a code block with its language and the Copy and Insert buttons', () => {
    assert.equal(
      render('```ts\nconst a = 1;\n```'),
      `<div class="code-block">${CODE_HEADER('ts')}<pre><code class="language-ts">const a = 1;\n</code></pre></div>`,
    );
    assert.equal(render('```\nplain <b>\n```'), `<div class="code-block">${CODE_HEADER('')}<pre><code>plain &lt;b&gt;\n</code></pre></div>`);
    assert.equal(render('```c++ extra\nx\n```'), `<div class="code-block">${CODE_HEADER('c++')}<pre><code class="language-c++">x\n</code></pre></div>`);
    assert.equal(
      render('```a"b\nx\n```'),
      `<div class="code-block">${CODE_HEADER('')}<pre><code>x\n</code></pre></div>`,
      'a language outside [\\w#+.-] loses its class',
    );
    assert.equal(
      render('```x\n1\n```\n\n```y\n2\n```'),
      `<div class="code-block">${CODE_HEADER('x')}<pre><code class="language-x">1\n</code></pre></div>\n` +
        `<div class="code-block">${CODE_HEADER('y')}<pre><code class="language-y">2\n</code></pre></div>`,
    );
  });
});

describe('the helpers around rendered markdown', () => {
  it('isSafeLink takes absolute http, https and mailto URLs only', () => {
    for (const ok of ['http://a.example/', 'https://a.example/x', 'mailto:a@b.c', 'HTTPS://A.EXAMPLE']) assert.equal(isSafeLink(ok), true, ok);
    for (const no of ['javascript:alert(1)', '/rel', 'rel', '', 'data:text/html,x', 'ftp://a.example/', 'vscode://x', 'file:///etc/passwd'])
      assert.equal(isSafeLink(no), false, no);
  });

  it('stripBidiControls removes every directional control and nothing else', () => {
    const controls = '\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    assert.equal(stripBidiControls(`a${controls}b${controls}c`), 'abc');
    assert.equal(stripBidiControls('\u200D\u2065\u202F\u2070 x\u061B'), '\u200D\u2065\u202F\u2070 x\u061B');
  });

  it('codeOfButton gives the code of the block the button is in, without the final newline', () => {
    const host = container();
    host.append(renderMarkdown('```\nfirst\n\n```\n\n```sh\nls -l\n```'));
    const buttons = host.querySelectorAll('button');
    assert.equal(buttons.length, 4);
    assert.equal(codeOfButton(buttons[0]), 'first\n');
    assert.equal(codeOfButton(buttons[1]), 'first\n');
    assert.equal(codeOfButton(buttons[3]), 'ls -l');
    assert.equal(codeOfButton(host), undefined, 'outside a code block there is no code');
  });

  it('readableText reads the text without the code headers, trimmed', () => {
    const fragment = renderMarkdown('  Hello **there**\n\n```ts\ncode\n```\n\n- item');
    assert.equal(readableText(fragment), 'Hello there\ncode\n\n\nitem');
  });
});
