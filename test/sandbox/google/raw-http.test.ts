import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startGoogleSandbox, type GoogleSandbox } from './index';

/**
 * The sandbox on the wire, without any Google client in between: status codes, headers and exact
 * bodies, so a client in any language can rely on them.
 */

type Json = Record<string, any>;

describe('Google sandbox: raw HTTP', () => {
  let sandbox: GoogleSandbox;
  let yt: (path: string, init?: RequestInit) => Promise<Response>;

  before(async () => {
    sandbox = await startGoogleSandbox({ seed: 'demo' });
    yt = (path, init) => fetch(`${sandbox.rootUrl}youtube/v3/${path}${path.includes('?') ? '&' : '?'}key=${sandbox.apiKey}`, init);
  });

  after(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.counters.reset();
  });

  it('serves pretty-printed JSON with Google headers and an ETag header that matches the body', async () => {
    const res = await yt(`channels?part=id&id=${sandbox.demoIds.smallChannelId}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(res.headers.get('cache-control'), 'private');
    assert.equal(res.headers.get('vary'), 'Origin, X-Origin, Referer');
    const text = await res.text();
    assert.ok(text.startsWith('{\n  "kind": "youtube#channelListResponse",\n  "etag": "'), text.slice(0, 80));
    const body = JSON.parse(text) as Json;
    assert.equal(res.headers.get('etag'), `"${body.etag}"`);
    assert.deepEqual(Object.keys(body), ['kind', 'etag', 'pageInfo', 'items']);
    assert.deepEqual(body.items, [{ kind: 'youtube#channel', etag: body.items[0].etag, id: sandbox.demoIds.smallChannelId }]);
    const compact = await (await yt(`channels?part=id&id=${sandbox.demoIds.smallChannelId}&prettyPrint=false`)).text();
    assert.ok(!compact.includes('\n'));
    assert.deepEqual(JSON.parse(compact), body);
  });

  it('leaves the `items` key out of a channels.list that matched nothing', async () => {
    for (const filter of ['id=UCnoSuchChannel00000000A', 'forHandle=%40nobody-here', 'forUsername=nobodyhere']) {
      const res = await yt(`channels?part=snippet,statistics&${filter}`);
      assert.equal(res.status, 200, filter);
      const text = await res.text();
      assert.ok(!text.includes('"items"'), `${filter}: ${text}`);
      const body = JSON.parse(text) as Json;
      assert.deepEqual(Object.keys(body), ['kind', 'etag', 'pageInfo'], filter);
      assert.deepEqual(body.pageInfo, { totalResults: 0, resultsPerPage: 5 });
    }
    // A partial match still lists what was found.
    const some = (await (await yt(`channels?part=id&id=UCnoSuchChannel00000000A,${sandbox.demoIds.smallChannelId}`)).json()) as Json;
    assert.deepEqual(some.items.map((c: Json) => c.id), [sandbox.demoIds.smallChannelId]);
    assert.equal(sandbox.counters.quotaUsed(), 4);
  });

  it('accepts array parameters repeated and comma-joined alike', async () => {
    const [a, b] = sandbox.youtube.videosOf(sandbox.demoIds.smallChannelId!).map((v) => v.id);
    const repeated = (await (await yt(`videos?part=id&id=${a}&id=${b}`)).json()) as Json;
    const joined = (await (await yt(`videos?part=id&id=${a},${b}`)).json()) as Json;
    const parts = (await (await yt(`videos?part=id&part=snippet&id=${a}`)).json()) as Json;
    assert.deepEqual(repeated.items.map((i: Json) => i.id), [a, b]);
    assert.deepEqual(joined, repeated);
    assert.ok(parts.items[0].snippet);
  });

  it('answers a matching If-None-Match with an empty 304 that keeps the ETag header', async () => {
    const first = await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[1]}`);
    const etag = first.headers.get('etag')!;
    for (const sent of [etag, etag.slice(1, -1), `W/${etag}`, `"nope", ${etag}`]) {
      const res = await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[1]}`, { headers: { 'If-None-Match': sent } });
      assert.equal(res.status, 304, sent);
      assert.equal(res.headers.get('etag'), etag);
      assert.equal(await res.text(), '');
    }
    const other = await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[1]}`, { headers: { 'If-None-Match': '"different"' } });
    assert.equal(other.status, 200);
    assert.equal(sandbox.counters.quotaUsed(), 6);
  });

  it('issues page tokens in YouTube\'s own format', async () => {
    const page1 = (await (await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[0]}`)).json()) as Json;
    // [REAL] home-assistant's capture: the token after the first 5 items is EAAaBlBUOkNBVQ.
    assert.equal(page1.nextPageToken, 'EAAaBlBUOkNBVQ');
    assert.deepEqual(page1.pageInfo.resultsPerPage, 5);
    const page2 = (await (await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[0]}&pageToken=${page1.nextPageToken}`)).json()) as Json;
    assert.equal(page2.prevPageToken, 'EAEaBlBUOkNBVQ');
    const back = (await (await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[0]}&pageToken=${page2.prevPageToken}`)).json()) as Json;
    assert.deepEqual(back.items, page1.items);
    const search = (await (await yt(`search?part=snippet&channelId=${sandbox.demoIds.bigChannelId}&type=video&order=date`)).json()) as Json;
    assert.equal(search.nextPageToken, 'CAUQAA');
    assert.equal(search.regionCode, 'US');
  });

  it('spells errors exactly as Google does, HTML-safe escapes included', async () => {
    const badToken = await yt(`playlistItems?part=id&playlistId=${sandbox.demoIds.uploadsPlaylistIds[0]}&pageToken=garbage`);
    assert.equal(badToken.status, 400);
    assert.equal(badToken.headers.get('etag'), null);
    assert.deepEqual(await badToken.json(), {
      error: {
        code: 400,
        message: 'The request specifies an invalid page token.',
        errors: [{ message: 'The request specifies an invalid page token.', domain: 'youtube.parameter', reason: 'invalidPageToken', location: 'pageToken', locationType: 'parameter' }],
      },
    });
    const missing = await yt('playlistItems?part=id&playlistId=PLdoesNotExist');
    assert.equal(missing.status, 404);
    const text = await missing.text();
    assert.ok(text.includes('request\\u0027s \\u003ccode\\u003eplaylistId\\u003c/code\\u003e parameter'), text);
    assert.equal((JSON.parse(text) as Json).error.errors[0].reason, 'playlistNotFound');

    const noKey = await fetch(`${sandbox.rootUrl}youtube/v3/channels?part=id&forHandle=tinycrafts`);
    assert.equal(noKey.status, 403);
    assert.deepEqual(((await noKey.json()) as Json).error, {
      code: 403,
      message: 'The request is missing a valid API key.',
      errors: [{ message: 'The request is missing a valid API key.', domain: 'global', reason: 'forbidden' }],
      status: 'PERMISSION_DENIED',
    });
    const noPart = await yt('videos?id=abc');
    assert.equal(((await noPart.json()) as Json).error.errors[0].reason, 'required');
    const noFilter = await yt('videos?part=id');
    assert.equal(((await noFilter.json()) as Json).error.message, 'No filter selected. Expected one of: chart, id, myRating');
    const twoFilters = await yt(`channels?part=id&id=${sandbox.demoIds.smallChannelId}&forHandle=tinycrafts`);
    assert.equal(((await twoFilters.json()) as Json).error.errors[0].reason, 'incompatibleParameters');
    const mine = await yt('channels?part=id&mine=true');
    assert.equal(mine.status, 401);

    const nowhere = await fetch(`${sandbox.rootUrl}youtube/v3/comments?part=id&key=${sandbox.apiKey}`);
    assert.equal(nowhere.status, 404);
    assert.match(nowhere.headers.get('content-type')!, /^text\/html/);
    assert.equal(sandbox.counters.requests('unknown'), 1);
  });

  it('charges the quota per Pacific day: refused past the limit until midnight in Los Angeles', async () => {
    // 2026-07-01 06:59:00Z is 23:59 on June 30 in Los Angeles (PDT, UTC−7).
    let clock = Date.parse('2026-07-01T06:59:00Z');
    const local = await startGoogleSandbox({ seed: 'empty', dailyQuota: 1, now: () => new Date(clock) });
    try {
      const get = () => fetch(`${local.rootUrl}youtube/v3/channels?part=id&forHandle=x&key=${local.apiKey}`);
      assert.equal((await get()).status, 200);
      const refused = await get();
      assert.equal(refused.status, 403);
      assert.deepEqual(await refused.json(), {
        error: {
          code: 403,
          message: 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
          errors: [
            {
              message: 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
              domain: 'youtube.quota',
              reason: 'quotaExceeded',
            },
          ],
        },
      });
      clock += 30_000;
      assert.equal((await get()).status, 403, 'still June 30 in Los Angeles');
      clock += 60_000;
      assert.equal((await get()).status, 200, 'a new Pacific day');
      assert.equal(local.quota.usedToday(), 1);
      assert.equal(local.counters.quotaUsed(), 2);
      assert.deepEqual(local.counters.byStatus(), { 200: 2, 403: 2 });
    } finally {
      await local.close();
    }
  });

  it('answers Sheets overuse, oversized and malformed bodies in the one-platform envelope', async () => {
    const id = sandbox.demoIds.spreadsheetId!;
    const auth = { Authorization: `Bearer ${sandbox.oauth.accessToken}` };
    const limits = { ...sandbox.sheetsRateLimits };
    sandbox.sheetsRateLimits.writesPerMinutePerProject = 1;
    try {
      const put = () =>
        fetch(`${sandbox.rootUrl}v4/spreadsheets/${id}/values/Sheet1!Z1?valueInputOption=RAW`, {
          method: 'PUT',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ values: [['x']] }),
        });
      assert.equal((await put()).status, 200);
      const limited = await put();
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), null);
      const body = (await limited.json()) as Json;
      assert.deepEqual(Object.keys(body.error), ['code', 'message', 'status', 'details']);
      assert.equal(body.error.details[0]['@type'], 'type.googleapis.com/google.rpc.ErrorInfo');
      assert.equal(body.error.details[0].metadata.quota_limit, 'WriteRequestsPerMinutePerProject');
      assert.equal(body.error.details[1]['@type'], 'type.googleapis.com/google.rpc.Help');
    } finally {
      Object.assign(sandbox.sheetsRateLimits, limits);
    }

    const max = sandbox.maxRequestBytes;
    sandbox.maxRequestBytes = 2048;
    try {
      const big = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${id}/values/Sheet1!A1:append?valueInputOption=RAW`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ values: [['y'.repeat(4096)]] }),
      });
      assert.equal(big.status, 400);
      assert.deepEqual(await big.json(), { error: { code: 400, message: 'Request payload size exceeds the limit: 2048 bytes.', status: 'INVALID_ARGUMENT' } });
    } finally {
      sandbox.maxRequestBytes = max;
    }
    const malformed = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${id}:batchUpdate`, { method: 'POST', headers: auth, body: '{"requests": [' });
    assert.equal(malformed.status, 400);
    const empty = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${id}:batchUpdate`, { method: 'POST', headers: auth, body: '{"requests": []}' });
    assert.equal(((await empty.json()) as Json).error.message, 'Must specify at least one request.');
    const enumBad = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${id}/values/Sheet1!A1?valueRenderOption=PRETTY`, { headers: auth });
    assert.equal(((await enumBad.json()) as Json).error.message, `Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "PRETTY"`);
    const token = await fetch(`${sandbox.rootUrl}token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'stolen' }) });
    assert.equal(token.status, 400);
    assert.equal(((await token.json()) as Json).error, 'invalid_grant');
  });

  it('answers a Sheets write with no credentials by 401 UNAUTHENTICATED with a CREDENTIALS_MISSING ErrorInfo', async () => {
    const res = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${sandbox.demoIds.spreadsheetId}/values/Sheet1!A1:append?valueInputOption=RAW`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ values: [['x']] }),
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      error: {
        code: 401,
        message:
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        status: 'UNAUTHENTICATED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'CREDENTIALS_MISSING',
            domain: 'googleapis.com',
            metadata: { service: 'sheets.googleapis.com', method: 'google.apps.sheets.v4.SpreadsheetsService.AppendValues' },
          },
        ],
      },
    });
    const read = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${sandbox.demoIds.spreadsheetId}`);
    assert.equal(read.status, 403);
  });

  it('injects connection resets, latency and slow bodies per route', async () => {
    sandbox.faults.resetNext('youtube.channels.list');
    await assert.rejects(yt('channels?part=id&forHandle=tinycrafts'));
    assert.deepEqual(sandbox.counters.byStatus(), { 0: 1 });

    // Latency on one route holds it back while another route answers at once.
    const slowRule = sandbox.faults.latency('youtube.videos.list', 300, 50);
    const order: string[] = [];
    await Promise.all([
      yt(`videos?part=id&id=${sandbox.demoIds.liveVideoId}`).then(() => order.push('videos')),
      yt('channels?part=id&forHandle=tinycrafts').then(() => order.push('channels')),
    ]);
    assert.deepEqual(order, ['channels', 'videos']);
    assert.equal(slowRule.hits, 1);
    slowRule.remove();

    sandbox.faults.slowBody('youtube.channels.list', 64, 5);
    const chunks = await new Promise<{ count: number; text: string }>((resolve, reject) => {
      const url = new URL(`${sandbox.rootUrl}youtube/v3/channels?part=snippet&forHandle=tinycrafts&key=${sandbox.apiKey}`);
      request(url, (res) => {
        let count = 0;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          count++;
          text += chunk.toString();
        });
        res.on('end', () => resolve({ count, text }));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    const body = JSON.parse(chunks.text) as Json;
    assert.equal(body.items[0].id, sandbox.demoIds.smallChannelId);
    assert.ok(chunks.count >= Math.floor(chunks.text.length / 64) - 1, `body arrived in ${chunks.count} pieces`);

    sandbox.faults.clear();
    sandbox.faults.seed(42);
    sandbox.faults.errorRate('youtube.videos.list', 0.5);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await yt(`videos?part=id&id=${sandbox.demoIds.liveVideoId}`)).status);
    const failures = statuses.filter((s) => s === 503).length;
    assert.ok(failures > 5 && failures < 35, `${failures} of 40 failed at rate 0.5`);
    assert.equal(failures + statuses.filter((s) => s === 200).length, 40);
  });

  it('lands a write before dropping its connection or answering 5xx, when a fault says afterHandling', async () => {
    const spreadsheetId = sandbox.demoIds.spreadsheetId!;
    const append = (value: string) =>
      fetch(`${sandbox.rootUrl}v4/spreadsheets/${spreadsheetId}/values/Sheet1!Z1:append?valueInputOption=RAW`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sandbox.oauth.accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ values: [[value]] }),
      });
    const column = () => sandbox.sheets.values(spreadsheetId, 'Sheet1!Z:Z').map((row) => row[0]);
    const before = column();

    sandbox.faults.resetNext('sheets.spreadsheets.values.append');
    await assert.rejects(append('never'));
    assert.deepEqual(column(), before, 'a plain reset strikes before the write');

    sandbox.faults.resetAfterNext('sheets.spreadsheets.values.append');
    await assert.rejects(append('landed-reset'));
    sandbox.faults.serverErrorAfterNext('sheets.spreadsheets.values.append', 503);
    const late = await append('landed-503');
    assert.equal(late.status, 503);
    assert.equal(((await late.json()) as Json).error.status, 'UNAVAILABLE');
    sandbox.faults.serverErrorNext('sheets.spreadsheets.values.append', 503);
    assert.equal((await append('refused-503')).status, 503);
    assert.deepEqual(column(), [...before, 'landed-reset', 'landed-503']);
    assert.deepEqual(sandbox.counters.byStatus('sheets.spreadsheets.values.append'), { 0: 2, 503: 2 });
  });
});
