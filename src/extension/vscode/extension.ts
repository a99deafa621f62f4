import * as vscode from 'vscode';
import { describeState } from '../../gateway/connection-state';
import { storeGatewayTokenKey } from '../../gateway/constants';
import { discoverGateway, type DiscoveredGateway } from '../../gateway/discovery';
import { redactUrl } from '../../gateway/gateway-url';
import { GatewayClient } from '../../gateway/gateway-client';
import { ChatController } from '../chat-controller';
import { ChatBridge } from '../chat-bridge';
import { ApprovalsUi } from './approvals-ui';
import { ChatViewProvider } from './chat-view-provider';
import { VsCodeHostServices } from './host-services';
import { DELIVERIES, type ActionId, type Delivery } from '../../protocol/webview';
import { registerCommands } from './commands';
import { chatBanner } from '../connection-view';
import { LEGACY_TOKEN_KEY, SecretCredentialStore } from './secret-store';
import { registerSessionCommands } from './session-commands';
import { SessionTreeProvider } from './session-tree';
import { ACTION_COMMANDS, ContextKey, SECTION, Setting, STATE_CURRENT_SESSION, VIEW_CHAT, VIEW_SESSIONS } from './settings';
import { ConnectionStatusBar } from './status-bar';

/** What `activate` returns in VS Code's test mode (and only there): the tests drive these. */
export interface OpenClawApi {
  client: GatewayClient;
  controller: ChatController;
  chatView: ChatViewProvider;
  sessions: SessionTreeProvider;
}

export async function activate(context: vscode.ExtensionContext): Promise<OpenClawApi | undefined> {
  const log = vscode.window.createOutputChannel('OpenClaw', { log: true });
  context.subscriptions.push(log);
  const settings = () => vscode.workspace.getConfiguration(SECTION);
  let traceFrames = settings().get<boolean>(Setting.traceFrames, false);
  const store = new SecretCredentialStore(context.secrets);

  const discover = async (): Promise<DiscoveredGateway> => {
    // openclaw.gatewayUrl is machine-scoped: VS Code takes it from the person's own settings only,
    // never from a workspace's .vscode/settings.json, and Restricted Mode ignores it altogether.
    const found = await discoverGateway({
      settingUrl: settings().get<string>(Setting.gatewayUrl),
      secretToken: (origin) => store.get(storeGatewayTokenKey(origin)),
    });
    if (found.configProblem) log.warn(found.configProblem);
    log.info(`gateway ${redactUrl(found.url)} (URL from ${found.urlSource}, token from ${found.tokenSource})`);
    return found;
  };
  await adoptLegacyToken(context.secrets, store, discover);
  let found = await discover();

  const client = new GatewayClient({
    url: found.url,
    token: found.token,
    store,
    clientVersion: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0'),
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
    busyMode: () => {
      const mode = settings().get<string>(Setting.sendWhileBusy, 'steer');
      return (DELIVERIES as readonly string[]).includes(mode) ? (mode as Delivery) : 'steer';
    },
    initialSession: context.workspaceState.get<string>(STATE_CURRENT_SESSION) || settings().get<string>(Setting.defaultSession) || undefined,
    saveSession: (key) => void context.workspaceState.update(STATE_CURRENT_SESSION, key),
  });
  context.subscriptions.push({ dispose: () => controller.dispose() });

  const statusBar = new ConnectionStatusBar();
  // What each banner button does: a command, or the settings opened at the gateway URL.
  const runAction = (id: ActionId) => {
    if (id === 'openSettings') void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${Setting.gatewayUrl}`);
    else void vscode.commands.executeCommand(ACTION_COMMANDS[id]);
  };
  const services = new VsCodeHostServices(runAction);
  context.subscriptions.push(services);
  const bridge = new ChatBridge({
    controller,
    services,
    post: (message) => chatView.post(message),
    // `found` changes on rediscovery: the banner reads the current one each time.
    connection: () => chatBanner(client, found, controller.approvals)(),
    log: (message) => log.debug(message),
  });
  const chatView = new ChatViewProvider(context.extensionUri, bridge);
  const approvalsUi = new ApprovalsUi(controller, services, chatView, (level, message) => log[level](message));
  const sessions = new SessionTreeProvider(controller);
  const sessionsView = vscode.window.createTreeView(VIEW_SESSIONS, { treeDataProvider: sessions, showCollapseAll: false });
  sessions.attach(sessionsView);
  context.subscriptions.push(statusBar, approvalsUi, bridge, chatView, sessions, sessionsView, vscode.window.registerWebviewViewProvider(VIEW_CHAT, chatView));

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
        bridge.refreshConnection();
      }, 1000);
    }
  };
  context.subscriptions.push(
    {
      dispose: client.onState((state) => {
        log.info(describeState(state));
        onState();
      }),
    },
    { dispose: () => clearInterval(countdown) },
  );
  context.subscriptions.push({
    dispose: controller.onChange((change) => {
      if (change.type === 'busy') void vscode.commands.executeCommand('setContext', ContextKey.busy, change.busy);
    }),
  });
  onState();

  const rediscover = async () => {
    found = await discover();
    client.setEndpoint(found.url, found.token);
  };
  registerCommands({ context, controller, chatView, log, store, gateway: () => found, rediscover });
  registerSessionCommands({ context, controller, chatView, log });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.${Setting.traceFrames}`)) {
        traceFrames = settings().get<boolean>(Setting.traceFrames, false);
        client.setTrace(traceFrames ? trace : undefined);
      }
      if (event.affectsConfiguration(`${SECTION}.${Setting.sendWhileBusy}`)) controller.refreshControls();
      if (event.affectsConfiguration(`${SECTION}.${Setting.gatewayUrl}`)) await rediscover();
    }),
  );

  client.start();
  // The live client and controller are handed out to VS Code's own test runner, and to nothing else.
  return context.extensionMode === vscode.ExtensionMode.Test ? { client, controller, chatView, sessions } : undefined;
}

/**
 * Versions before 0.2 kept one token for whichever gateway was configured. It is now bound to that
 * gateway's origin (found the same way as before, minus workspace settings) and the old key goes.
 */
async function adoptLegacyToken(secrets: vscode.SecretStorage, store: SecretCredentialStore, discover: () => Promise<DiscoveredGateway>): Promise<void> {
  const legacy = await secrets.get(LEGACY_TOKEN_KEY);
  if (!legacy) return;
  const { origin } = await discover();
  if (origin) await store.set(storeGatewayTokenKey(origin), legacy);
  await secrets.delete(LEGACY_TOKEN_KEY);
}

export function deactivate(): void {
  // Everything is on context.subscriptions.
}
