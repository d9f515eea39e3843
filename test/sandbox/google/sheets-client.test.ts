import assert from 'node:assert/strict';
import { auth, sheets, type sheets_v4 } from '@googleapis/sheets';
import { startGoogleSandbox, type GoogleSandbox } from './index';

/**
 * The Sheets side driven through the real @googleapis/sheets client with an OAuth2 client that
 * refreshes its token at the sandbox's token endpoint, as a desktop install would at Google's.
 * Every assertion about what was written is made against the sandbox's inspectable state.
 */

interface SheetsError {
  response?: { status: number; headers: Headers | Record<string, string>; data: { error: { code: number; message: string; status: string; details?: { '@type': string; reason?: string; metadata?: Record<string, string> }[] } } };
}

async function rejection(promise: Promise<unknown>): Promise<SheetsError> {
  try {
    await promise;
  } catch (err) {
    return err as SheetsError;
  }
  assert.fail('expected the call to fail');
}

const green = { red: 0.85, green: 0.93, blue: 0.83 };

describe('Google sandbox: Sheets API v4 through @googleapis/sheets', () => {
  let sandbox: GoogleSandbox;
  let api: sheets_v4.Sheets;
  let spreadsheetId: string;
  let clock = new Date('2026-03-10T12:00:00Z').getTime();

  before(async () => {
    sandbox = await startGoogleSandbox({ seed: 'demo', now: () => new Date(clock) });
    const client = new auth.OAuth2({
      clientId: sandbox.oauth.clientId,
      clientSecret: sandbox.oauth.clientSecret,
      endpoints: { oauth2TokenUrl: sandbox.oauth.tokenUrl },
    });
    client.setCredentials({ refresh_token: sandbox.oauth.refreshToken });
    api = sheets({ version: 'v4', auth: client, rootUrl: sandbox.rootUrl });
    spreadsheetId = sandbox.demoIds.spreadsheetId!;
  });

  after(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.counters.reset();
    sandbox.faults.clear();
    clock += 61_000; // a fresh per-minute window for every test
  });

  it('gets the demo spreadsheet with its sheets and properties after refreshing a token', async () => {
    const res = await api.spreadsheets.get({ spreadsheetId });
    assert.equal(res.data.spreadsheetId, spreadsheetId);
    assert.equal(res.data.properties!.title, 'Vault Archiver demo catalog');
    assert.equal(res.data.properties!.locale, 'en_US');
    assert.deepEqual(res.data.sheets!.map((s) => s.properties), [
      { sheetType: 'GRID', sheetId: 0, title: 'Sheet1', index: 0, gridProperties: { rowCount: 1000, columnCount: 26 } },
    ]);
    assert.equal(sandbox.counters.requests('oauth2.token'), 1);
    assert.equal(sandbox.counters.requests('sheets.spreadsheets.get'), 1);
  });

  it('adds a sheet, freezes its header row, formats it, adds a conditional rule and a basic filter in one batch', async () => {
    const add = await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: { requests: [{ addSheet: { properties: { title: 'Videos', gridProperties: { rowCount: 100, columnCount: 8 } } } }] },
    });
    const videosId = add.data.replies![0].addSheet!.properties!.sheetId!;
    assert.equal(add.data.replies![0].addSheet!.properties!.index, 1);
    assert.deepEqual(add.data.replies![0].addSheet!.properties!.gridProperties, { rowCount: 100, columnCount: 8 });

    const res = await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        requests: [
          { updateSheetProperties: { properties: { sheetId: videosId, gridProperties: { frozenRowCount: 1 } }, fields: 'gridProperties.frozenRowCount' } },
          {
            repeatCell: {
              range: { sheetId: videosId, startRowIndex: 0, endRowIndex: 1 },
              cell: { userEnteredFormat: { textFormat: { bold: true }, backgroundColor: green } },
              fields: 'userEnteredFormat(textFormat,backgroundColor)',
            },
          },
          {
            addConditionalFormatRule: {
              index: 0,
              rule: {
                ranges: [{ sheetId: videosId, startRowIndex: 1, startColumnIndex: 4, endColumnIndex: 5 }],
                booleanRule: { condition: { type: 'CUSTOM_FORMULA', values: [{ userEnteredValue: '=$E2>100000' }] }, format: { backgroundColor: green } },
              },
            },
          },
          { setBasicFilter: { filter: { range: { sheetId: videosId, startRowIndex: 0 } } } },
          { updateDimensionProperties: { range: { sheetId: videosId, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 }, properties: { pixelSize: 320 }, fields: 'pixelSize' } },
        ],
      },
    });
    assert.deepEqual(res.data.replies, [{}, {}, {}, {}, {}]);
    const sheet = sandbox.sheets.sheet(spreadsheetId, 'Videos')!;
    assert.equal(sheet.properties.gridProperties.frozenRowCount, 1);
    assert.equal(sheet.properties.gridProperties.rowCount, 100, 'a leaf mask leaves the other grid properties alone');
    assert.equal(sheet.conditionalFormats.length, 1);
    assert.equal(sheet.conditionalFormats[0].booleanRule!.condition!.values![0].userEnteredValue, '=$E2>100000');
    assert.deepEqual(sheet.basicFilter!.range, { sheetId: videosId, startRowIndex: 0 });
    assert.equal(sheet.columnMetadata[1]!.pixelSize, 320);
    assert.deepEqual(sandbox.sheets.cell(spreadsheetId, 'Videos!H1')!.userEnteredFormat, { textFormat: { bold: true }, backgroundColor: green });
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Videos!A2'), undefined);
    assert.deepEqual(
      sandbox.sheets.appliedRequests(spreadsheetId).map((a) => a.kind),
      ['addSheet', 'updateSheetProperties', 'repeatCell', 'addConditionalFormatRule', 'setBasicFilter', 'updateDimensionProperties'],
    );
    // The same state comes back through spreadsheets.get.
    const got = await api.spreadsheets.get({ spreadsheetId, fields: 'sheets(properties(title,gridProperties),conditionalFormats,basicFilter)' });
    const videos = got.data.sheets!.find((s) => s.properties!.title === 'Videos')!;
    assert.equal(videos.properties!.gridProperties!.frozenRowCount, 1);
    assert.equal(videos.conditionalFormats!.length, 1);
    assert.ok(videos.basicFilter);
    assert.equal(sandbox.counters.requests('sheets.*'), 3);
  });

  it('applies nothing when one sub-request of a batch is invalid', async () => {
    await api.spreadsheets.values.update({ spreadsheetId, range: 'Sheet1!A1', valueInputOption: 'RAW', requestBody: { values: [['kept']] } });
    const before = sandbox.sheets.spreadsheet(spreadsheetId)!.sheets.map((s) => s.properties.title);
    const appliedBefore = sandbox.sheets.appliedRequests(spreadsheetId).length;
    const err = await rejection(
      api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            { addSheet: { properties: { title: 'Scratch' } } },
            { repeatCell: { range: { sheetId: 0 }, cell: { userEnteredFormat: { textFormat: { italic: true } } }, fields: 'userEnteredFormat.textFormat.italic' } },
            { updateCells: { start: { sheetId: 999999 }, rows: [{ values: [{ userEnteredValue: { stringValue: 'x' } }] }], fields: 'userEnteredValue' } },
          ],
        },
      }),
    );
    assert.equal(err.response!.status, 400);
    assert.deepEqual(err.response!.data.error, { code: 400, message: 'Invalid requests[2].updateCells: No grid with id: 999999', status: 'INVALID_ARGUMENT' });
    assert.deepEqual(sandbox.sheets.spreadsheet(spreadsheetId)!.sheets.map((s) => s.properties.title), before);
    assert.deepEqual(sandbox.sheets.cell(spreadsheetId, 'Sheet1!A1')!.userEnteredValue, { stringValue: 'kept' });
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Sheet1!A1')!.userEnteredFormat, undefined, 'the repeatCell before the failure left no trace');
    assert.equal(sandbox.sheets.appliedRequests(spreadsheetId).length, appliedBefore);

    // A field mask naming the whole object clears what the body leaves out, as at Google.
    const mask = await rejection(
      api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: { requests: [{ updateSheetProperties: { properties: { sheetId: 0, gridProperties: { frozenRowCount: 1 } }, fields: 'gridProperties' } }] },
      }),
    );
    assert.equal(mask.response!.data.error.message, "Invalid requests[0].updateSheetProperties: You can't delete all the rows on the sheet.");
    const unknown = await rejection(
      api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { headerValues: ['a'] } as never } }] } }),
    );
    assert.equal(
      unknown.response!.data.error.message,
      `Invalid JSON payload received. Unknown name "headerValues" at 'requests[0].add_sheet.properties': Cannot find field.`,
    );
  });

  it('appends rows to the table, reports tableRange, and reads them back formatted and unformatted', async () => {
    await api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: 'Catalog', gridProperties: { rowCount: 3, columnCount: 4 } } } }] } });
    const header = await api.spreadsheets.values.append({
      spreadsheetId,
      range: 'Catalog!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['videoId', 'title', 'published', 'views']] },
    });
    assert.equal(header.data.tableRange, undefined);
    assert.deepEqual(header.data.updates, { spreadsheetId, updatedRange: 'Catalog!A1:D1', updatedRows: 1, updatedColumns: 4, updatedCells: 4 });
    const rows = await api.spreadsheets.values.append({
      spreadsheetId,
      range: 'Catalog!A:D',
      valueInputOption: 'USER_ENTERED',
      insertDataOption: 'INSERT_ROWS',
      includeValuesInResponse: true,
      requestBody: {
        values: [
          ['abcdefghijk', '=HYPERLINK("https://youtu.be/abcdefghijk","First")', '2024-01-05', '1,234'],
          ['bcdefghijks', "'0042", '2024-02-10 08:30', 12.5],
          ['cdefghijklw', 'Third', 'not a date', 'TRUE'],
        ],
      },
    });
    assert.equal(rows.data.tableRange, 'Catalog!A1:D1');
    assert.equal(rows.data.updates!.updatedRange, 'Catalog!A2:D4');
    assert.deepEqual(rows.data.updates!.updatedData!.values![0], ['abcdefghijk', 'First', '2024-01-05', '1,234']);
    // INSERT_ROWS grew the 3-row grid.
    assert.equal(sandbox.sheets.sheet(spreadsheetId, 'Catalog')!.properties.gridProperties.rowCount, 6);

    const formatted = await api.spreadsheets.values.get({ spreadsheetId, range: 'Catalog' });
    assert.equal(formatted.data.range, 'Catalog!A1:D6');
    assert.equal(formatted.data.majorDimension, 'ROWS');
    assert.deepEqual(formatted.data.values, [
      ['videoId', 'title', 'published', 'views'],
      ['abcdefghijk', 'First', '2024-01-05', '1,234'],
      ['bcdefghijks', '0042', '2024-02-10 08:30:00', '12.5'],
      ['cdefghijklw', 'Third', 'not a date', 'TRUE'],
    ]);
    const raw = await api.spreadsheets.values.get({ spreadsheetId, range: 'Catalog!B2:D3', valueRenderOption: 'UNFORMATTED_VALUE' });
    assert.deepEqual(raw.data.values, [
      ['First', 45296, 1234],
      ['0042', 45332.354166666664, 12.5],
    ]);
    const formulas = await api.spreadsheets.values.get({ spreadsheetId, range: 'Catalog!B2', valueRenderOption: 'FORMULA' });
    assert.deepEqual(formulas.data.values, [['=HYPERLINK("https://youtu.be/abcdefghijk","First")']]);
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Catalog!B2')!.hyperlink, 'https://youtu.be/abcdefghijk');

    const third = await api.spreadsheets.values.append({ spreadsheetId, range: 'Catalog', valueInputOption: 'RAW', requestBody: { values: [['dddddddddd4', 'Fourth']] } });
    assert.equal(third.data.tableRange, 'Catalog!A1:D4');
    assert.equal(third.data.updates!.updatedRange, 'Catalog!A5:B5');
    assert.deepEqual(sandbox.sheets.values(spreadsheetId, 'Catalog!A5:B5'), [['dddddddddd4', 'Fourth']]);
  });

  it('renders currency patterns with their literal prefix, the minus in front of it ($5.00, -$3.00)', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Sheet1!H10:H12',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['$5'], ['-$3'], ['$1,234.5']] },
    });
    const typed = await api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!H10:H12', valueRenderOption: 'FORMATTED_VALUE' });
    assert.deepEqual(typed.data.values, [['$5.00'], ['-$3.00'], ['$1,234.50']]);
    const plain = await api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!H10:H12', valueRenderOption: 'UNFORMATTED_VALUE' });
    assert.deepEqual(plain.data.values, [[5], [-3], [1234.5]]);

    // Formats set through batchUpdate on plain numbers: quoted and unquoted prefixes, a suffix,
    // a negative section of its own, and the CURRENCY type's default pattern.
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Sheet1!I10:M12',
      valueInputOption: 'RAW',
      requestBody: { values: [[5, 5, 5, 5, 1000.12], [-3, -3, -3, -3, -1000.12], [0, 0, 0, 0, 0]] },
    });
    const column = (index: number, numberFormat: sheets_v4.Schema$NumberFormat): sheets_v4.Schema$Request => ({
      repeatCell: {
        range: { sheetId: 0, startRowIndex: 9, endRowIndex: 12, startColumnIndex: index, endColumnIndex: index + 1 },
        cell: { userEnteredFormat: { numberFormat } },
        fields: 'userEnteredFormat.numberFormat',
      },
    });
    await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        requests: [
          column(8, { type: 'CURRENCY', pattern: '"$"#,##0.00' }),
          column(9, { type: 'CURRENCY', pattern: '$#,##0' }),
          column(10, { type: 'NUMBER', pattern: '#,##0.00" USD"' }),
          column(11, { type: 'CURRENCY', pattern: '"$"#,##0.00;("$"#,##0.00);"-"' }),
          column(12, { type: 'CURRENCY' }),
        ],
      },
    });
    const formatted = await api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!I10:M12' });
    assert.deepEqual(formatted.data.values, [
      ['$5.00', '$5', '5.00 USD', '$5.00', '$1,000.12'],
      ['-$3.00', '-$3', '-3.00 USD', '($3.00)', '-$1,000.12'],
      ['$0.00', '$0', '0.00 USD', '-', '$0.00'],
    ]);
    const grid = await api.spreadsheets.get({ spreadsheetId, ranges: ['Sheet1!I11'], includeGridData: true });
    assert.equal(grid.data.sheets![0].data![0].rowData![0].values![0].formattedValue, '-$3.00');
  });

  it('writes several ranges with values.batchUpdate, all or nothing', async () => {
    const ok = await api.spreadsheets.values.batchUpdate({
      spreadsheetId,
      requestBody: {
        valueInputOption: 'RAW',
        data: [
          { range: 'Sheet1!A1:B1', values: [['a', 'b']] },
          { range: 'Sheet1!D3', majorDimension: 'COLUMNS', values: [['x', 'y']] },
        ],
      },
    });
    assert.equal(ok.data.totalUpdatedCells, 4);
    assert.equal(ok.data.totalUpdatedSheets, 1);
    assert.deepEqual(ok.data.responses!.map((r) => r.updatedRange), ['Sheet1!A1:B1', 'Sheet1!D3:D4']);
    assert.deepEqual(sandbox.sheets.values(spreadsheetId, 'Sheet1!A1:D4'), [['a', 'b'], [], ['', '', '', 'x'], ['', '', '', 'y']]);

    const err = await rejection(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId,
        requestBody: { valueInputOption: 'RAW', data: [{ range: 'Sheet1!A1', values: [['changed']] }, { range: 'Nope!A1', values: [['z']] }] },
      }),
    );
    assert.equal(err.response!.data.error.message, 'Unable to parse range: Nope!A1');
    assert.deepEqual(sandbox.sheets.values(spreadsheetId, 'Sheet1!A1'), [['a']]);
    const tooWide = await rejection(
      api.spreadsheets.values.update({ spreadsheetId, range: 'Sheet1!A1:B1', valueInputOption: 'RAW', requestBody: { values: [['1', '2', '3']] } }),
    );
    assert.equal(tooWide.response!.data.error.message, "Requested writing within range ['Sheet1'!A1:B1], but tried writing to column [C]");
  });

  it('enforces 10M cells per spreadsheet (a lowered limit here) and 50,000 characters per cell', async () => {
    const limit = sandbox.sheets.limits.maxCells;
    sandbox.sheets.limits.maxCells = 60_000;
    try {
      const err = await rejection(
        api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: 'Huge', gridProperties: { rowCount: 2000, columnCount: 26 } } } }] } }),
      );
      assert.equal(
        err.response!.data.error.message,
        'Invalid requests[0].addSheet: This action would increase the number of cells in the workbook above the limit of 60000 cells.',
      );
      assert.equal(sandbox.sheets.sheet(spreadsheetId, 'Huge'), undefined);
    } finally {
      sandbox.sheets.limits.maxCells = limit;
    }
    const long = await rejection(
      api.spreadsheets.values.update({ spreadsheetId, range: 'Sheet1!F1', valueInputOption: 'RAW', requestBody: { values: [['x'.repeat(50_001)]] } }),
    );
    assert.equal(long.response!.data.error.message, 'Your input contains more than the maximum of 50000 characters in a single cell.');
    const fits = await api.spreadsheets.values.update({ spreadsheetId, range: 'Sheet1!F1', valueInputOption: 'RAW', requestBody: { values: [['x'.repeat(50_000)]] } });
    assert.equal(fits.data.updatedCells, 1);
  });

  it('answers per-minute overuse with 429 RESOURCE_EXHAUSTED (no Retry-After) until the next minute', async () => {
    const limits = { ...sandbox.sheetsRateLimits };
    sandbox.sheetsRateLimits.readsPerMinutePerUser = 2;
    try {
      await api.spreadsheets.get({ spreadsheetId, fields: 'spreadsheetId' });
      await api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!A1' });
      const err = await rejection(api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!A1' }, { retry: false }));
      assert.equal(err.response!.status, 429);
      const error = err.response!.data.error;
      assert.equal(error.status, 'RESOURCE_EXHAUSTED');
      assert.equal(error.message, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.");
      assert.equal(error.details![0].reason, 'RATE_LIMIT_EXCEEDED');
      assert.equal(error.details![0].metadata!.quota_limit_value, '2');
      const headers = err.response!.headers;
      const retryAfter = headers instanceof Headers ? headers.get('retry-after') : headers['retry-after'];
      assert.equal(retryAfter ?? null, null);
      // Writes have their own bucket.
      await api.spreadsheets.values.update({ spreadsheetId, range: 'Sheet1!G1', valueInputOption: 'RAW', requestBody: { values: [['w']] } });
      clock += 60_000;
      const later = await api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!G1' });
      assert.deepEqual(later.data.values, [['w']]);
      assert.deepEqual(sandbox.counters.byStatus('sheets.*'), { 200: 4, 429: 1 });
    } finally {
      Object.assign(sandbox.sheetsRateLimits, limits);
    }
  });

  it('answers a revoked token with 401 UNAUTHENTICATED; a client set to refresh on failure recovers', async () => {
    // google-auth-library refreshes on a 401 only without an expiry date or with
    // forceRefreshOnFailure: a token revoked before its expiry needs the flag.
    const refreshing = new auth.OAuth2({
      clientId: sandbox.oauth.clientId,
      clientSecret: sandbox.oauth.clientSecret,
      endpoints: { oauth2TokenUrl: sandbox.oauth.tokenUrl },
      forceRefreshOnFailure: true,
    });
    refreshing.setCredentials({ refresh_token: sandbox.oauth.refreshToken });
    const resilient = sheets({ version: 'v4', auth: refreshing, rootUrl: sandbox.rootUrl });
    await resilient.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!A1' });
    sandbox.oauth.expireAllTokens();
    sandbox.counters.reset();
    const denied = await rejection(api.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!A1' }));
    assert.equal(denied.response!.status, 401);
    assert.equal(denied.response!.data.error.status, 'UNAUTHENTICATED');
    const res = await resilient.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!A1' });
    assert.deepEqual(res.data.values, [['a']]);
    assert.deepEqual(sandbox.counters.byStatus('sheets.spreadsheets.values.get'), { 401: 2, 200: 1 });
    assert.equal(sandbox.counters.requests('oauth2.token'), 1);
    api = resilient;
  });

  it('refuses writes made with an API key alone, and key reads of spreadsheets not shared by link', async () => {

    const keyOnly = sheets({ version: 'v4', auth: sandbox.apiKey, rootUrl: sandbox.rootUrl });
    const write = await rejection(keyOnly.spreadsheets.values.update({ spreadsheetId, range: 'Sheet1!A1', valueInputOption: 'RAW', requestBody: { values: [['k']] } }));
    assert.equal(write.response!.status, 401);
    assert.equal(write.response!.data.error.details![0].reason, 'CREDENTIALS_MISSING');
    assert.equal(write.response!.data.error.details![0].metadata!.method, 'google.apps.sheets.v4.SpreadsheetsService.UpdateValues');
    const read = await rejection(keyOnly.spreadsheets.get({ spreadsheetId }));
    assert.equal(read.response!.status, 403);
    sandbox.sheets.spreadsheet(spreadsheetId)!.linkShared = true;
    try {
      const shared = await keyOnly.spreadsheets.values.get({ spreadsheetId, range: 'Sheet1!A1' });
      assert.deepEqual(shared.data.values, [['a']]);
    } finally {
      sandbox.sheets.spreadsheet(spreadsheetId)!.linkShared = false;
    }
  });

  it('answers a write with no credentials at all by 401 UNAUTHENTICATED naming the RPC method; a read by 403', async () => {
    const anonymous = sheets({ version: 'v4', rootUrl: sandbox.rootUrl });
    const range = 'Sheet1!A1';
    const body = { values: [['nobody']] };
    const writes: [string, Promise<unknown>][] = [
      ['AppendValues', anonymous.spreadsheets.values.append({ spreadsheetId, range, valueInputOption: 'RAW', requestBody: body })],
      ['UpdateValues', anonymous.spreadsheets.values.update({ spreadsheetId, range, valueInputOption: 'RAW', requestBody: body })],
      ['BatchUpdateValues', anonymous.spreadsheets.values.batchUpdate({ spreadsheetId, requestBody: { valueInputOption: 'RAW', data: [{ range, ...body }] } })],
      ['ClearValues', anonymous.spreadsheets.values.clear({ spreadsheetId, range })],
      ['BatchClearValues', anonymous.spreadsheets.values.batchClear({ spreadsheetId, requestBody: { ranges: [range] } })],
      ['BatchUpdateSpreadsheet', anonymous.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: 'Nope' } } }] } })],
      ['CreateSpreadsheet', anonymous.spreadsheets.create({ requestBody: { properties: { title: 'Nope' } } })],
    ];
    for (const [rpc, call] of writes) {
      const err = await rejection(call);
      assert.equal(err.response!.status, 401, rpc);
      const error = err.response!.data.error;
      assert.equal(error.status, 'UNAUTHENTICATED');
      assert.equal(
        error.message,
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
      assert.equal(error.details![0].reason, 'CREDENTIALS_MISSING');
      assert.deepEqual(error.details![0].metadata, { service: 'sheets.googleapis.com', method: `google.apps.sheets.v4.SpreadsheetsService.${rpc}` });
    }
    assert.deepEqual(sandbox.sheets.values(spreadsheetId, 'Sheet1!A1'), [['a']], 'nothing was written');
    const read = await rejection(anonymous.spreadsheets.values.get({ spreadsheetId, range }));
    assert.equal(read.response!.status, 403);
    assert.deepEqual(read.response!.data.error, { code: 403, message: 'The request is missing a valid API key.', status: 'PERMISSION_DENIED' });
    assert.deepEqual(sandbox.counters.byStatus(), { 401: writes.length, 403: 1 });
  });

  it('creates a spreadsheet, sorts a range and reports unknown spreadsheets as 404', async () => {
    const created = await api.spreadsheets.create({
      requestBody: { properties: { title: 'Mirror' }, sheets: [{ properties: { title: 'Videos', gridProperties: { rowCount: 10, columnCount: 3, frozenRowCount: 1 } } }] },
    });
    const id = created.data.spreadsheetId!;
    assert.match(id, /^[A-Za-z0-9_-]{44}$/);
    assert.equal(created.data.sheets![0].properties!.gridProperties!.frozenRowCount, 1);
    await api.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Videos!A1:B4',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['title', 'views'], ['b', '20'], ['a', '300'], ['c', '5']] },
    });
    await api.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: { requests: [{ sortRange: { range: { sheetId: 0, startRowIndex: 1, endRowIndex: 4, startColumnIndex: 0, endColumnIndex: 2 }, sortSpecs: [{ dimensionIndex: 1, sortOrder: 'DESCENDING' }] } }] },
    });
    assert.deepEqual(sandbox.sheets.values(id, 'Videos!A1:B4'), [['title', 'views'], ['a', '300'], ['b', '20'], ['c', '5']]);
    const missing = await rejection(api.spreadsheets.get({ spreadsheetId: '1' + 'x'.repeat(43) }));
    assert.equal(missing.response!.status, 404);
    assert.equal(missing.response!.data.error.status, 'NOT_FOUND');
  });

  it('keeps borders, merges, bandings, tables and validation, and moves ranges when rows are inserted', async () => {
    const add = await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: { requests: [{ addSheet: { properties: { title: 'Layout', gridProperties: { rowCount: 20, columnCount: 5 } } } }] },
    });
    const sheetId = add.data.replies![0].addSheet!.properties!.sheetId!;
    const range = { sheetId, startRowIndex: 0, endRowIndex: 5, startColumnIndex: 0, endColumnIndex: 3 };
    const res = await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        includeSpreadsheetInResponse: true,
        responseRanges: ['Layout!A1:C2'],
        responseIncludeGridData: true,
        requests: [
          { updateCells: { start: { sheetId, rowIndex: 0, columnIndex: 0 }, rows: [{ values: [{ userEnteredValue: { stringValue: 'Title' } }, { userEnteredValue: { numberValue: 3 } }] }], fields: 'userEnteredValue' } },
          { updateBorders: { range, top: { style: 'SOLID' }, bottom: { style: 'SOLID' }, innerHorizontal: { style: 'DOTTED' } } },
          { mergeCells: { range: { sheetId, startRowIndex: 6, endRowIndex: 7, startColumnIndex: 0, endColumnIndex: 3 }, mergeType: 'MERGE_ALL' } },
          { addBanding: { bandedRange: { range, rowProperties: { firstBandColor: green, secondBandColor: { red: 1, green: 1, blue: 1 } } } } },
          { addTable: { table: { name: 'Items', range: { sheetId, startRowIndex: 8, endRowIndex: 12, startColumnIndex: 0, endColumnIndex: 2 }, columnProperties: [{ columnIndex: 0, columnName: 'id', columnType: 'TEXT' }] } } },
          { setDataValidation: { range: { sheetId, startRowIndex: 1, endRowIndex: 5, startColumnIndex: 2, endColumnIndex: 3 }, rule: { condition: { type: 'ONE_OF_LIST', values: [{ userEnteredValue: 'yes' }, { userEnteredValue: 'no' }] }, strict: true } } },
          { addConditionalFormatRule: { rule: { ranges: [{ sheetId, startRowIndex: 2, endRowIndex: 4 }], booleanRule: { condition: { type: 'NOT_BLANK' }, format: { textFormat: { italic: true } } } } } },
          { insertDimension: { range: { sheetId, dimension: 'ROWS', startIndex: 1, endIndex: 3 } } },
        ],
      },
    });
    assert.equal(res.data.replies!.length, 8);
    assert.ok(res.data.replies![3].addBanding!.bandedRange!.bandedRangeId);
    assert.ok(res.data.replies![4].addTable!.table!.tableId);
    const layout = res.data.updatedSpreadsheet!.sheets!.find((s) => s.properties!.sheetId === sheetId)!;
    assert.equal(layout.data![0].rowData![0].values![0].formattedValue, 'Title');
    assert.equal(layout.data![0].rowData![0].values![1].effectiveValue!.numberValue, 3);
    const sheet = sandbox.sheets.sheet(spreadsheetId, 'Layout')!;
    // Two rows went in above row 2: everything below moved down, ranges that spanned it grew.
    assert.equal(sheet.properties.gridProperties.rowCount, 22);
    assert.deepEqual(sheet.merges, [{ sheetId, startRowIndex: 8, endRowIndex: 9, startColumnIndex: 0, endColumnIndex: 3 }]);
    assert.deepEqual(sheet.conditionalFormats[0].ranges, [{ sheetId, startRowIndex: 4, endRowIndex: 6 }]);
    assert.equal(sheet.bandedRanges[0].range!.endRowIndex, 7);
    assert.equal(sheet.tables[0].range!.startRowIndex, 10);
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Layout!A1')!.userEnteredFormat!.borders!.top!.style, 'SOLID');
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Layout!A1')!.userEnteredFormat!.borders!.bottom!.style, 'DOTTED');
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Layout!C4')!.dataValidation!.condition!.type, 'ONE_OF_LIST');

    const formatRule = await rejection(
      api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: { requests: [{ addConditionalFormatRule: { rule: { ranges: [{ sheetId }], booleanRule: { condition: { type: 'NUMBER_GRATER', values: [{ userEnteredValue: '1' }] }, format: {} } } } }] },
      }),
    );
    assert.equal(
      formatRule.response!.data.error.message,
      `Invalid value at 'requests[0].add_conditional_format_rule.rule.boolean_rule.condition.type' (type.googleapis.com/google.apps.sheets.v4.ConditionType), "NUMBER_GRATER"`,
    );
    const batch = await api.spreadsheets.values.batchGet({ spreadsheetId, ranges: ['Layout!A1:B1', 'Layout!A2'] });
    assert.deepEqual(batch.data.valueRanges!.map((v) => [v.range, v.values]), [['Layout!A1:B1', [['Title', '3']]], ['Layout!A2', undefined]]);
    const cleared = await api.spreadsheets.values.clear({ spreadsheetId, range: 'Layout!A1:B1' });
    assert.equal(cleared.data.clearedRange, 'Layout!A1:B1');
    assert.equal(sandbox.sheets.cell(spreadsheetId, 'Layout!A1')!.userEnteredValue, undefined);
    assert.ok(sandbox.sheets.cell(spreadsheetId, 'Layout!A1')!.userEnteredFormat!.borders, 'clearing values keeps formats');
  });
});
