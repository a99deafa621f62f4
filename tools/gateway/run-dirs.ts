// Each gateway run gets a folder of its own under .cache/run/: its HOME, TMPDIR, state and logs.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CACHE } from '../paths';

/**
 * Run dirs keep logs and state for post-mortems, and add up (tens of MB each). Those older than a
 * few hours go, except the newest few: a run still in progress is never that old.
 */
function pruneRunDirs(keep = 6, maxAgeMs = 3 * 3600_000): void {
  const root = path.join(CACHE, 'run');
  if (!existsSync(root)) return;
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ dir: path.join(root, e.name), mtime: statSync(path.join(root, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { dir, mtime } of dirs.slice(keep)) {
    if (Date.now() - mtime > maxAgeMs) rmSync(dir, { recursive: true, force: true });
  }
}

/** A new run dir's path under .cache/run/ (not created yet), after pruning old ones. */
export function uniqueRunDir(): string {
  pruneRunDirs();
  const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return path.join(CACHE, 'run', name);
}
