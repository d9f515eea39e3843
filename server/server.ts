/**
 * Worker entry: creates the JSON-RPC connection, builds the engine when the client initialises,
 * and wires the two together (lsp/handlers.ts). Nothing else lives here.
 */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ProposedFeatures, ResponseError, TextDocumentSyncKind, createConnection } from 'vscode-languageserver/node';
import { StatusNotifications, type InitializationOptions } from '../shared/protocol';
import { settingsFrom } from '../shared/settings';
import { createEngineParts } from './engine/parts';
import { ArchiveService } from './engine/service/archiveService';
import { registerHandlers } from './lsp/handlers';

const connection = createConnection(ProposedFeatures.all);
let service: ArchiveService | undefined;

connection.onInitialize((params) => {
  const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
  const workspaceRoot = init.workspaceRoot ?? (params.workspaceFolders?.[0] ? fileURLToPath(params.workspaceFolders[0].uri) : undefined) ?? process.cwd();
  const parts = createEngineParts();
  service = new ArchiveService({
    workspaceRoot,
    settings: settingsFrom(init.settings),
    trusted: init.trusted ?? false,
    fs,
    connectors: parts.connectors,
    metrics: parts.metrics,
    acquireLock: parts.acquireLock,
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
