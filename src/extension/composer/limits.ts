/**
 * How much of the editor a message may carry, in one place. Attachment sizes are the gateway's
 * (`hello-ok.policy.attachments`); the text limits are ours: what a file, selection, diff or
 * terminal brings into a message is cut to fit, and the chip and the text say so.
 */

/** Most characters one chip (a file, the selection, problems, a diff, terminal output) brings in. */
export const MAX_ITEM_CHARS = 60_000;
/** Most characters all the chips of one message bring in together. */
export const MAX_CONTEXT_CHARS = 300_000;
/** Most diagnostics `@problems` lists. */
export const MAX_PROBLEMS = 200;
/** Staged chips the host keeps at once; past this the oldest are forgotten (a page that never sends). */
export const MAX_STAGED = 40;
/** Most files a mention search considers and answers with. */
export const MAX_MENTION_RESULTS = 50;

/** The gateway's attachment limits when its hello-ok names none: openclaw 2026.9.6's own. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 19_464_192, maxImageBytes: 6_291_456 };

export interface AttachmentLimits {
  /** Largest file (decoded bytes). */
  maxBytes: number;
  /** Largest image (decoded bytes). */
  maxImageBytes: number;
}

/** The limits of the connected gateway: hello-ok's where it names them, else the defaults. */
export function attachmentLimits(policy: { maxBytes?: number; maxImageBytes?: number } | undefined): AttachmentLimits {
  return {
    maxBytes: policy?.maxBytes ?? DEFAULT_ATTACHMENT_LIMITS.maxBytes,
    maxImageBytes: policy?.maxImageBytes ?? DEFAULT_ATTACHMENT_LIMITS.maxImageBytes,
  };
}

/** "73 B", "12.4 KB", "6.0 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
