/** How the connection state reads to a person, in the chat banner and the status bar. Pure. */
import type { ConnectionState } from '../gateway/connection-state';
import type { TokenSource } from '../gateway/discovery';
import type { ConnectionView } from '../protocol/webview';

export interface ConfigInfo {
  tokenSource: TokenSource;
  configPath?: string;
  configProblem?: string;
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
      return {
        kind: 'reconnecting',
        title: seconds > 0 ? `Gateway unreachable — reconnecting in ${seconds} s` : 'Reconnecting to the gateway…',
        detail: `${state.reason}. Is the gateway running? Start it with "openclaw gateway run".`,
        actions: [{ id: 'reconnect', label: 'Retry now' }, { id: 'showLog', label: 'Show Log' }],
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
    const where = config.configProblem ?? 'No token was found in settings, OPENCLAW_GATEWAY_TOKEN or ~/.openclaw/openclaw.json.';
    return {
      kind: 'unconfigured',
      title: 'Set your gateway token',
      detail: `${where} Paste the gateway's token (gateway.auth.token in its openclaw.json).`,
      actions: [{ id: 'setToken', label: 'Set Token' }],
    };
  }
  switch (state.action) {
    case 'set-token':
      return { kind: 'failed', title: 'Wrong gateway token', detail: state.message, actions: [{ id: 'setToken', label: 'Set Token' }, { id: 'showLog', label: 'Show Log' }] };
    case 'approve-pairing':
      return { kind: 'failed', title: 'Pairing required', detail: state.message, actions: [{ id: 'approvePairing', label: 'Copy Approve Command' }, { id: 'reconnect', label: 'Reconnect' }] };
    case 'check-url':
      return { kind: 'failed', title: state.reason === 'tls' ? 'Secure connection failed' : 'Bad gateway URL', detail: state.message, actions: [{ id: 'openSettings', label: 'Open Settings' }, { id: 'reconnect', label: 'Retry' }] };
    default:
      return { kind: 'failed', title: 'Cannot connect to the gateway', detail: state.message, actions: [{ id: 'reconnect', label: 'Reconnect' }, { id: 'showLog', label: 'Show Log' }] };
  }
}
