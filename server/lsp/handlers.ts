/**
 * The worker's JSON-RPC surface: each request and notification of shared/protocol.ts forwarded
 * to ArchiveService. Cancellation tokens become AbortSignals and engine errors become JSON-RPC
 * errors (-32001 with the what-to-do message for a user's mistake). No domain logic lives here.
 */
import { type CancellationToken, CancellationTokenSource, type Connection, ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { CredentialRequests, JobRequests, MetricsRequests, SearchRequests, SettingsNotifications, SourcesRequests, StatusNotifications, TelegramRequests } from '../../shared/protocol';
import { settingsFrom } from '../../shared/settings';
import { type ArchiveService, type JobHooks, UserError } from '../engine/service/archiveService';
import type { TelegramAccountPort } from '../engine/connectors/telegram-live/lazyAccount';

/** JSON-RPC error code of a user's mistake: the message says what to do. */
export const USER_ERROR_CODE = -32001;

export function registerHandlers(connection: Connection, engine: () => ArchiveService, telegram?: () => TelegramAccountPort): void {
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
      if (err instanceof UserError) connection.console.warn(message);
      else connection.console.error(err instanceof Error && err.stack ? err.stack : message);
      throw new ResponseError(err instanceof UserError ? USER_ERROR_CODE : ErrorCodes.InternalError, message);
    } finally {
      sub?.dispose();
    }
  }

  /** Sends a job's progress to the client, tagged with the id the client chose for that job. */
  const progressTo = (progressId: string) => (percent: number, message: string, sourceId?: string) =>
    void connection.sendNotification(StatusNotifications.progress, { progressId, percent, message, sourceId });

  connection.onRequest(SourcesRequests.list, () => handle(undefined, () => engine().listSources()));
  connection.onRequest(SourcesRequests.add, (p) => handle(undefined, () => engine().addSource(p.kind, p.ref)));
  connection.onRequest(SourcesRequests.setSheet, (p) => handle(undefined, () => engine().setSourceSheet(p.id, p.spreadsheet, p.sheetTitle)));
  connection.onRequest(CredentialRequests.checkSheetsCredentials, (p) => handle(undefined, () => engine().checkSheetsCredentials(p.credentials)));
  connection.onRequest(CredentialRequests.checkYouTubeKey, (p) => handle(undefined, () => engine().checkYouTubeKey(p.key)));
  connection.onRequest(SourcesRequests.remove, (p) => handle(undefined, () => engine().removeSource(p.id, p.deleteNotes)));
  /** A job's hooks: its progress (and any wait for the vault lock) reported under the client's id. */
  const jobHooks = (progressId: string, signal: AbortSignal): JobHooks => {
    const progress = progressTo(progressId);
    return { signal, onProgress: progress, onWaitForLock: (holder) => progress(0, `Waiting for ${holder}…`) };
  };
  connection.onRequest(JobRequests.importExport, (p, token) => handle(token, (signal) => engine().importExport(p.exportPath, jobHooks(p.progressId, signal))));
  connection.onRequest(JobRequests.sync, (p, token) => handle(token, (signal) => engine().sync(p.sourceIds, jobHooks(p.progressId, signal))));
  connection.onRequest(JobRequests.cancelAll, () => handle(undefined, async () => engine().cancelAll()));
  connection.onRequest(MetricsRequests.get, () => handle(undefined, async () => engine().metrics()));
  connection.onRequest(SearchRequests.search, (p) => handle(undefined, () => engine().search(p)));
  connection.onNotification(SettingsNotifications.changed, (p) => engine().updateSettings(settingsFrom(p.settings), p.trusted));

  if (!telegram) return;
  // Sign-in asks the client for each answer; the client's cancellation ends the flow.
  const ask = (signal: AbortSignal) => (kind: TelegramRequests.PromptParams['kind'], info: { hint?: string; error?: string }) =>
    connection.sendRequest(TelegramRequests.prompt, { kind, ...info }, cancellationOf(signal));
  connection.onRequest(TelegramRequests.signIn, (p, token) =>
    handle(token, (signal) => {
      const credentials = p.apiId !== undefined && p.apiHash !== undefined ? { apiId: p.apiId, apiHash: p.apiHash } : undefined;
      if (p.method !== 'qr') return telegram().signIn(ask(signal), credentials, signal);
      return telegram().signInWithQr((code) => connection.sendNotification(TelegramRequests.qrCode, code), ask(signal), credentials, signal);
    }),
  );
  connection.onRequest(TelegramRequests.signOut, (token) => handle(token, (signal) => telegram().signOut(signal)));
  connection.onRequest(TelegramRequests.status, (token) => handle(token, (signal) => telegram().status(signal)));
  connection.onRequest(TelegramRequests.chats, (p, token) => handle(token, (signal) => telegram().chats(p.search ?? '', p.cursor, p.limit ?? 50, signal)));
  connection.onRequest(TelegramRequests.resolve, (p, token) => handle(token, (signal) => telegram().resolve(p.ref, signal)));
}

/** A CancellationToken that follows an AbortSignal (a prompt still open when its sign-in is cancelled closes). */
function cancellationOf(signal: AbortSignal): CancellationToken {
  const source = new CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source.token;
}
