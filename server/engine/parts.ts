/**
 * The production engine parts the worker and the CLI share: every connector, in listing
 * priority, and a fresh metrics accumulator. Tests build ArchiveService with their own parts
 * (createConnectors takes a scripted importer).
 */
import type { Connector } from './connectors/connector';
import { RecordedSourcesConnector } from './connectors/recorded';
import { importTelegramExport, listImportedChats, removeImportedChat } from './connectors/telegram-export';
import { type ImporterPort, TelegramExportConnector } from './connectors/telegram-export/connector';
import { MetricsRecorder } from './metrics';
import type { LockAcquirer, MetricsPort, SearchPort, SearchVault } from './service/archiveService';
import { ArchiveSearch } from './search/archiveSearch';
import { readFile } from 'node:fs/promises';
import { API_KEY_HELP, UNIT_COST, googleYouTubeApi } from './connectors/youtube/api';
import { YouTubeConnector } from './connectors/youtube/connector';
import { UserError } from './errors';
import { parseTelegramRef, telegramSourceId } from './sources/refs';
import { TELEGRAM_DIR } from './vault/layout';
import { type VaultFs, nodeVaultFs } from './vault/vaultFs';
import { vaultLockAcquirer } from './vault/vaultLock';
import type { TelegramSecretStore } from './connectors/telegram-live/account';
import { type TelegramAccountPort, lazyTelegramAccount } from './connectors/telegram-live/lazyAccount';
import { type TelegramEndpoint, telegramEndpointFromEnv } from './connectors/telegram-live/endpoint';
import { sessionFilePath, sessionFileStore } from './connectors/telegram-live/sessionFile';
import { type LiveMediaContext, type LiveTelegramAccess, LiveTelegramConnector } from './connectors/telegram-live/connector';
import type { LiveMediaRegistry } from './connectors/telegram-live/media/types';

export const realImporter: ImporterPort = { importTelegramExport, listImportedChats, removeImportedChat };

/** Where the engine gets what differs between VS Code and the CLI: secrets and service addresses. */
export interface EngineEnvironment {
  /** The YouTube Data API key, or undefined when none is set. */
  youtubeApiKey(): Promise<string | undefined>;
  /** How to set the key, in the words of the surface the user is in. */
  readonly missingYouTubeKeyHelp: string;
  /** Root of Google's APIs; a local server in tests (VAULT_ARCHIVER_GOOGLE_ROOT_URL), Google otherwise. */
  readonly googleRootUrl?: string;
  /** Google Sheets credentials: a service account key file's text, or SheetsCredentials as JSON. */
  googleCredentials?(): Promise<string | undefined>;
  readonly missingSheetsCredentialsHelp?: string;
  /** OAuth token endpoint for refresh tokens (VAULT_ARCHIVER_GOOGLE_TOKEN_URL in tests); Google's otherwise. */
  readonly googleTokenUrl?: string;
  /** Where the Telegram session and API credentials are kept: SecretStorage, or the CLI's session file. */
  readonly telegramStore?: TelegramSecretStore;
  /** How to sign in to Telegram, in the words of the surface the user is in. */
  readonly telegramSignInHelp?: string;
  /**
   * Telegram's own DCs when absent or undefined; VAULT_ARCHIVER_TELEGRAM_SERVER (the sandbox in
   * tests) otherwise. Read when Telegram is first used, so a malformed value fails only Telegram's
   * commands, with its message, never an import or a search.
   */
  readonly telegramEndpoint?: () => TelegramEndpoint | undefined;
  /** Where live messages' files come from (tests); default: downloaded from Telegram (media/liveMediaSource.ts). */
  telegramMedia?(ctx: LiveMediaContext): LiveMediaRegistry;
}

/**
 * The CLI's environment: the key from VAULT_ARCHIVER_YOUTUBE_API_KEY or the file VAULT_ARCHIVER_YOUTUBE_API_KEY_FILE names;
 * the Telegram session from its file (sessionFile.ts), refused when it is inside `vault`.
 */
export function processEnvironment(env: NodeJS.ProcessEnv = process.env, vault?: string): EngineEnvironment {
  return {
    telegramStore: sessionFileStore(sessionFilePath(env), env, vault),
    telegramSignInHelp: 'Run "vault-archiver login" first.',
    telegramEndpoint: () => telegramEndpointFromEnv(env),
    async youtubeApiKey() {
      if (env.VAULT_ARCHIVER_YOUTUBE_API_KEY?.trim()) return env.VAULT_ARCHIVER_YOUTUBE_API_KEY.trim();
      const file = env.VAULT_ARCHIVER_YOUTUBE_API_KEY_FILE;
      if (!file) return undefined;
      try {
        return (await readFile(file, 'utf8')).trim() || undefined;
      } catch (err) {
        throw new UserError(`Could not read the YouTube API key file ${file} (VAULT_ARCHIVER_YOUTUBE_API_KEY_FILE): ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
      }
    },
    missingYouTubeKeyHelp: `Set VAULT_ARCHIVER_YOUTUBE_API_KEY, or VAULT_ARCHIVER_YOUTUBE_API_KEY_FILE to a file holding the key (keep it outside the vault). ${API_KEY_HELP}`,
    googleRootUrl: env.VAULT_ARCHIVER_GOOGLE_ROOT_URL || undefined,
    googleTokenUrl: env.VAULT_ARCHIVER_GOOGLE_TOKEN_URL || undefined,
    async googleCredentials() {
      const file = env.VAULT_ARCHIVER_GOOGLE_CREDENTIALS_FILE;
      if (!file) return undefined;
      try {
        return await readFile(file, 'utf8');
      } catch (err) {
        throw new UserError(`Could not read the Google credentials file ${file} (VAULT_ARCHIVER_GOOGLE_CREDENTIALS_FILE): ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
      }
    },
    missingSheetsCredentialsHelp:
      'Set VAULT_ARCHIVER_GOOGLE_CREDENTIALS_FILE to a service account key file (.json from Google Cloud Console → IAM & Admin → Service accounts → Keys), kept outside the vault, and share the spreadsheet with that account.',
  };
}

export function createConnectors(importer: ImporterPort = realImporter, fs: VaultFs = nodeVaultFs, environment: EngineEnvironment = processEnvironment(), telegram?: TelegramAccountPort): Connector[] {
  const live = telegram ? liveTelegramConnector(telegram, fs, environment) : undefined;
  return [
    // First: a chat added for live sync is synced live, even when it was imported from an export before.
    ...(live ? [live] : []),
    // Then: a chat imported from an export is that chat, whatever else names it.
    new TelegramExportConnector(importer),
    ...(live
      ? []
      : [
          new RecordedSourcesConnector({
            kind: 'telegram',
            origin: 'telegram-live',
            notesDir: TELEGRAM_DIR,
            fs,
            parse: (ref) => {
              const parsed = parseTelegramRef(ref);
              return { id: telegramSourceId(parsed), title: parsed.form === 'username' ? `@${parsed.value}` : String(parsed.value) };
            },
            unavailable: (title) => `${title}: Telegram live sync is not available yet. Import a Telegram Desktop export of this chat instead.`,
          }),
        ]),
    new YouTubeConnector({
      fs,
      apiKey: () => environment.youtubeApiKey(),
      missingKeyHelp: environment.missingYouTubeKeyHelp,
      makeApi: (apiKey, hooks) =>
        googleYouTubeApi({
          apiKey,
          rootUrl: environment.googleRootUrl,
          onCall: (method) => hooks.onUnits(UNIT_COST[method]),
          cache: hooks.cache,
          onNotModified: hooks.onNotModified,
          limiter: hooks.limiter,
        }),
      googleCredentials: environment.googleCredentials ? () => environment.googleCredentials!() : undefined,
      missingSheetsCredentialsHelp: environment.missingSheetsCredentialsHelp,
      googleRootUrl: environment.googleRootUrl,
      tokenUrl: environment.googleTokenUrl,
    }),
  ];
}

/** The signed-in Telegram account (one shared client for the process), when the environment keeps a session. */
export function createTelegramAccount(environment: EngineEnvironment): TelegramAccountPort | undefined {
  if (!environment.telegramStore) return undefined;
  return lazyTelegramAccount({ store: environment.telegramStore, endpoint: environment.telegramEndpoint, signInHelp: environment.telegramSignInHelp ?? 'Sign in to Telegram first.' });
}

/**
 * Live Telegram sync over the signed-in account. A chat the user names is resolved by the account
 * (its dialogs, @username, link or id) to the source an export import of that chat made, so the
 * notes continue; the shared client stays open between jobs and is closed with the account.
 */
function liveTelegramConnector(account: TelegramAccountPort, fs: VaultFs, environment: EngineEnvironment): LiveTelegramConnector {
  const access: LiveTelegramAccess = { client: (signal) => account.access.client(signal) };
  return new LiveTelegramConnector({
    access,
    fs,
    // Loaded when first used: these modules load GramJS (see lazyAccount.ts).
    identify: async (ref) => (await import('./connectors/telegram-live/resolve')).sourceOfChat(await account.resolve(ref)),
    resolve: async (_client, source, ctx) => (await import('./connectors/telegram-live/sync/resolveChat')).resolveSource(account, source, ctx.selfId, ctx.signal),
    mediaRegistry: async (ctx) => environment.telegramMedia?.(ctx) ?? new (await import('./connectors/telegram-live/media/liveMediaSource')).LiveMediaSource(ctx),
  });
}

/** The worker's parts: a job waits for another process (the CLI from cron, a second window) to finish with the vault. */
export function createEngineParts(environment: EngineEnvironment = processEnvironment()): {
  connectors: Connector[];
  metrics: MetricsPort;
  acquireLock: LockAcquirer;
  search: (vault: SearchVault) => SearchPort;
  telegram?: TelegramAccountPort;
} {
  const telegram = createTelegramAccount(environment);
  return {
    connectors: createConnectors(realImporter, nodeVaultFs, environment, telegram),
    metrics: new MetricsRecorder(),
    acquireLock: vaultLockAcquirer({ holder: 'VS Code (Vault Archiver)', wait: true }),
    search: searchIndexOf,
    telegram,
  };
}

/** The vault's search index, kept in step with the notes (search/archiveSearch.ts). */
export function searchIndexOf(vault: SearchVault): SearchPort {
  return new ArchiveSearch({ vaultRoot: () => vault.vaultRoot(), attachmentsFolder: () => vault.attachmentsFolder(), log: (level, m) => vault.log(level, m) });
}
