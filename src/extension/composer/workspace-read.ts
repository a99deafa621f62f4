/**
 * Which workspace files the page may have read for it. An `@` mention names a path the `@` list
 * gave, and a drop names a URI; both arrive from the page, which is not trusted, and the files are
 * in a workspace, which is not trusted either: a repository can hold a link named `README.md` that
 * points at `~/.aws/credentials`. So a path is taken apart here (no `..`, no `.`, no `\`, no empty
 * part), and the file's real path must lie inside the real path of its folder. The person's own
 * file picker is not checked: they chose that file. Node only (no vscode).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { printable } from '../changes/workspace-files';
import { Refusal } from './attachments';

/**
 * The parts of a `/`-separated path inside the workspace, or a Refusal. A backslash is refused
 * rather than read as a separator: on Windows `a\..\..\x` would otherwise walk out of the folder
 * as one "part".
 */
export function workspacePathParts(relative: string): string[] {
  const parts = relative.split('/');
  const bad = parts.some((p) => p === '' || p === '.' || p === '..' || [...p].some((c) => c === '\\' || c.charCodeAt(0) < 0x20));
  if (bad) throw new Refusal(`${printable(relative)} is not a path inside the workspace.`);
  return parts;
}

/** Whether a URI path (always `/`-separated) walks with `.` or `..`, which a URI from a drop never does. */
export function hasDotSegments(uriPath: string): boolean {
  return uriPath.split('/').some((p) => p === '.' || p === '..');
}

/**
 * Refuses a file whose real path (links followed) is not inside its folder's real path. A file
 * that does not exist passes: reading it then fails with its own sentence.
 */
export async function assertReallyInside(folder: string, file: string, name: string): Promise<void> {
  let realFile: string;
  try {
    realFile = await fs.realpath(file);
  } catch {
    return;
  }
  const realFolder = await fs.realpath(folder);
  const relative = path.relative(realFolder, realFile);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new Refusal(`${printable(name)} is a link to a file outside the workspace, so it is not read.`);
  }
}
