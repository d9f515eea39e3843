import { Prng } from './prng';
import type { SheetsModel } from './sheets-model';
import { isoSeconds, type VideoInput, type YouTubeModel } from './youtube-model';

/** Ids of the demo data set, for tests, the launcher's `SANDBOX` line and people poking at it by hand. */
export interface DemoIds {
  channelIds: string[];
  /** Handles with the `@`, in the same order as channelIds. */
  handles: string[];
  /** A few hundred uploads (three private, two deleted, two unlisted), chapters, a live and an upcoming broadcast. */
  bigChannelId?: string;
  /** Seven uploads, one of them private. */
  smallChannelId?: string;
  /** No uploads at all. */
  emptyChannelId?: string;
  uploadsPlaylistIds: string[];
  /** Ordinary playlists (with "Private video"/"Deleted video" entries). */
  playlistIds: string[];
  liveVideoId?: string;
  upcomingVideoId?: string;
  /** A finished live stream: liveStreamingDetails with actual start and end. */
  completedLiveVideoId?: string;
  privateVideoIds: string[];
  deletedVideoIds: string[];
  unlistedVideoIds: string[];
  /** Videos whose descriptions carry `0:00 Title` chapter lists. */
  chapterVideoIds: string[];
  spreadsheetId?: string;
}

export function emptyDemoIds(): DemoIds {
  return {
    channelIds: [],
    handles: [],
    uploadsPlaylistIds: [],
    playlistIds: [],
    privateVideoIds: [],
    deletedVideoIds: [],
    unlistedVideoIds: [],
    chapterVideoIds: [],
  };
}

const TOPICS = [
  'soap bubbles', 'magnets', 'paper bridges', 'static electricity', 'yeast', 'rainbows', 'pendulums', 'salt crystals',
  'air pressure', 'lemon batteries', 'density towers', 'sound waves', 'shadows', 'ice melting', 'capillary action', 'friction',
];
const FORMATS = ['Experiment', 'Explained', 'Myth check', 'Q&A', 'Build along', 'In slow motion'];

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

function isoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

/** A description with a chapter list the way creators write them (first at 0:00, at least three, ≥10 s apart). */
function chapteredDescription(topic: string, seconds: number, rng: Prng): string {
  const names = ['Intro', 'What you need', 'Setting it up', 'First try', 'What went wrong', 'Second try', 'Results', 'Why it works', 'Wrap-up'];
  const count = Math.min(names.length, 3 + rng.int(0, 4));
  const marks = [0];
  for (let i = 1; i < count; i++) marks.push(Math.floor((seconds * i) / count) + rng.int(0, 5));
  const lines = marks.map((t, i) => `${clock(t)} ${i === count - 1 ? names[names.length - 1] : names[i]}`);
  return `Today: ${topic}, step by step.\n\nChapters:\n${lines.join('\n')}\n\nMaterials list and notes are on our site.\n#science #sandbox`;
}

/**
 * The demo world: three channels (big, small, empty) and one fresh spreadsheet. Deterministic:
 * ids, titles and counts come from a fixed seed; dates are relative to `now`.
 */
export function seedDemo(youtube: YouTubeModel, sheets: SheetsModel, now: Date): DemoIds {
  const ids = emptyDemoIds();
  const rng = new Prng(20240611);
  const hoursAgo = (h: number) => isoSeconds(new Date(now.getTime() - h * 3_600_000));

  // ---------------------------------------------------------------- the big channel
  const big = youtube.addChannel({
    id: 'UCsandboxScienceLab0001g',
    title: 'Sandbox Science Lab',
    handle: 'SandboxScience',
    username: 'sandboxsciencelab',
    description: 'Kitchen-table science, one experiment a day.',
    publishedAt: '2014-03-02T16:20:11Z',
    country: 'GB',
    subscriberCount: 184_532,
    keywords: 'science experiments kids',
  });
  const bigCount = 320;
  const videos = youtube.addVideos(
    big.id,
    bigCount,
    (i): Partial<VideoInput> => {
      const topic = TOPICS[i % TOPICS.length];
      const format = FORMATS[Math.floor(i / TOPICS.length) % FORMATS.length];
      const seconds = 60 * rng.int(2, 24) + rng.int(0, 59) + (i % 50 === 7 ? 3600 : 0);
      const chapters = i % 3 === 0 && seconds >= 180;
      return {
        title: `${format}: ${topic} #${bigCount - i}`,
        description: chapters ? chapteredDescription(topic, seconds, rng) : `A short look at ${topic}.\n\n#science`,
        duration: isoDuration(seconds),
        viewCount: rng.int(800, 250_000),
        likeCount: i % 17 === 5 ? null : rng.int(10, 9000),
        commentCount: i % 23 === 4 ? null : rng.int(0, 700),
        tags: i % 4 === 0 ? ['science', topic.split(' ')[0]] : [],
        categoryId: '28',
        caption: i % 5 === 0,
        defaultAudioLanguage: 'en',
        topicCategories: ['https://en.wikipedia.org/wiki/Science'],
      };
    },
    { startHoursAgo: 20, spacingHours: 26 },
  );
  ids.chapterVideoIds = videos.filter((v) => v.description.includes('\n0:00 ')).map((v) => v.id);
  for (const i of [4, 61, 150]) {
    youtube.setPrivacy(videos[i].id, 'private');
    ids.privateVideoIds.push(videos[i].id);
  }
  for (const i of [2, 97]) {
    youtube.deleteVideo(videos[i].id);
    ids.deletedVideoIds.push(videos[i].id);
  }
  for (const i of [12, 200]) {
    youtube.setPrivacy(videos[i].id, 'unlisted');
    ids.unlistedVideoIds.push(videos[i].id);
  }
  ids.chapterVideoIds = ids.chapterVideoIds.filter((id) => !ids.privateVideoIds.includes(id) && !ids.deletedVideoIds.includes(id));

  const live = youtube.addVideo({
    channelId: big.id,
    title: 'LIVE: growing salt crystals overnight',
    description: 'We leave the camera running. Ask questions in chat!',
    publishedAt: hoursAgo(2),
    liveBroadcastContent: 'live',
    liveStreamingDetails: {
      actualStartTime: hoursAgo(2),
      scheduledStartTime: hoursAgo(2.1),
      concurrentViewers: 1312,
      activeLiveChatId: 'Cg0KC3NhbmRib3hsaXZl',
    },
    viewCount: 5402,
    likeCount: 611,
    commentCount: 0,
    categoryId: '28',
  });
  ids.liveVideoId = live.id;
  const upcoming = youtube.addVideo({
    channelId: big.id,
    title: 'Premiere: the giant pendulum',
    description: 'Premieres soon.',
    publishedAt: hoursAgo(1),
    liveBroadcastContent: 'upcoming',
    liveStreamingDetails: { scheduledStartTime: isoSeconds(new Date(now.getTime() + 2 * 86_400_000)) },
    viewCount: 0,
    likeCount: 12,
    commentCount: 0,
    categoryId: '28',
  });
  ids.upcomingVideoId = upcoming.id;
  const completed = youtube.addVideo({
    channelId: big.id,
    title: 'Replay: live Q&A about magnets',
    description: '0:00 Start\n2:30 First question\n15:10 Fridge magnets\n41:00 Goodbye',
    publishedAt: hoursAgo(24 * 40 + 3),
    duration: 'PT43M12S',
    liveStreamingDetails: { actualStartTime: hoursAgo(24 * 40 + 3), actualEndTime: hoursAgo(24 * 40 + 2.2), scheduledStartTime: hoursAgo(24 * 40 + 3) },
    viewCount: 20113,
    likeCount: 930,
    commentCount: 81,
    categoryId: '28',
  });
  ids.completedLiveVideoId = completed.id;
  ids.chapterVideoIds.push(completed.id);

  const favourites = youtube.addPlaylist({
    channelId: big.id,
    title: 'Best of Sandbox Science',
    description: 'Our favourite experiments.',
    publishedAt: '2019-07-01T10:00:00Z',
    videoIds: [videos[10].id, videos[61].id, videos[33].id, videos[2].id, videos[120].id, videos[7].id],
  });
  ids.playlistIds.push(favourites.id);

  // ---------------------------------------------------------------- the small channel
  const small = youtube.addChannel({
    id: 'UCtinyCraftsWorkshop002w',
    title: 'Tiny Crafts',
    handle: 'tinycrafts',
    username: 'tinycrafts',
    description: 'Small things made slowly.',
    publishedAt: '2021-11-20T09:00:00Z',
    subscriberCount: 1_234,
  });
  const smallVideos = youtube.addVideos(
    small.id,
    7,
    (i) => ({
      title: ['Folding a paper crane', 'Tiny bookbinding', 'Knot basics', 'A matchbox drawer', 'Clay beads', 'Pressed flowers', 'Wire rings'][i],
      description: i === 1 ? chapteredDescription('bookbinding', 900, rng) : 'Slow and quiet.',
      duration: isoDuration(240 + i * 95),
      viewCount: 120 + i * 31,
    }),
    { startHoursAgo: 50, spacingHours: 24 * 9 },
  );
  youtube.setPrivacy(smallVideos[3].id, 'private');
  ids.privateVideoIds.push(smallVideos[3].id);
  ids.chapterVideoIds.push(smallVideos[1].id);

  // ---------------------------------------------------------------- the empty channel
  const empty = youtube.addChannel({
    id: 'UCquietCornerNoUploads0Q',
    title: 'Quiet Corner',
    handle: 'quietcorner',
    description: 'Nothing here yet.',
    publishedAt: '2023-01-05T12:00:00Z',
    subscriberCount: 3,
    hiddenSubscriberCount: true,
  });

  for (const channel of [big, small, empty]) {
    ids.channelIds.push(channel.id);
    ids.handles.push(`@${channel.handle}`);
    ids.uploadsPlaylistIds.push(youtube.uploadsPlaylistId(channel.id));
  }
  ids.bigChannelId = big.id;
  ids.smallChannelId = small.id;
  ids.emptyChannelId = empty.id;

  // ---------------------------------------------------------------- a fresh spreadsheet
  const spreadsheet = sheets.createSpreadsheet({
    spreadsheetId: '1SandboxDemoCatalog'.padEnd(44, '0'),
    title: 'Vault Archiver demo catalog',
  });
  ids.spreadsheetId = spreadsheet.spreadsheetId;
  return ids;
}
