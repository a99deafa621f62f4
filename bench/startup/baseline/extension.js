// Start-up bench baseline: activates like OpenClaw (onStartupFinished) and shows one status bar item.
const vscode = require('vscode');

function activate(context) {
  const item = vscode.window.createStatusBarItem('openclawBench.baseline', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Bench baseline';
  item.text = 'Baseline';
  item.show();
  context.subscriptions.push(item);
}

module.exports = { activate, deactivate() {} };
