/**
 * Part of the youtube scenario: several channels mirrored into one Google Sheets tab (a group),
 * through ArchiveService and the production YouTube connector, in this process against the same
 * sandbox. Cold sync of the group into a fresh tab, a rerun with nothing new, then a full pass
 * after 3 videos changed in 2 channels. Counts are the sandbox's.
 * Figures: sheetsGroupAppendCalls (goal 1: one append for every channel of the group),
 * sheetsGroupRerunRequests (goal 0), sheetsGroupUpdateCalls (goal 1) and sheetsGroupUpdatedRows.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { GoogleSandbox } from '../test/sandbox/google';
import type { Figures } from './run';

export async function measureSheetsGroup(sb: GoogleSandbox, channelIds: readonly string[], workDir: string): Promise<Figures> {
  const { settingsFrom } = await import('../shared/settings');
  const { UNIT_COST, googleYouTubeApi } = await import('../server/engine/connectors/youtube/api');
  const { YouTubeConnector } = await import('../server/engine/connectors/youtube/connector');
  const { MetricsRecorder } = await import('../server/engine/metrics');
  const { ArchiveService } = await import('../server/engine/service/archiveService');
  const { nodeVaultFs } = await import('../server/engine/vault/vaultFs');
  const vault = path.join(workDir, 'sheets-group');
  await fsp.mkdir(vault, { recursive: true });
  const key = sb.serviceAccounts.create('group');
  const spreadsheetId = sb.sheets.createSpreadsheet({ title: 'Group', sharedWith: [key.client_email] }).spreadsheetId;
  const service = (fullPassEveryDays?: number) =>
    new ArchiveService({
      workspaceRoot: vault,
      settings: settingsFrom({ vaultFolder: '.', sourceConcurrency: channelIds.length }),
      trusted: true,
      fs: fsp,
      connectors: [
        new YouTubeConnector({
          fs: nodeVaultFs,
          apiKey: async () => sb.apiKey,
          missingKeyHelp: '',
          makeApi: (apiKey, hooks) => googleYouTubeApi({ apiKey, rootUrl: sb.rootUrl, onCall: (m) => hooks.onUnits(UNIT_COST[m]), cache: hooks.cache, limiter: hooks.limiter }),
          googleCredentials: async () => JSON.stringify(key),
          googleRootUrl: sb.rootUrl,
          tokenUrl: sb.oauth.tokenUrl,
          fullPassEveryDays,
        }),
      ],
      metrics: new MetricsRecorder(),
      events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: () => undefined },
    });
  const s = service();
  for (const id of channelIds) {
    const source = await s.addSource('youtube', id);
    await s.setSourceSheet(source.id, spreadsheetId, 'Group');
  }
  const check = (ok: boolean, message: string): void => {
    if (!ok) throw new Error(`youtube bench check failed (Sheets group): ${message}`);
  };
  const noErrors = (r: { sources: readonly { error?: string }[] }, what: string) => check(r.sources.every((x) => !x.error), `${what}: ${JSON.stringify(r.sources.filter((x) => x.error))}`);

  sb.counters.reset();
  noErrors(await s.sync(undefined), 'cold sync');
  const appendCalls = sb.counters.requests('sheets.spreadsheets.values.append');
  const videos = channelIds.flatMap((c) => sb.youtube.videosOf(c).filter((v) => sb.youtube.isRetrievable(v)));
  check(sb.sheets.values(spreadsheetId, 'Group!A:A').length === videos.length + 1, 'the tab does not hold a header and one row per video of the group');

  sb.counters.reset();
  noErrors(await s.sync(undefined), 'rerun');
  const rerunRequests = sb.counters.requests('sheets.*');

  // 3 videos changed in 2 channels, found by a full pass: one update call for the group.
  const changed = [...sb.youtube.videosOf(channelIds[0]!).slice(0, 2), sb.youtube.videosOf(channelIds[1]!)[0]!];
  for (const v of changed) sb.youtube.updateVideo(v.id, { viewCount: v.viewCount + 1_000 });
  sb.counters.reset();
  noErrors(await service(0).sync(undefined), 'full pass');
  const updateCalls = sb.counters.requests('sheets.spreadsheets.values.batchUpdate');
  const rows = new Map(sb.sheets.values(spreadsheetId, 'Group!A:F').map((r) => [String(r[0]), r]));
  check(changed.every((v) => String(rows.get(v.id)?.[5]) === String(v.viewCount)), 'the changed views are not in the tab');
  check(sb.counters.requests('sheets.spreadsheets.values.append') === 0, 'the full pass appended rows');
  return {
    sheetsGroupChannels: channelIds.length,
    sheetsGroupRows: videos.length,
    sheetsGroupAppendCalls: appendCalls,
    sheetsGroupRerunRequests: rerunRequests,
    sheetsGroupUpdateCalls: updateCalls,
    sheetsGroupUpdatedRows: changed.length,
  };
}
