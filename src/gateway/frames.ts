import type { AgentEventPayload, ErrorShape, EventFrame, GatewayFrame, ResponseFrame } from '../protocol/gateway';

/** Incoming frames above this size are refused before parsing (the gateway's own maxPayload is 25 MiB). */
export const MAX_INCOMING_FRAME_BYTES = 32 * 1024 * 1024;

export type ParsedFrame =
  | { ok: true; frame: GatewayFrame }
  | { ok: false; problem: string };

/**
 * Parses and checks one incoming text frame at the edge. Never throws: a malformed frame comes back
 * as a `problem` naming what is wrong, so the client can log it and drop it. Unknown extra fields
 * (the gateway adds `recipientProfileId`, for one) are kept, not refused.
 */
export function parseFrame(text: string): ParsedFrame {
  if (text.length > MAX_INCOMING_FRAME_BYTES) return { ok: false, problem: `frame too large (${text.length} bytes)` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'frame is not JSON' };
  }
  if (!isRecord(value)) return { ok: false, problem: 'frame is not an object' };
  switch (value.type) {
    case 'res':
      return checkResponse(value);
    case 'event':
      return checkEvent(value);
    case 'req':
      return { ok: false, problem: 'unexpected request frame from the gateway' };
    default:
      return { ok: false, problem: `unknown frame type ${JSON.stringify(String(value.type)).slice(0, 40)}` };
  }
}

function checkResponse(value: Record<string, unknown>): ParsedFrame {
  if (typeof value.id !== 'string' || value.id === '') return { ok: false, problem: 'res without a string id' };
  if (typeof value.ok !== 'boolean') return { ok: false, problem: 'res without a boolean ok' };
  if (!value.ok) {
    const error = value.error;
    if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
      return { ok: false, problem: 'error res without error.code and error.message' };
    }
    const shape: ErrorShape = { code: error.code, message: error.message, details: error.details };
    if (typeof error.retryable === 'boolean') shape.retryable = error.retryable;
    if (typeof error.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0) {
      shape.retryAfterMs = error.retryAfterMs;
    }
    const frame: ResponseFrame = { type: 'res', id: value.id, ok: false, error: shape };
    return { ok: true, frame };
  }
  return { ok: true, frame: { type: 'res', id: value.id, ok: true, payload: value.payload } };
}

function checkEvent(value: Record<string, unknown>): ParsedFrame {
  if (typeof value.event !== 'string' || value.event === '') return { ok: false, problem: 'event without a name' };
  const frame: EventFrame = { type: 'event', event: value.event, payload: value.payload };
  if (value.seq !== undefined) {
    if (!isSeq(value.seq)) return { ok: false, problem: `event ${value.event} with a bad seq` };
    frame.seq = value.seq;
  }
  return { ok: true, frame };
}

/** Checks an `agent` event payload; returns it typed or a problem. */
export function checkAgentPayload(payload: unknown): { ok: true; value: AgentEventPayload } | { ok: false; problem: string } {
  if (!isRecord(payload)) return { ok: false, problem: 'agent event without a payload object' };
  if (typeof payload.runId !== 'string' || payload.runId === '') return { ok: false, problem: 'agent event without runId' };
  if (typeof payload.stream !== 'string') return { ok: false, problem: 'agent event without stream' };
  if (!isSeq(payload.seq)) return { ok: false, problem: 'agent event without a numeric seq' };
  if (payload.sessionKey !== undefined && typeof payload.sessionKey !== 'string') {
    return { ok: false, problem: 'agent event with a non-string sessionKey' };
  }
  const data = isRecord(payload.data) ? payload.data : {};
  return {
    ok: true,
    value: {
      runId: payload.runId,
      sessionKey: payload.sessionKey as string | undefined,
      stream: payload.stream,
      data,
      seq: payload.seq,
      ts: typeof payload.ts === 'number' ? payload.ts : undefined,
    },
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reads an optional string field of an untrusted object. */
export function str(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
