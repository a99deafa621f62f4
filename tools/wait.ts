// Polling and pauses shared by tests, the demo and the benches.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value, or fails with `what` after `timeoutMs` (30 s unless
 * told: a generous cap, since a shared 2-core machine can take seconds for what takes 100 ms on a
 * quiet one; a passing wait ends as soon as the condition holds). The check is synchronous: a promise is always truthy, so an async check would pass at once (refused).
 */
export async function waitFor<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value && typeof (value as { then?: unknown }).then === 'function')
      throw new Error(`waitFor(${what}): the check returned a promise, which would pass at once`);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Polls `cond` every `stepMs` until it holds or `timeoutMs` has passed; resolves whether it held. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(stepMs);
  }
  return cond();
}
