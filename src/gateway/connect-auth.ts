/**
 * What the client proves in `connect`: which token it presents, the device's signature over it, and
 * whether a refused token is worth one more try with the other one. Kept apart from the socket
 * layer because these are the rules about secrets (what is sent, stored and deleted), and they
 * should read in one place.
 */

import { MAX_PROTOCOL, MIN_PROTOCOL, type ConnectChallenge, type ConnectParams, type HelloOk } from '../protocol/gateway';
import type { GatewayClientOptions } from './client-options';
import { CAPS, CLIENT_ID, CLIENT_MODE, ROLE, SCOPES, storeDeviceTokenKey } from './constants';
import { DeviceIdentity } from './device-identity';
import type { GatewayRequestError } from './errors';
import { isRecord } from './frames';

/** The options the credentials come from (the client's own options object). */
export type ConnectAuthOptions = Pick<GatewayClientOptions, 'token' | 'store' | 'clientVersion' | 'platform'>;

/** The credentials of one client, across its connections and reconnections. */
export class ConnectAuth {
  private device: DeviceIdentity | undefined;
  private sharedToken: string | undefined;
  private useDeviceTokenOnly = false;
  private deviceTokenRetried = false;
  private haveDeviceToken = false;

  constructor(
    private readonly options: ConnectAuthOptions,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {
    this.sharedToken = options.token || undefined;
  }

  /** The shared token, for redacting it from log lines. */
  get token(): string | undefined {
    return this.sharedToken;
  }

  /** Uses a new shared token (or none) from the next `connect` on, in preference to the device token. */
  setToken(token: string | undefined): void {
    this.sharedToken = token || undefined;
    this.useDeviceTokenOnly = false;
  }

  /** Allows the one retry with the device token again (a person asked to reconnect). */
  allowDeviceTokenRetry(): void {
    this.deviceTokenRetried = false;
  }

  /** The `connect` params answering `challenge`, signed by this machine's device key. */
  async connectParams(endpoint: string, challenge: ConnectChallenge): Promise<ConnectParams> {
    this.device ??= await DeviceIdentity.load(this.options.store);
    const deviceToken = await this.options.store.get(storeDeviceTokenKey(endpoint));
    this.haveDeviceToken = !!deviceToken;
    const auth: ConnectParams['auth'] = {};
    if (this.sharedToken && !this.useDeviceTokenOnly) auth.token = this.sharedToken;
    else if (deviceToken) auth.deviceToken = deviceToken;
    const platform = this.options.platform ?? process.platform;
    const device = this.device.prove({
      clientId: CLIENT_ID,
      clientMode: CLIENT_MODE,
      role: ROLE,
      scopes: SCOPES,
      token: auth.token ?? auth.deviceToken ?? '',
      nonce: challenge.nonce,
      signedAt: challenge.ts,
      platform,
    });
    return {
      minProtocol: MIN_PROTOCOL,
      maxProtocol: MAX_PROTOCOL,
      client: { id: CLIENT_ID, version: this.options.clientVersion, platform, mode: CLIENT_MODE },
      role: ROLE,
      scopes: [...SCOPES],
      caps: [...CAPS],
      auth,
      userAgent: `openclaw-vscode/${this.options.clientVersion}`,
      device,
    };
  }

  /** Keeps the device token a `hello-ok` hands out, and allows the one device-token retry again. */
  onHello(endpoint: string, hello: HelloOk): void {
    this.deviceTokenRetried = false;
    const deviceToken = hello.auth?.deviceToken;
    if (typeof deviceToken === 'string' && deviceToken) {
      this.options.store.set(storeDeviceTokenKey(endpoint), deviceToken).catch((error: Error) => this.log('warn', `could not store the device token: ${error.message}`));
    }
  }

  /**
   * After the gateway refused `connect`: drops a device token it no longer accepts, and returns
   * true when connecting again at once with the other token is worth it.
   */
  retryAfterRefusal(endpoint: string, error: GatewayRequestError): boolean {
    const code = error.detailCode;
    // A rejected shared token may still be fine as a device token, once. The gateway offers this
    // even to a device it never paired, so only a device token we actually hold is worth a try.
    if (code === 'AUTH_TOKEN_MISMATCH' && canRetryWithDeviceToken(error.details) && this.haveDeviceToken && !this.deviceTokenRetried) {
      this.deviceTokenRetried = true;
      this.useDeviceTokenOnly = true;
      this.log('info', 'the shared token was refused; retrying once with the device token');
      return true;
    }
    if (code === 'AUTH_DEVICE_TOKEN_MISMATCH' || code === 'DEVICE_TOKEN_MISMATCH') {
      void this.options.store.delete(storeDeviceTokenKey(endpoint));
      if (this.sharedToken && this.useDeviceTokenOnly) {
        this.useDeviceTokenOnly = false;
        return true;
      }
    }
    return false;
  }
}

function canRetryWithDeviceToken(details: unknown): boolean {
  return isRecord(details) && details.canRetryWithDeviceToken === true;
}
