// Incremental markdown for streamed replies. A reply grows at its end, and markdown blocks that
// are finished can no longer change (block-scanner.ts finds where the text can be cut). Finished
// blocks are rendered once and kept as DOM; each frame only the unfinished tail is parsed again.
// The DOM that results equals a one-shot render (test/webview/streaming.test.ts holds it to that
// for the cases each rule of the scanner exists for).
import { hasPrefix } from '../src/protocol/strings';
import { BlockBoundaryScanner } from './block-scanner';
import { readableText, renderMarkdown } from './markdown';

/** Finished blocks are grouped in wrappers of about this many characters (see `commit`). */
const CHUNK_CHARS = 16_000;

/** CRLF and lone CR made LF. The check first: most texts have no CR, and a replace costs more. */
function withLF(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * A container whose markdown content can grow cheaply. `setSource` and `append` record the text
 * (`setSource` also notes whether it continues what is shown); the caller calls `render` at most
 * once per frame.
 *
 * While a reply only grows (`append`), no frame touches the whole reply: the text after the last
 * finished block is kept apart, and the whole is only ever concatenated (which V8 does without
 * copying). Scanning, comparing or even normalising line ends of the whole reply on every frame
 * made a frame cost grow with the reply (BENCHMARKS.md, 3 and 6).
 */
export class IncrementalMarkdown {
  readonly element: HTMLElement;
  /** The whole text, line ends normalised. */
  private source = '';
  /** The text the DOM shows. */
  private rendered: string | undefined;
  /**
   * Whether `source` starts with `rendered` and `tailText` is source[committed..]: the next render
   * continues the DOM shown. `setSource` compares once; appends keep it, without a look at the
   * whole text.
   */
  private extendsShown = false;
  /** The last appended piece ended in CR: a LF starting the next one belongs to it. */
  private endsInCR = false;
  private scanner = new BlockBoundaryScanner();
  /** Source offset up to which blocks are rendered and kept. */
  private committed = 0;
  /** source[committed..]. */
  private tailText = '';
  /** The DOM of source[committed..], replaced on each render. */
  private tailNodes: ChildNode[] = [];
  /** The wrapper finished blocks go into, while it is smaller than CHUNK_CHARS. */
  private chunk: HTMLElement | undefined;
  private chunkChars = 0;

  /** @param onCommit receives the text of blocks as they become final (for screen readers). */
  constructor(
    element: HTMLElement,
    private readonly onCommit?: (text: string) => void,
  ) {
    this.element = element;
  }

  /** The whole text to show. */
  setSource(text: string): void {
    const source = withLF(text);
    this.source = source;
    this.endsInCR = text.endsWith('\r');
    this.extendsShown = this.rendered !== undefined && hasPrefix(source, this.rendered);
    if (this.extendsShown) this.tailText = source.slice(this.committed);
  }

  /** Text added at the end of the source (what an `append` message carries). */
  append(text: string): void {
    if (this.endsInCR && text.startsWith('\n')) text = text.slice(1);
    this.endsInCR = text.endsWith('\r');
    text = withLF(text);
    this.source += text;
    if (this.extendsShown) this.tailText += text;
  }

  /**
   * Brings the DOM up to date with the source. Returns false when nothing had to be done.
   * @param streaming more text may follow; when false and the text is new (not a continuation of
   * what is shown), it is rendered in one piece.
   */
  render(streaming: boolean): boolean {
    const source = this.source;
    if (source === this.rendered) return false;
    const continues = this.extendsShown;
    this.rendered = source;
    // A text shown is its own start; appends keep that.
    this.extendsShown = true;
    if (!continues) {
      this.restart();
      if (!streaming) {
        this.tailNodes = this.show(renderMarkdown(source));
        return true;
      }
    }

    const boundary = this.scanner.scan(this.tailText, this.committed);
    if (boundary > this.committed) {
      // The previous tail is now (partly) final: render that stretch once, as blocks of its own.
      this.removeTail();
      this.commit(this.tailText.slice(0, boundary - this.committed));
      this.tailText = this.tailText.slice(boundary - this.committed);
      this.committed = boundary;
    } else if (boundary < this.committed) {
      // Only after a link reference definition appears: everything becomes tail again.
      this.restart();
    }
    // The new tail goes in before the old one leaves, so the last chunk never briefly becomes the
    // last child: that would restyle it (chat.css has `:last-child` rules).
    const old = this.tailNodes;
    this.tailNodes = this.show(renderMarkdown(this.tailText));
    for (const node of old) node.remove();
    return true;
  }

  /**
   * Renders finished text once and keeps it. It goes into a wrapper with `content-visibility`
   * (chat.css), so Chromium skips layout and paint of finished text out of view; wrappers hold
   * many commits, because Chromium checks each such element's visibility every frame.
   */
  private commit(text: string): void {
    const finished = renderMarkdown(text);
    const readable = readableText(finished);
    if (!this.chunk || this.chunkChars >= CHUNK_CHARS) {
      this.chunk = document.createElement('div');
      this.chunk.className = 'md-chunk';
      this.chunkChars = 0;
      this.element.append(this.chunk);
    }
    this.chunk.append(finished);
    this.chunkChars += text.length;
    if (readable) this.onCommit?.(readable);
  }

  private show(fragment: DocumentFragment): ChildNode[] {
    const nodes = Array.from(fragment.childNodes);
    this.element.append(fragment);
    return nodes;
  }

  /** The text not yet handed to `onCommit`: the tail, for announcing once the reply is complete. */
  get pendingText(): string {
    return this.tailNodes.map(readableText).filter(Boolean).join('\n');
  }

  private removeTail(): void {
    for (const node of this.tailNodes) node.remove();
    this.tailNodes = [];
  }

  private restart(): void {
    this.element.replaceChildren();
    this.tailNodes = [];
    this.committed = 0;
    this.tailText = this.source;
    this.chunk = undefined;
    this.scanner = new BlockBoundaryScanner();
  }
}
