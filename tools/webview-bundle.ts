// The chat webview bundle as the production build makes it, for the webview tests and the bench.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './paths';

export interface WebviewBundle {
  js: string;
  css: string;
}

/**
 * `<root>/webview/main.ts` bundled the way scripts/build.mjs does (IIFE, es2022), minified as
 * shipped, with `<root>/media/chat.css`. `root`: the repository by default, or another commit's
 * webview extracted by the bench. `entry`: bench experiments only.
 */
export async function buildWebview(root = ROOT, entry = path.join(root, 'webview/main.ts')): Promise<WebviewBundle> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  return { js: result.outputFiles[0].text, css: readFileSync(path.join(root, 'media/chat.css'), 'utf8') };
}
