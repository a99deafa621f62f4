/**
 * In-host entry point (extensionTestsPath): VS Code's extension host loads this file and awaits
 * `run()`. It runs the mocha suite in host.test.ts, then, when the outside test asks for it, holds
 * the extension host open so Playwright can drive the chat webview (VS Code removes every webview
 * once `run()` settles).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export async function run(): Promise<void> {
  // mocha 12 is an ES module; a dynamic import loads it from this CommonJS bundle.
  const { default: Mocha } = await import('mocha');
  // Generous: a busy machine is slow, and each test waits on conditions, not on time.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 240_000 });
  mocha.addFile(path.join(__dirname, 'host.test.js'));
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} test(s) failed`);

  const hold = process.env.OPENCLAW_TEST_UI_RELEASE_FILE;
  if (hold) {
    console.log('[openclaw-suite] host checks done, holding for the UI phase');
    const deadline = Date.now() + 20 * 60_000;
    while (!existsSync(hold)) {
      if (Date.now() > deadline) throw new Error(`the UI phase never released the suite (${hold})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log('[openclaw-suite] released');
  }
}
