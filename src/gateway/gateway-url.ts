/**
 * What a gateway URL may be, and the one way of naming the place it points at (its origin), which
 * every credential is stored under and bound to. A token or a device signature only ever travels
 * encrypted, or to this computer itself.
 */

export type GatewayUrlCheck = { ok: true; url: URL; origin: string } | { ok: false; reason: 'bad-url' | 'insecure-url'; message: string };

/** 127.0.0.0/8, ::1 and localhost: addresses that never leave this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/**
 * Checks a URL before anything is sent to it: a WebSocket URL, carrying no credentials of its own
 * (they would be logged and shown), and `wss://` unless the host is this computer.
 */
export function checkGatewayUrl(raw: string): GatewayUrlCheck {
  let url: URL;
  try {
    // The URL parser drops leading and trailing spaces itself.
    url = new URL(raw);
  } catch {
    return {
      ok: false,
      reason: 'bad-url',
      message: `"${redactUrl(raw)}" is not a URL. Set openclaw.gatewayUrl to ws://127.0.0.1:18789 for a local gateway, or wss://host:port for a remote one.`,
    };
  }
  const shown = redactUrl(url.href);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return { ok: false, reason: 'bad-url', message: `${shown} is not a WebSocket URL: it must start with wss:// (or ws:// for a gateway on this computer).` };
  }
  if (url.username || url.password || url.search) {
    return {
      ok: false,
      reason: 'bad-url',
      message: `${shown} carries credentials in the URL, where they would be logged and shown: remove them, and set the token with "OpenClaw: Set Gateway Token".`,
    };
  }
  if (url.protocol === 'ws:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      reason: 'insecure-url',
      message: `${shown} is not encrypted and not on this computer: the token and this device's signature would cross the network in the clear. Use wss:// (TLS) for a remote gateway.`,
    };
  }
  return { ok: true, url, origin: gatewayOrigin(url) };
}

/** `ws://host:port` with the port always written: the key credentials are stored under. */
export function gatewayOrigin(url: string | URL): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'wss:' ? '443' : '80');
  return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
}

/** The origin of `raw`, or undefined when it is not a URL. */
export function tryGatewayOrigin(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return gatewayOrigin(raw);
  } catch {
    return undefined;
  }
}

/**
 * A URL with any credentials it carries replaced by "***" (user:password@, query values), for
 * log lines and messages. Text that is not a URL comes back as it was, cut to 200 characters.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw
      .replace(/\/\/[^/@\s]*@/g, '//***@')
      .replace(/\?.*/s, '?***')
      .slice(0, 200);
  }
  if (!url.username && !url.password && !url.search && !url.hash) return raw.trim();
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  if (url.search) url.search = '?***';
  url.hash = '';
  return url.href;
}
