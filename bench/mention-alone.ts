/**
 * The `@` search alone, side by side with another commit's: `npx tsx bench/mention-alone.ts
 * --baseline <commit>`. Types `@needle-314` key by key over the 20,000 paths of the editor bench
 * (bench/lib/workspace-paths.ts) with a built index, as after the first `@`, and prints each
 * version's median time per key and its slowest key, alternating versions run by run. The
 * keystroke -> painted list figure, host round trip and page included, is the editor bench's
 * (`node scripts/bench.mjs editor`); this one isolates what the extension host spends.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MentionSearch } from '../src/extension/composer/mention-search';
import { machine } from './lib/machine';
import { OUT, ROOT } from './lib/paths';
import { workspacePaths } from './lib/workspace-paths';

type Search = Pick<MentionSearch, 'search'>;
const WORD = 'needle-314';
const ROUNDS = 15;

function perKey(make: () => Search, files: readonly string[]): number[] {
  const times: number[][] = Array.from({ length: WORD.length }, () => []);
  for (let round = 0; round < ROUNDS; round++) {
    const search = make();
    search.search('', files);
    for (let i = 1; i <= WORD.length; i++) {
      const started = performance.now();
      search.search(WORD.slice(0, i), files);
      times[i - 1].push(performance.now() - started);
    }
  }
  return times.map((xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--baseline');
  const commit = at > 0 ? process.argv[at + 1] : undefined;
  const versions: Array<[string, () => Search]> = [['working tree', () => new MentionSearch()]];
  if (commit) {
    // That commit's module, its relative imports pointed at the working tree's (limits, types).
    const dir = path.join(OUT, 'mention-baseline');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `mention-search-${commit}.ts`);
    const source = execFileSync('git', ['show', `${commit}:src/extension/composer/mention-search.ts`], { cwd: ROOT, encoding: 'utf8' });
    const here = path.join(ROOT, 'src', 'extension', 'composer');
    writeFileSync(
      file,
      source.replace(/from '(\.{1,2}\/[^']+)'/g, (_, rel: string) => `from '${path.resolve(here, rel)}'`),
    );
    const base = (await import(file)) as { MentionSearch: new () => Search };
    versions.push([commit, () => new base.MentionSearch()]);
  }
  const files = workspacePaths(20_000);
  const m = await machine();
  process.stdout.write(
    `${m.cpu}, ${m.nproc} cores, Node ${m.node}\n@ search alone over ${files.length.toLocaleString('en')} paths, "${WORD}" key by key, median of ${ROUNDS} rounds per key (ms)\n`,
  );
  for (let run = 0; run < 2; run++) {
    for (const [name, make] of run % 2 ? [...versions].reverse() : versions) {
      const keys = perKey(make, files);
      process.stdout.write(`  ${name.padEnd(13)} ${keys.map((k) => k.toFixed(2)).join(' ')}  | slowest key ${Math.max(...keys).toFixed(2)}\n`);
    }
  }
}

void main();
