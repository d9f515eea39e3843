/**
 * Transcripts (the `youtube.transcripts` setting) end to end: ArchiveService → YouTubeConnector →
 * the real @googleapis/youtube client → the Google sandbox's captions.list / captions.download,
 * with requests and quota units counted by the sandbox itself.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { settingsFrom } from '../../shared/settings';
import type { WorkerSettings } from '../../shared/settings';
import { UNIT_COST, googleYouTubeApi } from '../../server/engine/connectors/youtube/api';
import { YouTubeConnector } from '../../server/engine/connectors/youtube/connector';
import { MetricsRecorder } from '../../server/engine/metrics';
import { ArchiveService } from '../../server/engine/service/archiveService';
import { nodeVaultFs } from '../../server/engine/vault/vaultFs';
import { type GoogleSandbox, startGoogleSandbox } from '../sandbox/google';
import type { Video } from '../sandbox/google/youtube-model';

const TINY = 'UCtinyCraftsWorkshop002w';
const FORCE_SSL = 'https://www.googleapis.com/auth/youtube.force-ssl';
const HOSTILE = [
  '---',
  '# not a heading',
  'title: "x" [[Secret note]] ![[embed.png]] [link](javascript:alert(1))',
  '<script>alert(1)</script> | a | b | ^block %% hidden %% $x$ ==mark==',
  '> quote\n- item\n1. one',
  '```',
  'plain & <tag> 😀 &amp;',
];

describe('YouTube transcripts (against the Google sandbox)', function () {
  this.timeout(60_000);
  let sb: GoogleSandbox;
  let dir: string;
  let videos: Video[];
  let logged: string[];

  interface Setup {
    credentials?: string;
    fullPassEveryDays?: number;
    dailyQuota?: number;
    settings?: Partial<WorkerSettings>;
  }
  const service = (o: Setup = {}) =>
    new ArchiveService({
      workspaceRoot: dir,
      settings: settingsFrom({ vaultFolder: '.', youtubeTranscripts: true, ...o.settings }),
      trusted: true,
      fs,
      connectors: [
        new YouTubeConnector({
          fs: nodeVaultFs,
          apiKey: async () => sb.apiKey,
          missingKeyHelp: 'Set it.',
          makeApi: (apiKey, hooks) =>
            googleYouTubeApi({ apiKey, rootUrl: sb.rootUrl, onCall: (m) => hooks.onUnits(UNIT_COST[m]), cache: hooks.cache, onNotModified: hooks.onNotModified, limiter: hooks.limiter }),
          googleCredentials: async () => o.credentials,
          googleRootUrl: sb.rootUrl,
          tokenUrl: sb.oauth.tokenUrl,
          fullPassEveryDays: o.fullPassEveryDays,
          dailyQuota: o.dailyQuota,
        }),
      ],
      metrics: new MetricsRecorder(),
      events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: (level, m) => logged.push(`${level}: ${m}`) },
    });
  const oauth = () => JSON.stringify({ kind: 'oauth', clientId: sb.oauth.clientId, clientSecret: sb.oauth.clientSecret, refreshToken: sb.oauth.refreshToken });
  const noteOf = async (video: Video): Promise<string> => {
    const folder = path.join(dir, 'YouTube', 'Tiny Crafts');
    const name = (await fs.readdir(folder)).find((f) => f.includes(video.title));
    assert.ok(name, `a note for ${video.title}`);
    return fs.readFile(path.join(folder, name), 'utf8');
  };
  const vaultQuota = async (): Promise<number> => (JSON.parse(await fs.readFile(path.join(dir, '.vault-archiver', 'youtube', 'quota.json'), 'utf8')) as { used: number }).used;
  const lists = () => sb.counters.requests('youtube.captions.list');
  const downloads = () => sb.counters.requests('youtube.captions.download');

  beforeEach(async () => {
    sb = await startGoogleSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-tr-'));
    logged = [];
    // Newest first: v[0] manual + automatic English, v[1] automatic only, v[2] German and
    // English, v[3] hostile text, v[4] a track its owner keeps to editors; v[5] none.
    videos = sb.youtube.videosOf(TINY).filter((v) => sb.youtube.isRetrievable(v));
    assert.equal(videos.length, 6);
    const c = sb.youtube.captions;
    c.add({ videoId: videos[0]!.id, language: 'en', trackKind: 'asr', cues: [{ startMs: 0, endMs: 2000, text: 'automatic words' }] });
    c.add({ videoId: videos[0]!.id, language: 'en', name: 'English', cues: [{ startMs: 0, endMs: 2000, text: 'Hello paper folders.' }, { startMs: 61_400, endMs: 63_000, text: 'Now fold\nthe wing.' }] });
    c.add({ videoId: videos[1]!.id, language: 'en', trackKind: 'asr', cues: [{ startMs: 5000, endMs: 7000, text: 'binding the book' }] });
    c.add({ videoId: videos[2]!.id, language: 'en', name: 'English', cues: [{ startMs: 0, endMs: 1000, text: 'Knots in English' }] });
    c.add({ videoId: videos[2]!.id, language: 'de', name: 'Deutsch', cues: [{ startMs: 0, endMs: 1000, text: 'Knoten auf Deutsch' }] });
    c.add({ videoId: videos[3]!.id, language: 'en', name: 'English', cues: HOSTILE.map((text, i) => ({ startMs: i * 40_000, endMs: i * 40_000 + 1000, text })) });
    c.add({ videoId: videos[4]!.id, language: 'en', name: 'English', cues: [{ startMs: 0, endMs: 1000, text: 'owner only' }] });
    for (const v of videos.slice(0, 4)) c.allowThirdParty(v.id);
  });
  afterEach(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('off by default: no caption is asked for and notes have no Transcript section', async () => {
    const s = service({ settings: { youtubeTranscripts: undefined } });
    await s.addSource('youtube', TINY);
    const r = await s.sync(undefined);
    assert.equal(r.sources[0]!.error, undefined);
    assert.equal(lists() + downloads(), 0);
    assert.doesNotMatch(await noteOf(videos[0]!), /Transcript/);
  });

  it('downloads the best track of each new video with OAuth; a refusal is recorded once; the quota counted equals the sandbox’s', async () => {
    sb.oauth.grantedScope = `${FORCE_SSL} https://www.googleapis.com/auth/spreadsheets`;
    const s = service({ credentials: oauth(), settings: { youtubeTranscriptLanguages: 'de' } });
    await s.addSource('youtube', TINY);
    const r = await s.sync(undefined);
    assert.equal(r.sources[0]!.error, undefined);
    assert.equal(lists(), 6, 'one captions.list per new video');
    assert.equal(downloads(), 5, 'one download per video with a track');
    assert.equal(await vaultQuota(), sb.counters.quotaUsed());

    const first = await noteOf(videos[0]!);
    assert.match(first, /## Transcript\n\n_From YouTube's captions in English \(en\)\._\n\n\[0:00\]\(https:\/\/www\.youtube\.com\/watch\?v=[\w-]+&t=0s\) Hello paper folders\./);
    assert.match(first, new RegExp(`\\[1:01\\]\\(https://www\\.youtube\\.com/watch\\?v=${videos[0]!.id}&t=61s\\) Now fold the wing\\.`));
    assert.doesNotMatch(first, /automatic words/);
    assert.match(await noteOf(videos[1]!), /automatic captions in en[\s\S]*\[0:05\]\([^)]*&t=5s\) binding the book/);
    assert.match(await noteOf(videos[2]!), /Knoten auf Deutsch/, 'the preferred language wins over the video’s');
    assert.match(await noteOf(videos[4]!), /## Transcript\n\n_YouTube has captions in English \(en\) for this video, but its API lets only the video's owner and editors download them/);
    assert.match(await noteOf(videos[5]!), /## Transcript\n\n_YouTube lists no captions for this video\._/);

    // Nothing new: nothing asked. An edit of the refused video and of another: only the other is looked up again.
    await s.sync(undefined);
    assert.equal(lists(), 6);
    sb.youtube.updateVideo(videos[4]!.id, { title: `${videos[4]!.title} (edited)` });
    sb.youtube.updateVideo(videos[0]!.id, { description: 'New words.' });
    const edited = await service({ credentials: oauth(), fullPassEveryDays: 0 }).sync(undefined);
    assert.equal(edited.sources[0]!.error, undefined);
    assert.equal(lists(), 7, 'the edited video only; the refused one is not asked again');
    assert.equal(downloads(), 5, 'the same track, unchanged: not downloaded again');
    assert.match(await noteOf(videos[0]!), /New words\.[\s\S]*Now fold the wing/);
    assert.equal(await vaultQuota(), sb.counters.quotaUsed());
  });

  it('no transcript without OAuth: tracks are listed and the note says why; credentials added later fetch them', async () => {
    const s = service();
    await s.addSource('youtube', TINY);
    await s.sync(undefined);
    assert.equal(lists(), 6);
    assert.equal(downloads(), 0);
    assert.match(await noteOf(videos[0]!), /downloading them needs a Google account allowed to edit the video, and no Google account is set/);

    // A service account cannot read captions: nothing is tried.
    const key = await sb.serviceAccounts.create('mirror');
    await service({ credentials: JSON.stringify(key) }).sync(undefined);
    assert.equal(lists(), 6);

    sb.oauth.grantedScope = FORCE_SSL;
    const playlistCalls = sb.counters.requests('youtube.playlistItems.list');
    await service({ credentials: oauth() }).sync(undefined);
    assert.equal(sb.counters.requests('youtube.playlistItems.list'), playlistCalls, 'a transcript backlog does not list the uploads again');
    assert.equal(lists(), 6 + 5);
    assert.equal(downloads(), 5);
    assert.match(await noteOf(videos[0]!), /Now fold the wing/);
    assert.equal(await vaultQuota(), sb.counters.quotaUsed());
  });

  it('a sign-in without the youtube.force-ssl scope downloads nothing and says so', async () => {
    const s = service({ credentials: oauth() });
    await s.addSource('youtube', TINY);
    await s.sync(undefined);
    assert.equal(downloads(), 0);
    assert.match(await noteOf(videos[0]!), /the Google sign-in lacks the youtube\.force-ssl scope/);
  });

  it('what the quota cannot cover today waits as pending; a later sync fetches it', async () => {
    sb.oauth.grantedScope = FORCE_SSL;
    // 4 units of catalog (add, channels, one page, one details call) and one video's 250.
    const s = service({ credentials: oauth(), dailyQuota: 4 + 250 + 100 });
    await s.addSource('youtube', TINY);
    const r = await s.sync(undefined);
    assert.equal(r.sources[0]!.error, undefined);
    assert.equal(lists(), 1);
    assert.equal(downloads(), 1);
    assert.ok(logged.some((l) => /^warn: Tiny Crafts: 5 transcript\(s\) wait for more YouTube quota/.test(l)), logged.join('\n'));
    assert.match(await noteOf(videos[0]!), /Now fold the wing/);
    assert.match(await noteOf(videos[1]!), /Not fetched yet: today's YouTube quota did not allow it/);
    assert.ok((await vaultQuota()) <= 4 + 250 + 100);

    await service({ credentials: oauth() }).sync(undefined);
    assert.equal(lists(), 6);
    assert.equal(downloads(), 5);
    assert.match(await noteOf(videos[1]!), /binding the book/);
    assert.equal(await vaultQuota(), sb.counters.quotaUsed());
  });

  it('hostile caption text cannot break the note', async () => {
    sb.oauth.grantedScope = FORCE_SSL;
    const s = service({ credentials: oauth() });
    await s.addSource('youtube', TINY);
    await s.sync(undefined);
    const note = await noteOf(videos[3]!);
    const [, front, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(note)!;
    assert.equal((parseYaml(front!) as { video_id: string }).video_id, videos[3]!.id);
    const section = body!.slice(body!.indexOf('## Transcript'));
    assert.equal(section.match(/^#/gm)?.length, 1, 'one heading: the section’s own');
    assert.doesNotMatch(section, /^(---|>|- |1\. |```)/m);
    assert.doesNotMatch(section, /(?<!\\)\[\[|(?<!\\)<script|(?<!\\)\|/);
    assert.match(section, /\\<script>alert\(1\)\\<\/script>/);
    assert.match(section, /plain & \\<tag> 😀 \\&amp;$/m);
    assert.equal(section.match(/\]\(https:\/\/www\.youtube\.com\/watch\?v=[\w-]+&t=\d+s\)/g)?.length, HOSTILE.length, 'one timestamp link per 40 s line');
  });
});
