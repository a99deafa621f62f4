import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ChatBridge } from '../chat-bridge';
import { chatPageCsp, chatPageHtml } from '../chat-page';
import { Disposable } from '../disposable';
import { VIEW_CHAT } from './settings';

/**
 * The chat webview in the sidebar: serves the page and passes messages both ways; the ChatBridge
 * (vscode-free) decides everything else. VS Code runs `resolveWebviewView` again when the view is
 * re-created (moved, or hidden and shown with its context released): the page then says `ready`
 * again and gets a fresh snapshot.
 */
export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly bridge: ChatBridge,
  ) {
    super();
  }

  /** Posts to the page of the current view (the bridge only posts once the page is ready). */
  post(message: unknown): void {
    void this.view?.webview.postMessage(message);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.bridge.pageLoaded();
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    // Only the built bundle and its stylesheet may load.
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = this.html(view.webview, dist);
    this.register(view.webview.onDidReceiveMessage((message: unknown) => this.bridge.receive(message)));
    this.register(
      view.onDidDispose(() => {
        if (this.view !== view) return;
        this.view = undefined;
        this.bridge.pageLoaded();
      }),
    );
  }

  /** Whether the chat is on screen now (its cards are seen); false while another view or panel covers it. */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /** Reveals the chat and puts the cursor in its input (once the page is ready, if it is loading). */
  async focus(): Promise<void> {
    await vscode.commands.executeCommand(`${VIEW_CHAT}.focus`);
    this.bridge.focus();
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, name)).toString();
    return chatPageHtml({ nonce, csp: chatPageCsp(webview.cspSource, nonce), styles: [asset('chat.css')], scripts: [asset('webview.js')] });
  }
}
