/**
 * The diff colourer of the webview (webview/highlight.ts, pure) over real snippets of each language
 * family: what each token is, what carries across lines (and across a hunk's two sides), what stays
 * plain, and that every character of a line comes back exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grammarOf, Highlighter, highlightDiff, MAX_HIGHLIGHT_CHARS, MAX_HIGHLIGHT_LINE_CHARS, MAX_HIGHLIGHT_LINES, type Token } from '../../webview/highlight';

/** `kind(text)` for coloured tokens, the text alone for plain ones. */
const shape = (tokens: Token[] | undefined) => tokens?.map((t) => (t.kind ? `${t.kind}(${t.text})` : t.text));

function lines(path: string, ...texts: string[]): string[][] {
  const grammar = grammarOf(path);
  assert.ok(grammar, `a grammar for ${path}`);
  const highlighter = new Highlighter(grammar);
  return texts.map((text) => {
    const tokens = highlighter.line(text);
    assert.equal(tokens.map((t) => t.text).join(''), text, 'the tokens are the line, nothing lost or added');
    return shape(tokens)!;
  });
}

describe('the diff highlighter', () => {
  it('TypeScript: keywords, types, calls, strings, numbers, comments and a template across lines', () => {
    assert.deepEqual(
      lines(
        'src/extension/chat-controller.ts',
        'export async function load(limit = 50): Promise<string[]> { // first page',
        '  const title = `Session ${key}',
        '  of ${count}`; /* a block',
        '  comment */ return fetchRows("a \\" b", 0x1f, true);',
      ),
      [
        [
          'keyword(export)',
          ' ',
          'keyword(async)',
          ' ',
          'keyword(function)',
          ' ',
          'function(load)',
          '(limit = ',
          'number(50)',
          '): ',
          'type(Promise)',
          '<',
          'type(string)',
          '[]> { ',
          'comment(// first page)',
        ],
        ['  ', 'keyword(const)', ' title = ', 'string(`Session ${key})'],
        ['string(  of ${count}`)', '; ', 'comment(/* a block)'],
        [
          'comment(  comment */)',
          ' ',
          'keyword(return)',
          ' ',
          'function(fetchRows)',
          '(',
          'string("a \\" b")',
          ', ',
          'number(0x1f)',
          ', ',
          'constant(true)',
          ');',
        ],
      ],
    );
  });

  it('Python: a docstring over lines, # comments, constants', () => {
    assert.deepEqual(lines('tools/probe.py', 'def read(path):', '    """Reads it.', '    Twice."""  # why', '    return None if not path else 1.5e3'), [
      ['keyword(def)', ' ', 'function(read)', '(path):'],
      ['    ', 'string("""Reads it.)'],
      ['string(    Twice.""")', '  ', 'comment(# why)'],
      ['    ', 'keyword(return)', ' ', 'constant(None)', ' ', 'keyword(if)', ' ', 'keyword(not)', ' path ', 'keyword(else)', ' ', 'number(1.5e3)'],
    ]);
  });

  it('shell: a # inside a word or a string is no comment; single quotes do not escape', () => {
    assert.deepEqual(lines('scripts/ci.sh', 'if [ "$#" -gt 0 ]; then echo ${#args} # count', "echo 'a\\' end"), [
      ['keyword(if)', ' [ ', 'string("$#")', ' -gt ', 'number(0)', ' ]; ', 'keyword(then)', ' echo ${#args} ', 'comment(# count)'],
      ['echo ', "string('a\\')", ' end'],
    ]);
  });

  it('Go and Rust: raw strings over lines, built-in types; a Rust lifetime is no string', () => {
    assert.deepEqual(lines('main.go', 'func main() { s := `raw', 'text` ; var n int = 0 }'), [
      ['keyword(func)', ' ', 'function(main)', '() { s := ', 'string(`raw)'],
      ['string(text`)', ' ; ', 'keyword(var)', ' n ', 'type(int)', ' = ', 'number(0)', ' }'],
    ]);
    assert.deepEqual(lines('src/lib.rs', "pub fn first<'a>(s: &'a str) -> Option<u8> { None }"), [
      ['keyword(pub)', ' ', 'keyword(fn)', " first<'a>(s: &'a ", 'type(str)', ') -> ', 'type(Option)', '<', 'type(u8)', '> { ', 'constant(None)', ' }'],
    ]);
  });

  it('JSON, YAML, TOML and CSS: keys apart from values; a colon inside a value makes no key', () => {
    assert.deepEqual(lines('package.json', '  "name": "openclaw", "private": true, "n": [1, null]'), [
      [
        '  ',
        'attr("name")',
        ': ',
        'string("openclaw")',
        ', ',
        'attr("private")',
        ': ',
        'constant(true)',
        ', ',
        'attr("n")',
        ': [',
        'number(1)',
        ', ',
        'constant(null)',
        ']',
      ],
    ]);
    assert.deepEqual(lines('.github/workflows/ci.yml', '  - run-name: "ci" # why', 'url: https://example.com/#top'), [
      ['  - ', 'attr(run-name)', ': ', 'string("ci")', ' ', 'comment(# why)'],
      ['attr(url)', ': https://example.com/#top'],
    ]);
    assert.deepEqual(lines('Cargo.toml', 'version = "0.2.0"'), [['attr(version)', ' = ', 'string("0.2.0")']]);
    assert.deepEqual(lines('media/chat.css', '.diff-line:hover { color: red; margin: 2px; } /* why */'), [
      ['.diff-line:hover { ', 'attr(color)', ': red; ', 'attr(margin)', ': ', 'number(2px)', '; } ', 'comment(/* why */)'],
    ]);
  });

  it('HTML and Markdown: tags and attributes, comments over lines, headings and code', () => {
    assert.deepEqual(lines('index.html', "<a href=\"x.html\" data-id='7'>don't <b>go</b> <!-- a", 'note --> <script>alert(1)</script>'), [
      [
        '<',
        'tag(a)',
        ' ',
        'attr(href)',
        '=',
        'string("x.html")',
        ' ',
        'attr(data-id)',
        '=',
        "string('7')",
        ">don't <",
        'tag(b)',
        '>go</',
        'tag(b)',
        '> ',
        'comment(<!-- a)',
      ],
      ['comment(note -->)', ' <', 'tag(script)', '>alert(1)</', 'tag(script)', '>'],
    ]);
    assert.deepEqual(lines('README.md', '## Install', 'Run `npm ci` first.', '```sh', 'npm test', '```'), [
      ['keyword(## Install)'],
      ['Run ', 'string(`npm ci`)', ' first.'],
      ['string(```sh)'],
      ['string(npm test)'],
      ['string(```)'],
    ]);
  });

  it('knows languages by extension only: an unknown, odd or hostile name is plain text', () => {
    for (const path of ['notes.txt', 'Makefile', 'x.__proto__', 'x.constructor', 'a.ts/..', '', '.', 'x.' + 'ts'.repeat(20), 'x.ts\u0000.exe']) {
      assert.equal(grammarOf(path), undefined, path);
      assert.equal(highlightDiff(path, [{ op: '+', text: 'const x = 1;' }]), undefined, path);
    }
    assert.ok(grammarOf('C:\\work\\SRC\\Main.JAVA'));
    assert.equal(grammarOf('dir.ts/readme'), undefined, 'the extension is the last name’s');
  });

  it('a diff: each side carries its own state, a hunk header starts afresh, long lines and long diffs stay plain', () => {
    const diff = [
      { op: '@', text: '@@ -1,3 +1,3 @@' },
      { op: '-', text: '/* old comment' },
      { op: '+', text: 'const fresh = 1;' },
      { op: ' ', text: 'still */ done();' },
      { op: '@', text: '@@ -9,1 +9,1 @@' },
      { op: '+', text: 'x */ y' },
      { op: '+', text: `let long = "${'x'.repeat(MAX_HIGHLIGHT_LINE_CHARS)}";` },
    ];
    assert.deepEqual(highlightDiff('a.ts', diff)?.map(shape), [
      undefined,
      ['comment(/* old comment)'],
      ['keyword(const)', ' fresh = ', 'number(1)', ';'],
      // The new side never opened the comment: the context line is code there.
      ['still */ ', 'function(done)', '();'],
      undefined,
      ['x */ y'],
      undefined,
    ]);
    const many = Array.from({ length: MAX_HIGHLIGHT_LINES + 1 }, () => ({ op: '+', text: 'let a = 1;' }));
    assert.equal(highlightDiff('a.ts', many), undefined);
    assert.equal(highlightDiff('a.ts', many.slice(1))?.length, MAX_HIGHLIGHT_LINES);
    const wide = Array.from({ length: 101 }, () => ({ op: '+', text: 'x'.repeat(MAX_HIGHLIGHT_LINE_CHARS) }));
    assert.equal(MAX_HIGHLIGHT_CHARS, 100 * MAX_HIGHLIGHT_LINE_CHARS, 'the test below is at the cap');
    assert.equal(highlightDiff('a.ts', wide), undefined, 'too much text in all');
    assert.equal(highlightDiff('a.ts', wide.slice(1))?.length, 100);
  });

  it('markup in any line is tokens of text, never interpreted (the DOM gets it as text nodes)', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>document.cookie</script>';
    for (const path of ['a.ts', 'a.html', 'a.md', 'a.py']) {
      const [tokens] = highlightDiff(path, [{ op: '+', text: hostile }])!;
      assert.equal(tokens!.map((t) => t.text).join(''), hostile, path);
    }
  });
});
