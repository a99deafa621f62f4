/**
 * A self-signed TLS certificate made for one test run, like the one a person makes for a gateway on
 * a home server: OpenSSL (Debian's `openssl`) writes it, Node reads its SHA-256 fingerprint the
 * way the extension shows it.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SelfSignedCert {
  key: string;
  cert: string;
  /** `AB:CD:…` (SHA-256), as the extension shows and stores it. */
  fingerprint: string;
}

/** A new EC key and a certificate for `hosts` (DNS names or IPv4 addresses), valid for a day. */
export function makeSelfSignedCert(hosts: string[] = ['localhost', '127.0.0.1']): SelfSignedCert {
  const dir = mkdtempSync(path.join(tmpdir(), 'openclaw-cert-'));
  try {
    const san = hosts.map((h) => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        `/CN=${hosts[0]}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const cert = readFileSync(certFile, 'utf8');
    return { key: readFileSync(keyFile, 'utf8'), cert, fingerprint: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
