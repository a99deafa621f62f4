// Small DOM helpers. Strings from the host only ever reach the page through `text` (textContent)
// or attribute values; HTML is built from markup only in markdown.ts, after sanitizing.

interface Props {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** Creates an element with a class, text content and attributes, then appends `children`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Array<Node | null | undefined>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  for (const child of children) if (child) el.append(child);
  return el;
}

/** A native button: keyboard, focus and accessible name come for free. */
export function button(label: string, className: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { class: className, text: label, attrs: { type: 'button', ...attrs } });
}

/** Sets textContent only when it differs, so unchanged nodes are not touched (nor re-announced). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Shows or hides an element through the `hidden` attribute (display is CSS's job otherwise). */
export function show(el: HTMLElement, visible: boolean): void {
  if (el.hidden === visible) el.hidden = !visible;
}
