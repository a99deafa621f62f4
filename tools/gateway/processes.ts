// Process bookkeeping of a gateway run.
// The gateway runs in its own process group (spawned detached), so one signal reaches it and the
// helpers it starts in that group. Some helpers leave the group: 2026.9.6 starts its "spawn broker"
// with its own session, and a CLI respawn may detach too. So the harness also remembers every
// descendant it has seen (from /proc, with its start time so a recycled PID is never hit) and
// kills those individually.
import { readFileSync } from 'node:fs';
import { processTable } from '../process-tree';
import { waitUntil } from '../wait';

interface ProcRef {
  pid: number;
  /** /proc/<pid>/stat field 22, to tell the process apart from a later one reusing its PID. */
  startTime: string;
}

function descendantsOf(rootPid: number): ProcRef[] {
  const table = processTable();
  const found: ProcRef[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [pid, info] of table) {
      if (info.ppid === parent) {
        found.push({ pid, startTime: info.startTime });
        queue.push(pid);
      }
    }
  }
  return found;
}

function isSameProcessAlive(ref: ProcRef): boolean {
  try {
    const stat = readFileSync(`/proc/${ref.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie (state Z) is already dead; it only waits for its parent to reap it.
    return fields[19] === ref.startTime && fields[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether any live (non-zombie) process is left in the group. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(0) also succeeds for zombies; look closer where /proc allows.
  const table = processTable();
  if (table.size === 0) return true;
  for (const pid of table.keys()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // gone
    }
  }
  return false;
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function killRef(ref: ProcRef, sig: NodeJS.Signals): void {
  if (!isSameProcessAlive(ref)) return;
  try {
    process.kill(ref.pid, sig);
  } catch {
    // Exited in between.
  }
}

/** One gateway process and everything it started: signalled, killed and awaited as a unit. */
export class GatewayProcessTree {
  private readonly seen = new Map<number, ProcRef>();
  private readonly refresh: NodeJS.Timeout;

  constructor(readonly leader: number) {
    liveTrees.add(this);
    installExitHooks();
    // Catch helpers while their parent is alive: once it dies they are re-parented and untraceable.
    this.refresh = setInterval(() => this.snapshot(), 2000);
    this.refresh.unref();
  }

  snapshot(): void {
    for (const ref of descendantsOf(this.leader)) this.seen.set(ref.pid, ref);
  }

  /** Signal to the leader's process group (what a supervisor would do). */
  signal(sig: NodeJS.Signals): void {
    killGroup(this.leader, sig);
  }

  /** SIGKILL the group and every descendant ever seen; resolves when all are gone (or after 5 s). */
  async killAll(): Promise<boolean> {
    this.snapshot();
    killGroup(this.leader, 'SIGKILL');
    for (const ref of this.seen.values()) killRef(ref, 'SIGKILL');
    const gone = await waitUntil(() => this.allGone(), 5000);
    clearInterval(this.refresh);
    liveTrees.delete(this);
    return gone;
  }

  /** Synchronous last resort for process exit. */
  killAllNow(): void {
    this.snapshot();
    killGroup(this.leader, 'SIGKILL');
    for (const ref of this.seen.values()) killRef(ref, 'SIGKILL');
  }

  allGone(): boolean {
    return !groupAlive(this.leader) && [...this.seen.values()].every((ref) => !isSameProcessAlive(ref));
  }
}

// Gateways still running when the test process exits (a failed test that never reached dispose, or
// Ctrl-C) are killed here, so none outlives the run.
const liveTrees = new Set<GatewayProcessTree>();
let exitHooksInstalled = false;
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const tree of liveTrees) tree.killAllNow();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const tree of liveTrees) tree.killAllNow();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}
