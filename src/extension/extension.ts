import * as vscode from 'vscode';
import { describeState } from '../gateway/connection-state';
import { discoverGateway, type DiscoveredGateway } from '../gateway/discovery';
import { GatewayClient } from '../gateway/gateway-client';
import { ChatController } from './chat-controller';
import { ChatViewProvider } from './chat-view-provider';
import { registerCommands } from './commands';
import { connectionView } from './connection-view';
import { SecretCredentialStore } from './secret-store';
import { SessionTreeProvider } from './session-tree';
import { Command, ContextKey, SECRET_TOKEN, SECTION, Setting, STATE_CURRENT_SESSION, VIEW_CHAT, VIEW_SESSIONS } from './settings';
import { ConnectionStatusBar } from './status-bar';

/** What `activate` returns: used by the in-VS Code tests, never by the webview. */
export interface OpenClawApi {
  client: GatewayClient;
  controller: ChatController;
  chatView: ChatViewProvider;
  sessions: SessionTreeProvider;
}

export async function activate(context: vscode.ExtensionContext): Promise<OpenClawApi> {
  const log = vscode.window.createOutputChannel('OpenClaw', { log: true });
  context.subscriptions.push(log);
  const settings = () => vscode.workspace.getConfiguration(SECTION);
  let traceFrames = settings().get<boolean>(Setting.traceFrames, false);

  const discover = async (): Promise<DiscoveredGateway> => {
    const found = discoverGateway({ settingUrl: settings().get<string>(Setting.gatewayUrl), secretToken: await context.secrets.get(SECRET_TOKEN) });
    if (found.configProblem) log.warn(found.configProblem);
    log.info(`gateway ${found.url} (URL from ${found.urlSource}, token from ${found.tokenSource})`);
    return found;
  };
  let found = await discover();

  const client = new GatewayClient({
    url: found.url,
    token: found.token,
    store: new SecretCredentialStore(context.secrets),
    clientVersion: String(context.extension.packageJSON.version ?? '0.0.0'),
    log: (level, message) => log[level](message),
  });
  const trace = (direction: 'in' | 'out', frame: unknown) => log.info(`${direction === 'in' ? '<-' : '->'} ${JSON.stringify(frame)}`);
  // Only while the setting is on: tracing copies and redacts every frame.
  client.setTrace(traceFrames ? trace : undefined);
  context.subscriptions.push({ dispose: () => client.close() });

  const controller = new ChatController(client, {
    log: (level, message) => log[level](message),
    thinking: () => {
      const level = settings().get<string>(Setting.thinkingLevel, 'default');
      return level && level !== 'default' ? level : undefined;
    },
    initialSession: context.workspaceState.get<string>(STATE_CURRENT_SESSION) || settings().get<string>(Setting.defaultSession) || undefined,
    saveSession: (key) => void context.workspaceState.update(STATE_CURRENT_SESSION, key),
  });
  context.subscriptions.push({ dispose: () => controller.dispose() });

  const statusBar = new ConnectionStatusBar();
  const chatView = new ChatViewProvider(context.extensionUri, controller, {
    connection: () => connectionView(client.state, found),
    action: (id) => {
      const commands: Record<string, string> = {
        reconnect: Command.reconnect,
        setToken: Command.setToken,
        approvePairing: Command.showPairing,
        showLog: Command.showLog,
        newSession: Command.newSession,
        switchSession: Command.switchSession,
      };
      if (id === 'openSettings') void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${Setting.gatewayUrl}`);
      else if (commands[id]) void vscode.commands.executeCommand(commands[id]);
    },
    log: (message) => log.debug(message),
  });
  const sessions = new SessionTreeProvider(controller);
  context.subscriptions.push(
    statusBar,
    chatView,
    sessions,
    vscode.window.registerWebviewViewProvider(VIEW_CHAT, chatView),
    vscode.window.createTreeView(VIEW_SESSIONS, { treeDataProvider: sessions, showCollapseAll: false }),
  );

  // A reconnect countdown ticks in the status bar and the chat banner once a second.
  let countdown: NodeJS.Timeout | undefined;
  const onState = () => {
    const state = client.state;
    statusBar.update(state);
    void vscode.commands.executeCommand('setContext', ContextKey.connected, state.kind === 'connected');
    clearInterval(countdown);
    countdown = undefined;
    if (state.kind === 'reconnecting' && state.delayMs > 1500) {
      countdown = setInterval(() => {
        statusBar.update(client.state);
        chatView.refreshConnection();
      }, 1000);
    }
  };
  context.subscriptions.push({ dispose: client.onState((state) => {
    log.info(describeState(state));
    onState();
  }) }, { dispose: () => clearInterval(countdown) });
  context.subscriptions.push({ dispose: controller.onChange((change) => {
    if (change.type === 'busy') void vscode.commands.executeCommand('setContext', ContextKey.busy, change.busy);
  }) });
  onState();

  registerCommands({
    context,
    controller,
    chatView,
    log,
    applyToken: (token) => {
      found = { ...found, token, tokenSource: token ? 'secret' : 'none' };
      client.setToken(token);
    },
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.${Setting.traceFrames}`)) {
        traceFrames = settings().get<boolean>(Setting.traceFrames, false);
        client.setTrace(traceFrames ? trace : undefined);
      }
      if (event.affectsConfiguration(`${SECTION}.${Setting.gatewayUrl}`)) {
        found = await discover();
        client.setEndpoint(found.url, found.token);
      }
    }),
  );

  client.start();
  return { client, controller, chatView, sessions };
}

export function deactivate(): void {
  // Everything is on context.subscriptions.
}
