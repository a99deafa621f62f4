// The gateway half of `npm start`: the real OpenClaw gateway (openclaw from npm, the version in
// tools/versions.json) with the offline echo model server of tools/gateway/, as one child process of
// scripts/start.mjs.
//
//   OPENCLAW_START_GATEWAY_TOKEN=<token> node --import tsx scripts/start-gateway.ts --port 18789
//
// The token comes through the environment, not argv, because any local user can read a command line.
// Prints one JSON line on stdout once the gateway answers a handshake:
//   {"url":"ws://127.0.0.1:PORT","token":"...","pid":<gateway pgid>,"version":"<openclaw version>","runDir":"..."}
// and everything else on stderr. It runs in a process of its own because the harness installs
// SIGINT/SIGTERM handlers that kill the gateway's process tree and exit at once: exactly what this
// child should do when start.mjs stops it, and not something start.mjs wants in its own process
// while it still has code-server to stop. When start.mjs dies without a word, this child's stdin
// reaches end-of-file and it stops the gateway the same way.
import { parseArgs } from 'node:util';
import { startGateway, type GatewayHandle } from '../tools/gateway/gateway';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } } });
  const port = values.port ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port ${values.port} is not a port number`);

  const started = Date.now();
  // The harness keeps every OPENCLAW_* variable away from the gateway process itself.
  const token = process.env.OPENCLAW_START_GATEWAY_TOKEN || undefined;
  const gw: GatewayHandle = await startGateway({ port, token });
  process.stderr.write(`[gateway] openclaw@${gw.version} ready on ${gw.url} in ${((Date.now() - started) / 1000).toFixed(1)} s (logs: ${gw.runDir})\n`);
  process.stdout.write(`${JSON.stringify({ url: gw.url, token: gw.token, pid: gw.pid, version: gw.version, runDir: gw.runDir })}\n`);

  let stopping = false;
  const stop = async (why: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[gateway] stopping (${why})\n`);
    await gw.dispose();
    process.exit(exitCode);
  };
  process.stdin.on('end', () => void stop('parent went away'));
  process.stdin.on('error', () => void stop('parent went away'));
  process.stdin.resume();
  // The gateway exiting by itself leaves nothing to serve: say so and go.
  const watch = setInterval(() => {
    if (!gw.running && !stopping) {
      process.stderr.write(`[gateway] the gateway exited by itself; last log lines:\n${gw.logTail()}\n`);
      clearInterval(watch);
      void stop('gateway exited', 1);
    }
  }, 1000);
}

main().catch((err: Error) => {
  process.stderr.write(`[gateway] ${err.message}\n`);
  process.exit(1);
});
