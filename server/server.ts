/**
 * Worker entry: creates the JSON-RPC connection, builds the engine when the client initialises,
 * and wires the two together (lsp/handlers.ts). Nothing else lives here.
 */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ProposedFeatures, ResponseError, TextDocuments, createConnection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SecretRequests, StatusNotifications, type InitializationOptions } from '../shared/protocol';
import { API_KEY_HELP } from './engine/connectors/youtube/api';
import { settingsFrom } from '../shared/settings';
import { createEngineParts } from './engine/parts';
import { ArchiveService } from './engine/service/archiveService';
import { registerHandlers } from './lsp/handlers';
import { NotesNavigator, type NavFs } from './engine/notes-nav';
import { navigationCapabilities, openDocumentLookup, registerNavigation } from './lsp/navigation';
import type { TelegramAccountPort } from './engine/connectors/telegram-live/lazyAccount';
import { telegramEndpointFromEnv } from './engine/connectors/telegram-live/endpoint';
import { namedSecretStore } from './engine/connectors/telegram-live/secretStore';

const connection = createConnection(ProposedFeatures.all);
let service: ArchiveService | undefined;
let navigator: NotesNavigator | undefined;
let telegram: TelegramAccountPort | undefined;
const documents = new TextDocuments(TextDocument);

connection.onInitialize((params) => {
  const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
  const workspaceRoot = init.workspaceRoot ?? (params.workspaceFolders?.[0] ? fileURLToPath(params.workspaceFolders[0].uri) : undefined) ?? process.cwd();
  const parts = createEngineParts({
    // The key lives in VS Code's SecretStorage: asked for when a job needs it, never stored here.
    youtubeApiKey: async () => (await connection.sendRequest(SecretRequests.get, { name: 'youtubeApiKey' })) ?? undefined,
    missingYouTubeKeyHelp: `Run "Vault Archiver: Set YouTube API Key". ${API_KEY_HELP}`,
    googleRootUrl: process.env.VAULT_ARCHIVER_GOOGLE_ROOT_URL || undefined,
    googleTokenUrl: process.env.VAULT_ARCHIVER_GOOGLE_TOKEN_URL || undefined,
    googleCredentials: async () => (await connection.sendRequest(SecretRequests.get, { name: 'googleCredentials' })) ?? undefined,
    missingSheetsCredentialsHelp: 'Run "Vault Archiver: Set Google Sheets Credentials" first.',
    // The Telegram session too: read from SecretStorage when needed, written there after a sign-in.
    telegramStore: namedSecretStore({
      get: (name) => connection.sendRequest(SecretRequests.get, { name }),
      set: (name, value) => connection.sendRequest(SecretRequests.set, { name, value }),
    }),
    telegramSignInHelp: 'Run "Vault Archiver: Sign In to Telegram".',
    telegramEndpoint: () => telegramEndpointFromEnv(),
  });
  telegram = parts.telegram;
  service = new ArchiveService({
    workspaceRoot,
    settings: settingsFrom(init.settings),
    trusted: init.trusted ?? false,
    fs,
    connectors: parts.connectors,
    metrics: parts.metrics,
    acquireLock: parts.acquireLock,
    search: parts.search,
    events: {
      sourcesChanged: (s) => {
        navigator?.invalidate(); // an import or sync wrote notes
        void connection.sendNotification(StatusNotifications.sourcesChanged, s);
      },
      metrics: (m) => void connection.sendNotification(StatusNotifications.metrics, m),
      health: (h) => void connection.sendNotification(StatusNotifications.health, h),
      log: (level, msg) => connection.console[level === 'warn' ? 'warn' : level](msg),
    },
  });
  const vaultService = service;
  navigator = new NotesNavigator({
    vaultRoot: () => vaultService.vaultRoot(),
    fs: fs as unknown as NavFs,
    openDocument: openDocumentLookup(documents, () => navigator),
    attachmentsFolder: () => vaultService.currentSettings().attachmentsFolder,
  });
  return { capabilities: { ...navigationCapabilities }, serverInfo: { name: 'vault-archiver-worker' } };
});

const notInitialised = () => new ResponseError(ErrorCodes.ServerNotInitialized, 'The worker is not initialised yet.');
registerHandlers(
  connection,
  () => {
    if (!service) throw notInitialised();
    return service;
  },
  () => {
    if (!telegram) throw notInitialised();
    return telegram;
  },
);

registerNavigation(connection, documents, () => navigator);

// Flush buffered notes before the process goes: the client sends shutdown, then exit.
connection.onShutdown(async () => {
  await service?.shutdown();
  // GramJS's senders and timers would keep the process alive after exit was asked for.
  await telegram?.close();
});

connection.listen();
