// What highlight.ts knows of each language: its comments, its strings (which may run across lines)
// and its words. Deliberately small: enough that a diff reads like the editor shows it, not a parser.

/** A delimited stretch: a string or a block comment. */
export interface Span {
  open: string;
  close: string;
  kind: 'string' | 'comment';
  /** It may run on to the next lines (a block comment, a template or triple-quoted string). */
  multiline: boolean;
  /** A backslash escapes the next character. */
  escape: boolean;
}

export interface Grammar {
  lineComments: readonly string[];
  /** Tried in order at each character: longer openers first (`"""` before `"`). */
  spans: readonly Span[];
  keywords: ReadonlySet<string>;
  constants: ReadonlySet<string>;
  types: ReadonlySet<string>;
  /** A word may start with this (and go on with it or digits). */
  word: RegExp;
  /** Capitalised words are types (classes, structs). */
  capitalTypes: boolean;
  /** A word before `(` is a call. */
  calls: boolean;
  /** A word or string before `:` or `=` is a key (JSON, YAML, TOML, CSS properties). */
  keys: boolean;
  /** Digits are numbers (not in prose: Markdown, the text of HTML). */
  numbers: boolean;
  /** `<tag attr="v">` (HTML, XML). */
  tags: boolean;
  /** A whole line that is a heading (Markdown). */
  heading?: RegExp;
}

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));
const str = (quote: string, escape = true, multiline = false): Span => ({ open: quote, close: quote, kind: 'string', multiline, escape });
const block = (open: string, close: string): Span => ({ open, close, kind: 'comment', multiline: true, escape: false });

const IDENT = /[A-Za-z_$]/;
const NONE = words('');

function grammar(parts: Partial<Grammar> & Pick<Grammar, 'spans'>): Grammar {
  return {
    lineComments: [],
    keywords: NONE,
    constants: NONE,
    types: NONE,
    word: IDENT,
    capitalTypes: true,
    calls: true,
    keys: false,
    numbers: true,
    tags: false,
    ...parts,
  };
}

const C_SPANS = [block('/*', '*/'), str('"'), str("'")];

const SCRIPT = grammar({
  lineComments: ['//'],
  spans: [block('/*', '*/'), str('"'), str("'"), str('`', true, true)],
  keywords: words(`abstract as async await break case catch class const continue debugger declare default delete do else enum
    export extends finally for from function get if implements import in instanceof interface keyof let namespace new of
    private protected public readonly return satisfies set static super switch this throw try type typeof var void while
    with yield`),
  constants: words('true false null undefined NaN Infinity'),
  types: words('string number boolean any unknown never object symbol bigint'),
});

const PYTHON = grammar({
  lineComments: ['#'],
  spans: [str('"""', true, true), str("'''", true, true), str('"'), str("'")],
  keywords: words(`and as assert async await break case class continue def del elif else except finally for from global if
    import in is lambda match nonlocal not or pass raise return try while with yield`),
  constants: words('True False None self cls'),
  types: words('int float str bool bytes list dict set tuple object'),
});

const SHELL = grammar({
  lineComments: ['#'],
  spans: [str('"'), str("'", false)],
  keywords: words(`if then else elif fi for while until do done case esac function in select return local export readonly
    declare unset shift exit break continue source`),
  constants: words('true false'),
  capitalTypes: false,
  calls: false,
});

const GO = grammar({
  lineComments: ['//'],
  spans: [block('/*', '*/'), str('"'), str("'"), str('`', false, true)],
  keywords: words(`break case chan const continue default defer else fallthrough for func go goto if import interface map
    package range return select struct switch type var`),
  constants: words('true false nil iota'),
  types: words('int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 uintptr float32 float64 string bool byte rune error any'),
});

const RUST = grammar({
  lineComments: ['//'],
  // No `'` strings: it opens lifetimes (`&'a str`) as often as char literals.
  spans: [block('/*', '*/'), str('"')],
  keywords: words(`as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move
    mut pub ref return self static struct super trait type unsafe use where while`),
  constants: words('true false None Some Ok Err Self'),
  types: words('i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str'),
});

const C_FAMILY = grammar({
  lineComments: ['//'],
  spans: C_SPANS,
  keywords: words(`abstract async auto await base break case catch class const constexpr continue default delete do else enum
    explicit extends extern final finally for foreach friend goto if implements import in inline interface internal is
    namespace new operator out override package params private protected public readonly ref register return sealed
    sizeof static struct super switch template this throw throws try typedef typename union using var virtual volatile
    while yield`),
  constants: words('true false null nullptr NULL'),
  types: words('void int long short char float double bool boolean byte signed unsigned string object decimal'),
});

const JSON_ = grammar({
  lineComments: ['//'],
  spans: [block('/*', '*/'), str('"')],
  constants: words('true false null'),
  capitalTypes: false,
  calls: false,
  keys: true,
});

const YAML = grammar({
  lineComments: ['#'],
  spans: [str('"'), str("'", false)],
  constants: words('true false null yes no on off'),
  capitalTypes: false,
  calls: false,
  keys: true,
  word: /[A-Za-z_-]/,
});

const TOML = grammar({ ...YAML, spans: [str('"""', true, true), str("'''", false, true), str('"'), str("'", false)] });

const CSS = grammar({
  lineComments: ['//'],
  spans: C_SPANS,
  keywords: words('media import include mixin extend use forward keyframes supports font-face important'),
  constants: words('none auto inherit initial unset'),
  word: /[A-Za-z_-]/,
  capitalTypes: false,
  keys: true,
});

const MARKUP = grammar({ spans: [block('<!--', '-->')], capitalTypes: false, calls: false, numbers: false, tags: true });

const MARKDOWN = grammar({
  spans: [block('<!--', '-->'), str('```', false, true), str('`', false)],
  capitalTypes: false,
  calls: false,
  numbers: false,
  heading: /^#{1,6}\s/,
});

const BY_EXTENSION: Array<[Grammar, string]> = [
  [SCRIPT, 'ts tsx mts cts js jsx mjs cjs'],
  [PYTHON, 'py pyi pyw'],
  [SHELL, 'sh bash zsh'],
  [GO, 'go'],
  [RUST, 'rs'],
  [C_FAMILY, 'java c h cc cpp cxx hpp hh cs kt'],
  [JSON_, 'json jsonc json5'],
  [YAML, 'yaml yml'],
  [TOML, 'toml'],
  [CSS, 'css scss less'],
  [MARKUP, 'html htm xml xhtml svg vue'],
  [MARKDOWN, 'md markdown'],
];

/** Grammars by lower-case file extension (a Map: an extension like `__proto__` finds nothing). */
export const GRAMMARS: ReadonlyMap<string, Grammar> = new Map(BY_EXTENSION.flatMap(([g, exts]) => exts.split(' ').map((ext) => [ext, g] as const)));
