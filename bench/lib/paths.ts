/** Where things are. The bench runs as esbuild bundles from OUT, so paths come from the repo root. */
import path from 'node:path';

/** The repository root: set by scripts/bench.mjs; otherwise this file's grandparent (run from source). */
export const ROOT = process.env.OPENCLAW_BENCH_ROOT ?? path.resolve(__dirname, '..', '..');
export const BENCH = path.join(ROOT, 'bench');
export const FIXTURES = path.join(BENCH, 'fixtures');
/** Bundles, run dirs and results: git-ignored. */
export const OUT = path.join(ROOT, '.test-artifacts', 'bench');
export const BUILD = path.join(OUT, 'build');
/** scripts/bench.mjs --baseline: the commit, and the folder holding its webview/, media/ and src/protocol/. */
export const BASELINE = process.env.OPENCLAW_BENCH_BASELINE;
export const BASELINE_WEBVIEW = process.env.OPENCLAW_BENCH_BASELINE_WEBVIEW;
