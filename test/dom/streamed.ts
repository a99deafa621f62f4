// Helpers shared by the streaming tests under jsdom (stream.test.ts, stream-rules.test.ts).
import { container, markupOf } from './jsdom';
import { renderMarkdown } from '../../webview/markdown';
import { IncrementalMarkdown } from '../../webview/stream';

/** The element's markup without the `.md-chunk` wrappers, to compare with a one-shot render. */
export function flat(element: HTMLElement): string {
  const copy = element.cloneNode(true) as HTMLElement;
  for (const chunk of copy.querySelectorAll('.md-chunk')) chunk.replaceWith(...chunk.childNodes);
  return copy.innerHTML;
}

export const oneShot = (text: string) => markupOf(renderMarkdown(text.replace(/\r\n?/g, '\n')));

/** Streams `pieces` as `append`s, a render after each, as frames would. */
export function stream(pieces: string[], onCommit?: (text: string) => void): IncrementalMarkdown {
  const md = new IncrementalMarkdown(container(), onCommit);
  md.setSource('');
  md.render(true);
  for (const piece of pieces) {
    md.append(piece);
    md.render(true);
  }
  return md;
}

/** Pieces of 1..max characters, cut the same way each run. */
export function chop(text: string, max: number): string[] {
  const pieces: string[] = [];
  for (let i = 0, n = 1; i < text.length; n = (n * 7 + 3) % max) {
    pieces.push(text.slice(i, i + n + 1));
    i += n + 1;
  }
  return pieces;
}
