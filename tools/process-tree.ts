/**
 * The processes a process started, found by parent id in /proc (Linux), and their end by PID. The
 * benches and tests start servers that lead process groups of their own (the gateway, code-server)
 * and Chromium under Playwright: a signal to the bench's group does not reach them, but they are
 * still its descendants, so walking the tree finds every one of them.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc/<pid>/stat gives it: its parent, its state letter, and its start time (field
 * 22), which tells it apart from a later process reusing its PID. */
export interface ProcEntry {
  ppid: number;
  state: string;
  startTime: string;
}

/** pid -> what /proc says of it, for every process visible there; empty where there is no /proc. */
export function processTable(): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(name), { state: rest[0], ppid: Number(rest[1]), startTime: rest[19] });
  }
  return table;
}

/** Every live descendant of `root` (children first-level first), leaving out zombies. */
export function descendants(root: number): number[] {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length) {
    const pid = todo.shift()!;
    if (table.get(pid)?.state !== 'Z') out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Whether `pid` is a running process (a zombie, dead but not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      // No /proc (not Linux): ask the kernel.
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

/**
 * Ends every descendant of this process: SIGTERM to each by PID (the tree is taken before any
 * signal, so a child that exits first cannot hide its own children), then SIGKILL to whatever is
 * still alive after `graceMs`. Resolves the PIDs it signalled.
 */
export async function killDescendants(graceMs = 3000): Promise<number[]> {
  const pids = descendants(process.pid);
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pid of pids) if (isAlive(pid)) signal(pid, 'SIGKILL');
  return pids;
}
