// The real `openclaw` CLI/gateway from npm, installed into .cache/openclaw-<version>/ for end-to-end tests.
//
//   node scripts/deps/openclaw.mjs [version...]   pre-installs (CI), default: the versions tests use
//
// Both supported versions run on Node 24: 2026.9.x requires `>=24.16 <25 || >=26.1`, the protocol-3
// gateway 2026.4.27 only asks for `>=22.14`, so one Node serves both.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE, VERSIONS, ensureNode24, node24Env, npmInstallCached } from './cache.mjs';

/** The current gateway (protocol 4) and the last one speaking protocol 3. */
export const OPENCLAW_VERSION = VERSIONS.openclaw;
export const OPENCLAW_PROTOCOL3_VERSION = VERSIONS.openclawProtocol3;

/**
 * Installs openclaw@version (once) and returns how to run its CLI: `node entry gateway run ...`.
 * Node 24 is first on PATH during the install so that any install scripts run under the Node
 * the gateway itself will use.
 *
 * `env` is what the gateway process needs on top: 2026.4.x installs its bundled plugins' runtime
 * dependencies (about 1 GB, from the npm registry) on first start and first agent run, by default
 * into each state dir's plugin-runtime-deps/. OPENCLAW_PLUGIN_STAGE_DIR points that at one
 * folder per install so it happens once. 2026.9.x ships them and ignores the variable.
 */
export function ensureOpenclaw(version = OPENCLAW_VERSION) {
  const nodeBin = ensureNode24();
  const prefix = npmInstallCached(`openclaw-${version}`, `openclaw@${version}`, { env: node24Env() });
  const pkgDir = path.join(prefix, 'node_modules', 'openclaw');
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  // `bin` is either a string or {openclaw: "openclaw.mjs"}; resolve it rather than hard-coding the file.
  const binRel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.openclaw;
  if (!binRel) throw new Error(`openclaw@${version}: package.json has no "bin" entry`);
  const entry = path.join(pkgDir, binRel);
  if (!existsSync(entry)) throw new Error(`openclaw@${version}: CLI entry ${entry} is missing (broken install? delete ${prefix})`);
  const env = { OPENCLAW_PLUGIN_STAGE_DIR: path.join(CACHE, `openclaw-${version}-plugin-stage`) };
  return { node: path.join(nodeBin, 'node'), entry, version: pkg.version, packageDir: pkgDir, env };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const versions = process.argv.slice(2);
  for (const v of versions.length ? versions : [OPENCLAW_VERSION, OPENCLAW_PROTOCOL3_VERSION]) {
    const { node, entry } = ensureOpenclaw(v);
    process.stdout.write(`openclaw@${v}: ${node} ${entry}\n`);
  }
}
