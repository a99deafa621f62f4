/**
 * What each chip brings into a message (context-blocks.ts), pure: the exact text the agent reads,
 * the chip's detail, and where and how each kind is cut to MAX_ITEM_CHARS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  diffBlock,
  fileBlock,
  imageBlock,
  languageOf,
  problemsBlock,
  selectionBlock,
  terminalBlock,
  type DiagnosticInfo,
} from '../../src/extension/composer/context-blocks';
import { MAX_ITEM_CHARS, MAX_PROBLEMS } from '../../src/extension/composer/limits';

/** `count` lines of `width` characters each ("x…"), each ended by a newline. */
const linesOf = (count: number, width: number) => Array.from({ length: count }, () => 'x'.repeat(width)).join('\n') + '\n';

describe('a file block', () => {
  it('numbers the lines in a fence of the file’s language, with its size on the chip', () => {
    assert.deepEqual(fileBlock('src/a.ts', 'const a = 1;\nconst é = 2;\n'), {
      kind: 'file',
      label: 'src/a.ts',
      detail: '27 B',
      body: 'File src/a.ts (2 lines):\n```ts\n1 | const a = 1;\n2 | const é = 2;\n```',
    });
    assert.equal(fileBlock('one', 'only').body, 'File one (1 line):\n```\n1 | only\n```');
    assert.equal(fileBlock('empty.md', '').body, 'File empty.md (1 line):\n```markdown\n1 | \n```');
    assert.equal(fileBlock('a.txt', 'a', 'rust').body, 'File a.txt (1 line):\n```rust\n1 | a\n```');
  });

  it('pads the numbers to the widest, and reads CR and CRLF line ends as lines', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `l${i + 1}`).join('\r\n');
    assert.match(fileBlock('t', ten).body, /\n 1 \| l1\n 2 \| l2\n[\s\S]*\n 9 \| l9\n10 \| l10\n```$/);
    assert.equal(fileBlock('t', 'a\rb\r').body, 'File t (2 lines):\n```\n1 | a\n2 | b\n```');
    assert.equal(fileBlock('t', '\n').body, 'File t (1 line):\n```\n1 | \n```');
    assert.equal(fileBlock('t', 'a\n\n').body, 'File t (2 lines):\n```\n1 | a\n2 | \n```');
  });

  it('puts the text in a fence longer than any run of backticks in it', () => {
    assert.equal(fileBlock('r.md', 'use ```js\nand ``x``').body, 'File r.md (2 lines):\n````markdown\n1 | use ```js\n2 | and ``x``\n````');
    assert.equal(fileBlock('r', 'a `b` c').body, 'File r (1 line):\n```\n1 | a `b` c\n```');
  });

  it('is cut at the limit by whole lines, counting the file’s own characters, and says what was left out', () => {
    // 1000 lines of 99 characters: 599 fit (599 × 100 + the next numbered line passes 60 000).
    const block = fileBlock('big.txt', linesOf(1000, 99));
    assert.equal(block.detail, 'cut to lines 1-599 of 1000');
    assert.ok(block.body.startsWith('File big.txt (lines 1-599 of 1000):\n```\n   1 | x'));
    assert.ok(block.body.endsWith(`\n 599 | ${'x'.repeat(99)}\n\`\`\`\n[cut: lines 600-1000 (39.2 KB) left out to stay within 58.6 KB]`));
  });

  it('keeps every line whose numbered form just fits, and cuts at the first that does not', () => {
    // Lines of 99 characters: chars before line k is 100 k, its numbered form is 106 characters.
    const fits = fileBlock('f', linesOf(600, 99));
    assert.equal(fits.detail, 'cut to lines 1-599 of 600');
    const exact = MAX_ITEM_CHARS - 100 * 599 - 1 - 6; // the 600th line's numbered form ends exactly at the limit
    const text = linesOf(599, 99) + 'y'.repeat(exact) + '\n';
    assert.equal(fileBlock('f', text).detail, '58.6 KB');
    assert.equal(fileBlock('f', text + 'z\n').detail, 'cut to lines 1-600 of 601');
    assert.equal(fileBlock('f', linesOf(599, 99) + 'y'.repeat(exact + 1) + '\n').detail, 'cut to lines 1-599 of 600');
  });

  it('shows one line longer than the limit whole, rather than nothing', () => {
    const block = fileBlock('min.js', 'x'.repeat(MAX_ITEM_CHARS + 10));
    assert.equal(block.detail, '58.6 KB');
    assert.ok(block.body.startsWith('File min.js (1 line):\n```js\n1 | xxx'));
  });
});

describe('a selection block', () => {
  it('numbers the lines as they are in the file, and has no detail when whole', () => {
    assert.deepEqual(selectionBlock({ path: 'src/b.ts', startLine: 98, endLine: 100, languageId: 'typescript', text: 'a\nb\nc' }), {
      kind: 'selection',
      label: 'src/b.ts:98-100',
      detail: undefined,
      body: 'Selected in src/b.ts, lines 98-100:\n```typescript\n 98 | a\n 99 | b\n100 | c\n```',
    });
  });

  it('is cut by whole lines from its first, and says which lines were left out', () => {
    const block = selectionBlock({ path: 's.py', startLine: 11, endLine: 1010, languageId: 'python', text: linesOf(1000, 99) });
    assert.equal(block.label, 's.py:11-1010');
    assert.equal(block.detail, 'cut to lines 11-609');
    assert.ok(block.body.startsWith('Selected in s.py, lines 11-1010:\n```python\n  11 | x'));
    assert.ok(block.body.endsWith(`\n 609 | ${'x'.repeat(99)}\n\`\`\`\n[cut: lines 610-1010 (39.2 KB) left out to stay within 58.6 KB]`));
  });
});

describe('a problems block', () => {
  const problem = (path: string, line: number, severity: DiagnosticInfo['severity'], message: string, extra: Partial<DiagnosticInfo> = {}): DiagnosticInfo => ({
    path,
    line,
    column: 2,
    severity,
    message,
    ...extra,
  });

  it('lists errors first, then warnings, then the rest, by path and line, with source and code', () => {
    const items = [
      problem('b.ts', 1, 'hint', 'h'),
      problem('b.ts', 9, 'warning', 'w2', { source: 'eslint' }),
      problem('b.ts', 3, 'warning', 'w1', { code: 'no-x' }),
      problem('a.ts', 5, 'info', 'i'),
      problem('b.ts', 2, 'error', 'e2\n   on two lines', { source: 'ts', code: '2322' }),
      problem('a.ts', 7, 'error', 'e1'),
    ];
    assert.deepEqual(problemsBlock(items, undefined), {
      kind: 'problems',
      label: 'problems',
      detail: '6 problems',
      body: [
        'Problems in the workspace (2 errors, 2 warnings):',
        'a.ts:7:2 error: e1',
        'b.ts:2:2 error: e2 on two lines [ts 2322]',
        'b.ts:3:2 warning: w1 [no-x]',
        'b.ts:9:2 warning: w2 [eslint]',
        'a.ts:5:2 info: i',
        'b.ts:1:2 hint: h',
      ].join('\n'),
    });
  });

  it('keeps to the active file when one is open, and counts in the singular', () => {
    const items = [problem('a.ts', 1, 'error', 'e'), problem('a.ts', 2, 'warning', 'w'), problem('b.ts', 1, 'error', 'other')];
    assert.deepEqual(problemsBlock(items, 'a.ts'), {
      kind: 'problems',
      label: 'problems in a.ts',
      detail: '2 problems',
      body: 'Problems in a.ts (1 error, 1 warning):\na.ts:1:2 error: e\na.ts:2:2 warning: w',
    });
    assert.equal(problemsBlock([problem('a.ts', 1, 'info', 'i')], undefined).body, 'Problems in the workspace (0 errors, 0 warnings):\na.ts:1:2 info: i');
    assert.equal(problemsBlock([problem('a.ts', 1, 'info', 'i')], undefined).detail, '1 problem');
  });

  it('says there are none, for the file or the workspace', () => {
    assert.deepEqual(problemsBlock([problem('b.ts', 1, 'error', 'e')], 'a.ts'), {
      kind: 'problems',
      label: 'problems in a.ts',
      detail: '0 problems',
      body: 'There are no problems in a.ts.',
    });
    assert.equal(problemsBlock([], undefined).body, 'There are no problems in the workspace.');
  });

  it(`lists at most ${MAX_PROBLEMS}, and says how many more were left out`, () => {
    const many = Array.from({ length: MAX_PROBLEMS + 1 }, (_, i) => problem('a.ts', i + 1, 'warning', 'w'));
    const body = problemsBlock(many, undefined).body;
    assert.equal(body.split('\n').length, 1 + MAX_PROBLEMS + 1);
    assert.ok(body.endsWith('\na.ts:200:2 warning: w\n[cut: 1 more problem left out to stay within the limit]'));
    const more = problemsBlock([...many, problem('a.ts', 999, 'hint', 'h')], undefined).body;
    assert.ok(more.endsWith('\n[cut: 2 more problems left out to stay within the limit]'));
  });

  it('stops at the character limit, keeping a problem that just fits', () => {
    // Each line is "a.ts:N:2 error: " (16 + digits) and a message; 100 lines of 600 characters fill the limit.
    const long = (n: number, size: number) => problem('a.ts', n, 'error', 'm'.repeat(size - `a.ts:${n}:2 error: `.length));
    const items = Array.from({ length: 100 }, (_, i) => long(i + 1, 599));
    assert.equal(problemsBlock(items, undefined).body.split('\n').length, 101);
    const over = [...items.slice(0, 99), long(100, 600)];
    assert.ok(problemsBlock(over, undefined).body.endsWith('\n[cut: 1 more problem left out to stay within the limit]'));
  });
});

describe('a diff block', () => {
  const fileDiff = (name: string) => `diff --git a/${name} b/${name}\n--- a/${name}\n+++ b/${name}\n@@ -1 +1 @@\n-a\n+b\n`;

  it('says there are no changes for an empty or blank diff', () => {
    const none = { kind: 'diff', label: 'diff', detail: 'no changes', body: 'The working tree has no changes against HEAD.' };
    assert.deepEqual(diffBlock(''), none);
    assert.deepEqual(diffBlock(' \n\t\n'), none);
  });

  it('counts the files, and fences the diff without its last newline', () => {
    assert.deepEqual(diffBlock(fileDiff('a')), {
      kind: 'diff',
      label: 'diff',
      detail: '1 file',
      body: `The working tree's changes (git diff HEAD):\n\`\`\`diff\n${fileDiff('a').trimEnd()}\n\`\`\``,
    });
    assert.equal(diffBlock(fileDiff('a') + fileDiff('b') + ' x diff --git b\n').detail, '2 files');
    assert.equal(diffBlock('+just a line\n').detail, '0 files');
  });

  it('is cut at the last line end within the limit, and says how much was left out', () => {
    const line = `+${'y'.repeat(98)}\n`;
    const diff = fileDiff('a') + line.repeat(700);
    const block = diffBlock(diff);
    assert.equal(block.detail, '1 file, cut');
    const kept = block.body.slice(block.body.indexOf('```diff\n') + 8, block.body.lastIndexOf('\n```'));
    assert.ok(kept.endsWith('y'.repeat(98)));
    assert.ok(kept.length <= MAX_ITEM_CHARS && kept.length > MAX_ITEM_CHARS - 100, `${kept.length}`);
    assert.ok(
      block.body.endsWith(`\n\`\`\`\n[cut: the rest of the diff (${((diff.length - kept.length - 1) / 1024).toFixed(1)} KB) left out to stay within 58.6 KB]`),
    );
  });

  it('is cut at the limit itself when the diff has no line end within it', () => {
    const diff = 'z'.repeat(MAX_ITEM_CHARS + 5000);
    const body = diffBlock(diff).body;
    assert.ok(body.includes(`\`\`\`diff\n${'z'.repeat(MAX_ITEM_CHARS)}\n\`\`\``));
    assert.ok(body.endsWith('[cut: the rest of the diff (4.9 KB) left out to stay within 58.6 KB]'));
  });

  it('keeps a diff of exactly the limit whole', () => {
    const diff = 'd'.repeat(MAX_ITEM_CHARS - 1) + '\n';
    assert.equal(diffBlock(diff).detail, '0 files');
    assert.ok(!diffBlock(diff).body.includes('[cut'));
  });
});

describe('a terminal block', () => {
  it('is the output without colours or titles and without trailing blank lines', () => {
    assert.deepEqual(terminalBlock('zsh', '\u001b]0;title\u0007$ ls\n\u001b[1;32mok\u001b[0m \u001b[?25hdone\n\n  \n'), {
      kind: 'terminal',
      label: 'terminal zsh',
      detail: undefined,
      body: 'The last output of the terminal "zsh":\n```text\n$ ls\nok done\n```',
    });
    assert.equal(terminalBlock('bash', ' \n').body, 'The last output of the terminal "bash":\n```text\n(no output)\n```');
  });

  it('keeps the last whole lines when it is too long, and says how much of the start was left out', () => {
    const output = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0')}${'o'.repeat(95)}`).join('\n');
    const block = terminalBlock('zsh', output);
    assert.equal(block.detail, 'last lines');
    const kept = block.body.slice(block.body.indexOf('```text\n') + 8, block.body.lastIndexOf('\n```'));
    assert.ok(kept.startsWith('0400o'), kept.slice(0, 10));
    assert.ok(kept.endsWith(`0999${'o'.repeat(95)}`));
    assert.equal(kept.length, 600 * 100 - 1);
    assert.ok(block.body.endsWith('\n```\n[cut: the first 39.1 KB of the output were left out to stay within 58.6 KB]'));
  });

  it('keeps output of exactly the limit whole', () => {
    const output = 'p'.repeat(MAX_ITEM_CHARS);
    const block = terminalBlock('t', output);
    assert.equal(block.detail, undefined);
    assert.ok(block.body.endsWith(`${output}\n\`\`\``));
  });
});

describe('an image block', () => {
  it('names the attached image and its size', () => {
    assert.deepEqual(imageBlock('shot.png', 2048), {
      kind: 'image',
      label: 'shot.png',
      detail: '2.0 KB',
      body: 'The image shot.png (2.0 KB) is attached to this message.',
    });
  });
});

describe('the fence language of a file', () => {
  it('comes from its extension, in any case', () => {
    const table: Record<string, string> = {
      ts: 'ts',
      tsx: 'tsx',
      js: 'js',
      jsx: 'jsx',
      mjs: 'js',
      cjs: 'js',
      json: 'json',
      md: 'markdown',
      py: 'python',
      rs: 'rust',
      go: 'go',
      java: 'java',
      c: 'c',
      h: 'c',
      cpp: 'cpp',
      cs: 'csharp',
      rb: 'ruby',
      sh: 'sh',
      yml: 'yaml',
      yaml: 'yaml',
      css: 'css',
      html: 'html',
      sql: 'sql',
    };
    for (const [ext, language] of Object.entries(table)) assert.equal(languageOf(`dir.x/name.${ext}`), language, ext);
    assert.equal(languageOf('SRC/MAIN.TS'), 'ts');
    assert.equal(languageOf('a.Py3'), '');
  });

  it('is empty for an unknown extension, none, or one that is not last', () => {
    for (const name of ['a.txt', 'Makefile', 'a.ts~', 'a.ts.orig', 'a.ts/', '.ts-x', 'a.constructor', 'a.toString', 'a.__proto__']) {
      assert.equal(languageOf(name), '', name);
    }
  });
});
