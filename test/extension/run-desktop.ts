// The desktop route for the in-host suite: @vscode/test-electron starting a real VS Code (Electron).
// It needs a local VS Code build, given as VSCODE_EXECUTABLE: machines here cannot download one, so
// without it this says so and exits 0; the code-server route (tools/code-server/) runs the same suite.
//
//   VSCODE_EXECUTABLE=/path/to/code npx tsx test/extension/run-desktop.ts \
//     [--extension <dir with package.json>] [--tests <suite index.js>] [--workspace <folder>]
//
// Without --extension/--tests it runs the throwaway fixture of runner.smoke.test.ts, which proves
// the route itself.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '../..');

export interface DesktopRunOptions {
  vscodeExecutablePath: string;
  extensionDevelopmentPath: string;
  /** The suite's index module, exporting run(). */
  extensionTestsPath: string;
  /** Folder to open; a fresh empty one under .test-artifacts/ by default. */
  workspace?: string;
  extensionTestsEnv?: Record<string, string>;
}

/** Runs the suite in desktop VS Code; resolves with exit code 0, rejects when the run failed. */
export async function runDesktopTests(options: DesktopRunOptions): Promise<number> {
  const runDir = path.join(ROOT, '.test-artifacts', 'desktop');
  const workspace = options.workspace ?? path.join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  return runTests({
    vscodeExecutablePath: options.vscodeExecutablePath,
    extensionDevelopmentPath: path.resolve(options.extensionDevelopmentPath),
    extensionTestsPath: path.resolve(options.extensionTestsPath),
    extensionTestsEnv: options.extensionTestsEnv,
    launchArgs: [
      workspace,
      // Only the extension under development: nothing installed on the machine interferes.
      '--disable-extensions',
      // test-electron would otherwise keep profiles in ./.vscode-test; keep them with other artifacts.
      `--user-data-dir=${path.join(runDir, 'user-data')}`,
      `--extensions-dir=${path.join(runDir, 'extensions')}`,
    ],
  });
}

async function main(): Promise<number> {
  const executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    console.log(
      'run-desktop: skipped. The desktop route needs a local VS Code: set VSCODE_EXECUTABLE to its ' +
        'executable (e.g. /usr/share/code/code). This machine cannot download one; the code-server ' +
        'route (tools/code-server/) runs the same suite in VS Code here.',
    );
    return 0;
  }
  const { values } = parseArgs({
    options: { extension: { type: 'string' }, tests: { type: 'string' }, workspace: { type: 'string' } },
  });
  const fixture = path.join(__dirname, 'fixture');
  try {
    await runDesktopTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: values.extension ?? fixture,
      extensionTestsPath: values.tests ?? path.join(fixture, 'suite', 'index.js'),
      workspace: values.workspace,
    });
    return 0;
  } catch (err) {
    // TestRunFailedError carries VS Code's exit code; anything else (bad path, no binary) is 1.
    console.error(`run-desktop: ${err instanceof Error ? err.message : String(err)}`);
    const code = (err as { code?: unknown }).code;
    return typeof code === 'number' && code !== 0 ? code : 1;
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
