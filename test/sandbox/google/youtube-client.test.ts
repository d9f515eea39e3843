import assert from 'node:assert/strict';
import { youtube, type youtube_v3 } from '@googleapis/youtube';
import { startGoogleSandbox, type GoogleSandbox } from './index';

/**
 * The YouTube side driven through the real @googleapis/youtube client (gaxios underneath), the
 * way the engine will drive it: only `rootUrl` differs from production. Request and quota
 * counts are read from the sandbox's own counters.
 */

interface GaxiosLikeError {
  status?: number;
  response?: { status: number; data: { error: { code: number; message: string; status?: string; errors?: { reason: string; domain: string }[]; details?: { reason?: string }[] } } };
}

async function rejection(promise: Promise<unknown>): Promise<GaxiosLikeError> {
  try {
    await promise;
  } catch (err) {
    return err as GaxiosLikeError;
  }
  assert.fail('expected the call to fail');
}

/** Short gaxios back-off so retry tests stay fast; the retry policy itself is the client's default. */
const fastRetry = { retryConfig: { retryDelay: 1, retryDelayMultiplier: 1.001 } };

describe('Google sandbox: YouTube Data API v3 through @googleapis/youtube', () => {
  let sandbox: GoogleSandbox;
  let yt: youtube_v3.Youtube;

  before(async () => {
    sandbox = await startGoogleSandbox({ seed: 'demo' });
    yt = youtube({ version: 'v3', auth: sandbox.apiKey, rootUrl: sandbox.rootUrl });
  });

  after(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.counters.reset();
    sandbox.quota.resetDay();
  });

  it('lists channels by id (the client repeats `id=`) with uploads playlist and string statistics', async () => {
    const { bigChannelId, smallChannelId, emptyChannelId } = sandbox.demoIds;
    const res = await yt.channels.list({ part: ['snippet', 'contentDetails', 'statistics'], id: [bigChannelId!, 'UCnoSuchChannel00000000A', smallChannelId!, emptyChannelId!] });
    assert.equal(res.status, 200);
    assert.equal(res.data.kind, 'youtube#channelListResponse');
    assert.match(res.data.etag!, /^[A-Za-z0-9_-]{27}$/);
    assert.deepEqual(res.data.pageInfo, { totalResults: 3, resultsPerPage: 5 });
    assert.deepEqual(res.data.items!.map((c) => c.id), [bigChannelId, smallChannelId, emptyChannelId]);
    const big = res.data.items![0];
    assert.equal(big.kind, 'youtube#channel');
    assert.equal(big.contentDetails!.relatedPlaylists!.uploads, `UU${bigChannelId!.slice(2)}`);
    assert.equal(big.snippet!.customUrl, '@sandboxscience');
    assert.equal(typeof big.statistics!.videoCount, 'string');
    assert.equal(big.statistics!.videoCount, String(sandbox.youtube.publicVideoCount(bigChannelId!)));
    // Subscriber counts are rounded down to three significant figures; hidden ones are absent.
    assert.equal(big.statistics!.subscriberCount, '184000');
    const empty = res.data.items![2];
    assert.equal(empty.statistics!.hiddenSubscriberCount, true);
    assert.equal(empty.statistics!.subscriberCount, undefined);
    assert.equal(empty.statistics!.videoCount, '0');
    assert.equal(sandbox.counters.requests('youtube.channels.list'), 1);
    assert.equal(sandbox.counters.quotaUsed(), 1);
  });

  it('makes video and channel ids of the shape real ones have (base64url of 8 and 16 bytes)', async () => {
    const videoId = /^[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]$/;
    const channelId = /^UC[A-Za-z0-9_-]{21}[AQgw]$/;
    const uploads: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await yt.playlistItems.list({ part: ['contentDetails'], playlistId: sandbox.demoIds.uploadsPlaylistIds[0], maxResults: 50, pageToken });
      uploads.push(...page.data.items!.map((i) => i.contentDetails!.videoId!));
      pageToken = page.data.nextPageToken ?? undefined;
    } while (pageToken);
    const all = sandbox.youtube.allVideos().map((v) => v.id);
    assert.ok(uploads.length > 300);
    for (const id of [...uploads, ...all]) assert.match(id, videoId);
    const channels = await yt.channels.list({ part: ['id'], id: sandbox.demoIds.channelIds });
    assert.equal(channels.data.items!.length, 3);
    for (const channel of channels.data.items!) assert.match(channel.id!, channelId);
    // Ids made on the fly have the same shape, and the model refuses ids YouTube could not issue.
    const made = sandbox.youtube.addChannel({ title: 'Made here' });
    try {
      assert.match(made.id, channelId);
      for (let i = 0; i < 64; i++) assert.match(sandbox.youtube.addVideo({ channelId: made.id }).id, videoId);
      assert.throws(() => sandbox.youtube.addVideo({ channelId: made.id, id: 'abcdefghijl' }), /video id must be/);
      assert.throws(() => sandbox.youtube.addChannel({ title: 'Bad', id: 'UCsandboxScienceLab00001' }), /channel id must be/);
      sandbox.youtube.addVideo({ channelId: made.id, id: 'wysukDrMdqU' });
      sandbox.youtube.addChannel({ title: 'Google for Developers', id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' });
      sandbox.youtube.removeChannel('UC_x5XG1OV2P6uZZ5FSM9Ttw');
    } finally {
      sandbox.youtube.removeChannel(made.id);
    }
  });

  it('finds a channel by handle (with or without @, any case) and by legacy username', async () => {
    const byHandle = await yt.channels.list({ part: ['id'], forHandle: '@TinyCrafts' });
    assert.deepEqual(byHandle.data.items!.map((c) => c.id), [sandbox.demoIds.smallChannelId]);
    const bare = await yt.channels.list({ part: ['id'], forHandle: 'tinycrafts' });
    assert.equal(bare.data.items![0].id, sandbox.demoIds.smallChannelId);
    const byName = await yt.channels.list({ part: ['snippet'], forUsername: 'sandboxsciencelab' });
    assert.equal(byName.data.items![0].id, sandbox.demoIds.bigChannelId);
    // An unknown handle is a 200 with no items (the key is absent, not an empty array), not a 404.
    const none = await yt.channels.list({ part: ['id'], forHandle: '@nobody-here' });
    assert.equal(none.status, 200);
    assert.deepEqual(none.data.pageInfo, { totalResults: 0, resultsPerPage: 5 });
    assert.equal(none.data.items, undefined);
    assert.ok(!('items' in none.data));
    assert.equal(sandbox.counters.quotaUsed(), 4);
  });

  it('pages the uploads playlist to the end, newest first, without private and deleted videos; unlisted ones are ordinary entries', async () => {
    const playlistId = sandbox.demoIds.uploadsPlaylistIds[0];
    const bigChannelId = sandbox.demoIds.bigChannelId!;
    const seen: youtube_v3.Schema$PlaylistItem[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    let first: youtube_v3.Schema$PlaylistItemListResponse | undefined;
    do {
      const res = await yt.playlistItems.list({ part: ['snippet', 'contentDetails', 'status'], playlistId, maxResults: 50, pageToken });
      pages++;
      first ??= res.data;
      if (pages === 1) assert.equal(res.data.prevPageToken, undefined);
      else assert.ok(res.data.prevPageToken, 'later pages carry prevPageToken');
      seen.push(...res.data.items!);
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    const total = first!.pageInfo!.totalResults!;
    assert.equal(seen.length, total);
    assert.equal(pages, Math.ceil(total / 50));
    assert.deepEqual(seen.map((i) => i.snippet!.position), seen.map((_, i) => i));
    assert.equal(new Set(seen.map((i) => i.id)).size, seen.length);
    // Newest first: upcoming premiere, then the live stream, then uploads by publish time.
    assert.equal(seen[0].contentDetails!.videoId, sandbox.demoIds.upcomingVideoId);
    assert.equal(seen[1].contentDetails!.videoId, sandbox.demoIds.liveVideoId);
    const dates = seen.map((i) => i.snippet!.publishedAt!);
    assert.deepEqual([...dates].sort().reverse(), dates);
    // Private and deleted uploads are simply missing: no placeholders, not counted.
    const listed = new Set(seen.map((i) => i.contentDetails!.videoId!));
    for (const id of [...sandbox.demoIds.privateVideoIds, ...sandbox.demoIds.deletedVideoIds]) assert.ok(!listed.has(id), id);
    assert.deepEqual(seen.filter((i) => i.snippet!.title === 'Private video' || i.snippet!.title === 'Deleted video'), []);
    // Unlisted uploads are ordinary entries that agree with what videos.list says of them.
    const unlisted = sandbox.demoIds.unlistedVideoIds;
    const videos = await yt.videos.list({ part: ['snippet', 'status'], id: unlisted });
    assert.deepEqual(videos.data.items!.map((v) => v.id), unlisted);
    for (const video of videos.data.items!) {
      const item = seen.find((i) => i.contentDetails!.videoId === video.id)!;
      assert.equal(item.snippet!.title, video.snippet!.title);
      assert.equal(item.contentDetails!.videoPublishedAt, video.snippet!.publishedAt);
      assert.equal(item.snippet!.videoOwnerChannelId, bigChannelId);
      assert.equal(item.status!.privacyStatus, 'unlisted');
      assert.equal(video.status!.privacyStatus, 'unlisted');
    }
    const channel = await yt.channels.list({ part: ['statistics'], id: [bigChannelId] });
    assert.equal(total, Number(channel.data.items![0].statistics!.videoCount) + unlisted.length, 'public videoCount plus the unlisted uploads');
    assert.equal(sandbox.counters.requests('youtube.playlistItems.list'), pages);
    assert.equal(sandbox.counters.quotaUsed(), pages + 2);
  });

  it('counts uploads like statistics.videoCount for a channel without unlisted uploads', async () => {
    const channelId = sandbox.demoIds.smallChannelId!;
    const channel = await yt.channels.list({ part: ['contentDetails', 'statistics'], id: [channelId] });
    const playlistId = channel.data.items![0].contentDetails!.relatedPlaylists!.uploads!;
    const res = await yt.playlistItems.list({ part: ['contentDetails'], playlistId, maxResults: 50 });
    const ids = res.data.items!.map((i) => i.contentDetails!.videoId);
    assert.equal(ids.length, 6);
    assert.ok(!ids.includes(sandbox.demoIds.privateVideoIds[3]));
    assert.equal(res.data.pageInfo!.totalResults, 6);
    assert.equal(channel.data.items![0].statistics!.videoCount, '6');
  });

  it('drops a video from the uploads list when it turns private or is deleted, while ordinary playlists show placeholders', async () => {
    const channelId = sandbox.demoIds.smallChannelId!;
    const uploads = sandbox.youtube.uploadsPlaylistId(channelId);
    const [a, b, c] = sandbox.youtube.addVideos(channelId, 3, (i) => ({ title: `Fresh ${i}` }), { startHoursAgo: 0.5, spacingHours: 0.1 }).map((v) => v.id);
    const shelf = sandbox.youtube.addPlaylist({ channelId, title: 'Shelf', videoIds: [a, b, c] });
    try {
      sandbox.youtube.setPrivacy(a, 'private');
      sandbox.youtube.deleteVideo(b);
      sandbox.youtube.setPrivacy(c, 'unlisted');
      const up = await yt.playlistItems.list({ part: ['snippet', 'contentDetails'], playlistId: uploads, maxResults: 50 });
      const upIds = up.data.items!.map((i) => i.contentDetails!.videoId);
      assert.ok(!upIds.includes(a) && !upIds.includes(b));
      assert.equal(upIds[0], c, 'the unlisted upload is the newest entry');
      assert.equal(up.data.pageInfo!.totalResults, 7);
      assert.deepEqual(up.data.items!.map((i) => i.snippet!.position), [0, 1, 2, 3, 4, 5, 6]);
      const shelfItems = await yt.playlistItems.list({ part: ['snippet', 'status'], playlistId: shelf.id });
      assert.deepEqual(shelfItems.data.items!.map((i) => i.snippet!.title), ['Private video', 'Deleted video', 'Fresh 2']);
      assert.deepEqual(shelfItems.data.items!.map((i) => i.status!.privacyStatus), ['private', 'privacyStatusUnspecified', 'unlisted']);
      assert.equal(shelfItems.data.pageInfo!.totalResults, 3);
    } finally {
      sandbox.youtube.removePlaylist(shelf.id);
      for (const id of [a, b, c]) sandbox.youtube.removeVideo(id);
    }
  });

  it('batches 50 ids in videos.list and leaves out private, deleted and unknown ids without an error', async () => {
    const uploads = sandbox.youtube.videosOf(sandbox.demoIds.bigChannelId!).map((v) => v.id);
    const asked = [...uploads.slice(0, 45), ...sandbox.demoIds.privateVideoIds.slice(0, 2), ...sandbox.demoIds.deletedVideoIds, 'AAAAAAAAAAA'];
    assert.equal(asked.length, 50);
    const res = await yt.videos.list({ part: ['snippet', 'contentDetails', 'statistics', 'status'], id: asked });
    const got = res.data.items!.map((v) => v.id!);
    const gone = asked.filter((id) => !got.includes(id));
    const expectedGone = asked.filter((id) => {
      const v = sandbox.youtube.video(id);
      return !v || v.deleted || v.privacyStatus === 'private';
    });
    assert.deepEqual(gone.sort(), expectedGone.sort());
    assert.ok(gone.includes('AAAAAAAAAAA'));
    assert.deepEqual(res.data.pageInfo, { totalResults: got.length, resultsPerPage: got.length });
    const live = res.data.items!.find((v) => v.id === sandbox.demoIds.liveVideoId);
    assert.equal(live?.snippet!.liveBroadcastContent, 'live');
    assert.equal(live?.contentDetails!.duration, 'P0D');
    const hiddenLikes = res.data.items!.find((v) => v.statistics!.likeCount === undefined);
    assert.ok(hiddenLikes, 'some demo video hides its like count');
    assert.equal(typeof res.data.items![2].statistics!.viewCount, 'string');
    assert.equal(sandbox.counters.quotaUsed('youtube.videos.list'), 1);
  });

  it('answers If-None-Match with the current ETag by 304 and no body, and still charges the unit', async () => {
    const videoId = sandbox.youtube.videosOf(sandbox.demoIds.smallChannelId!)[0].id;
    const first = await yt.videos.list({ part: ['snippet', 'statistics'], id: [videoId] });
    const etag = first.data.etag!;
    const again = await yt.videos.list({ part: ['snippet', 'statistics'], id: [videoId] }, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.data, '');
    sandbox.youtube.updateVideo(videoId, { viewCount: 999_999 });
    const changed = await yt.videos.list({ part: ['snippet', 'statistics'], id: [videoId] }, { headers: { 'If-None-Match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.data.etag, etag);
    assert.equal(changed.data.items![0].statistics!.viewCount, '999999');
    assert.deepEqual(sandbox.counters.byStatus('youtube.videos.list'), { 200: 2, 304: 1 });
    assert.equal(sandbox.counters.quotaUsed(), 3);
  });

  it('sees edits to the model between runs: new uploads on top, deletions gone from videos.list', async () => {
    const channelId = sandbox.demoIds.smallChannelId!;
    const playlistId = sandbox.youtube.uploadsPlaylistId(channelId);
    const before = await yt.playlistItems.list({ part: ['contentDetails'], playlistId, maxResults: 50 });
    const fresh = sandbox.youtube.addVideo({ channelId, title: 'Brand new', description: '0:00 Hi\n0:30 Middle\n1:10 End' });
    const after = await yt.playlistItems.list({ part: ['contentDetails'], playlistId, maxResults: 50 });
    assert.notEqual(after.data.etag, before.data.etag);
    assert.equal(after.data.items![0].contentDetails!.videoId, fresh.id);
    sandbox.youtube.deleteVideo(fresh.id);
    const videos = await yt.videos.list({ part: ['id'], id: [fresh.id] });
    assert.deepEqual(videos.data.items, []);
    const channel = await yt.channels.list({ part: ['statistics'], id: [channelId] });
    assert.equal(channel.data.items![0].statistics!.videoCount, String(before.data.pageInfo!.totalResults));
    sandbox.youtube.removeVideo(fresh.id);
  });

  it('refuses unknown parts, maxResults over 50 and more than 50 ids, the way Google does', async () => {
    const part = await rejection(yt.videos.list({ part: ['snippet', 'bogusPart'], id: ['AAAAAAAAAAA'] }));
    assert.equal(part.response!.status, 400);
    assert.equal(part.response!.data.error.message, "'bogusPart'");
    assert.deepEqual(part.response!.data.error.errors![0], { message: "'bogusPart'", domain: 'youtube.part', reason: 'unknownPart', location: 'part', locationType: 'parameter' });
    const max = await rejection(yt.playlistItems.list({ part: ['id'], playlistId: sandbox.demoIds.uploadsPlaylistIds[0], maxResults: 51 }));
    assert.equal(max.response!.data.error.message, "Invalid value '51'. Values must be within the range: [0, 50]");
    const many = await rejection(yt.videos.list({ part: ['id'], id: Array.from({ length: 51 }, (_, i) => `v${String(i).padStart(9, '0')}A`) }));
    assert.equal(many.response!.data.error.errors![0].reason, 'invalidFilters');
    // Invalid requests still cost their unit (determine_quota_cost: "including invalid requests").
    assert.equal(sandbox.counters.quotaUsed(), 3);
  });

  it('stops with 403 quotaExceeded past the daily limit, is not retried, and recovers after the Pacific reset', async () => {
    sandbox.quota.dailyLimit = 2;
    try {
      await yt.channels.list({ part: ['id'], id: [sandbox.demoIds.bigChannelId!] });
      await yt.channels.list({ part: ['id'], id: [sandbox.demoIds.bigChannelId!] });
      const err = await rejection(yt.channels.list({ part: ['id'], id: [sandbox.demoIds.bigChannelId!] }, fastRetry));
      assert.equal(err.response!.status, 403);
      assert.equal(err.response!.data.error.errors![0].reason, 'quotaExceeded');
      assert.equal(err.response!.data.error.errors![0].domain, 'youtube.quota');
      assert.equal(sandbox.counters.requests('youtube.channels.list'), 3, 'gaxios does not retry a 403');
      assert.equal(sandbox.counters.quotaUsed(), 2);
      assert.equal(sandbox.quota.usedToday(), 2);
      sandbox.quota.resetDay();
      const ok = await yt.channels.list({ part: ['id'], id: [sandbox.demoIds.bigChannelId!] });
      assert.equal(ok.status, 200);
    } finally {
      sandbox.quota.dailyLimit = 10_000;
    }
  });

  it('answers a bad key with 400 in both the current (API_KEY_INVALID) and the legacy (keyInvalid) form', async () => {
    const bad = youtube({ version: 'v3', auth: 'AIza-not-a-real-key', rootUrl: sandbox.rootUrl });
    const current = await rejection(bad.channels.list({ part: ['id'], forHandle: '@tinycrafts' }));
    assert.equal(current.response!.status, 400);
    assert.equal(current.response!.data.error.status, 'INVALID_ARGUMENT');
    assert.equal(current.response!.data.error.details![0].reason, 'API_KEY_INVALID');
    assert.equal(current.response!.data.error.errors![0].reason, 'badRequest');
    sandbox.invalidKeyForm = 'legacy';
    try {
      const legacy = await rejection(bad.channels.list({ part: ['id'], forHandle: '@tinycrafts' }));
      assert.equal(legacy.response!.status, 400);
      assert.equal(legacy.response!.data.error.errors![0].reason, 'keyInvalid');
    } finally {
      sandbox.invalidKeyForm = 'current';
    }
    // A key Google cannot attribute to a project costs nothing.
    assert.equal(sandbox.counters.quotaUsed(), 0);
    assert.equal(sandbox.counters.requests(), 2);
  });

  it('lets gaxios retry injected 5xx and connection resets on GETs, and counts every attempt', async () => {
    sandbox.faults.serverErrorNext('youtube.videos.list', 503, 2);
    const res = await yt.videos.list({ part: ['id'], id: [sandbox.demoIds.liveVideoId!] }, fastRetry);
    assert.equal(res.status, 200);
    assert.deepEqual(sandbox.counters.byStatus('youtube.videos.list'), { 503: 2, 200: 1 });
    // Injected failures are not charged; the call that got through is.
    assert.equal(sandbox.counters.quotaUsed(), 1);

    sandbox.counters.reset();
    sandbox.faults.resetNext('youtube.channels.list', 1);
    const after = await yt.channels.list({ part: ['id'], forHandle: '@quietcorner' }, fastRetry);
    assert.equal(after.data.items![0].id, sandbox.demoIds.emptyChannelId);
    assert.deepEqual(sandbox.counters.byStatus('youtube.channels.list'), { 0: 1, 200: 1 });

    sandbox.counters.reset();
    sandbox.faults.serverErrorNext('youtube.videos.list', 500, 10);
    const failed = await rejection(yt.videos.list({ part: ['id'], id: ['AAAAAAAAAAA'] }, fastRetry));
    assert.equal(failed.response!.status, 500);
    assert.equal(failed.response!.data.error.errors![0].reason, 'backendError');
    assert.equal(sandbox.counters.requests('youtube.videos.list'), 4, 'one try and three retries');
  });

  it('serves rateLimitExceeded as 403 (not retried) or 429 (retried)', async () => {
    sandbox.faults.rateLimitNext('youtube.channels.list', { status: 403 });
    const err = await rejection(yt.channels.list({ part: ['id'], forHandle: '@tinycrafts' }, fastRetry));
    assert.equal(err.response!.status, 403);
    assert.deepEqual(err.response!.data.error.errors![0], { message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' });
    assert.equal(sandbox.counters.requests(), 1);
    sandbox.faults.rateLimitNext('youtube.channels.list', { status: 429 });
    const ok = await yt.channels.list({ part: ['id'], forHandle: '@tinycrafts' }, fastRetry);
    assert.equal(ok.status, 200);
    assert.deepEqual(sandbox.counters.byStatus(), { 403: 1, 429: 1, 200: 1 });
  });

  it('honours `fields` partial responses', async () => {
    const res = await yt.playlistItems.list({
      part: ['snippet', 'contentDetails'],
      playlistId: sandbox.demoIds.uploadsPlaylistIds[1],
      maxResults: 2,
      fields: 'nextPageToken,items(contentDetails/videoId,snippet/position)',
    });
    assert.deepEqual(Object.keys(res.data).sort(), ['items', 'nextPageToken']);
    assert.deepEqual(res.data.items![0], { snippet: { position: 0 }, contentDetails: { videoId: res.data.items![0].contentDetails!.videoId } });
  });

  it('lists playlists, search results (its own 100-call bucket) and placeholders in ordinary playlists', async () => {
    const playlists = await yt.playlists.list({ part: ['snippet', 'contentDetails'], channelId: sandbox.demoIds.bigChannelId! });
    assert.equal(playlists.data.items![0].id, sandbox.demoIds.playlistIds[0]);
    assert.equal(playlists.data.items![0].contentDetails!.itemCount, 6);
    const items = await yt.playlistItems.list({ part: ['snippet'], playlistId: sandbox.demoIds.playlistIds[0], maxResults: 10 });
    assert.deepEqual(
      items.data.items!.map((i) => i.snippet!.title).filter((t) => t === 'Private video' || t === 'Deleted video').sort(),
      ['Deleted video', 'Private video'],
    );
    const live = await yt.search.list({ part: ['snippet'], channelId: sandbox.demoIds.bigChannelId!, type: ['video'], eventType: 'live' });
    assert.deepEqual(live.data.items!.map((i) => i.id!.videoId), [sandbox.demoIds.liveVideoId]);
    assert.equal(live.data.kind, 'youtube#searchListResponse');
    assert.equal(sandbox.counters.searchQuotaUsed(), 1);
    assert.equal(sandbox.counters.quotaUsed(), 2, 'search.list is not charged to the 10,000-unit bucket');
  });

  it('can make list ETags change on every call and cap the uploads list near 20k, as reported of YouTube', async () => {
    const channelId = sandbox.demoIds.smallChannelId!;
    sandbox.youtube.settings.volatileListEtags = true;
    sandbox.youtube.settings.uploadsCeiling = 4;
    try {
      const a = await yt.channels.list({ part: ['id'], id: [channelId] });
      const b = await yt.channels.list({ part: ['id'], id: [channelId] }, { headers: { 'If-None-Match': a.data.etag! } });
      assert.equal(b.status, 200, 'a volatile ETag never matches');
      assert.notEqual(b.data.etag, a.data.etag);
      assert.equal(b.data.items![0].etag, a.data.items![0].etag, 'item ETags stay stable');
      const capped = await yt.playlistItems.list({ part: ['id'], playlistId: sandbox.youtube.uploadsPlaylistId(channelId), maxResults: 3 });
      assert.equal(capped.data.pageInfo!.totalResults, 4);
      const rest = await yt.playlistItems.list({ part: ['id'], playlistId: sandbox.youtube.uploadsPlaylistId(channelId), maxResults: 3, pageToken: capped.data.nextPageToken! });
      assert.equal(rest.data.items!.length, 1);
      assert.equal(rest.data.nextPageToken, undefined);
    } finally {
      sandbox.youtube.settings.volatileListEtags = false;
      sandbox.youtube.settings.uploadsCeiling = 20_000;
    }
  });
});
