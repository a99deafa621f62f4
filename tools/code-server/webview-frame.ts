// The frame of a webview's own document inside the workbench page.
import type { Frame, Page } from 'playwright-core';
import { sleep } from '../wait';

/** What identifies the webview: a CSS/Playwright selector that must match in its document, or a test. */
export type FramePredicate = string | ((frame: Frame) => Promise<boolean>);

/**
 * Finds the frame that holds a webview's own document. VS Code nests it twice: the workbench has an
 * <iframe class="webview"> (VS Code's host page, pre/index.html) which holds <iframe id="active-frame">
 * with the extension's HTML. page.frames() lists frames at every depth, so this polls all of them
 * until one matches; frames come and go while a webview loads, so errors count as "not this one".
 */
export async function findWebviewFrame(
  page: Page,
  predicate: FramePredicate,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Frame> {
  const matches = typeof predicate === 'string' ? async (frame: Frame) => (await frame.locator(predicate).count()) > 0 : predicate;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      if (await matches(frame).catch(() => false)) return frame;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no webview frame matched ${typeof predicate === 'string' ? predicate : 'the predicate'} within ${timeoutMs} ms (frames: ${page
          .frames()
          .map((f) => f.url())
          .join(', ')})`,
      );
    }
    await sleep(intervalMs);
  }
}
