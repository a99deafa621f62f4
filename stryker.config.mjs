// Mutation testing (`npm run mutation`): StrykerJS puts small bugs into the modules below, one at a
// time, and runs the unit test files that cover each (node:test speaks TAP; tsx loads TypeScript).
// A mutant no test notices is a hole in the tests, or an equivalent change listed in TESTING.md.
//
// Scope: pure modules the fast Node unit tests reach: gateway rules (backoff, redaction, URLs),
// the contracts' schema language, the vscode-free page and command checks, and the webview's seq
// gate. Each mutant costs a tsx process per covering test file (seconds on this 2-core machine),
// which is what bounds the scope: see TESTING.md for what is not in it yet. Not part of `npm test`: CPU-heavy, run before a
// resolve. Incremental: reports/stryker-incremental.json keeps the last results, so a re-run after
// a small change tests only the mutants whose code or covering tests changed.
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: [
      'test/unit/backoff.test.ts',
      'test/unit/seq-gate.test.ts',
      'test/unit/chat-page.test.ts',
      'test/unit/command-checks.test.ts',
      'test/unit/gateway-url.test.ts',
      'test/unit/webview-contract.test.ts',
      'test/unit/webview-contract-fields.test.ts',
      'test/unit/redaction.test.ts',
    ],
    nodeArgs: ['--import', 'tsx'],
  },
  mutate: [
    'src/gateway/backoff.ts',
    'src/gateway/redact.ts',
    'src/gateway/gateway-url.ts',
    'src/protocol/schema.ts',
    'src/extension/command-checks.ts',
    'src/extension/chat-page.ts',
    'webview/seq.ts',
  ],
  coverageAnalysis: 'perTest',
  // Others share this machine: one test process at a time, with room for a slow start.
  concurrency: 1,
  timeoutMS: 30_000,
  checkers: [],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
