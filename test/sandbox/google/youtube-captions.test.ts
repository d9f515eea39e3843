import assert from 'node:assert/strict';
import { auth } from '@googleapis/sheets';
import { youtube } from '@googleapis/youtube';
import { SANDBOX_USER } from './http-types';
import { startGoogleSandbox, type GoogleSandbox } from './index';

/**
 * captions.list and captions.download through the real @googleapis/youtube client, as
 * https://developers.google.com/youtube/v3/docs/captions describes them: shapes, absent fields,
 * who may download, the errors, and the 50 / 200 units the sandbox's own quota counts.
 */

const SCIENCE = 'UCsandboxScienceLab0001g';
const FORCE_SSL = 'https://www.googleapis.com/auth/youtube.force-ssl';

interface ErrorLike {
  response?: { status: number; data: { error: { errors?: { reason: string }[] } } };
}
async function reasonOf(promise: Promise<unknown>): Promise<[number | undefined, string | undefined]> {
  try {
    await promise;
  } catch (err) {
    const r = (err as ErrorLike).response;
    return [r?.status, r?.data.error.errors?.[0]?.reason];
  }
  assert.fail('expected the call to fail');
}

describe('Google sandbox: YouTube captions through @googleapis/youtube', () => {
  let sb: GoogleSandbox;
  let videoId: string;
  let otherVideo: string;
  let manualId: string;
  let asrId: string;

  const oauthClient = () => {
    const client = new auth.OAuth2({ clientId: sb.oauth.clientId, clientSecret: sb.oauth.clientSecret, endpoints: { oauth2TokenUrl: sb.oauth.tokenUrl } });
    client.setCredentials({ refresh_token: sb.oauth.refreshToken });
    return client;
  };

  beforeEach(async () => {
    sb = await startGoogleSandbox({ seed: 'demo' });
    const [first, second] = sb.youtube.videosOf(SCIENCE).filter((v) => sb.youtube.isRetrievable(v));
    videoId = first!.id;
    otherVideo = second!.id;
    manualId = sb.youtube.captions.add({ videoId, language: 'en', name: 'English', cues: [{ startMs: 0, endMs: 1500, text: 'Hello <b>there</b> & welcome' }, { startMs: 61_250, endMs: 63_000, text: 'Second\nline' }] }).id;
    asrId = sb.youtube.captions.add({ videoId, language: 'en', trackKind: 'asr', cues: [{ startMs: 0, endMs: 1000, text: 'hello there' }] }).id;
    sb.youtube.captions.add({ videoId, language: 'de', name: 'Entwurf', isDraft: true, cues: [] });
    sb.youtube.captions.add({ videoId: otherVideo, language: 'fr', name: 'Français', cues: [{ startMs: 0, endMs: 900, text: 'Bonjour' }] });
    sb.youtube.captions.setOwner(SCIENCE, SANDBOX_USER);
  });
  afterEach(async () => {
    await sb.close();
  });

  it('lists a video’s tracks with an API key for 50 units, names absent on ASR tracks, drafts hidden', async () => {
    const yt = youtube({ version: 'v3', auth: sb.apiKey, rootUrl: sb.rootUrl });
    const res = await yt.captions.list({ part: ['snippet'], videoId });
    assert.equal(res.data.kind, 'youtube#captionListResponse');
    assert.equal(res.data.items?.length, 2);
    const [manual, asr] = res.data.items!;
    assert.equal(manual!.kind, 'youtube#caption');
    assert.deepEqual(Object.keys(manual!.snippet!), ['videoId', 'lastUpdated', 'trackKind', 'language', 'name', 'audioTrackType', 'isCC', 'isLarge', 'isEasyReader', 'isDraft', 'isAutoSynced', 'status']);
    assert.equal(manual!.snippet!.trackKind, 'standard');
    assert.equal(asr!.snippet!.trackKind, 'asr');
    assert.equal('name' in asr!.snippet!, false);
    assert.equal('failureReason' in manual!.snippet!, false);
    assert.equal(sb.counters.quotaUsed(), 50);
    assert.deepEqual(await reasonOf(yt.captions.list({ part: ['snippet'], videoId: 'AAAAAAAAAAA' })), [404, 'videoNotFound']);
  });

  it('downloads only with OAuth, the force-ssl scope and edit rights; 200 units a call', async () => {
    const keyOnly = youtube({ version: 'v3', auth: sb.apiKey, rootUrl: sb.rootUrl });
    assert.deepEqual(await reasonOf(keyOnly.captions.download({ id: manualId })), [401, 'required']);
    const signedIn = youtube({ version: 'v3', auth: oauthClient(), rootUrl: sb.rootUrl });
    // The default grant (spreadsheets + youtube.readonly) lacks the scope download needs.
    assert.deepEqual(await reasonOf(signedIn.captions.download({ id: manualId })), [403, 'insufficientPermissions']);

    sb.oauth.grantedScope = `${FORCE_SSL} https://www.googleapis.com/auth/spreadsheets`;
    const yt = youtube({ version: 'v3', auth: oauthClient(), rootUrl: sb.rootUrl });
    const before = sb.counters.quotaUsed();
    const srt = await yt.captions.download({ id: manualId, tfmt: 'srt' }, { responseType: 'arraybuffer' });
    assert.equal(sb.counters.quotaUsed() - before, 200);
    const headers = srt.headers as unknown as { get?: (name: string) => string | null } & Record<string, string>;
    assert.match(String(headers.get?.('content-type') ?? headers['content-type']), /application\/octet-stream/);
    assert.equal(Buffer.from(srt.data as ArrayBuffer).toString('utf8'), '1\n00:00:00,000 --> 00:00:01,500\nHello <b>there</b> & welcome\n\n2\n00:01:01,250 --> 00:01:03,000\nSecond\nline\n');
    const vtt = Buffer.from((await yt.captions.download({ id: manualId, tfmt: 'vtt' }, { responseType: 'arraybuffer' })).data as ArrayBuffer).toString('utf8');
    assert.match(vtt, /^WEBVTT\n[\s\S]*00:01:01\.250 --> 00:01:03\.000\nSecond\nline\n$/);
    const ttml = Buffer.from((await yt.captions.download({ id: manualId, tfmt: 'ttml' }, { responseType: 'arraybuffer' })).data as ArrayBuffer).toString('utf8');
    assert.match(ttml, /<p begin="00:00:00.000" end="00:00:01.500">Hello &lt;b&gt;there&lt;\/b&gt; &amp; welcome<\/p>/);
    const sbv = Buffer.from((await yt.captions.download({ id: asrId, tfmt: 'sbv' }, { responseType: 'arraybuffer' })).data as ArrayBuffer).toString('utf8');
    assert.equal(sbv, '0:00:00.000,0:00:01.000\nhello there\n');
    const scc = Buffer.from((await yt.captions.download({ id: asrId, tfmt: 'scc' }, { responseType: 'arraybuffer' })).data as ArrayBuffer).toString('utf8');
    assert.match(scc, /^Scenarist_SCC V1\.0\n\n00:00:00:00\t9420 9420 94ae 94ae 94d0 94d0 68e5 ecec ef20 f468 e5f2 e580 942f 942f\n/);
    const translated = Buffer.from((await yt.captions.download({ id: asrId, tfmt: 'srt', tlang: 'de' }, { responseType: 'arraybuffer' })).data as ArrayBuffer).toString('utf8');
    assert.match(translated, /\[de\] hello there/);

    assert.deepEqual(await reasonOf(yt.captions.download({ id: 'AUieDaNoSuchTrack' })), [404, 'captionNotFound']);
    assert.deepEqual(await reasonOf(yt.captions.download({ id: manualId, tfmt: 'docx' })), [400, 'invalidParameter']);
    // Another channel's video: no edit rights, 403 forbidden, and the units are spent all the same.
    sb.youtube.captions.setOwner(SCIENCE, 'someone-else');
    const other = sb.youtube.addChannel({ title: 'Not Mine' });
    const foreign = sb.youtube.addVideo({ channelId: other.id, title: 'x' });
    const foreignTrack = sb.youtube.captions.add({ videoId: foreign.id, language: 'en', cues: [{ startMs: 0, endMs: 1, text: 'x' }] });
    const spent = sb.counters.quotaUsed();
    assert.deepEqual(await reasonOf(yt.captions.download({ id: foreignTrack.id })), [403, 'forbidden']);
    assert.equal(sb.counters.quotaUsed() - spent, 200);
    sb.youtube.captions.allowThirdParty(foreign.id);
    await yt.captions.download({ id: foreignTrack.id, tfmt: 'vtt' }, { responseType: 'arraybuffer' });
  });
});
