/**
 * The transcript step of a channel sync (the `youtube.transcripts` setting, off by default).
 *
 * For each video that wants one (new or edited in this run, or left pending by an earlier run):
 * captions.list (50 units) with the API key, the best track (captions.ts), and when the run has
 * OAuth credentials that may download, captions.download (200 units) as WebVTT. The lines are
 * kept in `.vault-archiver/youtube/transcripts/<video id>.json` (atomic write) before the note
 * that shows them is written and before the catalog records the state, so a crash then a rerun
 * ends as a clean run. A refused download (403 forbidden) is recorded in the catalog and never
 * asked again; a video the quota cannot cover today is left `pending` for a later sync.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../../vault/atomic';
import { sanitizeFileName } from '../../vault/fileNames';
import type { VaultLayout } from '../../vault/layout';
import { type VaultFs, isNotFound } from '../../vault/vaultFs';
import { QuotaExceededError, UNIT_COST, type YouTubeApi } from './api';
import { CaptionForbiddenError, CaptionNotFoundError, CaptionScopeError, type CaptionDownloader } from './captionDownload';
import { type DownloadBlocker, type TranscriptLine, type TranscriptState, chooseTrack, parseCaptionFile } from './captions';
import type { QuotaTracker } from './quota';
import type { VideoRecord } from './video';

/** What a run may do about transcripts; shared by its channels (a scope refusal ends downloads for all). */
export interface TranscriptAccess {
  /** Set when the run has OAuth credentials; cleared when YouTube says their scope does not reach captions. */
  downloader?: CaptionDownloader;
  /** Why there is no downloader. */
  blocker: DownloadBlocker;
  readonly preferredLanguages: readonly string[];
}

export class TranscriptStore {
  constructor(
    private readonly layout: VaultLayout,
    private readonly fs: VaultFs,
  ) {}

  private get dir(): string {
    return path.join(this.layout.youtubeStateDir, 'transcripts');
  }

  private file(videoId: string): string {
    return path.join(this.dir, `${sanitizeFileName(videoId)}.json`);
  }

  async load(videoId: string): Promise<TranscriptLine[] | undefined> {
    try {
      const parsed = JSON.parse(await this.fs.readFile(this.file(videoId), 'utf8')) as { lines?: unknown };
      return Array.isArray(parsed.lines) ? (parsed.lines as TranscriptLine[]) : undefined;
    } catch (err) {
      if (isNotFound(err) || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  async save(videoId: string, lines: readonly TranscriptLine[]): Promise<void> {
    await this.fs.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.file(videoId), JSON.stringify({ videoId, lines }), { fs: this.fs });
  }
}

/** A change that may come with new captions: not the counts, which change on every full pass. */
export function contentChanged(before: VideoRecord, after: VideoRecord): boolean {
  return before.title !== after.title || before.description !== after.description || before.privacy !== after.privacy || before.durationSeconds !== after.durationSeconds;
}

/** Whether a video already in the catalog should be asked about again without having changed. */
export function inBacklog(state: TranscriptState | undefined, access: TranscriptAccess): boolean {
  return state?.status === 'pending' || (state?.status === 'listed' && access.downloader !== undefined);
}

export interface TranscriptRunOptions {
  readonly api: YouTubeApi;
  readonly access: TranscriptAccess;
  readonly quota: QuotaTracker;
  readonly store: TranscriptStore;
  readonly signal?: AbortSignal;
  /** Said once per channel when quota or an error left videos pending. */
  readonly warn?: (message: string) => void;
}

/**
 * Transcript states for `videos` (newest first get the quota first), given what the catalog
 * held. A video whose state is `forbidden` must not be passed: it is never asked again.
 */
export async function fetchTranscripts(
  videos: readonly VideoRecord[],
  previous: ReadonlyMap<string, TranscriptState | undefined>,
  o: TranscriptRunOptions,
): Promise<Map<string, TranscriptState>> {
  const out = new Map<string, TranscriptState>();
  const order = [...videos].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : a.id < b.id ? -1 : 1));
  let stopped = false;
  /** Videos the quota could not cover: told once, at the end. */
  let short = 0;
  for (const video of order) {
    o.signal?.throwIfAborted();
    const before = previous.get(video.id);
    const cost = UNIT_COST['captions.list'] + (o.access.downloader ? UNIT_COST['captions.download'] : 0);
    if (stopped || o.quota.remaining < cost) {
      // Quota refused: what was saved stays; the rest waits for a later sync.
      out.set(video.id, before?.status === 'saved' ? before : { status: 'pending' });
      short++;
      continue;
    }
    try {
      out.set(video.id, await transcriptOf(video, before, o));
    } catch (err) {
      if (o.signal?.aborted) throw err;
      if (err instanceof QuotaExceededError) {
        stopped = true;
        short++;
      } else o.warn?.(`Transcript of "${video.title}": ${err instanceof Error ? err.message : String(err)}; a later sync tries again.`);
      out.set(video.id, before?.status === 'saved' ? before : { status: 'pending' });
    }
  }
  if (short) {
    o.warn?.(`${short} transcript(s) wait for more YouTube quota (captions cost 50 units a video to list, 200 to download); a later sync fetches them.`);
  }
  return out;
}

async function transcriptOf(video: VideoRecord, before: TranscriptState | undefined, o: TranscriptRunOptions): Promise<TranscriptState> {
  const tracks = await o.api.captionTracks(video.id, o.signal);
  const track = chooseTrack(tracks, o.access.preferredLanguages, video.language);
  if (!track) return { status: 'none' };
  if (before?.status === 'saved' && before.track.id === track.id && before.track.lastUpdated === track.lastUpdated) return before;
  const downloader = o.access.downloader;
  if (!downloader) return { status: 'listed', track, reason: o.access.blocker };
  try {
    const lines = parseCaptionFile(await downloader.download(track.id, o.signal));
    await o.store.save(video.id, lines);
    return { status: 'saved', track };
  } catch (err) {
    if (err instanceof CaptionForbiddenError) return { status: 'forbidden', track };
    if (err instanceof CaptionScopeError) {
      // Every other download would be refused the same way (and cost 200 units each).
      o.access.downloader = undefined;
      o.access.blocker = 'no-scope';
      return { status: 'listed', track, reason: 'no-scope' };
    }
    if (err instanceof CaptionNotFoundError) return { status: 'pending' };
    throw err;
  }
}
