import assert from 'node:assert/strict';
import { type CaptionTrackInfo, chooseTrack, parseCaptionFile, parseLanguages } from '../../../server/engine/connectors/youtube/captions';

describe('captions: the best track, and a caption file as timed lines', () => {
  const track = (id: string, language: string, kind: CaptionTrackInfo['kind'] = 'standard', extra: Partial<CaptionTrackInfo> = {}): CaptionTrackInfo => ({ id, language, kind, ...extra });

  it('prefers the owner’s captions over automatic ones, the preferred language over the video’s, and skips drafts, forced and failed tracks', () => {
    const tracks = [track('a', 'en', 'asr'), track('m', 'en'), track('d', 'de'), track('x', 'fr', 'standard', { isDraft: true }), track('f', 'es', 'forced'), track('z', 'it', 'standard', { status: 'failed' })];
    assert.equal(chooseTrack(tracks, [], 'en')?.id, 'm');
    assert.equal(chooseTrack(tracks, ['de'], 'en')?.id, 'd');
    assert.equal(chooseTrack(tracks, ['fr', 'es', 'it'], 'en')?.id, 'm', 'no usable track in the preferred languages: the video’s');
    assert.equal(chooseTrack([track('gb', 'en-GB', 'asr'), track('us', 'en-US')], ['en'])?.id, 'us', 'same primary language: manual still wins');
    assert.equal(chooseTrack([track('a', 'en', 'asr')], ['de'])?.id, 'a', 'anything beats nothing');
    assert.equal(chooseTrack([track('f', 'en', 'forced')], []), undefined);
    assert.deepEqual(parseLanguages(' en, de-AT;pt_BR  nonsense-!! '), ['en', 'de-AT', 'pt_BR']);
  });

  it('reads WebVTT as YouTube writes automatic captions: inline timings and <c> spans dropped, rolled-up repeats once', () => {
    const vtt = [
      'WEBVTT',
      'Kind: captions',
      'Language: en',
      '',
      '00:00:00.160 --> 00:00:02.470 align:start position:0%',
      'hello<00:00:00.640><c> everyone</c><00:00:01.120><c> and</c>',
      '',
      '00:00:02.470 --> 00:00:02.480 align:start position:0%',
      'hello everyone and',
      '',
      'NOTE a comment --> not a cue',
      '',
      '01:02:03.900 --> 01:02:05.000',
      'Tom &amp; Jerry &lt;3 &#x1F600;',
    ].join('\r\n');
    assert.deepEqual(parseCaptionFile(vtt), [
      { start: 0, text: 'hello everyone and' },
      { start: 3723, text: 'Tom & Jerry <3 😀' },
    ]);
  });

  it('reads SubRip, and skips what it cannot read instead of failing', () => {
    const srt = '\uFEFF1\n00:00:01,000 --> 00:00:02,000\nFirst\nline\n\n2\n00:01:05,500 --> 00:01:06,000\nSecond\n\ngarbage\n\n3\nnot a timing\ntext\n';
    assert.deepEqual(parseCaptionFile(srt), [
      { start: 1, text: 'First line' },
      { start: 65, text: 'Second' },
    ]);
    assert.deepEqual(parseCaptionFile(''), []);
  });
});
