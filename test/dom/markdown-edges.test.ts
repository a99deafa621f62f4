/**
 * The rules of markdown.ts that whole renders do not reach, under jsdom (see jsdom.ts): the
 * sanitizer alone given hostile HTML that marked never emits (marked escapes raw HTML first, so this
 * is the second line of defence), a raw HTML block's indent, and the code of a button whose code has
 * a newline inside. markdown.test.ts holds the renders; the Chromium security test the whole page.
 */
import { container, markupOf } from './jsdom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeOfButton, renderMarkdown, sanitizeHtml } from '../../webview/markdown';

const CODE_HEADER =
  '<div class="code-header"><span class="code-lang"></span>' +
  '<button class="code-action" type="button" data-code-action="copy">Copy</button>' +
  '<button class="code-action" type="button" data-code-action="insert">Insert at Cursor</button></div>';

describe('renderMarkdown and codeOfButton, the edges', () => {
  it('trims the indent and the newline of a raw HTML block', () => {
    assert.equal(markupOf(renderMarkdown('  <div>x</div>\n')), '<p>&lt;div&gt;x&lt;/div&gt;</p>\n');
  });

  it('codeOfButton keeps a newline inside the code, and gives nothing for a block without code', () => {
    const lines = container();
    lines.append(renderMarkdown('```\na\nb\n```'));
    assert.equal(codeOfButton(lines.querySelector('button')!), 'a\nb');
    const empty = container();
    empty.innerHTML = '<div class="code-block"><button>Copy</button></div>';
    assert.equal(codeOfButton(empty.querySelector('button')!), undefined);
  });
});

/** What the sanitizer alone makes of `html`. */
const sanitized = (html: string) => markupOf(sanitizeHtml(html));

describe('sanitizeHtml, the second line of defence', () => {
  it('keeps every tag of the allowlist', () => {
    const allowed =
      '<p><a>a</a><br><code>c</code><del>d</del><em>e</em><s>s</s><strong>st</strong></p><blockquote>q</blockquote>' +
      '<h1>1</h1><h2>2</h2><h3>3</h3><h4>4</h4><h5>5</h5><h6>6</h6><hr><ol start="2"><li>o</li></ol><ul><li>u</li></ul>' +
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>';
    assert.equal(sanitized(allowed), allowed);
  });

  it('drops every other tag, and the content of scripts, styles, frames, SVG and MathML', () => {
    assert.equal(
      sanitized(
        '<script>alert(1)</script><style>p{}</style><iframe src="https://e.example/"></iframe><object>o</object><embed>' +
          '<form><b>f</b></form><svg><circle></circle></svg><math><mi>x</mi></math><base href="https://e.example/">' +
          '<meta charset="x"><link rel="x"><div>d<span>s</span></div>',
      ),
      'ofds',
    );
  });

  it('drops event handlers, styles, ids, data and ARIA attributes', () => {
    assert.equal(
      sanitized('<p data-x="1" aria-label="l" onclick="x()" style="color:red" id="i" title="t" align="left">x</p>'),
      '<p title="t" align="left">x</p>',
    );
  });

  it('keeps href only on a link, and src only on an embedded image', () => {
    assert.equal(
      sanitized('<p href="https://e.example/">x</p><a href="https://e.example/">y</a>'),
      '<p>x</p><a href="https://e.example/" title="https://e.example/">y</a>',
    );
    assert.equal(
      sanitized('<p src="data:image/png;base64,AA">x</p><img src="https://e.example/x.png" alt="remote"><img src="data:image/png;base64,AA" alt="d">'),
      '<p>x</p>remote<img src="data:image/png;base64,AA" alt="d">',
      'a remote image becomes its alt text',
    );
    assert.equal(sanitized('<img alt="A">|<img>'), 'A|', 'an image without src: its alt text, or nothing');
  });

  it('keeps class only as one language-x on code', () => {
    assert.equal(
      sanitized('<p class="language-js">x</p><code class="language-js x">a</code><code class="xlanguage-js">b</code><code class="language-js">c</code>'),
      '<p>x</p><code>a</code><code>b</code><code class="language-js">c</code>',
    );
  });

  it('keeps type, checked and disabled only on a checkbox, which it disables; other inputs go', () => {
    assert.equal(sanitized('<p type="checkbox">a</p><p checked>b</p><p disabled>c</p>'), '<p>a</p><p>b</p><p>c</p>');
    assert.equal(sanitized('<input type="checkbox" checked><input type="text"><input>'), '<input type="checkbox" checked="" disabled="">');
  });

  it('gives a code block without code a header with no language', () => {
    assert.equal(sanitized('<pre>plain</pre>'), `<div class="code-block">${CODE_HEADER}<pre>plain</pre></div>`);
  });
});
