/** How the connection state reads to a person, in the chat banner and the status bar. Pure. */
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

export function connectionView(state: ConnectionState, config: ConfigInfo, now = Date.now()): ConnectionView {
  switch (state.kind) {
    case 'idle':
    case 'connecting':
      return { kind: 'connecting', title: 'Connecting to the OpenClaw gateway…', detail: state.kind === 'connecting' ? state.url : undefined, actions: [] };
    case 'connected': {
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

function failedView(state: Extract<ConnectionState, { kind: 'failed' }>, config: ConfigInfo): ConnectionView {
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
    case 'approve-pairing':
      return {
        kind: 'failed',
        title: 'Pairing required',
        detail: state.message,
        actions: [
          { id: 'approvePairing', label: 'Copy Approve Command' },
          { id: 'reconnect', label: 'Reconnect' },
        ],
      };
    case 'check-url': {
      const titles: Partial<Record<typeof state.reason, string>> = { tls: 'Secure connection failed', 'insecure-url': 'Use wss:// for a remote gateway' };
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
