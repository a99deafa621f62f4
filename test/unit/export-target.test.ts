/** Where an export may be written (export-target.ts): the proposed name, and the workspace check the save dialog's answer goes through. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { exportFileName, folderHolding, folderHoldingOnDisk, realPath } from '../../src/extension/export-target';

describe('export target', () => {
  it('proposes a plain file name from the title', () => {
    assert.equal(exportFileName('Plan the Release: v2!'), 'plan-the-release-v2.md');
    assert.equal(exportFileName('Café über straße'), 'cafe-uber-stra-e.md');
    assert.equal(exportFileName('   '), 'session.md');
    assert.equal(exportFileName('日本語'), 'session.md');
    assert.ok(exportFileName('x'.repeat(200)).length <= 63);
    // Cut at 60 characters, and no dash left where the cut fell.
    assert.equal(exportFileName(`${'a'.repeat(59)} bcd`), `${'a'.repeat(59)}.md`);
    assert.equal(exportFileName(`${'a'.repeat(70)}`), `${'a'.repeat(60)}.md`);
    assert.equal(exportFileName(`ab ${'c'.repeat(56)} xyz`), `ab-${'c'.repeat(56)}.md`);
    assert.equal(exportFileName('--a--b--'), 'a-b.md');
  });

  it('accepts a file inside a workspace folder and names the folder', () => {
    assert.equal(folderHolding(['/ws/a', '/ws/b'], '/ws/b/notes/s.md'), '/ws/b');
    assert.equal(folderHolding(['/ws/a/'], '/ws/a/s.md'), '/ws/a/');
    assert.equal(folderHolding(['/ws//a//'], '/ws/a/s.md'), '/ws//a//');
    assert.equal(folderHolding(['/'], '/s.md'), '/');
  });

  it('refuses a file outside every folder, a sibling with the same prefix, the folder itself and a walk out with ..', () => {
    assert.equal(folderHolding(['/ws/a'], '/tmp/s.md'), undefined);
    assert.equal(folderHolding(['/ws/a'], '/ws/ab/s.md'), undefined);
    assert.equal(folderHolding(['/ws/a'], '/ws/a'), undefined);
    assert.equal(folderHolding(['/ws/a'], '/ws/a/'), undefined);
    assert.equal(folderHolding(['/ws/a'], '/ws/a/.'), undefined);
    assert.equal(folderHolding(['/ws/a'], '/ws/a/../../etc/s.md'), undefined);
    assert.equal(folderHolding([], '/ws/a/s.md'), undefined);
  });

  it('follows the links on the disk: a linked folder inside that leads out is refused, a linked workspace is not', async (t) => {
    const base = await mkdtemp(path.join(tmpdir(), 'export-target-'));
    t.after(() => rm(base, { recursive: true, force: true }));
    const ws = path.join(base, 'ws');
    const away = path.join(base, 'away');
    await mkdir(path.join(ws, 'notes'), { recursive: true });
    await mkdir(away);
    await symlink(away, path.join(ws, 'out'));
    await symlink(ws, path.join(base, 'ws-link'));
    await writeFile(path.join(away, 'there.md'), '');
    await symlink(path.join(away, 'there.md'), path.join(ws, 'notes', 'linked.md'));
    await symlink(path.join(away, 'not-yet', 'x.md'), path.join(ws, 'notes', 'dangling.md'));
    await symlink('dangling.md', path.join(ws, 'notes', 'to-dangling.md'));
    await symlink('loop-b.md', path.join(ws, 'notes', 'loop-a.md'));
    await symlink('loop-a.md', path.join(ws, 'notes', 'loop-b.md'));

    assert.equal(await folderHoldingOnDisk([ws], path.join(ws, 'notes', 'new', 's.md')), ws, 'folders not made yet');
    assert.equal(await folderHoldingOnDisk([ws], path.join(ws, 'out', 's.md')), undefined, 'a linked folder that leads out');
    assert.equal(await folderHoldingOnDisk([ws], path.join(ws, 'out', 'deeper', 's.md')), undefined);
    assert.equal(await folderHoldingOnDisk([ws], path.join(ws, 'notes', 'linked.md')), undefined, 'an existing file that is a link out');
    assert.equal(await folderHoldingOnDisk([ws], path.join(ws, 'notes', 'dangling.md')), undefined, 'a link out to nothing yet');
    assert.equal(await folderHoldingOnDisk([ws], path.join(ws, 'notes', 'to-dangling.md')), undefined, 'a link to that link');
    assert.equal(await realPath(path.join(ws, 'notes', 'to-dangling.md')), path.join(await realPath(away), 'not-yet', 'x.md'));
    await assert.rejects(realPath(path.join(ws, 'notes', 'loop-a.md')), { code: 'ELOOP' });
    assert.equal(
      await folderHoldingOnDisk([path.join(base, 'ws-link')], path.join(ws, 's.md')),
      path.join(base, 'ws-link'),
      'the folder opened through a link',
    );
    assert.equal(await folderHoldingOnDisk([away, ws], path.join(ws, 'out', 's.md')), away, 'the folder it leads to is open too');
    assert.equal(await folderHoldingOnDisk([], path.join(ws, 's.md')), undefined);
    // Case as the file system takes it: this one (Linux) tells WS from ws, unless told otherwise.
    assert.equal(await folderHoldingOnDisk([ws], path.join(base, 'WS', 's.md')), undefined);
    assert.equal(await folderHoldingOnDisk([ws], path.join(base, 'WS', 's.md'), true), ws);
    assert.equal(await realPath(path.join(base, 'ws-link', 'out', 'a', 'b.md')), path.join(await realPath(away), 'a', 'b.md'));
    await assert.rejects(realPath(path.join(ws, 'notes', 'linked.md', 'x.md')), { code: 'ENOTDIR' });
  });

  it('ignores case only where the file system does', () => {
    assert.equal(folderHolding(['/c:/Users/me/ws'], '/c:/users/ME/ws/s.md'), undefined);
    assert.equal(folderHolding(['/c:/Users/me/ws'], '/c:/users/ME/ws/s.md', true), '/c:/Users/me/ws');
    // Case is folded to lower case, which keeps "ß" apart from "SS" (another folder on every file system).
    assert.equal(folderHolding(['/ws/straße'], '/ws/STRASSE/s.md', true), undefined);
    assert.equal(folderHolding(['/ws/STRASSE'], '/ws/straße/s.md', true), undefined);
  });
});
