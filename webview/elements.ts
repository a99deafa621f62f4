// The few @vscode-elements components the chat uses, imported one module each so the bundle holds
// Lit and these two, not the whole library. They style themselves with constructable stylesheets
// (adoptedStyleSheets), which the webview's CSP allows without 'unsafe-inline'.
//
// The composer keeps its native <textarea> and <button>: inside a shadow root the textarea would
// lose the page's label, `field-sizing` and the IME handling tested in input.test.ts, and a
// <vscode-button> for Send/Stop would only imitate what the native button already does.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { h } from './dom';

/**
 * A VS Code button whose accessible name is `label` (slotted text, so it stays plain text). The
 * element is role=button with tabindex=0 and turns Enter and Space into a click.
 */
export function vscodeButton(label: string, secondary: boolean, attrs: Record<string, string> = {}): HTMLElement {
  return h('vscode-button', { text: label, attrs: secondary ? { secondary: '', ...attrs } : attrs });
}

/**
 * A spinning ring for the eye only. The component makes itself an assertive "Loading" alert; here
 * it sits next to text that already says what is happening, so it leaves the accessibility tree.
 */
export function progressRing(className: string): HTMLElement {
  return h('vscode-progress-ring', { class: className, attrs: { role: 'presentation', 'aria-live': 'off', 'aria-hidden': 'true' } });
}
