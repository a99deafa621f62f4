/**
 * A network namespace joined to this one by a veth pair with two private addresses, so that a
 * gateway started inside it (StartGatewayOptions.netns) sees the test's client arrive from another
 * address, not loopback: the way to test what a remote gateway does (pairing that waits for a
 * person) on one machine. Needs root (CAP_NET_ADMIN) and iproute2's `ip`.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../paths';

/** Installs `ip` and `openssl` from Debian where they are missing (scripts/deps, shared with CI). */
export async function ensureNetTools(): Promise<void> {
  const spec = pathToFileURL(path.join(ROOT, 'scripts/deps/code-server.mjs')).href;
  const mod = (await import(spec)) as { ensureNetTools(): void };
  mod.ensureNetTools();
}

export interface NetNamespace {
  name: string;
  /** The address inside the namespace (where its gateway listens). */
  address: string;
  /** This side's address (where the client comes from, and where the model server listens). */
  hostAddress: string;
  /** Deletes the namespace and both ends of the veth pair. */
  dispose(): void;
}

/** Why namespaces cannot be made here, or undefined when they can (root, and `ip` is installed). */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'making a network namespace needs root (CAP_NET_ADMIN)';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 is not installed (`ip` not found): npm ci installs it on Debian, or apt-get install iproute2';
  }
  return undefined;
}

/** Makes a namespace with a veth pair on 10.231.X.0/30 (X random, so parallel runs rarely meet). */
export function createNetNamespace(): NetNamespace {
  const id = randomInt(0x10000).toString(16).padStart(4, '0');
  const name = `openclaw-test-${id}`;
  const outer = `oc${id}h`;
  const inner = `oc${id}n`;
  const subnet = `10.231.${randomInt(256)}.${4 * randomInt(64)}`;
  const base = subnet.split('.').map(Number);
  const hostAddress = `${base[0]}.${base[1]}.${base[2]}.${base[3] + 1}`;
  const address = `${base[0]}.${base[1]}.${base[2]}.${base[3] + 2}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const dispose = () => {
    // Deleting the namespace deletes the inner end, and with it the outer one.
    for (const args of [
      ['netns', 'del', name],
      ['link', 'del', outer],
    ]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${address}/30`, 'dev', inner);
    ip('netns', 'exec', name, 'ip', 'link', 'set', inner, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    dispose();
    throw new Error(
      `could not make network namespace ${name}: ${(error as Error & { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message}`,
      { cause: error },
    );
  }
  return { name, address, hostAddress, dispose };
}
