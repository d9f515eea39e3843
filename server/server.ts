/**
 * Worker entry: wires the JSON-RPC connection to the engine. No domain logic lives here;
 * every handler forwards to ArchiveService and maps its errors to JSON-RPC errors.
 */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  type CancellationToken,
} from 'vscode-languageserver/node';
import {
  JobRequests,
  MetricsRequests,
  SettingsNotifications,
  SourcesRequests,
  StatusNotifications,
  defaultSettings,
  type InitializationOptions,
} from '../shared/protocol';
import { ArchiveService, UserError } from './engine/archiveService';
import { createEngineParts } from './engine/parts';

const connection = createConnection(ProposedFeatures.all);
let service: ArchiveService | undefined;

connection.onInitialize((params) => {
  const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
  const workspaceRoot = init.workspaceRoot ?? (params.workspaceFolders?.[0] ? fileURLToPath(params.workspaceFolders[0].uri) : undefined) ?? process.cwd();
  const parts = createEngineParts();
  service = new ArchiveService({
    workspaceRoot,
    settings: { ...defaultSettings, ...init.settings },
    trusted: init.trusted ?? false,
    fs,
    importer: parts.importer,
    metrics: parts.metrics,
    events: {
      sourcesChanged: (s) => void connection.sendNotification(StatusNotifications.sourcesChanged, s),
      metrics: (m) => void connection.sendNotification(StatusNotifications.metrics, m),
      health: (h) => void connection.sendNotification(StatusNotifications.health, h),
      log: (level, msg) => connection.console[level === 'warn' ? 'warn' : level](msg),
    },
  });
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.None }, serverInfo: { name: 'vault-archiver-worker' } };
});

function engine(): ArchiveService {
  if (!service) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'The worker is not initialised yet.');
  return service;
}

/** Runs a handler, turning the token into an AbortSignal and errors into JSON-RPC errors. */
async function handle<T>(token: CancellationToken | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const sub = token?.onCancellationRequested(() => controller.abort());
  if (token?.isCancellationRequested) controller.abort();
  try {
    return await work(controller.signal);
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof UserError)) connection.console.error(err instanceof Error && err.stack ? err.stack : message);
    // User errors carry a message that says what to do; others are reported as internal errors.
    throw new ResponseError(err instanceof UserError ? -32001 : ErrorCodes.InternalError, message);
  } finally {
    sub?.dispose();
  }
}

/** Sends a job's progress to the client, tagged with the id the client chose for that job. */
function progressTo(progressId: string) {
  return (percent: number, message: string, sourceId?: string): void =>
    void connection.sendNotification(StatusNotifications.progress, { progressId, percent, message, sourceId });
}

connection.onRequest(SourcesRequests.list, () => handle(undefined, () => engine().listSources()));
connection.onRequest(SourcesRequests.add, (p) => handle(undefined, () => engine().addSource(p.kind, p.ref)));
connection.onRequest(SourcesRequests.remove, (p) => handle(undefined, () => engine().removeSource(p.id, p.deleteNotes)));
connection.onRequest(JobRequests.importExport, (p, token) =>
  handle(token, (signal) =>
    engine().importExport(p.exportPath, { signal, onProgress: progressTo(p.progressId) }),
  ),
);
connection.onRequest(JobRequests.sync, (p, token) =>
  handle(token, (signal) =>
    engine().sync(p.sourceIds, { signal, onProgress: progressTo(p.progressId) }),
  ),
);
connection.onRequest(JobRequests.cancelAll, () => handle(undefined, async () => engine().cancelAll()));
connection.onRequest(MetricsRequests.get, () => handle(undefined, async () => engine().metrics()));
connection.onNotification(SettingsNotifications.changed, (p) => engine().updateSettings({ ...defaultSettings, ...p.settings }, p.trusted));

// Flush buffered notes before the process goes: the client sends shutdown, then exit.
connection.onShutdown(async () => {
  await service?.shutdown();
});

connection.listen();
