// Where the repository is, and the git-ignored cache of heavy dependencies and run dirs.
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..');
/** .cache/ of the checkout, or OPENCLAW_VSCODE_CACHE: the same rule as scripts/deps/cache.mjs. */
export const CACHE = process.env.OPENCLAW_VSCODE_CACHE ?? path.join(ROOT, '.cache');
