// Entry point of the chat webview bundle (dist/webview.js), loaded by the host's page into #app.
import { ChatApp } from './app';
import { connectHost } from './vscode-api';

const root = document.getElementById('app');
if (root) new ChatApp(root, connectHost()).start();
