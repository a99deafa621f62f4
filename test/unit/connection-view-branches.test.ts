/**
 * Every view connectionView() can give, asserted whole (kind, title, detail, actions): each is what
 * a person reads in the chat banner, so a changed word or a lost button is a bug. The mutation run
 * showed these branches were reached by no test, or only their `kind` was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionState, FailedState } from '../../src/gateway/connection-state';
import { chatBanner, connectionView, limitedView } from '../../src/extension/connection-view';

const URL = 'wss://gateway.example:443';
const SET = '"OpenClaw: Set Gateway Token"';
const failed = (fields: Partial<FailedState>): FailedState => ({
  kind: 'failed',
  url: URL,
  reason: 'rejected',
  message: 'What failed.',
  action: 'reconnect',
  ...fields,
});
const connected: ConnectionState = { kind: 'connected', url: URL, serverVersion: '2026.9.6', protocol: 4, scopes: [], mainSessionKey: 'agent:main:main' };
const reconnect = { id: 'reconnect', label: 'Reconnect' };
const showLog = { id: 'showLog', label: 'Show Log' };
const setToken = { id: 'setToken', label: 'Set Token' };

describe('every connection view, word for word', () => {
  it('idle and connecting: the URL only while connecting', () => {
    assert.deepEqual(connectionView({ kind: 'idle' }, { tokenSource: 'none' }), {
      kind: 'connecting',
      title: 'Connecting to the OpenClaw gateway…',
      detail: undefined,
      actions: [],
    });
    assert.deepEqual(connectionView({ kind: 'connecting', url: URL, attempt: 1 }, { tokenSource: 'none' }), {
      kind: 'connecting',
      title: 'Connecting to the OpenClaw gateway…',
      detail: URL,
      actions: [],
    });
  });

  it('connected: names the config file only when the token came from it', () => {
    const plain = { kind: 'connected', title: 'Connected to OpenClaw 2026.9.6', detail: undefined, actions: [] };
    assert.deepEqual(connectionView(connected, { tokenSource: 'secret', configPath: '/x/openclaw.json' }), plain);
    assert.deepEqual(connectionView(connected, { tokenSource: 'config' }), plain);
    assert.deepEqual(connectionView(connected, { tokenSource: 'env' }, { approvals: 'ok', questions: 'ok' }), plain);
  });

  it('limited: which scope is missing decides the title; an old gateway says to update', () => {
    const qOnly = limitedView('2026.9.6', { approvals: 'ok', questions: 'missing-scope' })!;
    assert.equal(qOnly.title, "Connected, but VS Code cannot answer the agent's questions");
    assert.equal(
      qOnly.detail,
      `The gateway did not grant this VS Code operator.questions, so it sends it nothing to decide: commands that need approval are denied and questions go unanswered. Set the gateway's token with ${SET} (on this computer the gateway then grants them), or approve this device's new permissions on the gateway host ("openclaw devices list", "openclaw devices approve <requestId>"), then reconnect.`,
    );
    assert.deepEqual(qOnly.actions, [setToken, reconnect]);
    assert.match(limitedView('x', { approvals: 'missing-scope', questions: 'ok' })!.detail!, /did not grant this VS Code operator\.approvals, so/);
    assert.deepEqual(limitedView('2026.4.27', { approvals: 'unsupported', questions: 'unsupported' }), {
      kind: 'limited',
      title: "Connected, but VS Code cannot approve the agent's commands",
      detail:
        'OpenClaw 2026.4.27 does not send exec approvals to editors: commands that need approval wait for another client or are denied. Update OpenClaw on the gateway host, then reconnect.',
      actions: [reconnect],
    });
    assert.equal(limitedView('x', { approvals: 'ok', questions: 'unsupported' }), undefined, 'no questions at all: nothing to say');
    assert.equal(limitedView('x', { approvals: 'offline', questions: 'offline' }), undefined);
  });

  it('reconnecting: each cause in words, the countdown rounded up, the reason capitalised', () => {
    const at = (cause: 'unreachable' | 'restarting' | 'silent' | 'closed', nextAttemptAt: number, now: number) =>
      connectionView(
        { kind: 'reconnecting', url: URL, attempt: 2, delayMs: 2000, nextAttemptAt, reason: 'the socket closed', cause },
        { tokenSource: 'none' },
        undefined,
        now,
      );
    assert.deepEqual(at('closed', 2_001, 1_000), {
      kind: 'reconnecting',
      title: 'Connection lost — reconnecting in 2 s',
      detail: 'The socket closed.',
      actions: [
        { id: 'reconnect', label: 'Retry now' },
        { id: 'showLog', label: 'Show Log' },
      ],
    });
    assert.equal(at('silent', 1_000, 1_000).title, 'Gateway not responding — reconnecting…');
    assert.equal(at('silent', 500, 1_000).title, 'Gateway not responding — reconnecting…', 'a past due time is not a negative countdown');
    assert.equal(at('restarting', 1_999, 1_000).title, 'Gateway restarting — reconnecting in 1 s');
  });

  it('closed: a button to connect', () => {
    assert.deepEqual(connectionView({ kind: 'closed' }, { tokenSource: 'none' }), {
      kind: 'closed',
      title: 'Disconnected',
      actions: [{ id: 'reconnect', label: 'Connect' }],
    });
  });

  it('scope upgrade: the message as it is, with both buttons', () => {
    assert.deepEqual(connectionView(failed({ reason: 'scope-upgrade', action: 'set-token' }), { tokenSource: 'secret' }), {
      kind: 'failed',
      title: 'Approve the new permissions',
      detail: 'What failed.',
      actions: [setToken, reconnect],
    });
  });

  it('no token at all: unconfigured, for both refusals, with the config problem first', () => {
    const view = connectionView(failed({ reason: 'auth-required', action: 'set-token' }), { tokenSource: 'none', configProblem: 'openclaw.json is not JSON.' });
    assert.deepEqual(view, {
      kind: 'unconfigured',
      title: 'Set your gateway token',
      detail: `openclaw.json is not JSON. No token is set for this gateway. Run ${SET} and paste its token (gateway.auth.token in that gateway's openclaw.json).`,
      actions: [setToken],
    });
    assert.equal(connectionView(failed({ reason: 'auth-token-mismatch', action: 'set-token' }), { tokenSource: 'none' }).kind, 'unconfigured');
    assert.equal(
      connectionView(failed({ reason: 'pairing-required', action: 'set-token' }), { tokenSource: 'none' }).kind,
      'failed',
      'another reason: not unconfigured',
    );
  });

  it('wrong token: where it came from, the code or else the reason', () => {
    const view = connectionView(failed({ reason: 'auth-token-mismatch', action: 'set-token' }), { tokenSource: 'secret' });
    assert.deepEqual(view, {
      kind: 'failed',
      title: 'Wrong gateway token',
      detail: `The token set with ${SET} was refused by the gateway (auth-token-mismatch). Set the right one with ${SET}.`,
      actions: [setToken, showLog],
    });
    assert.match(
      connectionView(failed({ action: 'set-token', code: 'X' }), { tokenSource: 'config' }).detail!,
      /^The token in the gateway's openclaw\.json \(gateway\.auth\.token\) was refused by the gateway \(X\)\./,
    );
    assert.match(connectionView(failed({ action: 'set-token' }), { tokenSource: 'none', origin: URL }).detail!, /^Connecting without a token was refused/);
  });

  it('pairing: waits by itself when the client retries, and says so', () => {
    const approve = { id: 'approvePairing', label: 'Copy Approve Command' };
    assert.deepEqual(connectionView(failed({ reason: 'pairing-required', action: 'approve-pairing', retryAt: 5 }), { tokenSource: 'secret' }), {
      kind: 'failed',
      title: 'Pairing required',
      detail: 'What failed. Waiting for the approval: this chat continues by itself once it is given.',
      actions: [approve, { id: 'reconnect', label: 'I Approved It' }],
    });
    const upgrade = connectionView(failed({ action: 'approve-pairing', message: 'Approve the new permissions of this device.' }), { tokenSource: 'secret' });
    assert.deepEqual(upgrade, {
      kind: 'failed',
      title: 'Approve the new permissions',
      detail: 'Approve the new permissions of this device.',
      actions: [approve, reconnect],
    });
  });

  it('certificate, URL, update and the rest: each title and its buttons', () => {
    const settings = { id: 'openSettings', label: 'Open Settings' };
    assert.deepEqual(connectionView(failed({ reason: 'tls-untrusted', action: 'trust-certificate' }), { tokenSource: 'none' }), {
      kind: 'failed',
      title: "Trust this gateway's certificate?",
      detail: 'What failed.',
      actions: [{ id: 'trustCertificate', label: 'Trust Certificate…' }, settings],
    });
    const url = (reason: FailedState['reason']) => connectionView(failed({ reason, action: 'check-url' }), { tokenSource: 'none' });
    assert.deepEqual(url('bad-url'), {
      kind: 'failed',
      title: 'Bad gateway URL',
      detail: 'What failed.',
      actions: [settings, { id: 'reconnect', label: 'Retry' }],
    });
    assert.equal(url('tls').title, 'Secure connection failed');
    assert.equal(url('tls-pin-mismatch').title, "The gateway's certificate changed");
    assert.equal(url('insecure-url').title, 'Use wss:// for a remote gateway');
    const update = (reason: FailedState['reason']) => connectionView(failed({ reason, action: 'update' }), { tokenSource: 'none' });
    assert.deepEqual(update('protocol-mismatch'), { kind: 'failed', title: 'Update needed', detail: 'What failed.', actions: [reconnect, showLog] });
    assert.equal(update('bad-hello').title, 'Gateway not supported');
    assert.deepEqual(connectionView(failed({ action: 'check-clock' }), { tokenSource: 'none' }), {
      kind: 'failed',
      title: 'Cannot connect to the gateway',
      detail: 'What failed.',
      actions: [reconnect, showLog],
    });
  });

  it('the banner follows the client state it was made with', () => {
    const client: { state: ConnectionState } = { state: { kind: 'idle' } };
    const banner = chatBanner(client, { tokenSource: 'none' }, { route: { approvals: 'missing-scope', questions: 'ok' } });
    assert.equal(banner().kind, 'connecting');
    client.state = connected;
    assert.equal(banner().kind, 'limited');
  });
});
