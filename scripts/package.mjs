// Packages the extension as openclaw-vscode-<version>.vsix at the repo root (git-ignored).
//
//   node scripts/package.mjs        (npm run package)  builds with --production, then runs vsce
//
// What goes into the .vsix is decided by .vscodeignore alone. Two things about vsce shape this script:
//  - vsce walks every file under its working directory before it applies .vscodeignore, and
//    node_modules/ plus .cache/ (code-server, openclaw, npm cache) hold ~160k files here: that walk
//    took 32 s. So vsce runs in a staging copy of the checkout without those folders (~1 MB).
//  - `vsce package` always runs the manifest's `vscode:prepublish` (the production build). This
//    script runs that same build first, in the checkout, and the staged package.json goes without
//    the hook, since the staging copy has no node_modules to build with.
// vsce runs under Node 24 (it requires Node >= 22). `vsce package` never talks to the Marketplace;
// it goes to the network only to look up its own newest version (`npm show`), and only when its
// stdout is a terminal, so its output is piped. With --no-dependencies it does not run npm to list
// dependencies either: esbuild bundles them into dist/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE, ROOT, node24Env } from './deps/cache.mjs';

/** Top-level entries of the checkout that never ship and are not copied into the staging dir. */
const NOT_STAGED = new Set(['.git', '.cache', 'node_modules', '.test-artifacts', 'out']);

/** Path of the .vsix that packageExtension() writes for the current manifest. */
export function vsixPath() {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
}

/**
 * Builds with --production and packages. Resolves with the .vsix path, its size in bytes, its
 * entries (paths inside the zip, e.g. "extension/dist/extension.js") and the time taken in ms.
 * `log` receives vsce's output and progress lines (stderr by default).
 */
export async function packageExtension({ log = (text) => process.stderr.write(text) } = {}) {
  const started = Date.now();
  const out = vsixPath();

  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`production build failed (exit ${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`);

  // A stage of its own, so that `npm start` and the package test may package at the same time.
  mkdirSync(CACHE, { recursive: true });
  const stage = mkdtempSync(path.join(CACHE, 'vsix-stage-'));
  try {
    for (const name of readdirSync(ROOT)) {
      if (NOT_STAGED.has(name) || name.endsWith('.vsix')) continue;
      cpSync(path.join(ROOT, name), path.join(stage, name), { recursive: true });
    }
    const manifest = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'));
    delete manifest.scripts?.['vscode:prepublish'];
    writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(out, { force: true });
    await runVsce(stage, out, log);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  if (!existsSync(out)) throw new Error(`vsce reported success but wrote no ${out}`);
  return { vsix: out, bytes: statSync(out).size, entries: listZipEntries(out).map((e) => e.name), ms: Date.now() - started };
}

/** `vsce package` in `cwd`, writing `out`; rejects with vsce's output when it fails. */
function runVsce(cwd, out, log) {
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // --allow-missing-repository: the manifest has no "repository" yet; vsce would warn about it and,
  // on a terminal, ask "Do you want to continue? [y/N]".
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out];
  const env = node24Env();
  return new Promise((resolve, reject) => {
    // "node" is Node 24's, first on PATH in node24Env(). With stdout not a terminal, vsce neither
    // asks questions (it takes "y") nor looks up its newest version on the npm registry.
    const child = spawn('node', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const collect = (chunk) => {
      text += chunk;
      log(String(chunk));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`vsce package failed (${code ?? signal}):\n${text}`))));
  });
}

/**
 * The entries of a zip file (a .vsix is one), read from its central directory: [{ name, size }]
 * with the uncompressed size. Enough for vsce's output (no zip64, no multi-disk archives).
 */
export function listZipEntries(file) {
  const zip = readFileSync(file);
  // The end-of-central-directory record is the last 22 bytes plus an optional comment (<= 64 KiB).
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end-of-central-directory record)`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: broken central directory at byte ${at}`);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    // vsce's own chatter goes to stderr; the summary below is the result.
    const result = await packageExtension();
    const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
    process.stdout.write(
      `\n${path.relative(process.cwd(), result.vsix) || result.vsix}: ${kib(result.bytes)}, packaged in ${(result.ms / 1000).toFixed(1)} s\n`,
    );
    for (const entry of listZipEntries(result.vsix)) process.stdout.write(`  ${entry.name.padEnd(40)} ${kib(entry.size).padStart(10)}\n`);
  } catch (err) {
    process.stderr.write(`package: ${err.message}\n`);
    process.exit(1);
  }
}
