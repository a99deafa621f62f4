// The process group code-server leads (it is started with setsid), and stopping all of it.
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from '../wait';

/** Live members of a process group. Zombies do not count: in a container nobody may reap them. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(name));
  }
  return members;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once no live member is left. */
export async function killGroup(pgid: number, graceMs = 5_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // ESRCH: already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processGroupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      signal('SIGKILL');
      await sleep(200);
      if (processGroupMembers(pgid).length === 0) return;
      if (Date.now() > deadline + 5_000) throw new Error(`process group ${pgid} survived SIGKILL: ${processGroupMembers(pgid).join(' ')}`);
      continue;
    }
    await sleep(100);
  }
}
