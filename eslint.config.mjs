// ESLint with typescript-eslint's type-aware rules, and the fences that keep the layers apart:
// only src/extension/vscode/ may import `vscode`; the gateway client knows nothing of the
// extension; the protocol imports nothing but itself; the webview takes only the protocol from
// src/; the product never imports the test machinery. Formatting is Prettier's (npm run format).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** no-restricted-imports patterns, by what each folder may not reach. */
const fence = (...groups) => ({ 'no-restricted-imports': ['error', { patterns: groups }] });
const noVscode = { group: ['vscode'], message: 'Only src/extension/vscode/ imports vscode: the core stays testable without VS Code.' };
const noTestMachinery = { group: ['**/test/**', '**/tools/**', '**/bench/**'], message: 'The product never imports test, tool or bench code.' };

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.cache/',
      '.test-artifacts/',
      'reports/',
      '.stryker-tmp/',
      'test/webview/fixtures/',
      'test/extension/fixture/',
      'bench/fixtures/',
      'bench/startup/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe() and it() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  // The fences.
  { files: ['src/**/*.ts'], ignores: ['src/extension/vscode/**'], rules: fence(noVscode, noTestMachinery) },
  { files: ['src/extension/vscode/**/*.ts'], rules: fence(noTestMachinery) },
  {
    files: ['src/gateway/**/*.ts'],
    rules: fence(noVscode, noTestMachinery, {
      group: ['**/extension/**', '../extension'],
      message: 'The gateway client is pure Node + ws: it knows nothing of the extension.',
    }),
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: fence({
      regex: '^(?!\\./(schema|strings|gateway)$)',
      message: 'src/protocol imports nothing but itself: host, webview, tests and benches share it.',
    }),
  },
  {
    files: ['webview/**/*.ts'],
    rules: fence(noVscode, noTestMachinery, { group: ['../src/*', '!../src/protocol'], message: 'The webview takes only the protocol from src/.' }),
  },
  // Tests and machinery poke at internals through casts, assert on `any` page values, fake async
  // interfaces with sync bodies and build messages from anything: that strictness stays in the product code.
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
