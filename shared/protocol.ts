/**
 * The protocol contract between the extension (client) and the worker (server).
 *
 * Every custom request and notification the two sides exchange is declared here, with its
 * method name (namespaced `archive/...`), parameter and result types and what it means.
 * Both sides import only this file (and `types.ts`) for the protocol.
 *
 * Long jobs (sync, import) are requests: the client passes a cancellation token when it
 * sends them, the worker's handler watches it, and progress for the job comes back as
 * `archive/progress` notifications tagged with the `progressId` the client chose.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type {
  Health,
  ImportSummary,
  Metrics,
  SourceInfo,
  SourceKind,
  SyncSummary,
  WorkerSettings,
} from './types';

export * from './types';

/** Sent by the client in `initializationOptions` when it starts the worker. */
export interface InitializationOptions {
  /** Absolute path of the workspace folder the vault lives in. */
  readonly workspaceRoot: string;
  readonly settings: WorkerSettings;
  /** False in an untrusted workspace: the worker then refuses to sync or import. */
  readonly trusted: boolean;
}

export namespace SourcesRequests {
  /** All sources recorded in the vault's `.vault-archiver/` folder, with their state. */
  export const list = new RequestType0<SourceInfo[], void>('archive/listSources');

  export interface AddParams {
    readonly kind: SourceKind;
    /** What the user typed: `@handle`, a channel id or URL; a t.me link, @username or chat id. */
    readonly ref: string;
  }
  /** Records a new source (nothing is fetched yet). Fails with a message that says what to fix. */
  export const add = new RequestType<AddParams, SourceInfo, void>('archive/addSource');

  export interface RemoveParams {
    readonly id: string;
    /** Also delete the source's notes and attachments from the vault. */
    readonly deleteNotes: boolean;
  }
  /** Forgets a source; its notes stay unless `deleteNotes`. */
  export const remove = new RequestType<RemoveParams, void, void>('archive/removeSource');

  export interface SetSheetParams {
    readonly id: string;
    /** The spreadsheet's address or id; null stops mirroring. */
    readonly spreadsheet: string | null;
    /** The tab (created if missing); "Videos" when absent. */
    readonly sheetTitle?: string;
  }
  /** Mirrors a YouTube channel into a Google Sheets tab from its next sync on, or stops. Needs Sheets credentials. */
  export const setSheet = new RequestType<SetSheetParams, SourceInfo, void>('archive/setSheet');
}

export namespace CredentialRequests {
  /**
   * Tries a YouTube Data API key with one cheap call (1 quota unit) before the client stores it.
   * Resolves when YouTube accepts it; fails (-32001) with a message saying what is wrong and
   * where a key comes from. The key is not kept by the worker.
   */
  export const checkYouTubeKey = new RequestType<{ readonly key: string }, void, void>('archive/checkYouTubeKey');

  /**
   * Checks Google Sheets credentials (a service account key file's text, or OAuth client and
   * refresh token as JSON) by getting an access token. Resolves with who they act as (a service
   * account's address, to share spreadsheets with); fails (-32001) saying what is wrong.
   */
  export const checkSheetsCredentials = new RequestType<{ readonly credentials: string }, { readonly account?: string }, void>('archive/checkSheetsCredentials');
}

export namespace JobRequests {
  export interface SyncParams {
    /** Sources to sync; all of them when absent. */
    readonly sourceIds?: readonly string[];
    /** Tag for the `archive/progress` notifications of this job. */
    readonly progressId: string;
  }
  /** Fetches what is new for the given sources into the vault. Cancellable. */
  export const sync = new RequestType<SyncParams, SyncSummary, void>('archive/sync');

  export interface ImportParams {
    /** Absolute path of a Telegram Desktop export folder (the one holding result.json). */
    readonly exportPath: string;
    readonly progressId: string;
  }
  /** Imports a Telegram Desktop JSON export into the vault. Cancellable; a rerun resumes. */
  export const importExport = new RequestType<ImportParams, ImportSummary, void>('archive/importExport');

  /** Cancels every running job (the "Cancel Sync" command, for jobs started elsewhere). */
  export const cancelAll = new RequestType0<number, void>('archive/cancelAll');
}

export namespace MetricsRequests {
  /** Current metrics, as last pushed. */
  export const get = new RequestType0<Metrics, void>('archive/getMetrics');
}

export namespace SettingsNotifications {
  /** The user changed a setting or workspace trust; the worker applies it to the next job. */
  export const changed = new NotificationType<{ settings: WorkerSettings; trusted: boolean }>(
    'archive/settingsChanged',
  );
}

export namespace SecretRequests {
  export type SecretName = 'youtubeApiKey' | 'telegramSession' | 'telegramApiCredentials' | 'googleCredentials';
  /**
   * Worker → client: reads one secret from VS Code SecretStorage when a job needs it. Secrets
   * are never written to the vault or to logs by the worker.
   */
  export const get = new RequestType<{ name: SecretName }, string | null, void>('archive/getSecret');

  /**
   * Worker → client: stores one secret in VS Code SecretStorage (null deletes it). Used when the
   * worker made it: the Telegram session after a sign-in (and the API credentials it was made
   * with, as JSON `{ apiId, apiHash }`), deleted by a sign-out.
   */
  export const set = new RequestType<{ name: SecretName; value: string | null }, void, void>('archive/setSecret');
}

export namespace TelegramRequests {
  export type ChatType = 'user' | 'bot' | 'group' | 'supergroup' | 'channel';

  /** A chat of the signed-in account. */
  export interface Chat {
    /** The id a Telegram Desktop export gives the chat (channels without -100): the source is `telegram:<id>`. */
    readonly id: number;
    /** The same chat as GramJS and the Bot API number it (groups negative, channels -100…). */
    readonly markedId: number;
    readonly title: string;
    readonly type: ChatType;
    /** A supergroup with forum topics. */
    readonly forum: boolean;
    readonly username?: string;
    /** The newest message's id; in channels and supergroups about how many messages were ever posted. */
    readonly lastMessageId?: number;
  }

  export interface Account {
    readonly userId: number;
    readonly name: string;
    readonly username?: string;
  }

  export interface Status {
    readonly signedIn: boolean;
    readonly account?: Account;
    /** Why a stored session does not work (revoked, Telegram unreachable): what to do. */
    readonly problem?: string;
  }

  export interface SignInParams {
    /** The app's API id and hash (my.telegram.org/apps) the user just typed; the stored ones when absent. */
    readonly apiId?: number;
    readonly apiHash?: string;
    /**
     * 'phone' (the default): phone number, login code, password through `prompt`. 'qr': a QR code
     * to scan with a Telegram app, sent as `qrCode` notifications (a new one before each expires),
     * then the password through `prompt` if the account has one (core.telegram.org/api/qr-login).
     */
    readonly method?: 'phone' | 'qr';
  }
  /**
   * Signs in from an empty session. The worker drives Telegram's login and asks the client for
   * each answer with `prompt`; the new session reaches the client with `SecretRequests.set`
   * before this resolves. Resolves `signedIn: false` when the user cancelled a prompt; fails
   * (-32001) with what to do (wrong API credentials, a flood wait with its length, no QR code
   * scanned in time). Cancellable (for QR: the client cancels when its code is closed).
   */
  export const signIn = new RequestType<SignInParams, Status, void>('archive/telegramSignIn');

  export interface QrCodeParams {
    /** tg://login?token=…: the QR code's content. Short-lived and secret: show it, never log it. */
    readonly url: string;
    /** When it stops working (ms since the epoch); the next `qrCode` comes shortly before. */
    readonly expiresAt: number;
    /** Which code this is (1, 2, …) of at most `of` before the sign-in stops. */
    readonly index: number;
    readonly of: number;
  }
  /** Worker → client, during a `signIn` with method 'qr': show this code, replacing the previous one. */
  export const qrCode = new NotificationType<QrCodeParams>('archive/telegramQrCode');

  export interface PromptParams {
    readonly kind: 'phone' | 'code' | 'password';
    /** Where the code was sent, the password's hint. */
    readonly hint?: string;
    /** Why the last answer was refused ("That code is not right."). */
    readonly error?: string;
  }
  /** Worker → client, during `signIn`: asks the user one answer; null when they cancelled. */
  export const prompt = new RequestType<PromptParams, string | null, void>('archive/telegramPrompt');

  /** Ends the session on Telegram (auth.logOut) and deletes it from SecretStorage. */
  export const signOut = new RequestType0<void, void>('archive/telegramSignOut');

  /** Who is signed in; a session Telegram refuses comes back as `signedIn: false` with a `problem`. */
  export const status = new RequestType0<Status, void>('archive/telegramStatus');

  export interface ChatsParams {
    /** Words that must all appear in the title or @username (case and accents ignored). */
    readonly search?: string;
    /** From a previous page's `cursor`. */
    readonly cursor?: string;
    /** Chats per page (default 50, at most 200). */
    readonly limit?: number;
  }
  export interface ChatsPage {
    readonly chats: readonly Chat[];
    /** Pass back for the next page; absent at the end. */
    readonly cursor?: string;
  }
  /** The account's chats in Telegram's order, filtered by `search`, a page at a time. */
  export const chats = new RequestType<ChatsParams, ChatsPage, void>('archive/telegramChats');

  /** The chat a typed t.me link, @username or id names; fails (-32001) saying what to type instead. */
  export const resolve = new RequestType<{ readonly ref: string }, Chat, void>('archive/telegramResolve');
}

export namespace StatusNotifications {
  export interface ProgressParams {
    readonly progressId: string;
    /** 0..100 for the whole job. */
    readonly percent: number;
    readonly message?: string;
    /** The source the step belongs to, so the tree can show its own percent. */
    readonly sourceId?: string;
  }
  /** Worker → client: progress of a job started with `progressId`. */
  export const progress = new NotificationType<ProgressParams>('archive/progress');

  /** Worker → client: live metrics, at most a few times a second while work runs. */
  export const metrics = new NotificationType<Metrics>('archive/metrics');

  /** Worker → client: the sources or their state changed; the tree redraws from this. */
  export const sourcesChanged = new NotificationType<SourceInfo[]>('archive/sourcesChanged');

  /** Worker → client: overall health for the status bar. */
  export const health = new NotificationType<Health>('archive/health');
}

export namespace SearchRequests {
  /** `query` in the search language (words, "phrases", prefix*, in:, from:, before:, after:, has:). */
  export interface SearchParams { readonly query: string; readonly limit?: number }
  /** One message, video or note that matches, as the quick pick shows it. */
  export interface SearchHit {
    /** Vault-relative path of the note, forward slashes. */ readonly path: string;
    /** 0-based line of the block's header (or the video note's title line). */ readonly line: number;
    /** Block id without '^' (e.g. 'm123'), when the hit is a message. */ readonly blockId?: string;
    readonly source: string;   // chat / channel title
    readonly topic?: string;
    readonly author?: string;
    readonly date?: string;    // ISO
    readonly snippet: string;  // a short excerpt around the match
    readonly highlights: ReadonlyArray<readonly [number, number]>; // [start, end) in snippet
    readonly kind: 'message' | 'video' | 'note';
  }
  /** Hits best first (exact before prefix matches, newer first); `total` counts matches up to 1,000 (1000 means "1,000 or more"). */
  export interface SearchResult { readonly hits: SearchHit[]; readonly total: number; /** 0..100 while the index is being built; absent when ready */ readonly indexing?: number }
  /** Searches the vault's archive. A query that cannot be read fails (-32001) with a message saying how to write it. */
  export const search = new RequestType<SearchParams, SearchResult, void>('archive/search');
}
