/**
 * Worker entry: creates the JSON-RPC connection, builds the engine when the client initialises,
 * and wires the two together (lsp/handlers.ts). Nothing else lives here.
 */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ProposedFeatures, ResponseError, TextDocumentSyncKind, createConnection } from 'vscode-languageserver/node';
import { SecretRequests, StatusNotifications, type InitializationOptions } from '../shared/protocol';
import { API_KEY_HELP } from './engine/connectors/youtube/api';
import { settingsFrom } from '../shared/settings';
import { createEngineParts } from './engine/parts';
import { ArchiveService } from './engine/service/archiveService';
import { registerHandlers } from './lsp/handlers';

const connection = createConnection(ProposedFeatures.all);
let service: ArchiveService | undefined;

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
  });
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
      sourcesChanged: (s) => void connection.sendNotification(StatusNotifications.sourcesChanged, s),
      metrics: (m) => void connection.sendNotification(StatusNotifications.metrics, m),
      health: (h) => void connection.sendNotification(StatusNotifications.health, h),
      log: (level, msg) => connection.console[level === 'warn' ? 'warn' : level](msg),
    },
  });
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.None }, serverInfo: { name: 'vault-archiver-worker' } };
});

registerHandlers(connection, () => {
  if (!service) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'The worker is not initialised yet.');
  return service;
});

// Flush buffered notes before the process goes: the client sends shutdown, then exit.
connection.onShutdown(async () => {
  await service?.shutdown();
});

connection.listen();
