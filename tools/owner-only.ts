// Files and folders that hold a secret (a gateway token, the code-server password, a profile) are
// the owner's alone: folders 0700, files 0600. The machine may have other users, and .cache/ and
// .test-artifacts/ are otherwise made readable to all by the usual umask (022).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

export const OWNER_ONLY_DIR_MODE = 0o700;
export const OWNER_ONLY_FILE_MODE = 0o600;

/** mkdir -p with mode 0700; returns the folder. */
export function mkdirOwnerOnly(dir: string): string {
  // mkdir's mode only applies to the folders it creates: one that is already there (from an
  // earlier run, or made by the caller) is changed here.
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  if (existed) chmodSync(dir, OWNER_ONLY_DIR_MODE);
  return dir;
}

/** Writes `text` to `file`, which is (or becomes) 0600 before the text is in it. */
export function writeFileOwnerOnly(file: string, text: string): void {
  // As with mkdir, the mode only applies to a new file.
  if (existsSync(file)) chmodSync(file, OWNER_ONLY_FILE_MODE);
  writeFileSync(file, text, { mode: OWNER_ONLY_FILE_MODE });
}
