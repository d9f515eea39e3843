import { contentEtag } from './etag';
import {
  youtubeIncompatibleParameters,
  youtubeInvalidEnum,
  youtubeInvalidFilters,
  youtubeInvalidPageToken,
  youtubeInvalidSearchFilter,
  youtubeLoginRequired,
  youtubeNoFilter,
  youtubeOutOfRange,
  youtubePlaylistItemsNotAccessible,
  youtubePlaylistNotFound,
  youtubeRequiredParameter,
  youtubeUnknownPart,
} from './errors';
import type { Query, RequestContext, RouteResult } from './http-types';
import type { Channel, Playlist, PlaylistEntry, PlaylistView, Video, YouTubeModel } from './youtube-model';

/**
 * YouTube Data API v3 list methods, rendered from the model.
 *
 * Shapes: list envelopes are [DOC] (developers.google.com/youtube/v3/docs/<resource>/list,
 * "Response") with field names checked against [GEN] `Schema$<Resource>ListResponse` in
 * @googleapis/youtube@39; resources follow [GEN] `Schema$Channel`, `Schema$Video`,
 * `Schema$PlaylistItem`, `Schema$Playlist`, `Schema$SearchResult`, and the home-assistant
 * captures [REAL] for field order and value styles (counts as strings, `@handle` customUrl,
 * playlistItem ids as base64 of `<playlistId>.<videoId>`). google-api-shapes.md §1–4.
 */

type Json = Record<string, unknown>;

const MAX_IDS = 50;

/** [DOC] The `part` names each method knows; anything else is 400 unknownPart. */
const PARTS = {
  channels: ['auditDetails', 'brandingSettings', 'contentDetails', 'contentOwnerDetails', 'id', 'localizations', 'snippet', 'statistics', 'status', 'topicDetails'],
  playlistItems: ['contentDetails', 'id', 'snippet', 'status'],
  playlists: ['contentDetails', 'id', 'localizations', 'player', 'snippet', 'status'],
  videos: [
    'brandPartner', 'contentDetails', 'fileDetails', 'id', 'liveStreamingDetails', 'localizations', 'paidProductPlacementDetails',
    'player', 'processingDetails', 'recordingDetails', 'snippet', 'statistics', 'status', 'suggestions', 'topicDetails',
  ],
  search: ['snippet', 'id'],
} as const;

function parts(query: Query, method: keyof typeof PARTS): Set<string> {
  const requested = query.list('part');
  if (requested.length === 0) throw youtubeRequiredParameter('part');
  const known = new Set<string>(PARTS[method]);
  for (const part of requested) if (!known.has(part)) throw youtubeUnknownPart(part);
  return new Set(requested);
}

/** `maxResults`: [DOC] "Acceptable values are 0 to 50, inclusive. The default value is 5." */
function maxResults(query: Query, max = 50, fallback = 5): number {
  const raw = query.string('maxResults');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < 0 || n > max) throw youtubeOutOfRange('maxResults', raw, 0, max);
  return n;
}

function filters(query: Query, names: readonly string[], expected: readonly string[]): string | undefined {
  const given = names.filter((n) => query.has(n));
  if (given.length > 1) throw youtubeIncompatibleParameters(given);
  if (given.length === 0) throw youtubeNoFilter(expected);
  return given[0];
}

function ids(query: Query, name: string): string[] {
  const list = [...new Set(query.list(name))];
  if (list.length > MAX_IDS) throw youtubeInvalidFilters();
  return list;
}

// ------------------------------------------------------------------ page tokens

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

function readVarint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 8; i++) {
    value += (bytes[i] & 0x7f) * scale;
    scale *= 128;
    if ((bytes[i] & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

function b64(bytes: number[] | Buffer): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function unb64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * Playlist page tokens in YouTube's own format ([REAL] `EAAaBlBUOkNBVQ` = protobuf
 * {2: direction, 3: "PT:" + base64({1: offset})}, here offset 5, forward). Like YouTube's, they
 * encode a position, not a snapshot: items added at the top shift what the next page holds.
 */
export function encodePlaylistToken(offset: number, backwards: boolean): string {
  const pt = Buffer.from(`PT:${b64([0x08, ...varint(offset)])}`);
  return b64(Buffer.concat([Buffer.from([0x10, backwards ? 1 : 0, 0x1a, pt.length]), pt]));
}

export function decodePlaylistToken(token: string): { offset: number; backwards: boolean } | undefined {
  const bytes = unb64(token);
  if (!bytes || bytes.length < 4 || bytes[0] !== 0x10 || bytes[2] !== 0x1a) return undefined;
  const backwards = bytes[1] === 1;
  const text = bytes.subarray(4, 4 + bytes[3]).toString('latin1');
  if (!text.startsWith('PT:')) return undefined;
  const inner = unb64(text.slice(3));
  if (!inner || inner[0] !== 0x08) return undefined;
  const read = readVarint(inner, 1);
  if (!read || read[1] !== inner.length) return undefined;
  return { offset: read[0], backwards };
}

/** search.list tokens ([REAL] `CAUQAA` = {1: offset, 2: 0}). */
function encodeSearchToken(offset: number, backwards: boolean): string {
  return b64([0x08, ...varint(offset), 0x10, backwards ? 1 : 0]);
}

function decodeSearchToken(token: string): { offset: number; backwards: boolean } | undefined {
  const bytes = unb64(token);
  if (!bytes || bytes[0] !== 0x08) return undefined;
  const read = readVarint(bytes, 1);
  if (!read || bytes[read[1]] !== 0x10 || read[1] + 2 !== bytes.length) return undefined;
  return { offset: read[0], backwards: bytes[read[1] + 1] === 1 };
}

interface Page<T> {
  items: T[];
  offset: number;
  next?: string;
  prev?: string;
}

interface Sliceable<T> {
  length: number;
  slice(start: number, end: number): T[];
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

/** For each entry, how many earlier entries name the same video (0 for the first). */
function occurrenceIndexes(entries: PlaylistEntry[]): number[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const n = seen.get(e.videoId) ?? 0;
    seen.set(e.videoId, n + 1);
    return n;
  });
}

function paginate<T>(
  all: Sliceable<T>,
  query: Query,
  size: number,
  codec: { encode: (offset: number, backwards: boolean) => string; decode: (token: string) => { offset: number; backwards: boolean } | undefined },
): Page<T> {
  let offset = 0;
  const token = query.string('pageToken');
  if (token !== undefined && token !== '') {
    const decoded = codec.decode(token);
    if (!decoded) throw youtubeInvalidPageToken();
    offset = decoded.backwards ? Math.max(0, decoded.offset - size) : decoded.offset;
  }
  const items = all.slice(offset, offset + size);
  const page: Page<T> = { items, offset };
  if (size > 0 && offset + size < all.length) page.next = codec.encode(offset + size, false);
  if (offset > 0) page.prev = codec.encode(offset, true);
  return page;
}

// ------------------------------------------------------------------ envelopes and etags

function listResponse(
  model: YouTubeModel,
  kind: string,
  items: Json[],
  pageInfo: { totalResults: number; resultsPerPage: number },
  extra: { next?: string; prev?: string; regionCode?: string; parts: Set<string>; omitEmptyItems?: boolean },
): RouteResult {
  // The list ETag covers everything the body says, so it changes exactly when the page changes.
  const etagSource: unknown[] = [kind, items.map((i) => i.etag), extra.next, extra.prev, pageInfo, [...extra.parts].sort()];
  if (model.settings.volatileListEtags) etagSource.push(volatileCounter++);
  const etag = contentEtag(etagSource);
  const body: Json = { kind, etag };
  if (extra.next) body.nextPageToken = extra.next;
  if (extra.prev) body.prevPageToken = extra.prev;
  if (extra.regionCode) body.regionCode = extra.regionCode;
  body.pageInfo = pageInfo;
  if (items.length > 0 || !extra.omitEmptyItems) body.items = items;
  return { body, etag };
}

let volatileCounter = 0;

function thumbnails(videoId: string): Json {
  // [REAL] i.ytimg.com names and sizes as in the captured playlistItems response.
  const t = (name: string, width: number, height: number) => ({ url: `https://i.ytimg.com/vi/${videoId}/${name}.jpg`, width, height });
  return {
    default: t('default', 120, 90),
    medium: t('mqdefault', 320, 180),
    high: t('hqdefault', 480, 360),
    standard: t('sddefault', 640, 480),
    maxres: t('maxresdefault', 1280, 720),
  };
}

function channelThumbnails(channelId: string): Json {
  const t = (size: number) => ({ url: `https://yt3.ggpht.com/sandbox/${channelId}=s${size}-c-k-c0x00ffffff-no-rj`, width: size, height: size });
  return { default: t(88), medium: t(240), high: t(800) };
}

/** [DOC] subscriberCount: "rounded down to three significant figures". */
function roundSubscribers(n: number): number {
  if (n < 1000) return n;
  const digits = Math.floor(Math.log10(n)) + 1;
  const unit = 10 ** (digits - 3);
  return Math.floor(n / unit) * unit;
}

// ------------------------------------------------------------------ resources

function channelResource(model: YouTubeModel, channel: Channel, wanted: Set<string>): Json {
  const full: Json = { kind: 'youtube#channel', etag: '', id: channel.id };
  const snippet: Json = {
    title: channel.title,
    description: channel.description,
  };
  if (channel.handle) snippet.customUrl = `@${channel.handle.toLowerCase()}`;
  snippet.publishedAt = channel.publishedAt;
  snippet.thumbnails = channelThumbnails(channel.id);
  if (channel.defaultLanguage) snippet.defaultLanguage = channel.defaultLanguage;
  snippet.localized = { title: channel.title, description: channel.description };
  if (channel.country) snippet.country = channel.country;
  const statistics: Json = { viewCount: String(model.channelViewCount(channel)) };
  if (!channel.hiddenSubscriberCount) statistics.subscriberCount = String(roundSubscribers(channel.subscriberCount));
  statistics.hiddenSubscriberCount = channel.hiddenSubscriberCount;
  statistics.videoCount = String(model.publicVideoCount(channel.id));
  const sections: Record<string, Json> = {
    snippet,
    // [REAL] home-assistant get_channel.json: `likes` is an empty string for other people's channels.
    contentDetails: { relatedPlaylists: { likes: '', uploads: model.uploadsPlaylistId(channel.id) } },
    statistics,
    status: { privacyStatus: 'public', isLinked: true, longUploadsStatus: 'longUploadsUnspecified', madeForKids: channel.madeForKids },
    brandingSettings: {
      channel: {
        title: channel.title,
        description: channel.description,
        ...(channel.keywords ? { keywords: channel.keywords } : {}),
        ...(channel.country ? { country: channel.country } : {}),
      },
      image: { bannerExternalUrl: `https://yt3.googleusercontent.com/sandbox-banner-${channel.id}` },
    },
  };
  for (const [name, section] of Object.entries(sections)) full[name] = section;
  full.etag = contentEtag(full);
  return pick(full, wanted);
}

function videoResource(model: YouTubeModel, video: Video, wanted: Set<string>): Json {
  const channel = model.channel(video.channelId);
  const full: Json = { kind: 'youtube#video', etag: '', id: video.id };
  const snippet: Json = {
    publishedAt: video.publishedAt,
    channelId: video.channelId,
    title: video.title,
    description: video.description,
    thumbnails: thumbnails(video.id),
    channelTitle: channel?.title ?? '',
  };
  if (video.tags.length) snippet.tags = [...video.tags];
  snippet.categoryId = video.categoryId;
  snippet.liveBroadcastContent = video.liveBroadcastContent;
  if (video.defaultLanguage) snippet.defaultLanguage = video.defaultLanguage;
  snippet.localized = { title: video.title, description: video.description };
  if (video.defaultAudioLanguage) snippet.defaultAudioLanguage = video.defaultAudioLanguage;
  full.snippet = snippet;
  const contentDetails: Json = {
    duration: video.duration,
    dimension: '2d',
    definition: video.definition,
    caption: video.caption ? 'true' : 'false',
    licensedContent: video.licensedContent,
  };
  if (video.regionRestriction) contentDetails.regionRestriction = structuredClone(video.regionRestriction);
  contentDetails.contentRating = {};
  contentDetails.projection = 'rectangular';
  full.contentDetails = contentDetails;
  full.status = {
    uploadStatus: video.liveBroadcastContent === 'none' ? 'processed' : 'uploaded',
    privacyStatus: video.privacyStatus,
    license: video.license,
    embeddable: video.embeddable,
    publicStatsViewable: true,
    madeForKids: video.madeForKids,
  };
  // Counts are strings (uint64); hidden likes and disabled comments drop the field ([DOC] and google.md).
  const statistics: Json = { viewCount: String(video.viewCount) };
  if (video.likeCount !== null) statistics.likeCount = String(video.likeCount);
  statistics.favoriteCount = '0';
  if (video.commentCount !== null) statistics.commentCount = String(video.commentCount);
  full.statistics = statistics;
  full.player = {
    embedHtml: `<iframe width="480" height="270" src="//www.youtube.com/embed/${video.id}" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>`,
  };
  if (video.topicCategories.length) full.topicDetails = { topicCategories: [...video.topicCategories] };
  full.recordingDetails = {};
  if (video.liveStreamingDetails) {
    const live: Json = {};
    const d = video.liveStreamingDetails;
    if (d.actualStartTime) live.actualStartTime = d.actualStartTime;
    if (d.actualEndTime) live.actualEndTime = d.actualEndTime;
    if (d.scheduledStartTime) live.scheduledStartTime = d.scheduledStartTime;
    if (d.scheduledEndTime) live.scheduledEndTime = d.scheduledEndTime;
    if (d.concurrentViewers !== undefined && video.liveBroadcastContent === 'live') live.concurrentViewers = String(d.concurrentViewers);
    if (d.activeLiveChatId && video.liveBroadcastContent !== 'none') live.activeLiveChatId = d.activeLiveChatId;
    full.liveStreamingDetails = live;
  }
  full.etag = contentEtag(full);
  return pick(full, wanted);
}

function playlistItemId(playlistId: string, videoId: string, occurrence: number): string {
  return Buffer.from(`${playlistId}.${videoId}${occurrence ? `.${occurrence}` : ''}`).toString('base64').replace(/=+$/, '');
}

function playlistItemResource(
  model: YouTubeModel,
  playlist: PlaylistView,
  entry: PlaylistEntry,
  position: number,
  occurrence: number,
  wanted: Set<string>,
): Json {
  const owner = model.channel(playlist.channelId);
  const video = model.video(entry.videoId);
  const unavailable = model.unavailability(entry);
  const full: Json = { kind: 'youtube#playlistItem', etag: '', id: playlistItemId(playlist.id, entry.videoId, occurrence) };
  const snippet: Json = {
    publishedAt: entry.addedAt,
    channelId: playlist.channelId,
    // [UNSURE] the placeholder titles and descriptions YouTube shows for entries it will not reveal.
    title: unavailable === 'deleted' ? 'Deleted video' : unavailable === 'private' ? 'Private video' : video!.title,
    description: unavailable === 'deleted' ? 'This video is unavailable.' : unavailable === 'private' ? 'This video is private.' : video!.description,
    thumbnails: unavailable ? {} : thumbnails(entry.videoId),
    channelTitle: owner?.title ?? '',
    playlistId: playlist.id,
    position,
    resourceId: { kind: 'youtube#video', videoId: entry.videoId },
  };
  const contentDetails: Json = { videoId: entry.videoId };
  if (!unavailable && video) {
    const videoOwner = model.channel(video.channelId);
    snippet.videoOwnerChannelTitle = videoOwner?.title ?? '';
    snippet.videoOwnerChannelId = video.channelId;
    contentDetails.videoPublishedAt = video.publishedAt;
  }
  full.snippet = snippet;
  full.contentDetails = contentDetails;
  full.status = { privacyStatus: unavailable === 'deleted' ? 'privacyStatusUnspecified' : unavailable === 'private' ? 'private' : video!.privacyStatus };
  full.etag = contentEtag(full);
  return pick(full, wanted);
}

function playlistResource(model: YouTubeModel, playlist: Playlist | PlaylistView, wanted: Set<string>): Json {
  const owner = model.channel(playlist.channelId);
  const first = playlist.entries.find((e) => !model.unavailability(e));
  const full: Json = { kind: 'youtube#playlist', etag: '', id: playlist.id };
  full.snippet = {
    publishedAt: playlist.publishedAt,
    channelId: playlist.channelId,
    title: playlist.title,
    description: playlist.description,
    thumbnails: first ? thumbnails(first.videoId) : {},
    channelTitle: owner?.title ?? '',
    localized: { title: playlist.title, description: playlist.description },
  };
  full.status = { privacyStatus: playlist.privacyStatus };
  full.contentDetails = { itemCount: visibleEntries(model, playlist as PlaylistView).length };
  full.player = {
    embedHtml: `<iframe width="640" height="360" src="http://www.youtube.com/embed/videoseries?list=${playlist.id}" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>`,
  };
  full.etag = contentEtag(full);
  return pick(full, wanted);
}

/** Keeps kind, etag, id (always present, [DOC]) and the requested parts. */
function pick(full: Json, wanted: Set<string>): Json {
  const out: Json = { kind: full.kind, etag: full.etag, id: full.id };
  for (const [key, value] of Object.entries(full)) {
    if (key === 'kind' || key === 'etag' || key === 'id') continue;
    if (wanted.has(key)) out[key] = value;
  }
  return out;
}

const visibleCache = new WeakMap<YouTubeModel, Map<string, { revision: number; entries: PlaylistEntry[] }>>();

/** The entries a playlist shows, cached per model revision (a big uploads list is paged hundreds of times). */
function visibleEntries(model: YouTubeModel, playlist: PlaylistView | Playlist): PlaylistEntry[] {
  if (playlist.unavailableItems === 'placeholder') return playlist.entries;
  let cache = visibleCache.get(model);
  if (!cache) visibleCache.set(model, (cache = new Map()));
  const key = playlist.id;
  const hit = cache.get(key);
  if (hit && hit.revision === model.revision) return hit.entries;
  const entries = playlist.entries.filter((e) => !model.unavailability(e));
  cache.set(key, { revision: model.revision, entries });
  return entries;
}

// ------------------------------------------------------------------ methods

export function channelsList(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const wanted = parts(ctx.query, 'channels');
  const size = maxResults(ctx.query);
  const filter = filters(
    ctx.query,
    ['id', 'forHandle', 'forUsername', 'mine', 'managedByMe', 'categoryId', 'mySubscribers'],
    ['forUsername', 'managedByMe', 'categoryId', 'mine', 'mySubscribers', 'id', 'idParam', 'forHandle'],
  );
  let found: Channel[] = [];
  if (filter === 'id') {
    found = ids(ctx.query, 'id')
      .map((id) => model.channel(id))
      .filter((c): c is Channel => c !== undefined);
  } else if (filter === 'forHandle') {
    const handle = ctx.query.string('forHandle') ?? '';
    const channel = model.channelByHandle(handle);
    if (channel) found = [channel];
  } else if (filter === 'forUsername') {
    const channel = model.channelByUsername(ctx.query.string('forUsername') ?? '');
    if (channel) found = [channel];
  } else if (ctx.caller.kind === 'key') {
    throw youtubeLoginRequired();
  }
  const items = found.map((c) => channelResource(model, c, wanted));
  // [REAL] get_channel.json / get_no_channel.json: resultsPerPage is maxResults, not the count.
  // No match (unknown id, handle or username) is a 200 with totalResults 0 and no `items` key at
  // all, not `"items": []`: [REAL] a channelListResponse pasted in a developer's notes found by code
  // search (repository not named by the index) has kind, etag and pageInfo {0, 5} only. Clients
  // built from the discovery document see `items` undefined, not an empty array.
  return listResponse(
    model,
    'youtube#channelListResponse',
    items,
    { totalResults: items.length, resultsPerPage: size },
    { parts: wanted, omitEmptyItems: true },
  );
}

export function videosList(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const wanted = parts(ctx.query, 'videos');
  const filter = filters(ctx.query, ['id', 'chart', 'myRating'], ['chart', 'id', 'myRating']);
  if (filter === 'id') {
    maxResults(ctx.query); // validated even though it has no effect with `id`
    const found = ids(ctx.query, 'id')
      .map((id) => model.video(id))
      // Private and deleted ids are left out with no error (google.md; claudiob/yt#382).
      .filter((v): v is Video => v !== undefined && model.isRetrievable(v));
    const items = found.map((v) => videoResource(model, v, wanted));
    // [REAL] several captures: with `id`, resultsPerPage equals the number of items.
    return listResponse(model, 'youtube#videoListResponse', items, { totalResults: items.length, resultsPerPage: items.length }, { parts: wanted });
  }
  if (filter === 'myRating') {
    if (ctx.caller.kind === 'key') throw youtubeLoginRequired();
    return listResponse(model, 'youtube#videoListResponse', [], { totalResults: 0, resultsPerPage: maxResults(ctx.query) }, { parts: wanted });
  }
  const chart = ctx.query.string('chart') ?? '';
  if (chart !== 'mostPopular') throw youtubeInvalidEnum('chart', chart, ['chartUnspecified', 'mostPopular']);
  const size = maxResults(ctx.query);
  const popular = model
    .allVideos()
    .filter((v) => !v.deleted && v.privacyStatus === 'public' && v.liveBroadcastContent !== 'upcoming')
    .sort((a, b) => b.viewCount - a.viewCount || a.sequence - b.sequence);
  const page = paginate(popular, ctx.query, size, { encode: encodeSearchToken, decode: decodeSearchToken });
  const items = page.items.map((v) => videoResource(model, v, wanted));
  return listResponse(
    model,
    'youtube#videoListResponse',
    items,
    { totalResults: popular.length, resultsPerPage: size },
    { next: page.next, prev: page.prev, parts: wanted },
  );
}

export function playlistItemsList(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const wanted = parts(ctx.query, 'playlistItems');
  const size = maxResults(ctx.query);
  const filter = filters(ctx.query, ['playlistId', 'id'], ['id', 'playlistId']);
  if (filter === 'id') {
    const items: Json[] = [];
    for (const itemId of ids(ctx.query, 'id')) {
      const decoded = Buffer.from(itemId, 'base64').toString('utf8').split('.');
      const playlist = decoded.length >= 2 ? model.playlistView(decoded[0]) : undefined;
      if (!playlist) continue;
      const entries = visibleEntries(model, playlist);
      const occurrence = decoded[2] ? Number(decoded[2]) : 0;
      let seen = -1;
      const position = entries.findIndex((e) => e.videoId === decoded[1] && ++seen === occurrence);
      if (position >= 0) items.push(playlistItemResource(model, playlist, entries[position], position, occurrence, wanted));
    }
    return listResponse(model, 'youtube#playlistItemListResponse', items, { totalResults: items.length, resultsPerPage: size }, { parts: wanted });
  }
  const playlistId = ctx.query.string('playlistId') ?? '';
  const playlist = model.playlistView(playlistId);
  if (!playlist) throw youtubePlaylistNotFound();
  if (playlist.privacyStatus === 'private' && ctx.caller.kind === 'key') throw youtubePlaylistItemsNotAccessible();
  let entries = visibleEntries(model, playlist);
  if (playlist.isUploads && entries.length > model.settings.uploadsCeiling) entries = entries.slice(0, model.settings.uploadsCeiling);
  const videoFilter = ctx.query.string('videoId');
  // Positions are indexes into the whole (visible) list, also when `videoId` narrows it.
  const positions = videoFilter ? entries.flatMap((e, i) => (e.videoId === videoFilter ? [i] : [])) : undefined;
  const total = positions ? positions.length : entries.length;
  const page = paginate({ length: total, slice: (a, b) => (positions ? positions.slice(a, b) : range(a, Math.min(b, total))) }, ctx.query, size, {
    encode: encodePlaylistToken,
    decode: decodePlaylistToken,
  });
  // Uploads never repeat a video; ordinary playlists may, and each repeat needs its own item id.
  const occurrences = playlist.isUploads ? undefined : occurrenceIndexes(entries);
  const items = page.items.map((position) =>
    playlistItemResource(model, playlist, entries[position], position, occurrences?.[position] ?? 0, wanted),
  );
  return listResponse(
    model,
    'youtube#playlistItemListResponse',
    items,
    { totalResults: total, resultsPerPage: size },
    { next: page.next, prev: page.prev, parts: wanted },
  );
}

export function playlistsList(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const wanted = parts(ctx.query, 'playlists');
  const size = maxResults(ctx.query);
  const filter = filters(ctx.query, ['id', 'channelId', 'mine'], ['channelId', 'id', 'mine']);
  if (filter === 'mine') {
    if (ctx.caller.kind === 'key') throw youtubeLoginRequired();
    return listResponse(model, 'youtube#playlistListResponse', [], { totalResults: 0, resultsPerPage: size }, { parts: wanted });
  }
  if (filter === 'id') {
    const found = ids(ctx.query, 'id')
      .map((id) => model.playlistView(id))
      .filter((p): p is PlaylistView => p !== undefined && (p.privacyStatus !== 'private' || ctx.caller.kind === 'token'));
    const items = found.map((p) => playlistResource(model, p, wanted));
    return listResponse(model, 'youtube#playlistListResponse', items, { totalResults: items.length, resultsPerPage: size }, { parts: wanted });
  }
  const channelId = ctx.query.string('channelId') ?? '';
  const all = model.playlistsOf(channelId).filter((p) => p.privacyStatus === 'public');
  const page = paginate(all, ctx.query, size, { encode: encodeSearchToken, decode: decodeSearchToken });
  const items = page.items.map((p) => playlistResource(model, p, wanted));
  return listResponse(
    model,
    'youtube#playlistListResponse',
    items,
    { totalResults: all.length, resultsPerPage: size },
    { next: page.next, prev: page.prev, parts: wanted },
  );
}

const SEARCH_ORDERS = ['date', 'rating', 'relevance', 'title', 'videoCount', 'viewCount'];

/**
 * search.list, only as far as an archiver could want it: videos of one channel, optionally by
 * event type (live/upcoming/completed), text, and publish window. Channels and playlists are not
 * returned. [DOC] searchListResponse envelope with `regionCode`; result ids are `{kind, videoId}`.
 */
export function searchList(model: YouTubeModel, ctx: RequestContext): RouteResult {
  const wanted = parts(ctx.query, 'search');
  const size = maxResults(ctx.query);
  const order = ctx.query.string('order') ?? 'relevance';
  if (!SEARCH_ORDERS.includes(order)) throw youtubeInvalidEnum('order', order, SEARCH_ORDERS);
  const type = ctx.query.list('type');
  const eventType = ctx.query.string('eventType');
  if (eventType !== undefined) {
    if (!(type.length === 1 && type[0] === 'video')) throw youtubeInvalidSearchFilter();
    if (!['completed', 'live', 'upcoming'].includes(eventType)) throw youtubeInvalidEnum('eventType', eventType, ['completed', 'live', 'upcoming']);
  }
  const channelId = ctx.query.string('channelId');
  const q = (ctx.query.string('q') ?? '').toLowerCase();
  const after = ctx.query.string('publishedAfter');
  const before = ctx.query.string('publishedBefore');
  let videos = type.length === 0 || type.includes('video') ? model.allVideos() : [];
  videos = videos.filter((v) => {
    if (v.deleted || v.privacyStatus !== 'public') return false;
    if (channelId && v.channelId !== channelId) return false;
    if (q && !`${v.title}\n${v.description}`.toLowerCase().includes(q)) return false;
    if (after && v.publishedAt < after) return false;
    if (before && v.publishedAt >= before) return false;
    if (eventType === 'live' && v.liveBroadcastContent !== 'live') return false;
    if (eventType === 'upcoming' && v.liveBroadcastContent !== 'upcoming') return false;
    if (eventType === 'completed' && (v.liveBroadcastContent !== 'none' || !v.liveStreamingDetails?.actualEndTime)) return false;
    return true;
  });
  const sorters: Record<string, (a: Video, b: Video) => number> = {
    date: (a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : b.sequence - a.sequence),
    viewCount: (a, b) => b.viewCount - a.viewCount,
    rating: (a, b) => (b.likeCount ?? 0) - (a.likeCount ?? 0),
    title: (a, b) => a.title.localeCompare(b.title),
  };
  videos.sort(sorters[order] ?? sorters.date);
  const page = paginate(videos, ctx.query, size, { encode: encodeSearchToken, decode: decodeSearchToken });
  const items = page.items.map((v) => {
    const channel = model.channel(v.channelId);
    const thumbs = thumbnails(v.id);
    const result: Json = {
      kind: 'youtube#searchResult',
      etag: '',
      id: { kind: 'youtube#video', videoId: v.id },
    };
    if (wanted.has('snippet')) {
      result.snippet = {
        publishedAt: v.publishedAt,
        channelId: v.channelId,
        title: v.title,
        description: v.description.slice(0, 160),
        thumbnails: { default: thumbs.default, medium: thumbs.medium, high: thumbs.high },
        channelTitle: channel?.title ?? '',
        liveBroadcastContent: v.liveBroadcastContent,
        publishTime: v.publishedAt,
      };
    }
    result.etag = contentEtag(result);
    return result;
  });
  return listResponse(
    model,
    'youtube#searchListResponse',
    items,
    // search.list's totalResults is an estimate at Google; here it is exact.
    { totalResults: videos.length, resultsPerPage: size },
    { next: page.next, prev: page.prev, regionCode: 'US', parts: wanted },
  );
}
