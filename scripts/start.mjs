// `npm start`: the whole thing running on this machine with no OpenClaw account and no API key.
//
//   node scripts/start.mjs            start, print the URL, run until Ctrl+C (or SIGTERM)
//   node scripts/start.mjs --check    start, prove it works in a browser, stop; exit 0 or 1
//                                     (same as OPENCLAW_START_CHECK=1)
//
// What runs, all on 127.0.0.1:
//  - the real OpenClaw gateway (openclaw from npm, the version in tools/versions.json, under Node 24)
//    talking to the offline echo model server of tools/gateway/, in a child process
//    (scripts/start-gateway.ts);
//  - code-server (VS Code in the browser, with a real Node extension host) with the freshly packaged
//    .vsix installed, and OPENCLAW_GATEWAY_URL / OPENCLAW_GATEWAY_TOKEN in its environment, which
//    its extension host inherits: the extension finds the gateway with zero configuration.
//    It asks for a password made up for each start and printed with the URL: 127.0.0.1 keeps other
//    machines out, not the other users of this one, and whoever gets in has a terminal and the
//    gateway's token.
// Installs (Node 24, openclaw, code-server; chromium for --check) land in the git-ignored .cache/
// on first use. Each start uses a fresh gateway and a fresh code-server profile under .cache/start/;
// the demo workspace (.cache/demo-workspace) is kept, so edits to it survive.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { require as tsxRequire } from 'tsx/cjs/api';
import { CACHE, ROOT, ensureNode24 } from './deps/cache.mjs';
import { ensureChromium, ensureCodeServer } from './deps/code-server.mjs';
import { OPENCLAW_VERSION, ensureOpenclaw } from './deps/openclaw.mjs';
import { packageExtension } from './package.mjs';

const CHECK = process.argv.includes('--check') || process.env.OPENCLAW_START_CHECK === '1';
const RUN_DIR = path.join(CACHE, 'start');
/** Who runs: this script's pid and the process groups it started, for the next start to clean up. */
const PID_FILE = path.join(CACHE, 'start.pids.json');
/** Where the gateway of the last start kept its logs and state (removed by the next start). */
const GATEWAY_RUN_NOTE = path.join(RUN_DIR, 'gateway-run-dir.txt');
const WORKSPACE = path.join(CACHE, 'demo-workspace');
const ARTIFACTS = path.join(ROOT, '.test-artifacts');
const GATEWAY_READY_TIMEOUT_MS = 120_000;
/** The gateway child gets this long to go after SIGTERM before its group is killed. */
const GATEWAY_STOP_GRACE_MS = 10_000;
/** Random bytes in code-server's password: 18 make 24 characters of base64url. */
const PASSWORD_BYTES = 18;

const started = Date.now();
const elapsed = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (line) => process.stderr.write(`[start] ${line}\n`);

// The machinery shared with the tests (tools/: code-server driver, gateway harness) is TypeScript
// typed as CommonJS; tsx's require loads it in-process with __dirname intact (its ESM tsImport does
// not keep __dirname).
const { freshRunDir, startCodeServer } = tsxRequire('../tools/code-server/server.ts', import.meta.url);
const { installVsix } = tsxRequire('../tools/code-server/install.ts', import.meta.url);
const { openWorkbench } = tsxRequire('../tools/code-server/workbench.ts', import.meta.url);
const { findWebviewFrame } = tsxRequire('../tools/code-server/webview-frame.ts', import.meta.url);
const { processGroupMembers } = tsxRequire('../tools/code-server/process-group.ts', import.meta.url);
const { freePort } = tsxRequire('../tools/gateway/ports.ts', import.meta.url);

/** Everything started so far, stopped in reverse by shutdown(). */
const running = { gateway: undefined, server: undefined, workbench: undefined };

/** A small project to open, so that "Ask About Selection" has code to select. Kept once written. */
function ensureDemoWorkspace() {
  mkdirSync(WORKSPACE, { recursive: true });
  const files = {
    'README.md': [
      '# OpenClaw demo workspace',
      '',
      'Made by `npm start`; edit freely, it is kept between runs (it lives in the git-ignored `.cache/`).',
      'Open `greet.ts`, select a few lines and press Ctrl+Alt+A (Cmd+Alt+A on macOS) to ask OpenClaw about them.',
      '',
    ].join('\n'),
    'greet.ts': [
      '/** Greets someone, politely or not. */',
      'export function greet(name: string, polite = true): string {',
      "  const greeting = polite ? 'Good morning' : 'Hey';",
      '  return `${greeting}, ${name}!`;',
      '}',
      '',
      "console.log(greet('OpenClaw'));",
      '',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(WORKSPACE, name);
    if (!existsSync(file)) writeFileSync(file, text);
  }
  return WORKSPACE;
}

/**
 * Starts scripts/start-gateway.ts in its own process group and resolves with what it prints once
 * the gateway is ready ({ url, token, pid, version, runDir }). The child's stderr is passed through.
 */
function startGatewayChild({ port, token }) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start-gateway.ts'), '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, OPENCLAW_START_GATEWAY_TOKEN: token },
    // Own process group: Ctrl+C in the terminal reaches only this script, which then stops the
    // child in order (see shutdown); the pipe on stdin tells the child when this script is gone.
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway was not ready within ${GATEWAY_READY_TIMEOUT_MS / 1000} s`)), GATEWAY_READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`unexpected output from the gateway process: ${line}`));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the gateway process exited (${code ?? signal}) before it was ready`));
    });
  });
  ready.catch(() => undefined); // awaited later; a failure must not count as unhandled meanwhile
  return { child, ready, exited, info: undefined };
}

/** SIGTERM to the gateway child's group, SIGKILL after a grace period; resolves when it is gone. */
async function stopGatewayChild(gateway) {
  const { child } = gateway;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), GATEWAY_STOP_GRACE_MS);
    await gateway.exited;
    clearTimeout(timer);
  }
  // The child kills the gateway's own process group on the way out; make sure of it (e.g. after
  // a SIGKILL above), and of anything left in the child's group.
  for (const pgid of [gateway.info?.pid, child.pid]) {
    if (!pgid) continue;
    signalGroup(pgid, 'SIGKILL');
    await waitUntil(() => processGroupMembers(pgid).length === 0, 5_000);
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nobody left in the group
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

/** The command line of a live process, or undefined. */
function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/**
 * A start that was killed outright (SIGKILL, a closed terminal) could not stop code-server, which
 * lives in its own process group. Its groups are in PID_FILE: stop them now. A group is only
 * signalled while its leader still runs our code-server or gateway script, so a recycled PID is
 * never hit. A start that is still running is left alone, and this one refuses to run beside it
 * (both would use .cache/start/).
 */
async function reapPreviousRun() {
  let previous;
  try {
    previous = JSON.parse(readFileSync(PID_FILE, 'utf8'));
  } catch {
    return;
  }
  if (previous.pid !== process.pid && commandLine(previous.pid)?.includes('scripts/start.mjs')) {
    throw new Error(`another "npm start" is running (pid ${previous.pid}); stop it first (Ctrl+C there, or kill ${previous.pid})`);
  }
  const ours = [
    [previous.codeServer, '.cache/code-server/'],
    [previous.gatewayChild, 'scripts/start-gateway.ts'],
    [previous.gateway, 'openclaw'],
  ];
  for (const [pgid, marker] of ours) {
    if (!pgid || !commandLine(pgid)?.includes(marker)) continue;
    say(`stopping process group ${pgid} left by an earlier start`);
    signalGroup(pgid, 'SIGTERM');
    if (!(await waitUntil(() => processGroupMembers(pgid).length === 0, 5_000))) signalGroup(pgid, 'SIGKILL');
  }
  rmSync(PID_FILE, { force: true });
}

/**
 * The harness keeps each gateway's run dir (logs, state: ~70 MB) for post-mortems and never
 * deletes it. A start keeps its own until the next start, which removes it.
 */
function forgetPreviousGatewayRun() {
  let dir;
  try {
    dir = readFileSync(GATEWAY_RUN_NOTE, 'utf8').trim();
  } catch {
    return;
  }
  // Only ever a folder the harness made under .cache/run/.
  if (path.dirname(dir) === path.join(CACHE, 'run')) rmSync(dir, { recursive: true, force: true });
}

let recorded = false;
function recordRunning() {
  recorded = true;
  const pids = { pid: process.pid, codeServer: running.server?.pid, gatewayChild: running.gateway?.child.pid, gateway: running.gateway?.info?.pid };
  writeFileSync(PID_FILE, `${JSON.stringify(pids)}\n`);
}

let shuttingDown;
/** Stops whatever runs (browser, code-server, gateway) and reports any process group left behind. */
function shutdown() {
  shuttingDown ??= (async () => {
    const { workbench, server, gateway } = running;
    await workbench?.close().catch(() => undefined);
    const groups = [];
    const stops = [];
    if (server) {
      groups.push(server.pid);
      stops.push(server.stop().catch((err) => say(`code-server: ${err.message}`)));
    }
    if (gateway) {
      groups.push(gateway.child.pid);
      if (gateway.info?.pid) groups.push(gateway.info.pid);
      stops.push(stopGatewayChild(gateway).catch((err) => say(`gateway: ${err.message}`)));
    }
    await Promise.all(stops);
    const left = groups.filter((pgid) => processGroupMembers(pgid).length > 0);
    if (left.length) say(`process groups still alive: ${left.join(' ')}`);
    else if (recorded) rmSync(PID_FILE, { force: true });
    return left.length === 0;
  })();
  return shuttingDown;
}

/** A browser without the password must land on code-server's login page, not in the workbench. */
async function assertLoginRequired(url) {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location || new URL(location, url).pathname !== '/login') {
    throw new Error(`without the password, ${url} answered ${response.status}${location ? ` (to ${location})` : ''} instead of a redirect to /login`);
  }
  say('without the password the workbench redirects to /login');
}

/**
 * The proof that the main job works: see that the workbench is shut without the password, then open
 * it as a person would (sign in, click OpenClaw in the activity bar), send a message, and wait for
 * the echo model's reply to arrive through the real gateway, the extension host and the webview.
 * Leaves a screenshot in .test-artifacts/.
 */
async function check(server, url, workspace) {
  await assertLoginRequired(url);
  const checkStarted = Date.now();
  const message = `hello from npm start ${randomBytes(3).toString('hex')}`;
  const workbench = await openWorkbench(server, { workspace });
  running.workbench = workbench;
  const { page } = workbench;
  const screenshot = path.join(ARTIFACTS, 'start-check.png');
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    const openclaw = page.locator('.part.activitybar').getByRole('tab', { name: /^OpenClaw/ });
    await openclaw.click({ timeout: 60_000 });
    const clicked = Date.now();
    const chat = await findWebviewFrame(page, '[aria-label="Message OpenClaw"]', { timeoutMs: 60_000 });
    const shown = Date.now();
    const input = chat.getByRole('textbox', { name: 'Message OpenClaw' });
    await input.fill(message);
    await input.press('Enter');
    // A fresh gateway takes 6-20 s before its first model call, far more on a busy machine.
    await chat.getByText(`Echo: ${message}`).first().waitFor({ timeout: 240_000 });
    const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
    say(`activity bar clicked after ${seconds(clicked - checkStarted)}, chat view after ${seconds(shown - clicked)} more, reply after ${elapsed(shown)} more`);
    // Let the reply finish streaming (the usage line comes last) so that the picture is complete.
    await delay(1000);
    await page.screenshot({ path: screenshot });
    say(`check passed: "${message}" came back as "Echo: ${message}" ${elapsed(checkStarted)} after the page opened`);
    return true;
  } catch (err) {
    await page.screenshot({ path: screenshot }).catch(() => undefined);
    say(`check FAILED: ${err.message.split('\n')[0]}`);
    const hostLines = workbench.logs.filter((line) => /openclaw/i.test(line)).slice(-20);
    if (hostLines.length) say(`extension host lines mentioning OpenClaw:\n${hostLines.join('\n')}`);
    return false;
  } finally {
    say(`screenshot: ${path.relative(ROOT, screenshot)}`);
  }
}

function printWelcome(url, password, gateway) {
  const port = new URL(url).port;
  const mod = process.platform === 'darwin' ? 'Cmd' : 'Ctrl';
  process.stdout.write(
    [
      '',
      `OpenClaw is running (ready in ${elapsed()}). Open this in your browser and log in with the password:`,
      '',
      `    ${url}`,
      `    password: ${password}`,
      '',
      '  (a new password each start; it is shown here only)',
      '',
      `  gateway  ${gateway.url}  openclaw@${gateway.version} with an offline echo model: no account, no API key`,
      `  logs     ${path.relative(ROOT, RUN_DIR)}/code-server/code-server.log, ${path.relative(ROOT, gateway.runDir)}/`,
      '',
      'What to try:',
      `  1. Click the OpenClaw icon in the activity bar (or press ${mod}+Alt+O), type "hello" and press Enter:`,
      '     the reply is "Echo: hello", streamed word by word.',
      '  2. Send "MARKDOWN" for a formatted reply with a code block (Copy, Insert at Cursor), "TOOL" for a',
      '     tool call, "SLOW" for a long stream you can stop with the Stop button.',
      `  3. Open greet.ts, select a few lines, press ${mod}+Alt+A and Enter: the question goes out with the`,
      '     selected code, its file and its lines.',
      '  4. + in the Chat view title starts a new session (listed under Sessions after its first message);',
      '     a click in the Sessions view switches back, its trash icon deletes one.',
      '  5. "OpenClaw: Show Log" in the command palette shows the connection to the gateway.',
      '',
      `Everything listens on 127.0.0.1 only; from another machine, forward the port: ssh -L ${port}:127.0.0.1:${port} <this host>`,
      'Ctrl+C stops everything.',
      '',
    ].join('\n'),
  );
}

async function main() {
  say(CHECK ? 'starting, then checking it in a browser (--check)' : 'starting');
  await reapPreviousRun();
  // Installs are synchronous and take minutes the first time, seconds afterwards.
  let since = Date.now();
  ensureNode24();
  ensureOpenclaw(OPENCLAW_VERSION);
  ensureCodeServer();
  if (CHECK) ensureChromium();
  say(`dependencies ready (${elapsed(since)})`);

  since = Date.now();
  const pkg = await packageExtension({ log: () => undefined });
  say(`packaged ${path.relative(ROOT, pkg.vsix)} (${(pkg.bytes / 1024).toFixed(1)} KiB, ${elapsed(since)})`);

  const workspace = ensureDemoWorkspace();
  // Nothing of a developer's own OpenClaw setup (a token for another gateway, say) may reach the
  // extension host: it inherits this environment through code-server. OPENCLAW_VSCODE_CACHE is
  // ours (where .cache/ is) and the gateway child needs it too.
  for (const key of Object.keys(process.env)) if (key.startsWith('OPENCLAW_') && key !== 'OPENCLAW_VSCODE_CACHE') delete process.env[key];

  // Port and token are chosen here so that the gateway and code-server can start side by side.
  const port = await freePort();
  const token = `start-${randomBytes(16).toString('hex')}`;
  const password = randomBytes(PASSWORD_BYTES).toString('base64url');
  since = Date.now();
  running.gateway = startGatewayChild({ port, token });
  recordRunning();

  forgetPreviousGatewayRun();
  rmSync(RUN_DIR, { recursive: true, force: true });
  const runDir = freshRunDir(path.join(RUN_DIR, 'code-server'));
  await installVsix({ runDir }, pkg.vsix);
  if (shuttingDown) return; // Ctrl+C meanwhile: shutdown() has the gateway, start nothing more
  const server = await startCodeServer({
    runDir,
    password,
    env: { OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${port}`, OPENCLAW_GATEWAY_TOKEN: token },
  });
  if (shuttingDown) return void (await server.stop()); // started after shutdown() took stock
  running.server = server;
  recordRunning();
  say(`code-server with the extension installed is up (${elapsed(since)} after starting the gateway)`);
  running.gateway.info = await running.gateway.ready;
  recordRunning();
  writeFileSync(GATEWAY_RUN_NOTE, `${running.gateway.info.runDir}\n`);
  if (shuttingDown) return;

  // Anything that dies on its own from now on takes the rest down with it.
  const giveUp = (what) => {
    if (shuttingDown) return;
    say(`${what}; stopping`);
    void shutdown().then(() => process.exit(1));
  };
  running.gateway.exited.then(({ code, signal }) => giveUp(`the gateway process exited (${code ?? signal})`));
  const watch = setInterval(() => {
    if (processGroupMembers(server.pid).length === 0) giveUp('code-server exited');
  }, 2000);
  watch.unref();

  const url = `${running.server.url}?folder=${encodeURIComponent(workspace)}`;
  if (CHECK) {
    say(`ready in ${elapsed()}: ${url}`);
    const ok = await check(running.server, url, workspace);
    const clean = await shutdown();
    say(`stopped${clean ? ', no process left' : ''} (${elapsed()} in all)`);
    process.exit(ok && clean ? 0 : 1);
  }
  printWelcome(url, password, running.gateway.info);
}

// Ctrl+C (SIGINT) or SIGTERM: stop in order. Another one later gives up waiting. Under `npm start`
// one Ctrl+C arrives twice (from the terminal, and forwarded by npm), so a repeat within a second
// is the same request.
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (firstSignalAt && Date.now() - firstSignalAt < 1000) return;
    if (firstSignalAt) {
      for (const pgid of [running.server?.pid, running.gateway?.child.pid, running.gateway?.info?.pid]) if (pgid) signalGroup(pgid, 'SIGKILL');
      process.exit(130);
    }
    firstSignalAt = Date.now();
    say(`${signal}: stopping everything ... (again to kill at once)`);
    void shutdown().then((clean) => {
      say(clean ? 'stopped' : 'stopped, with leftovers (see above)');
      process.exit(clean ? 0 : 1);
    });
  });
}

try {
  await main();
} catch (err) {
  // Messages can quote whole logs (code-server's output, say): keep the terminal readable.
  const text = String(err?.message ?? err);
  say(`failed: ${text.length > 4000 ? `${text.slice(0, 4000)} …` : text}`);
  await shutdown();
  process.exit(1);
}
