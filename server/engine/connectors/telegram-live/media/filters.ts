/**
 * The user's size and type filters for live downloads, and the text a skipped file leaves in the
 * message's photo/file field. Like the export's "(File not included…)" it is in parentheses with
 * no slash, so the note renderer shows it as the reason the file is absent.
 */
import { LIVE_MEDIA_KINDS, type LiveMediaKind, type RemoteFile } from './remoteFile';

const MB = 1024 * 1024;

const WORDS: Record<string, LiveMediaKind> = {
  photo: 'photos',
  photos: 'photos',
  video: 'videos',
  videos: 'videos',
  voice: 'voice',
  voices: 'voice',
  round: 'round',
  rounds: 'round',
  audio: 'audio',
  music: 'audio',
  animation: 'animations',
  animations: 'animations',
  gif: 'animations',
  gifs: 'animations',
  sticker: 'stickers',
  stickers: 'stickers',
  file: 'files',
  files: 'files',
  document: 'files',
  documents: 'files',
};

const LABEL: Record<LiveMediaKind, string> = {
  photos: 'photos',
  videos: 'videos',
  voice: 'voice messages',
  round: 'video messages',
  audio: 'audio files',
  animations: 'GIFs',
  stickers: 'stickers',
  files: 'files',
};

export interface MediaFilter {
  readonly kinds: ReadonlySet<LiveMediaKind>;
  /** Bytes; 0 = no limit. */
  readonly maxBytes: number;
}

/** "photos, voice" → those kinds; "all" → every kind; "none" or only unknown words → none. */
export function parseMediaKinds(setting: string): Set<LiveMediaKind> {
  const out = new Set<LiveMediaKind>();
  for (const word of setting.toLowerCase().split(/[\s,;]+/)) {
    if (word === 'all') LIVE_MEDIA_KINDS.forEach((k) => out.add(k));
    else if (WORDS[word]) out.add(WORDS[word]);
  }
  return out;
}

export function mediaFilterFrom(settings: { readonly telegramMediaKinds: string; readonly telegramMediaMaxFileMB: number }): MediaFilter {
  return { kinds: parseMediaKinds(settings.telegramMediaKinds), maxBytes: Math.max(0, settings.telegramMediaMaxFileMB) * MB };
}

/** Why `file` is not downloaded, as the placeholder text, or undefined when it is. */
export function skippedBecause(file: RemoteFile, filter: MediaFilter): string | undefined {
  if (!filter.kinds.has(file.kind)) return `(skipped: ${LABEL[file.kind]} are not downloaded, as set in the live sync settings)`;
  if (filter.maxBytes > 0 && file.size !== undefined && file.size > filter.maxBytes) {
    return `(skipped: ${(file.size / MB).toFixed(1)} MB is over the ${filter.maxBytes / MB} MB limit in the live sync settings)`;
  }
  return undefined;
}

/** What a message whose media names no downloadable file gets (an empty photo or document). */
export const NO_FILE_PLACEHOLDER = '(no file on Telegram for this message)';
