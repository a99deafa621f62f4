// A packaged extension (.vsix) installed the way a person installs it, through code-server's CLI.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { dirsOf, installer, makeDirs, serverEnv, shortSocketDir, type CodeServerDirs } from './server';

/**
 * Installs a packaged extension into the extensions dir of a server (or of dirs a server will use).
 * Best done before startCodeServer: a running server may not pick it up until the next window.
 * An extension that does not declare capabilities.untrustedWorkspaces still works here, because
 * startCodeServer disables workspace trust.
 */
export async function installVsix(target: CodeServerDirs | { runDir: string }, vsixPath: string): Promise<string> {
  const { node, entry } = (await installer()).ensureCodeServer();
  const dirs = dirsOf(target.runDir);
  makeDirs(dirs);
  const socketDir = shortSocketDir();
  try {
    return execFileSync(
      node,
      [entry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', path.resolve(vsixPath)],
      { env: serverEnv(dirs, node, socketDir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(socketDir, { recursive: true, force: true });
  }
}
