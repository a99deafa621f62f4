/**
 * The paths of a large workspace for the `@` bench: `count` files in nested folders with names a
 * project has (components, tests, docs, configs), deterministic, and one `needle-…` file among
 * them that a query can pick out.
 */
import { between, pick, rng } from './random';

const TOP = ['src', 'test', 'docs', 'packages', 'tools', 'scripts', 'examples', 'lib'];
const AREAS = ['gateway', 'session', 'webview', 'composer', 'markdown', 'auth', 'storage', 'render', 'config', 'network', 'ui', 'core'];
const STEMS = ['index', 'client', 'server', 'model', 'view', 'store', 'utils', 'types', 'handler', 'parser', 'format', 'cache', 'queue', 'router'];
const EXTS = ['.ts', '.ts', '.tsx', '.js', '.json', '.md', '.css', '.test.ts'];

export function workspacePaths(count: number, seed = 12): string[] {
  const random = rng(seed);
  const paths = new Set<string>();
  while (paths.size < count - 1) {
    const depth = between(random, 1, 4);
    const folders = [pick(random, TOP), ...Array.from({ length: depth }, () => `${pick(random, AREAS)}-${between(random, 0, 30)}`)];
    paths.add(`${folders.join('/')}/${pick(random, STEMS)}-${between(random, 0, 999)}${pick(random, EXTS)}`);
  }
  const list = [...paths];
  list.splice(Math.floor(count / 2), 0, 'packages/composer-7/mentions/needle-3141.ts');
  return list;
}
