/**
 * Wall-clock timestamps (performance.timeOrigin + now) that line up the bench, a page in Chromium
 * and a host process, and the offset of a page's clock from the bench's, measured so it can be
 * taken out. (The global `performance`, not node:perf_hooks': esbuild would rename an import
 * inside the in-page functions.)
 */
import type { Page } from 'playwright-core';

/** Milliseconds since the epoch, with performance.now()'s resolution. */
export const now = () => performance.timeOrigin + performance.now();

/** The page's clock minus the bench's, from the round trip with the smallest delay. */
export async function clockOffset(page: Pick<Page, 'evaluate'>): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 7; i++) {
    const a = now();
    const p = await page.evaluate(() => performance.timeOrigin + performance.now());
    const b = now();
    if (b - a < best.rtt) best = { rtt: b - a, offset: p - (a + b) / 2 };
  }
  return best.offset;
}
