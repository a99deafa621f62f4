/** Which workspace files a mention or a drop may read (workspace-read.ts): paths from the page, links from the workspace. */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Refusal } from '../../src/extension/composer/attachments';
import { assertReallyInside, hasDotSegments, workspacePathParts } from '../../src/extension/composer/workspace-read';

describe('workspace paths from the page', () => {
  it('takes a path the @ list gives apart', () => {
    assert.deepEqual(workspacePathParts('src/a.ts'), ['src', 'a.ts']);
    assert.deepEqual(workspacePathParts('README.md'), ['README.md']);
    assert.deepEqual(workspacePathParts('..hidden/x..y'), ['..hidden', 'x..y']);
    assert.deepEqual(workspacePathParts('my notes/a b.md'), ['my notes', 'a b.md'], 'a space is no control character');
  });

  it('refuses a walk out, a backslash, an empty or dot part and control characters, naming the path', () => {
    for (const bad of ['../x', 'a/../../x', 'a\\..\\..\\x', '/etc/passwd', 'a//b', 'a/', '', './a', 'a/.', 'a\0b', 'a\nb']) {
      assert.throws(
        () => workspacePathParts(bad),
        (e: Error) => e instanceof Refusal && /is not a path inside the workspace\.$/.test(e.message),
        bad,
      );
    }
    assert.throws(() => workspacePathParts('a\nb'), { message: 'a?b is not a path inside the workspace.' });
    assert.throws(
      () => workspacePathParts(`../${'x'.repeat(200)}`),
      (e: Error) => e.message.startsWith(`../${'x'.repeat(114)}… is not`),
    );
    // Cut only past 120 characters.
    assert.throws(() => workspacePathParts(`../${'x'.repeat(117)}`), { message: `../${'x'.repeat(117)} is not a path inside the workspace.` });
  });

  it('sees dot segments in a URI path', () => {
    assert.equal(hasDotSegments('/ws/a/../../etc/passwd'), true);
    assert.equal(hasDotSegments('/ws/./a'), true);
    assert.equal(hasDotSegments('/ws/a..b/.c'), false);
  });
});

describe('links in the workspace', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'openclaw-read-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const ws = path.join(root, 'ws');
  mkdirSync(path.join(ws, 'src'), { recursive: true });
  writeFileSync(path.join(ws, 'src', 'a.ts'), 'a');
  writeFileSync(path.join(root, 'secret'), 'key');
  symlinkSync(path.join(root, 'secret'), path.join(ws, 'README.md'));
  symlinkSync(root, path.join(ws, 'up'));
  symlinkSync(path.join(ws, 'src', 'a.ts'), path.join(ws, 'alias.ts'));
  // The folder itself opened through a link: its files are inside it all the same.
  symlinkSync(ws, path.join(root, 'ws-link'));

  it('reads a plain file, a link to a file inside, and a file that is not there', async () => {
    await assertReallyInside(ws, path.join(ws, 'src', 'a.ts'), 'src/a.ts');
    await assertReallyInside(ws, path.join(ws, 'alias.ts'), 'alias.ts');
    await assertReallyInside(ws, path.join(ws, 'missing.ts'), 'missing.ts');
    await assertReallyInside(path.join(root, 'ws-link'), path.join(root, 'ws-link', 'src', 'a.ts'), 'src/a.ts');
  });

  it('refuses a link to a file outside, and a file reached through a linked folder outside', async () => {
    const refusal = (name: string) => (e: Error) =>
      e instanceof Refusal && e.message === `${name} is a link to a file outside the workspace, so it is not read.`;
    await assert.rejects(assertReallyInside(ws, path.join(ws, 'README.md'), 'README.md'), refusal('README.md'));
    await assert.rejects(assertReallyInside(ws, path.join(ws, 'up', 'secret'), 'up/secret'), refusal('up/secret'));
    // The link to the folder's parent itself (its real path is `..` from the folder).
    await assert.rejects(assertReallyInside(ws, path.join(ws, 'up'), 'up'), refusal('up'));
  });
});
