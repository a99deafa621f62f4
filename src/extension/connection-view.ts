/** How the connection state reads to a person, in the chat banner and the status bar. Pure. */
import type { ApprovalRoute } from '../gateway/approvals-api';
import type { ConnectionState } from '../gateway/connection-state';
import type { TokenSource } from '../gateway/discovery';
import type { ConnectionView } from '../protocol/webview';

export interface ConfigInfo {
  tokenSource: TokenSource;
  /** The gateway's origin, which a token is set for. */
  origin?: string;
  configPath?: string;
  configProblem?: string;
}

const SET_TOKEN = '"OpenClaw: Set Gateway Token"';

/** Where the token that was sent came from, in words a person can go and check. */
function tokenOrigin(config: ConfigInfo): string {
  switch (config.tokenSource) {
    case 'secret':
      return `The token set with ${SET_TOKEN}${config.origin ? ` for ${config.origin}` : ''}`;
    case 'env':
      return 'The token in OPENCLAW_GATEWAY_TOKEN';
    case 'config':
      return `The token in ${config.configPath ?? "the gateway's openclaw.json"} (gateway.auth.token)`;
    case 'none':
      return 'Connecting without a token';
  }
}

/**
 * The chat banner as activate() wires it: from the client's state, everything discovery found (the
 * token included, which the banner must never show) and the approval route. One function, so the
 * secrets test builds the banner from exactly what the extension passes.
 */
export function chatBanner(client: { readonly state: ConnectionState }, found: ConfigInfo, approvals: { readonly route: ApprovalRoute }): () => ConnectionView {
  return () => connectionView(client.state, found, approvals.route);
}

export function connectionView(state: ConnectionState, config: ConfigInfo, route?: ApprovalRoute, now = Date.now()): ConnectionView {
  switch (state.kind) {
    case 'idle':
    case 'connecting':
      return { kind: 'connecting', title: 'Connecting to the OpenClaw gateway…', detail: state.kind === 'connecting' ? state.url : undefined, actions: [] };
    case 'connected': {
      const limited = route && limitedView(state.serverVersion, route);
      if (limited) return limited;
      const detail = config.tokenSource === 'config' && config.configPath ? `Using the token from ${config.configPath}.` : undefined;
      return { kind: 'connected', title: `Connected to OpenClaw ${state.serverVersion}`, detail, actions: [] };
    }
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((state.nextAttemptAt - now) / 1000));
      const what = { unreachable: 'Gateway unreachable', restarting: 'Gateway restarting', silent: 'Gateway not responding', closed: 'Connection lost' }[
        state.cause
      ];
      const reason = `${state.reason.charAt(0).toUpperCase()}${state.reason.slice(1)}.`;
      return {
        kind: 'reconnecting',
        title: seconds > 0 ? `${what} — reconnecting in ${seconds} s` : `${what} — reconnecting…`,
        detail: state.cause === 'unreachable' ? `${reason} Is the gateway running? Start it with "openclaw gateway run".` : reason,
        actions: [
          { id: 'reconnect', label: 'Retry now' },
          { id: 'showLog', label: 'Show Log' },
        ],
      };
    }
    case 'failed':
      return failedView(state, config);
    case 'closed':
      return { kind: 'closed', title: 'Disconnected', actions: [{ id: 'reconnect', label: 'Connect' }] };
  }
}

/**
 * Connected, but what the agent waits for cannot reach VS Code: the gateway did not grant the scope
 * (so a command that needs approval is denied at once, and a question waits for nobody), or it is
 * too old to send approvals. Undefined when both reach it. A gateway without questions at all
 * (2026.4.27) has no agent that asks any: nothing to say.
 */
export function limitedView(serverVersion: string, route: ApprovalRoute): ConnectionView | undefined {
  const missing = [route.approvals === 'missing-scope' && 'operator.approvals', route.questions === 'missing-scope' && 'operator.questions'].filter(
    (scope): scope is string => !!scope,
  );
  if (missing.length) {
    const what = route.approvals === 'missing-scope' ? "approve the agent's commands" : "answer the agent's questions";
    return {
      kind: 'limited',
      title: `Connected, but VS Code cannot ${what}`,
      detail: `The gateway did not grant this VS Code ${missing.join(' and ')}, so it sends it nothing to decide: commands that need approval are denied and questions go unanswered. Set the gateway's token with ${SET_TOKEN} (on this computer the gateway then grants them), or approve this device's new permissions on the gateway host ("openclaw devices list", "openclaw devices approve <requestId>"), then reconnect.`,
      actions: [
        { id: 'setToken', label: 'Set Token' },
        { id: 'reconnect', label: 'Reconnect' },
      ],
    };
  }
  if (route.approvals === 'unsupported') {
    return {
      kind: 'limited',
      title: "Connected, but VS Code cannot approve the agent's commands",
      detail: `OpenClaw ${serverVersion} does not send exec approvals to editors: commands that need approval wait for another client or are denied. Update OpenClaw on the gateway host, then reconnect.`,
      actions: [{ id: 'reconnect', label: 'Reconnect' }],
    };
  }
  return undefined;
}

function failedView(state: Extract<ConnectionState, { kind: 'failed' }>, config: ConfigInfo): ConnectionView {
  if (state.reason === 'scope-upgrade') {
    return {
      kind: 'failed',
      title: 'Approve the new permissions',
      detail: state.message,
      actions: [
        { id: 'setToken', label: 'Set Token' },
        { id: 'reconnect', label: 'Reconnect' },
      ],
    };
  }
  if ((state.reason === 'auth-required' || state.reason === 'auth-token-mismatch') && config.tokenSource === 'none') {
    const where = config.origin ? `No token is set for the gateway at ${config.origin}.` : 'No token is set for this gateway.';
    return {
      kind: 'unconfigured',
      title: 'Set your gateway token',
      detail: `${config.configProblem ? `${config.configProblem} ` : ''}${where} Run ${SET_TOKEN} and paste its token (gateway.auth.token in that gateway's openclaw.json).`,
      actions: [{ id: 'setToken', label: 'Set Token' }],
    };
  }
  switch (state.action) {
    case 'set-token':
      return {
        kind: 'failed',
        title: 'Wrong gateway token',
        detail: `${tokenOrigin(config)} was refused by the gateway (${state.code ?? state.reason}). Set the right one with ${SET_TOKEN}.`,
        actions: [
          { id: 'setToken', label: 'Set Token' },
          { id: 'showLog', label: 'Show Log' },
        ],
      };
    case 'approve-pairing': {
      // The client asks again by itself (retryAt); "I Approved It" asks at once.
      const waiting = state.retryAt ? ' Waiting for the approval: this chat continues by itself once it is given.' : '';
      return {
        kind: 'failed',
        title: /new permissions/.test(state.message) ? 'Approve the new permissions' : 'Pairing required',
        detail: `${state.message}${waiting}`,
        actions: [
          { id: 'approvePairing', label: 'Copy Approve Command' },
          { id: 'reconnect', label: state.retryAt ? 'I Approved It' : 'Reconnect' },
        ],
      };
    }
    case 'trust-certificate':
      return {
        kind: 'failed',
        title: "Trust this gateway's certificate?",
        detail: state.message,
        actions: [
          { id: 'trustCertificate', label: 'Trust Certificate…' },
          { id: 'openSettings', label: 'Open Settings' },
        ],
      };
    case 'check-url': {
      const titles: Partial<Record<typeof state.reason, string>> = {
        tls: 'Secure connection failed',
        'tls-pin-mismatch': "The gateway's certificate changed",
        'insecure-url': 'Use wss:// for a remote gateway',
      };
      return {
        kind: 'failed',
        title: titles[state.reason] ?? 'Bad gateway URL',
        detail: state.message,
        actions: [
          { id: 'openSettings', label: 'Open Settings' },
          { id: 'reconnect', label: 'Retry' },
        ],
      };
    }
    case 'update':
      return {
        kind: 'failed',
        title: state.reason === 'bad-hello' ? 'Gateway not supported' : 'Update needed',
        detail: state.message,
        actions: [
          { id: 'reconnect', label: 'Reconnect' },
          { id: 'showLog', label: 'Show Log' },
        ],
      };
    default:
      return {
        kind: 'failed',
        title: 'Cannot connect to the gateway',
        detail: state.message,
        actions: [
          { id: 'reconnect', label: 'Reconnect' },
          { id: 'showLog', label: 'Show Log' },
        ],
      };
  }
}
