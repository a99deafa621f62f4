/**
 * Every free-text path from the gateway to a person: a gateway that echoes the token back in its
 * error message, its error code, a pairing request id or a close reason. None of it may reach a log
 * line, the frame trace, the client's state or the banner the chat webview is sent.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { chatBanner } from '../../src/extension/connection-view';
import { redactFrame, redactText } from '../../src/gateway/redact';
import type { GatewayClient } from '../../src/gateway/gateway-client';
import { FakeGateway } from '../../tools/fake-gateway';
import { makeClient, TOKEN } from '../support/clients';
import { waitForState } from '../support/wait';

describe('redaction of free text', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A client of a gateway scripted by `handler`, its trace kept with its log. */
  async function connect(handler: ConstructorParameters<typeof FakeGateway>[0] & { onFrame?: Parameters<FakeGateway['handlers']['push']>[0] }) {
    const { onFrame, ...options } = handler;
    const gw = await new FakeGateway({ token: TOKEN, ...options }).start();
    if (onFrame) gw.handlers.push(onFrame);
    const traced: string[] = [];
    const client = makeClient(gw.url, { trace: (direction, frame) => traced.push(`${direction} ${JSON.stringify(frame)}`) });
    cleanups.push(
      () => gw.stop(),
      () => client.close(),
    );
    client.start();
    return { gw, client, traced };
  }

  /** What the chat is shown for this client, built as activate() builds it (discovery's answer carries the token). */
  const banner = (client: GatewayClient) =>
    JSON.stringify(
      chatBanner(client, { tokenSource: 'secret', origin: 'ws://127.0.0.1', token: TOKEN } as never, { route: { approvals: 'ok', questions: 'ok' } })(),
    );

  function assertClean(client: ReturnType<typeof makeClient>, traced: string[]) {
    assert.ok(!JSON.stringify(client.state).includes(TOKEN), `state: ${JSON.stringify(client.state)}`);
    assert.ok(!banner(client).includes(TOKEN), `banner: ${banner(client)}`);
    for (const [, line] of client.logs) assert.ok(!line.includes(TOKEN), `log: ${line}`);
    for (const line of traced) assert.ok(!line.includes(TOKEN), `trace: ${line}`);
  }

  it('a refused handshake whose message and error code echo the token: state, banner, log and trace', async () => {
    const { client, traced } = await connect({
      onFrame: (conn, frame) => {
        if (frame.method !== 'connect') return false;
        conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: `bad token ${TOKEN}`, details: { code: `AUTH_${TOKEN}` } });
        return true;
      },
    });
    const state = await waitForState(client, 'failed');
    assert.equal(state.action, 'set-token');
    assert.equal(state.code, 'AUTH_[redacted]');
    assert.match(banner(client), /AUTH_\[redacted\]/, 'the banner names the (redacted) code');
    assert.ok(
      traced.some((l) => l.includes('bad token [redacted]')),
      'the refusal was traced, redacted',
    );
    assertClean(client, traced);
  });

  it('a pairing request whose id echoes the token: the id kept for the approve command is redacted', async () => {
    const { client, traced } = await connect({
      onFrame: (conn, frame) => {
        if (frame.method !== 'connect') return false;
        conn.res(frame.id, false, { code: 'NOT_PAIRED', message: `pair ${TOKEN}`, details: { code: 'PAIRING_REQUIRED', requestId: `req-${TOKEN}` } });
        return true;
      },
    });
    const state = await waitForState(client, 'failed');
    assert.equal(state.reason, 'pairing-required');
    assert.equal(state.requestId, 'req-[redacted]');
    assertClean(client, traced);
  });

  it("a request's error and a close reason that echo the token, once connected (and the request the close cuts short)", async () => {
    const { client, traced } = await connect({
      onFrame: (conn, frame) => {
        if (frame.method === 'sessions.list') {
          conn.res(frame.id, false, { code: 'INVALID_REQUEST', message: `no ${TOKEN} here` });
          return true;
        }
        if (frame.method === 'health') {
          conn.ws.close(4008, `bye ${TOKEN}`);
          return true;
        }
        return false;
      },
    });
    await waitForState(client, 'connected');
    await assert.rejects(client.request('sessions.list', {}), /no \[redacted\] here/);
    assert.ok(
      traced.some((l) => l.startsWith('in ') && l.includes('no [redacted] here')),
      'the error frame was traced, redacted',
    );
    // The request the close cuts short is refused with the close reason: that text reaches the chat too.
    const cut = client.request('health', {});
    const state = await waitForState(client, 'reconnecting');
    assert.match(state.reason, /bye \[redacted\]/);
    await assert.rejects(cut, (error: Error) => error.message.includes('bye [redacted]') && !error.message.includes(TOKEN));
    assertClean(client, traced);
  });

  it('redactFrame takes known secrets out of every string, at any depth, besides the secret fields', () => {
    const frame = { a: `x${TOKEN}y`, b: [{ c: TOKEN }], auth: { token: 'other' }, n: 1, z: null };
    assert.deepEqual(redactFrame(frame, [TOKEN]), { a: 'x[redacted]y', b: [{ c: '[redacted]' }], auth: { token: '[redacted]' }, n: 1, z: null });
    assert.deepEqual(redactFrame(frame), { ...frame, auth: { token: '[redacted]' } }, 'without secrets, only the fields');
    assert.equal(redactText('abcd', ['abcd', undefined, '']), '[redacted]');
    const keys = ['token', 'deviceToken', 'password', 'signature', 'bootstrapToken', 'privateKey', 'recoveryScope', 'answers'];
    assert.deepEqual(redactFrame(Object.fromEntries(keys.map((k) => [k, 'v']))), Object.fromEntries(keys.map((k) => [k, '[redacted]'])));
    assert.deepEqual(redactFrame({ token: '', password: undefined }), { token: '', password: undefined }, 'an empty or absent secret says so');
    assert.equal(redactFrame('Stryker was here'), 'Stryker was here', 'no secrets given: free text as it is');
    // Nested past 32 levels (no real frame is): what is below is dropped, never logged as it is.
    const nest = (levels: number, inner: unknown): unknown => (levels === 0 ? inner : nest(levels - 1, { a: inner }));
    const nestList = (levels: number, inner: unknown): unknown => (levels === 0 ? inner : nestList(levels - 1, [inner]));
    assert.deepEqual(redactFrame(nest(32, { token: 'x' })), nest(32, { token: '[redacted]' }));
    assert.deepEqual(redactFrame(nest(33, { token: 'x' })), nest(33, '[too deep]'));
    assert.deepEqual(redactFrame(nestList(33, ['x'])), nestList(33, '[too deep]'));
    assert.deepEqual(redactFrame(nestList(32, ['x'])), nestList(32, ['x']));
    assert.equal(redactText('ab', ['ab']), 'ab', 'too short to be a secret: left (it would blank ordinary words)');
  });
});
