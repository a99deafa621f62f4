/**
 * The `agent` event payloads of one long tool-using run, built from real frames of
 * openclaw@2026.9.6 (fixtures/agent-run.json): run_status and lifecycle events, assistant items
 * streamed as 20-60 character deltas that carry the item's cumulative `text` (as the gateway sends
 * them), usage, and tool calls (item start, tool start and result with the gateway's full `session`
 * object, item end, lifecycle model). Only the texts, ids, seq and ts differ from the recording.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deltas, markdown } from './corpus';
import { FIXTURES } from './paths';
import { between, rng } from './random';

type Payload = Record<string, unknown> & { data: Record<string, unknown> };

const RECORDED_RUN = 'idem-mwpxutlz-86';
const RECORDED_SESSION = 'agent:main:probe-tool';

function templates(): Payload[] {
  const doc = JSON.parse(readFileSync(path.join(FIXTURES, 'agent-run.json'), 'utf8')) as { frames: Array<{ payload: Payload }> };
  return doc.frames.map((frame) => frame.payload);
}

/** Deep copy with the recorded run id and session key replaced. */
function retarget<T>(value: T, runId: string, sessionKey: string): T {
  return JSON.parse(JSON.stringify(value).split(RECORDED_RUN).join(runId).split(RECORDED_SESSION).join(sessionKey)) as T;
}

export interface AgentStream {
  /** JSON of each event's payload, in order (the frame envelope and its seq are added when sent). */
  payloads: string[];
  /** Bytes of all payloads. */
  bytes: number;
  /** How many of the events are assistant deltas, tool events, other. */
  mix: { assistant: number; tool: number; other: number };
}

/** Exactly `events` payloads for run `runId` of session `sessionKey`. */
export function buildAgentStream(events: number, runId: string, sessionKey: string): AgentStream {
  const t = templates().map((p) => retarget(p, runId, sessionKey));
  const prologue = t.slice(0, 5);
  const assistant = t[5];
  const usage = t[7];
  const toolBlock = t.slice(9, 14);
  const epilogue = t.slice(18, 22);
  const random = rng(7);
  const pieces = deltas(markdown(64 * 1024, 3));
  let piece = 0;
  const { out, mix, push } = recorder(random);

  for (const p of prologue) push(p, 'other');
  let item = 0;
  while (out.length < events - epilogue.length) {
    item += 1;
    const itemId = `6dd0e61d-019a-47a5-acdc-9b4f5843314c:${item}`;
    const room = events - epilogue.length - out.length;
    const count = Math.min(between(random, 20, 60), room);
    let text = '';
    for (let i = 0; i < count; i++) {
      const delta = pieces[piece++ % pieces.length];
      text += delta;
      push({ ...assistant, data: { text, delta, itemId } }, 'assistant');
    }
    if (events - epilogue.length - out.length >= 1) push(usage, 'other');
    if (events - epilogue.length - out.length >= toolBlock.length) {
      const toolCallId = `call_bench_${item}`;
      for (const p of toolBlock) {
        const data = { ...p.data };
        if ('toolCallId' in data) data.toolCallId = toolCallId;
        if ('itemId' in data) data.itemId = `tool:${toolCallId}`;
        push({ ...p, data }, p.stream === 'tool' ? 'tool' : 'other');
      }
    }
  }
  for (const p of epilogue) push(p, 'other');
  return { payloads: out, bytes: out.reduce((n, s) => n + s.length, 0), mix };
}

/**
 * One long reply for run `runId`: the recorded run's prologue, then one assistant item of `bytes`
 * characters of markdown streamed as 20-60 character deltas alone (without the cumulative `text`,
 * which for a reply this long would make the stream quadratic: 125k events of up to 5 MB each),
 * then the recorded epilogue.
 */
export function buildReplyStream(bytes: number, runId: string, sessionKey: string): AgentStream {
  const t = templates().map((p) => retarget(p, runId, sessionKey));
  const assistant = t[5];
  const random = rng(11);
  const pieces = deltas(markdown(bytes, 5));
  const { out, mix, push } = recorder(random);
  for (const p of t.slice(0, 5)) push(p, 'other');
  const itemId = '6dd0e61d-019a-47a5-acdc-9b4f5843314c:1';
  let length = 0;
  for (const delta of pieces) {
    if (length >= bytes) break;
    length += delta.length;
    push({ ...assistant, data: { delta, itemId } }, 'assistant');
  }
  for (const p of t.slice(18, 22)) push(p, 'other');
  return { payloads: out, bytes: out.reduce((n, s) => n + s.length, 0), mix };
}

/** The frame the gateway wraps an event payload in (as observed: `recipientProfileId` included). */
export function eventFrame(payloadJson: string, seq: number): string {
  return `{"type":"event","event":"agent","payload":${payloadJson},"seq":${seq},"recipientProfileId":"gateway-owner"}`;
}

/** The serialised events of a stream as they are pushed, with the run's seq and timestamps, and the mix of kinds. */
function recorder(random: () => number) {
  let runSeq = 0;
  let ts = 1795237164762;
  const out: string[] = [];
  const mix = { assistant: 0, tool: 0, other: 0 };
  const push = (payload: Payload, kind: keyof typeof mix) => {
    // Run seq has holes on the real gateway (numbers shared with events this client never sees).
    runSeq += random() < 0.3 ? 2 : 1;
    ts += between(random, 0, 3);
    out.push(JSON.stringify({ ...payload, seq: runSeq, ts }));
    mix[kind] += 1;
  };
  return { out, mix, push };
}
