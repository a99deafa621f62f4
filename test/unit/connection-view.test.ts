import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHandshakeError } from '../../src/gateway/connection-state';
import { GatewayRequestError } from '../../src/gateway/errors';
import { connectionView } from '../../src/extension/connection-view';

const URL = 'ws://127.0.0.1:18789';
const fail = (error: ConstructorParameters<typeof GatewayRequestError>[1]) => classifyHandshakeError(URL, new GatewayRequestError('connect', error))!;
const ids = (view: ReturnType<typeof connectionView>) => view.actions.map((a) => a.id);

describe('what the chat says about the connection', () => {
  it('not configured: how to set the token', () => {
    const state = fail({ code: 'INVALID_REQUEST', message: 'unauthorized: gateway token missing', details: { code: 'AUTH_TOKEN_MISSING' } });
    const view = connectionView(state, { tokenSource: 'none', origin: 'wss://gateway.example:443' });
    assert.equal(view.kind, 'unconfigured');
    assert.equal(view.title, 'Set your gateway token');
    assert.equal(
      view.detail,
      'No token is set for the gateway at wss://gateway.example:443. Run "OpenClaw: Set Gateway Token" and paste its token (gateway.auth.token in that gateway\'s openclaw.json).',
    );
    assert.deepEqual(ids(view), ['setToken']);
  });

  it('wrong token: names where the refused token came from', () => {
    const state = fail({ code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } });
    const detail = (config: Parameters<typeof connectionView>[1]) => connectionView(state, config).detail;
    assert.equal(
      detail({ tokenSource: 'env' }),
      'The token in OPENCLAW_GATEWAY_TOKEN was refused by the gateway (AUTH_TOKEN_MISMATCH). Set the right one with "OpenClaw: Set Gateway Token".',
    );
    assert.match(
      detail({ tokenSource: 'config', configPath: '/home/u/.openclaw/openclaw.json' })!,
      /^The token in \/home\/u\/\.openclaw\/openclaw\.json \(gateway\.auth\.token\) was refused/,
    );
    assert.match(
      detail({ tokenSource: 'secret', origin: 'ws://127.0.0.1:18789' })!,
      /^The token set with "OpenClaw: Set Gateway Token" for ws:\/\/127\.0\.0\.1:18789 was refused/,
    );
  });

  it('connected with the token found in the local OpenClaw config says so', () => {
    const view = connectionView(
      { kind: 'connected', url: URL, serverVersion: '2026.9.6', protocol: 4, scopes: [], mainSessionKey: 'agent:main:main' },
      { tokenSource: 'config', configPath: '/home/u/.openclaw/openclaw.json' },
    );
    assert.equal(view.title, 'Connected to OpenClaw 2026.9.6');
    assert.equal(view.detail, 'Using the token from /home/u/.openclaw/openclaw.json.');
  });

  it('wrong token: a button to set it', () => {
    const view = connectionView(fail({ code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } }), {
      tokenSource: 'secret',
    });
    assert.equal(view.title, 'Wrong gateway token');
    assert.deepEqual(ids(view), ['setToken', 'showLog']);
  });

  it('pairing required: the request id and the command to approve it', () => {
    const state = fail({
      code: 'NOT_PAIRED',
      message: 'pairing required',
      details: { code: 'PAIRING_REQUIRED', requestId: 'f76cdcdc-d1dd-4438-af7c-e3f47aa12844' },
    });
    const view = connectionView(state, { tokenSource: 'secret' });
    assert.equal(view.title, 'Pairing required');
    assert.match(view.detail!, /openclaw devices approve f76cdcdc-d1dd-4438-af7c-e3f47aa12844/);
    assert.deepEqual(ids(view), ['approvePairing', 'reconnect']);
  });

  it('scope upgrade refused to the device token: what to do, on this computer and on a remote gateway', () => {
    // As recorded from openclaw 2026.9.6 (features/04).
    const state = fail({
      code: 'INVALID_REQUEST',
      message: 'unauthorized: device token scope mismatch (re-pair or approve scope upgrade)',
      details: { code: 'AUTH_SCOPE_MISMATCH', authReason: 'scope_mismatch', canRetryWithDeviceToken: false },
    });
    assert.equal(state.kind === 'failed' && state.reason, 'scope-upgrade');
    const view = connectionView(state, { tokenSource: 'none' });
    assert.equal(view.title, 'Approve the new permissions');
    assert.match(view.detail ?? '', /operator\.approvals, operator\.questions/);
    assert.deepEqual(ids(view), ['setToken', 'reconnect']);
  });

  it('connected without the approvals scope: limited, with the action that fixes it', () => {
    const state = {
      kind: 'connected',
      url: URL,
      serverVersion: '2026.9.6',
      protocol: 4,
      scopes: ['operator.read'],
      mainSessionKey: 'agent:main:main',
    } as const;
    const limited = connectionView(state as never, { tokenSource: 'secret' }, { approvals: 'missing-scope', questions: 'missing-scope' });
    assert.equal(limited.kind, 'limited');
    assert.equal(limited.title, "Connected, but VS Code cannot approve the agent's commands");
    assert.match(limited.detail ?? '', /did not grant this VS Code operator\.approvals and operator\.questions/);
    assert.deepEqual(ids(limited), ['setToken', 'reconnect']);
    assert.equal(connectionView(state as never, { tokenSource: 'secret' }, { approvals: 'ok', questions: 'ok' }).kind, 'connected');
    assert.equal(connectionView(state as never, { tokenSource: 'secret' }, { approvals: 'unsupported', questions: 'unsupported' }).kind, 'limited');
  });

  it('gateway down: reconnecting with a countdown and a retry button, asking once whether it runs', () => {
    const view = connectionView(
      {
        kind: 'reconnecting',
        url: URL,
        attempt: 3,
        delayMs: 4000,
        nextAttemptAt: 10_000,
        reason: `nothing is listening at ${URL} (connection refused)`,
        cause: 'unreachable',
      },
      { tokenSource: 'secret' },
      undefined,
      6_500,
    );
    assert.equal(view.title, 'Gateway unreachable — reconnecting in 4 s');
    assert.equal(view.detail, `Nothing is listening at ${URL} (connection refused). Is the gateway running? Start it with "openclaw gateway run".`);
    assert.deepEqual(ids(view), ['reconnect', 'showLog']);
  });

  it('gateway restarting: says so, without asking whether it runs', () => {
    const view = connectionView(
      { kind: 'reconnecting', url: URL, attempt: 1, delayMs: 1000, nextAttemptAt: 1_000, reason: 'the gateway is restarting', cause: 'restarting' },
      { tokenSource: 'secret' },
      undefined,
      1_000,
    );
    assert.equal(view.title, 'Gateway restarting — reconnecting…');
    assert.equal(view.detail, 'The gateway is restarting.');
  });

  it('protocol mismatch and expired signatures say what to fix', () => {
    assert.match(
      fail({ code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { code: 'PROTOCOL_MISMATCH' } }).message,
      /supports 3 to 4\)\. Update the extension or the gateway\./,
    );
    const clock = fail({ code: 'INVALID_REQUEST', message: 'device signature expired', details: { code: 'DEVICE_AUTH_SIGNATURE_EXPIRED' } });
    assert.equal(clock.action, 'check-clock');
    assert.equal(fail({ code: 'UNAVAILABLE', message: 'restarting', retryable: true, retryAfterMs: 1000 }), undefined, 'a retryable error is not a failure');
  });
});
