// A small syntax colourer for the diffs under tool cards: comments, strings, numbers, keywords,
// constants, types, calls, tags and keys, by file extension; anything else stays plain text. Pure
// (no DOM): it cuts text into tokens, and the caller makes text nodes and spans of them, so gateway
// text never becomes markup. It reads one line at a time and carries only what can run across lines
// (a block comment, a template or triple-quoted string), which is all a diff hunk needs.
import { GRAMMARS, type Grammar, type Span } from './grammars';

export type TokenKind = 'comment' | 'string' | 'number' | 'keyword' | 'constant' | 'type' | 'function' | 'tag' | 'attr';
export interface Token {
  text: string;
  /** Undefined: plain text. */
  kind?: TokenKind;
}

/** Diffs longer than this are shown plain: colouring is a nicety, never worth a slow chat. */
export const MAX_HIGHLIGHT_LINES = 2000;
/** A line longer than this (minified code, data) is shown plain. */
export const MAX_HIGHLIGHT_LINE_CHARS = 1000;
/**
 * A diff with more text than this is shown plain: about 15 ms of colouring at worst on a slow core
 * (bench/diff-colours.ts), so unfolding a card never stalls a frame for long.
 */
export const MAX_HIGHLIGHT_CHARS = 100_000;

/** The grammar for a file's path, by its extension; undefined (plain text) for anything unknown. */
export function grammarOf(path: string): Grammar | undefined {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  if (dot < 0 || name.length - dot > 12) return undefined;
  return GRAMMARS.get(name.slice(dot + 1).toLowerCase());
}

const NUMBER = /0[xob][\da-f_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:e[+-]?\d+)?[a-z%]*/iy;
const SPACE = /\s*/y;

/** Cuts lines of one file into tokens, carrying an unclosed block comment or string to the next line. */
export class Highlighter {
  private open: Span | undefined;

  constructor(private readonly grammar: Grammar) {}

  /** Forgets what was open (a new hunk starts somewhere else in the file). */
  reset(): void {
    this.open = undefined;
  }

  line(text: string): Token[] {
    const out = new Tokens();
    const g = this.grammar;
    let i = 0;
    if (this.open) {
      const end = closeOf(text, 0, this.open);
      out.add(text.slice(0, end < 0 ? text.length : end), this.open.kind);
      if (end < 0) return out.tokens;
      this.open = undefined;
      i = end;
    }
    if (g.heading?.test(text)) {
      out.add(text, 'keyword');
      return out.tokens;
    }
    while (i < text.length) {
      const ch = text[i];
      if (g.lineComments.some((c) => text.startsWith(c, i)) && (ch !== '#' || i === 0 || /\s/.test(text[i - 1]))) {
        out.add(text.slice(i), 'comment');
        break;
      }
      const span = g.spans.find((s) => text.startsWith(s.open, i));
      if (span) {
        const end = closeOf(text, i + span.open.length, span);
        if (end < 0) {
          out.add(text.slice(i), span.kind);
          if (span.multiline) this.open = span;
          break;
        }
        const kind = span.kind === 'string' && isKey(g, text, i, end) ? 'attr' : span.kind;
        out.add(text.slice(i, end), kind);
        i = end;
        continue;
      }
      if (g.tags && ch === '<' && /[/A-Za-z!?]/.test(text[i + 1] ?? '')) {
        i = this.tag(text, i, out);
        continue;
      }
      const prev = text[i - 1] ?? ' ';
      if (g.numbers && /\d/.test(ch) && !g.word.test(prev)) {
        NUMBER.lastIndex = i;
        const match = NUMBER.exec(text);
        if (match) {
          out.add(match[0], 'number');
          i += match[0].length;
          continue;
        }
      }
      if (g.word.test(ch) && !g.word.test(prev)) {
        let end = i + 1;
        while (end < text.length && (g.word.test(text[end]) || /\d/.test(text[end]))) end++;
        const word = text.slice(i, end);
        out.add(word, isKey(g, text, i, end) ? 'attr' : this.wordKind(word, text, end));
        i = end;
        continue;
      }
      out.add(ch);
      i++;
    }
    return out.tokens;
  }

  private wordKind(word: string, text: string, end: number): TokenKind | undefined {
    const g = this.grammar;
    if (g.keywords.has(word)) return 'keyword';
    if (g.constants.has(word)) return 'constant';
    const next = nextChar(text, end);
    if (g.types.has(word) || (g.capitalTypes && /^[A-Z][A-Za-z\d_]*[a-z][A-Za-z\d_]*$/.test(word))) return 'type';
    if (g.calls && next === '(') return 'function';
    return undefined;
  }

  /** `<name attr="value">` on this line: the name a tag, attribute names keys, quoted values strings. */
  private tag(text: string, start: number, out: Tokens): number {
    const name = /<\/?([!?]?[\w:.-]*)/y;
    name.lastIndex = start;
    const head = name.exec(text)!;
    out.add(head[0].slice(0, head[0].length - head[1].length));
    out.add(head[1], 'tag');
    let i = start + head[0].length;
    while (i < text.length && text[i] !== '>') {
      const ch = text[i];
      if (ch === '"' || ch === "'") {
        const close = text.indexOf(ch, i + 1);
        const end = close < 0 ? text.length : close + 1;
        out.add(text.slice(i, end), 'string');
        i = end;
      } else if (/[\w:-]/.test(ch)) {
        const word = /[\w:.-]+/y;
        word.lastIndex = i;
        const attr = word.exec(text)![0];
        out.add(attr, 'attr');
        i += attr.length;
      } else {
        out.add(ch);
        i++;
      }
    }
    return i;
  }
}

/**
 * Tokens for each line of a diff (`@` a hunk's header, `-` old, `+` new, ` ` both), each side with
 * its own carried state; a line shown plain is undefined. Undefined for all: plain text (an unknown
 * language, or too many lines or characters).
 */
export function highlightDiff(path: string, lines: ReadonlyArray<{ op: string; text: string }>): Array<Token[] | undefined> | undefined {
  const grammar = grammarOf(path);
  if (!grammar || lines.length > MAX_HIGHLIGHT_LINES) return undefined;
  let chars = 0;
  for (const line of lines) if ((chars += line.text.length) > MAX_HIGHLIGHT_CHARS) return undefined;
  const before = new Highlighter(grammar);
  const after = new Highlighter(grammar);
  return lines.map(({ op, text }) => {
    if (op === '@') {
      before.reset();
      after.reset();
      return undefined;
    }
    if (text.length > MAX_HIGHLIGHT_LINE_CHARS) return undefined;
    if (op === '-') return before.line(text);
    const tokens = after.line(text);
    if (op === ' ') before.line(text);
    return tokens;
  });
}

/** Where a span opened before `from` closes on this line (the index after its close), or -1. */
function closeOf(text: string, from: number, span: Span): number {
  for (let i = from; i < text.length; i++) {
    if (span.escape && text[i] === '\\') i++;
    else if (text.startsWith(span.close, i)) return i + span.close.length;
  }
  return -1;
}

/**
 * A key: followed by `:` or `=`, and first in its line or after `{`, `,`, `;` or a list's `-`
 * (so `url: http://x` has one key, and `a:hover` none).
 */
function isKey(g: Grammar, text: string, start: number, end: number): boolean {
  if (!g.keys) return false;
  const next = nextChar(text, end);
  if (next !== ':' && next !== '=') return false;
  const before = text.slice(0, start).trimEnd();
  return before === '' || '{,;-'.includes(before[before.length - 1]);
}

function nextChar(text: string, from: number): string | undefined {
  SPACE.lastIndex = from;
  SPACE.exec(text);
  return text[SPACE.lastIndex];
}

/** Tokens in order, plain neighbours merged so a line is a few nodes, not one per character. */
class Tokens {
  readonly tokens: Token[] = [];

  add(text: string, kind?: TokenKind): void {
    if (!text) return;
    const last = this.tokens.at(-1);
    if (last && last.kind === kind) last.text += text;
    else this.tokens.push(kind ? { text, kind } : { text });
  }
}
