import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, which scripts/deps/code-server.mjs installs (Playwright's own download cannot run here). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for Debian's chromium in a container: no sandbox, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A headless chromium with a fresh profile (Playwright makes one per launch). */
export function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
