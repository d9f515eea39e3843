/**
 * Several channels mirrored into one Google Sheets tab (a group), end to end through
 * ArchiveService and the real @googleapis clients against the Google sandbox: one read of the
 * table, one append and at most one values.batchUpdate per run for the whole group, rows told
 * apart by their Channel column, changed videos rewritten in place, nothing written when nothing
 * changed. Counts are the sandbox's.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsFrom } from '../../shared/settings';
import { UNIT_COST, googleYouTubeApi } from '../../server/engine/connectors/youtube/api';
import { YouTubeConnector } from '../../server/engine/connectors/youtube/connector';
import { MetricsRecorder } from '../../server/engine/metrics';
import { ArchiveService } from '../../server/engine/service/archiveService';
import { nodeVaultFs } from '../../server/engine/vault/vaultFs';
import { type GoogleSandbox, startGoogleSandbox } from '../sandbox/google';

const SCIENCE = 'UCsandboxScienceLab0001g';
const TINY = 'UCtinyCraftsWorkshop002w';

describe('Google Sheets: several channels into one tab', function () {
  this.timeout(60_000);
  let sb: GoogleSandbox;
  let dir: string;
  let credentials: string;
  let spreadsheetId: string;

  const service = (fullPassEveryDays?: number) =>
    new ArchiveService({
      workspaceRoot: dir,
      settings: settingsFrom({ vaultFolder: '.' }),
      trusted: true,
      fs,
      connectors: [
        new YouTubeConnector({
          fs: nodeVaultFs,
          apiKey: async () => sb.apiKey,
          missingKeyHelp: 'Set it.',
          makeApi: (apiKey, hooks) =>
            googleYouTubeApi({ apiKey, rootUrl: sb.rootUrl, onCall: (m) => hooks.onUnits(UNIT_COST[m]), cache: hooks.cache, onNotModified: hooks.onNotModified, limiter: hooks.limiter }),
          googleCredentials: async () => credentials,
          googleRootUrl: sb.rootUrl,
          tokenUrl: sb.oauth.tokenUrl,
          fullPassEveryDays,
        }),
      ],
      metrics: new MetricsRecorder(),
      events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: () => undefined },
    });
  const table = () => sb.sheets.values(spreadsheetId, 'Channels!A:L');
  const writes = () => sb.log().filter((r) => r.route.startsWith('sheets.') && r.method !== 'GET').length;

  beforeEach(async () => {
    sb = await startGoogleSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-group-'));
    const key = sb.serviceAccounts.create();
    credentials = JSON.stringify(key);
    spreadsheetId = sb.sheets.createSpreadsheet({ title: 'Catalog', sharedWith: [key.client_email] }).spreadsheetId;
  });
  afterEach(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('holds the union with a Channel column, in one append; a rerun writes nothing; changed videos are rewritten in one batchUpdate', async () => {
    const s = service();
    const science = await s.addSource('youtube', SCIENCE);
    const tiny = await s.addSource('youtube', TINY);
    await s.setSourceSheet(science.id, spreadsheetId, 'Channels');
    await s.setSourceSheet(tiny.id, spreadsheetId, 'channels'); // the same tab, whatever the case
    sb.counters.reset();
    const first = await s.sync(undefined);
    assert.ok(first.sources.every((x) => x.error === undefined), JSON.stringify(first));
    assert.equal(sb.counters.requests('sheets.spreadsheets.values.append'), 1, 'one append for both channels');
    assert.equal(sb.counters.requests('sheets.spreadsheets.get') + sb.counters.requests('sheets.spreadsheets.values.get'), 1, 'a new tab: one look, nothing to read');
    const retrievable = (channel: string) => sb.youtube.videosOf(channel).filter((v) => sb.youtube.isRetrievable(v));
    const rows = table();
    assert.equal(rows.length, 1 + retrievable(SCIENCE).length + retrievable(TINY).length);
    const channelColumn = rows[0]!.indexOf('Channel');
    const byChannel = new Map<string, number>();
    for (const r of rows.slice(1)) byChannel.set(String(r[channelColumn]), (byChannel.get(String(r[channelColumn])) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(byChannel), { 'Sandbox Science Lab': retrievable(SCIENCE).length, 'Tiny Crafts': retrievable(TINY).length });

    sb.counters.reset();
    await s.sync(undefined);
    assert.equal(sb.counters.requests('sheets.*'), 0, 'nothing new or changed: the spreadsheet is not even read');

    // A new video in one channel, edits in the other found by a full pass: one read, one update, one append.
    const fresh = sb.youtube.addVideo({ channelId: SCIENCE, title: 'Fresh one', publishedAt: new Date().toISOString() });
    const edited = retrievable(TINY)[0]!;
    sb.youtube.updateVideo(edited.id, { title: 'Renamed crane', viewCount: 123_456 });
    sb.youtube.setPrivacy(retrievable(TINY)[1]!.id, 'unlisted');
    sb.counters.reset();
    const later = await service(0).sync(undefined);
    assert.ok(later.sources.every((x) => x.error === undefined), JSON.stringify(later));
    assert.equal(sb.counters.requests('sheets.spreadsheets.values.append'), 1);
    assert.equal(sb.counters.requests('sheets.spreadsheets.values.batchUpdate'), 1, 'all changed rows of the group in one call');
    assert.equal(sb.counters.requests('sheets.spreadsheets.values.get'), 1, 'the table read once for the group');
    const after = new Map(table().map((r) => [String(r[0]), r]));
    assert.equal(after.get(edited.id)![1], 'Renamed crane');
    assert.equal(after.get(edited.id)![5], '123456');
    assert.equal(after.get(retrievable(TINY)[1]!.id)![11], 'unlisted');
    assert.ok(after.has(fresh.id));
    assert.equal(table().length, 1 + retrievable(SCIENCE).length + retrievable(TINY).length, 'no row twice');

    sb.counters.reset();
    await service().sync(undefined);
    assert.equal(writes(), 0);
    assert.equal(sb.counters.requests('sheets.*'), 0);
  });

  it('syncing one channel of a group leaves the other channel’s rows alone', async () => {
    const s = service();
    const science = await s.addSource('youtube', SCIENCE);
    const tiny = await s.addSource('youtube', TINY);
    await s.setSourceSheet(science.id, spreadsheetId, 'Channels');
    await s.setSourceSheet(tiny.id, spreadsheetId, 'Channels');
    await s.sync(undefined);
    const before = table();
    sb.youtube.addVideo({ channelId: TINY, title: 'Only tiny', publishedAt: new Date().toISOString() });
    await s.sync([tiny.id]);
    const after = table();
    assert.equal(after.length, before.length + 1);
    assert.deepEqual(after.slice(0, before.length), before);
  });
});
