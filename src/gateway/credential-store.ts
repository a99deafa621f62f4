/**
 * Where the client keeps its secrets: the device's private key and the device tokens the gateway
 * issues. The extension backs it with VS Code's SecretStorage; tests back it with memory.
 */
export interface CredentialStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Forgets every secret in the store. */
  clear(): Promise<void>;
}

/** A store that lives as long as the process: for tests, benchmarks and one-off scripts. */
export class MemoryCredentialStore implements CredentialStore {
  readonly values = new Map<string, string>();

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }

  set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.values.clear();
    return Promise.resolve();
  }
}
