import type * as vscode from 'vscode';
import type { CredentialStore } from '../../gateway/credential-store';

/** Where the list of every key this store wrote is kept, so that all of them can be forgotten. */
const INDEX_KEY = 'openclaw.secretKeys';
/** The one token of older versions, for whichever gateway was configured then. */
export const LEGACY_TOKEN_KEY = 'openclaw.gatewayToken';

/**
 * Every secret of the extension (the device key, device tokens and gateway tokens, each per gateway
 * origin) in VS Code's SecretStorage. SecretStorage cannot list its keys, so this store keeps an
 * index of its own: "Clear Credentials" must reach the tokens of every gateway ever used.
 */
export class SecretCredentialStore implements CredentialStore {
  /** Writes to the index one after another: two at once would each drop the other's key. */
  private indexWrites: Promise<unknown> = Promise.resolve();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(key: string): Promise<string | undefined> {
    return this.secrets.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    await this.updateIndex((keys) => keys.add(key));
    await this.secrets.store(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.secrets.delete(key);
    await this.updateIndex((keys) => keys.delete(key));
  }

  /** Forgets every secret this store (or an older version of the extension) wrote. */
  async clear(): Promise<void> {
    const keys = await this.readIndex();
    for (const key of [...keys, LEGACY_TOKEN_KEY]) await this.secrets.delete(key);
    await this.secrets.delete(INDEX_KEY);
  }

  private async readIndex(): Promise<Set<string>> {
    try {
      const parsed: unknown = JSON.parse((await this.secrets.get(INDEX_KEY)) ?? '[]');
      return new Set(Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []);
    } catch {
      return new Set();
    }
  }

  private updateIndex(change: (keys: Set<string>) => void): Promise<void> {
    const next = this.indexWrites.then(async () => {
      const keys = await this.readIndex();
      change(keys);
      await this.secrets.store(INDEX_KEY, JSON.stringify([...keys]));
    });
    this.indexWrites = next.catch(() => undefined);
    return next;
  }
}
