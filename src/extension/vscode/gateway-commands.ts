/**
 * The glue of several gateways: the status bar item naming the gateway in use, "Switch Gateway…"
 * (pick one, add one by URL, or forget an added one), and trusting or forgetting a self-signed
 * certificate. What a switch does is GatewaySwitcher's; this file only asks the person.
 */

import * as vscode from 'vscode';
import type { GatewayClient } from '../../gateway/gateway-client';
import { checkGatewayUrl, redactUrl } from '../../gateway/gateway-url';
import { readAddedGateways, type AddedGateway, type GatewayEntry } from '../../gateway/gateway-list';
import type { GatewaySwitcher } from '../gateway-switcher';
import { Command, STATE_ADDED_GATEWAYS } from './settings';

/** The added gateways, as kept in the extension's global state (validated on the way in). */
export function addedGateways(context: vscode.ExtensionContext): AddedGateway[] {
  return readAddedGateways(context.globalState.get<unknown>(STATE_ADDED_GATEWAYS));
}

/** Names the gateway in use in the status bar; a click opens the switcher. */
export class GatewayStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('openclaw.gateway', vscode.StatusBarAlignment.Left, 9);

  constructor() {
    this.item.name = 'OpenClaw Gateway Switcher';
    this.item.command = Command.switchGateway;
  }

  /** Shows `name` (hidden while only one gateway is known: nothing to switch between). */
  update(name: string, url: string, choices: number): void {
    this.item.text = `$(server) ${name}`;
    this.item.tooltip = `OpenClaw gateway: ${name} (${redactUrl(url)}). Click to switch gateway.`;
    this.item.accessibilityInformation = { label: `OpenClaw gateway ${name}. Switch gateway.` };
    if (choices > 1) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}

export interface GatewayCommandsContext {
  context: vscode.ExtensionContext;
  client: GatewayClient;
  switcher: GatewaySwitcher;
  statusBar: GatewayStatusBar;
  log: vscode.LogOutputChannel;
}

/** The name of the gateway in use, as the list calls it. */
async function currentEntry(switcher: GatewaySwitcher): Promise<{ entry: GatewayEntry | undefined; list: GatewayEntry[] }> {
  const list = await switcher.list();
  return { entry: list.find((e) => e.id === switcher.current?.origin), list };
}

/** Registers Switch Gateway, Trust Certificate and Forget Trusted Certificate on `context.subscriptions`. */
export function registerGatewayCommands(c: GatewayCommandsContext): { refreshStatus(): Promise<void> } {
  const { context, client, switcher } = c;
  const register = (id: string, run: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  const refreshStatus = async () => {
    const { entry, list } = await currentEntry(switcher);
    const current = switcher.current;
    c.statusBar.update(entry?.name ?? current?.origin ?? 'gateway', current?.url ?? '', list.length);
  };

  const addGateway = async (): Promise<GatewayEntry | undefined> => {
    const url = await vscode.window.showInputBox({
      title: 'OpenClaw: Add Gateway (1/2)',
      prompt: "The gateway's WebSocket URL: wss://host:port for another computer (ws:// only for this one)",
      placeHolder: 'wss://my-server.tailnet.ts.net:18789',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? (checkGatewayUrl(value).ok ? undefined : (checkGatewayUrl(value) as { message: string }).message) : undefined),
    });
    if (!url?.trim()) return undefined;
    const checked = checkGatewayUrl(url);
    if (!checked.ok) return undefined;
    const name = await vscode.window.showInputBox({
      title: 'OpenClaw: Add Gateway (2/2)',
      prompt: 'A name for it in the list',
      value: checked.url.hostname,
      ignoreFocusOut: true,
    });
    if (name === undefined) return undefined;
    const added = addedGateways(context).filter((g) => checkGatewayUrl(g.url).ok && (checkGatewayUrl(g.url) as { origin: string }).origin !== checked.origin);
    added.push({ name: name.trim() || checked.url.hostname, url: url.trim() });
    await context.globalState.update(STATE_ADDED_GATEWAYS, added);
    return (await switcher.list()).find((e) => e.id === checked.origin);
  };

  register(Command.switchGateway, async (origin?: string) => {
    const list = await switcher.list();
    let picked: GatewayEntry | undefined;
    if (typeof origin === 'string') {
      picked = list.find((e) => e.id === origin || e.url === origin);
      if (!picked) return void vscode.window.showWarningMessage(`No gateway ${redactUrl(origin)} in the list. Add it with "OpenClaw: Switch Gateway…".`);
    } else {
      type Item = vscode.QuickPickItem & { entry?: GatewayEntry; add?: true };
      const remove: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Remove from the list' };
      const kinds = { discovered: 'found by discovery', profile: 'OpenClaw profile', added: 'added by you' } as const;
      const items: Item[] = [
        ...list.map((entry) => ({
          entry,
          label: `${entry.id === switcher.current?.origin ? '$(check) ' : ''}${entry.name}`,
          description: redactUrl(entry.url),
          detail: kinds[entry.kind],
          buttons: entry.kind === 'added' ? [remove] : [],
        })),
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        { label: '$(add) Add Gateway…', add: true, alwaysShow: true },
      ];
      const pick = vscode.window.createQuickPick<Item>();
      pick.title = 'OpenClaw: Switch Gateway';
      pick.placeholder = 'One connection at a time; each gateway keeps its own token, device and session';
      pick.items = items;
      pick.matchOnDescription = true;
      const chosen = await new Promise<Item | undefined>((resolve) => {
        pick.onDidAccept(() => resolve(pick.selectedItems[0]));
        pick.onDidHide(() => resolve(undefined));
        pick.onDidTriggerItemButton(async ({ item }) => {
          const gone = item.entry;
          if (!gone) return;
          const kept = addedGateways(context).filter((g) => (checkGatewayUrl(g.url) as { origin?: string }).origin !== gone.id);
          await context.globalState.update(STATE_ADDED_GATEWAYS, kept);
          pick.items = pick.items.filter((i) => i !== item);
        });
        pick.show();
      });
      pick.dispose();
      if (!chosen) return;
      picked = chosen.add ? await addGateway() : chosen.entry;
    }
    if (!picked) return;
    await switcher.switchTo(picked);
    await refreshStatus();
  });

  register(Command.trustCertificate, async () => {
    const state = client.state;
    if (state.kind !== 'failed' || state.reason !== 'tls-untrusted' || !state.fingerprint) {
      return void vscode.window.showInformationMessage('No certificate is waiting to be trusted.');
    }
    const trust = 'Trust This Certificate';
    const answer = await vscode.window.showWarningMessage(
      `Trust the certificate of ${state.url}?`,
      {
        modal: true,
        detail: `SHA-256 fingerprint:\n${state.fingerprint}\n\nCompare it with the one on the gateway host (openssl x509 -noout -fingerprint -sha256 -in <cert>). Once trusted, only this certificate is accepted for this gateway: if it changes, the extension stops and tells you.`,
      },
      trust,
    );
    if (answer !== trust) return;
    c.log.info(`trusting the certificate of ${state.url} (SHA-256 ${state.fingerprint})`);
    await client.trustCertificate(state.fingerprint);
  });

  register(Command.forgetCertificate, async () => {
    await client.forgetCertificate();
    void vscode.window.showInformationMessage(
      `Forgot the certificate trusted for ${switcher.current?.origin ?? 'this gateway'}: the next connection asks again.`,
    );
  });

  return { refreshStatus };
}
