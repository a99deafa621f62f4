/**
 * The chat webview's page and its Content-Security-Policy, in one place: the chat view serves it,
 * and the webview tests and benchmarks serve the same page with a local server standing in for
 * `webview.cspSource`. No `vscode` import.
 */

/**
 * Nothing but our own stylesheets, fonts and images (plus data: images), and nonce'd scripts; no
 * `<base>` to re-point relative URLs and no form to submit anywhere.
 */
export function chatPageCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; font-src ${cspSource}; img-src ${cspSource} data:; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
}

export interface ChatPage {
  nonce: string;
  /** The policy as a <meta> tag; omitted only by the test that shows what the policy itself stops. */
  csp?: string;
  styles: string[];
  scripts: string[];
  bodyClass?: string;
}

export function chatPageHtml(page: ChatPage): string {
  const meta = page.csp ? `\n<meta http-equiv="Content-Security-Policy" content="${page.csp}">` : '';
  const styles = page.styles.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n');
  const scripts = page.scripts.map((src) => `<script nonce="${page.nonce}" src="${src}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">${meta}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>OpenClaw</title>
</head>
<body${page.bodyClass ? ` class="${page.bodyClass}"` : ''}>
<div id="app"></div>
${scripts}
</body>
</html>`;
}
