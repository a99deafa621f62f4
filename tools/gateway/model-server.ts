// A tiny OpenAI-compatible chat-completions server that stands in for a real model, so the real
// OpenClaw gateway can run turns offline and deterministically. What it answers is chosen by the
// words the person typed (not by the gateway's surrounding prompt):
//   default     "Echo: <words>", streamed word by word
//   SLOW        the same echo padded to ~60 chunks, one every 200 ms (time to abort or kill mid-stream)
//   TOOL        a short text plus an `ls {"path": "."}` tool call (a `read` of README.md where the
//               gateway offers no `ls`, as 2026.4.27); once the tool result comes back,
//               "Tool result had N chars. Done."
//   MARKDOWN    a small markdown document (heading, list, bold, fenced ts code, a web link)
//   EXEC        "Calling exec." plus an `exec` call whose command is the first backticked part of
//               the message (`echo approved-<time>` without one); under `tools.exec.mode: "ask"`
//               the gateway then waits for an operator's approval. Once the result comes back,
//               "Tool exec result: <its text>".
//   ASKUSER     "Calling tool_call." plus a `tool_call` -> `ask_user` call with two questions (color:
//               Red | Blue; sizes: S, M, L, several allowed), waiting ASKUSER_TIMEOUT_S for an answer
//               (ASKUSER<n> waits n seconds; the gateway clamps it to 30-3600). Once the result comes
//               back, "Tool tool_call result: <its text>".
//   WRITEFILE   "Calling write." plus a `write` of FILE_CONTENT to probe-notes.txt (or to the first
//               backticked part of the message); once the result comes back, "Tool write result: <text>".
//   EDITFILE    the same with an `edit` of that file: FILE_EDIT's oldText becomes its newText.
//   CHANGEFILE  the write, then (once its result is back) the edit, in one turn: a turn that creates
//               a file and changes it, with a diff in each result.
// EXEC and ASKUSER are the modes of the test model behind the recorded approval and question frames.
// Whatever the mode, a reply to a message that carried more than text (an image the gateway passed
// on as an `image_url` part) ends with "[parts: image_url]", naming the kinds of parts received, so
// a test can prove an image reached the model. Two models are served: MODEL_ID takes text only,
// VISION_MODEL_ID is declared (in config.ts) with image input and reasoning.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const MODEL_ID = 'echo-model';
/** The second model: declared with `input: ["text", "image"]` and `reasoning: true` (thinking levels). */
export const VISION_MODEL_ID = 'echo-vision';

export interface ModelServerRequest {
  at: number;
  method: string;
  path: string;
  /** Parsed JSON body of POST requests. */
  body?: ChatRequest;
  /** The person's own words as picked out of `body`, and the reply mode they selected. */
  userText?: string;
  mode?: ReplyMode;
  /** Kinds of the non-text parts of the person's own message (`image_url`), if any. */
  parts?: string[];
}

export interface ModelServer {
  port: number;
  baseUrl: string;
  /** Number of chat-completion requests served so far. */
  readonly requests: number;
  /** The most recent requests (all paths), newest last, for debugging and assertions. */
  readonly log: readonly ModelServerRequest[];
  close(): Promise<void>;
}

export type ReplyMode = 'echo' | 'slow' | 'tool' | 'tool-result' | 'tool-unavailable' | 'markdown' | 'exec' | 'ask-user' | 'write-file' | 'edit-file';

export interface ChatMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string; image_url?: { url: string } }> | null;
  tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
  tool_call_id?: string;
}

export interface ChatRequest {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{ type: string; function?: { name: string } }>;
  [key: string]: unknown;
}

const LOG_LIMIT = 50;
/** How long an ASKUSER question waits for its answer unless the message says ASKUSER<n>. */
export const ASKUSER_TIMEOUT_S = 600;
/** The questions an ASKUSER turn asks, in the `ask_user` tool's own shape. */
export const ASKUSER_QUESTIONS = [
  { id: 'color', header: 'Color', question: 'Which color should the harness use?', options: [{ label: 'Red', description: 'warm' }, { label: 'Blue' }] },
  { id: 'size', header: 'Size', question: 'Which sizes?', options: [{ label: 'S' }, { label: 'M' }, { label: 'L' }], multiSelect: true },
];
/** What WRITEFILE and CHANGEFILE write, and what EDITFILE and CHANGEFILE change in it. */
export const FILE_CONTENT = 'hello from the fake model\nsecond line\n';
export const FILE_EDIT = { oldText: 'hello', newText: 'goodbye' };
/** The file they write when the message names none in backticks. */
export const FILE_PATH = 'probe-notes.txt';
const SLOW_CHUNKS = 60;
const SLOW_INTERVAL_MS = 200;
const FAST_INTERVAL_MS = 15;

export const MARKDOWN_REPLY = [
  '# Harness report',
  '',
  'Things that **matter**:',
  '',
  '- first item',
  '- second item with `inline code`',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '```',
  '',
  'More in [the OpenClaw docs](https://docs.openclaw.ai/).',
  '',
].join('\n');

function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

const INTERNAL_CONTEXT_MARKER = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>';
/** OpenClaw ends the label line of every context header it injects with this marker. */
const CONTEXT_HEADER_MARKER = '\u27e6openclaw:ctx\u27e7';

/**
 * The gateway never sends the person's text on its own (2026.9.6, observed):
 *
 *   user: "[Sat 2026-11-21 05:23 UTC] Conversation info: ⟦openclaw:ctx⟧\n```json\n{...}\n```\n\n
 *          <the words>\n\nRuntime: agent=main | session=... | shell=bash"
 *   user: [{type: "text", text: "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\n...<<<END_OPENCLAW_INTERNAL_CONTEXT>>>"}]
 *
 * (the Runtime line is moved out of the system prompt, on the first turn at least). So: take the
 * newest user message that is not the internal context, then peel off the timestamp, the marked
 * context headers with their fenced JSON, and the Runtime line.
 */
export function extractUserText(messages: ChatMessage[] | undefined): string {
  const i = ownMessageIndex(messages);
  return i < 0 ? '' : stripGatewayWrapping(contentText(messages![i].content));
}

/** Index of the newest user message that the person wrote (not the gateway's internal context). */
function ownMessageIndex(messages: ChatMessage[] | undefined): number {
  const list = messages ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].role === 'user' && !contentText(list[i].content).includes(INTERNAL_CONTEXT_MARKER)) return i;
  }
  return -1;
}

/**
 * The tool results of the current turn: `tool` messages after the person's message. The gateway
 * appends its internal-context user message after them, so "the last message is a tool result"
 * does not work as a test (and answering with another tool call would loop forever).
 */
function toolResultsOfTurn(messages: ChatMessage[] | undefined): ChatMessage[] {
  const start = ownMessageIndex(messages);
  return (messages ?? []).slice(start + 1).filter((m) => m.role === 'tool');
}

function toolCallsOfTurn(messages: ChatMessage[] | undefined): ChatMessage[] {
  const start = ownMessageIndex(messages);
  return (messages ?? []).slice(start + 1).filter((m) => m.role === 'assistant' && m.tool_calls?.length);
}

/** Kinds of the parts of the person's own message that are not text (`image_url` for an image). */
export function nonTextParts(messages: ChatMessage[] | undefined): string[] {
  const i = ownMessageIndex(messages);
  const content = i < 0 ? undefined : messages![i].content;
  if (!Array.isArray(content)) return [];
  return [...new Set(content.filter((p) => p?.type && p.type !== 'text').map((p) => p.type))];
}

function stripGatewayWrapping(text: string): string {
  const kept: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trimEnd().endsWith(CONTEXT_HEADER_MARKER)) {
      // Skip the header and, if one follows, its fenced block.
      if (lines[i + 1]?.trim().startsWith('```')) {
        i++;
        while (i + 1 < lines.length && lines[i + 1].trim() !== '```') i++;
        i++;
      }
      continue;
    }
    if (/^Runtime: agent=/.test(line)) continue;
    kept.push(line);
  }
  // "[Sat 2026-11-21 05:23 UTC] " stamps the start of the message (before any header).
  return kept
    .join('\n')
    .trim()
    .replace(/^\[[A-Za-z]{3} \d{4}-\d{2}-\d{2} [^\]\n]*\]\s*/, '')
    .trim();
}

/**
 * The tool call for a TOOL turn, from what the gateway offers: 2026.9.6 has `ls`, 2026.4.27 does
 * not (it silently drops calls to unknown tools and asks again, so insisting would loop).
 */
function pickToolCall(body: ChatRequest): { name: string; arguments: string } | undefined {
  const offered = new Set((body.tools ?? []).map((t) => t.function?.name));
  if (offered.has('ls')) return { name: 'ls', arguments: JSON.stringify({ path: '.' }) };
  if (offered.has('read')) return { name: 'read', arguments: JSON.stringify({ path: 'README.md' }) };
  return undefined;
}

/** EXEC: the first backticked part of the message, else a command that is safe to approve. */
export function execCommand(userText: string): string {
  return /`([^`]+)`/.exec(userText)?.[1] ?? `echo approved-${Date.now()}`;
}

/** ASKUSER<n>: n seconds; ASKUSER alone: ASKUSER_TIMEOUT_S. */
function askUserTimeout(userText: string): number {
  const seconds = /ASKUSER(\d+)/.exec(userText)?.[1];
  return seconds ? Number(seconds) : ASKUSER_TIMEOUT_S;
}

/** The tool a mode calls, when the gateway offers it; undefined when it does not. */
function callFor(mode: 'exec' | 'ask-user' | 'write-file' | 'edit-file', body: ChatRequest, userText: string): { name: string; arguments: string } | undefined {
  const offered = new Set((body.tools ?? []).map((t) => t.function?.name));
  const file = /`([^`]+)`/.exec(userText)?.[1] ?? FILE_PATH;
  if (mode === 'write-file') return offered.has('write') ? { name: 'write', arguments: JSON.stringify({ path: file, content: FILE_CONTENT }) } : undefined;
  if (mode === 'edit-file') return offered.has('edit') ? { name: 'edit', arguments: JSON.stringify({ path: file, edits: [FILE_EDIT] }) } : undefined;
  if (mode === 'exec')
    return offered.has('exec') ? { name: 'exec', arguments: JSON.stringify({ title: 'harness exec', command: execCommand(userText) }) } : undefined;
  // ask_user is a deferred tool: the model reaches it through the `tool_call` wrapper.
  if (!offered.has('tool_call')) return undefined;
  return { name: 'tool_call', arguments: JSON.stringify({ id: 'ask_user', args: { questions: ASKUSER_QUESTIONS, timeoutSeconds: askUserTimeout(userText) } }) };
}

function chooseMode(body: ChatRequest, userText: string): ReplyMode {
  const messages = body.messages;
  // CHANGEFILE: the write's result is back, the edit comes next.
  const calls = toolCallsOfTurn(messages).map((m) => m.tool_calls?.[0]?.function?.name);
  if (userText.includes('CHANGEFILE') && calls.length === 1 && calls[0] === 'write' && toolResultsOfTurn(messages).length === 1)
    return callFor('edit-file', body, userText) ? 'edit-file' : 'tool-unavailable';
  // Tool results in this turn mean we are in the second leg of a TOOL turn.
  if (toolResultsOfTurn(messages).length > 0) return 'tool-result';
  // Our own earlier call in this turn without a result: the gateway rejected it; do not try again.
  const asksForTool = ['TOOL', 'EXEC', 'ASKUSER', 'WRITEFILE', 'EDITFILE', 'CHANGEFILE'].some((word) => userText.includes(word));
  if (asksForTool && toolCallsOfTurn(messages).length > 0) return 'tool-unavailable';
  if (userText.includes('EXEC')) return callFor('exec', body, userText) ? 'exec' : 'tool-unavailable';
  if (userText.includes('ASKUSER')) return callFor('ask-user', body, userText) ? 'ask-user' : 'tool-unavailable';
  if (userText.includes('WRITEFILE') || userText.includes('CHANGEFILE')) return callFor('write-file', body, userText) ? 'write-file' : 'tool-unavailable';
  if (userText.includes('EDITFILE')) return callFor('edit-file', body, userText) ? 'edit-file' : 'tool-unavailable';
  if (userText.includes('TOOL')) return pickToolCall(body) ? 'tool' : 'tool-unavailable';
  if (userText.includes('SLOW')) return 'slow';
  if (userText.includes('MARKDOWN')) return 'markdown';
  return 'echo';
}

/** Splits text into small pieces that keep their leading whitespace, so concatenation is exact. */
function wordChunks(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

/** SLOW: the echo's words followed by " ." padding so the stream lasts ~60 chunks. */
function slowChunks(userText: string): string[] {
  const words = wordChunks(`Echo: ${userText}`);
  while (words.length < SLOW_CHUNKS) words.push(' .');
  return words;
}

interface Plan {
  chunks: string[];
  intervalMs: number;
  toolCall?: { id: string; name: string; arguments: string };
}

function planReply(mode: ReplyMode, userText: string, body: ChatRequest): Plan {
  const plan = planText(mode, userText, body);
  const parts = nonTextParts(body.messages);
  // After the text, never inside a tool call's turn: the parts are the person's message's.
  if (parts.length && !plan.toolCall) plan.chunks.push(` [parts: ${parts.join(', ')}]`);
  return plan;
}

function planText(mode: ReplyMode, userText: string, body: ChatRequest): Plan {
  const messages = body.messages;
  switch (mode) {
    case 'slow':
      return { chunks: slowChunks(userText), intervalMs: SLOW_INTERVAL_MS };
    case 'tool':
      return {
        chunks: wordChunks('Let me look.'),
        intervalMs: FAST_INTERVAL_MS,
        toolCall: { id: `call_${Date.now().toString(36)}`, ...pickToolCall(body)! },
      };
    case 'tool-unavailable':
      return { chunks: wordChunks('No usable tool was offered. Done.'), intervalMs: FAST_INTERVAL_MS };
    case 'exec':
    case 'ask-user':
    case 'write-file':
    case 'edit-file': {
      const call = callFor(mode, body, userText)!;
      const id = `call_harness_${mode.replace('-', '')}_${Date.now().toString(36)}`;
      return { chunks: wordChunks(`Calling ${call.name}.`), intervalMs: FAST_INTERVAL_MS, toolCall: { id, ...call } };
    }
    case 'tool-result': {
      const results = toolResultsOfTurn(messages);
      const result = contentText(results[results.length - 1]?.content);
      // EXEC and ASKUSER say what came back (the command's output, the answer); TOOL only its size.
      const called = toolCallsOfTurn(messages).at(-1)?.tool_calls?.[0]?.function?.name;
      if (called === 'exec' || called === 'tool_call' || called === 'write' || called === 'edit') {
        return { chunks: wordChunks(`Tool ${called} result: ${result.slice(0, 2000)}`), intervalMs: FAST_INTERVAL_MS };
      }
      return { chunks: wordChunks(`Tool result had ${result.length} chars. Done.`), intervalMs: FAST_INTERVAL_MS };
    }
    case 'markdown':
      // Line by line keeps the fenced block intact in each chunk boundary and still streams.
      return { chunks: MARKDOWN_REPLY.match(/[^\n]*\n|[^\n]+$/g) ?? [MARKDOWN_REPLY], intervalMs: FAST_INTERVAL_MS };
    default:
      return { chunks: wordChunks(`Echo: ${userText}`), intervalMs: FAST_INTERVAL_MS };
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function usageFor(messages: ChatMessage[] | undefined, completion: string) {
  // Rough token counts (4 chars a token) are enough for the gateway's bookkeeping.
  const promptChars = (messages ?? []).reduce((n, m) => n + contentText(m.content).length, 0);
  const prompt_tokens = Math.max(1, Math.ceil(promptChars / 4));
  const completion_tokens = Math.max(1, Math.ceil(completion.length / 4));
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function respondJson(res: http.ServerResponse, body: ChatRequest, plan: Plan): void {
  const text = plan.chunks.join('');
  const message: Record<string, unknown> = { role: 'assistant', content: text };
  if (plan.toolCall) {
    message.tool_calls = [{ id: plan.toolCall.id, type: 'function', function: { name: plan.toolCall.name, arguments: plan.toolCall.arguments } }];
  }
  sendJson(res, 200, {
    id: `chatcmpl-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? MODEL_ID,
    choices: [{ index: 0, message, finish_reason: plan.toolCall ? 'tool_calls' : 'stop' }],
    usage: usageFor(body.messages, text),
  });
}

function respondStream(res: http.ServerResponse, body: ChatRequest, plan: Plan): void {
  const id = `chatcmpl-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = body.model ?? MODEL_ID;
  const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();

  // Pieces to emit in order; the first one carries the role, as real servers do.
  const steps: Array<() => void> = plan.chunks.map(
    (piece, i) => () => send([{ index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }]),
  );
  if (plan.toolCall) {
    const call = plan.toolCall;
    // Name first, arguments in a second delta: clients must accumulate tool-call arguments.
    steps.push(() =>
      send([
        { index: 0, delta: { tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, finish_reason: null },
      ]),
    );
    steps.push(() => send([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: call.arguments } }] }, finish_reason: null }]));
  }
  steps.push(() => send([{ index: 0, delta: {}, finish_reason: plan.toolCall ? 'tool_calls' : 'stop' }]));
  if (body.stream_options?.include_usage) steps.push(() => send([], { usage: usageFor(body.messages, plan.chunks.join('')) }));

  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (res.destroyed) return;
    if (next < steps.length) {
      steps[next++]();
      timer = setTimeout(tick, plan.intervalMs);
    } else {
      res.end('data: [DONE]\n\n');
    }
  };
  // The gateway hangs up when a run is aborted or the gateway dies: stop producing.
  res.on('close', () => clearTimeout(timer));
  tick();
}

/** `host`: the address to listen on (127.0.0.1; a gateway in a network namespace reaches it at the veth's address). */
export async function startModelServer(host = '127.0.0.1'): Promise<ModelServer> {
  let requests = 0;
  const log: ModelServerRequest[] = [];
  const remember = (entry: ModelServerRequest) => {
    log.push(entry);
    if (log.length > LOG_LIMIT) log.shift();
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    try {
      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        remember({ at: Date.now(), method: 'GET', path });
        const data = [MODEL_ID, VISION_MODEL_ID].map((id) => ({ id, object: 'model', created: 0, owned_by: 'harness' }));
        sendJson(res, 200, { object: 'list', data });
        return;
      }
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
        const body = JSON.parse(await readBody(req)) as ChatRequest;
        requests++;
        const userText = extractUserText(body.messages);
        const mode = chooseMode(body, userText);
        remember({ at: Date.now(), method: 'POST', path, body, userText, mode, parts: nonTextParts(body.messages) });
        const plan = planReply(mode, userText, body);
        if (body.stream) respondStream(res, body, plan);
        else respondJson(res, body, plan);
        return;
      }
      remember({ at: Date.now(), method: req.method ?? '?', path });
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 400, { error: { message: String(err), type: 'invalid_request_error' } });
      else res.destroy();
    }
  });
  // Streams are long-lived by design; Node's default request/keep-alive timeouts must not cut them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    baseUrl: `http://${host}:${port}/v1`,
    get requests() {
      return requests;
    },
    get log() {
      return log;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Drop idle keep-alive and in-flight streams so close() does not wait on the gateway.
        server.closeAllConnections();
      }),
  };
}
