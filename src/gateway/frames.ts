import type { AgentEventPayload, ErrorShape, EventFrame, GatewayFrame, ResponseFrame } from '../protocol/gateway';
import { isRecord } from '../protocol/schema';
import { MAX_RETRY_AFTER_MS } from './constants';

/** Incoming frames above this size are refused before parsing (the gateway's own maxPayload is 25 MiB). */
export const MAX_INCOMING_FRAME_BYTES = 32 * 1024 * 1024;

/** What is wrong with a frame that was dropped. Only made for bad frames, so the good ones cost nothing. */
export class FrameProblem {
  constructor(readonly problem: string) {}
}

/**
 * Parses and checks one incoming text frame at the edge. Never throws: a malformed frame comes back
 * as a `FrameProblem` naming what is wrong, so the client can log it and drop it. A good frame is
 * the parsed object itself, checked in place rather than copied (this runs for every streamed
 * event; BENCHMARKS.md, 1). Unknown extra fields (the gateway adds `recipientProfileId`, for one)
 * are kept, not refused.
 */
export function parseFrame(text: string): GatewayFrame | FrameProblem {
  if (text.length > MAX_INCOMING_FRAME_BYTES) return new FrameProblem(`frame too large (${text.length} bytes)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new FrameProblem('frame is not JSON');
  }
  if (!isRecord(value)) return new FrameProblem('frame is not an object');
  switch (value.type) {
    case 'res':
      return checkResponse(value);
    case 'event':
      return checkEvent(value);
    case 'req':
      return new FrameProblem('unexpected request frame from the gateway');
    default:
      return new FrameProblem(`unknown frame type ${JSON.stringify(String(value.type)).slice(0, 40)}`);
  }
}

function checkResponse(value: Record<string, unknown>): ResponseFrame | FrameProblem {
  if (typeof value.id !== 'string' || value.id === '') return new FrameProblem('res without a string id');
  if (typeof value.ok !== 'boolean') return new FrameProblem('res without a boolean ok');
  if (value.ok) return value as unknown as ResponseFrame;
  const error = value.error;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return new FrameProblem('error res without error.code and error.message');
  }
  // Errors are rare and their fields drive retries: keep only what is well-formed.
  const shape: ErrorShape = { code: error.code, message: error.message, details: error.details };
  if (typeof error.retryable === 'boolean') shape.retryable = error.retryable;
  if (typeof error.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0) {
    // Capped: past 2^31 ms Node fires a timer after 1 ms, and a day-long wait is no better.
    shape.retryAfterMs = Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
  }
  return { type: 'res', id: value.id, ok: false, error: shape };
}

function checkEvent(value: Record<string, unknown>): EventFrame | FrameProblem {
  if (typeof value.event !== 'string' || value.event === '') return new FrameProblem('event without a name');
  if (value.seq !== undefined && !isSeq(value.seq)) return new FrameProblem(`event ${value.event} with a bad seq`);
  return value as unknown as EventFrame;
}

/**
 * Checks an `agent` event payload in place; returns it typed, or what is wrong. A missing or
 * malformed `data` becomes `{}`, a malformed `ts` is removed.
 */
export function checkAgentPayload(payload: unknown): AgentEventPayload | FrameProblem {
  if (!isRecord(payload)) return new FrameProblem('agent event without a payload object');
  if (typeof payload.runId !== 'string' || payload.runId === '') return new FrameProblem('agent event without runId');
  if (typeof payload.stream !== 'string') return new FrameProblem('agent event without stream');
  if (!isSeq(payload.seq)) return new FrameProblem('agent event without a numeric seq');
  if (payload.sessionKey !== undefined && typeof payload.sessionKey !== 'string') {
    return new FrameProblem('agent event with a non-string sessionKey');
  }
  if (!isRecord(payload.data)) payload.data = {};
  if (payload.ts !== undefined && typeof payload.ts !== 'number') delete payload.ts;
  return payload as unknown as AgentEventPayload;
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
