import assert from 'node:assert/strict';
import { parseTelegramRef, parseYouTubeRef, RefError, telegramSourceId, youTubeSourceId } from '../../../server/engine/sources/refs';

describe('YouTube source refs', () => {
  const cases: [string, ReturnType<typeof parseYouTubeRef>][] = [
    ['UC_x5XG1OV2P6uZZ5FSM9Ttw', { form: 'channelId', value: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' }],
    ['@GoogleDevelopers', { form: 'handle', value: 'GoogleDevelopers' }],
    ['  @google.dev  ', { form: 'handle', value: 'google.dev' }],
    ['https://www.youtube.com/@GoogleDevelopers/videos', { form: 'handle', value: 'GoogleDevelopers' }],
    ['youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw', { form: 'channelId', value: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' }],
    ['https://m.youtube.com/user/GoogleDevelopers', { form: 'username', value: 'GoogleDevelopers' }],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => assert.deepEqual(parseYouTubeRef(input), expected));
  }

  it('rejects a video link with a message that says what to copy', () => {
    assert.throws(() => parseYouTubeRef('https://www.youtube.com/watch?v=dQw4w9WgXcQ'), (e: unknown) => e instanceof RefError && /channel link/.test(e.message));
  });
  it('rejects empty input, short handles and other hosts', () => {
    for (const bad of ['', '   ', '@ab', 'https://vimeo.com/@x', 'just words']) assert.throws(() => parseYouTubeRef(bad), RefError, bad);
  });
  it('gives handles a case-insensitive id and channel ids their own', () => {
    assert.equal(youTubeSourceId(parseYouTubeRef('@GoogleDevelopers')), youTubeSourceId(parseYouTubeRef('@googledevelopers')));
    assert.equal(youTubeSourceId(parseYouTubeRef('UC_x5XG1OV2P6uZZ5FSM9Ttw')), 'youtube:UC_x5XG1OV2P6uZZ5FSM9Ttw');
  });
});

describe('Telegram source refs', () => {
  const cases: [string, ReturnType<typeof parseTelegramRef>][] = [
    ['@durov', { form: 'username', value: 'durov' }],
    ['https://t.me/telegram', { form: 'username', value: 'telegram' }],
    ['t.me/telegram/42', { form: 'username', value: 'telegram' }],
    ['https://t.me/joinchat/AbCdEf123', { form: 'invite', value: 'AbCdEf123' }],
    ['https://t.me/+AbCdEf123', { form: 'invite', value: 'AbCdEf123' }],
    ['-1001234567890', { form: 'chatId', value: -1001234567890 }],
    ['https://t.me/c/1234567890/55', { form: 'chatId', value: -1001234567890 }],
    ['telegram', { form: 'username', value: 'telegram' }],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => assert.deepEqual(parseTelegramRef(input), expected));
  }
  it('rejects what can never name a chat', () => {
    for (const bad of ['', '@abc', '@1abcdef', 'https://t.me/', 'https://example.com/x', '0', 'hello world']) {
      assert.throws(() => parseTelegramRef(bad), RefError, bad);
    }
  });
  it('builds stable ids', () => {
    assert.equal(telegramSourceId(parseTelegramRef('@Durov')), 'telegram:@durov');
    assert.equal(telegramSourceId(parseTelegramRef('-1001234567890')), 'telegram:-1001234567890');
  });
});
