/**
 * The gateway config the harness writes (openclaw.json, which holds gateway.auth.token) is the
 * owner's alone: the file 0600, its folder 0700, whether they are new or left readable by an
 * earlier run. No gateway is started: this is the same function startGateway() calls.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeGatewayConfig, type GatewayConfigOptions } from '../../tools/gateway/config';
import { OPENCLAW_VERSION } from '../../tools/versions';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('the gateway config written by the harness', () => {
  let root: string;
  let umask: number;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'owner-only-'));
    // The usual umask: without explicit modes, new files would be 0644 and folders 0755.
    umask = process.umask(0o022);
  });
  after(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  const options = (dir: string): GatewayConfigOptions => ({
    version: OPENCLAW_VERSION,
    port: 18789,
    token: 'secret-token-for-the-mode-test',
    modelBaseUrl: 'http://127.0.0.1:1/v1',
    workspace: path.join(dir, 'workspace'),
    logFile: path.join(dir, 'openclaw.log'),
  });

  it('is 0600 in a 0700 folder when both are new', () => {
    const stateDir = path.join(root, 'new', 'state');
    const file = writeGatewayConfig(stateDir, options(stateDir));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).gateway.auth.token, 'secret-token-for-the-mode-test');
    assert.equal(modeOf(file).toString(8), '600');
    assert.equal(modeOf(stateDir).toString(8), '700');
  });

  it('makes a state dir and config left readable by an earlier run owner-only', () => {
    const stateDir = path.join(root, 'reused', 'state');
    mkdirSync(stateDir, { recursive: true, mode: 0o755 });
    writeFileSync(path.join(stateDir, 'openclaw.json'), '{}\n', { mode: 0o644 });
    chmodSync(stateDir, 0o755);
    const file = writeGatewayConfig(stateDir, options(stateDir));
    assert.equal(modeOf(file).toString(8), '600');
    assert.equal(modeOf(stateDir).toString(8), '700');
  });
});
