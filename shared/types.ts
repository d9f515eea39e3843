/**
 * Plain data shapes shared by the extension (client) and the worker (server).
 * No behaviour lives here: both sides and the CLI import these to agree on JSON.
 */

export type SourceKind = 'telegram' | 'youtube';

/** Where a source's content comes from. */
export type SourceOrigin = 'telegram-export' | 'telegram-live' | 'youtube';

export type SourceState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'syncing'; readonly percent: number; readonly message?: string }
  | { readonly kind: 'error'; readonly message: string };

/** A forum topic of a Telegram supergroup: its own note. */
export interface TopicInfo {
  readonly id: number;
  readonly title: string;
  readonly itemCount: number;
  /** Vault-relative path of the topic's note (forward slashes). */
  readonly notePath: string;
}

export interface SourceInfo {
  /** Stable id: `telegram:<chat id>` or `youtube:<channel id>`. */
  readonly id: string;
  readonly kind: SourceKind;
  readonly origin: SourceOrigin;
  readonly title: string;
  /** What the user typed to add it (@handle, t.me link, channel id); absent for imports. */
  readonly ref?: string;
  /** Vault-relative folder holding the source's notes (forward slashes). */
  readonly notesPath: string;
  /** Messages or videos archived so far. */
  readonly itemCount: number;
  /** ISO 8601 time of the last finished sync or import. */
  readonly lastSyncAt?: string;
  readonly state: SourceState;
  readonly topics?: readonly TopicInfo[];
  /** YouTube quota units the last sync of this source spent. */
  readonly lastSyncUnits?: number;
  /** A YouTube channel's Google Sheets mirror: each sync appends its new videos to this tab. */
  readonly sheet?: SheetTarget;
}

export interface SheetTarget {
  readonly spreadsheetId: string;
  /** The tab's title. */
  readonly sheetTitle: string;
  /** How many videos the channel had when the tab was last brought up to date: an unchanged channel skips the mirror. */
  readonly mirroredVideos?: number;
  /** A digest of the rows last mirrored: unchanged rows skip the mirror, changed ones are rewritten. */
  readonly mirroredDigest?: string;
}

/** Live figures the worker pushes; the status bar and "Show Metrics" render them. */
export interface Metrics {
  /** Items (messages, videos) processed per second over the last few seconds; 0 when idle. */
  readonly itemsPerSecond: number;
  readonly itemsProcessed: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** Messages or videos recognised as already archived and not written again. */
  readonly duplicatesPrevented: number;
  readonly mediaCopied: number;
  readonly mediaDeduplicated: number;
  readonly bytesCopied: number;
  /** Bytes not written because identical content was already in the vault. */
  readonly bytesSaved: number;
  readonly noteWrites: number;
  /** Requests made to online services (YouTube) in this window. */
  readonly apiRequests: number;
  /** Of those, answered 304 Not Modified (the kept answer was reused; quota is still spent). */
  readonly notModified: number;
  /** Bytes and files downloaded from Telegram (live sync), and flood waits Telegram imposed. */
  readonly bytesDownloaded: number;
  readonly filesDownloaded: number;
  readonly floodWaits: number;
  /** Seconds requests were held back by those flood waits (each wait counted once, not per request). */
  readonly floodWaitSeconds: number;
  /** Bytes downloaded per second over the last few seconds (live Telegram media); 0 when idle. */
  readonly bytesPerSecond: number;
  /** YouTube quota units this vault spent today (Pacific day) and the daily limit; absent until YouTube was used. */
  readonly youtubeQuotaUsedToday?: number;
  readonly youtubeQuotaLimit?: number;
  readonly activeJobs: number;
}

export const emptyMetrics: Metrics = {
  itemsPerSecond: 0,
  itemsProcessed: 0,
  cacheHits: 0,
  cacheMisses: 0,
  duplicatesPrevented: 0,
  mediaCopied: 0,
  mediaDeduplicated: 0,
  bytesCopied: 0,
  bytesSaved: 0,
  noteWrites: 0,
  apiRequests: 0,
  notModified: 0,
  bytesDownloaded: 0,
  filesDownloaded: 0,
  floodWaits: 0,
  floodWaitSeconds: 0,
  bytesPerSecond: 0,
  activeJobs: 0,
};

/** Overall worker health, pushed to drive the status bar (rust-analyzer style). */
export interface Health {
  readonly state: 'ok' | 'busy' | 'warning' | 'error';
  readonly message?: string;
}

export { type WorkerSettings, defaultSettings } from './settings';

/** A problem in the input that was skipped; the rest of the job went on. */
export interface JobWarning {
  /** Chat or channel title the problem belongs to. */
  readonly source?: string;
  /** Message id (Telegram) or video id (YouTube), when the problem is one item. */
  readonly item?: string | number;
  readonly message: string;
}

export interface ImportSummary {
  readonly exportPath: string;
  readonly vaultPath: string;
  readonly chats: number;
  readonly topics: number;
  readonly messagesSeen: number;
  readonly messagesWritten: number;
  readonly messagesUpdated: number;
  readonly duplicatesSkipped: number;
  readonly mediaCopied: number;
  readonly mediaDeduplicated: number;
  readonly mediaMissing: number;
  readonly bytesCopied: number;
  readonly bytesSaved: number;
  readonly notesWritten: number;
  readonly writeCalls: number;
  readonly elapsedMs: number;
  readonly cancelled: boolean;
  readonly warnings: readonly JobWarning[];
}

export interface SyncSummary {
  readonly sources: readonly {
    readonly id: string;
    readonly itemsAdded: number;
    /** Why this source could not be synced. */
    readonly error?: string;
    /** What the user should know that is not an error (an imported chat is updated by a newer export). */
    readonly note?: string;
  }[];
  readonly cancelled: boolean;
  readonly elapsedMs: number;
}
