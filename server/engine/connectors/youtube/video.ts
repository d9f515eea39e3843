/**
 * One YouTube video as the archive keeps it: what the notes render and the Sheets mirror writes.
 * Built from `videos.list` (snippet, contentDetails, statistics, status); absent counts stay
 * absent (hidden likes, disabled comments) rather than becoming 0.
 */
export interface VideoRecord {
  /** The 11-character video id. */
  readonly id: string;
  readonly channelId: string;
  readonly channelTitle: string;
  readonly title: string;
  readonly description: string;
  /** ISO 8601 time of publication (snippet.publishedAt). */
  readonly publishedAt: string;
  /** Whole seconds (contentDetails.duration, ISO 8601 `PT15M51S`); absent for upcoming streams. */
  readonly durationSeconds?: number;
  readonly views?: number;
  readonly likes?: number;
  readonly comments?: number;
  readonly tags: readonly string[];
  /** status.privacyStatus: public | unlisted | private; 'unavailable' once it vanished (private or deleted). */
  readonly privacy: 'public' | 'unlisted' | 'private' | 'unavailable';
  /** Best thumbnail URL, when the API gave one. */
  readonly thumbnailUrl?: string;
  /** snippet.defaultAudioLanguage (or defaultLanguage): what a transcript prefers. Absent when YouTube gives none. */
  readonly language?: string;
}

export const videoUrl = (id: string): string => `https://www.youtube.com/watch?v=${id}`;
