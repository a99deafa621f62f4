/**
 * The shapes every part of the gateway client shares: its options and the events it emits. In a
 * module of their own, importing no part, so that the parts (connection, handshake credentials,
 * turns) need not import each other, or the client above them, for a type.
 */

import type { AgentEventPayload, EventFrame } from '../protocol/gateway';
import type { BackoffOptions } from './backoff';
import type { ConnectionState } from './connection-state';
import type { CredentialStore } from './credential-store';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface GatewayClientOptions {
  url: string;
  /** The shared gateway token (gateway.auth.token). Without one, a stored device token is used. */
  token?: string;
  /** Keeps the device key and device tokens (secrets). */
  store: CredentialStore;
  /** The extension's version, sent as `client.version`. */
  clientVersion: string;
  platform?: string;
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** How often a connection waiting for its pairing to be approved asks again (PAIRING_RETRY_MS; tests). */
  pairingRetryMs?: number;
  /** Overrides the gateway's `policy.tickIntervalMs` for the watchdog (tests). */
  tickIntervalMs?: number;
  log?: (level: LogLevel, message: string) => void;
  /** Sees every frame in and out, with every secret redacted. Costs a deep copy per frame: off by default. */
  trace?: (direction: 'in' | 'out', frame: unknown) => void;
}

/** Why consumers should reload history: events may have been missed. */
export interface ResyncNotice {
  reason: 'reconnected' | 'frame-gap' | 'run-gap';
  sessionKey?: string;
  runId?: string;
}

/** What the client emits. The emitter belongs to GatewayClient, which hands it to its parts. */
export interface GatewayEvents {
  state: [ConnectionState];
  /** Every event frame but `agent`. */
  event: [EventFrame];
  /** Every `agent` event of every run, checked (most listeners want one run's: runTurn). */
  agentEvent: [AgentEventPayload];
  resync: [ResyncNotice];
  sessionsChanged: [unknown];
}
