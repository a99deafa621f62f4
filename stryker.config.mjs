// Mutation testing (`npm run mutation`): StrykerJS puts small bugs into the modules below, one at a
// time, and runs the unit test files that cover each (node:test speaks TAP; tsx loads TypeScript).
// A mutant no test notices is a hole in the tests, or an equivalent change listed in TESTING.md.
//
// Scope: pure modules the fast Node unit tests reach: reconnect backoff, redaction, the chat page
// and its policy, the command checks, and the webview's seq gate. Each mutant costs a tsx process
// per covering test file (4-7 s on the shared 2-core machine, about 9 mutants a minute), which is
// what bounds the scope for now: TESTING.md lists the modules to add next (schema.ts and
// gateway-url.ts with test/unit/webview-contract*.test.ts and gateway-url.test.ts: 289 more mutants).
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: [
      'test/unit/backoff.test.ts',
      'test/unit/seq-gate.test.ts',
      'test/unit/chat-page.test.ts',
      'test/unit/command-checks.test.ts',
      'test/unit/redaction.test.ts',
    ],
    nodeArgs: ['--import', 'tsx'],
  },
  mutate: ['src/gateway/backoff.ts', 'src/gateway/redact.ts', 'src/extension/command-checks.ts', 'src/extension/chat-page.ts', 'webview/seq.ts'],
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
