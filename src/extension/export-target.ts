/**
 * Where an exported session may be written: a file name proposed from its title, and the check
 * that a path the person chose in the save dialog lies inside a workspace folder. The dialog lets
 * them go anywhere; the export only writes into the workspace, so that a session's text never
 * lands in a place the person did not open in this window (and a `..` cannot walk out of it, nor
 * a link the workspace holds). Paths here are URI paths (always `/`-separated, as
 * `vscode.Uri.path` gives them), except in the two functions that read the disk.
 */
import { promises as fs } from 'node:fs';
import path, { posix } from 'node:path';

/** A file name from a session's title: letters, digits and dashes, never empty, `.md` at the end. */
export function exportFileName(title: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // One dash for each run of other characters, so there is never more than one to trim.
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
    .replace(/-$/, '');
  return `${stem || 'session'}.md`;
}

/**
 * The workspace folder (its URI path) that holds `target`, or undefined when none does. Both sides
 * are normalized first, so `/ws/../etc/x.md` is outside `/ws`. `caseInsensitive` for file systems
 * that ignore case (Windows, macOS by default): there `/WS/x.md` is inside `/ws`.
 */
export function folderHolding(folders: readonly string[], target: string, caseInsensitive = false): string | undefined {
  const fold = (p: string) => (caseInsensitive ? p.toLowerCase() : p);
  const file = fold(posix.normalize(target));
  return folders.find((folder) => {
    // normalize leaves at most one slash at the end.
    const root = fold(posix.normalize(folder)).replace(/\/$/, '');
    return file.startsWith(`${root}/`) && file.length > root.length + 1;
  });
}

/**
 * `folderHolding` on the disk: the folder (as given) that holds `target` once the links in both are
 * followed. Disk paths here (`fsPath`), for a target on the local file system.
 */
export async function folderHoldingOnDisk(folders: readonly string[], target: string, caseInsensitive = false): Promise<string | undefined> {
  const slashed = async (p: string) => (await realPath(p)).split(path.sep).join('/');
  const real = await Promise.all(folders.map(slashed));
  const holder = folderHolding(real, await slashed(target), caseInsensitive);
  return holder && folders[real.indexOf(holder)];
}

/**
 * The path the disk would write `file` to: the links in it followed, as far as it exists (the file
 * itself usually does not yet). A workspace may hold a link to a folder outside it; a file saved
 * through that link lands outside, although its path reads as inside. A link to nothing counts
 * too: writing through it creates what it names.
 */
export async function realPath(file: string): Promise<string> {
  const rest: string[] = [];
  let probe = path.resolve(file);
  for (;;) {
    try {
      return path.join(await fs.realpath(probe), ...rest);
    } catch (error) {
      const parent = path.dirname(probe);
      // A root that does not exist (a Windows drive that is gone) ends the walk.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === probe) throw error;
      // A link to nothing: followed as the write would (a loop of links is realpath's ELOOP).
      const dangling = await fs.readlink(probe).catch(() => undefined);
      if (dangling !== undefined) {
        probe = path.resolve(parent, dangling);
      } else {
        rest.unshift(path.basename(probe));
        probe = parent;
      }
    }
  }
}
