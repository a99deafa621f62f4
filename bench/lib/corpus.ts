/**
 * Deterministic markdown that looks like an assistant's reply about code: headings, prose with
 * inline code, bold and links, bullet and numbered lists (some nested), fenced code blocks of
 * several languages, the odd table and quote. Used by the client, host and rendering benches.
 */
import { between, pick, rng } from './random';

const WORDS = (
  'the gateway client keeps one socket open and streams every event of a run to the chat view which renders ' +
  'markdown incrementally so a long reply never costs more than its unfinished tail each frame while tool calls ' +
  'show their arguments and results in cards that open on demand and the host coalesces appends into one message ' +
  'per animation frame because a fast model can send hundreds of deltas per second and nobody reads that fast anyway ' +
  'configuration settings workspace folder session history reconnect backoff heartbeat watchdog token device pairing'
).split(' ');
const IDENTS = [
  'runTurn',
  'onEvent',
  'HostPoster',
  'flushMs',
  'sessionKey',
  'ChatController',
  'renderMarkdown',
  'seq',
  'itemId',
  'ws.send',
  'JSON.parse',
  'requestAnimationFrame',
];
const LANGS = ['ts', 'python', 'bash', 'json', 'rust', 'go'];

const CODE: Record<string, string[]> = {
  ts: [
    'export async function handle(event: AgentEvent): Promise<void> {',
    '  const run = runs.get(event.runId);',
    '  if (!run) return;',
    '  for (const change of run.accept(event)) emit(change);',
    '}',
    'const poster = new HostPoster((message) => view.postMessage(message), 16);',
    'interface Options { url: string; token?: string; timeoutMs: number }',
    'let total = 0;',
    'for (const item of items) total += item.text.length;',
    'console.log(`rendered ${total} characters in ${elapsed.toFixed(1)} ms`);',
  ],
  python: [
    'def summarize(rows: list[dict]) -> dict:',
    '    totals = {}',
    '    for row in rows:',
    '        totals[row["key"]] = totals.get(row["key"], 0) + row["value"]',
    '    return totals',
    'if __name__ == "__main__":',
    '    print(summarize(load("data.json")))',
    'with open(path, encoding="utf-8") as handle:',
    '    lines = [line.rstrip() for line in handle]',
  ],
  bash: [
    'set -euo pipefail',
    'npm ci --no-audit',
    'node scripts/bench.mjs client host',
    'for f in dist/*.js; do gzip -9c "$f" | wc -c; done',
    'export OPENCLAW_GATEWAY_URL=ws://127.0.0.1:18789',
    'git log --oneline | head -5',
  ],
  json: ['{', '  "type": "event",', '  "event": "agent",', '  "payload": { "runId": "r-1", "stream": "assistant", "seq": 7 },', '  "seq": 42', '}'],
  rust: [
    'fn main() {',
    '    let mut total: u64 = 0;',
    '    for line in std::io::stdin().lines() {',
    '        total += line.unwrap().len() as u64;',
    '    }',
    '    println!("{total}");',
    '}',
  ],
  go: ['func main() {', '\tconn, err := websocket.Dial(url, "", origin)', '\tif err != nil {', '\t\tlog.Fatal(err)', '\t}', '\tdefer conn.Close()', '}'],
};

function sentence(random: () => number): string {
  const n = between(random, 6, 18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    const roll = random();
    if (roll < 0.06) words.push(`\`${pick(random, IDENTS)}\``);
    else if (roll < 0.09) words.push(`**${pick(random, WORDS)}**`);
    else if (roll < 0.1) words.push(`[${pick(random, WORDS)}](https://example.com/docs/${pick(random, WORDS)})`);
    else words.push(pick(random, WORDS));
  }
  const text = words.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: () => number): string {
  const n = between(random, 2, 5);
  return Array.from({ length: n }, () => sentence(random)).join(' ');
}

function bulletList(random: () => number, ordered: boolean): string {
  const n = between(random, 3, 6);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`${ordered ? `${i + 1}.` : '-'} ${sentence(random)}`);
    if (!ordered && random() < 0.2) lines.push(`  - ${sentence(random)}`);
  }
  return lines.join('\n');
}

function codeBlock(random: () => number): string {
  const lang = pick(random, LANGS);
  const n = between(random, 5, 28);
  const lines = Array.from({ length: n }, () => pick(random, CODE[lang]));
  return `\`\`\`${lang}\n${lines.join('\n')}\n\`\`\``;
}

function table(random: () => number): string {
  const rows = between(random, 2, 5);
  const lines = ['| Setting | Default | Meaning |', '| --- | --- | --- |'];
  for (let i = 0; i < rows; i++) lines.push(`| \`${pick(random, IDENTS)}\` | ${between(random, 1, 500)} | ${pick(random, WORDS)} ${pick(random, WORDS)} |`);
  return lines.join('\n');
}

function block(random: () => number): string {
  const roll = random();
  if (roll < 0.08) return `## ${sentence(random).slice(0, -1)}`;
  if (roll < 0.45) return paragraph(random);
  if (roll < 0.6) return bulletList(random, false);
  if (roll < 0.68) return bulletList(random, true);
  if (roll < 0.93) return codeBlock(random);
  if (roll < 0.97) return table(random);
  return `> ${sentence(random)}`;
}

/** About `bytes` characters of markdown (whole blocks, so a little more). */
export function markdown(bytes: number, seed = 1): string {
  const random = rng(seed);
  const blocks: string[] = [];
  let length = 0;
  while (length < bytes) {
    const next = block(random);
    blocks.push(next);
    length += next.length + 2;
  }
  return blocks.join('\n\n');
}

/** Cuts text into deltas of `min`–`max` characters, as a model's stream arrives. */
export function deltas(text: string, min = 20, max = 60, seed = 2): string[] {
  const random = rng(seed);
  const out: string[] = [];
  for (let at = 0; at < text.length;) {
    const size = between(random, min, max);
    out.push(text.slice(at, at + size));
    at += size;
  }
  return out;
}
