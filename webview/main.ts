// Entry point of the chat webview bundle (dist/webview.js), loaded by the host's page into #app.
import { ChatApp } from './app';
import { renderMarkdown } from './markdown';
import { connectHost } from './vscode-api';

const root = document.getElementById('app');
if (root) new ChatApp(root, connectHost()).start();

// The first markdown render runs marked and DOMPurify cold (25-30 ms, a dropped frame on the first
// reply; BENCHMARKS.md, 3). Pay that while the page is idle instead.
requestIdleCallback(() => renderMarkdown('*warm* `up`\n\n- [x] [a](https://example.com)\n\n```ts\nx\n```\n\n| a |\n| - |\n| b |'), {
  timeout: 1000,
});
