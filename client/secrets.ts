/**
 * Secrets live only in VS Code's SecretStorage (the OS keychain where there is one). The worker
 * asks for one when a job needs it (`archive/getSecret`); nothing secret is written to settings,
 * the vault, or the log.
 */
import type * as vscode from 'vscode';
import type { SecretRequests } from '../shared/protocol';

const KEY_PREFIX = 'vaultArchiver.';

export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(name: SecretRequests.SecretName): Promise<string | null> {
    return (await this.storage.get(KEY_PREFIX + name)) ?? null;
  }

  async set(name: SecretRequests.SecretName, value: string): Promise<void> {
    await this.storage.store(KEY_PREFIX + name, value);
  }

  async delete(name: SecretRequests.SecretName): Promise<void> {
    await this.storage.delete(KEY_PREFIX + name);
  }
}
