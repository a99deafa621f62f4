/**
 * What the person does to a session beyond chatting in it: open it at a message (a search hit),
 * edit and resend from a message of theirs (fork), rewind to one (admin), compact, reset, and read
 * its whole history for an export. Each goes through the gateway and then brings the chat up to
 * date. No `vscode`: the commands and the chat's requests call these.
 */
import { MAX_HISTORY_PAGE } from '../gateway/sessions-api';
import type { HistoryMessage } from '../protocol/gateway';
import type { ChatController } from './chat-controller';
import { HistoryWindow, type PageFetch } from './history-window';
import { entryIdOf } from './transcript';

/** An export reads at most this many messages (100 pages of the gateway's largest). */
const MAX_EXPORT_MESSAGES = 100_000;

export class SessionActions {
  constructor(private readonly controller: ChatController) {}

  /**
   * Shows `sessionKey` scrolled to the message `messageId` (a row's `__openclaw.id`), highlighted,
   * loading older pages until it is in the transcript. False when the session has no such message.
   */
  async reveal(sessionKey: string, messageId: string): Promise<boolean> {
    const { controller } = this;
    if (sessionKey !== controller.sessionKey) await controller.switchSession(sessionKey);
    // Our own turns' items are named by their idempotency keys until history is read again.
    else if (!this.itemOf(messageId)) await controller.reloadHistory();
    for (;;) {
      const id = this.itemOf(messageId);
      if (id) return controller.revealItem(id);
      if (!controller.earlier || controller.sessionKey !== sessionKey) return false;
      const before = controller.transcript.length;
      await controller.loadEarlier(MAX_HISTORY_PAGE);
      if (controller.transcript.length === before && controller.earlier) return false;
    }
  }

  /**
   * "Edit and resend from here": a new session holding the history before the user message
   * `itemId`, shown, with that message in the box. Resolves with the new session's key.
   */
  async forkFrom(itemId: string): Promise<string> {
    const { controller } = this;
    const entryId = await this.entryId(itemId);
    const fork = await controller.client.lifecycle.fork(controller.sessionKey, entryId);
    await controller.switchSession(fork.sessionKey);
    void controller.refreshSessions();
    controller.putDraft(fork.editorText);
    return fork.sessionKey;
  }

  /** "Rewind to here": cuts the shown session's history before the user message `itemId`, which goes back in the box. */
  async rewindTo(itemId: string): Promise<void> {
    const { controller } = this;
    this.refuseWhileBusy(controller.sessionKey, 'rewind');
    const entryId = await this.entryId(itemId);
    const { editorText } = await controller.client.lifecycle.rewind(controller.sessionKey, entryId);
    await controller.reloadHistory();
    controller.putDraft(editorText);
  }

  /** Replaces the older turns of a session with a summary; the chat reloads it if shown. */
  async compact(key: string): Promise<{ compacted: boolean; summary?: string }> {
    this.refuseWhileBusy(key, 'compact');
    const result = await this.controller.client.lifecycle.compact(key);
    if (key === this.controller.sessionKey) await this.controller.reloadHistory();
    return result;
  }

  /** Empties a session's history; the chat reloads it if shown. */
  async reset(key: string): Promise<void> {
    this.refuseWhileBusy(key, 'reset');
    await this.controller.client.lifecycle.reset(key);
    if (key === this.controller.sessionKey) await this.controller.reloadHistory();
  }

  /** A session's whole history, oldest first, read page by page from the newest end (HistoryWindow keeps the pages apart). */
  async wholeHistory(key: string): Promise<HistoryMessage[]> {
    const fetch: PageFetch = (limit, offset) => this.controller.client.sessions.historyPage(key, { limit, offset });
    const window = new HistoryWindow();
    const latest = await fetch(MAX_HISTORY_PAGE, 0);
    window.reset(latest);
    const pages = [latest.messages];
    let read = latest.messages.length;
    while (window.earlier > 0 && read < MAX_EXPORT_MESSAGES) {
      const rows = await window.loadEarlier(fetch, MAX_HISTORY_PAGE);
      if (!rows.length) break;
      pages.unshift(rows);
      read += rows.length;
    }
    return pages.flat();
  }

  /** The transcript's item for a history row, by the ids itemsFromHistory gives. */
  private itemOf(messageId: string): string | undefined {
    const ids = new Set([`u:${messageId}`, `a:${messageId}`, `n:${messageId}`]);
    return this.controller.transcript.find((item) => ids.has(item.id))?.id;
  }

  /** The history row behind a user message of the chat: named in its id, or (for a turn sent here) found by its idempotency key. */
  private async entryId(itemId: string): Promise<string> {
    const id = entryIdOf(itemId);
    if (!id) throw new Error('Only a message you sent can be edited and resent or rewound to.');
    if (!this.controller.isOwnTurn(id)) return id;
    const { messages } = await this.controller.client.history(this.controller.sessionKey, 200);
    const row = messages.find((m) => m.role === 'user' && (m.idempotencyKey === `${id}:user` || m.__openclaw?.runId === id));
    const rowId = row?.__openclaw?.id;
    if (!rowId) throw new Error('That message is not in the gateway’s history yet: wait for its reply to finish, then try again.');
    return rowId;
  }

  private refuseWhileBusy(key: string, what: string): void {
    if (key === this.controller.sessionKey && this.controller.busy) {
      throw new Error(`A reply is still on its way in this session: stop it (or wait for it), then ${what} again.`);
    }
  }
}
