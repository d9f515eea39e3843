/**
 * The YouTube connector end to end: ArchiveService → YouTubeConnector → the real
 * @googleapis/youtube client → the local Google sandbox (test/sandbox/google), counting the
 * requests and quota the sandbox itself saw.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { emptyMetrics, type SyncSummary } from '../../shared/types';
import { settingsFrom } from '../../shared/settings';
import type { Connector } from '../../server/engine/connectors/connector';
import { MetricsRecorder } from '../../server/engine/metrics';
import { type EngineEnvironment, createConnectors, realImporter } from '../../server/engine/parts';
import { ArchiveService } from '../../server/engine/service/archiveService';
import { nodeVaultFs } from '../../server/engine/vault/vaultFs';
import { type GoogleSandbox, startGoogleSandbox } from '../sandbox/google';

const SCIENCE = 'UCsandboxScienceLab0001g';

describe('YouTube channels into the vault (against the Google sandbox)', function () {
  this.timeout(60_000);
  let sb: GoogleSandbox;
  let dir: string;
  let key: string | undefined;

  /** An ArchiveService over the production connectors, pointed at the sandbox. */
  const makeService = (
    o: { root?: string; environment?: EngineEnvironment; connectors?: Connector[]; metrics?: MetricsRecorder; log?: (level: string, m: string) => void; sourceConcurrency?: number } = {},
  ) =>
    new ArchiveService({
      workspaceRoot: o.root ?? dir,
      settings: settingsFrom({ vaultFolder: '.', sourceConcurrency: o.sourceConcurrency }),
      trusted: true,
      fs,
      connectors: o.connectors ?? createConnectors(realImporter, nodeVaultFs, o.environment ?? env()),
      metrics: o.metrics ?? new MetricsRecorder(),
      events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: o.log ?? (() => undefined) },
    });
  const service = (root = dir) => makeService({ root });
  const env = (): EngineEnvironment => ({ youtubeApiKey: async () => key, missingYouTubeKeyHelp: 'Set it.', googleRootUrl: sb.rootUrl, googleTokenUrl: sb.oauth.tokenUrl });
  const notesOf = async (folder: string): Promise<string[]> => (await fs.readdir(path.join(dir, folder))).filter((f) => f.endsWith('.md')).sort();
  const vaultDigest = async (root: string): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    const walk = async (d: string): Promise<void> => {
      for (const e of await fs.readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.name.endsWith('.md')) out[path.relative(root, p)] = (await fs.readFile(p, 'utf8')).replace(/^last_sync: .*$/m, '');
      }
    };
    await walk(path.join(root, 'YouTube'));
    return out;
  };

  beforeEach(async () => {
    sb = await startGoogleSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-'));
    key = sb.apiKey;
  });
  afterEach(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('adds a channel by @handle with one channels.list call, and refuses what is not a channel', async () => {
    const s = service();
    const source = await s.addSource('youtube', 'https://www.youtube.com/@SandboxScience/videos');
    assert.equal(source.id, `youtube:${SCIENCE}`);
    assert.equal(sb.counters.requests(), 1);
    assert.equal(sb.counters.requests('youtube.channels.list'), 1);
    await assert.rejects(s.addSource('youtube', '@SandboxScience'), /already in the vault/);
    await assert.rejects(s.addSource('youtube', '@nosuchchannel'), /YouTube has no channel @nosuchchannel/);
    await assert.rejects(s.addSource('youtube', 'https://www.youtube.com/watch?v=abc'), /not a channel link/);
  });

  it('a channel recorded by handle before YouTube sync existed says to add it again; the others sync', async () => {
    const s = service();
    await s.addSource('youtube', SCIENCE);
    const file = path.join(dir, '.vault-archiver', 'sources.json');
    const stored = JSON.parse(await fs.readFile(file, 'utf8')) as { sources: Record<string, unknown>[] };
    stored.sources.push({ id: 'youtube:@oldhandle', kind: 'youtube', origin: 'youtube', title: '@oldhandle', ref: '@oldhandle', notesPath: 'YouTube/@oldhandle', addedAt: '2026-01-01T00:00:00Z', itemCount: 0 });
    await fs.writeFile(file, JSON.stringify(stored));
    const r = await s.sync(undefined);
    const byId = Object.fromEntries(r.sources.map((x) => [x.id, x]));
    assert.match(byId['youtube:@oldhandle']!.error ?? '', /remove it and add it again/);
    assert.equal(byId[`youtube:${SCIENCE}`]!.error, undefined);
    assert.ok(byId[`youtube:${SCIENCE}`]!.itemsAdded > 0);
  });

  it('a missing or refused key says where a key comes from; nothing is written', async () => {
    key = undefined;
    await assert.rejects(service().addSource('youtube', '@SandboxScience'), /No YouTube API key is set\. Set it\./);
    key = 'AIzaWrongKey-00000000000000000000000000';
    await assert.rejects(service().addSource('youtube', '@SandboxScience'), /refused the API key.*Google Cloud Console/);
    sb.invalidKeyForm = 'legacy';
    await assert.rejects(service().addSource('youtube', '@SandboxScience'), /refused the API key/);
    await assert.rejects(fs.access(path.join(dir, 'YouTube')));
  });

  it('syncs every video into notes; a warm re-sync asks one question; three new videos cost three calls', async () => {
    const s = service();
    const source = await s.addSource('youtube', SCIENCE);
    const channel = sb.youtube.channel(SCIENCE)!;
    const expected = sb.youtube.videosOf(SCIENCE).filter((v) => sb.youtube.isRetrievable(v));
    const cold = await s.sync(undefined);
    assert.equal(cold.sources[0]!.error, undefined);
    assert.equal(cold.sources[0]!.itemsAdded, expected.length);
    const notes = await notesOf(source.notesPath);
    assert.equal(notes.length, expected.length + 1, 'one note per video plus the channel note');
    assert.ok(notes.includes(`${channel.title}.md`));
    // Every video note has parseable properties naming its video.
    const ids = new Set<string>();
    for (const n of notes.filter((f) => f !== `${channel.title}.md`)) {
      const text = await fs.readFile(path.join(dir, source.notesPath, n), 'utf8');
      const props = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]!) as { video_id: string; url: string; tags: string[] };
      ids.add(props.video_id);
      assert.equal(props.url, `https://www.youtube.com/watch?v=${props.video_id}`);
      assert.deepEqual(props.tags, ['youtube']);
    }
    assert.deepEqual([...ids].sort(), expected.map((v) => v.id).sort());

    sb.counters.reset();
    const warm = await s.sync(undefined);
    assert.equal(warm.sources[0]!.itemsAdded, 0);
    assert.equal(sb.counters.requests(), 1, `warm re-sync requests: ${JSON.stringify(sb.counters.byRoute())}`);
    // That one request carried the kept ETag: YouTube answered 304 and the kept answer served.
    assert.equal(sb.counters.byStatus('youtube.channels.list')[304], 1, JSON.stringify(sb.counters.byStatus()));
    // A fresh service (another process) finds the kept answers in the vault.
    sb.counters.reset();
    await service().sync(undefined);
    assert.equal(sb.counters.byStatus('youtube.channels.list')[304], 1);

    for (let i = 0; i < 3; i++) sb.youtube.addVideo({ channelId: SCIENCE, title: `Fresh video ${i}`, publishedAt: new Date(Date.now() + i * 1000).toISOString() });
    sb.counters.reset();
    const fresh = await s.sync(undefined);
    assert.equal(fresh.sources[0]!.itemsAdded, 3);
    assert.equal(sb.counters.requests(), 3, `new-videos requests: ${JSON.stringify(sb.counters.byRoute())}`);
    assert.equal((await notesOf(source.notesPath)).length, expected.length + 4);
    const list = await s.listSources();
    assert.equal(list[0]!.itemCount, expected.length + 3);
  });

  it('a full pass updates edited titles and keeps notes of videos gone private or deleted, marked', async () => {
    let now = new Date('2026-12-01T12:00:00Z');
    const connectors = createConnectors(realImporter, nodeVaultFs, env());
    const yt = connectors.find((c) => c.origin === 'youtube')!;
    (yt as unknown as { opts: { clock: () => Date } }).opts.clock = () => now;
    const s = makeService({ connectors });
    const source = await s.addSource('youtube', SCIENCE);
    await s.sync(undefined);
    const [a, b, c] = sb.youtube.videosOf(SCIENCE).filter((v) => sb.youtube.isRetrievable(v));
    sb.youtube.updateVideo(a!.id, { title: 'Edited title' });
    sb.youtube.setPrivacy(b!.id, 'private');
    sb.youtube.deleteVideo(c!.id);
    now = new Date('2026-12-09T12:00:00Z'); // past the 7-day full pass
    const r = await s.sync(undefined);
    assert.equal(r.sources[0]!.error, undefined);
    const texts = await Promise.all((await notesOf(source.notesPath)).map((n) => fs.readFile(path.join(dir, source.notesPath, n), 'utf8')));
    const noteOf = (id: string) => texts.find((t) => t.includes(`video_id: ${id}`))!;
    assert.match(noteOf(a!.id), /^title: Edited title$/m);
    for (const gone of [b!, c!]) {
      assert.match(noteOf(gone.id), /^privacy: unavailable$/m);
      assert.match(noteOf(gone.id), /no longer available on YouTube/);
    }
  });

  it('quota running out mid-sync stops cleanly; after the reset a rerun ends as a clean run would', async () => {
    const clean = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-clean-'));
    try {
      await service(clean).addSource('youtube', SCIENCE);
      await service(clean).sync(undefined);
      const want = await vaultDigest(clean);

      const s = service();
      await s.addSource('youtube', SCIENCE);
      // Room for the batched lookup and one uploads page: the next call finds the quota spent.
      sb.quota.dailyLimit = sb.quota.usedToday() + 2;
      const limited: SyncSummary = await s.sync(undefined);
      const error = limited.sources[0]!.error ?? '';
      assert.match(error, /quota/i, `sync result: ${JSON.stringify(limited)}`);
      sb.quota.resetDay();
      sb.quota.dailyLimit = 10_000;
      const rerun = await s.sync(undefined);
      assert.equal(rerun.sources[0]!.error, undefined);
      assert.deepEqual(await vaultDigest(dir), want);
    } finally {
      await fs.rm(clean, { recursive: true, force: true });
    }
  });

  it('hostile titles and descriptions cannot break a note', async () => {
    const v = sb.youtube.addVideo({
      channelId: SCIENCE,
      title: '---\ntitle: pwned\n# [[Evil]] | <script>alert(1)</script> %%',
      description: '0:00 Intro\n0:30 Part [[two]]\n1:15 End\n---\n> quote? https://example.com/a_b_(c)\n%%hidden',
      tags: ['a: b', '- c'],
    });
    const s = service();
    const source = await s.addSource('youtube', SCIENCE);
    await s.sync(undefined);
    const notes = await notesOf(source.notesPath);
    const note = (await Promise.all(notes.map((n) => fs.readFile(path.join(dir, source.notesPath, n), 'utf8')))).find((t) => t.includes(`video_id: ${v.id}`))!;
    const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(note)!;
    const props = parseYaml(m[1]!) as { title: string; video_tags: string[] };
    assert.equal(props.title, v.title, 'the title survives in the properties as it is');
    assert.deepEqual(props.video_tags, ['a: b', '- c']);
    const body = m[2]!;
    assert.doesNotMatch(body, /(?<!\\)<script>/, 'HTML stays text');
    assert.doesNotMatch(body, /\[\[two\]\]/);
    assert.doesNotMatch(body, /^---$/m);
    assert.doesNotMatch(body, /%%/);
    assert.match(body, /## Chapters\n\n- \[0:00\]\(https:\/\/www\.youtube\.com\/watch\?v=[\w-]+&t=0s\) Intro\n- \[0:30\]/);
  });

  it('many channels synced at the highest sourceConcurrency raise no listener-leak warning', async () => {
    // Each request in flight listens on the run's abort signal: 16 channels at once pass Node's default of 10,
    // and with two pages a channel lists its second page while the first page's details are asked for.
    const concurrency = 16;
    const s = makeService({ sourceConcurrency: concurrency });
    for (let i = 0; i < concurrency; i++) {
      const channel = sb.youtube.addChannel({ title: `Channel ${i}` });
      sb.youtube.addVideos(channel.id, 60);
      await s.addSource('youtube', channel.id);
    }
    sb.faults.latency('youtube.*', 30);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const r = await s.sync(undefined);
      assert.deepEqual(r.sources.filter((x) => x.error), []);
      assert.equal(r.sources.reduce((n, x) => n + x.itemsAdded, 0), concurrency * 60);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
  });


  it('metrics count the videos archived, the requests made and the quota spent, as the sandbox charged them', async () => {
    const metrics = new MetricsRecorder();
    const s = makeService({ metrics });
    await s.addSource('youtube', SCIENCE);
    const before = sb.quota.usedToday();
    const r = await s.sync(undefined);
    const m = { ...emptyMetrics, ...metrics.snapshot() };
    assert.equal(m.itemsProcessed, r.sources[0]!.itemsAdded);
    // What the vault counted is what YouTube (the sandbox) charged.
    assert.equal(m.apiRequests, sb.quota.usedToday() - before);
    assert.equal(m.youtubeQuotaUsedToday, sb.quota.usedToday());
    assert.equal(m.youtubeQuotaLimit, 10_000);
    const [source] = await s.listSources();
    // The batched lookup is the run's; the channel's own sync spent the rest.
    assert.equal(source!.lastSyncUnits, m.apiRequests - 1);
  });

  describe('faults on the way', () => {
    for (const [name, inject] of [
      ['two 503s', (f: GoogleSandbox['faults']) => f.serverErrorNext('youtube.videos.list', 503, 2)],
      ['a 429', (f: GoogleSandbox['faults']) => f.rateLimitNext('youtube.playlistItems.list', { status: 429 })],
      ['a 403 rateLimitExceeded', (f: GoogleSandbox['faults']) => f.rateLimitNext('youtube.videos.list', { status: 403 })],
      ['a dropped connection', (f: GoogleSandbox['faults']) => f.resetNext('youtube.playlistItems.list')],
    ] as const) {
      it(`${name}: retried with backoff, and the vault is what a clean sync makes`, async () => {
        const clean = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-clean-'));
        try {
          await service(clean).addSource('youtube', SCIENCE);
          await service(clean).sync(undefined);
          const s = service();
          await s.addSource('youtube', SCIENCE);
          const rule = inject(sb.faults);
          const r = await s.sync(undefined);
          assert.equal(r.sources[0]!.error, undefined, JSON.stringify(r));
          assert.ok(rule.hits > 0, 'the fault was hit');
          assert.deepEqual(await vaultDigest(dir), await vaultDigest(clean));
        } finally {
          await fs.rm(clean, { recursive: true, force: true });
        }
      });
    }

    it('a fault that lasts fails that channel with a message, and the next sync completes it', async () => {
      const s = service();
      await s.addSource('youtube', SCIENCE);
      const rule = sb.faults.errorRate('youtube.videos.list', 1);
      const r = await s.sync(undefined);
      assert.match(r.sources[0]!.error ?? '', /503|unavailable|backend/i);
      rule.remove();
      const again = await s.sync(undefined);
      assert.equal(again.sources[0]!.error, undefined);
      assert.ok(again.sources[0]!.itemsAdded > 0);
    });

    it('cancelling mid-sync stops, and the next sync ends as a clean run would', async () => {
      const clean = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-clean-'));
      try {
        await service(clean).addSource('youtube', SCIENCE);
        await service(clean).sync(undefined);
        const s = service();
        await s.addSource('youtube', SCIENCE);
        sb.faults.latency('youtube.videos.list', 300);
        const controller = new AbortController();
        const syncing = s.sync(undefined, { signal: controller.signal });
        setTimeout(() => controller.abort(), 150);
        const r = await syncing;
        assert.equal(r.cancelled, true);
        const again = await s.sync(undefined);
        assert.equal(again.sources[0]!.error, undefined);
        assert.deepEqual(await vaultDigest(dir), await vaultDigest(clean));
      } finally {
        await fs.rm(clean, { recursive: true, force: true });
      }
    });
  });

  describe('the Google Sheets mirror', () => {
    let credentials: string | undefined;
    const envWithSheets = (): EngineEnvironment => ({ ...env(), googleCredentials: async () => credentials, missingSheetsCredentialsHelp: 'Set them.' });
    const sheetsService = () => makeService({ environment: envWithSheets() });

    it('appends each sync\'s new videos to the tab, touches nothing when nothing is new, and says whom to share with', async () => {
      const key = sb.serviceAccounts.create();
      credentials = JSON.stringify(key);
      const spreadsheetId = sb.sheets.createSpreadsheet({ title: 'Catalog' }).spreadsheetId;
      const s = sheetsService();
      const source = await s.addSource('youtube', SCIENCE);
      const withSheet = await s.setSourceSheet(source.id, `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit#gid=0`, 'Science');
      assert.deepEqual(withSheet.sheet, { spreadsheetId, sheetTitle: 'Science' });

      // Not shared with the service account yet: the notes sync, the mirror says what to do.
      const warnings: string[] = [];
      const unshared = makeService({ environment: envWithSheets(), log: (level, m) => void (level === 'warn' && warnings.push(m)) });
      const first = await unshared.sync(undefined);
      assert.equal(first.sources[0]!.error, undefined);
      assert.ok(warnings.some((w) => w.includes(`share the spreadsheet with ${key.client_email}`)), warnings.join('\n'));

      sb.sheets.share(spreadsheetId, key.client_email);
      sb.counters.reset();
      await s.sync(undefined);
      const rows = sb.sheets.values(spreadsheetId, 'Science!A:A');
      const expected = sb.youtube.videosOf(SCIENCE).filter((v) => sb.youtube.isRetrievable(v));
      assert.equal(rows.length, expected.length + 1, 'a header and one row per video');
      assert.ok(sb.counters.requests('sheets.spreadsheets.values.append') <= 2);

      sb.counters.reset();
      await s.sync(undefined);
      assert.equal(sb.counters.requests('sheets.*'), 0, 'nothing new: the spreadsheet is not even read');

      sb.youtube.addVideo({ channelId: SCIENCE, title: 'One more', publishedAt: new Date().toISOString() });
      await s.sync(undefined);
      assert.equal(sb.sheets.values(spreadsheetId, 'Science!A:A').length, expected.length + 2);
    });

    it('refuses a mirror without credentials, and an address that is not a spreadsheet', async () => {
      credentials = undefined;
      const s = sheetsService();
      const source = await s.addSource('youtube', SCIENCE);
      await assert.rejects(s.setSourceSheet(source.id, '1SandboxDemoCatalog0000000000000000000000000'), /No Google Sheets credentials are set\. Set them\./);
      credentials = JSON.stringify(sb.serviceAccounts.create());
      await assert.rejects(s.setSourceSheet(source.id, 'https://example.com/sheet'), /is not a Google Sheets spreadsheet/);
      const off = await s.setSourceSheet(source.id, null);
      assert.equal(off.sheet, undefined);
    });
  });
});
