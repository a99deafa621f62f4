/**
 * The chips above the box, as the host holds them: what was read for each (text blocks, image
 * attachments) by id, until the message goes or the chip is removed. The page holds only ids and
 * labels; the contents never cross into it (but an image's own bytes, as its thumbnail).
 */
import { randomUUID } from 'node:crypto';
import type { MessageAttachment } from '../../protocol/gateway';
import type { ChipView, StagedChip } from '../../protocol/webview';
import type { ContextBlock } from './context-text';
import { MAX_CONTEXT_CHARS, MAX_STAGED, formatBytes } from './limits';
import { Refusal, type ReadAttachment } from './attachments';

export interface StagedItem {
  id: string;
  block: ContextBlock;
  /** The image itself, for a chip of kind `image`. */
  attachment?: MessageAttachment;
}

/** What a message carries, resolved from its chips. */
export interface MessageContext {
  blocks: ContextBlock[];
  images: MessageAttachment[];
  chips: ChipView[];
}

export class Staging {
  private readonly items = new Map<string, StagedItem>();

  /** How many chips are held. */
  get size(): number {
    return this.items.size;
  }

  /** Keeps a block (and an image) for a chip; forgets the oldest past MAX_STAGED. */
  stage(block: ContextBlock, attachment?: MessageAttachment): StagedChip {
    const id = `c:${randomUUID()}`;
    this.items.set(id, { id, block, attachment });
    for (const old of this.items.keys()) {
      if (this.items.size <= MAX_STAGED) break;
      this.items.delete(old);
    }
    const chip: StagedChip = { id, kind: block.kind, label: block.label };
    if (block.detail) chip.detail = block.detail;
    if (attachment) chip.thumbnail = `data:${attachment.mimeType};base64,${attachment.content}`;
    return chip;
  }

  /** Stages a file read by readAttachment. */
  stageAttachment(read: ReadAttachment): StagedChip {
    return read.kind === 'image' ? this.stage(read.block, read.attachment) : this.stage(read.block);
  }

  /**
   * Takes the chips of a message, in the order given. Refuses (and keeps them all) when one is no
   * longer held, or when together they bring in more than MAX_CONTEXT_CHARS.
   */
  take(ids: readonly string[]): MessageContext {
    const items = ids.map((id) => this.items.get(id));
    const missing = items.findIndex((item) => !item);
    if (missing >= 0)
      throw new Refusal(
        'An attachment of this message is no longer held (the extension restarted, or it was left too long): remove its chip and attach it again.',
      );
    const held = items as StagedItem[];
    const chars = held.reduce((n, item) => n + item.block.body.length, 0);
    if (chars > MAX_CONTEXT_CHARS) {
      throw new Refusal(
        `The chips of this message bring in ${formatBytes(chars)} of text; one message takes at most ${formatBytes(MAX_CONTEXT_CHARS)}. Remove some of them.`,
      );
    }
    for (const id of ids) this.items.delete(id);
    return {
      blocks: held.map((item) => item.block),
      images: held.flatMap((item) => (item.attachment ? [item.attachment] : [])),
      chips: held.map(({ block }) =>
        block.detail ? { kind: block.kind, label: block.label, detail: block.detail } : { kind: block.kind, label: block.label },
      ),
    };
  }

  /** The image file names among these chips (for the model check before sending). */
  imageNames(ids: readonly string[]): string[] {
    return ids.flatMap((id) => {
      const attachment = this.items.get(id)?.attachment;
      return attachment ? [attachment.fileName] : [];
    });
  }

  /** Forgets chips the person removed. */
  discard(ids: readonly string[]): void {
    for (const id of ids) this.items.delete(id);
  }
}
