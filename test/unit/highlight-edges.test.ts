/**
 * The diff colourer's edges, found by mutation testing (TESTING.md): where a `#` or `//` starts a
 * comment, which capitalised words are types, tags cut short at the end of a line, what each side
 * of a diff carries, the line cap at its edge, and names that look like extensions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grammarOf, Highlighter, highlightDiff, MAX_HIGHLIGHT_LINE_CHARS, type Token } from '../../webview/highlight';

const shape = (tokens: Token[] | undefined) => tokens?.map((t) => (t.kind ? `${t.kind}(${t.text})` : t.text));

/** Each line of `texts` highlighted in turn by one highlighter for `path`. */
function lines(path: string, ...texts: string[]): Array<string[] | undefined> {
  const highlighter = new Highlighter(grammarOf(path)!);
  return texts.map((text) => shape(highlighter.line(text)));
}

describe('the diff highlighter, edge by edge', () => {
  it('takes a name with no dot as no extension, and a dot file by what follows its dot', () => {
    for (const path of ['ts', 'dir/py', 'C:\\x\\json']) assert.equal(grammarOf(path), undefined, path);
    assert.equal(grammarOf('.ts'), grammarOf('a.ts'));
    assert.ok(grammarOf('.ts'));
  });

  it('starts a # comment at the start of a line or after a space only; a // comment anywhere', () => {
    assert.deepEqual(lines('a.py', '# top', 'x = 1 #note', 'a#b'), [['comment(# top)'], ['x = ', 'number(1)', ' ', 'comment(#note)'], ['a#b']]);
    assert.deepEqual(lines('a.ts', 'a;// note'), [['a;', 'comment(// note)']]);
  });

  it('carries only a multi-line span to the next line', () => {
    assert.deepEqual(lines('a.ts', 'x = "open', 'y'), [['x = ', 'string("open)'], ['y']]);
    assert.deepEqual(lines('a.ts', 'x = `open', 'y`'), [['x = ', 'string(`open)'], ['string(y`)']]);
  });

  it('makes a key of a string before a colon, never of a comment', () => {
    assert.deepEqual(lines('a.css', '/* x */: y'), [['comment(/* x */)', ': y']]);
  });

  it('calls a capitalised word a type only when it has a lower-case letter and only word characters', () => {
    assert.deepEqual(lines('a.ts', 'Ab ABc V8Engine HttpURL Vec2 Foo$ URL A1'), [
      ['type(Ab)', ' ', 'type(ABc)', ' ', 'type(V8Engine)', ' ', 'type(HttpURL)', ' ', 'type(Vec2)', ' Foo$ URL A1'],
    ]);
  });

  it('reads a number with a signed exponent whole', () => {
    assert.deepEqual(lines('a.ts', 'x = 1e+5 + 2E-3;'), [['x = ', 'number(1e+5)', ' + ', 'number(2E-3)', ';']]);
  });

  it('colours a declaration, an empty tag name, and a tag or quote cut short by the end of the line', () => {
    assert.deepEqual(lines('a.html', '<!DOCTYPE html>', '<?xml version="1.0"?>', '</>', '<a href="x"', '<a title="open'), [
      ['<', 'tag(!DOCTYPE)', ' ', 'attr(html)', '>'],
      ['<', 'tag(?xml)', ' ', 'attr(version)', '=', 'string("1.0")', '?>'],
      ['</>'],
      ['<', 'tag(a)', ' ', 'attr(href)', '=', 'string("x")'],
      ['<', 'tag(a)', ' ', 'attr(title)', '=', 'string("open)'],
    ]);
  });

  it('a diff: a context line moves both sides, an added line only the new one, and a hunk header clears both', () => {
    const diff = (...rows: Array<[string, string]>) =>
      highlightDiff(
        'a.ts',
        rows.map(([op, text]) => ({ op, text })),
      )?.map(shape);
    assert.deepEqual(diff([' ', '/* ctx'], ['-', 'a */ b']), [['comment(/* ctx)'], ['comment(a */)', ' b']]);
    assert.deepEqual(diff([' ', '/* ctx'], ['+', 'a */ b']), [['comment(/* ctx)'], ['comment(a */)', ' b']]);
    assert.deepEqual(diff(['+', '/* new'], ['-', 'a */ b']), [['comment(/* new)'], ['a */ b']]);
    assert.deepEqual(diff(['-', '/* old'], ['@', '@@ -9 +9 @@'], ['-', 'a */ b']), [['comment(/* old)'], undefined, ['a */ b']]);
  });

  it('colours a line of exactly the cap, and not one longer', () => {
    const at = 'x'.repeat(MAX_HIGHLIGHT_LINE_CHARS);
    assert.deepEqual(highlightDiff('a.ts', [{ op: '+', text: at }])?.map(shape), [[at]]);
    assert.deepEqual(highlightDiff('a.ts', [{ op: '+', text: `${at}x` }]), [undefined]);
  });
});
