/**
 * What the YouTube sync asks of YouTube Data API v3, as a port: the engine depends on this
 * interface, `googleYouTubeApi` implements it with the official `@googleapis/youtube` client
 * (the same code path against Google and against the local sandbox: only `rootUrl` differs), and
 * tests may script it. Every call is one unit of quota, reported to `onCall` before it is made.
 */
import { youtube, type youtube_v3 } from '@googleapis/youtube';
import { abortableSleep } from '../../util/abort';
import { UserError } from '../../errors';
import type { RateLimiter } from '../../util/rateLimiter';
import type { ResponseCache } from './responseCache';
import type { CaptionTrackInfo } from './captions';
import type { VideoRecord } from './video';

export interface ChannelInfo {
  readonly id: string;
  readonly title: string;
  /** `@handle`, when the channel has one. */
  readonly handle?: string;
  readonly description: string;
  readonly publishedAt?: string;
  /** contentDetails.relatedPlaylists.uploads. */
  readonly uploadsPlaylistId?: string;
  /** statistics.videoCount: public videos; a change says the catalog changed. */
  readonly videoCount?: number;
  readonly subscriberCount?: number;
  readonly viewCount?: number;
  readonly thumbnailUrl?: string;
}

export interface UploadsPage {
  readonly videoIds: readonly string[];
  readonly nextPageToken?: string;
  readonly totalResults?: number;
}

export type YouTubeMethod = 'channels.list' | 'playlistItems.list' | 'videos.list' | 'captions.list' | 'captions.download';

export interface YouTubeApi {
  /** Up to 50 ids per call; ids YouTube does not know are left out. */
  channelsById(ids: readonly string[], signal?: AbortSignal): Promise<ChannelInfo[]>;
  channelByHandle(handle: string, signal?: AbortSignal): Promise<ChannelInfo | undefined>;
  channelByUsername(username: string, signal?: AbortSignal): Promise<ChannelInfo | undefined>;
  /** One page (50) of an uploads playlist, newest first. */
  uploadsPage(playlistId: string, pageToken: string | undefined, signal?: AbortSignal): Promise<UploadsPage>;
  /** Up to 50 ids per call; private, deleted and unknown ids are left out, with no error. */
  videos(ids: readonly string[], signal?: AbortSignal): Promise<VideoRecord[]>;
  /** A video's caption tracks (captions.list, 50 units); drafts and others' private tracks are not listed. */
  captionTracks(videoId: string, signal?: AbortSignal): Promise<CaptionTrackInfo[]>;
}

/**
 * Units each method costs (developers.google.com/youtube/v3/determine_quota_cost): list calls cost
 * 1 per page; captions.list 50 and captions.download 200 (developers.google.com/youtube/v3/docs/captions).
 */
export const UNIT_COST: Record<YouTubeMethod, number> = { 'channels.list': 1, 'playlistItems.list': 1, 'videos.list': 1, 'captions.list': 50, 'captions.download': 200 };

/** YouTube refused because the project's daily quota is spent: nothing works until the reset. */
export class QuotaExceededError extends UserError {
  override readonly name = 'QuotaExceededError';
}

/** The key was refused: nothing works until the user gives another. */
export class ApiKeyError extends UserError {
  override readonly name = 'ApiKeyError';
}

export const API_KEY_HELP =
  'A key comes from Google Cloud Console (APIs & Services → Credentials → Create credentials → API key), for a project with "YouTube Data API v3" enabled.';

export interface GoogleYouTubeApiOptions {
  readonly apiKey: string;
  /** https://youtube.googleapis.com/ by default; the sandbox's address in tests. */
  readonly rootUrl?: string;
  /** Called before each request with its method, so quota is counted even when the call fails. */
  readonly onCall?: (method: YouTubeMethod) => void;
  /** First wait before retrying a 403 rate limit (doubled each time, with jitter); default 500 ms. */
  readonly retryBaseMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Answers kept with their ETags: a repeated request asks If-None-Match and a 304 reuses the body. */
  readonly cache?: ResponseCache;
  /** Called when YouTube answered 304 Not Modified. */
  readonly onNotModified?: () => void;
  /** The request rate shared by every channel syncing in this process. */
  readonly limiter?: RateLimiter;
}

/**
 * gaxios (inside the Google client) already retries 408, 429, 5xx and dropped connections of
 * these GET requests with backoff. YouTube may also rate-limit with 403 rateLimitExceeded,
 * which gaxios does not retry: that one is retried here, a bounded number of times.
 */
const RATE_LIMIT_ATTEMPTS = 4;

function isRateLimit403(err: unknown): boolean {
  const body = (err as { response?: { status?: number; data?: GoogleErrorBody } })?.response;
  const reasons = (body?.data?.error?.errors ?? []).map((e) => e.reason);
  return body?.status === 403 && (reasons.includes('rateLimitExceeded') || reasons.includes('userRateLimitExceeded'));
}

const CHANNEL_PARTS = ['snippet', 'contentDetails', 'statistics'];
const VIDEO_PARTS = ['snippet', 'contentDetails', 'statistics', 'status'];

export function googleYouTubeApi(options: GoogleYouTubeApiOptions): YouTubeApi {
  const client = youtube({ version: 'v3', auth: options.apiKey, ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}) });
  const sleep = options.sleep ?? abortableSleep;
  /** `key` names the request for the cache; `run` gets the headers to send. */
  async function call<T>(
    method: YouTubeMethod,
    signal: AbortSignal | undefined,
    run: (headers: Record<string, string>) => Promise<{ data: T; status?: number; headers?: unknown }>,
    key?: string,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      await options.limiter?.acquire(signal);
      options.onCall?.(method);
      const cached = key ? options.cache?.get(key) : undefined;
      try {
        const res = await run(cached ? { 'If-None-Match': cached.etag } : {});
        if (res.status === 304 && cached) {
          options.cache!.touch();
          options.onNotModified?.();
          return JSON.parse(cached.body) as T;
        }
        const etag = (res.data as { etag?: unknown } | undefined)?.etag;
        if (key && options.cache && typeof etag === 'string') options.cache.set(key, etag, JSON.stringify(res.data));
        return res.data;
      } catch (err) {
        if (attempt < RATE_LIMIT_ATTEMPTS && isRateLimit403(err)) {
          const base = (options.retryBaseMs ?? 500) * 2 ** (attempt - 1);
          await sleep(base + Math.random() * base, signal);
          continue;
        }
        throw translateError(err);
      }
    }
  }
  const channelList = async (params: youtube_v3.Params$Resource$Channels$List, signal?: AbortSignal): Promise<ChannelInfo[]> => {
    const request = { part: CHANNEL_PARTS, ...params };
    const data = await call('channels.list', signal, (headers) => client.channels.list(request, { signal, headers }), `channels.list ${JSON.stringify(request)}`);
    // A list that matches nothing has no `items` key at all, not an empty array.
    return (data.items ?? []).map(channelInfo);
  };
  return {
    async channelsById(ids, signal) {
      const out: ChannelInfo[] = [];
      for (let i = 0; i < ids.length; i += 50) out.push(...(await channelList({ id: ids.slice(i, i + 50), maxResults: 50 }, signal)));
      return out;
    },
    async channelByHandle(handle, signal) {
      return (await channelList({ forHandle: handle.startsWith('@') ? handle : `@${handle}` }, signal))[0];
    },
    async channelByUsername(username, signal) {
      return (await channelList({ forUsername: username }, signal))[0];
    },
    async uploadsPage(playlistId, pageToken, signal) {
      const request = { part: ['contentDetails'], playlistId, maxResults: 50, ...(pageToken ? { pageToken } : {}) };
      const data = await call(
        'playlistItems.list',
        signal,
        (headers) => client.playlistItems.list(request, { signal, headers }),
        `playlistItems.list ${JSON.stringify(request)}`,
      );
      const videoIds = (data.items ?? []).map((i) => i.contentDetails?.videoId).filter((id): id is string => !!id);
      return { videoIds, nextPageToken: data.nextPageToken ?? undefined, totalResults: data.pageInfo?.totalResults ?? undefined };
    },
    async videos(ids, signal) {
      const out: VideoRecord[] = [];
      for (let i = 0; i < ids.length; i += 50) {
        const request = { part: VIDEO_PARTS, id: ids.slice(i, i + 50), maxResults: 50 };
        const data = await call('videos.list', signal, (headers) => client.videos.list(request, { signal, headers }), `videos.list ${JSON.stringify(request)}`);
        out.push(...(data.items ?? []).map(videoRecord).filter((v): v is VideoRecord => !!v));
      }
      return out;
    },
    async captionTracks(videoId, signal) {
      // Not cached: an answer costs 50 units with or without a 304, and it is asked once per video.
      const data = await call('captions.list', signal, () => client.captions.list({ part: ['snippet'], videoId }, { signal }));
      return (data.items ?? []).flatMap((c) => (c.id ? [captionTrackInfo(c)] : []));
    },
  };
}

function count(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function bestThumbnail(t: youtube_v3.Schema$ThumbnailDetails | undefined): string | undefined {
  return (t?.maxres ?? t?.standard ?? t?.high ?? t?.medium ?? t?.default)?.url ?? undefined;
}

function channelInfo(c: youtube_v3.Schema$Channel): ChannelInfo {
  const s = c.snippet ?? {};
  return {
    id: c.id ?? '',
    title: s.title ?? c.id ?? '',
    handle: s.customUrl?.startsWith('@') ? s.customUrl : undefined,
    description: s.description ?? '',
    publishedAt: s.publishedAt ?? undefined,
    uploadsPlaylistId: c.contentDetails?.relatedPlaylists?.uploads ?? undefined,
    videoCount: count(c.statistics?.videoCount),
    // Hidden subscriber counts are absent, not 0.
    subscriberCount: c.statistics?.hiddenSubscriberCount ? undefined : count(c.statistics?.subscriberCount),
    viewCount: count(c.statistics?.viewCount),
    thumbnailUrl: bestThumbnail(s.thumbnails),
  };
}

/** ISO 8601 duration (`PT1H2M3S`, `P1DT2H`) in whole seconds; undefined when absent or unreadable. */
export function durationSeconds(iso: string | null | undefined): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso ?? '');
  if (!m || iso === 'P' || iso === 'PT') return undefined;
  const [, d, h, min, s] = m;
  return Math.round(Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0));
}

function captionTrackInfo(c: youtube_v3.Schema$Caption): CaptionTrackInfo {
  const s = c.snippet ?? {};
  const kind = s.trackKind?.toLowerCase();
  return {
    id: c.id!,
    language: s.language ?? '',
    kind: kind === 'asr' || kind === 'forced' ? kind : 'standard',
    ...(s.name ? { name: s.name } : {}),
    ...(s.lastUpdated ? { lastUpdated: s.lastUpdated } : {}),
    ...(s.isDraft ? { isDraft: true } : {}),
    ...(s.status ? { status: s.status } : {}),
  };
}

function videoRecord(v: youtube_v3.Schema$Video): VideoRecord | undefined {
  if (!v.id) return undefined;
  const s = v.snippet ?? {};
  const privacy = v.status?.privacyStatus;
  return {
    id: v.id,
    channelId: s.channelId ?? '',
    channelTitle: s.channelTitle ?? '',
    title: s.title ?? '',
    description: s.description ?? '',
    publishedAt: s.publishedAt ?? '',
    durationSeconds: durationSeconds(v.contentDetails?.duration),
    views: count(v.statistics?.viewCount),
    likes: count(v.statistics?.likeCount),
    comments: count(v.statistics?.commentCount),
    tags: s.tags ?? [],
    privacy: privacy === 'unlisted' || privacy === 'private' ? privacy : 'public',
    thumbnailUrl: bestThumbnail(s.thumbnails),
    language: s.defaultAudioLanguage ?? s.defaultLanguage ?? undefined,
  };
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: { reason?: string; domain?: string }[]; details?: { reason?: string }[] };
}

/** Maps a GaxiosError to what the user can act on; other errors pass through unchanged. */
export function translateError(err: unknown): unknown {
  if (err instanceof Error && err.name === 'AbortError') return err;
  const body = (err as { response?: { data?: GoogleErrorBody } })?.response?.data?.error;
  if (!body) return err;
  const reasons = [...(body.errors ?? []).map((e) => e.reason), ...(body.details ?? []).map((d) => d.reason)];
  if (reasons.includes('quotaExceeded') || reasons.includes('dailyLimitExceeded')) {
    return new QuotaExceededError(
      'YouTube says the daily quota of this API key\'s project is spent. It resets at midnight Pacific time; what was fetched so far is saved, and the next sync continues from there.',
    );
  }
  if (reasons.includes('keyInvalid') || reasons.includes('API_KEY_INVALID')) return new ApiKeyError(`YouTube refused the API key: set a valid one. ${API_KEY_HELP}`);
  if (reasons.includes('accessNotConfigured') || reasons.includes('SERVICE_DISABLED')) {
    return new ApiKeyError('YouTube Data API v3 is not enabled for this key\'s project: enable it in Google Cloud Console (APIs & Services → Library).');
  }
  if (reasons.includes('rateLimitExceeded') || reasons.includes('userRateLimitExceeded') || body.code === 429) {
    return new Error('YouTube is limiting requests right now and kept doing so after several tries. What was fetched is saved; sync again in a few minutes.');
  }
  return new Error(`YouTube answered ${body.code ?? 'an error'}: ${body.message ?? 'no message'}`);
}
