/**
 * What an attached file becomes: an image (sent as an `agent` attachment, to a model that takes
 * images) or text the agent reads (a file block). Anything else is refused here, up front, with a
 * sentence that says why: `agent` refuses non-image files, and a binary file cannot be read as text.
 */
import type { MessageAttachment } from '../../protocol/gateway';
import type { ContextBlock } from './context-text';
import { fileBlock, imageBlock } from './context-blocks';
import { formatBytes, type AttachmentLimits } from './limits';

/** An attached file, read and checked. */
export type ReadAttachment = { kind: 'image'; block: ContextBlock; attachment: MessageAttachment; bytes: number } | { kind: 'file'; block: ContextBlock };

/** A sentence for the person: why a file or a message was refused. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
}

/** Images a model can be given, by their first bytes (a name or a claimed type proves nothing). */
const IMAGE_SIGNATURES: Array<[string, (b: Uint8Array) => boolean]> = [
  ['image/png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38],
  ['image/webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
];

/** The image type of these bytes, if they are an image a model takes. */
export function imageType(bytes: Uint8Array): string | undefined {
  return IMAGE_SIGNATURES.find(([, test]) => bytes.length >= 12 && test(bytes))?.[0];
}

/**
 * Reads a file for a message. `name` is what the chip and the agent see (a workspace-relative path
 * where there is one). Refuses, with a Refusal naming the file and the limit, an image over
 * `maxImageBytes`, a file over `maxBytes`, and a file that is neither an image nor UTF-8 text.
 */
export function readAttachment(name: string, bytes: Uint8Array, limits: AttachmentLimits): ReadAttachment {
  const fileName = name.split('/').pop() || name;
  const mimeType = imageType(bytes);
  if (mimeType) {
    if (bytes.length > limits.maxImageBytes) {
      throw new Refusal(
        `${fileName} is ${formatBytes(bytes.length)}; the gateway takes images up to ${formatBytes(limits.maxImageBytes)}. Attach a smaller image.`,
      );
    }
    return {
      kind: 'image',
      block: imageBlock(fileName, bytes.length),
      attachment: { type: 'image', mimeType, fileName, content: Buffer.from(bytes).toString('base64') },
      bytes: bytes.length,
    };
  }
  if (bytes.length > limits.maxBytes) {
    throw new Refusal(
      `${fileName} is ${formatBytes(bytes.length)}; the gateway takes files up to ${formatBytes(limits.maxBytes)}. Attach a smaller file, or mention the part that matters.`,
    );
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    throw new Refusal(
      `${fileName} is neither text nor an image (PNG, JPEG, GIF, WebP): the agent can only be given those. Attach it as text, or leave it out.`,
    );
  }
  return { kind: 'file', block: fileBlock(name, text) };
}

/** UTF-8 text, or undefined for a binary file (a NUL byte early on, or bytes that are not UTF-8). */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The model as a person knows it: its name and the id the gateway uses. */
export function modelName(model: { ref: string; name?: string }): string {
  return model.name && model.name !== model.ref && model.name !== model.ref.split('/').pop() ? `${model.name} (${model.ref})` : model.ref;
}

/**
 * Why images cannot go with a message to this model, or undefined when they can (or when the
 * gateway did not say what the model takes: then it decides, and says so itself).
 */
export function imageRefusal(model: { ref: string; name?: string; input?: readonly string[] } | undefined, imageNames: readonly string[]): string | undefined {
  if (!imageNames.length || !model?.input || model.input.includes('image')) return undefined;
  const which = imageNames.length === 1 ? imageNames[0] : `${imageNames.length} images`;
  return `${modelName(model)} takes no images, so ${which} cannot go with this message. Choose a model that takes images in the chat's header, or remove ${imageNames.length === 1 ? 'the image' : 'them'}.`;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}
