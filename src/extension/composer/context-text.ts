/**
 * How the editor's context travels: as text the agent reads, after the person's own words, one
 * marked block per chip. The gateway keeps a message as its text, so the same marks let the chat
 * show the chips again when history is reloaded (splitMessage). A block's marks carry a tag made
 * for the message, so a file that happens to contain a mark line cannot end its block early.
 *
 *   Explain the failing test
 *
 *   <<<openclaw-context tag="k3x9q2" kind="file" label="src/app.ts" detail="lines 1-40">>>
 *   ...
 *   <<<end-openclaw-context tag="k3x9q2">>>
 */
import { randomBytes } from 'node:crypto';
import { CHIP_KINDS, type ChipKind, type ChipView } from '../../protocol/webview';

/** One chip's worth of context, as text. */
export interface ContextBlock {
  kind: ChipKind;
  /** What the chip says: a file's path (and lines), "selection in a.ts:3-9", "problems". */
  label: string;
  /** A detail for the chip: a size, "cut to 60 KB". */
  detail?: string;
  /** The text the agent reads. */
  body: string;
}

const OPEN = /^<<<openclaw-context tag="([a-z0-9]{4,16})" kind="([a-z]+)" label="([^"\n]*)"(?: detail="([^"\n]*)")?>>>$/;

/** The person's words followed by each block, marked. */
export function composeMessage(text: string, blocks: readonly ContextBlock[], tag = newTag()): string {
  if (!blocks.length) return text;
  const marked = blocks.map((block) => {
    const detail = block.detail ? ` detail="${attr(block.detail)}"` : '';
    return `<<<openclaw-context tag="${tag}" kind="${block.kind}" label="${attr(block.label)}"${detail}>>>\n${block.body}\n<<<end-openclaw-context tag="${tag}">>>`;
  });
  return [text, ...marked].filter(Boolean).join('\n\n');
}

/**
 * A message as the person wrote it and the chips that went with it, from its text (history). Text
 * without blocks comes back whole; a block that is not closed ends the blocks (the rest is text).
 */
export function splitMessage(message: string): { text: string; chips: ChipView[] } {
  const lines = message.split('\n');
  const start = lines.findIndex((line) => OPEN.test(line));
  if (start < 0) return { text: message, chips: [] };
  const tag = OPEN.exec(lines[start])![1];
  const chips: ChipView[] = [];
  let i = start;
  while (i < lines.length) {
    const open = OPEN.exec(lines[i]);
    if (!open || open[1] !== tag) break;
    const end = lines.indexOf(`<<<end-openclaw-context tag="${tag}">>>`, i + 1);
    if (end < 0) break;
    const kind = open[2];
    if ((CHIP_KINDS as readonly string[]).includes(kind)) {
      const chip: ChipView = { kind: kind as ChipKind, label: unattr(open[3]) };
      if (open[4]) chip.detail = unattr(open[4]);
      chips.push(chip);
    }
    i = end + 1;
    while (i < lines.length && lines[i] === '') i++;
  }
  return { text: lines.slice(0, start).join('\n').trimEnd(), chips };
}

function newTag(): string {
  return randomBytes(6).toString('hex');
}

/** A label as a mark's attribute: one line, no double quote. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/\n/g, ' ');
}

function unattr(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
