import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseWebviewMessage, type ActionId, type ConnectionView } from '../protocol/webview';
import type { ChatController } from './chat-controller';
import { ChatFeed } from './chat-feed';
import { chatPageCsp, chatPageHtml } from './chat-page';
import { HostPoster } from './host-poster';

export interface ChatViewHandlers {
  connection(): ConnectionView;
  action(id: ActionId): void;
  log(message: string): void;
}

/**
 * The chat webview in the sidebar. The host owns the transcript; this class renders it into the
 * webview with numbered messages and survives the view being hidden, shown, moved or re-created
 * (`resolveWebviewView` runs again and a fresh snapshot is sent when the page says `ready`).
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private focusWhenReady = false;
  /** Streamed text is gathered for 16 ms before it is posted, so a fast stream costs few messages. */
  private readonly poster = new HostPoster((message) => {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  });
  private readonly feed: ChatFeed;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly controller: ChatController, private readonly handlers: ChatViewHandlers) {
    this.feed = new ChatFeed(controller, this.poster, handlers.connection);
    this.disposables.push(this.feed);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    // Only the built bundle and its stylesheet may load.
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = this.html(view.webview, dist);
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
      }),
    );
  }

  /** Reveals the chat and puts the cursor in its input (once the page is ready, if it is loading). */
  async focus(): Promise<void> {
    await vscode.commands.executeCommand('openclaw.chat.focus');
    if (this.ready) this.poster.post({ type: 'focus' });
    else this.focusWhenReady = true;
  }

  /** Re-sends the connection banner (e.g. each second of a reconnect countdown). */
  refreshConnection(): void {
    this.feed.refreshConnection();
  }

  dispose(): void {
    this.poster.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Everything the page posts is checked against the contract first: the page is not trusted. */
  private onMessage(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if ('problem' in parsed) {
      this.handlers.log(`ignored a webview message that does not fit the contract: ${parsed.problem}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.feed.snapshot();
        if (this.focusWhenReady) this.poster.post({ type: 'focus' });
        this.focusWhenReady = false;
        break;
      case 'send':
        this.controller.send(message.text);
        break;
      case 'stop':
        void this.controller.stop();
        break;
      case 'action':
        this.handlers.action(message.id);
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text);
        break;
      case 'insert':
        void insertAtCursor(message.text);
        break;
      case 'openLink':
        void openLink(message.href);
        break;
    }
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, name)).toString();
    return chatPageHtml({ nonce, csp: chatPageCsp(webview.cspSource, nonce), styles: [asset('chat.css')], scripts: [asset('webview.js')] });
  }
}

/** Only into the editor the person is working in: with none active, say so rather than guess. */
async function insertAtCursor(text: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('No editor is active: click into the file where the code should go, then choose Insert at Cursor again.');
    return;
  }
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
}

/**
 * Links from model output open outside VS Code, only for web and mail schemes, and only through
 * `openExternal`, which asks first for a domain the person has not trusted. The page stops the
 * click from reaching VS Code's own webview link handling, so this is the one path.
 */
async function openLink(href: string): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(href, true);
  } catch {
    return;
  }
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) return;
  await vscode.env.openExternal(uri);
}
