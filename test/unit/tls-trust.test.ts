/**
 * Whether a `wss://` gateway's certificate may be used (tls-trust.ts): the pin is binding, the
 * system's trust is the fallback, and a certificate that cannot be read is never used. Pure: the
 * socket is reduced to what the check reads from it (test/unit/remote.test.ts runs it on real TLS).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { checkCertificate, normalizeFingerprint } from '../../src/gateway/tls-trust';

const URL = 'wss://gw.example:8443';
const HEX = 'ab'.repeat(31) + 'c9';
const FP = `${'AB:'.repeat(31)}C9`;
const OTHER = `${'AB:'.repeat(31)}C8`;

function socket(fields: { fingerprint256?: string; reused?: boolean; authorized?: boolean; authorizationError?: Error | string; noCert?: boolean }) {
  return {
    getPeerCertificate: () => (fields.noCert ? undefined : { fingerprint256: fields.fingerprint256 }),
    isSessionReused: () => fields.reused ?? false,
    authorized: fields.authorized ?? false,
    authorizationError: fields.authorizationError,
  } as unknown as TLSSocket;
}

describe('fingerprints', () => {
  it('are upper-case hex pairs joined by colons, whatever the separators given', () => {
    assert.equal(normalizeFingerprint(HEX), FP);
    assert.equal(normalizeFingerprint(FP.toLowerCase()), FP);
    assert.equal(normalizeFingerprint(` ${HEX.slice(0, 10)} ${HEX.slice(10)}\n`), FP);
  });

  it('anything but 32 bytes of hex is not one', () => {
    for (const raw of [undefined, '', HEX.slice(2), HEX + 'ab', HEX.slice(2) + 'zz', `${HEX}-`, 'sha256:' + HEX]) {
      assert.equal(normalizeFingerprint(raw), undefined, String(raw));
    }
  });
});

describe('checking a certificate', () => {
  it('a pinned certificate is used, even one the system does not trust', () => {
    assert.equal(checkCertificate(URL, socket({ fingerprint256: FP.toLowerCase() }), FP), undefined);
  });

  it('any other certificate than the pinned one is refused, even one the system trusts', () => {
    const failed = checkCertificate(URL, socket({ fingerprint256: OTHER, authorized: true }), FP);
    assert.deepEqual(failed, {
      kind: 'failed',
      url: URL,
      reason: 'tls-pin-mismatch',
      action: 'check-url',
      fingerprint: OTHER,
      message: `The certificate of ${URL} changed: it is SHA-256 ${OTHER}, but you trusted ${FP}. Nothing was sent. If the gateway's certificate was renewed on purpose, check the new fingerprint on the gateway host and run "OpenClaw: Forget Trusted Certificate", then trust the new one; otherwise someone may be in between.`,
    });
  });

  it('with no pin, the system decides', () => {
    assert.equal(checkCertificate(URL, socket({ fingerprint256: FP, authorized: true }), undefined), undefined);
    const failed = checkCertificate(URL, socket({ fingerprint256: FP, authorizationError: new Error('DEPTH_ZERO_SELF_SIGNED_CERT') }), undefined);
    assert.deepEqual(failed, {
      kind: 'failed',
      url: URL,
      reason: 'tls-untrusted',
      action: 'trust-certificate',
      code: 'Error: DEPTH_ZERO_SELF_SIGNED_CERT',
      fingerprint: FP,
      message: `This computer does not trust the certificate of ${URL} (Error: DEPTH_ZERO_SELF_SIGNED_CERT). If it is your gateway's self-signed certificate, compare its SHA-256 fingerprint ${FP} with the one on the gateway host (openssl x509 -noout -fingerprint -sha256 -in <cert>) and trust it. Nothing was sent.`,
    });
  });

  it('an untrusted certificate with no reason given still says why', () => {
    const failed = checkCertificate(URL, socket({ fingerprint256: FP }), undefined);
    assert.equal(failed?.kind === 'failed' && failed.code, 'not trusted by this computer');
  });

  it('a certificate that cannot be read is never used, pinned or trusted', () => {
    const expected = (why: string) => ({
      kind: 'failed',
      url: URL,
      reason: 'tls',
      action: 'check-url',
      message: `The gateway at ${URL} presented no certificate: ${why}. Nothing was sent.`,
    });
    assert.deepEqual(checkCertificate(URL, socket({ noCert: true, authorized: true }), FP), expected('check the URL'));
    assert.deepEqual(checkCertificate(URL, socket({ fingerprint256: 'junk', authorized: true }), undefined), expected('check the URL'));
    assert.deepEqual(
      checkCertificate(URL, socket({ reused: true, authorized: true }), undefined),
      expected('the TLS session was resumed, so its certificate could not be checked; reconnect'),
    );
  });
});
