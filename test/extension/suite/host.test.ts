/**
 * Host-side checks inside a real VS Code, against the real openclaw gateway the outside test
 * started (its URL and token come through OPENCLAW_GATEWAY_URL / OPENCLAW_GATEWAY_TOKEN, the same
 * zero-configuration path a local user has).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OpenClawApi } from '../../../src/extension/vscode/extension';
import { SessionItemKind } from '../../../src/extension/vscode/settings';
import { OPENCLAW_VERSION } from '../../../tools/versions';

const EXTENSION_ID = 'openclaw-community.openclaw-vscode';
/** Sessions the outside test made on the gateway before VS Code started. */
const SEEDED = (process.env.OPENCLAW_TEST_SESSIONS ?? '').split(',').filter(Boolean);

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('OpenClaw in a real VS Code', () => {
  let api: OpenClawApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<OpenClawApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    await until(() => api.client.state.kind === 'connected', `connected (state ${JSON.stringify(api.client.state)})`);
  });

  it('activates, connects to the gateway and registers every command', async () => {
    const state = api.client.state;
    assert.equal(state.kind, 'connected');
    assert.equal(state.kind === 'connected' && state.serverVersion, OPENCLAW_VERSION);
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    assert.ok(contributed.length >= 12, `${contributed.length} commands contributed`);
    for (const id of contributed) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('lists the gateway sessions in the Sessions tree', async () => {
    assert.ok(SEEDED.length >= 2, 'the outside test seeded sessions');
    const items = await until(() => {
      const children = api.sessions.sessionItems();
      return SEEDED.every((key) => children.some((c) => c.session.key === key)) && children;
    }, 'seeded sessions in the tree');
    const main = items.find((item) => item.session.key === 'agent:main:main');
    const seeded = items.find((item) => item.session.key === SEEDED[0])!;
    assert.equal(seeded.contextValue, SessionItemKind.session, 'deletable');
    if (main) assert.equal(main.contextValue, SessionItemKind.main, 'the main session offers no delete');
    assert.match(String(seeded.description), /just now|min ago/);
  });

  it('switches the chat to another session through the command, with its history', async () => {
    await vscode.commands.executeCommand('openclaw.switchSession', SEEDED[0]);
    assert.equal(api.controller.sessionKey, SEEDED[0]);
    const transcript = await until(() => api.controller.transcript.length >= 2 && api.controller.transcript, 'history loaded');
    assert.equal(transcript[0].kind, 'user');
    assert.equal(transcript[1].kind, 'assistant');
    const current = api.sessions.sessionItems().find((c) => c.session.key === SEEDED[0])!;
    assert.match(String(current.description), /^current/);
  });

  it('deletes a session through the command after a modal confirmation', async () => {
    const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showWarningMessage;
    const asked: unknown[][] = [];
    window.showWarningMessage = async (...args: unknown[]) => {
      asked.push(args);
      return 'Delete';
    };
    try {
      await vscode.commands.executeCommand('openclaw.deleteSession', SEEDED[1]);
    } finally {
      window.showWarningMessage = original;
    }
    assert.equal(asked.length, 1);
    assert.match(String(asked[0][0]), /^Delete the session “.+”\?$/);
    assert.deepEqual(asked[0][1], { modal: true, detail: 'Its history is removed from the gateway. This cannot be undone.' });
    const keys = (await api.client.listSessions()).map((s) => s.key);
    assert.ok(!keys.includes(SEEDED[1]), `${SEEDED[1]} is gone from sessions.list`);
    await until(() => !api.sessions.sessionItems().some((c) => c.session.key === SEEDED[1]), 'tree updated');
  });

  it('refuses to delete the main session', async () => {
    const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showWarningMessage;
    const shown: unknown[] = [];
    window.showWarningMessage = async (message: unknown) => {
      shown.push(message);
      return undefined;
    };
    try {
      await vscode.commands.executeCommand('openclaw.deleteSession', 'agent:main:main');
    } finally {
      window.showWarningMessage = original;
    }
    assert.deepEqual(shown, ['The main session cannot be deleted: the gateway keeps it. Start a new session instead.']);
  });

  it('says why the main session cannot be deleted, in its tooltip and in the palette picker', async () => {
    const main = api.sessions.sessionItems().find((c) => c.session.key === 'agent:main:main');
    assert.ok(main, 'the main session is listed');
    // appendText writes spaces as &nbsp; (and would escape markdown punctuation) in the source.
    const tooltip = String((main.tooltip as vscode.MarkdownString).value)
      .replace(/&nbsp;/g, ' ')
      .replace(/\\(.)/g, '$1');
    assert.match(tooltip, /The gateway's main session: it cannot be deleted or archived\./);
    const window = vscode.window as { showQuickPick: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showQuickPick;
    const offered: Array<{ key: string; description?: string }> = [];
    window.showQuickPick = async (items: unknown) => {
      offered.push(...(items as Array<{ key: string; description?: string }>));
      return undefined;
    };
    try {
      await vscode.commands.executeCommand('openclaw.deleteSession');
    } finally {
      window.showQuickPick = original;
    }
    const listed = offered.find((item) => item.key === 'agent:main:main');
    assert.equal(listed?.description, 'main session: kept by the gateway, cannot be deleted');
    assert.ok(
      offered.some((item) => item.key === SEEDED[0]),
      'the others are offered',
    );
  });

  it('shows why the session list failed in the Sessions view, and clears it once listing works again', async () => {
    const client = api.client as { listSessions: () => Promise<unknown> };
    const original = client.listSessions;
    client.listSessions = async () => {
      throw new Error('the sessions store is busy');
    };
    try {
      await api.controller.refreshSessions();
      assert.equal(api.sessions.message, 'Could not list the sessions: the sessions store is busy');
      assert.ok(api.sessions.sessionItems().length > 0, 'the rows it had stay');
    } finally {
      client.listSessions = original;
    }
    await api.controller.refreshSessions();
    assert.equal(api.sessions.message, undefined);
  });

  after(async () => {
    // Leave the chat on a fresh session, in view, for the UI phase driven from outside.
    if (api) await api.controller.newSession();
    await vscode.commands.executeCommand('openclaw.focusChat');
  });
});
