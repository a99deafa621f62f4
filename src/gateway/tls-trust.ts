/**
 * Whether a `wss://` gateway's certificate is trusted: by the system's trust store (chain and host
 * name), or by the SHA-256 fingerprint a person accepted once for that gateway (a self-signed
 * gateway). A pinned fingerprint is binding: any other certificate is refused, even one the system
 * trusts, so a changed certificate can never pass silently. The check runs on the TLS socket before
 * the gateway's challenge is answered: nothing secret has been sent when it refuses.
 */

import type { TLSSocket } from 'node:tls';
import type { FailedState } from './connection-state';

/**
 * A fingerprint in the one form pins are stored and compared in (`AB:CD:…`, 32 upper-case hex
 * pairs: how Node, OpenSSL and browsers show a SHA-256 fingerprint), or undefined when it is not one.
 */
export function normalizeFingerprint(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const hex = raw.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/**
 * Sorts the certificate of a TLS socket that connected without rejecting anything: undefined when
 * it may be used, else the failure a person must act on (trust it, or find out why it changed).
 */
export function checkCertificate(url: string, socket: TLSSocket, pinned: string | undefined): FailedState | undefined {
  const fingerprint = normalizeFingerprint(socket.getPeerCertificate()?.fingerprint256);
  if (!fingerprint) {
    // A resumed session carries no certificate: it cannot be checked, so it is not used.
    const why = socket.isSessionReused() ? 'the TLS session was resumed, so its certificate could not be checked; reconnect' : 'check the URL';
    return { kind: 'failed', url, reason: 'tls', action: 'check-url', message: `The gateway at ${url} presented no certificate: ${why}. Nothing was sent.` };
  }
  if (pinned) {
    if (fingerprint === pinned) return undefined;
    return {
      kind: 'failed',
      url,
      reason: 'tls-pin-mismatch',
      action: 'check-url',
      fingerprint,
      message: `The certificate of ${url} changed: it is SHA-256 ${fingerprint}, but you trusted ${pinned}. Nothing was sent. If the gateway's certificate was renewed on purpose, check the new fingerprint on the gateway host and run "OpenClaw: Forget Trusted Certificate", then trust the new one; otherwise someone may be in between.`,
    };
  }
  if (socket.authorized) return undefined;
  const why = String(socket.authorizationError ?? 'not trusted by this computer');
  return {
    kind: 'failed',
    url,
    reason: 'tls-untrusted',
    action: 'trust-certificate',
    code: why,
    fingerprint,
    message: `This computer does not trust the certificate of ${url} (${why}). If it is your gateway's self-signed certificate, compare its SHA-256 fingerprint ${fingerprint} with the one on the gateway host (openssl x509 -noout -fingerprint -sha256 -in <cert>) and trust it. Nothing was sent.`,
  };
}
