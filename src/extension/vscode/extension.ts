import * as vscode from 'vscode';
import { describeState } from '../../gateway/connection-state';
import { DEFAULT_GATEWAY_URL, storeGatewayTokenKey } from '../../gateway/constants';
import { discoverGateway, type DiscoveredGateway } from '../../gateway/discovery';
import { redactUrl } from '../../gateway/gateway-url';
import { GatewayClient } from '../../gateway/gateway-client';
import { ChatController } from '../chat-controller';
import { discoverProfiles } from '../../gateway/gateway-list';
import { GatewaySwitcher } from '../gateway-switcher';
import { addedGateways, GatewayStatusBar, registerGatewayCommands } from './gateway-commands';
import { ChatBridge } from '../chat-bridge';
import { ApprovalsUi } from './approvals-ui';
import { ChatViewProvider } from './chat-view-provider';
import { ChangeReview } from './change-review';
import { registerChangesCommand } from './changes-command';
import { VsCodeHostServices } from './host-services';
import { DELIVERIES, type ActionId, type Delivery } from '../../protocol/webview';
import { registerCommands } from './commands';
import { chatBanner } from '../connection-view';
import { LEGACY_TOKEN_KEY, SecretCredentialStore } from './secret-store';
import { registerSessionCommands } from './session-commands';
import { SessionTreeProvider } from './session-tree';
import {
  ACTION_COMMANDS,
  ContextKey,
  SECTION,
  Setting,
  STATE_CURRENT_SESSION,
  STATE_SELECTED_GATEWAY,
  stateGatewaySession,
  VIEW_CHAT,
  VIEW_SESSIONS,
} from './settings';
import { ConnectionStatusBar } from './status-bar';

/** What `activate` returns in VS Code's test mode (and only there): the tests drive these. */
export interface OpenClawApi {
  client: GatewayClient;
  controller: ChatController;
  chatView: ChatViewProvider;
  sessions: SessionTreeProvider;
  switcher: GatewaySwitcher;
}

/**
 * Registers everything and returns: nothing here waits on the secret store, the disk or the
 * network (activation blocks the extension host, and every other extension waits behind it). The
 * gateway is found and the connection starts just after (the `setImmediate` at the end), as does everything the
 * views then ask for.
 */
export function activate(context: vscode.ExtensionContext): OpenClawApi | undefined {
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
  // Until discovery has run (moments after activate returns), the client is idle at this address.
  let found = provisionalGateway(settings().get<string>(Setting.gatewayUrl));
  // Several gateways: the one chosen last with "Switch Gateway…" (else the discovered one), each
  // with its own token, device token, certificate and remembered session (gateway-switcher.ts).
  const switcher: GatewaySwitcher = new GatewaySwitcher({
    client: { setEndpoint: (url, token) => client.setEndpoint(url, token) },
    controller: { changeGateway: (key: string) => controller.changeGateway(key) },
    discover,
    profiles: () => discoverProfiles(),
    added: () => addedGateways(context),
    secretToken: (origin) => store.get(storeGatewayTokenKey(origin)),
    rememberedSession: (origin) => context.workspaceState.get<string>(stateGatewaySession(origin)),
    selected: () => context.globalState.get<string>(STATE_SELECTED_GATEWAY),
    select: (origin) => Promise.resolve(context.globalState.update(STATE_SELECTED_GATEWAY, origin)),
    log: (message) => log.info(message),
  });

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
  let disposed = false;
  context.subscriptions.push({
    dispose: () => {
      disposed = true;
      client.close();
    },
  });

  // The agent's file changes: diffs in VS Code's diff editor, reverts through WorkspaceEdits.
  const review = new ChangeReview();
  context.subscriptions.push(review);
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
    saveSession: (key) => {
      void context.workspaceState.update(STATE_CURRENT_SESSION, key);
      const origin = switcher.current?.origin;
      if (origin) void context.workspaceState.update(stateGatewaySession(origin), key);
    },
    changes: { root: () => review.root(), files: review.files, log: (message) => log.warn(message) },
  });
  context.subscriptions.push({ dispose: () => controller.dispose() });

  const statusBar = new ConnectionStatusBar();
  // What each banner button does: a command, or the settings opened at the gateway URL.
  const runAction = (id: ActionId) => {
    if (id === 'openSettings') void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${Setting.gatewayUrl}`);
    else void vscode.commands.executeCommand(ACTION_COMMANDS[id]);
  };
  const services = new VsCodeHostServices(runAction);
  services.openDiff = (request) => review.openDiff(request);
  registerChangesCommand(context, controller, review);
  context.subscriptions.push(services);
  const bridge = new ChatBridge({
    controller,
    services,
    post: (message) => chatView.post(message),
    // `found` and the switcher's gateway change on rediscovery and switches: the banner reads the current one each time.
    connection: () => chatBanner(client, switcher.current ?? found, controller.approvals)(),
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

  const gatewayStatus = new GatewayStatusBar();
  context.subscriptions.push(gatewayStatus);
  const gateways = registerGatewayCommands({ context, client, switcher, statusBar: gatewayStatus, log });
  void gateways.refreshStatus();
  const rediscover = async () => {
    found = await switcher.refresh();
    await gateways.refreshStatus();
  };
  registerCommands({ context, controller, chatView, log, store, gateway: () => switcher.current ?? found, rediscover });
  registerSessionCommands({
    context,
    controller,
    chatView,
    log,
    selectedSession: () => {
      const node = sessionsView.selection[0];
      return node && 'session' in node ? node.session.key : undefined;
    },
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.${Setting.traceFrames}`)) {
        traceFrames = settings().get<boolean>(Setting.traceFrames, false);
        client.setTrace(traceFrames ? trace : undefined);
      }
      if (event.affectsConfiguration(`${SECTION}.${Setting.sendWhileBusy}`)) controller.refreshControls();
      if (event.affectsConfiguration(`${SECTION}.${Setting.gatewayUrl}`)) {
        // A new URL in the settings is the gateway the person wants now.
        await context.globalState.update(STATE_SELECTED_GATEWAY, undefined);
        await rediscover();
      }
    }),
  );

  // After activate has returned: adopt an old token, find the gateway, connect.
  setImmediate(() => {
    void (async () => {
      try {
        await adoptLegacyToken(context.secrets, store, discover);
        found = await switcher.initial();
        // The session last shown on this gateway, when it differs from the last one shown at all.
        const remembered = found.origin ? context.workspaceState.get<string>(stateGatewaySession(found.origin)) : undefined;
        if (remembered && remembered !== controller.sessionKey) await controller.switchSession(remembered);
      } catch (error) {
        log.error(`could not look for the gateway's address and token: ${(error as Error).message}; trying ${redactUrl(found.url)}`);
      }
      if (disposed) return;
      client.setEndpoint(found.url, found.token);
      client.start();
    })();
  });
  // The live client and controller are handed out to VS Code's own test runner, and to nothing else.
  return context.extensionMode === vscode.ExtensionMode.Test ? { client, controller, chatView, sessions, switcher } : undefined;
}

/** Where the client points before discovery has run: the setting's URL, else the default; no token yet. */
function provisionalGateway(settingUrl: string | undefined): DiscoveredGateway {
  const url = settingUrl?.trim() || DEFAULT_GATEWAY_URL;
  return {
    url,
    origin: undefined,
    token: undefined,
    urlSource: settingUrl?.trim() ? 'setting' : 'default',
    tokenSource: 'none',
    configPath: undefined,
    configProblem: undefined,
  };
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
