// Model output -> safe DOM. `marked` turns markdown into HTML; DOMPurify then parses that HTML into
// a detached fragment and drops everything outside a small allowlist. The fragment is inserted as
// DOM (never re-serialized), which closes the door on mutation-XSS round trips.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { button, h } from './dom';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline images are allowed only as embedded raster data: a webview must make no remote request. */
const SAFE_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]*$/i;
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Absolute http(s)/mailto URLs only: relative links would resolve against the webview's own origin. */
export function isSafeLink(href: string): boolean {
  try {
    return LINK_PROTOCOLS.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML in a reply is shown as the text it is, as VS Code's own chat does: a model quoting
    // `<div>` means the characters, and nothing it writes can become markup of ours.
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
    },
    // A remote image would be a request the person did not ask for (and a tracking pixel): show it
    // as a link they can choose to open. Embedded data images render in place.
    image({ href, text }) {
      if (SAFE_IMAGE.test(href)) return false;
      return `<a href="${escapeHtml(href)}">${escapeHtml(text || 'image')}</a>`;
    },
  },
});

const purify = DOMPurify(window);

// The allowlist is what marked emits for CommonMark + GFM, nothing more: no forms, frames, media,
// SVG, MathML, style or script (all forbidden by omission, and listed again below to say so).
const PURIFY_CONFIG = {
  ALLOWED_TAGS: [
    'a',
    'blockquote',
    'br',
    'code',
    'del',
    'em',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'img',
    'input',
    'li',
    'ol',
    'p',
    'pre',
    's',
    'strong',
    'table',
    'tbody',
    'td',
    'th',
    'thead',
    'tr',
    'ul',
  ],
  FORBID_TAGS: ['script', 'style', 'iframe', 'object', 'embed', 'form', 'svg', 'math', 'base', 'meta', 'link'],
  ALLOWED_ATTR: ['align', 'alt', 'checked', 'class', 'disabled', 'href', 'src', 'start', 'title', 'type'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  RETURN_DOM_FRAGMENT: true as const,
};

// On top of DOMPurify's own URI checks, attribute values are checked by meaning: links must parse
// as absolute http(s)/mailto URLs, images must be embedded rasters, and `class` survives only as
// marked's `language-x` on code (a reply must not borrow the classes of this UI).
purify.addHook('uponSanitizeAttribute', (node, data) => {
  const tag = node.nodeName.toLowerCase();
  switch (data.attrName) {
    case 'href':
      data.keepAttr = tag === 'a' && isSafeLink(data.attrValue);
      break;
    case 'src':
      data.keepAttr = tag === 'img' && SAFE_IMAGE.test(data.attrValue);
      break;
    case 'class':
      data.keepAttr = tag === 'code' && /^language-[\w#+.-]+$/.test(data.attrValue);
      break;
    case 'type':
    case 'checked':
    case 'disabled':
      data.keepAttr = tag === 'input';
      break;
  }
});

/** Renders markdown to a sanitized fragment, code blocks decorated with Copy and Insert buttons. */
export function renderMarkdown(source: string): DocumentFragment {
  let html: string;
  try {
    html = marked.parse(source, { async: false });
  } catch {
    // marked throws only on internal errors; showing the text beats showing nothing.
    html = `<p>${escapeHtml(source)}</p>`;
  }
  return sanitizeHtml(html);
}

/**
 * HTML -> a fragment holding only the allowlist, finished as `renderMarkdown` shows it. Exported so
 * the tests can hand it HTML that `marked` would never emit: it is the second line of defence.
 */
export function sanitizeHtml(html: string): DocumentFragment {
  const fragment = purify.sanitize(html, PURIFY_CONFIG);
  finish(fragment);
  return fragment;
}

function finish(fragment: DocumentFragment): void {
  for (const img of fragment.querySelectorAll('img')) {
    if (!img.hasAttribute('src')) img.replaceWith(img.getAttribute('alt') ?? '');
  }
  // GFM task lists are the only inputs marked makes; anything else has no business here.
  for (const input of fragment.querySelectorAll('input')) {
    if (input.getAttribute('type') === 'checkbox') input.disabled = true;
    else input.remove();
  }
  for (const a of fragment.querySelectorAll('a')) {
    // Bidirectional controls in link text reverse it and the text after it ("moc.elgoog" reading as
    // google.com): they go. CSS isolates what is left, and the title shows the real target before it
    // is opened (the host opens it, see app.ts).
    for (const node of textNodesOf(a)) node.data = stripBidiControls(node.data);
    const href = a.getAttribute('href');
    if (href) a.setAttribute('title', stripBidiControls(href));
  }
  for (const pre of fragment.querySelectorAll('pre')) decorateCodeBlock(pre);
}

/** Unicode's directional embeddings, overrides, isolates and marks: invisible, and they reorder text. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

function textNodesOf(root: Node): Text[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  while (walker.nextNode()) nodes.push(walker.currentNode as Text);
  return nodes;
}

/** Wraps a code block with a header: its language and the buttons that act on its text. */
function decorateCodeBlock(pre: HTMLPreElement): void {
  const lang = /(?:^|\s)language-([\w#+.-]+)/.exec(pre.querySelector('code')?.className ?? '')?.[1] ?? '';
  const header = h(
    'div',
    { class: 'code-header' },
    h('span', { class: 'code-lang', text: lang }),
    button('Copy', 'code-action', { 'data-code-action': 'copy' }),
    button('Insert at Cursor', 'code-action', { 'data-code-action': 'insert' }),
  );
  const block = h('div', { class: 'code-block' });
  pre.replaceWith(block);
  block.append(header, pre);
}

/** The code a Copy/Insert button inside a rendered code block refers to. */
export function codeOfButton(buttonEl: Element): string | undefined {
  const code = buttonEl.closest('.code-block')?.querySelector('pre')?.textContent;
  // marked ends every code block with a newline that is not part of the code.
  return code?.replace(/\n$/, '');
}

/** The text a screen reader should hear for rendered markdown: without the code-block buttons. */
export function readableText(node: Node): string {
  return collectText(node).trim();
}

function collectText(node: Node): string {
  if (node instanceof Element && node.classList.contains('code-header')) return '';
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  let text = '';
  for (const child of node.childNodes) text += collectText(child);
  return text;
}
