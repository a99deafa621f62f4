// When a starting gateway is ready: it completes a handshake.
import WebSocket from 'ws';

export type ProbeResult = { ready: true } | { ready: false; fatal?: string };

/**
 * One readiness probe: a token-only handshake. `connect.challenge` alone is not enough: the gateway
 * sends it while still starting its sidecars and then answers `connect` with
 * UNAVAILABLE {details.reason: "startup-sidecars"}. A device-less `gateway-client`/`backend`
 * connection pairs nothing and leaves no state behind. Any other handshake error (a token
 * mismatch, say) will not heal by waiting, so it is reported as fatal.
 */
export function probeHandshake(url: string, token: string, timeoutMs = 5000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    // A wss:// test gateway has a self-signed certificate the probe need not trust: it sends only the token.
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, ...(url.startsWith('wss:') ? { rejectUnauthorized: false } : {}) });
    const done = (result: ProbeResult) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'harness probe');
      else ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ready: false }), timeoutMs);
    ws.on('message', (data: Buffer) => {
      let frame: { type?: string; event?: string; ok?: boolean; error?: { code?: string; message?: string; retryable?: boolean } };
      try {
        frame = JSON.parse(String(data));
      } catch {
        return done({ ready: false });
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        const params = {
          minProtocol: 3,
          maxProtocol: 4,
          client: { id: 'gateway-client', version: 'harness-probe', platform: process.platform, mode: 'backend' },
          role: 'operator',
          scopes: [],
          caps: [],
          auth: { token },
        };
        ws.send(JSON.stringify({ type: 'req', id: 'harness-probe', method: 'connect', params }));
      } else if (frame.type === 'res') {
        if (frame.ok) return done({ ready: true });
        const err = frame.error ?? {};
        done(err.code === 'UNAVAILABLE' || err.retryable ? { ready: false } : { ready: false, fatal: `${err.code}: ${err.message}` });
      }
    });
    ws.on('error', () => done({ ready: false }));
    ws.on('close', () => done({ ready: false }));
  });
}
