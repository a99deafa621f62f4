/**
 * The commands that act on one session beyond switching and deleting (commands.ts): rename, pin,
 * archive, search, export to Markdown (an editor or a workspace file: export-session.ts), compact,
 * reset, and the usage totals. Each takes the tree's row when run from the Sessions view and asks
 * which session when run from the palette. Thin glue: the work is in SessionList, SessionActions, export-markdown.ts and usage-report.ts.
 */
import * as vscode from 'vscode';
import type { SearchHit } from '../../protocol/gateway';
import type { ChatController } from '../chat-controller';
import { sessionToMarkdown } from '../export-markdown';
import { MAX_LABEL_CHARS } from '../session-list';
import { relativeTime, sessionTitle } from '../transcript';
import { usageReport } from '../usage-report';
import type { ChatViewProvider } from './chat-view-provider';
import { askWorkspaceFile, chooseExportTarget, writeExport } from './export-session';
import type { SessionItem } from './session-tree';
import { Command } from './settings';

/** Search asks the gateway this long after the last keystroke (one request per pause, not per key). */
const SEARCH_DEBOUNCE_MS = 120;

export interface SessionCommandContext {
  context: vscode.ExtensionContext;
  controller: ChatController;
  chatView: ChatViewProvider;
  log: vscode.LogOutputChannel;
  /** The session of the Sessions view's selected row, if any. */
  selectedSession?: () => string | undefined;
}

/** What a command is run on: the tree's row (its menus), a session key, or nothing (the palette: ask). */
type SessionArg = SessionItem | string | undefined;

/** What the Sessions view's F2 passes (package.json): a keybinding gets no row, so the view's selected one is meant. */
const isSelectedMarker = (arg: unknown): boolean => typeof arg === 'object' && arg !== null && (arg as { selected?: unknown }).selected === true;

export function registerSessionCommands(c: SessionCommandContext): void {
  const { controller } = c;
  const register = (id: string, run: (arg?: SessionArg) => unknown) => c.context.subscriptions.push(vscode.commands.registerCommand(id, run));
  const title = (key: string) => {
    const row = controller.list.find(key);
    return row ? sessionTitle(row) : key;
  };
  /** Runs an action on a session; a failure is told to the person in a sentence naming the session. */
  const attempt = async (what: string, key: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not ${what} “${title(key)}”: ${(error as Error).message}`);
    }
  };
  const target = (arg: SessionArg, verb: string, filter?: (key: string) => boolean) => sessionOf(controller, arg, verb, filter);

  register(Command.renameSession, async (arg) => {
    const key = await target(isSelectedMarker(arg) ? c.selectedSession?.() : arg, 'rename');
    if (!key) return;
    const row = controller.list.find(key);
    const name = await vscode.window.showInputBox({
      title: `OpenClaw: Rename “${title(key)}”`,
      prompt: 'The session’s new name. Leave it empty to go back to the title the gateway gives it.',
      value: typeof row?.label === 'string' ? row.label : title(key),
      validateInput: (value) => (value.trim().length > MAX_LABEL_CHARS ? `A session name can be at most ${MAX_LABEL_CHARS} characters.` : undefined),
    });
    if (name === undefined) return;
    await attempt('rename', key, () => controller.list.rename(key, name));
  });

  register(Command.pinSession, async (arg) => {
    const key = await target(arg, 'pin', (k) => !controller.list.find(k)?.pinned);
    if (key) await attempt('pin', key, () => controller.list.setPinned(key, true));
  });
  register(Command.unpinSession, async (arg) => {
    const key = await target(arg, 'unpin', (k) => !!controller.list.find(k)?.pinned);
    if (key) await attempt('unpin', key, () => controller.list.setPinned(key, false));
  });

  register(Command.archiveSession, async (arg) => {
    const key = await target(arg, 'archive', (k) => !controller.list.archiveRefusal(k));
    if (!key) return;
    const refusal = controller.list.archiveRefusal(key);
    if (refusal) return void vscode.window.showWarningMessage(refusal);
    await attempt('archive', key, () => controller.list.setArchived(key, true));
  });
  register(Command.unarchiveSession, async (arg) => {
    let key = typeof arg === 'string' ? arg : arg?.session?.key;
    if (!key) {
      const rows = await controller.list.listArchived();
      if (!rows.length) return void vscode.window.showInformationMessage('No session is archived.');
      const picked = await vscode.window.showQuickPick(
        rows.map((row) => ({ key: row.key, label: sessionTitle(row), description: relativeTime(row.updatedAt) })),
        { title: 'OpenClaw: Unarchive Session', placeHolder: 'Pick the session to list again' },
      );
      key = picked?.key;
    }
    const chosen = key;
    if (chosen) await attempt('unarchive', chosen, () => controller.list.setArchived(chosen, false));
  });

  register(Command.exportSession, async (arg) => {
    const key = await target(arg, 'export');
    if (!key) return;
    const where = await chooseExportTarget(title(key));
    if (!where) return;
    await attempt('export', key, async () => {
      const file = where === 'file' ? await askWorkspaceFile(title(key)) : undefined;
      if (where === 'file' && !file) return;
      const markdown = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting “${title(key)}”…` }, async () =>
        sessionToMarkdown({ title: title(key), key, exportedAt: Date.now() }, await controller.actions.wholeHistory(key)),
      );
      if (file) {
        await writeExport(file, markdown);
        c.log.info(`exported ${key} to ${file.toString()}`);
        return;
      }
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(document, { preview: false });
      c.log.info(`exported ${key} to an untitled Markdown editor`);
    });
  });

  register(Command.compactSession, async (arg) => {
    const key = await target(arg, 'compact');
    if (!key) return;
    const sure = await vscode.window.showWarningMessage(
      `Compact “${title(key)}”?`,
      {
        modal: true,
        detail: 'The model writes a summary of the older turns, which replaces them in the session’s history for every client. This cannot be undone.',
      },
      'Compact',
    );
    if (sure !== 'Compact') return;
    await attempt('compact', key, async () => {
      const result = await controller.actions.compact(key);
      void vscode.window.showInformationMessage(result.compacted ? `Compacted “${title(key)}”.` : `“${title(key)}” had nothing to compact yet.`);
    });
  });

  register(Command.resetSession, async (arg) => {
    const key = await target(arg, 'reset');
    if (!key) return;
    const sure = await vscode.window.showWarningMessage(
      `Reset “${title(key)}”?`,
      { modal: true, detail: 'The session starts over with an empty history, for every client; its name stays. This cannot be undone.' },
      'Reset',
    );
    if (sure === 'Reset') await attempt('reset', key, () => controller.actions.reset(key));
  });

  register(Command.showUsage, async () => {
    try {
      const [week, month] = await Promise.all([controller.client.lifecycle.usage('7d'), controller.client.lifecycle.usage('30d')]);
      const { message, detail } = usageReport(week, month);
      void vscode.window.showInformationMessage(message, { modal: true, detail });
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not read the usage figures: ${(error as Error).message}`);
    }
  });

  register(Command.searchSessions, () => searchSessions(c));
}

/**
 * The session a command acts on: the tree's row it was run on, else the one the person picks (the
 * shown session first). `filter` leaves out the sessions the command does not apply to.
 */
async function sessionOf(
  controller: ChatController,
  arg: SessionArg,
  verb: string,
  filter: (key: string) => boolean = () => true,
): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg?.session?.key) return arg.session.key;
  const current = controller.sessionKey;
  const rows = controller.sessions.filter((row) => filter(row.key));
  if (!rows.length) {
    void vscode.window.showInformationMessage(`There is no session to ${verb}.`);
    return undefined;
  }
  const ordered = [...rows.filter((r) => r.key === current), ...rows.filter((r) => r.key !== current)];
  const picked = await vscode.window.showQuickPick(
    ordered.map((row) => ({
      key: row.key,
      label: `${row.key === current ? '$(check) ' : ''}${sessionTitle(row)}`,
      description: [row.key === current ? 'current' : '', relativeTime(row.updatedAt)].filter(Boolean).join(' · '),
    })),
    { title: `OpenClaw: ${verb[0].toUpperCase()}${verb.slice(1)} Session`, placeHolder: `Pick the session to ${verb}` },
  );
  return picked?.key;
}

type HitPick = vscode.QuickPickItem & { hit?: SearchHit };

/** `OpenClaw: Search Sessions…`: asks the gateway as the person types; the hit picked opens its session at that message. */
function searchSessions(c: SessionCommandContext): Promise<void> {
  const { controller } = c;
  const pick = vscode.window.createQuickPick<HitPick>();
  pick.title = 'OpenClaw: Search Sessions';
  pick.placeholder = 'Type words to find in the messages of every session';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;
  const run = async (query: string) => {
    const mine = ++generation;
    if (!query.trim()) {
      pick.items = [];
      pick.busy = false;
      return;
    }
    pick.busy = true;
    try {
      const hits = await controller.client.sessions.search(query);
      if (mine !== generation) return;
      pick.items = hits.length
        ? hits.map((hit) => {
            const row = controller.list.find(hit.sessionKey);
            return {
              hit,
              // The quick pick filters on what it shows: the query's words are in the snippet, which is the label.
              label: hit.snippet.replace(/\s+/g, ' ').trim() || '(empty message)',
              description: row ? sessionTitle(row) : hit.sessionKey,
              detail: `${hit.role === 'user' ? 'You' : 'OpenClaw'}${hit.timestamp ? ` · ${relativeTime(hit.timestamp)}` : ''}`,
              alwaysShow: true,
            };
          })
        : [{ label: 'No message has these words', alwaysShow: true }];
    } catch (error) {
      if (mine === generation) pick.items = [{ label: `Search failed: ${(error as Error).message}`, alwaysShow: true }];
    } finally {
      if (mine === generation) pick.busy = false;
    }
  };
  return new Promise<void>((resolve) => {
    pick.onDidChangeValue((value) => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(value), SEARCH_DEBOUNCE_MS);
    });
    pick.onDidAccept(async () => {
      const hit = pick.selectedItems[0]?.hit;
      if (!hit) return;
      pick.hide();
      await c.chatView.focus();
      const found = await controller.actions.reveal(hit.sessionKey, hit.messageId).catch((error: Error) => {
        void vscode.window.showErrorMessage(`Could not open the message found: ${error.message}`);
        return true;
      });
      if (!found) void vscode.window.showInformationMessage('The session is open, but the message found is no longer in its history.');
    });
    pick.onDidHide(() => {
      clearTimeout(timer);
      generation += 1;
      pick.dispose();
      resolve();
    });
    pick.show();
  });
}
