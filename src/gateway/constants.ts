/** Numbers and names of the gateway client, in one place. */

export const DEFAULT_GATEWAY_URL = 'ws://127.0.0.1:18789';
export const DEFAULT_GATEWAY_PORT = 18789;

/** The client id and mode the real gateway accepts from a Node UI client with a signed device. */
export const CLIENT_ID = 'gateway-client';
export const CLIENT_MODE = 'ui';
export const ROLE = 'operator';
/** Lets this client see and decide the agent's exec approvals (`exec.approval.*`, `approval.*`). */
export const APPROVALS_SCOPE = 'operator.approvals';
/** Lets this client see and answer the agent's `ask_user` questions (`question.*`). */
export const QUESTIONS_SCOPE = 'operator.questions';
export const SCOPES = ['operator.read', 'operator.write', 'operator.admin', APPROVALS_SCOPE, QUESTIONS_SCOPE] as const;
/**
 * Without `tool-events` the gateway silently withholds `tool` stream events; without
 * `exec-approvals` it routes no approval to this client, and a run that needs one is denied at once
 * (`no-route`) unless another client is an approval route.
 */
export const CAPS = ['tool-events', 'exec-approvals'] as const;

export const HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * While a pairing (or scope upgrade) waits for a person to approve it on the gateway host, the
 * client asks again this often: soon enough to feel immediate, rare enough not to flood the
 * gateway's pending list or its log. "I approved it" asks at once.
 */
export const PAIRING_RETRY_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** The `agent` request's final `res` comes when the turn ends, so it gets a long timeout of its own. */
export const TURN_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_TICK_INTERVAL_MS = 30_000;

export const BACKOFF_INITIAL_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
export const BACKOFF_JITTER = 0.25;
/** While a gateway restart is known to be under way, it is probed this often... */
export const RESTART_PROBE_MS = 1_000;
/** ...for up to this long; after that, the usual backoff. */
export const RESTART_PROBE_WINDOW_MS = 120_000;

/** Close codes. 4000 is ours: the watchdog saw nothing for two tick intervals. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_SERVICE_RESTART = 1012;
/** Reported by ws when the connection dropped without a close frame (a crash, a cut network). */
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_WATCHDOG = 4000;

/** Keys in the credential store. Tokens are per gateway origin (gateway-url.ts), never shared between gateways. */
export const STORE_DEVICE_KEY = 'openclaw.device.privateKey';
export const storeDeviceTokenKey = (origin: string): string => `openclaw.deviceToken:${origin}`;
/** The SHA-256 certificate fingerprint a person trusted for one `wss://` gateway (tls-trust.ts). */
export const storeTlsPinKey = (origin: string): string => `openclaw.tlsPin:${origin}`;
/** The shared token a person set with "Set Gateway Token" for one gateway. */
export const storeGatewayTokenKey = (origin: string): string => `openclaw.gatewayToken:${origin}`;

/** A retry the gateway asks for is honoured up to this long; beyond it, the backoff's cap applies. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** A retryable refusal waits at least this long, whatever `retryAfterMs` says, so it cannot spin. */
export const MIN_RETRY_WAIT_MS = 500;
/** How often one turn is sent again after its connection closed before the gateway took it. */
export const MAX_TURN_RESENDS = 5;
/** How often one turn is sent again after a retryable refusal (a draining gateway answers ~15 of them). */
export const MAX_TURN_RETRIES = 60;
/** The request size limit when hello-ok names none: the gateway's own default. */
export const DEFAULT_MAX_PAYLOAD = 25 * 1024 * 1024;
