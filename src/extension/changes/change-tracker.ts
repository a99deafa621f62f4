/**
 * Follows the file tools of each turn as its events stream: a write/edit/apply_patch result gets
 * its diff on the tool card, and once the turn ends a change-set row lists the files it changed,
 * to open, keep or revert. Holds what Open Diff shows (by card id and path); the glue opens it.
 */
import path from 'node:path';
import type { TurnEvent } from '../../gateway/run-stream';
import type { ChatItem, FileDiffView } from '../../protocol/webview';
import type { TurnPlace } from '../transcript-model';
import { ChangeSet, type FileChange } from './change-set';
import { diffLines, patchSides } from './diff-view';
import { readToolChanges, FILE_TOOLS, type ToolFileChange } from './tool-change';
import { nodeChangeFiles, type ChangeFiles } from './workspace-files';

export interface ChangeHost {
  /** The open workspace folder, where the agent's relative paths are looked for (undefined: none). */
  root(): string | undefined;
  files: ChangeFiles;
  log(message: string): void;
}

/** What the diff editor opens: the left side as text, the right the real file or read-only text. */
export interface DiffRequest {
  title: string;
  before: string;
  after: { text: string } | { absolute: string };
  /** Why the right side is not the real file. */
  readOnly?: string;
}

/** A turn as the tracker needs it: its place in the transcript and how it shows a card there. */
export interface ChangeTurn extends TurnPlace {
  readonly key: string;
  showCard(item: ChatItem): void;
}

interface TurnChanges {
  set: ChangeSet;
  turn: ChangeTurn;
  errors: Map<string, string>;
  /** The turn's file tool cards, in order. */
  toolIds: string[];
  /** Its row has been shown (the turn ended with files changed). */
  shown: boolean;
}

/** Why a diff opened while its turn runs is the patch alone: the files are read when it ends. */
const RUNNING = 'The turn is still running: the diff is the tool’s own patch until it ends.';
/** Most turns (and tool cards) whose changes stay openable; older ones are forgotten. */
const KEPT_TURNS = 50;
const KEPT_TOOLS = 500;

export class ChangeTracker {
  /** Arguments of tools that started, by call id, until their result. */
  private readonly args = new Map<string, unknown>();
  /** By change-set item id (`c:<turn key>`). */
  private readonly turns = new Map<string, TurnChanges>();
  /** Each file tool card's changes and diffs, by card id. */
  private readonly tools = new Map<string, { name: string; changes: ToolFileChange[]; diffs: FileDiffView[] }>();

  constructor(private readonly host: ChangeHost = { root: () => undefined, files: nodeChangeFiles, log: () => undefined }) {}

  /** An event of a running turn (after the turn itself has shown it). */
  onTurnEvent(turn: ChangeTurn, event: TurnEvent): void {
    if (event.kind !== 'tool' || !FILE_TOOLS.has(event.name)) return;
    if (event.phase === 'start' && event.args !== undefined) this.keep(this.args, event.toolCallId, event.args, KEPT_TOOLS);
    if (event.phase !== 'result') return;
    const args = this.args.get(event.toolCallId) ?? event.args;
    this.args.delete(event.toolCallId);
    const reading = readToolChanges(event.name, args, event.result, event.isError === true);
    if (!reading) return;
    if ('problem' in reading) {
      this.host.log(`a ${event.name} result is shown without its diff: ${reading.problem}`);
      return;
    }
    const changes = this.turnChanges(turn);
    const toolId = `t:${event.toolCallId}`;
    const diffs = reading.changes.map((change): FileDiffView => {
      changes.set.add(toolId, change);
      const { lines, truncated } = diffLines(change.file);
      return { path: change.path, additions: change.file.additions, deletions: change.file.deletions, lines, truncated, openable: true };
    });
    this.keep(this.tools, toolId, { name: event.name, changes: reading.changes, diffs }, KEPT_TOOLS);
    changes.toolIds.push(toolId);
    this.showTool(turn, toolId, diffs);
  }

  /**
   * The turn ended: its files are read (each tool's before and after, the turn's before), the tool
   * cards say which diffs are read-only, and a row lists the files the turn changed.
   */
  async onTurnEnd(turn: ChangeTurn): Promise<void> {
    const changes = this.turns.get(changeSetId(turn.key));
    if (!changes) return;
    // A file it cannot read comes back read-only, with why: settle does not throw.
    await changes.set.settle();
    for (const toolId of changes.toolIds) {
      const tool = this.tools.get(toolId);
      if (!tool) continue;
      const diffs = tool.diffs.map((diff) => {
        const readOnly = changes.set.get(diff.path)?.readOnly;
        return readOnly ? { ...diff, readOnly } : diff;
      });
      tool.diffs = diffs;
      this.showTool(turn, toolId, diffs);
    }
    if (changes.set.changes.length) this.show(changes);
  }

  /** What Open Diff shows for a file of a tool card or change set; throws a sentence when it is not known. */
  diffFor(id: string, file: string): DiffRequest {
    const tool = this.tools.get(id);
    if (tool) {
      const change = tool.changes.find((c) => c.path === file);
      if (!change) throw new Error(`${file} is not among the files of this tool call.`);
      const set = this.setOfTool(id);
      const title = `${path.basename(file)} (${tool.name}: before ↔ after)`;
      const sides = set?.sidesOf(id, file);
      const entry = set?.get(file);
      if (sides && entry?.absolute) return { title, before: sides.before, after: { absolute: entry.absolute } };
      const patchOnly = patchSides(change.file);
      return { title, before: patchOnly.before, after: { text: patchOnly.after }, readOnly: entry?.readOnly ?? RUNNING };
    }
    const changes = this.turns.get(id);
    const entry = changes?.set.get(file);
    if (!changes || !entry) throw new Error(`The diff of ${file} is no longer kept: it was shown in an earlier window of the chat.`);
    const title = `${path.basename(file)} (before ↔ after the turn)`;
    if (!entry.readOnly && entry.absolute && entry.before !== undefined) return { title, before: entry.before, after: { absolute: entry.absolute } };
    // Read-only: the first tool's before and the last tool's after, as far as their patches show.
    const patches = changes.toolIds.flatMap((toolId) => this.tools.get(toolId)?.changes.filter((c) => c.path === file) ?? []);
    if (!patches.length) throw new Error(`The diff of ${file} is no longer kept.`);
    return {
      title,
      before: patchSides(patches[0].file).before,
      after: { text: patchSides(patches[patches.length - 1].file).after },
      readOnly: entry.readOnly ?? RUNNING,
    };
  }

  private setOfTool(toolId: string): ChangeSet | undefined {
    for (const changes of this.turns.values()) if (changes.toolIds.includes(toolId)) return changes.set;
    return undefined;
  }

  private showTool(turn: ChangeTurn, toolId: string, diffs: FileDiffView[]): void {
    const card = turn.live.get(toolId);
    if (card?.kind === 'tool') turn.showCard({ ...card, tool: { ...card.tool, diffs } });
  }

  /**
   * Keeps or reverts one file of a change set, or every file still waiting; the sentences say why
   * any was not (changed since, read-only, refused path).
   */
  async decide(id: string, file: string | undefined, decision: 'keep' | 'revert'): Promise<string[]> {
    const changes = this.turns.get(id);
    if (!changes) throw new Error('These changes are no longer kept: decide on the files in the editor.');
    const files = file ? [file] : changes.set.changes.filter((c) => c.state === 'pending').map((c) => c.path);
    const refused: string[] = [];
    for (const name of files) {
      changes.errors.delete(name);
      if (decision === 'keep') {
        changes.set.keep(name);
        continue;
      }
      const outcome = await changes.set.revert(name);
      if (!outcome.ok) {
        refused.push(outcome.reason);
        changes.errors.set(name, outcome.reason);
      }
    }
    this.show(changes);
    return refused;
  }

  private turnChanges(turn: ChangeTurn): TurnChanges {
    const id = changeSetId(turn.key);
    let changes = this.turns.get(id);
    if (!changes) {
      changes = { set: new ChangeSet(this.host.root(), this.host.files), turn, errors: new Map(), toolIds: [], shown: false };
      this.keep(this.turns, id, changes, KEPT_TURNS);
    }
    return changes;
  }

  /**
   * Puts back into items read from history (which keeps no change sets, and only a numbered diff
   * that cannot be opened) what this tracker still holds for that session: each known file tool
   * card gets its own diffs again, and each ended turn's row goes after the turn's last item (the
   * one before the next message of the person that follows its last file tool card). A turn whose
   * cards are not among the items (older than the page read) is left out rather than misplaced, and
   * so is one running on past the items' end into `next` (the item after them; none: the end).
   */
  restore(items: ChatItem[], sessionKey: string, next?: ChatItem): void {
    const at = new Map(items.map((item, index) => [item.id, index]));
    const rows: Array<{ index: number; row: ChatItem }> = [];
    for (const changes of this.turns.values()) {
      if (changes.turn.sessionKey !== sessionKey) continue;
      let last = -1;
      for (const toolId of changes.toolIds) {
        const index = at.get(toolId);
        const item = index === undefined ? undefined : items[index];
        const tool = this.tools.get(toolId);
        if (index === undefined || item?.kind !== 'tool') continue;
        if (tool) items[index] = { ...item, tool: { ...item.tool, diffs: tool.diffs } };
        last = Math.max(last, index);
      }
      if (last < 0 || !changes.shown || at.has(changeSetId(changes.turn.key))) continue;
      let end = last + 1;
      while (end < items.length && items[end].kind !== 'user') end++;
      if (end === items.length && next && next.kind !== 'user') continue;
      rows.push({ index: end, row: this.row(changes) });
    }
    // From the back, so the indexes found above still hold; rows at one place keep their order.
    rows.sort((a, b) => a.index - b.index);
    for (const { index, row } of rows.reverse()) items.splice(index, 0, row);
  }

  private show(changes: TurnChanges): void {
    changes.shown = true;
    changes.turn.showCard(this.row(changes));
  }

  private row(changes: TurnChanges): ChatItem {
    return {
      kind: 'changes',
      id: changeSetId(changes.turn.key),
      files: changes.set.changes.map((c) => fileView(c, changes.errors.get(c.path))),
    };
  }

  private keep<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
    map.set(key, value);
    if (map.size > limit) map.delete(map.keys().next().value as string);
  }
}

export function changeSetId(turnKey: string): string {
  return `c:${turnKey}`;
}

function fileView(change: FileChange, error: string | undefined): Extract<ChatItem, { kind: 'changes' }>['files'][number] {
  const view: Extract<ChatItem, { kind: 'changes' }>['files'][number] = {
    path: change.path,
    additions: change.additions,
    deletions: change.deletions,
    state: change.state,
  };
  if (change.readOnly) view.readOnly = change.readOnly;
  if (error) view.error = error;
  return view;
}
