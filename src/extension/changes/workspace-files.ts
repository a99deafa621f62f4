/**
 * Where a path the gateway names may be written: only inside the workspace folder, never through
 * `..`, never through a symbolic link, never to an absolute path elsewhere. Paths from the gateway
 * are hostile input; each refusal is a sentence for the person. Node only (no vscode): the glue may
 * read and write through the editor instead (`ChangeFiles`), but the path is always checked here.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Reads and writes the files a change set reverts. The glue's version goes through the editor (undo, dirty buffers). */
export interface ChangeFiles {
  /** The file's content as the editor sees it (an unsaved buffer included); undefined when there is no such file. */
  read(absolute: string): Promise<Uint8Array | undefined>;
  write(absolute: string, bytes: Uint8Array): Promise<void>;
  remove(absolute: string): Promise<void>;
}

export class PathRefusal extends Error {}

/**
 * The absolute path of `named` inside `root`, or a PathRefusal saying why it may not be touched.
 * Checked against the disk as it is now: call again right before writing.
 */
export async function resolveInWorkspace(root: string, named: string): Promise<string> {
  if (!named || named.includes('\0')) throw new PathRefusal(`“${printable(named)}” is no file path`);
  if (named.split(/[\\/]/).includes('..')) throw new PathRefusal(`“${printable(named)}” goes up with “..”: only files inside the workspace are written`);
  const realRoot = await fs.realpath(root);
  const absolute = path.isAbsolute(named) ? path.normalize(named) : path.join(realRoot, named);
  const inside = (p: string) => p.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
  // An absolute path is taken as given when it is under the root as written, or under its real path.
  const lexical = path.isAbsolute(named)
    ? isUnder(path.resolve(root), absolute)
      ? path.join(realRoot, path.relative(path.resolve(root), absolute))
      : absolute
    : absolute;
  if (!inside(lexical)) throw new PathRefusal(`“${printable(named)}” is outside the workspace folder ${realRoot}`);
  // Every existing part of the path must be a real directory or file, not a link to somewhere else.
  let probe = realRoot;
  for (const part of path.relative(realRoot, lexical).split(path.sep)) {
    probe = path.join(probe, part);
    let stat;
    try {
      stat = await fs.lstat(probe);
    } catch {
      break;
    }
    if (stat.isSymbolicLink())
      throw new PathRefusal(`“${printable(named)}” goes through a symbolic link (${path.relative(realRoot, probe)}): it is not written`);
  }
  return lexical;
}

function isUnder(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** A path from outside, fit for a sentence: control characters shown as `?`, cut past 120 characters. */
export function printable(text: string): string {
  const clean = [...text].map((c) => (c.charCodeAt(0) < 0x20 ? '?' : c)).join('');
  return clean.length > 120 ? `${clean.slice(0, 117)}…` : clean;
}

/** Plain Node file access (tests, and a workspace no editor has open). */
export const nodeChangeFiles: ChangeFiles = {
  async read(absolute) {
    try {
      return await fs.readFile(absolute);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  async write(absolute, bytes) {
    await fs.mkdir(path.dirname(absolute), { recursive: true });
    await fs.writeFile(absolute, bytes);
  },
  async remove(absolute) {
    await fs.rm(absolute, { force: true });
  },
};
