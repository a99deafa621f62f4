/**
 * Wire types of the OpenClaw Gateway protocol (versions 3 and 4), as observed from `openclaw@2026.9.6`
 * and `openclaw@2026.4.27`. Only the parts a chat client uses are typed; everything else passes through
 * as `unknown`. This module imports only schema.ts: it is shared by the host, the tests and the benchmarks.
 */
import { array, literal, number, object, optional, string, type Infer } from './schema';

/** Lowest and highest protocol versions this client speaks. Gateways before 2026.5.7 speak 3. */
export const MIN_PROTOCOL = 3;
export const MAX_PROTOCOL = 4;

export interface RequestFrame {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

export interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface ResponseFrame {
  type: 'res';
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: ErrorShape;
}

export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  /** Counts per connection, restarting at 1 on a new connection. */
  seq?: number;
  stateVersion?: { presence: number; health: number };
}

export type GatewayFrame = RequestFrame | ResponseFrame | EventFrame;

export interface ConnectChallenge {
  nonce: string;
  ts: number;
}

export interface ClientInfo {
  /** A closed enum on the gateway: `gateway-client` with mode `ui` is the one a Node UI client may use. */
  id: 'gateway-client';
  version: string;
  platform: string;
  mode: 'ui';
  deviceFamily?: string;
}

export interface DeviceProof {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

export interface ConnectAuth {
  token?: string;
  deviceToken?: string;
}

export interface ConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: ClientInfo;
  role: 'operator';
  scopes: string[];
  caps: string[];
  auth: ConnectAuth;
  locale?: string;
  userAgent?: string;
  device: DeviceProof;
}

/**
 * What an operator may answer an exec approval, in the gateway's words and in the order a card
 * offers them. The gateway says per approval which of them it allows (`allowedDecisions`; `deny`
 * always). Shared with the webview contract, whose approval cards offer exactly these.
 */
export const APPROVAL_DECISIONS = ['allow-once', 'allow-always', 'deny'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** `hello-ok.policy.tickIntervalMs` is honoured within these bounds (a gateway could say 0, or a year). */
export const MIN_TICK_INTERVAL_MS = 1_000;
export const MAX_TICK_INTERVAL_MS = 10 * 60_000;

/**
 * `hello-ok`, the gateway's answer to `connect`, checked field by field: every field the client reads
 * has a type and a range here, and a gateway whose answer does not fit gets a clear failed state
 * instead of a client that misbehaves on, say, a tick interval of 0. Unknown fields pass through.
 */
export const HelloOkSchema = object({
  type: literal('hello-ok'),
  protocol: number({ min: MIN_PROTOCOL, max: MAX_PROTOCOL, integer: true }),
  server: object({ version: string({ min: 1, max: 200 }), connId: optional(string()), bootId: optional(string()) }),
  features: optional(object({ methods: optional(array(string(), { max: 100_000 })), events: optional(array(string(), { max: 100_000 })) })),
  snapshot: optional(object({ sessionDefaults: optional(object({ mainSessionKey: optional(string({ min: 1, max: 1_000 })) })) })),
  auth: optional(
    object({
      method: optional(string()),
      role: optional(string()),
      scopes: optional(array(string(), { max: 1_000 })),
      deviceToken: optional(string({ min: 1, max: 10_000 })),
      issuedAtMs: optional(number()),
    }),
  ),
  policy: optional(
    object({
      maxPayload: optional(number({ min: 1, integer: true })),
      maxBufferedBytes: optional(number({ min: 0 })),
      tickIntervalMs: optional(number({ min: 1 })),
      attachments: optional(object({ maxBytes: optional(number({ min: 0 })), maxImageBytes: optional(number({ min: 0 })) })),
    }),
  ),
});
export type HelloOk = Infer<typeof HelloOkSchema>;

/** `agent` event payload: one per step of a run, for every run on the gateway. */
export interface AgentEventPayload {
  runId: string;
  sessionKey?: string;
  stream: string;
  data: Record<string, unknown>;
  /** Per run. Not contiguous on the real gateway: numbers are shared with events this connection never sees. */
  seq: number;
  ts?: number;
}

/**
 * A file sent with a message (`agent` and `chat.send` take the same objects). `agent` takes images
 * only, and only for a model whose `input` includes `image`; `content` is base64.
 */
export interface MessageAttachment {
  type: 'image' | 'file';
  mimeType: string;
  fileName: string;
  content: string;
}

/** How `chat.send` treats a message that arrives while a run of its session is going. */
export type QueueMode = 'steer' | 'followup' | 'collect' | 'interrupt';

/** One row of `sessions.list` (fields of the wrong type are dropped when read: payloads.ts). */
export interface SessionRow {
  key: string;
  /** The gateway's id of the session's current transcript; lifecycle patches (archive) must name it. */
  sessionId?: string;
  label?: string;
  displayName?: string;
  derivedTitle?: string;
  updatedAt?: number;
  model?: string;
  modelProvider?: string;
  archived?: boolean;
  pinned?: boolean;
  pinnedAt?: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Where the gateway knows the model's prices (0 for a free or unpriced model). */
  estimatedCostUsd?: number;
  [other: string]: unknown;
}

/** One row of `chat.history`. Assistant content is an array of parts; user content is a string. */
export interface HistoryMessage {
  role: string;
  content: unknown;
  timestamp?: number;
  idempotencyKey?: string;
  stopReason?: string;
  toolCallId?: string;
  toolName?: string;
  isError?: boolean;
  /** `seq` is the row's place in the session's history (1 = oldest); `id` names it for fork, rewind and search. */
  __openclaw?: { id?: string; seq?: number; runId?: string; kind?: string };
  [other: string]: unknown;
}

export interface ChatHistoryResult {
  sessionKey?: string;
  /** The gateway's id of the transcript the rows are from (a rewind or reset may start a new one). */
  sessionId?: string;
  messages: HistoryMessage[];
  hasMore?: boolean;
  totalMessages?: number;
  /** Where the next older page starts, counted from the newest end (`chat.history {offset}`). */
  nextOffset?: number;
}

export interface SessionsDeleteResult {
  ok?: boolean;
  key?: string;
  deleted: boolean;
  archived?: string[];
}

/**
 * What `sessions.patch` may change here: a name (null clears it), pinned, archived, the model and
 * the thinking level (null: back to the gateway's default).
 */
export interface SessionPatch {
  label?: string | null;
  pinned?: boolean;
  archived?: boolean;
  model?: string | null;
  thinkingLevel?: string | null;
}

/** One hit of `sessions.search`: `messageId` is the row's `__openclaw.id`. */
export const SearchHitSchema = object({
  sessionKey: string({ min: 1 }),
  sessionId: optional(string()),
  messageId: string({ min: 1 }),
  role: literal('user', 'assistant'),
  timestamp: optional(number()),
  snippet: string(),
  score: optional(number()),
});
export type SearchHit = Infer<typeof SearchHitSchema>;

/** Token and cost totals over a period (`sessions.usage` / `usage.cost`). */
export interface UsageTotals {
  input: number;
  output: number;
  totalTokens: number;
  /** In US dollars; 0 where the gateway knows no prices. */
  totalCost: number;
  /** Entries the gateway could not price: the cost is a lower bound when this is not 0. */
  missingCostEntries: number;
}

export interface UsageSummary {
  startDate?: string;
  endDate?: string;
  totals: UsageTotals;
  sessions: number;
  messages?: number;
  /** `refreshing` right after turns: the figures may not include the newest ones yet. */
  cacheStatus?: string;
}
