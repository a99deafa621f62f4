// Puts a jsdom window's globals where the webview modules look for them (`window`, `document`,
// `Node`...), so their Node tests can import them. Import this module before any webview module
// that touches the DOM when it loads (markdown.ts calls DOMPurify(window) at load time).
//
// jsdom is here for mutation testing only: Stryker runs a test process per mutant, which Chromium
// cannot be. The webview's real tests run in Chromium (test/webview/) and stay the reference for
// what the page does; these tests hold the same modules to the same rules in a DOM that is close.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'https://webview.invalid/' });
const globals = ['window', 'document', 'Node', 'NodeFilter', 'Element', 'HTMLElement', 'DocumentFragment', 'Text'] as const;
for (const name of globals) {
  Object.defineProperty(globalThis, name, { value: name === 'window' ? dom.window : dom.window[name], configurable: true, writable: true });
}

/** A fresh element attached to the document, as a reply's container would be. */
export function container(): HTMLElement {
  const el = dom.window.document.createElement('div');
  dom.window.document.body.append(el);
  return el;
}

/** The markup of a fragment or element's children, for comparing renders. */
export function markupOf(node: Node): string {
  const holder = dom.window.document.createElement('div');
  holder.append(node.cloneNode(true));
  return holder.innerHTML;
}
