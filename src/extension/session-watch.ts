/**
 * The shown session as other clients change it: OpenClaw's web chat, the CLI, another VS Code
 * window. The gateway sends each new history row as a `session.message` (and each tool step of any
 * run as a `session.tool`); rows of our own turns are already on screen from their live stream,
 * so they are counted (the history window keeps its offsets right) and left out. Other rows are
 * added at the end, item by item: no reload, no flicker. While a turn of ours streams in the same
 * session, where another client's row belongs is not known yet: history is reloaded after the turn.
 */
import type { SessionMessageEvent, SessionToolEvent } from '../gateway/payloads';
import type { ChatItem } from '../protocol/webview';
import type { HistoryWindow } from './history-window';
import { itemsFromHistory, runOf, toolText } from './transcript';
import type { TranscriptModel } from './transcript-model';

export interface SessionWatchHost {
  /** The session on screen. */
  sessionKey(): string;
  /** Whether a run is one of ours (in flight or finished here). */
  isOwnRun(runId: string): boolean;
  /** Whether a turn of ours is in flight in the shown session. */
  busy(): boolean;
  /** A row came that cannot be placed now: reload the history once the turn is over. */
  deferReload(): void;
}

export class SessionWatch {
  constructor(
    private readonly host: SessionWatchHost,
    private readonly model: TranscriptModel,
    private readonly window: HistoryWindow,
  ) {}

  /** A `session.message`: adds another client's row to the transcript. */
  onMessage(event: SessionMessageEvent): void {
    if (event.sessionKey !== this.host.sessionKey()) return;
    const row = event.message;
    // Every row of the session moves the history's newest end, ours too.
    if (!this.window.noteLive(row)) return;
    const run = runOf(row);
    if (run && this.host.isOwnRun(run)) return;
    if (this.host.busy()) return this.host.deferReload();
    for (const item of itemsFromHistory([row], { complete: false })) {
      if (!this.model.has(item.id)) this.model.upsert(item);
    }
  }

  /** A `session.tool`: the result of a tool call another client's run made, on the card it already has. */
  onTool(event: SessionToolEvent): void {
    if (event.sessionKey !== this.host.sessionKey() || event.phase !== 'result') return;
    if (event.runId && this.host.isOwnRun(event.runId)) return;
    const id = `t:${event.toolCallId}`;
    const card = this.model.items.find((i): i is Extract<ChatItem, { kind: 'tool' }> => i.id === id && i.kind === 'tool');
    if (!card || card.tool.state !== 'running') return;
    this.model.upsert({ ...card, tool: { ...card.tool, result: toolText(event.result), state: event.isError ? 'error' : 'done' } });
  }
}
