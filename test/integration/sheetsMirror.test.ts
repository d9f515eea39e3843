import type { RateLimiter } from '../../server/engine/util/rateLimiter';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { UserError } from '../../server/engine/errors';
import { createSheetsAuth, createSheetsClient, type SheetsAuth } from '../../server/engine/connectors/youtube/sheets/sheetsAuth';
import { HEADER, PRIVACY_RULE_FORMULA } from '../../server/engine/connectors/youtube/sheets/sheetLayout';
import { classifySheetsFailure } from '../../server/engine/connectors/youtube/sheets/sheetsErrors';
import { mirrorVideos, type MirrorOptions, type MirrorResult } from '../../server/engine/connectors/youtube/sheets/sheetsMirror';
import type { VideoRecord } from '../../server/engine/connectors/youtube/video';
import { startGoogleSandbox, type GoogleSandbox, type ServiceAccountKeyFile } from '../sandbox/google';

/**
 * The Sheets mirror and its credentials, through the real @googleapis/sheets client and
 * google-auth-library against the Google sandbox. What was written is checked in the sandbox's
 * state, and what it cost in `sb.counters` (the server's count, not the client's belief).
 */

const TAB = 'Videos';

function video(i: number, over: Partial<VideoRecord> = {}): VideoRecord {
  return {
    id: `v${String(i).padStart(9, '0')}A`,
    channelId: 'UCsandboxScienceLab0001g',
    channelTitle: 'Sandbox Science Lab',
    title: `Episode ${i}`,
    description: 'not mirrored',
    publishedAt: new Date(Date.UTC(2019, 0, 1) + i * 3_600_000).toISOString(),
    durationSeconds: 60 + i,
    views: 1000 + i,
    likes: 10 + i,
    comments: i,
    tags: ['science'],
    privacy: 'public',
    ...over,
  };
}

const range = (from: number, count: number): VideoRecord[] => Array.from({ length: count }, (_, k) => video(from + k));

describe('Sheets mirror through @googleapis/sheets against the Google sandbox', () => {
  let sb: GoogleSandbox;
  let clock = Date.now();
  /** Strings that must never appear in an error message or a log line. */
  const secrets: string[] = [];
  /** Every log line and error message of the current test. */
  let said: string[] = [];
  let sleeps: number[] = [];

  before(async () => {
    sb = await startGoogleSandbox({ seed: 'empty', now: () => new Date(clock) });
    secrets.push(sb.oauth.clientSecret, sb.oauth.refreshToken, sb.oauth.accessToken, 'ya29.');
  });

  after(async () => {
    await sb.close();
  });

  beforeEach(() => {
    sb.counters.reset();
    sb.faults.clear();
    clock += 61_000; // a fresh per-minute window of the Sheets rate limits
    said = [];
    sleeps = [];
  });

  afterEach(() => {
    for (const line of said) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a secret leaked into: ${line.slice(0, 200)}`);
    }
  });

  const oauth = (refreshToken = sb.oauth.refreshToken, clientSecret = sb.oauth.clientSecret): SheetsAuth =>
    createSheetsAuth({ kind: 'oauth', clientId: sb.oauth.clientId, clientSecret, refreshToken }, { tokenUrl: sb.oauth.tokenUrl });

  const serviceAccount = (key: ServiceAccountKeyFile): SheetsAuth => {
    secrets.push(key.private_key.split('\n')[1], key.private_key_id);
    return createSheetsAuth({ kind: 'serviceAccount', keyJson: JSON.stringify(key) }, { tokenUrl: sb.oauth.tokenUrl });
  };

  const newSpreadsheet = (sheets?: { title: string; rowCount?: number; columnCount?: number }[]): string =>
    sb.sheets.createSpreadsheet({ title: 'Catalog mirror', sheets }).spreadsheetId;

  async function mirror(spreadsheetId: string, videos: readonly VideoRecord[], options: MirrorOptions = {}, sheetsAuth: SheetsAuth = oauth()): Promise<MirrorResult> {
    const client = createSheetsClient(sheetsAuth, { rootUrl: sb.rootUrl });
    try {
      return await mirrorVideos(client, { spreadsheetId, sheetTitle: TAB }, videos, {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        log: (level, message) => said.push(`${level}: ${message}`),
        account: sheetsAuth.account,
        ...options,
      });
    } catch (err) {
      said.push(String((err as Error).message));
      throw err;
    }
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (err) {
      return err as Error;
    }
    assert.fail('expected a failure');
  }

  const ids = (spreadsheetId: string): string[] => sb.sheets.values(spreadsheetId, `${TAB}!A:A`).map((row) => String(row[0]));
  const writes = (): number =>
    sb.counters.requests('sheets.spreadsheets.batchUpdate') + sb.counters.requests('sheets.spreadsheets.values.append') + sb.counters.requests('sheets.spreadsheets.values.update');
  const expectIds = (spreadsheetId: string, videos: readonly VideoRecord[]): void =>
    assert.deepEqual(ids(spreadsheetId), [HEADER[0], ...videos.map((v) => v.id)]);

  describe('mirroring', () => {
    it('sets a new tab up (tab, header, frozen row, filter in one batch), appends once, adds the rule at the end: four writes', async () => {
      const id = newSpreadsheet();
      const catalog = [
        video(3, { privacy: 'unlisted', likes: undefined, comments: undefined }),
        video(1),
        video(2, { durationSeconds: 3723, privacy: 'private' }),
        video(4, { durationSeconds: undefined, views: undefined, privacy: 'unavailable' }),
      ];
      const result = await mirror(id, catalog);
      assert.deepEqual(result, { appended: 4, updated: 0, appendCalls: 1, formatCalls: 2, readCalls: 1, updateCalls: 0, cancelled: false });
      assert.deepEqual(sb.counters.byRoute(), {
        'oauth2.token': { requests: 1, quota: 0 },
        'sheets.spreadsheets.get': { requests: 1, quota: 0 },
        'sheets.spreadsheets.batchUpdate': { requests: 2, quota: 0 },
        'sheets.spreadsheets.values.append': { requests: 1, quota: 0 },
      });
      assert.deepEqual(
        sb.sheets.appliedRequests(id).map((a) => a.kind),
        ['addSheet', 'updateCells', 'updateSheetProperties', 'setBasicFilter', 'addConditionalFormatRule'],
      );

      const sheet = sb.sheets.sheet(id, TAB)!;
      assert.equal(sheet.properties.gridProperties.frozenRowCount, 1);
      assert.equal(sheet.properties.gridProperties.columnCount, HEADER.length);
      assert.deepEqual(sheet.basicFilter!.range, { sheetId: sheet.properties.sheetId, startRowIndex: 0, startColumnIndex: 0, endColumnIndex: HEADER.length, endRowIndex: undefined });
      assert.equal(sheet.conditionalFormats.length, 1);
      assert.equal(sheet.conditionalFormats[0].booleanRule!.condition!.values![0].userEnteredValue, PRIVACY_RULE_FORMULA);
      assert.equal(PRIVACY_RULE_FORMULA, '=AND($L2<>"",$L2<>"public")', 'the rule looks at the Privacy column');
      assert.deepEqual(sb.sheets.cell(id, `${TAB}!A1`)!.userEnteredFormat, { textFormat: { bold: true } });

      // Oldest first; counts are numbers; what YouTube did not give stays an empty cell.
      assert.deepEqual(sb.sheets.values(id, `${TAB}!A1:L5`, 'UNFORMATTED_VALUE'), [
        ['Video ID', 'Title', 'Published', 'Duration (s)', 'Duration', 'Views', 'Likes', 'Comments', 'URL', 'Channel', 'Channel ID', 'Privacy'],
        ['v000000001A', 'Episode 1', '2019-01-01T01:00:00.000Z', 61, '1:01', 1001, 11, 1, 'https://www.youtube.com/watch?v=v000000001A', 'Sandbox Science Lab', 'UCsandboxScienceLab0001g', 'public'],
        ['v000000002A', 'Episode 2', '2019-01-01T02:00:00.000Z', 3723, '1:02:03', 1002, 12, 2, 'https://www.youtube.com/watch?v=v000000002A', 'Sandbox Science Lab', 'UCsandboxScienceLab0001g', 'private'],
        ['v000000003A', 'Episode 3', '2019-01-01T03:00:00.000Z', 63, '1:03', 1003, '', '', 'https://www.youtube.com/watch?v=v000000003A', 'Sandbox Science Lab', 'UCsandboxScienceLab0001g', 'unlisted'],
        ['v000000004A', 'Episode 4', '2019-01-01T04:00:00.000Z', '', '', '', 14, 4, 'https://www.youtube.com/watch?v=v000000004A', 'Sandbox Science Lab', 'UCsandboxScienceLab0001g', 'unavailable'],
      ]);
      assert.equal(sb.sheets.cell(id, `${TAB}!G4`), undefined, 'hidden likes: no cell value at all, not 0');
    });

    it('appends 3,200 new rows in one call (two at 2,000 rows a call), each row once', async () => {
      const catalog = range(0, 3200).reverse();
      const one = newSpreadsheet();
      const first = await mirror(one, catalog);
      assert.deepEqual(first, { appended: 3200, updated: 0, appendCalls: 1, formatCalls: 2, readCalls: 1, updateCalls: 0, cancelled: false });
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.append'), 1);
      expectIds(one, range(0, 3200));

      sb.counters.reset();
      const two = newSpreadsheet();
      const second = await mirror(two, catalog, { maxRowsPerAppend: 2000 });
      assert.deepEqual([second.appended, second.appendCalls, second.formatCalls], [3200, 2, 2]);
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.append'), 2);
      expectIds(two, range(0, 3200));

      // Long rows split on size as well: 3,200 rows of ~2 KB stay under ~1.5 MB a request.
      sb.counters.reset();
      const three = newSpreadsheet();
      const heavy = range(0, 3200).map((v) => ({ ...v, title: 'é'.repeat(1000) }));
      const third = await mirror(three, heavy);
      assert.equal(third.appendCalls, 5);
      assert.equal(ids(three).length, 3201);
    });

    it('takes a turn from the shared rate limiter before every request it sends', async () => {
      const id = sb.sheets.createSpreadsheet({ title: 'Limited' }).spreadsheetId;
      let turns = 0;
      const limiter = { acquire: async () => void turns++ } as unknown as RateLimiter;
      sb.counters.reset();
      await mirror(id, range(0, 5), { limiter });
      const sent = sb.counters.requests('sheets.*');
      assert.ok(sent > 0);
      assert.equal(turns, sent, `${turns} turns for ${sent} requests`);
    });

    it('writes nothing when nothing is new: two reads, zero writes, even fed in another order', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 50));
      sb.counters.reset();
      const rerun = await mirror(id, range(0, 50).reverse());
      assert.deepEqual(rerun, { appended: 0, updated: 0, appendCalls: 0, formatCalls: 0, readCalls: 2, updateCalls: 0, cancelled: false });
      assert.equal(writes(), 0);
      assert.deepEqual(sb.counters.byStatus('sheets.*'), { 200: 2 });
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.get'), 1, 'the id column is read once');
    });

    it('appends three new videos as three rows in one call, without a second rule', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 10));
      sb.counters.reset();
      const result = await mirror(id, [...range(0, 10), video(12), video(11), video(10)]);
      assert.deepEqual(result, { appended: 3, updated: 0, appendCalls: 1, formatCalls: 0, readCalls: 2, updateCalls: 0, cancelled: false });
      assert.equal(writes(), 1);
      expectIds(id, range(0, 13));
      assert.equal(sb.sheets.sheet(id, TAB)!.conditionalFormats.length, 1);
    });

    it('rewrites the rows whose video changed (views, privacy, title) in one values.batchUpdate, and only those', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 40));
      // Someone sorted the tab by views, highest first: rows are found by id, not by position.
      const sheetId = sb.sheets.sheet(id, TAB)!.properties.sheetId;
      await createSheetsClient(oauth(), { rootUrl: sb.rootUrl }).spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: { requests: [{ sortRange: { range: { sheetId, startRowIndex: 1, startColumnIndex: 0, endColumnIndex: 12 }, sortSpecs: [{ dimensionIndex: 5, sortOrder: 'DESCENDING' }] } }] },
      });
      assert.equal(sb.sheets.values(id, `${TAB}!A2:A2`)[0]![0], video(39).id);
      sb.counters.reset();
      const changed = range(0, 40).map((v, i) => (i === 3 ? { ...v, views: 99_999, privacy: 'unlisted' as const } : i === 27 ? { ...v, title: '=HYPERLINK("http://evil")', likes: undefined } : v));
      const result = await mirror(id, [...changed, video(40)]);
      assert.deepEqual(result, { appended: 1, updated: 2, appendCalls: 1, formatCalls: 0, readCalls: 2, updateCalls: 1, cancelled: false });
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.batchUpdate'), 1);
      const rows = sb.sheets.values(id, `${TAB}!A:L`);
      const byId = new Map(rows.map((r) => [String(r[0]), r]));
      assert.equal(byId.get(video(3).id)![5], '99999');
      assert.equal(byId.get(video(3).id)![11], 'unlisted');
      assert.equal(byId.get(video(27).id)![1], '=HYPERLINK("http://evil")', 'still text, never a formula');
      assert.equal(byId.get(video(27).id)![6] ?? '', '', 'an absent count is an empty cell');
      assert.equal(byId.get(video(4).id)![5], String(video(4).views));
      assert.equal(rows.length, 42, 'header and one row per video: nothing appended twice');

      sb.counters.reset();
      const rerun = await mirror(id, [...changed, video(40)]);
      assert.equal(rerun.updated + rerun.appended, 0);
      assert.equal(writes(), 0, 'nothing changed since: no write');
    });

    it('an update whose answer was lost is checked against the sheet, not blindly repeated', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 10));
      sb.faults.serverErrorAfterNext('sheets.spreadsheets.values.batchUpdate', 500);
      sb.counters.reset();
      const result = await mirror(id, range(0, 10).map((v) => ({ ...v, views: 5 })));
      assert.equal(result.updated, 0, 'the lost write had landed: the fresh read shows nothing left to update');
      assert.equal(result.updateCalls, 1);
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.batchUpdate'), 1);
      assert.ok(sb.sheets.values(id, `${TAB}!F2:F11`).every((r) => r[0] === '5'));
    });

    it('keeps the first of duplicate ids and skips blank ones', async () => {
      const id = newSpreadsheet();
      const result = await mirror(id, [video(2), video(1), video(2, { title: 'dup' }), video(3, { id: '' })]);
      assert.equal(result.appended, 2);
      expectIds(id, [video(1), video(2)]);
      assert.deepEqual(sb.sheets.values(id, `${TAB}!B3`), [['Episode 2']]);
    });

    it('picks a sheetId no tab has for a new tab, even when the random draw keeps hitting one', async () => {
      const id = sb.sheets.createSpreadsheet({ sheets: [{ title: 'Sheet1', sheetId: 0 }, { title: 'Taken', sheetId: 1_000_000_001 }] }).spreadsheetId;
      await mirror(id, range(0, 1)); // random() is 0.5 here: the draw is 1,000,000,001 every time
      assert.equal(sb.sheets.sheet(id, TAB)!.properties.sheetId, 1_000_000_002);
    });

    it('sets up an existing empty tab in place, widening it to the table', async () => {
      const id = newSpreadsheet([{ title: 'Sheet1' }, { title: 'videos', columnCount: 5, rowCount: 20 }]);
      const result = await mirror(id, range(0, 3));
      assert.equal(result.formatCalls, 2);
      assert.deepEqual(sb.sheets.appliedRequests(id).map((a) => a.kind), ['appendDimension', 'updateCells', 'updateSheetProperties', 'setBasicFilter', 'addConditionalFormatRule']);
      assert.equal(sb.sheets.spreadsheet(id)!.sheets.length, 2, 'no second tab: names match regardless of case');
      expectIds(id, range(0, 3));
    });

    it('names a tab with quotes and spaces correctly in every range', async () => {
      const id = newSpreadsheet();
      const client = createSheetsClient(oauth(), { rootUrl: sb.rootUrl });
      const target = { spreadsheetId: id, sheetTitle: "Bob's uploads (2024)" };
      await mirrorVideos(client, target, range(0, 2));
      const again = await mirrorVideos(client, target, range(0, 3));
      assert.deepEqual([again.appended, again.appendCalls], [1, 1]);
      assert.deepEqual(sb.sheets.values(id, "'Bob''s uploads (2024)'!A:A"), [['Video ID'], [video(0).id], [video(1).id], [video(2).id]]);
    });

    it('stores hostile titles as text: no formula, no link, nothing parsed, an over-long one cut to one cell', async () => {
      const id = newSpreadsheet();
      const titles = [
        '=HYPERLINK("http://evil.example","click me")',
        '<script>alert(1)</script>',
        'line one\nline two\r\nline three',
        "'0042",
        '1,234',
        'TRUE',
        '+1-555-0100',
        '@SUM(A1:A2)',
        '2024-01-05',
        `${'x'.repeat(49_998)}😀tail`,
      ];
      const catalog = titles.map((title, i) => video(i, { title, channelTitle: i === 0 ? '=1+1' : 'Lab' }));
      await mirror(id, catalog);
      titles.forEach((title, i) => {
        const cell = sb.sheets.cell(id, `${TAB}!B${i + 2}`)!;
        const expected = title.length > 50_000 ? `${'x'.repeat(49_998)}…` : title;
        assert.deepEqual(cell.userEnteredValue, { stringValue: expected }, title.slice(0, 40));
        assert.equal(cell.hyperlink, undefined);
        assert.deepEqual(sb.sheets.values(id, `${TAB}!B${i + 2}`, 'FORMULA'), [[expected]]);
      });
      assert.equal(sb.sheets.cell(id, `${TAB}!B11`)!.userEnteredValue!.stringValue!.length, 49_999, 'the emoji at the cut is not split in half');
      assert.deepEqual(sb.sheets.cell(id, `${TAB}!J2`)!.userEnteredValue, { stringValue: '=1+1' });
    });
  });

  describe('failures', () => {
    it('backs off on 429 with growing, jittered waits and resends; gaxios adds no retries of its own', async () => {
      const id = newSpreadsheet();
      sb.faults.rateLimitNext('sheets.spreadsheets.values.append', { status: 429, times: 2 });
      const result = await mirror(id, range(0, 5));
      assert.deepEqual([result.appended, result.appendCalls], [5, 3]);
      assert.deepEqual(sb.counters.byStatus('sheets.spreadsheets.values.append'), { 429: 2, 200: 1 });
      assert.deepEqual(sleeps, [1500, 2500], '2^n s plus jitter (random() = 0.5 here)');
      expectIds(id, range(0, 5));

      // Two attempts allowed, five 429s waiting: exactly two requests reach the server, so no
      // layer below resends on its own (gaxios would have made it 4 per call).
      sb.counters.reset();
      sb.faults.clear();
      sb.faults.rateLimitNext('sheets.spreadsheets.get', { status: 429, times: 5 });
      const err = await failure(mirror(id, range(0, 6), { maxAttempts: 2 }));
      assert.ok(err instanceof UserError);
      assert.match(err.message, /kept failing \(HTTP 429 RESOURCE_EXHAUSTED\) after 2 attempts/);
      assert.equal(sb.counters.requests('sheets.spreadsheets.get'), 2);
    });

    it('a connection dropped after the append landed: reads the ids again and writes nothing twice', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 3));
      sb.counters.reset();
      sb.faults.resetAfterNext('sheets.spreadsheets.values.append');
      const result = await mirror(id, range(0, 7));
      assert.deepEqual(result, { appended: 4, updated: 0, appendCalls: 1, formatCalls: 0, readCalls: 3, updateCalls: 0, cancelled: false });
      assert.deepEqual(sb.counters.byStatus('sheets.spreadsheets.values.append'), { 0: 1 });
      expectIds(id, range(0, 7));
      assert.equal(sleeps.length, 1, 'it waited before looking');

      // In the middle of a run of several batches, too.
      sb.faults.resetAfterNext('sheets.spreadsheets.values.append', 1);
      const more = await mirror(id, range(0, 17), { maxRowsPerAppend: 4 });
      assert.deepEqual([more.appended, more.appendCalls], [10, 3]);
      expectIds(id, range(0, 17));
    });

    it('a 5xx after the append landed, a 503 before it, a timeout after it: every row exactly once', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 2));

      sb.faults.serverErrorAfterNext('sheets.spreadsheets.values.append', 500);
      const landed = await mirror(id, range(0, 4));
      assert.deepEqual([landed.appended, landed.appendCalls], [2, 1]);
      expectIds(id, range(0, 4));

      sb.faults.serverErrorNext('sheets.spreadsheets.values.append', 503);
      const refused = await mirror(id, range(0, 6));
      assert.deepEqual([refused.appended, refused.appendCalls], [2, 2], 'not there after the 503: appended again');
      expectIds(id, range(0, 6));

      // The answer trickles out slower than the timeout: the write is in, the client gave up.
      const slow = sb.faults.slowBody('sheets.spreadsheets.values.append', 1, 20);
      const timedOut = await mirror(id, range(0, 8), {
        timeoutMs: 200,
        sleep: async () => {
          slow.remove();
        },
      });
      assert.deepEqual([timedOut.appended, timedOut.appendCalls], [2, 1]);
      expectIds(id, range(0, 8));
      assert.ok(said.some((line) => line.includes('no answer before the timeout')));
    });

    it('a set-up batch or a rule lost after it landed is not applied twice', async () => {
      const id = newSpreadsheet();
      sb.faults.resetAfterNext('sheets.spreadsheets.batchUpdate');
      const result = await mirror(id, range(0, 3));
      assert.deepEqual([result.appended, result.formatCalls, result.readCalls], [3, 2, 3]);
      assert.deepEqual(sb.sheets.appliedRequests(id).map((a) => a.kind), ['addSheet', 'updateCells', 'updateSheetProperties', 'setBasicFilter', 'addConditionalFormatRule']);

      const other = newSpreadsheet();
      await mirror(other, range(0, 1));
      sb.sheets.sheet(other, TAB)!.conditionalFormats = [];
      sb.faults.serverErrorAfterNext('sheets.spreadsheets.batchUpdate', 500);
      const rule = await mirror(other, range(0, 2));
      assert.equal(rule.formatCalls, 1);
      assert.equal(sb.sheets.sheet(other, TAB)!.conditionalFormats.length, 1);
    });

    it('gives up with a UserError after maxAttempts failures in a row, with nothing written twice', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 2));
      sb.counters.reset();
      sb.faults.errorRate('sheets.spreadsheets.values.append', 1, { kind: 'serverError', status: 503 });
      const err = await failure(mirror(id, range(0, 5), { maxAttempts: 3 }));
      assert.ok(err instanceof UserError);
      assert.match(err.message, /kept failing \(HTTP 503 UNAVAILABLE\) after 3 attempts: run the sync again later/);
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.append'), 3);
      assert.deepEqual(sleeps, [1500, 2500]);
      expectIds(id, range(0, 2));
    });
  });

  describe('cancellation', () => {
    it('stops between batches with whole rows written; the next run appends the rest and adds the rule', async () => {
      const id = newSpreadsheet();
      const controller = new AbortController();
      const sheetsAuth = oauth();
      sheetsAuth.client.transporter.interceptors.response.add({
        resolved: async (res) => {
          if (String(res.config.url).includes(':append')) controller.abort();
          return res;
        },
      });
      const first = await mirror(id, range(0, 350), { maxRowsPerAppend: 100, signal: controller.signal }, sheetsAuth);
      assert.deepEqual(first, { appended: 100, updated: 0, appendCalls: 1, formatCalls: 1, readCalls: 1, updateCalls: 0, cancelled: true });
      expectIds(id, range(0, 100));
      assert.equal(sb.sheets.sheet(id, TAB)!.conditionalFormats.length, 0);

      const second = await mirror(id, range(0, 350), { maxRowsPerAppend: 100 });
      assert.deepEqual(second, { appended: 250, updated: 0, appendCalls: 3, formatCalls: 1, readCalls: 2, updateCalls: 0, cancelled: false });
      expectIds(id, range(0, 350));
      assert.equal(sb.sheets.sheet(id, TAB)!.conditionalFormats.length, 1);
    });

    it('cuts a backoff wait short and sends nothing more', async () => {
      const id = newSpreadsheet();
      await mirror(id, range(0, 1));
      sb.counters.reset();
      const controller = new AbortController();
      sb.faults.rateLimitNext('sheets.spreadsheets.values.append', { status: 429 });
      const result = await mirror(id, range(0, 4), {
        signal: controller.signal,
        sleep: () => {
          controller.abort();
          return new Promise<void>(() => undefined); // a long wait the signal must cut
        },
      });
      assert.deepEqual(result, { appended: 0, updated: 0, appendCalls: 1, formatCalls: 0, readCalls: 2, updateCalls: 0, cancelled: true });
      assert.equal(sb.counters.requests('sheets.spreadsheets.values.append'), 1);
      expectIds(id, range(0, 1));
    });
  });

  describe('credentials', () => {
    it('a service account signs in with the JWT-bearer grant at the injected token endpoint', async () => {
      const key = sb.serviceAccounts.create();
      const id = newSpreadsheet();
      sb.sheets.share(id, key.client_email);
      const sheetsAuth = serviceAccount(key);
      assert.deepEqual(sheetsAuth.account, { kind: 'serviceAccount', email: key.client_email });
      const result = await mirror(id, range(0, 5), {}, sheetsAuth);
      assert.equal(result.appended, 5);
      assert.equal(sb.counters.requests('oauth2.token'), 1, 'one token for the whole run');
      expectIds(id, range(0, 5));
    });

    it('an access token revoked before its expiry is refreshed once, for a refresh token and for a service account', async () => {
      const key = sb.serviceAccounts.create();
      const id = newSpreadsheet();
      sb.sheets.share(id, key.client_email);
      await mirror(id, range(0, 1));
      for (const [what, sheetsAuth] of [['refresh token', oauth()], ['service account', serviceAccount(key)]] as const) {
        const mirrored = ids(id).length - 1;
        await mirror(id, range(0, mirrored), {}, sheetsAuth); // signs in; nothing new
        sb.oauth.expireAllTokens();
        sb.counters.reset();
        const result = await mirror(id, range(0, mirrored + 2), {}, sheetsAuth);
        assert.equal(result.appended, 2, what);
        assert.equal(sb.counters.requests('oauth2.token'), 1, `${what}: one refresh`);
        assert.deepEqual(sb.counters.byStatus('sheets.*'), { 401: 1, 200: 3 }, `${what}: one 401, then the same call again`);
      }
    });

    it('refuses a malformed service account key with a UserError that quotes nothing from it', () => {
      const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const good = sb.serviceAccounts.create('shape', { keyOnly: true });
      const secretBit = good.private_key.split('\n')[1];
      const cases: [string, string, RegExp][] = [
        ['cut short', JSON.stringify(good).slice(0, 200), /not valid JSON/],
        ['an array', '[1]', /not a JSON object/],
        ['an OAuth client file', JSON.stringify({ type: 'authorized_user', client_secret: 'shh' }), /not a service account key \(its type is "authorized_user"\)/],
        ['no email', JSON.stringify({ ...good, client_email: undefined }), /no valid client_email/],
        ['no key', JSON.stringify({ ...good, private_key: '' }), /has no private_key/],
        ['a mangled key', JSON.stringify({ ...good, private_key: good.private_key.replace(/[A-Za-z]/g, 'A').slice(0, 300) }), /not a readable PEM private key/],
        ['not RSA', JSON.stringify({ ...good, private_key: ec.export({ type: 'pkcs8', format: 'pem' }).toString() }), /not an RSA key/],
      ];
      for (const [what, keyJson, message] of cases) {
        let caught: unknown;
        try {
          createSheetsAuth({ kind: 'serviceAccount', keyJson }, { tokenUrl: sb.oauth.tokenUrl });
        } catch (err) {
          caught = err;
        }
        assert.ok(caught instanceof UserError, what);
        assert.match(caught.message, message, what);
        assert.ok(!caught.message.includes(secretBit) && !caught.message.includes('shh') && !caught.message.includes('BEGIN'), `${what}: ${caught.message}`);
        assert.match(caught.message, /Add key → JSON/, what);
      }
    });

    it('a revoked refresh token, a wrong client secret, a deleted service account: UserErrors saying what to do', async () => {
      const id = newSpreadsheet();
      const revoked = await failure(mirror(id, range(0, 1), {}, oauth('1//revoked-long-ago')));
      assert.ok(revoked instanceof UserError);
      assert.match(revoked.message, /refresh token was revoked or has expired .*Sign in to Google again\./);
      assert.ok(!revoked.message.includes('1//revoked-long-ago'));

      const badClient = await failure(mirror(id, range(0, 1), {}, oauth(undefined, 'not-the-secret')));
      assert.ok(badClient instanceof UserError);
      assert.match(badClient.message, /does not accept the OAuth client \(invalid_client\)/);
      assert.ok(!badClient.message.includes('not-the-secret'));

      const stranger = sb.serviceAccounts.create('deleted', { keyOnly: true });
      const gone = await failure(mirror(id, range(0, 1), {}, serviceAccount(stranger)));
      assert.ok(gone instanceof UserError);
      assert.equal(
        gone.message,
        `Google refused the service account key of ${stranger.client_email} (Google said: Invalid grant: account not found). The key or the service account may have been deleted or disabled, or this computer's clock is wrong: create a new JSON key for the service account and set it again.`,
      );
      assert.equal(writes(), 0);
      assert.equal(sb.counters.requests('oauth2.token'), 3, 'a refused sign-in is not retried');
    });

    it('a spreadsheet not shared with the service account: "share the spreadsheet with <client_email>"', async () => {
      const key = sb.serviceAccounts.create('unshared');
      const id = newSpreadsheet();
      const err = await failure(mirror(id, range(0, 1), {}, serviceAccount(key)));
      assert.ok(err instanceof UserError);
      assert.equal(err.message, `Vault Archiver may not edit the spreadsheet ${id}: share the spreadsheet with ${key.client_email} as an Editor (Share button in Google Sheets).`);
      assert.equal(writes(), 0);
      // google-auth-library refreshes once on a 403 as on a 401 (forceRefreshOnFailure): two tokens, two reads.
      assert.deepEqual(sb.counters.byStatus('sheets.*'), { 403: 2 });
    });

    it('a spreadsheet that does not exist, and a tab holding other data: UserErrors, nothing written', async () => {
      const missing = `1${'Q'.repeat(43)}`;
      const notFound = await failure(mirror(missing, range(0, 1)));
      assert.ok(notFound instanceof UserError);
      assert.match(notFound.message, new RegExp(`no spreadsheet with the ID ${missing}: check the ID`));

      const id = newSpreadsheet([{ title: TAB }]);
      sb.sheets.spreadsheet(id)!.sheets[0].rows[0] = [{ userEnteredValue: { stringValue: 'Budget 2025' } }];
      const occupied = await failure(mirror(id, range(0, 1)));
      assert.ok(occupied instanceof UserError);
      assert.match(occupied.message, /The tab "Videos" already holds other data/);
      assert.equal(writes(), 0);
    });

    it('classifies failures without reading the error\'s own message, config or headers', () => {
      const leaky = Object.assign(new Error(`request failed: Authorization: Bearer ya29.secret`), {
        config: { headers: { Authorization: 'Bearer ya29.secret' }, data: `refresh_token=${sb.oauth.refreshToken}` },
        response: { status: 502, data: '<html>Bad gateway</html>' },
      });
      assert.deepEqual(classifySheetsFailure(leaky, { spreadsheetId: 'x' }), { kind: 'uncertain', detail: 'HTTP 502' });
      const reset = Object.assign(new Error('socket hang up ya29.secret'), { name: 'GaxiosError', code: 'ECONNRESET' });
      assert.deepEqual(classifySheetsFailure(reset, { spreadsheetId: 'x' }), { kind: 'uncertain', detail: 'connection failed (ECONNRESET)' });
    });
  });
});
