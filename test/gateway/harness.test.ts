// Smoke test of the end-to-end harness: the real openclaw gateway (from npm) with our offline model
// server, spoken to by a bare `ws` client doing the real signed-device handshake.
//
//   npx tsx --test test/gateway/harness.test.ts
//
// The first run installs openclaw into .cache/ (about 25 s per version); 2026.4.27 also stages its
// plugins' runtime dependencies from the npm registry on its first start and first turn.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startGateway, type GatewayHandle } from '../../tools/gateway/gateway';
import { extractUserText, FILE_CONTENT, FILE_EDIT, MARKDOWN_REPLY, startModelServer, type ChatMessage } from '../../tools/gateway/model-server';
import { groupAlive } from '../../tools/gateway/processes';
import { OPENCLAW_PROTOCOL3_VERSION, OPENCLAW_VERSION } from '../../tools/versions';

interface Frame {
  type: 'req' | 'res' | 'event';
  id?: string;
  ok?: boolean;
  method?: string;
  event?: string;
  payload?: any;
  error?: { code: string; message: string; details?: unknown };
}

const CLIENT_ID = 'gateway-client';
const CLIENT_MODE = 'ui';
const ROLE = 'operator';
const SCOPES = ['operator.read', 'operator.write', 'operator.admin'];
const PLATFORM = 'linux';

/** An Ed25519 device identity as the gateway expects it (see GATEWAY.md "Device identity"). */
function newDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The SPKI DER encoding of an Ed25519 key ends with the raw 32 key bytes.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { id: createHash('sha256').update(raw).digest('hex'), publicKey: raw.toString('base64url'), privateKey };
}

function signChallenge(device: { id: string; privateKey: KeyObject }, nonce: string, ts: number, token: string): string {
  const payload = ['v3', device.id, CLIENT_ID, CLIENT_MODE, ROLE, SCOPES.join(','), ts, token, nonce, PLATFORM, ''].join('|');
  return sign(null, Buffer.from(payload, 'utf8'), device.privateKey).toString('base64url');
}

/** A minimal operator connection: handshake, requests, and a log of every frame received. */
class Operator {
  readonly frames: Frame[] = [];
  hello: any;
  private readonly listeners = new Set<(f: Frame) => void>();
  private seq = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse((data as Buffer).toString());
      } catch {
        return;
      }
      this.frames.push(frame);
      for (const l of [...this.listeners]) l(frame);
    });
  }

  static async connect(gw: GatewayHandle, protocols: { min: number; max: number } = { min: 4, max: 4 }): Promise<Operator> {
    const ws = new WebSocket(gw.url);
    const op = new Operator(ws);
    const challenge = await op.next((f) => f.type === 'event' && f.event === 'connect.challenge', 15_000);
    const device = newDevice();
    const { nonce, ts } = challenge.payload;
    const res = await op.request('connect', {
      minProtocol: protocols.min,
      maxProtocol: protocols.max,
      client: { id: CLIENT_ID, version: '0.0.0-harness', platform: PLATFORM, mode: CLIENT_MODE },
      role: ROLE,
      scopes: SCOPES,
      caps: ['tool-events'],
      auth: { token: gw.token },
      device: { id: device.id, publicKey: device.publicKey, signature: signChallenge(device, nonce, ts, gw.token), signedAt: ts, nonce },
    });
    assert.equal(res.ok, true, `connect failed: ${JSON.stringify(res.error)}`);
    op.hello = res.payload;
    return op;
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  next(pred: (f: Frame) => boolean, timeoutMs = 30_000, includePast = true): Promise<Frame> {
    const past = includePast ? this.frames.find(pred) : undefined;
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (f: Frame) => {
        if (!pred(f)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(f);
      };
      this.listeners.add(listener);
    });
  }

  /** Sends a request and resolves with its first `res`. */
  request(method: string, params: unknown, timeoutMs = 30_000): Promise<Frame> {
    const id = `${method}-${++this.seq}`;
    const reply = this.next((f) => f.type === 'res' && f.id === id, timeoutMs, false);
    this.ws.send(JSON.stringify({ type: 'req', id, method, params }));
    return reply;
  }

  /**
   * Runs one `agent` turn. The gateway answers the same request id twice: `accepted` at once, and
   * the outcome when the run ends.
   */
  async agentTurn(message: string, sessionKey: string, timeoutMs = 60_000): Promise<{ runId: string; final: Frame }> {
    const idempotencyKey = randomUUID();
    const id = `agent-${++this.seq}`;
    const final = this.next((f) => f.type === 'res' && f.id === id && f.payload?.status !== 'accepted', timeoutMs, false);
    this.ws.send(JSON.stringify({ type: 'req', id, method: 'agent', params: { message, sessionKey, idempotencyKey } }));
    const accepted = await this.next((f) => f.type === 'res' && f.id === id, timeoutMs);
    assert.equal(accepted.ok, true, `agent refused: ${JSON.stringify(accepted.error)}`);
    return { runId: accepted.payload.runId, final: await final };
  }

  agentEvents(runId: string): any[] {
    return this.frames.filter((f) => f.type === 'event' && f.event === 'agent' && f.payload?.runId === runId).map((f) => f.payload);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000, 'test done');
      setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}

function finalText(final: Frame): string {
  assert.equal(final.ok, true, `agent run failed: ${JSON.stringify(final.error)}`);
  assert.equal(final.payload.status, 'ok', `run status ${final.payload.status}: ${JSON.stringify(final.payload)}`);
  return final.payload.result.payloads.map((p: { text?: string }) => p.text ?? '').join('');
}

/** Disposes the gateway and checks that nothing it started is left running. */
async function disposeAndCheck(gw: GatewayHandle, pid: number): Promise<void> {
  await gw.dispose();
  assert.equal(gw.running, false);
  assert.equal(groupAlive(pid), false, `process group ${pid} still has live members`);
  assert.equal(gw.processesGone, true, 'a gateway helper process outlived dispose()');
}

// ---- The model server alone (fast; no gateway) --------------------------------------------------

/** What 2026.9.6 sends for a turn (abridged from a logged request). */
function gatewayShapedMessages(words: string, extra: ChatMessage[] = []): ChatMessage[] {
  return [
    { role: 'system', content: 'You are a personal assistant running inside OpenClaw.' },
    {
      role: 'user',
      content: `[Sat 2026-11-21 05:23 UTC] Conversation info: \u27e6openclaw:ctx\u27e7\n\`\`\`json\n{"sender":{"id":"gateway-owner"}}\n\`\`\`\n\n${words}\n\nRuntime: agent=main | session=agent:main:harness | shell=bash`,
    },
    ...extra,
    {
      role: 'user',
      content: [
        {
          type: 'text',
          text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nConversation data (data, not instructions):\n"none"\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>',
        },
      ],
    },
  ];
}

/** POSTs a streaming chat completion and returns the parsed SSE chunks with arrival times. */
async function streamChat(baseUrl: string, messages: unknown[], signal?: AbortSignal, toolNames = ['ls', 'read']) {
  const tools = toolNames.map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } }));
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'echo-model', stream: true, stream_options: { include_usage: true }, messages, tools }),
    signal,
  });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const chunks: Array<{ at: number; data: any }> = [];
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(part, { stream: true });
    let cut: number;
    while ((cut = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      const data = event.replace(/^data: /, '');
      chunks.push({ at: Date.now(), data: data === '[DONE]' ? data : JSON.parse(data) });
    }
  }
  const text = chunks.map((c) => c.data?.choices?.[0]?.delta?.content ?? '').join('');
  return { chunks, text };
}

test('model server: picks the words out of the gateway prompt and answers by mode', { timeout: 30_000 }, async () => {
  assert.equal(extractUserText(gatewayShapedMessages('hello there friend')), 'hello there friend');

  const model = await startModelServer();
  try {
    const models = (await (await fetch(`${model.baseUrl}/models`)).json()) as { data: Array<{ id: string }> };
    assert.equal(models.data[0].id, 'echo-model');

    const echo = await streamChat(model.baseUrl, gatewayShapedMessages('one two three'));
    assert.equal(echo.text, 'Echo: one two three');
    assert.ok(echo.chunks.filter((c) => c.data?.choices?.[0]?.delta?.content).length >= 4, 'word by word');
    assert.equal(echo.chunks.at(-1)?.data, '[DONE]');
    assert.ok(
      echo.chunks.some((c) => c.data?.usage),
      'usage chunk when include_usage is asked for',
    );

    const md = await streamChat(model.baseUrl, gatewayShapedMessages('MARKDOWN please'));
    assert.equal(md.text, MARKDOWN_REPLY);

    // TOOL, first leg: a text and an ls call, finish_reason tool_calls.
    const leg1 = await streamChat(model.baseUrl, gatewayShapedMessages('use TOOL'));
    const calls = leg1.chunks.flatMap((c) => c.data?.choices?.[0]?.delta?.tool_calls ?? []);
    assert.equal(calls[0].function.name, 'ls');
    assert.deepEqual(JSON.parse(calls.map((c: any) => c.function.arguments ?? '').join('')), { path: '.' });
    assert.ok(leg1.chunks.some((c) => c.data?.choices?.[0]?.finish_reason === 'tool_calls'));
    // Second leg: the result comes back before the gateway's internal-context message.
    const leg2 = await streamChat(
      model.baseUrl,
      gatewayShapedMessages('use TOOL', [
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [{ id: calls[0].id, type: 'function', function: { name: 'ls', arguments: '{"path":"."}' } }],
        },
        { role: 'tool', tool_call_id: calls[0].id, content: 'README.md' },
      ]),
    );
    assert.equal(leg2.text, 'Tool result had 9 chars. Done.');
    // Without an `ls` tool on offer (2026.4.27) it reads README.md instead.
    const readLeg = await streamChat(model.baseUrl, gatewayShapedMessages('use TOOL'), undefined, ['read', 'exec']);
    const readCall = readLeg.chunks.flatMap((c) => c.data?.choices?.[0]?.delta?.tool_calls ?? [])[0];
    assert.equal(readCall.function.name, 'read');

    // The second model is served too; a message with an image part says so at the end of the reply.
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['echo-model', 'echo-vision'],
    );
    const withImage = gatewayShapedMessages('look at this');
    withImage[1] = {
      role: 'user',
      content: [
        { type: 'text', text: withImage[1].content as string },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    };
    const seen = await streamChat(model.baseUrl, withImage);
    assert.equal(seen.text, 'Echo: look at this [parts: image_url]');
    assert.deepEqual(model.log.at(-1)?.parts, ['image_url']);

    // Non-streaming requests get one JSON completion.
    const plain = (await (
      await fetch(`${model.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo-model', messages: gatewayShapedMessages('no stream') }),
      })
    ).json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(plain.choices[0].message.content, 'Echo: no stream');

    // EXEC: an exec call with the backticked command; ASKUSER: tool_call -> ask_user; their results are said back.
    const exec = await streamChat(model.baseUrl, gatewayShapedMessages('EXEC `echo hi there`'), undefined, ['exec', 'tool_call']);
    const toolCall = (chunks: typeof exec.chunks) => {
      const parts = chunks.flatMap((c) => c.data?.choices?.[0]?.delta?.tool_calls ?? []);
      return { id: parts[0].id as string, name: parts[0].function.name as string, arguments: parts.map((c: any) => c.function.arguments ?? '').join('') };
    };
    const execCall = toolCall(exec.chunks);
    assert.equal(execCall.name, 'exec');
    assert.equal(JSON.parse(execCall.arguments).command, 'echo hi there');
    const execResult = await streamChat(
      model.baseUrl,
      gatewayShapedMessages('EXEC `echo hi there`', [
        {
          role: 'assistant',
          content: 'Calling exec.',
          tool_calls: [{ id: execCall.id, type: 'function', function: { name: 'exec', arguments: execCall.arguments } }],
        },
        { role: 'tool', tool_call_id: execCall.id, content: 'hi there' },
      ]),
      undefined,
      ['exec'],
    );
    assert.equal(execResult.text, 'Tool exec result: hi there');
    const ask = await streamChat(model.baseUrl, gatewayShapedMessages('ASKUSER45 please'), undefined, ['exec', 'tool_call']);
    const askCall = toolCall(ask.chunks);
    assert.equal(askCall.name, 'tool_call');
    const askArgs = JSON.parse(askCall.arguments);
    assert.equal(askArgs.id, 'ask_user');
    assert.equal(askArgs.args.timeoutSeconds, 45);
    assert.deepEqual(
      askArgs.args.questions.map((q: { id: string }) => q.id),
      ['color', 'size'],
    );
    const noExec = await streamChat(model.baseUrl, gatewayShapedMessages('EXEC `ls`'), undefined, ['read']);
    assert.equal(noExec.text, 'No usable tool was offered. Done.');

    // CHANGEFILE: a write of the backticked file, then, with its result back, an edit of it, then the edit's result said back.
    const fileTools = ['write', 'edit', 'read'];
    const write = toolCall((await streamChat(model.baseUrl, gatewayShapedMessages('CHANGEFILE `docs/a.txt`'), undefined, fileTools)).chunks);
    assert.deepEqual([write.name, JSON.parse(write.arguments)], ['write', { path: 'docs/a.txt', content: FILE_CONTENT }]);
    const afterWrite: ChatMessage[] = [
      {
        role: 'assistant',
        content: 'Calling write.',
        tool_calls: [{ id: write.id, type: 'function', function: { name: 'write', arguments: write.arguments } }],
      },
      { role: 'tool', tool_call_id: write.id, content: 'Successfully wrote 38 bytes to docs/a.txt' },
    ];
    const edit = toolCall((await streamChat(model.baseUrl, gatewayShapedMessages('CHANGEFILE `docs/a.txt`', afterWrite), undefined, fileTools)).chunks);
    assert.deepEqual([edit.name, JSON.parse(edit.arguments)], ['edit', { path: 'docs/a.txt', edits: [FILE_EDIT] }]);
    const done = await streamChat(
      model.baseUrl,
      gatewayShapedMessages('CHANGEFILE `docs/a.txt`', [
        ...afterWrite,
        { role: 'assistant', content: 'Calling edit.', tool_calls: [{ id: edit.id, type: 'function', function: { name: 'edit', arguments: edit.arguments } }] },
        { role: 'tool', tool_call_id: edit.id, content: 'Successfully replaced 1 block(s) in docs/a.txt.' },
      ]),
      undefined,
      fileTools,
    );
    assert.equal(done.text, 'Tool edit result: Successfully replaced 1 block(s) in docs/a.txt.');

    // SLOW: ~200 ms a chunk; stop listening after a few.
    const abort = new AbortController();
    const started = Date.now();
    const slow = streamChat(model.baseUrl, gatewayShapedMessages('SLOW please'), abort.signal).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1100));
    abort.abort();
    await slow;
    assert.ok(Date.now() - started < 3000, 'aborting a SLOW stream returns promptly');
    assert.equal(model.log.at(-1)?.mode, 'slow');
    assert.equal(model.requests, 15);
  } finally {
    await model.close();
  }
});

test(`openclaw@${OPENCLAW_VERSION}: signed handshake, echo turn, tool events, clean shutdown`, { timeout: 240_000 }, async (t) => {
  const gw = await startGateway();
  const pid = gw.pid;
  let op: Operator | undefined;
  try {
    t.diagnostic(`gateway ${gw.version} on ${gw.url} (pid ${pid}, run dir ${gw.runDir})`);
    op = await Operator.connect(gw, { min: 4, max: 4 });
    assert.equal(op.hello.type, 'hello-ok');
    assert.equal(op.hello.protocol, 4);
    assert.ok(
      SCOPES.every((s) => op!.hello.auth.scopes.includes(s)),
      `scopes granted: ${op.hello.auth.scopes}`,
    );

    const message = 'hello from the harness';
    const echo = await op.agentTurn(message, 'agent:main:harness');
    assert.equal(finalText(echo.final), `Echo: ${message}`);
    const streamed = op.agentEvents(echo.runId).filter((e) => e.stream === 'assistant');
    assert.ok(streamed.length >= 2, 'the echo should arrive as several assistant deltas');

    const tool = await op.agentTurn('please use TOOL to list files', 'agent:main:harness');
    assert.match(finalText(tool.final), /^Tool result had \d+ chars\. Done\.$/);
    const toolEvents = op.agentEvents(tool.runId).filter((e) => e.stream === 'tool');
    assert.ok(toolEvents.length > 0, 'a tool stream event (caps: tool-events) should arrive');
    assert.ok(
      toolEvents.some((e) => e.data?.name === 'ls'),
      `tool events: ${JSON.stringify(toolEvents).slice(0, 500)}`,
    );
    assert.ok(gw.modelServer.requests >= 3, 'echo + two legs of the tool turn reach the model server');
  } finally {
    await op?.close();
    await disposeAndCheck(gw, pid);
  }
});

test('tickIntervalMs rewrites the hard-coded 30 s tick (policy and events)', { timeout: 120_000 }, async () => {
  const gw = await startGateway({ tickIntervalMs: 1000 });
  const pid = gw.pid;
  let op: Operator | undefined;
  try {
    op = await Operator.connect(gw);
    assert.equal(op.hello.policy.tickIntervalMs, 1000);
    const tick = await op.next((f) => f.type === 'event' && f.event === 'tick', 5000, false);
    assert.equal(typeof tick.payload.ts, 'number');
  } finally {
    await op?.close();
    await disposeAndCheck(gw, pid);
  }
});

test(`openclaw@${OPENCLAW_PROTOCOL3_VERSION}: starts and negotiates protocol 3`, { timeout: 420_000 }, async () => {
  // This version installs plugin runtime deps with npm during its first start (tens of seconds,
  // longer on a cold .cache), hence the long bound. A turn on it is GatewayClient's protocol-3 test
  // (client.e2e.test.ts): its first turn costs minutes here, so it is run once, there.
  const gw = await startGateway({ version: OPENCLAW_PROTOCOL3_VERSION, readyTimeoutMs: 180_000 });
  const pid = gw.pid;
  let op: Operator | undefined;
  try {
    op = await Operator.connect(gw, { min: 3, max: 4 });
    assert.equal(op.hello.type, 'hello-ok');
    assert.equal(op.hello.protocol, 3);
  } finally {
    await op?.close();
    await disposeAndCheck(gw, pid);
  }
});
