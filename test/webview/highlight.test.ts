// Syntax colours in a tool card's diff, in real Chromium with the theme variables VS Code sets: a
// TypeScript diff's keyword, string and comment are spans of their own with colours distinct from
// each other and from plain text, in dark and light (and told apart in high contrast); a comment
// carried over lines stays one; and hostile paths and lines are shown as text, never as markup.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { FileDiffView } from '../../src/protocol/webview';
import { ARTIFACTS, snapshot, tool, user, webviewSuite } from './harness';

declare const getComputedStyle: (el: unknown) => { color: string; fontWeight: string };
declare const window: Record<string, unknown>;

const TS_DIFF: FileDiffView = {
  path: 'src/greeting.ts',
  additions: 3,
  deletions: 1,
  lines: [
    { op: '@', text: '@@ -1,2 +1,4 @@' },
    { op: '-', text: 'let greeting = 1;' },
    { op: '+', text: 'const greeting = "hello"; // says hi' },
    { op: '+', text: '/* carried' },
    { op: '+', text: '   over lines */ export function greet(name: string) {' },
    { op: ' ', text: '}' },
  ],
  truncated: false,
  openable: true,
};

const HOSTILE = [
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 2">',
  '"</span><b>bold</b>" // <!-- -->',
  '<iframe srcdoc="<script>window.pwned = 3</script>"></iframe>',
];

function hostileDiff(file: string): FileDiffView {
  return {
    path: file,
    additions: HOSTILE.length,
    deletions: 0,
    lines: [{ op: '@', text: '@@ -0,0 +1,4 @@' }, ...HOSTILE.map((text) => ({ op: '+' as const, text }))],
    truncated: false,
    openable: true,
  };
}

describe('syntax colours in diffs', { timeout: 120_000 }, () => {
  const env = webviewSuite();

  for (const theme of ['dark', 'light'] as const) {
    it(`colours a TypeScript diff's keyword, string and comment apart in the ${theme} theme`, async () => {
      const view = await env.open({ theme, width: 520, height: 420 });
      await view.send(snapshot([user('u1', 'WRITEFILE'), tool('t:call-1', 'write', { diffs: [TS_DIFF] })]));
      const diff = view.page.locator('.file-diff');
      await diff.locator('.tok').first().waitFor();
      const lines = diff.locator('.diff-line');
      assert.deepEqual(await lines.allTextContents(), ['@@ -1,2 +1,4 @@', ...TS_DIFF.lines.slice(1).map((l) => `${l.op}${l.text}`)], 'the text is unchanged');
      const added = lines.nth(2);
      const spans = await added.locator('.tok').evaluateAll((els: any[]) => els.map((el) => [el.className, el.textContent, getComputedStyle(el).color]));
      assert.deepEqual(
        spans.map(([className, text]) => [className, text]),
        [
          ['tok tok-keyword', 'const'],
          ['tok tok-string', '"hello"'],
          ['tok tok-comment', '// says hi'],
        ],
      );
      const plain = await added.evaluate((el: any) => getComputedStyle(el).color);
      const colours = [plain, ...spans.map(([, , colour]) => colour)];
      assert.equal(new Set(colours).size, 4, `plain, keyword, string and comment each in a colour of its own: ${colours.join(' ')}`);
      // The removed line is coloured too, on its red background; the comment carries to the next line.
      assert.equal(await lines.nth(1).locator('.tok-keyword').textContent(), 'let');
      assert.deepEqual(await lines.nth(4).locator('.tok').allTextContents(), ['   over lines */', 'export', 'function', 'greet', 'string']);
      assert.equal(await lines.nth(4).locator('.tok').first().getAttribute('class'), 'tok tok-comment');
      mkdirSync(ARTIFACTS, { recursive: true });
      await diff.screenshot({ path: path.join(ARTIFACTS, `webview-${theme}-diff-colours.png`) });
    });
  }

  it('tells keywords apart in high contrast, where their colour is the text’s', async () => {
    const view = await env.open({ theme: 'hc' });
    await view.send(snapshot([tool('t:call-1', 'write', { diffs: [TS_DIFF] })]));
    const keyword = view.page.locator('.tok-keyword').first();
    await keyword.waitFor();
    const [plain, kw] = await Promise.all([
      view.page
        .locator('.diff-line-add')
        .first()
        .evaluate((el: any) => getComputedStyle(el).fontWeight),
      keyword.evaluate((el: any) => getComputedStyle(el).fontWeight),
    ]);
    assert.notEqual(kw, plain);
  });

  it('shows hostile paths and lines as text: no element is made from them, nothing runs', async () => {
    const view = await env.open();
    const files = ['evil.html', 'notes.md', 'x.ts', '<img src=x onerror="window.pwned=4">.ts', 'a.__proto__', 'b.constructor', '../../etc/passwd'];
    await view.send(snapshot([tool('t:call-1', 'write', { diffs: files.map(hostileDiff) })]));
    const diffs = view.page.locator('.file-diff');
    await diffs.nth(files.length - 1).waitFor();
    for (let i = 0; i < files.length; i++) {
      const diff = diffs.nth(i);
      assert.equal(await diff.locator('.diff-path').textContent(), files[i]);
      assert.deepEqual(await diff.locator('.diff-line').allTextContents(), ['@@ -0,0 +1,4 @@', ...HOSTILE.map((text) => `+${text}`)], files[i]);
      // Only the colourer's own spans: nothing but text and `span.tok` under a line.
      const foreign = await diff
        .locator('.diff-line')
        .evaluateAll((rows: any[]) =>
          rows.flatMap((row) =>
            [...row.childNodes]
              .filter((n: any) => n.nodeType !== 3 && !(n.tagName === 'SPAN' && /^tok tok-\w+$/.test(n.className)))
              .map((n: any) => n.outerHTML),
          ),
        );
      assert.deepEqual(foreign, [], files[i]);
    }
    assert.equal(await view.page.locator('.file-diffs script, .file-diffs img, .file-diffs iframe, .file-diffs b').count(), 0);
    assert.equal(await view.page.locator('.file-diff').nth(0).locator('.tok-tag').first().textContent(), 'script', 'HTML is coloured as HTML');
    assert.equal(await view.page.evaluate(() => window.pwned), undefined);
  });
});
