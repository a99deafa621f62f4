// code-server (VS Code OSS with a real Node extension host) and Debian's chromium: what the
// extension's in-host tests need on a machine that cannot download VS Code. See
// shared/vscode/HEADLESS.md for why this route and not @vscode/test-electron. Installing code-server
// builds native modules (python3, make, g++, gssapi headers); what is missing comes from apt, as
// root on Debian/Ubuntu x64, and anywhere else the install stops at once and says what to install.
//
//   node scripts/deps/code-server.mjs          pre-installs both, prints { node, entry, chromium }
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE, VERSIONS, ensureNode24, node24Env, npmInstallCached } from './cache.mjs';

export const CODE_SERVER_VERSION = VERSIONS.codeServer;

/** What node-gyp runs to build VS Code's native modules, with the Debian package of each. */
const BUILD_TOOLS = { python3: 'python3', make: 'make', 'g++': 'g++' };

function hasCommand(name) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
}

function dpkgInstalled(pkg) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

/** Why apt-get cannot install packages here, or undefined when it can. */
function whyNoApt() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `this is ${process.platform}-${process.arch}, not Linux x64`;
  if (process.getuid?.() !== 0) return 'installing needs root';
  if (!hasCommand('apt-get')) return 'there is no apt-get';
  return undefined;
}

/**
 * Installs Debian packages with apt-get (update first: a fresh machine has no lists). Where that
 * cannot work, fails at once saying what is missing (commands, files or the packages themselves) and
 * what to install, rather than leaving it to a long node-gyp or browser-launch failure later.
 */
function aptInstall(packages, neededFor, missing = packages) {
  const why = whyNoApt();
  if (why) {
    throw new Error(
      `${neededFor} needs ${missing.join(', ')}, which this machine lacks, and ${why}: install ` +
        `${packages.join(' ')} by hand (Debian/Ubuntu: sudo apt-get install ${packages.join(' ')}), then try again.`,
    );
  }
  process.stderr.write(`[deps] apt-get install ${packages.join(' ')} ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

/** Debian packages, installed only when missing. */
function aptEnsure(packages, neededFor) {
  const missing = packages.filter((pkg) => !dpkgInstalled(pkg));
  if (missing.length) aptInstall(missing, neededFor);
}

/** python3, make and g++ on PATH, from apt where missing. */
export function ensureBuildTools() {
  const neededFor = "Building code-server's native modules";
  const missing = () => Object.keys(BUILD_TOOLS).filter((command) => !hasCommand(command));
  const before = missing();
  if (before.length === 0) return;
  aptInstall(
    before.map((command) => BUILD_TOOLS[command]),
    neededFor,
    before,
  );
  const after = missing();
  if (after.length) throw new Error(`${neededFor}: ${after.join(', ')} still not on PATH after apt-get install`);
}

/**
 * iproute2's `ip` and `openssl`, which the remote-gateway tests use (a network namespace so that
 * the gateway sees a non-loopback client, and a self-signed certificate), from apt where missing.
 */
export function ensureNetTools() {
  const tools = { ip: 'iproute2', openssl: 'openssl' };
  const missing = Object.keys(tools).filter((command) => !hasCommand(command));
  if (missing.length)
    aptInstall(
      missing.map((command) => tools[command]),
      'Testing a remote gateway (namespace, TLS)',
      missing,
    );
}

/** Debian's chromium (playwright's own browser builds are a download, which fails here). */
export function ensureChromium() {
  const bin = '/usr/bin/chromium';
  if (!existsSync(bin)) aptInstall(['chromium'], 'Driving VS Code and its webviews in a browser', [bin]);
  if (!existsSync(bin)) throw new Error(`${bin} is still missing after apt-get install chromium`);
  return bin;
}

// code-server's package is only the server; its postinstall.sh runs `npm install` inside
// lib/vscode and lib/vscode/extensions, which brings VS Code's own dependencies (native addons
// included). Without them the server starts and then fails on the first require, so "installed"
// means these exist.
function postinstallRan(pkgDir) {
  return ['lib/vscode/node_modules', 'lib/vscode/extensions/node_modules', 'lib/vscode/bin/remote-cli/code-server'].every((rel) =>
    existsSync(path.join(pkgDir, rel)),
  );
}

/**
 * Installs code-server@CODE_SERVER_VERSION under .cache/code-server with Node 24 (its install refuses any other
 * major) and returns `{ node, entry }`: start the server as `node entry ...`.
 */
export function ensureCodeServer() {
  const node = path.join(ensureNode24(), 'node');
  const installed = path.join(CACHE, 'code-server', 'node_modules', 'code-server');
  if (existsSync(path.join(CACHE, 'code-server', '.installed')) && postinstallRan(installed)) {
    return { node, entry: path.join(installed, 'out', 'node', 'entry.js') };
  }
  ensureBuildTools();
  // The kerberos addon in VS Code's dependencies compiles against gssapi headers.
  aptEnsure(['libkrb5-dev'], "Building code-server's kerberos module");
  const env = node24Env({
    // node-gyp must not try to download Node headers (no network but the registries). The addons
    // VS Code builds here use N-API, so any local header set of a recent Node does; /usr/include/node
    // comes with the machine's nodejs. Left alone if the caller already chose one.
    ...(process.env.npm_config_nodedir || !existsSync('/usr/include/node/node_api.h') ? {} : { npm_config_nodedir: '/usr' }),
    // npm 11 documents dependency install scripts as blocked unless approved through allowScripts
    // (11.19 still runs them and only warns), and code-server is useless without its postinstall and
    // the native builds of the nested `npm install` that postinstall runs. Said through the
    // environment so that the nested npm inherits it too; an npm that does not know the setting
    // only warns. ignore-scripts would win over it, so it is forced off as well.
    npm_config_ignore_scripts: 'false',
    npm_config_dangerously_allow_all_scripts: 'true',
    // Under `npm test` or `npx`, the outer npm (running on the machine's Node 20) exports its user
    // agent, "npm/11 node/v20 ...", and the inner npm takes that over its own default. postinstall.sh
    // reads the Node major from it and refuses anything but 24. Unset (undefined drops the variable).
    npm_config_user_agent: undefined,
  });
  const prefix = npmInstallCached('code-server', `code-server@${CODE_SERVER_VERSION}`, { env });
  const pkgDir = path.join(prefix, 'node_modules', 'code-server');
  if (!postinstallRan(pkgDir)) {
    // The package arrived but its postinstall did not run (or did not finish): run it by hand.
    // It reads the package manager and Node major from npm_config_user_agent, which only npm sets.
    process.stderr.write('[deps] code-server postinstall did not run; running it now ...\n');
    try {
      execFileSync('sh', ['./postinstall.sh'], {
        cwd: pkgDir,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...env, npm_config_user_agent: `npm/11 node/v${VERSIONS.node24} linux x64`, npm_config_cache: path.join(CACHE, 'npm-cache') },
      });
    } catch (err) {
      // Forget the half-done install so that the next call starts over instead of trusting it.
      rmSync(prefix, { recursive: true, force: true });
      throw err;
    }
    if (!postinstallRan(pkgDir)) {
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`code-server's postinstall left no lib/vscode/node_modules in ${pkgDir}`);
    }
  }
  const entry = path.join(pkgDir, 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server entry missing: ${entry}`);
  return { node, entry };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = { ...ensureCodeServer(), chromium: ensureChromium() };
  process.stderr.write(`[deps] code-server and chromium ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
