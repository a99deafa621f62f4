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
import { isRecord } from '../protocol/schema';
import { gatewayOrigin } from './gateway-url';

/** The options the credentials come from (the client's own options object). */
export type ConnectAuthOptions = Pick<GatewayClientOptions, 'token' | 'store' | 'clientVersion' | 'platform'>;

/** The credentials of one client, across its connections and reconnections. */
export class ConnectAuth {
  private device: DeviceIdentity | undefined;
  private sharedToken: string | undefined;
  private useDeviceTokenOnly = false;
  private deviceTokenRetried = false;
  private scopeUpgradeRetried = false;
  private haveDeviceToken = false;
  /** Every token this client sent or was given, so that no log line or message shows one. */
  private readonly known = new Set<string>();

  constructor(
    private readonly options: ConnectAuthOptions,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {
    this.setToken(options.token);
  }

  /** Every secret string this client has handled, for redacting free text. */
  get secrets(): Iterable<string> {
    return this.known;
  }

  /** Uses a new shared token (or none) from the next `connect` on, in preference to the device token. */
  setToken(token: string | undefined): void {
    this.sharedToken = token || undefined;
    if (this.sharedToken) this.known.add(this.sharedToken);
    this.useDeviceTokenOnly = false;
  }

  /** Drops the device key held in memory and the shared token: the next `connect` pairs a new device. */
  forget(): void {
    this.device = undefined;
    this.sharedToken = undefined;
    this.useDeviceTokenOnly = false;
    this.haveDeviceToken = false;
  }

  /** Allows the one retry with each token again (a person asked to reconnect). */
  allowDeviceTokenRetry(): void {
    this.deviceTokenRetried = false;
    this.scopeUpgradeRetried = false;
  }

  /** The `connect` params answering `challenge`, signed by this machine's device key. */
  async connectParams(endpoint: string, challenge: ConnectChallenge): Promise<ConnectParams> {
    this.device ??= await DeviceIdentity.load(this.options.store);
    const deviceToken = await this.options.store.get(storeDeviceTokenKey(gatewayOrigin(endpoint)));
    this.haveDeviceToken = !!deviceToken;
    if (deviceToken) this.known.add(deviceToken);
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

  /**
   * Moves the device token a `hello-ok` hands out into the store (and out of the hello, which is
   * kept for its other fields), and allows the one device-token retry again.
   */
  onHello(endpoint: string, hello: HelloOk): void {
    this.deviceTokenRetried = false;
    this.scopeUpgradeRetried = false;
    const deviceToken = hello.auth?.deviceToken;
    if (!deviceToken) return;
    delete hello.auth!.deviceToken;
    this.known.add(deviceToken);
    this.options.store
      .set(storeDeviceTokenKey(gatewayOrigin(endpoint)), deviceToken)
      .catch((error: Error) => this.log('warn', `could not store the device token: ${error.message}`));
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
    // A device paired before this extension asked for approvals and questions holds a device token
    // for fewer scopes, which cannot widen them. The shared token can: on loopback the gateway then
    // grants the new scopes at once (and the same device token covers them from then on).
    if (code === 'AUTH_SCOPE_MISMATCH' && this.sharedToken && !this.scopeUpgradeRetried) {
      this.scopeUpgradeRetried = true;
      this.useDeviceTokenOnly = false;
      this.log('info', 'the device token does not cover the scopes asked for (approvals, questions); retrying once with the shared token');
      return true;
    }
    if (code === 'AUTH_DEVICE_TOKEN_MISMATCH' || code === 'DEVICE_TOKEN_MISMATCH') {
      void this.options.store.delete(storeDeviceTokenKey(gatewayOrigin(endpoint)));
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
