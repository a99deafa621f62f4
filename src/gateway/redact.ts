/**
 * Field names whose values never reach a log, whatever object they sit in. `answers` are the
 * person's answers to the agent's questions (`question.resolve`, `question.resolved`): one may be
 * a secret typed into a masked field, and the trace cannot tell which.
 */
const SECRET_KEYS = new Set(['token', 'deviceToken', 'password', 'signature', 'bootstrapToken', 'privateKey', 'recoveryScope', 'answers']);

const MAX_DEPTH = 32;

/**
 * A copy of a frame safe to log: every secret-looking field replaced by "[redacted]", and every
 * known secret taken out of the other strings (a gateway's error message may echo the token back).
 * Deep, so it covers `params.auth.token`, `params.device.signature` and `payload.auth.deviceToken` alike.
 */
export function redactFrame(value: unknown, secrets: Iterable<string | undefined> = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  // Past any real frame's depth: dropped rather than passed on, or a secret nested deeper would be logged.
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactFrame(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.has(key) && inner !== undefined && inner !== '' ? '[redacted]' : redactFrame(inner, secrets, depth + 1);
  }
  return out;
}

/** Removes known secret strings from free text (an error message that echoes a token, say). */
export function redactText(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
