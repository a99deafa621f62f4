import type * as vscode from 'vscode';
import type { CredentialStore } from '../gateway/credential-store';

/** The gateway client's secrets (device key, device tokens) in VS Code's SecretStorage. */
export class SecretCredentialStore implements CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(key: string): Promise<string | undefined> {
    return this.secrets.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    await this.secrets.store(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.secrets.delete(key);
  }
}
