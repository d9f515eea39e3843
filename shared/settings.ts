/**
 * Every user setting in one table: its key under `vaultArchiver.*`, its default and its bounds.
 * The client reads VS Code's configuration through it, the worker normalises what it receives
 * through it, and the CLI starts from its defaults; a unit test holds package.json's
 * `contributes.configuration` to the same defaults and bounds, so there is one source of truth.
 */

/** User settings the worker needs; the client sends them at start and on change. */
export interface WorkerSettings {
  /** Vault folder relative to the workspace folder. */
  readonly vaultFolder: string;
  /** Parallel media copies / downloads. */
  readonly mediaConcurrency: number;
  /** Sources synced at once within one job. */
  readonly sourceConcurrency: number;
  /** Split a chat's note by month once the chat has more messages than this (0 = never). */
  readonly splitByMonthOver: number;
  /** Allow hardlinks instead of copies for attachments imported from an export. */
  readonly useHardlinks: boolean;
  /** Attachments folder name inside each chat's folder. */
  readonly attachmentsFolder: string;
  /** Memory for YouTube answers kept with their ETags (MB); 0 keeps none. */
  readonly youtubeCacheMB: number;
  /** Fetch caption tracks into a Transcript section of new and changed video notes (best effort, costs quota). */
  readonly youtubeTranscripts: boolean;
  /** Preferred caption languages, comma-separated BCP-47 tags (`en, de`); empty: the video's own language. */
  readonly youtubeTranscriptLanguages: string;
  /** Live Telegram: the newest messages a chat's first sync fetches (0 = no limit by count). */
  readonly telegramBackfillMessages: number;
  /** Live Telegram: the first sync fetches only the last this many days (0 = no limit by date). */
  readonly telegramBackfillDays: number;
  /** Live Telegram: messages of the last this many days are read again each sync, for edits. */
  readonly telegramEditRecheckDays: number;
  /** Live Telegram sync: kinds of files downloaded ("photos, videos, voice, round, audio, animations, stickers, files"). */
  readonly telegramMediaKinds: string;
  /** Live Telegram sync: files larger than this (MB) are not downloaded; 0 = no limit. */
  readonly telegramMediaMaxFileMB: number;
  /** Live Telegram sync: file parts requested at once, across files. */
  readonly telegramDownloadParts: number;
  /** Live Telegram sync: files downloaded at once. */
  readonly telegramDownloadFiles: number;
  /** Live Telegram sync: memory for file parts on their way to disk (MB). */
  readonly telegramDownloadMemoryMB: number;
}

type NumberSpec = { readonly type: 'integer'; readonly default: number; readonly minimum: number; readonly maximum?: number };
type StringSpec = { readonly type: 'string'; readonly default: string };
type BooleanSpec = { readonly type: 'boolean'; readonly default: boolean };
export type SettingSpec = (NumberSpec | StringSpec | BooleanSpec) & {
  /** Key under `vaultArchiver.` in VS Code's configuration. */
  readonly configKey: string;
};

export const SETTINGS_SECTION = 'vaultArchiver';

export const settingSpecs: { readonly [K in keyof WorkerSettings]: SettingSpec } = {
  vaultFolder: { configKey: 'vaultFolder', type: 'string', default: 'Archive' },
  mediaConcurrency: { configKey: 'concurrency.media', type: 'integer', default: 8, minimum: 1, maximum: 64 },
  sourceConcurrency: { configKey: 'concurrency.sources', type: 'integer', default: 2, minimum: 1, maximum: 16 },
  splitByMonthOver: { configKey: 'notes.splitByMonthOver', type: 'integer', default: 0, minimum: 0, maximum: 100_000_000 },
  useHardlinks: { configKey: 'media.useHardlinks', type: 'boolean', default: false },
  attachmentsFolder: { configKey: 'notes.attachmentsFolder', type: 'string', default: 'attachments' },
  youtubeCacheMB: { configKey: 'youtube.cacheSizeMB', type: 'integer', default: 32, minimum: 0, maximum: 1024 },
  youtubeTranscripts: { configKey: 'youtube.transcripts', type: 'boolean', default: false },
  youtubeTranscriptLanguages: { configKey: 'youtube.transcriptLanguages', type: 'string', default: '' },
  telegramBackfillMessages: { configKey: 'telegram.backfillMessages', type: 'integer', default: 10_000, minimum: 0, maximum: 100_000_000 },
  telegramBackfillDays: { configKey: 'telegram.backfillDays', type: 'integer', default: 0, minimum: 0, maximum: 100_000 },
  telegramEditRecheckDays: { configKey: 'telegram.editRecheckDays', type: 'integer', default: 2, minimum: 0, maximum: 3650 },
  telegramMediaKinds: { configKey: 'telegram.media.kinds', type: 'string', default: 'photos, videos, voice, round, audio, animations, stickers, files' },
  telegramMediaMaxFileMB: { configKey: 'telegram.media.maxFileSizeMB', type: 'integer', default: 0, minimum: 0, maximum: 4096 },
  telegramDownloadParts: { configKey: 'telegram.download.partsInFlight', type: 'integer', default: 8, minimum: 1, maximum: 64 },
  telegramDownloadFiles: { configKey: 'telegram.download.filesInFlight', type: 'integer', default: 4, minimum: 1, maximum: 32 },
  telegramDownloadMemoryMB: { configKey: 'telegram.download.memoryMB', type: 'integer', default: 32, minimum: 1, maximum: 1024 },
};

/**
 * Settings from any source of raw values (VS Code's configuration, a JSON-RPC message, CLI
 * flags): numbers are rounded and clamped to their bounds, blank strings and wrong types fall
 * back to the default. Never throws.
 */
export function normalizeSettings(read: (field: keyof WorkerSettings, spec: SettingSpec) => unknown): WorkerSettings {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(settingSpecs) as [keyof WorkerSettings, SettingSpec][]) {
    out[field] = normalizeValue(spec, read(field, spec));
  }
  return out as unknown as WorkerSettings;
}

/** Settings from a partial object (what the client sends, or a test's overrides). */
export function settingsFrom(partial: Partial<WorkerSettings> | undefined): WorkerSettings {
  return normalizeSettings((field) => partial?.[field]);
}

function normalizeValue(spec: SettingSpec, v: unknown): unknown {
  switch (spec.type) {
    case 'integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return spec.default;
      return Math.min(spec.maximum ?? Number.MAX_SAFE_INTEGER, Math.max(spec.minimum, Math.round(v)));
    }
    case 'string':
      return typeof v === 'string' && v.trim() ? v.trim() : spec.default;
    case 'boolean':
      return typeof v === 'boolean' ? v : spec.default;
  }
}

export const defaultSettings: WorkerSettings = settingsFrom(undefined);
