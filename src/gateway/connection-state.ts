import { str } from '../protocol/schema';
import { APPROVALS_SCOPE, QUESTIONS_SCOPE } from './constants';
import type { GatewayRequestError } from './errors';

const NEW_SCOPES = `${APPROVALS_SCOPE}, ${QUESTIONS_SCOPE}`;

/** Why the client stopped trying: each needs a person to do something. */
export type FailureReason =
  | 'auth-token-mismatch'
  | 'auth-required'
  | 'pairing-required'
  | 'scope-upgrade'
  | 'protocol-mismatch'
  | 'device-auth'
  | 'scope-denied'
  | 'bad-url'
  | 'insecure-url'
  | 'bad-hello'
  | 'tls'
  | 'tls-untrusted'
  | 'tls-pin-mismatch'
  | 'rejected';

/** The one thing a person should do about a failure. */
export type FailureAction = 'set-token' | 'approve-pairing' | 'trust-certificate' | 'update' | 'check-clock' | 'check-url' | 'reconnect';

/** Why the client is waiting to connect again: the banner words it differently for each. */
export type ReconnectCause = 'unreachable' | 'restarting' | 'silent' | 'closed';

export type ConnectionState =
  | { kind: 'idle' }
  | { kind: 'connecting'; url: string; attempt: number }
  | {
      kind: 'connected';
      url: string;
      serverVersion: string;
      protocol: number;
      connId?: string;
      scopes: string[];
      mainSessionKey: string;
    }
  | { kind: 'reconnecting'; url: string; attempt: number; delayMs: number; nextAttemptAt: number; reason: string; cause: ReconnectCause }
  | {
      kind: 'failed';
      url: string;
      reason: FailureReason;
      /** A sentence for a person: what failed and what to do. */
      message: string;
      action: FailureAction;
      code?: string;
      /** For `pairing-required`: the pending request to approve. */
      requestId?: string;
      /** For `pairing-required`: when the client asks again by itself (it waits for the approval). */
      retryAt?: number;
      /** For `tls-untrusted` and `tls-pin-mismatch`: the SHA-256 fingerprint the gateway presented. */
      fingerprint?: string;
    }
  | { kind: 'closed' };

export type FailedState = Extract<ConnectionState, { kind: 'failed' }>;

/**
 * Sorts a handshake error: a failure a person must fix (no retry loop), or undefined when
 * retrying later may help.
 */
export function classifyHandshakeError(url: string, error: GatewayRequestError): FailedState | undefined {
  const code = error.detailCode;
  const base = { kind: 'failed' as const, url, code };
  if (code === 'AUTH_TOKEN_MISMATCH') {
    return {
      ...base,
      reason: 'auth-token-mismatch',
      action: 'set-token',
      message: `The gateway at ${url} rejected the token (AUTH_TOKEN_MISMATCH). Set the right token with "OpenClaw: Set Gateway Token"; it is gateway.auth.token in the gateway's openclaw.json.`,
    };
  }
  if (code === 'PAIRING_REQUIRED' || error.code === 'NOT_PAIRED') {
    const requestId = str(error.details, 'requestId');
    if (code === 'DEVICE_IDENTITY_REQUIRED') {
      return { ...base, reason: 'device-auth', action: 'reconnect', message: `The gateway requires a device identity: ${error.message}.` };
    }
    const approve = requestId
      ? `Approve request ${requestId}: run "openclaw devices approve ${requestId}" on the gateway host, or approve it in the OpenClaw app, then reconnect.`
      : 'Approve this device in the OpenClaw app or with "openclaw devices list" / "openclaw devices approve", then reconnect.';
    // A remote gateway asks a person to approve a paired device's wider scopes the same way.
    const why =
      str(error.details, 'reason') === 'scope-upgrade'
        ? `This VS Code is paired with the gateway, which must approve its new permissions first (${NEW_SCOPES}: approving the agent's commands and answering its questions).`
        : 'This VS Code needs to be paired with the gateway.';
    return {
      ...base,
      reason: 'pairing-required',
      action: 'approve-pairing',
      requestId,
      message: `${why} ${approve}`,
    };
  }
  if (code === 'AUTH_SCOPE_MISMATCH') {
    return {
      ...base,
      reason: 'scope-upgrade',
      action: 'set-token',
      message: `This VS Code was paired with the gateway at ${url} before it asked for the permissions to approve the agent's commands and answer its questions (${NEW_SCOPES}), and its device token cannot widen them. Set the gateway's token with "OpenClaw: Set Gateway Token" (gateway.auth.token in its openclaw.json): the gateway then grants them itself on this computer. On a remote gateway, approve the upgrade with "openclaw devices list" and "openclaw devices approve <requestId>", then reconnect.`,
    };
  }
  if (code === 'PROTOCOL_MISMATCH') {
    return {
      ...base,
      reason: 'protocol-mismatch',
      action: 'update',
      message: `The gateway at ${url} speaks a protocol this extension does not (it supports 3 to 4). Update the extension or the gateway.`,
    };
  }
  if (code === 'DEVICE_AUTH_SIGNATURE_EXPIRED') {
    return {
      ...base,
      reason: 'device-auth',
      action: 'check-clock',
      message: "The gateway refused the device signature as expired: this computer's clock and the gateway's differ. Fix the clock, then reconnect.",
    };
  }
  if (code.startsWith('DEVICE_AUTH_')) {
    return {
      ...base,
      reason: 'device-auth',
      action: 'reconnect',
      message: `The gateway refused this device (${code}: ${error.message}). Reconnect; if it persists, run "OpenClaw: Clear Credentials".`,
    };
  }
  if (code.startsWith('AUTH_') || /unauthori[sz]ed|token required|token missing/i.test(error.message)) {
    return {
      ...base,
      reason: 'auth-required',
      action: 'set-token',
      message: `The gateway at ${url} needs a token (${code}). Set it with "OpenClaw: Set Gateway Token".`,
    };
  }
  if (error.retryable) return undefined;
  return { ...base, reason: 'rejected', action: 'reconnect', message: `The gateway refused the connection: ${error.message} (${code}).` };
}

/** Error codes of a TLS handshake that will not fix itself by retrying. */
const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(GET|VERIFY)_)/;

/**
 * Sorts an error of the socket itself (before any frame): a failure a person must fix, or a
 * sentence saying why the client keeps retrying.
 */
export function classifyTransportError(url: string, error: Error & { code?: string }): FailedState | { retry: string } {
  const code = error.code ?? '';
  if (TLS_CODES.test(code) || /SSL|TLS|certificate/i.test(error.message)) {
    const plain = /wrong version number|packet length too long|http request/i.test(error.message);
    const hint = plain
      ? 'The server at that address does not speak TLS: use ws:// instead of wss:// in openclaw.gatewayUrl.'
      : 'Check the certificate (a self-signed one must be trusted by this computer) or use the URL the gateway really serves.';
    // OpenSSL's text ("write EPROTO 80AC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…") shrinks to its reason.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message.trim();
    return {
      kind: 'failed',
      url,
      reason: 'tls',
      action: 'check-url',
      code: code || undefined,
      message: `The secure (TLS) connection to ${url} failed (${reason}). ${hint}`,
    };
  }
  if (code === 'ECONNREFUSED') return { retry: `nothing is listening at ${url} (connection refused)` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { retry: `cannot find the host of ${url} (${code}): check openclaw.gatewayUrl` };
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { retry: `cannot reach ${url} (${code})` };
  return { retry: `cannot reach the gateway at ${url}: ${error.message}` };
}

/** An HTTP answer to the WebSocket upgrade: 503 is a gateway draining for a restart, the rest a wrong URL. */
export function classifyUpgradeStatus(url: string, status: number): FailedState | { retry: string } {
  if (status === 503) return { retry: `the gateway at ${url} is restarting (HTTP 503)` };
  return {
    kind: 'failed',
    url,
    reason: 'bad-url',
    action: 'check-url',
    code: `HTTP_${status}`,
    message: `${url} answered HTTP ${status} instead of opening a WebSocket: it is not an OpenClaw gateway. Check openclaw.gatewayUrl (a local gateway listens on ws://127.0.0.1:18789).`,
  };
}

/** A one-line description of a state, for the log and the status bar tooltip. */
export function describeState(state: ConnectionState): string {
  switch (state.kind) {
    case 'idle':
      return 'not started';
    case 'connecting':
      return `connecting to ${state.url}`;
    case 'connected':
      return `connected to OpenClaw ${state.serverVersion} (protocol ${state.protocol}) at ${state.url}`;
    case 'reconnecting':
      return `reconnecting in ${Math.ceil(state.delayMs / 1000)} s (attempt ${state.attempt}): ${state.reason}`;
    case 'failed':
      return `failed: ${state.message}`;
    case 'closed':
      return 'closed';
  }
}
