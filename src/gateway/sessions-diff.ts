/**
 * `sessions.diff`: the git changes of a session's workspace (operator.read). The gateway answers
 * only for a workspace that is a git repository, and for the whole repository, not only what the
 * session's tools did. The answer is read here, field by field: it is the gateway's untrusted JSON.
 */
import { isRecord, str } from '../protocol/schema';
import type { GatewayClient } from './gateway-client';
import type { RequestOptions } from './pending-requests';

export const DIFF_SCOPES = ['all', 'uncommitted', 'commit'] as const;
export type DiffScope = (typeof DIFF_SCOPES)[number];

export interface SessionDiffFile {
  path: string;
  /** `added`, `modified`, `deleted`, … as git says. */
  status: string;
  additions: number;
  deletions: number;
  untracked: boolean;
  /** The file's git patch (may be absent for a binary file). */
  patch?: string;
}

export interface SessionDiff {
  files: SessionDiffFile[];
  additions: number;
  deletions: number;
  /** Why there is nothing to show: `not_git`, `unknown_session`, `unknown_commit`. */
  unavailableReason?: string;
  root?: string;
  branch?: string;
  baseRef?: string;
  /** On a feature branch: its commits since the merge base (short sha, subject). */
  commits: Array<{ sha: string; subject: string }>;
}

/** Most files read from one answer. */
const MAX_FILES = 5_000;

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

/** A `sessions.diff` answer, or undefined when it is not one. */
export function readSessionDiff(payload: unknown): SessionDiff | undefined {
  if (!isRecord(payload) || !Array.isArray(payload.files)) return undefined;
  const files: SessionDiffFile[] = [];
  for (const file of payload.files.slice(0, MAX_FILES)) {
    const path = str(file, 'path');
    if (!path || !isRecord(file)) continue;
    const row: SessionDiffFile = {
      path,
      status: str(file, 'status') ?? 'modified',
      additions: count(file.additions),
      deletions: count(file.deletions),
      untracked: file.untracked === true,
    };
    const patch = str(file, 'patch');
    if (patch !== undefined) row.patch = patch;
    files.push(row);
  }
  const commits = (Array.isArray(payload.commits) ? payload.commits : [])
    .map((c) => ({ sha: str(c, 'sha') ?? '', subject: str(c, 'subject') ?? '' }))
    .filter((c) => c.sha);
  const diff: SessionDiff = { files, additions: count(payload.additions), deletions: count(payload.deletions), commits };
  for (const key of ['unavailableReason', 'root', 'branch', 'baseRef'] as const) {
    const value = str(payload, key);
    if (value !== undefined) diff[key] = value;
  }
  return diff;
}

/** Asks the gateway for a session's workspace changes; throws when the answer is not one. */
export async function sessionDiff(
  client: Pick<GatewayClient, 'request'>,
  sessionKey: string,
  scope: DiffScope = 'all',
  commit?: string,
  options: RequestOptions = {},
): Promise<SessionDiff> {
  const params: Record<string, string> = { sessionKey, scope };
  if (commit) params.commit = commit;
  const diff = readSessionDiff(await client.request('sessions.diff', params, options));
  if (!diff) throw new Error('The gateway’s sessions.diff answer has no file list.');
  return diff;
}

/** Why a session's changes cannot be shown, in words a person can act on. */
export function unavailableText(reason: string): string {
  switch (reason) {
    case 'not_git':
      return 'The agent’s workspace is not a git repository: run `git init` there to see its changes.';
    case 'unknown_session':
      return 'The gateway does not know this session (it may have been deleted).';
    case 'unknown_commit':
      return 'That commit is not on the session’s branch since it left the base branch.';
    default:
      return `The gateway cannot show the changes (${reason}).`;
  }
}
