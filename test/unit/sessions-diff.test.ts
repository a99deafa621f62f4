/** `sessions.diff` answers read at the edge (src/gateway/sessions-diff.ts): the recorded answers of the real gateway, and hostile shapes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePatch } from '../../src/extension/changes/patch';
import { readSessionDiff, sessionDiff, unavailableText } from '../../src/gateway/sessions-diff';
import { readTranscript } from '../support/transcripts';

const answers = readTranscript('sessions-diff.jsonl')
  .filter((line) => line.frame?.type === 'res')
  .map((line) => line.frame!.payload);

describe('sessions.diff answers', () => {
  it('read every recorded answer: not a repository, an unknown session, an untracked file, a feature branch', () => {
    const read = answers.map((a) => readSessionDiff(a));
    assert.ok(read.every((d) => d !== undefined));
    assert.deepEqual(read.map((d) => d.unavailableReason).filter(Boolean), ['not_git', 'unknown_session', 'unknown_commit', 'unknown_commit']);
    const untracked = read.find((d) => d.files.some((f) => f.untracked))!;
    assert.deepEqual(
      { ...untracked.files[0], patch: undefined },
      { path: 'probe-notes.txt', status: 'added', additions: 1, deletions: 0, untracked: true, patch: undefined },
    );
    assert.equal(parsePatch(untracked.files[0].patch!)[0].additions, 1, 'its git patch parses');
    const feature = read.find((d) => d.branch === 'feature')!;
    assert.deepEqual([feature.baseRef, feature.commits], ['main', [{ sha: '47b57f9', subject: 'feature commit' }]]);
  });

  it('drop what is not an answer, and keep only well-formed files and counts', () => {
    assert.equal(readSessionDiff(null), undefined);
    assert.equal(readSessionDiff({ files: 'x' }), undefined);
    const odd = readSessionDiff({
      files: [{ path: 7 }, 'x', { path: 'a', additions: -3, deletions: 'many', patch: 5 }],
      additions: Infinity,
      commits: [{}, { sha: 'abc' }],
    });
    assert.deepEqual(odd, {
      files: [{ path: 'a', status: 'modified', additions: 0, deletions: 0, untracked: false }],
      additions: 0,
      deletions: 0,
      commits: [{ sha: 'abc', subject: '' }],
    });
  });

  it('asks with the scope and commit, refuses a non-answer, and says why a diff is unavailable', async () => {
    const asked: unknown[] = [];
    const client = { request: async (method: string, params: unknown) => (asked.push([method, params]), answers[0]) } as never;
    await sessionDiff(client, 'agent:main:x', 'commit', 'abc');
    assert.deepEqual(asked, [['sessions.diff', { sessionKey: 'agent:main:x', scope: 'commit', commit: 'abc' }]]);
    await assert.rejects(sessionDiff({ request: async () => ({}) } as never, 'k'), /no file list/);
    assert.match(unavailableText('not_git'), /git init/);
    assert.match(unavailableText('weird'), /weird/);
  });
});

describe('sessions.diff at its edges', () => {
  it('reads at most 5,000 files of one answer', () => {
    const files = Array.from({ length: 5_001 }, (_, i) => ({ path: `f${i}` }));
    const diff = readSessionDiff({ files })!;
    assert.equal(diff.files.length, 5_000);
    assert.equal(diff.files.at(-1)!.path, 'f4999');
  });

  it('asks for all the changes by default, without a commit', async () => {
    const asked: unknown[] = [];
    const client = { request: async (_method: string, params: unknown) => (asked.push(params), { files: [] }) } as never;
    assert.deepEqual(await sessionDiff(client, 'k'), { files: [], additions: 0, deletions: 0, commits: [] });
    assert.deepEqual(asked, [{ sessionKey: 'k', scope: 'all' }]);
  });

  it('says why in words for each reason the gateway gives', () => {
    assert.equal(unavailableText('not_git'), 'The agent’s workspace is not a git repository: run `git init` there to see its changes.');
    assert.equal(unavailableText('unknown_session'), 'The gateway does not know this session (it may have been deleted).');
    assert.equal(unavailableText('unknown_commit'), 'That commit is not on the session’s branch since it left the base branch.');
    assert.equal(unavailableText('busy'), 'The gateway cannot show the changes (busy).');
  });
});
