import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { DeviceProof } from '../protocol/gateway';
import type { CredentialStore } from './credential-store';
import { STORE_DEVICE_KEY } from './constants';

/** The fields of a connect request that the device signature covers. */
export interface SignedFields {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  /** The auth token actually sent: shared token, else device token, else empty. */
  token: string;
  nonce: string;
  signedAt: number;
  platform: string;
  deviceFamily?: string;
}

/**
 * The v3 string the gateway verifies:
 * `v3|deviceId|clientId|clientMode|role|scopes,joined|signedAt|token|nonce|platform|deviceFamily`
 * with platform and device family lowercased.
 */
export function signaturePayload(deviceId: string, f: SignedFields): string {
  return [
    'v3',
    deviceId,
    f.clientId,
    f.clientMode,
    f.role,
    f.scopes.join(','),
    String(f.signedAt),
    f.token,
    f.nonce,
    f.platform.toLowerCase(),
    (f.deviceFamily ?? '').toLowerCase(),
  ].join('|');
}

/** An Ed25519 key pair that identifies this installation to the gateway. */
export class DeviceIdentity {
  /** Lowercase hex SHA-256 of the raw 32-byte public key. */
  readonly id: string;
  /** base64url (no padding) of the raw 32-byte public key. */
  readonly publicKey: string;

  private constructor(private readonly privateKey: KeyObject) {
    const raw = rawPublicKey(createPublicKey(privateKey));
    this.id = createHash('sha256').update(raw).digest('hex');
    this.publicKey = raw.toString('base64url');
  }

  /** A fresh key pair. */
  static generate(): DeviceIdentity {
    return new DeviceIdentity(generateKeyPairSync('ed25519').privateKey);
  }

  /** Restores a key from its PKCS#8 PEM form. */
  static fromPem(pem: string): DeviceIdentity {
    return new DeviceIdentity(createPrivateKey(pem));
  }

  /** Loads the key from the store, creating and saving one the first time. */
  static async load(store: CredentialStore): Promise<DeviceIdentity> {
    const saved = await store.get(STORE_DEVICE_KEY);
    if (saved) {
      try {
        return DeviceIdentity.fromPem(saved);
      } catch {
        // A damaged key cannot be repaired; a new one means pairing again, which loopback does silently.
      }
    }
    const created = DeviceIdentity.generate();
    await store.set(STORE_DEVICE_KEY, created.toPem());
    return created;
  }

  toPem(): string {
    return this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  /** The `device` block of a connect request, signed for this challenge. */
  prove(fields: SignedFields): DeviceProof {
    const payload = signaturePayload(this.id, fields);
    const signature = sign(null, Buffer.from(payload), this.privateKey).toString('base64url');
    return { id: this.id, publicKey: this.publicKey, signature, signedAt: fields.signedAt, nonce: fields.nonce };
  }
}

/** The raw 32 bytes of an Ed25519 public key (its SPKI DER ends with them). */
function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}
