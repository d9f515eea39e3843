/**
 * The Telegram session and API credentials kept as two named secrets (VS Code SecretStorage,
 * reached by the worker over `archive/getSecret` / `archive/setSecret`): 'telegramSession' holds
 * the StringSession string, 'telegramApiCredentials' `{ apiId, apiHash }` as JSON.
 */
import type { TelegramSecretStore } from './account';
import type { TelegramApiCredentials } from './client';

export type TelegramSecretName = 'telegramSession' | 'telegramApiCredentials';

export interface NamedSecrets {
  get(name: TelegramSecretName): Promise<string | null | undefined>;
  set(name: TelegramSecretName, value: string | null): Promise<void>;
}

export function namedSecretStore(secrets: NamedSecrets): TelegramSecretStore {
  return {
    session: async () => (await secrets.get('telegramSession')) || undefined,
    apiCredentials: async () => parseApiCredentials(await secrets.get('telegramApiCredentials')),
    async saveSignIn(session, credentials) {
      await secrets.set('telegramApiCredentials', JSON.stringify({ apiId: credentials.apiId, apiHash: credentials.apiHash }));
      await secrets.set('telegramSession', session);
    },
    deleteSession: () => secrets.set('telegramSession', null),
  };
}

/** `{ apiId, apiHash }` from JSON; undefined for anything else (a damaged entry is as good as none). */
export function parseApiCredentials(text: string | null | undefined): TelegramApiCredentials | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { apiId?: unknown; apiHash?: unknown };
    const apiId = typeof v.apiId === 'string' ? Number(v.apiId) : v.apiId;
    return typeof apiId === 'number' && Number.isSafeInteger(apiId) && typeof v.apiHash === 'string' ? { apiId, apiHash: v.apiHash } : undefined;
  } catch {
    return undefined;
  }
}
