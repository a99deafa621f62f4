/**
 * The ids package.json declares and the ones the code uses are the same ids: every command the
 * code names is contributed and every contributed one is named, menus match the Sessions view's
 * item kinds, every banner action maps to a contributed command, every setting the code reads is
 * declared, and the settings that steer where we connect or what we log are machine-level or
 * restricted in untrusted workspaces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ACTION_IDS } from '../../src/protocol/webview';
import { ACTION_COMMANDS, Command, SECTION, SessionItemKind, Setting, VIEW_CHAT, VIEW_SESSIONS } from '../../src/extension/vscode/settings';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const contributes = manifest.contributes;

describe('package.json and the code name the same things', () => {
  it('contributes exactly the commands the code registers', () => {
    const declared = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(declared, Object.values(Command).sort());
  });

  it('maps every banner action but openSettings to a contributed command', () => {
    assert.deepEqual(Object.keys(ACTION_COMMANDS).sort(), ACTION_IDS.filter((id) => id !== 'openSettings').sort());
    for (const command of Object.values(ACTION_COMMANDS)) assert.ok(Object.values(Command).includes(command as never), command);
  });

  it("matches menus on the Sessions view's item kinds and on views that exist", () => {
    const views = contributes.views.openclaw.map((v: { id: string }) => v.id).sort();
    assert.deepEqual(views, [VIEW_CHAT, VIEW_SESSIONS].sort());
    const clauses: string[] = Object.values(contributes.menus).flatMap((items) => (items as Array<{ when?: string }>).map((i) => i.when ?? ''));
    const kinds = new Set<string>(Object.values(SessionItemKind));
    for (const when of clauses) {
      for (const [, kind] of when.matchAll(/viewItem == ([\w.]+)/g)) assert.ok(kinds.has(kind), `${kind} in "${when}"`);
      for (const [, view] of when.matchAll(/view == ([\w.]+)/g)) assert.ok(views.includes(view), `${view} in "${when}"`);
      for (const [, pattern] of when.matchAll(/viewItem =~ \/(.+?)\//g)) {
        const re = new RegExp(pattern);
        assert.ok(
          [...kinds].some((k) => re.test(k)),
          `${pattern} matches an item kind`,
        );
      }
    }
  });

  it('declares every setting the code reads; where we connect and what we log are restricted in untrusted workspaces', () => {
    const declared = Object.keys(contributes.configuration.properties).sort();
    assert.deepEqual(
      declared,
      Object.values(Setting)
        .map((s) => `${SECTION}.${s}`)
        .sort(),
    );
    assert.equal(contributes.configuration.properties[`${SECTION}.${Setting.gatewayUrl}`].scope, 'machine', 'a workspace cannot set the gateway URL');
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(
      manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(),
      [Setting.gatewayUrl, Setting.defaultSession, Setting.traceFrames].map((s) => `${SECTION}.${s}`).sort(),
    );
  });
});
