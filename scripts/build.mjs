// Builds the two bundles: the extension host (Node, CommonJS) and the chat webview (browser).
import * as esbuild from 'esbuild';
import { mkdirSync, copyFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

const host = {
  ...common,
  entryPoints: ['src/extension/vscode/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ws loads these native speed-ups only if present; the extension never ships them.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

const web = {
  ...common,
  entryPoints: ['webview/main.ts'],
  outfile: 'dist/webview.js',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

mkdirSync('dist', { recursive: true });
copyFileSync('media/chat.css', 'dist/chat.css');
if (watch) {
  for (const options of [host, web]) await (await esbuild.context(options)).watch();
} else {
  await Promise.all([esbuild.build(host), esbuild.build(web)]);
}
