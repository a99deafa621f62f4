// Mutation testing (`npm run mutation`): StrykerJS puts small bugs into the modules below, one at a
// time, and runs the unit test files that cover each (node:test speaks TAP; tsx loads TypeScript).
// A mutant no test notices is a hole in the tests, or an equivalent change listed in TESTING.md.
//
// Scope: pure modules the fast Node unit tests reach: reconnect backoff, redaction, the gateway URL
// check, the schema the webview contract is built from, the chat page and its policy, the command
// checks, the webview's seq gate, (second round) the run assembly, the sessions.diff reader, the
// patch parser, the connection banner, the @ search and the Markdown export, and (third round) the
// webview's state, diff highlighter and markdown renderer; the renderer's tests run under jsdom
// (test/dom/), as Chromium cannot be started per mutant; (fourth round) the client's error classes,
// the incoming-frame check, the sorting of connection failures and the usage report, each with a
// small pure test of its own (their older tests start ws servers). TESTING.md has the score and the
// equivalent mutants. Each mutant costs a tsx process per covering test file (a second or more;
// several under jsdom), which is what bounds the scope: modules whose tests start ws servers, and
// the webview's streaming renderer (its jsdom test takes about a minute), are not in it yet.
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
      'test/unit/gateway-url.test.ts',
      'test/unit/webview-contract.test.ts',
      'test/unit/webview-contract-fields.test.ts',
      'test/unit/schema.test.ts',
      'test/unit/run-stream.test.ts',
      'test/unit/sessions-diff.test.ts',
      'test/unit/changes.test.ts',
      'test/unit/change-tracker.test.ts',
      'test/unit/connection-view.test.ts',
      'test/unit/connection-view-branches.test.ts',
      'test/unit/run-stream-edges.test.ts',
      'test/unit/patch-edges.test.ts',
      'test/unit/mention-search.test.ts',
      'test/unit/export-markdown.test.ts',
      'test/unit/export-markdown-whole.test.ts',
      'test/unit/mention-ranking.test.ts',
      'test/unit/webview-state.test.ts',
      'test/unit/highlight.test.ts',
      'test/unit/highlight-edges.test.ts',
      'test/dom/markdown.test.ts',
      'test/unit/errors.test.ts',
      'test/unit/frames.test.ts',
      'test/unit/usage-report.test.ts',
      'test/unit/connection-state.test.ts',
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
    'src/gateway/run-stream.ts',
    'src/gateway/sessions-diff.ts',
    'src/extension/changes/patch.ts',
    'src/extension/connection-view.ts',
    'src/extension/composer/mention-search.ts',
    'src/extension/export-markdown.ts',
    'webview/state.ts',
    'webview/highlight.ts',
    'webview/markdown.ts',
    'src/gateway/errors.ts',
    'src/gateway/frames.ts',
    'src/gateway/connection-state.ts',
    'src/extension/usage-report.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two test processes at a time (the machine has 2 cores), with room for a slow start.
  concurrency: 2,
  timeoutMS: 30_000,
  checkers: [],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The sandbox is a copy of the project: not the installed tools, gateway runs and test output.
  ignorePatterns: ['.cache', '.test-artifacts', 'reports/mutation'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
