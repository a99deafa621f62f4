// Where a growing markdown source can be cut: blocks that end before a blank line (outside a code
// fence) can no longer change, with two exceptions this scanner guards: a list continues across
// blank lines (and a blank line makes it "loose", changing how all its items render), and a link
// reference definition anywhere changes links everywhere. Pure (no DOM), so its rules are tested in
// Node on their own; stream.ts renders by its cuts.

const BLANK = /^[ \t]*$/;
/** Indented lines after a blank line may still belong to the block before it (list item, code). */
const STARTS_AT_MARGIN = /^\S/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const FENCE_OPEN = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:/;
/** HTML blocks that run until an end marker rather than until a blank line (CommonMark types 1-5). */
const HTML_BLOCKS: Array<[start: RegExp, end: RegExp]> = [
  [/^ {0,3}<(script|pre|style|textarea)(?=[\s>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
  [/^ {0,3}<![a-z]/i, />/],
];

/**
 * Finds the last offset at which a growing markdown source can be cut so that the part before it
 * renders the same alone as it does within the whole. Scans each complete line once.
 */
export class BlockBoundaryScanner {
  /** The cut: source before it is finished. 0 while no safe cut has been seen. */
  boundary = 0;
  private scanned = 0;
  /** While inside a fenced code block: the line that closes it. */
  private fenceEnd: RegExp | undefined;
  private htmlEnd: RegExp | undefined;
  private afterBlank = false;
  /** Inside a list that a following item would continue. */
  private inList = false;
  /** A link reference definition makes any earlier block depend on later text: never cut. */
  private frozen = false;

  /**
   * Scans the complete lines not yet seen. Offsets are of the whole source; `text` is the source
   * from `base` on (base <= every offset not yet scanned), so a caller never has to hold or flatten
   * the whole of a long reply.
   */
  scan(text: string, base = 0): number {
    for (let nl = text.indexOf('\n', this.scanned - base); nl >= 0; nl = text.indexOf('\n', this.scanned - base)) {
      this.line(text.slice(this.scanned - base, nl), this.scanned);
      this.scanned = base + nl + 1;
    }
    return this.frozen ? 0 : this.boundary;
  }

  private line(line: string, start: number): void {
    if (this.fenceEnd) {
      if (this.fenceEnd.test(line)) this.fenceEnd = undefined;
      this.afterBlank = false;
      return;
    }
    if (this.htmlEnd) {
      if (this.htmlEnd.test(line)) this.htmlEnd = undefined;
      this.afterBlank = false;
      return;
    }
    if (BLANK.test(line)) {
      this.afterBlank = true;
      return;
    }
    if (STARTS_AT_MARGIN.test(line)) {
      const item = LIST_ITEM.test(line);
      // After a blank line, a line at the margin closes the block before it, unless it is the next
      // item of the list that block belongs to.
      if (this.afterBlank && !(item && this.inList)) this.boundary = start;
      if (item) this.inList = true;
      else if (this.afterBlank) this.inList = false;
    }
    this.afterBlank = false;
    if (LINK_DEFINITION.test(line)) this.frozen = true;
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      // Closed by the same character, at least as many times, and nothing else on the line.
      this.fenceEnd = new RegExp(`^ {0,3}${fence[1][0]}{${fence[1].length},}[ \\t]*$`);
      return;
    }
    for (const [open, end] of HTML_BLOCKS) {
      const m = open.exec(line);
      if (m) {
        if (!end.test(line.slice(m[0].length))) this.htmlEnd = end;
        return;
      }
    }
  }
}
