// Shared by the Chromium streaming test and its Node twin under jsdom (test/dom/stream.test.ts).

/** Markdown whose blocks depend on what follows: each one tempts a naive incremental renderer. */
export const TRICKY: Record<string, string> = {
  'loose list (blank lines between items)': '- one\n\n- two\n\n- three\n\nafter the list\n',
  'ordered list continuing after blank lines': '1. first\n\n2. second\n\n   continued paragraph\n\n3. third\n\ntext\n\n4. restarts at four\n',
  'tight list then paragraph': '- a\n- b\n\nparagraph\n\n- c\n- d\n',
  'fence with blank lines inside': 'before\n\n```js\nconst a = 1;\n\n\nconst b = 2;\n\nend\n```\n\nafter\n',
  'tilde and long fences holding backticks': '~~~\n```\n\nnot a fence\n```\n~~~\n\n````md\n```\n\ninside\n```\n````\n\nout\n',
  'indented code with blank lines': 'para\n\n    code line 1\n\n    code line 2\n\nafter\n',
  'link reference defined at the end':
    'See [the docs][d] and [more][m].\n\nMiddle paragraph.\n\n[d]: https://docs.openclaw.ai\n[m]: https://openclaw.ai "OpenClaw"\n',
  'html comment and pre blocks spanning blank lines': 'a\n\n<!-- start\n\nstill comment\n\n-->\n\nb\n\n<pre>\n\nkeep\n\n</pre>\n\nc\n',
  'setext headings and rules': 'Title\n=====\n\ntext\n\nSub\n---\n\n* * *\n\nend\n',
  'blockquotes with blank lines': '> one\n>\n> two\n\n> separate\n\nplain\n',
  'table then text': '| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\ntext after table\n',
  'nested list with code in item': '1. item\n\n   ```sh\n   npm test\n\n   echo done\n   ```\n\n2. next\n\nend\n',
  'unclosed fence at the end': 'text\n\n```python\nprint(1)\n\nprint(2)\n',
  'windows line endings': 'one\r\n\r\n- a\r\n- b\r\n\r\n```\r\ncode\r\n\r\nmore\r\n```\r\n\r\ntwo\r\n',
  'hard breaks and emphasis across lines': 'line one  \nline two\\\nline *three\nstill* emphasis\n\n**bold\n\nnot bold**\n',
};
