/**
 * What colouring a tool card's diff costs: `npx tsx bench/diff-colours.ts`. Tokenizes diffs of the
 * largest size a card carries (MAX_DIFF_LINES) made from this repository's own files, a worst case
 * at the colouring caps and a folded card's 12 lines, beside a floor measured in the same run: the JSON key that
 * FileDiffBlock.update already computes each time a card is updated. Colouring runs only when a
 * card's diff changes (a tool's result, the turn's end), never per streamed delta, so this is a cost
 * per diff, not per frame. Prints medians of ROUNDS with min–max and the machine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_DIFF_LINES, type FileDiffView } from '../src/protocol/webview';
import { highlightDiff, MAX_HIGHLIGHT_CHARS, MAX_HIGHLIGHT_LINE_CHARS } from '../webview/highlight';
import { machine } from './lib/machine';
import { ROOT } from './lib/paths';

const ROUNDS = 31;

function diffOf(file: string, texts: string[]): FileDiffView {
  const lines = texts.slice(0, MAX_DIFF_LINES - 1).map((text, i) => ({ op: i % 7 === 3 ? ('-' as const) : ('+' as const), text }));
  return { path: file, additions: lines.length, deletions: 0, lines: [{ op: '@', text: '@@ -1 +1 @@' }, ...lines], truncated: false, openable: true };
}

function fromRepo(file: string): FileDiffView {
  return diffOf(file, readFileSync(path.join(ROOT, file), 'utf8').split('\n'));
}

/** Median, min and max of ROUNDS timings of `run` (ms), after two warm-up calls. */
function time(run: () => unknown): { median: number; min: number; max: number } {
  run();
  run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[ROUNDS >> 1], min: times[0], max: times[ROUNDS - 1] };
}

async function main(): Promise<void> {
  // No `//`: a line comment would end the work at once. Every kind of token, over and over.
  const worst = 'const s = "a \\" b", t = `${x}`; /* c */ f(0x1f, 1.5e3); ';
  const cases: Array<[string, FileDiffView]> = [
    ['TypeScript (src/extension/chat-controller.ts)', fromRepo('src/extension/chat-controller.ts')],
    ['CSS (media/chat.css)', fromRepo('media/chat.css')],
    ['Markdown (BENCHMARKS.md)', fromRepo('BENCHMARKS.md')],
    ['JSON (package.json)', fromRepo('package.json')],
    // The most a diff is coloured: lines at the line cap, up to the diff's cap of characters.
    [
      'worst: TS at both caps',
      diffOf(
        'w.ts',
        Array.from({ length: MAX_HIGHLIGHT_CHARS / MAX_HIGHLIGHT_LINE_CHARS - 1 }, () => worst.repeat(20).slice(0, MAX_HIGHLIGHT_LINE_CHARS)),
      ),
    ],
    // A folded card colours only the lines it shows (FOLDED_DIFF_LINES) until it is unfolded.
    ['folded card: TS, 12 lines', diffOf('f.ts', readFileSync(path.join(ROOT, 'src/extension/chat-controller.ts'), 'utf8').split('\n').slice(0, 11))],
  ];
  const m = await machine();
  console.log(`CPU: ${m.cpu}, ${m.nproc} cores; Node ${m.node}; ${ROUNDS} rounds each, median (min–max), ms`);
  console.log('| diff | lines | chars | floor: JSON key | colouring | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const fmt = (t: { median: number; min: number; max: number }) => `${t.median.toFixed(3)} (${t.min.toFixed(3)}–${t.max.toFixed(3)})`;
  for (const [name, diff] of cases) {
    const chars = diff.lines.reduce((n, l) => n + l.text.length, 0);
    const floor = time(() => JSON.stringify(diff));
    const colour = time(() => highlightDiff(diff.path, diff.lines));
    console.log(
      `| ${name} | ${diff.lines.length} | ${chars.toLocaleString('en-US')} | ${fmt(floor)} | ${fmt(colour)} | ${(colour.median / floor.median).toFixed(1)}x |`,
    );
  }
}

void main();
