import { CaptionTracks } from './youtube-captions';
import { CHANNEL_ID_PATTERN, Prng, randomChannelId, randomVideoId, VIDEO_ID_PATTERN, YOUTUBE_ID_ALPHABET } from './prng';

/**
 * The YouTube world the sandbox serves: channels, their videos and playlists. Tests drive it
 * between runs (add, edit, make private, delete, remove) and the API handlers in youtube-api.ts
 * render it in Google's shapes.
 *
 * Uploads playlists are not stored: a channel's uploads playlist (`UC…` → `UU…`, the undocumented
 * convention every client relies on) is derived from its videos, newest first, at request time.
 */

export type PrivacyStatus = 'public' | 'unlisted' | 'private';
export type LiveBroadcastContent = 'none' | 'live' | 'upcoming';

export interface ChannelInput {
  id?: string;
  title: string;
  /** Without the leading `@`; `forHandle` matches it case-insensitively. */
  handle?: string;
  /** The legacy username that `forUsername` finds. */
  username?: string;
  description?: string;
  publishedAt?: string;
  country?: string;
  defaultLanguage?: string;
  keywords?: string;
  /** Channel views; defaults to the sum of its public videos' views. */
  viewCount?: number;
  subscriberCount?: number;
  hiddenSubscriberCount?: boolean;
  madeForKids?: boolean;
}

export interface Channel {
  id: string;
  title: string;
  handle?: string;
  username?: string;
  description: string;
  publishedAt: string;
  country?: string;
  defaultLanguage?: string;
  keywords?: string;
  viewCount?: number;
  subscriberCount: number;
  hiddenSubscriberCount: boolean;
  madeForKids: boolean;
}

export interface LiveStreamingDetails {
  actualStartTime?: string;
  actualEndTime?: string;
  scheduledStartTime?: string;
  scheduledEndTime?: string;
  concurrentViewers?: number;
  activeLiveChatId?: string;
}

export interface VideoInput {
  id?: string;
  channelId: string;
  title?: string;
  description?: string;
  publishedAt?: string;
  /** ISO 8601 (`PT15M51S`); `P0D` for live and upcoming broadcasts, as YouTube reports them. */
  duration?: string;
  privacyStatus?: PrivacyStatus;
  liveBroadcastContent?: LiveBroadcastContent;
  liveStreamingDetails?: LiveStreamingDetails;
  viewCount?: number;
  /** `null` hides the count (the field is then absent, as when the owner hides likes). */
  likeCount?: number | null;
  /** `null` means comments are disabled (the field is then absent). */
  commentCount?: number | null;
  tags?: string[];
  categoryId?: string;
  definition?: 'hd' | 'sd';
  caption?: boolean;
  licensedContent?: boolean;
  defaultLanguage?: string;
  defaultAudioLanguage?: string;
  embeddable?: boolean;
  madeForKids?: boolean;
  license?: 'youtube' | 'creativeCommon';
  topicCategories?: string[];
  regionRestriction?: { allowed?: string[]; blocked?: string[] };
}

export interface Video extends Required<Pick<VideoInput, 'channelId' | 'title' | 'description' | 'publishedAt' | 'duration'>> {
  id: string;
  privacyStatus: PrivacyStatus;
  liveBroadcastContent: LiveBroadcastContent;
  liveStreamingDetails?: LiveStreamingDetails;
  viewCount: number;
  likeCount: number | null;
  commentCount: number | null;
  tags: string[];
  categoryId: string;
  definition: 'hd' | 'sd';
  caption: boolean;
  licensedContent: boolean;
  defaultLanguage?: string;
  defaultAudioLanguage?: string;
  embeddable: boolean;
  madeForKids: boolean;
  license: 'youtube' | 'creativeCommon';
  topicCategories: string[];
  regionRestriction?: { allowed?: string[]; blocked?: string[] };
  /** Deleted by its owner: gone from videos.list, still a "Deleted video" entry in playlists. */
  deleted: boolean;
  /** Insertion counter; breaks ties between equal publish times so order stays stable. */
  sequence: number;
}

/**
 * How an ordinary playlist shows entries whose video is private or deleted: as "Private video" /
 * "Deleted video" placeholders (YouTube's way, the default) or not at all. Uploads playlists always
 * leave them out (see `YouTubeModel.playlistView`).
 */
export type UnavailableItems = 'hide' | 'placeholder';

export interface PlaylistEntry {
  videoId: string;
  /** When the video was added to the playlist (`snippet.publishedAt` of the playlistItem). */
  addedAt: string;
}

export interface Playlist {
  id: string;
  channelId: string;
  title: string;
  description: string;
  publishedAt: string;
  privacyStatus: PrivacyStatus;
  entries: PlaylistEntry[];
  unavailableItems: UnavailableItems;
}

/** A playlist as the API sees it at one moment: uploads are materialised from the channel. */
export interface PlaylistView extends Playlist {
  isUploads: boolean;
}

export interface YouTubeSettings {
  /**
   * google.md: "list ETags often change on every call". Off by default so 304s can be tested;
   * on, every list response gets a fresh ETag even when nothing changed.
   */
  volatileListEtags: boolean;
  /** google.md: a ceiling near 20k uploads-playlist items is reported; later entries are not served. */
  uploadsCeiling: number;
}

export class YouTubeModel {
  readonly settings: YouTubeSettings = {
    volatileListEtags: false,
    uploadsCeiling: 20000,
  };

  /** Caption tracks and who may download them (youtube-captions.ts). */
  readonly captions: CaptionTracks;
  private readonly channelsById = new Map<string, Channel>();
  private readonly videosById = new Map<string, Video>();
  private readonly playlistsById = new Map<string, Playlist>();
  private readonly rng: Prng;
  private sequence = 0;
  /** Uploads entries per channel, rebuilt only when the model changed (big channels page often). */
  private readonly uploadsCache = new Map<string, { revision: number; entries: PlaylistEntry[] }>();
  /** Bumped on every mutation; lets the API layer cache derived data cheaply. */
  private revisionCounter = 0;

  constructor(
    private readonly now: () => Date,
    seed = 1,
  ) {
    this.rng = new Prng(seed);
    this.captions = new CaptionTracks(now);
  }

  get revision(): number {
    return this.revisionCounter;
  }

  // ------------------------------------------------------------ channels

  addChannel(input: ChannelInput): Channel {
    const id = input.id ?? randomChannelId(this.rng);
    if (!CHANNEL_ID_PATTERN.test(id)) throw new Error(`channel id must be UC + 22 base64url characters, the last one of AQgw: ${id}`);
    if (this.channelsById.has(id)) throw new Error(`channel ${id} exists`);
    if (input.handle && this.channelByHandle(input.handle)) throw new Error(`handle @${input.handle} is taken`);
    const channel: Channel = {
      id,
      title: input.title,
      handle: input.handle?.replace(/^@/, ''),
      username: input.username,
      description: input.description ?? '',
      publishedAt: input.publishedAt ?? isoSeconds(this.now()),
      country: input.country,
      defaultLanguage: input.defaultLanguage,
      keywords: input.keywords,
      viewCount: input.viewCount,
      subscriberCount: input.subscriberCount ?? 0,
      hiddenSubscriberCount: input.hiddenSubscriberCount ?? false,
      madeForKids: input.madeForKids ?? false,
    };
    this.channelsById.set(id, channel);
    this.touch();
    return channel;
  }

  updateChannel(id: string, patch: Partial<Omit<ChannelInput, 'id'>>): Channel {
    const channel = this.requireChannel(id);
    if (patch.handle !== undefined) {
      const other = this.channelByHandle(patch.handle);
      if (other && other.id !== id) throw new Error(`handle @${patch.handle} is taken`);
    }
    Object.assign(channel, patch);
    if (patch.handle !== undefined) channel.handle = patch.handle.replace(/^@/, '');
    this.touch();
    return channel;
  }

  /** Removes the channel, its videos and playlists: it no longer exists (like a terminated channel). */
  removeChannel(id: string): void {
    this.requireChannel(id);
    for (const video of [...this.videosById.values()]) if (video.channelId === id) this.videosById.delete(video.id);
    for (const playlist of [...this.playlistsById.values()]) if (playlist.channelId === id) this.playlistsById.delete(playlist.id);
    this.channelsById.delete(id);
    this.touch();
  }

  channel(id: string): Channel | undefined {
    return this.channelsById.get(id);
  }

  channels(): Channel[] {
    return [...this.channelsById.values()];
  }

  channelByHandle(handle: string): Channel | undefined {
    const wanted = handle.replace(/^@/, '').toLowerCase();
    for (const channel of this.channelsById.values()) if (channel.handle?.toLowerCase() === wanted) return channel;
    return undefined;
  }

  channelByUsername(username: string): Channel | undefined {
    const wanted = username.toLowerCase();
    for (const channel of this.channelsById.values()) if (channel.username?.toLowerCase() === wanted) return channel;
    return undefined;
  }

  /** `UC…` → `UU…` (google.md: the convention is undocumented but universal). */
  uploadsPlaylistId(channelId: string): string {
    return `UU${channelId.slice(2)}`;
  }

  /** Public, not deleted: what `statistics.videoCount` counts. */
  publicVideoCount(channelId: string): number {
    let n = 0;
    for (const video of this.videosById.values()) {
      if (video.channelId === channelId && !video.deleted && video.privacyStatus === 'public') n++;
    }
    return n;
  }

  channelViewCount(channel: Channel): number {
    if (channel.viewCount !== undefined) return channel.viewCount;
    let sum = 0;
    for (const video of this.videosById.values()) {
      if (video.channelId === channel.id && !video.deleted && video.privacyStatus === 'public') sum += video.viewCount;
    }
    return sum;
  }

  // ------------------------------------------------------------ videos

  addVideo(input: VideoInput): Video {
    this.requireChannel(input.channelId);
    const id = input.id ?? randomVideoId(this.rng);
    if (!VIDEO_ID_PATTERN.test(id)) throw new Error(`video id must be 11 base64url characters, the last one of AEIMQUYcgkosw048: ${id}`);
    if (this.videosById.has(id)) throw new Error(`video ${id} exists`);
    const live = input.liveBroadcastContent ?? 'none';
    const video: Video = {
      id,
      channelId: input.channelId,
      title: input.title ?? `Video ${id}`,
      description: input.description ?? '',
      publishedAt: input.publishedAt ?? isoSeconds(this.now()),
      duration: input.duration ?? (live === 'none' ? 'PT4M13S' : 'P0D'),
      privacyStatus: input.privacyStatus ?? 'public',
      liveBroadcastContent: live,
      liveStreamingDetails: input.liveStreamingDetails,
      viewCount: input.viewCount ?? 0,
      likeCount: input.likeCount === undefined ? 0 : input.likeCount,
      commentCount: input.commentCount === undefined ? 0 : input.commentCount,
      tags: input.tags ?? [],
      categoryId: input.categoryId ?? '22',
      definition: input.definition ?? 'hd',
      caption: input.caption ?? false,
      licensedContent: input.licensedContent ?? true,
      defaultLanguage: input.defaultLanguage,
      defaultAudioLanguage: input.defaultAudioLanguage,
      embeddable: input.embeddable ?? true,
      madeForKids: input.madeForKids ?? false,
      license: input.license ?? 'youtube',
      topicCategories: input.topicCategories ?? [],
      regionRestriction: input.regionRestriction,
      deleted: false,
      sequence: this.sequence++,
    };
    this.videosById.set(id, video);
    this.touch();
    return video;
  }

  /**
   * Adds `count` public videos to a channel, each `spacingHours` older than the previous, the newest
   * `startHoursAgo` before now. `shape(i)` may override any field (i = 0 is the newest).
   */
  addVideos(
    channelId: string,
    count: number,
    shape: (index: number) => Partial<VideoInput> = () => ({}),
    options: { startHoursAgo?: number; spacingHours?: number } = {},
  ): Video[] {
    const start = this.now().getTime() - (options.startHoursAgo ?? 1) * 3_600_000;
    const spacing = (options.spacingHours ?? 24) * 3_600_000;
    const out: Video[] = [];
    for (let i = 0; i < count; i++) {
      out.push(
        this.addVideo({
          channelId,
          title: `Video ${i + 1}`,
          publishedAt: isoSeconds(new Date(start - i * spacing)),
          viewCount: 1000 + i * 37,
          likeCount: 50 + i,
          commentCount: 3 + (i % 7),
          ...shape(i),
        }),
      );
    }
    return out;
  }

  updateVideo(id: string, patch: Partial<Omit<VideoInput, 'id' | 'channelId'>>): Video {
    const video = this.requireVideo(id);
    Object.assign(video, patch);
    this.touch();
    return video;
  }

  setPrivacy(id: string, privacyStatus: PrivacyStatus): Video {
    return this.updateVideo(id, { privacyStatus });
  }

  /** The owner deleted it: videos.list leaves it out, playlists keep a "Deleted video" entry. */
  deleteVideo(id: string): void {
    this.requireVideo(id).deleted = true;
    this.touch();
  }

  /** Gone without a trace: not in videos.list, not in any playlist. */
  removeVideo(id: string): void {
    this.requireVideo(id);
    this.videosById.delete(id);
    for (const playlist of this.playlistsById.values()) {
      playlist.entries = playlist.entries.filter((entry) => entry.videoId !== id);
    }
    this.touch();
  }

  video(id: string): Video | undefined {
    return this.videosById.get(id);
  }

  /** Every video of a channel (deleted ones included), newest first. */
  videosOf(channelId: string): Video[] {
    return [...this.videosById.values()].filter((v) => v.channelId === channelId).sort(newestFirst);
  }

  allVideos(): Video[] {
    return [...this.videosById.values()];
  }

  /** What videos.list returns for an id: anything but private and deleted (unlisted is returned). */
  isRetrievable(video: Video): boolean {
    return !video.deleted && video.privacyStatus !== 'private';
  }

  // ------------------------------------------------------------ playlists

  addPlaylist(input: {
    id?: string;
    channelId: string;
    title: string;
    description?: string;
    publishedAt?: string;
    privacyStatus?: PrivacyStatus;
    videoIds?: string[];
    unavailableItems?: UnavailableItems;
  }): Playlist {
    this.requireChannel(input.channelId);
    const id = input.id ?? `PL${this.rng.string(32, YOUTUBE_ID_ALPHABET)}`;
    if (this.playlistsById.has(id) || id.startsWith('UU')) throw new Error(`playlist id ${id} is taken or reserved`);
    const addedAt = isoSeconds(this.now());
    const playlist: Playlist = {
      id,
      channelId: input.channelId,
      title: input.title,
      description: input.description ?? '',
      publishedAt: input.publishedAt ?? addedAt,
      privacyStatus: input.privacyStatus ?? 'public',
      entries: (input.videoIds ?? []).map((videoId) => {
        this.requireVideo(videoId);
        return { videoId, addedAt };
      }),
      unavailableItems: input.unavailableItems ?? 'placeholder',
    };
    this.playlistsById.set(id, playlist);
    this.touch();
    return playlist;
  }

  addToPlaylist(playlistId: string, videoId: string, position?: number): void {
    const playlist = this.requirePlaylist(playlistId);
    this.requireVideo(videoId);
    const entry = { videoId, addedAt: isoSeconds(this.now()) };
    if (position === undefined) playlist.entries.push(entry);
    else playlist.entries.splice(position, 0, entry);
    this.touch();
  }

  removeFromPlaylist(playlistId: string, videoId: string): void {
    const playlist = this.requirePlaylist(playlistId);
    playlist.entries = playlist.entries.filter((entry) => entry.videoId !== videoId);
    this.touch();
  }

  removePlaylist(playlistId: string): void {
    this.requirePlaylist(playlistId);
    this.playlistsById.delete(playlistId);
    this.touch();
  }

  playlist(id: string): Playlist | undefined {
    return this.playlistsById.get(id);
  }

  playlistsOf(channelId: string): Playlist[] {
    return [...this.playlistsById.values()].filter((p) => p.channelId === channelId);
  }

  /**
   * A playlist (stored or a channel's uploads) as the API sees it now.
   *
   * A channel's uploads playlist leaves private and deleted videos out entirely, before paging,
   * with no "Private video"/"Deleted video" placeholders (google.md: "Deleted and private videos
   * are silently missing"), so for a channel without unlisted uploads `pageInfo.totalResults`
   * equals `statistics.videoCount` ([REAL] home-assistant fixtures: 5798 in both). Ordinary
   * playlists keep placeholders for them (see `unavailability`).
   */
  playlistView(id: string): PlaylistView | undefined {
    const stored = this.playlistsById.get(id);
    if (stored) return { ...stored, isUploads: false };
    if (!id.startsWith('UU') || id.length !== 24) return undefined;
    const channel = this.channelsById.get(`UC${id.slice(2)}`);
    if (!channel) return undefined;
    return {
      id,
      channelId: channel.id,
      title: `Uploads from ${channel.title}`,
      description: '',
      publishedAt: channel.publishedAt,
      privacyStatus: 'public',
      entries: this.uploadsEntries(channel.id),
      unavailableItems: 'hide',
      isUploads: true,
    };
  }

  private uploadsEntries(channelId: string): PlaylistEntry[] {
    const cached = this.uploadsCache.get(channelId);
    if (cached && cached.revision === this.revisionCounter) return cached.entries;
    const entries = this.videosOf(channelId).map((video) => ({ videoId: video.id, addedAt: video.publishedAt }));
    this.uploadsCache.set(channelId, { revision: this.revisionCounter, entries });
    return entries;
  }

  /**
   * Why an entry's video cannot be shown, or undefined when it can: the same rule as videos.list
   * (`isRetrievable`), in uploads and ordinary playlists alike.
   *
   * Unlisted videos are shown as ordinary entries, in a channel's uploads playlist too, consistent
   * with videos.list returning them. [UNSURE] neither google.md nor google-api-shapes.md nor a
   * search of public material settles whether YouTube lists unlisted uploads in the uploads
   * playlist for an API-key caller; this follows the tester's issue (an unlisted upload is a normal
   * entry, as videos.list shows it), so totalResults = videoCount + unlisted uploads.
   */
  unavailability(entry: PlaylistEntry): 'deleted' | 'private' | undefined {
    const video = this.videosById.get(entry.videoId);
    if (!video || video.deleted) return 'deleted';
    if (video.privacyStatus === 'private') return 'private';
    return undefined;
  }

  // ------------------------------------------------------------ helpers

  private touch(): void {
    this.revisionCounter++;
  }

  private requireChannel(id: string): Channel {
    const channel = this.channelsById.get(id);
    if (!channel) throw new Error(`no channel ${id}`);
    return channel;
  }

  private requireVideo(id: string): Video {
    const video = this.videosById.get(id);
    if (!video) throw new Error(`no video ${id}`);
    return video;
  }

  private requirePlaylist(id: string): Playlist {
    const playlist = this.playlistsById.get(id);
    if (!playlist) throw new Error(`no playlist ${id} (uploads playlists follow the channel's videos)`);
    return playlist;
  }
}

function newestFirst(a: Video, b: Video): number {
  if (a.publishedAt !== b.publishedAt) return a.publishedAt < b.publishedAt ? 1 : -1;
  return b.sequence - a.sequence;
}

/** YouTube's timestamps: RFC 3339 in UTC with whole seconds (`2023-05-11T00:20:46Z`). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
