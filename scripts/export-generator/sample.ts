/**
 * The bundled sample export: a whole-account export (or one chat of it) with every message kind,
 * every text entity type, service messages, a forum supergroup with topics, a channel, media of
 * every kind including duplicates across chats, a missing file, "not included" placeholders, and a
 * chat whose title and content are hostile to file systems and to Markdown.
 */
import { ChatBuilder, NOT_INCLUDED, TOO_LARGE, UNAVAILABLE, textFields, type Part, type Person } from './chat';
import { makeMp3, makeMp4, makeOpus, makePdf, makePhoto, makeTgs, makeVcard, makeWebp, makeZip } from './media';
import { Prng } from './prng';
import { ExportJsonWriter, MediaFolder, fileDatePart, localIso } from './writer';

export interface SampleOptions {
  readonly outDir: string;
  /** "account" (default): result.json with chats.list and chats/chat_N/ folders; "single": one chat. */
  readonly shape?: 'account' | 'single';
  /** For shape "single": which chat (default "personal"). */
  readonly chat?: SampleChatKey;
  readonly seed?: number;
  /** Local time offset of the exporting machine, in minutes (dates are written without zone). */
  readonly tzOffsetMinutes?: number;
}

export type SampleChatKey = 'personal' | 'forum' | 'channel' | 'group' | 'bot' | 'saved' | 'hostile' | 'left';

export interface GeneratedChat {
  readonly id: number;
  readonly name: string | null;
  readonly type: string;
  /** "" for a single-chat export, "chats/chat_3/" in an account export. */
  readonly folder: string;
  readonly messages: number;
  readonly left: boolean;
}

export interface GenerateStats {
  readonly outDir: string;
  readonly shape: 'account' | 'single';
  readonly chats: readonly GeneratedChat[];
  readonly messages: number;
  readonly mediaFiles: number;
  readonly mediaBytes: number;
  readonly jsonBytes: number;
}

const ME: Person = { name: 'Sam Carter', id: 'user100001' };
const ALICE: Person = { name: 'Alice Martin', id: 'user100002' };
const BOB: Person = { name: 'Bob Stone', id: 'user100003' };
const CHEN: Person = { name: 'Chen Wei', id: 'user100004' };
const DANA: Person = { name: 'Dana Ross', id: 'user100005' };
const GHOST: Person = { name: null, id: 'user100099' };
const EVE: Person = { name: '**Eve** [[Admin]] | <b>root</b> #boss', id: 'user100006' };
const BOT: Person = { name: 'Weather Bot', id: 'user7000005' };
const CHANNEL: Person = { name: 'Tech Digest', id: 'channel1600000002' };

const START = Date.UTC(2024, 2, 1, 7, 0, 0) / 1000; // 2024-03-01 07:00 UTC

const CHAT_ORDER: readonly SampleChatKey[] = ['personal', 'forum', 'channel', 'group', 'bot', 'saved', 'hostile', 'left'];

const HEADERS: Record<SampleChatKey, { name?: string | null; type: string; id: number }> = {
  personal: { name: 'Alice Martin', type: 'personal_chat', id: 100002 },
  forum: { name: 'Makers Forum', type: 'private_supergroup', id: 1700000001 },
  channel: { name: 'Tech Digest', type: 'public_channel', id: 1600000002 },
  group: { name: 'Book Club', type: 'private_group', id: 4000003 },
  bot: { name: 'Weather Bot', type: 'bot_chat', id: 7000005 },
  saved: { type: 'saved_messages', id: 100001 },
  hostile: { name: '../CON: <Design|Review> #1 [draft]?. ', type: 'private_group', id: 4000007 },
  left: { name: 'Old Neighbours', type: 'public_supergroup', id: 1700000008 },
};

/** Bytes shared between chats so the importer can deduplicate them. */
interface SharedBytes {
  readonly sunset: Buffer;
  readonly plan: Buffer;
  readonly stickerWebp: Buffer;
}

const FILLER: readonly string[] = [
  'Sounds good to me.',
  'Can we move it to Thursday?',
  'I will bring the printer filament.',
  'Did anyone try the new slicer profile?',
  'Running ten minutes late, sorry!',
  'That chapter was slow, but the ending made up for it.',
  'Here is what I found so far.',
  'Let me check and get back to you.',
  'Agreed, let us keep it simple.',
  'The weather looks better tomorrow.',
  'Thanks, that helped a lot 🙏',
  'Who has the key to the workshop?',
  'I pushed the changes last night.',
  'Nice! 😄',
  'Not sure that is a good idea…',
  'Привет! Как дела?',
  'これはテストです。',
  'مرحبا بالجميع',
];

function filler(prng: Prng): Part[] {
  const base = prng.pick(FILLER);
  const roll = prng.int(0, 9);
  if (roll === 0) return [base + ' ', ['bold', 'Important']];
  if (roll === 1) return [['italic', base]];
  if (roll === 2) return [base + ' See ', ['link', 'https://example.org/notes?id=' + prng.int(1, 999)]];
  if (roll === 3) return [base + ' ', ['hashtag', '#weekly']];
  if (roll === 4) return [base + '\nSecond line here.'];
  return [base];
}

function reactions(...pairs: [string, number][]): { type: string; count: number; emoji?: string; document_id?: string }[] {
  return pairs.map(([e, count]) =>
    e === 'paid' ? { type: 'paid', count } : /^\d+$/.test(e) ? { type: 'custom_emoji', count, document_id: e } : { type: 'emoji', count, emoji: e },
  );
}

function personalChat(c: ChatBuilder, prng: Prng, shared: SharedBytes): void {
  c.service(ALICE, 'joined_telegram');
  c.message(ALICE, ['Hi Sam! Found you here 👋']);
  const hello = c.message(ME, ['Hey Alice, welcome! Saving our plans in this chat from now on.']);
  c.message(ALICE, ['Great. ', ['bold', 'Bold'], ', ', ['italic', 'italic'], ', ', ['underline', 'underlined'], ', ', ['strikethrough', 'struck'], ' and a ', ['spoiler', 'secret'], '.'], {
    replyTo: hello,
  });
  c.message(ME, ['Ping ', ['mention', '@bobstone'], ' or ', ['mention_name', 'Chen Wei', { user_id: 100004 }], ' about ', ['hashtag', '#roadtrip'], ' and ', ['cashtag', '$EUR'], '.']);
  c.message(ALICE, ['Docs: ', ['link', 'https://example.com/trip?day=1&mode=car'], ', mail ', ['email', 'alice@example.com'], ', call ', ['phone', '+1 555 010 0002'], '.']);
  c.message(ME, ['Try ', ['bot_command', '/start'], ' with ', ['text_link', 'the weather bot', { href: 'https://t.me/weather_bot' }], ' and my card ', ['bank_card', '4111 1111 1111 1111'], ' (fake!)']);
  c.message(ALICE, ['Inline ', ['code', 'npm run build'], ' and a block:\n', ['pre', 'function trip(days) {\n  return days * 2; // `x`\n}', { language: 'javascript' }], '\nWorks?']);
  c.message(ME, [['pre', 'plain preformatted\n    indented line', { language: '' }]]);
  c.message(ALICE, [['blockquote', 'The journey is the destination.\n— someone', { collapsed: false }], '\nLove this quote.']);
  c.message(ME, ['Long one folded: ', ['blockquote', 'Line one\nLine two\nLine three\nLine four', { collapsed: true }]]);
  c.message(ALICE, ['Packing list ', ['custom_emoji', '🎒', { document_id: '5368324170671202286' }], ' and ', ['unknown', 'something new']]);
  const edited = c.message(ME, ['Leaving at 9:00 (edited: it is 8:30 now)'], { edited: 300 });
  c.message(ALICE, ['Perfect'], { replyTo: edited, reactions: reactions(['👍', 1], ['❤', 1]) });
  c.message(ME, [], {}, () => c.photoFields(shared.sunset, { width: 64, height: 48 }));
  c.message(ALICE, ['Sunset from the balcony 🌅'], { reactions: reactions(['🔥', 2]) }, () => c.photoFields(makePhoto(11, 64, 48, 'balcony'), { width: 64, height: 48 }));
  // an album: same sender, same second, consecutive ids
  c.message(ALICE, ['Day one photos'], {}, () => c.photoFields(makePhoto(21, 64, 48, 'album-1'), { width: 64, height: 48 }));
  c.message(ALICE, [], { sameSecond: true }, () => c.photoFields(makePhoto(22, 64, 48, 'album-2'), { width: 64, height: 48 }));
  c.message(ALICE, [], { sameSecond: true }, () =>
    c.documentFields('video_files', c.generatedName('video', '.mp4'), makeMp4(4, 'album-3'), { mediaType: 'video_file', mime: 'video/mp4', duration: 4, width: 64, height: 48, thumbnail: makePhoto(23, 32, 24, 'thumb') }),
  );
  c.message(ME, ['Voice note:'], {}, () => c.documentFields('voice_messages', c.generatedName('audio', '.ogg'), makeOpus(3, 'voice-1'), { mediaType: 'voice_message', mime: 'audio/ogg', duration: 3 }));
  c.message(ALICE, [], {}, () =>
    c.documentFields('round_video_messages', c.generatedName('file', '.mp4'), makeMp4(6, 'round-1'), { mediaType: 'video_message', mime: 'video/mp4', duration: 6, width: 240, height: 240, thumbnail: makePhoto(24, 32, 32, 'round-thumb') }),
  );
  c.message(ME, [], {}, () => c.documentFields('stickers', 'sticker.webp', shared.stickerWebp, { fileName: 'sticker.webp', mediaType: 'sticker', stickerEmoji: '😎', mime: 'image/webp', width: 128, height: 128 }));
  c.message(ALICE, [], {}, () =>
    c.documentFields('stickers', 'AnimatedSticker.tgs', makeTgs('dance'), { fileName: 'AnimatedSticker.tgs', mediaType: 'sticker', stickerEmoji: '💃', mime: 'application/x-tgsticker', width: 512, height: 512, thumbnail: makePhoto(26, 32, 32, 'tgs-thumb') }),
  );
  c.message(ME, [], { viaBot: '@gif' }, () =>
    c.documentFields('animations', 'giphy.mp4', makeMp4(2, 'gif-1'), { fileName: 'giphy.mp4', mediaType: 'animation', mime: 'video/mp4', duration: 2, width: 320, height: 240, thumbnail: makePhoto(25, 32, 24, 'gif-thumb') }),
  );
  c.message(ALICE, ['Our road-trip song 🎶'], {}, () =>
    c.documentFields('files', 'Road Song.mp3', makeMp3(2, 'song'), { fileName: 'Road Song.mp3', mediaType: 'audio_file', performer: 'The Wanderers', title: 'Open Road', mime: 'audio/mpeg', duration: 2 }),
  );
  c.message(ME, ['The plan, v1'], {}, () => c.documentFields('files', 'plan.pdf', shared.plan, { fileName: 'plan.pdf', mime: 'application/pdf' }));
  c.message(ME, ['Same plan again, sorry'], {}, () => c.documentFields('files', 'plan.pdf', shared.plan, { fileName: 'plan.pdf', mime: 'application/pdf' }));
  c.message(ALICE, [], {}, () => c.documentFields('files', 'maps.zip', makeZip('offline maps'), { fileName: 'maps.zip', mime: 'application/zip' }));
  c.message(ALICE, [], {}, () => ({
    contact_information: { first_name: 'Chen', last_name: 'Wei', phone_number: '+1 555 010 0004' },
    contact_vcard: c.media.put('contacts', `contact_${++c.media.counters.contacts}.vcard`, makeVcard('Chen', 'Wei', '+15550100004')),
    contact_vcard_file_size: makeVcard('Chen', 'Wei', '+15550100004').length,
  }));
  c.message(ME, [], {}, () => ({ location_information: { latitude: 48.858844, longitude: 2.294351 } }));
  c.message(ALICE, [], {}, () => ({ location_information: { latitude: 48.8606, longitude: 2.3376 }, live_location_period_seconds: 900 }));
  c.message(ME, [], {}, () => ({ place_name: 'Café de Flore', address: '172 Bd Saint-Germain, 75006 Paris', location_information: { latitude: 48.854, longitude: 2.3325 } }));
  c.message(ALICE, [], { reactions: reactions(['👍', 2]) }, () => ({
    poll: {
      question: 'Where do we stop first?',
      closed: false,
      total_voters: 2,
      answers: [
        { text: 'Lyon', voters: 1, chosen: true },
        { text: 'Dijon', voters: 1, chosen: false },
        { text: 'Skip it', voters: 0, chosen: false },
      ],
    },
  }));
  c.message(BOB, ['Forwarded: road closed near Dijon'], { forwardedFrom: 'Bob Stone' });
  c.message(ALICE, ['Someone hidden said hi'], { forwardedFrom: null });
  c.service(ME, 'phone_call', { duration_seconds: 125, discard_reason: 'hangup' });
  c.service(ALICE, 'phone_call', { discard_reason: 'missed' });
  const pinned = c.message(ME, ['Meet at the station, platform 4']);
  c.service(ME, 'pin_message', { message_id: pinned });
  c.service(ALICE, 'take_screenshot');
  c.service(ME, 'edit_chat_theme', { emoticon: '🌊' });
  c.message(ALICE, ['This photo did not make it into the export folder:'], {}, () => c.photoFields(makePhoto(31), { width: 64, height: 48, missing: true }));
  c.message(ME, ['Video left out by export settings'], {}, () =>
    c.documentFields('video_files', 'drive.mp4', makeMp4(30, 'big'), { fileName: 'drive.mp4', mediaType: 'video_file', mime: 'video/mp4', duration: 30, width: 1280, height: 720, placeholder: NOT_INCLUDED, thumbnail: makePhoto(32, 32, 18, 'drive-thumb') }),
  );
  c.message(ALICE, ['Raw footage'], {}, () => c.documentFields('files', 'raw.mov', makeMp4(1, 'raw'), { fileName: 'raw.mov', mime: 'video/quicktime', placeholder: TOO_LARGE }));
  c.message(ALICE, [], {}, () => c.photoFields(makePhoto(33), { placeholder: UNAVAILABLE }));
  c.message(ME, ['Spoiler photo!'], {}, () => c.photoFields(makePhoto(34, 64, 48, 'spoiler'), { width: 64, height: 48, spoiler: true }));
  c.unsupported();
  c.skipIds(3); // deleted messages leave holes
  // spread the rest over weeks, so month-split notes have more than one month to show
  for (let i = 0; i < 40; i++) {
    c.tick(3600, 86400 * 3);
    c.message(prng.chance(0.5) ? ME : ALICE, filler(prng));
  }
}

function forumChat(c: ChatBuilder, prng: Prng, shared: SharedBytes): void {
  c.service(ME, 'create_channel', { title: 'Makers Forum' });
  c.message(ME, ['Welcome to the forum! General chat lives here.']);
  c.service(ME, 'invite_members', { members: ['Bob Stone', 'Chen Wei'] });
  c.service(DANA, 'join_group_by_link', { inviter: 'Sam Carter' });
  const ann = c.service(ME, 'topic_created', { title: 'Announcements' });
  const print = c.service(BOB, 'topic_created', { title: '3D printing' });
  const off = c.service(CHEN, 'topic_created', { title: 'Off-topic 🎲' });
  const a1 = c.message(ME, ['Workshop open on ', ['bold', 'Saturday'], ' 10:00–16:00.'], { replyTo: ann, reactions: reactions(['🎉', 3]) });
  const p1 = c.message(BOB, ['My first print warped at the corners. Ideas?'], { replyTo: print }, () => c.photoFields(makePhoto(41, 64, 48, 'warp'), { width: 64, height: 48 }));
  const p2 = c.message(CHEN, ['Raise the bed temperature to ', ['code', '65°C'], ' and add a brim.'], { replyTo: p1 });
  const p3 = c.message(BOB, ['That fixed it, thanks!'], { replyTo: p2, edited: 120 });
  c.message(DANA, ['Sunset shot from the trip (again)'], { replyTo: off }, () => c.photoFields(shared.sunset, { width: 64, height: 48 }));
  c.message(ME, ['General: coffee machine is fixed ☕']);
  // an album inside a topic: every part replies to the topic root
  c.message(CHEN, ['Board game night'], { replyTo: off }, () => c.photoFields(makePhoto(42, 64, 48, 'games-1'), { width: 64, height: 48 }));
  c.message(CHEN, [], { replyTo: off, sameSecond: true }, () => c.photoFields(makePhoto(43, 64, 48, 'games-2'), { width: 64, height: 48 }));
  c.message(CHEN, [], { replyTo: off, sameSecond: true }, () => c.photoFields(makePhoto(44, 64, 48, 'games-3'), { width: 64, height: 48 }));
  c.message(BOB, ['STL files for the bracket'], { replyTo: p3 }, () => c.documentFields('files', 'bracket.stl', Buffer.from('solid bracket\nendsolid bracket\n'), { fileName: 'bracket.stl', mime: 'model/stl' }));
  c.service(ME, 'pin_message', { message_id: a1 });
  // the exporter writes no topic reference on service messages: this rename cannot be placed
  c.service(CHEN, 'topic_edit', { new_title: 'Off-topic & memes' });
  c.service(ME, 'topic_edit', { new_icon_emoji_id: 5312536423851630 });
  c.message(DANA, ['Anyone up for a ', ['text_link', 'meme contest', { href: 'https://example.com/memes' }], '?'], { replyTo: off });
  c.service(ME, 'remove_members', { members: ['Dana Ross'] });
  c.service(ME, 'group_call', { duration: 1800 });
  c.service(ME, 'invite_to_group_call', { members: ['Bob Stone'] });
  c.service(BOB, 'boost_apply', { boosts: 1 });
  const roots = [ann, print, off];
  const known: number[] = [a1, p1, p2, p3];
  for (let i = 0; i < 80; i++) {
    c.tick(600, 86400 * 2);
    const who = prng.pick([ME, BOB, CHEN, DANA]);
    const r = prng.int(0, 9);
    if (r < 2) c.message(who, filler(prng)); // General
    else if (r < 5) known.push(c.message(who, filler(prng), { replyTo: prng.pick(roots) }));
    else known.push(c.message(who, filler(prng), { replyTo: prng.pick(known) }));
  }
}

function channelChat(c: ChatBuilder, prng: Prng, shared: SharedBytes): void {
  c.service(CHANNEL, 'create_channel', { title: 'Tech Digest' });
  c.message(CHANNEL, [['bold', 'Weekly digest #1'], '\n\n', ['hashtag', '#ai'], ' ', ['hashtag', '#web'], '\nRead ', ['text_link', 'the full story', { href: 'https://example.com/digest/1' }], '.'], {
    author: 'Maria K.',
    reactions: reactions(['👍', 12], ['🔥', 5], ['5368324170671202286', 2], ['paid', 3]),
  });
  c.message(CHANNEL, ['New laptop teardown'], { author: 'Maria K.', edited: 3600 }, () => c.photoFields(makePhoto(51, 64, 48, 'teardown'), { width: 64, height: 48 }));
  c.message(CHANNEL, ['Clip of the week'], {}, () =>
    c.documentFields('video_files', 'clip.mp4', makeMp4(12, 'clip'), { fileName: 'clip.mp4', mediaType: 'video_file', mime: 'video/mp4', duration: 12, width: 640, height: 360, thumbnail: makePhoto(52, 32, 18, 'clip-thumb') }),
  );
  c.message(CHANNEL, [], { reactions: reactions(['🤔', 4]) }, () => ({
    poll: {
      question: 'Which editor do you use?',
      closed: true,
      total_voters: 9,
      answers: [
        { text: 'VS Code', voters: 6, chosen: false },
        { text: 'Vim', voters: 2, chosen: false },
        { text: 'Something else', voters: 1, chosen: false },
      ],
    },
  }));
  c.message(CHANNEL, ['Reposting a classic'], { forwardedFrom: 'Old Computers Weekly' }, () => c.photoFields(shared.sunset, { width: 64, height: 48 }));
  c.message(CHANNEL, ['Subscriber-only photo set'], {}, () => ({ paid_stars_amount: 25 }));
  c.message(CHANNEL, ['Giveaway time!'], {}, () => ({
    giveaway_information: { quantity: 3, months: 3, until_date: localIso(c.now + 86400 * 7, 120), channels: [1600000002], countries: [], additional_prize: '', stars: 0, is_only_new_subscribers: false },
  }));
  for (let i = 0; i < 30; i++) {
    c.tick(3600, 86400);
    c.message(CHANNEL, filler(prng), { author: prng.chance(0.5) ? 'Maria K.' : undefined, reactions: prng.chance(0.4) ? reactions(['👍', prng.int(1, 30)]) : undefined });
  }
}

function groupChat(c: ChatBuilder, prng: Prng, shared: SharedBytes): void {
  c.service(DANA, 'create_group', { title: 'Book club', members: ['Sam Carter', 'Alice Martin'] });
  c.service(DANA, 'edit_group_title', { title: 'Book Club' });
  c.service(DANA, 'edit_group_photo', () => c.photoFields(makePhoto(61, 64, 64, 'group-photo'), { width: 64, height: 64 }));
  c.service(ME, 'invite_members', { members: ['Bob Stone', null] });
  c.message(DANA, ['This month: ', ['italic', 'Dune'], '. Thoughts by Friday?']);
  c.message(GHOST, ['(a message from an account that was deleted since)']);
  c.message(BOB, ['Reading notes attached'], {}, () => c.documentFields('files', 'notes.txt', Buffer.from('Chapter 1: spice.\nChapter 2: more spice.\n'), { fileName: 'notes.txt', mime: 'text/plain' }));
  c.message(ALICE, ['Same sunset as before, it is my favourite'], {}, () => c.photoFields(shared.sunset, { width: 64, height: 48 }));
  c.service(DANA, 'set_messages_ttl', { period: 86400 });
  c.service(DANA, 'delete_group_photo');
  c.service(ME, 'join_group_by_request');
  c.service(DANA, undefined, { information_text: 'Dana changed the group rules' });
  c.service(ME, 'send_star_gift', { gift_id: 1, stars: 50, is_limited: false, is_anonymous: false, gift_text: 'Thanks for hosting!' });
  c.service(DANA, 'some_future_action', { detail: 'new in a later Telegram version' });
  for (let i = 0; i < 25; i++) c.message(prng.pick([ME, ALICE, BOB, DANA]), filler(prng));
  c.service(DANA, 'migrate_to_supergroup');
}

function botChat(c: ChatBuilder): void {
  c.service(undefined, 'allow_sending_messages', { reason_domain: 'weather.example.com' });
  const start = c.message(ME, [['bot_command', '/start']]);
  c.message(BOT, ['Hello! Pick a city:'], {
    replyTo: start,
    buttons: [
      [
        { type: 'callback', text: 'Paris', dataBase64: 'cGFyaXM', data: '' },
        { type: 'callback', text: 'Lyon', dataBase64: 'bHlvbg', data: '' },
      ],
      [{ type: 'url', text: 'Open website', data: 'https://weather.example.com/' }],
    ],
  });
  c.message(ME, ['Paris']);
  c.message(BOT, ['Paris: ', ['bold', '18°C'], ', light rain ☔']);
  c.message(BOT, [], {}, () => ({ game_title: 'Weather Quiz', game_description: 'Guess tomorrow\'s temperature', game_link: 'https://t.me/weather_bot?game=quiz' }));
  c.message(BOT, [], {}, () => ({ invoice_information: { title: 'Premium forecast', description: '30 days of hourly forecasts', amount: 499, currency: 'EUR' } }));
  c.service(ME, 'send_payment', { amount: 499, currency: 'EUR', invoice_message_id: 6 });
  c.service(BOT, 'requested_phone_number');
  c.service(BOT, 'score_in_game', { game_message_id: 5, score: 42 });
}

function savedChat(c: ChatBuilder, shared: SharedBytes): void {
  c.message(ME, ['Note to self: renew passport 🛂']);
  c.message(ALICE, ['Trip checklist from Alice'], { forwardedFrom: 'Alice Martin', savedFrom: 'Alice Martin' });
  c.message(ME, [], {}, () => ({
    todo_list: { title: 'Groceries', others_can_append: false, others_can_complete: false, answers: [{ text: 'Milk', id: 1 }, { text: 'Bread', id: 2 }, { text: 'Coffee beans', id: 3 }] },
  }));
  c.message(ME, ['Sticker I like'], {}, () => c.documentFields('stickers', 'sticker.webp', shared.stickerWebp, { fileName: 'sticker.webp', mediaType: 'sticker', stickerEmoji: '😎', mime: 'image/webp', width: 128, height: 128 }));
  c.message(ME, ['Plan backup'], {}, () => c.documentFields('files', 'plan.pdf', shared.plan, { fileName: 'plan.pdf', mime: 'application/pdf' }));
}

/** Content that tries to break Markdown, YAML, file names and paths. */
function hostileChat(c: ChatBuilder): void {
  c.service(EVE, 'create_group', { title: '../CON: <Design|Review> #1 [draft]?. ', members: ['Sam Carter'] });
  const lines = [
    '---',
    'title: injected',
    '---',
    '^m1',
    '# Not a heading',
    '## Nor this',
    '| a | b |',
    '|---|---|',
    '<div onclick="x()">html block</div>',
    '<script>alert(1)</script>',
    '```',
    'unclosed fence',
    '%% unclosed comment',
    '[[Wiki link]] ![[embed.png]] [md](link) [^1]',
    '$x^2$ and $$math$$ ==highlight== ~~strike~~',
    '> quoted',
    '- [ ] a task',
    '1. ordered',
    '+ plus',
    '* star',
    '===',
    '***',
    '&amp; &#169; &copy;',
    '\\*escaped\\* back\\slash',
    '    indented code?',
    '\ttabbed',
    'trailing spaces   ',
    'C# and #tag and snake_case_name and _under_ and *star* a*b',
  ];
  c.message(EVE, [lines.join('\n')]);
  c.message(EVE, ['CR\r\nLF and lone\rCR and U+2028\u2028and NEL\u0085and NUL\u0000end']);
  c.message(EVE, [['pre', 'code with ``` fence\n```\nstill code', { language: 'js```\ninjected' }], ['code', 'a ` b `` c']]);
  c.message(EVE, [['text_link', 'click [me]', { href: 'javascript:alert(1)' }], ' ', ['text_link', 'paren)s', { href: 'https://example.com/a_(b)?q=<x>&y= z' }], ' ', ['link', 'example.com/path_with_underscores']]);
  c.message(EVE, [['bold', ' spaced bold '], ['italic', '*already stars*'], ['bold', 'adjacent'], ['italic', 'runs'], ' ', ['strikethrough', '~tilde~'], ['underline', '<u>'], ['spoiler', '||x||']]);
  c.message(EVE, [['blockquote', '---\n^m99\n```'], ['mention', '@[[x]]'], ' ', ['hashtag', '#tag|pipe']]);
  c.message(EVE, ['dangerous file name'], {}, () => c.documentFields('files', 'evil.sh', Buffer.from('#!/bin/sh\necho hi\n'), { fileName: '../../../etc/evil.sh', mime: 'application/x-sh' }));
  c.message(EVE, [], {}, () => ({
    poll: {
      question: textFields([['bold', '| Poll |'], ' ---']).text,
      closed: false,
      total_voters: 1,
      answers: [
        { text: '# one', voters: 1, chosen: true },
        { text: textFields(['- two ', ['bold', 'x']]).text, voters: 0, chosen: false },
      ],
    },
  }));
  c.message(EVE, ['Forwarded'], { forwardedFrom: ']] | ^m5 #x', author: '%%sig%%' });
}

function leftChat(c: ChatBuilder, prng: Prng): void {
  // a left chat only holds the user's own messages
  for (let i = 0; i < 6; i++) c.message(ME, filler(prng));
}

function accountHead(prng: Prng, tz: number): Record<string, unknown> {
  const pic = START - 86400 * 30;
  return {
    about: 'Here is the data you requested from Telegram: the chats and media you chose to export. (Generated sample, not a real account.)',
    personal_information: { user_id: 100001, first_name: 'Sam', last_name: 'Carter', phone_number: '+1 555 010 0001', username: '@samcarter', bio: 'Maker, reader, traveller.' },
    profile_pictures: [{ date: localIso(pic, tz), date_unixtime: String(pic), photo: `profile_pictures/photo_1${fileDatePart(localIso(pic, tz))}.jpg` }],
    contacts: {
      about: 'Contacts synced from your devices.',
      list: [ALICE, BOB, CHEN, DANA].map((p, i) => ({
        user_id: Number(p.id.slice(4)),
        first_name: p.name!.split(' ')[0],
        last_name: p.name!.split(' ')[1],
        phone_number: `+1 555 010 000${i + 2}`,
        date: localIso(pic + i * 60, tz),
        date_unixtime: String(pic + i * 60),
      })),
    },
    frequent_contacts: {
      about: 'People you talk to most.',
      list: [{ id: 100002, category: 'people', type: 'user', name: 'Alice Martin', rating: 0.9 + prng.int(0, 9) / 100 }],
    },
  };
}

function chatBody(key: SampleChatKey, c: ChatBuilder, prng: Prng, shared: SharedBytes): void {
  switch (key) {
    case 'personal':
      return personalChat(c, prng, shared);
    case 'forum':
      return forumChat(c, prng, shared);
    case 'channel':
      return channelChat(c, prng, shared);
    case 'group':
      return groupChat(c, prng, shared);
    case 'bot':
      return botChat(c);
    case 'saved':
      return savedChat(c, shared);
    case 'hostile':
      return hostileChat(c);
    case 'left':
      return leftChat(c, prng);
  }
}

/** Writes the sample export into `outDir` (which should be empty). Deterministic for a seed. */
export function generateSampleExport(options: SampleOptions): GenerateStats {
  const shape = options.shape ?? 'account';
  const tz = options.tzOffsetMinutes ?? 120;
  const prng = new Prng(options.seed ?? 20240301);
  const shared: SharedBytes = {
    sunset: makePhoto(7, 64, 48, 'sunset'),
    plan: makePdf('Road trip plan v1'),
    stickerWebp: makeWebp(128, 128, [80, 160, 240]),
  };
  const keys = shape === 'single' ? [options.chat ?? 'personal'] : CHAT_ORDER;
  const writer = new ExportJsonWriter(options.outDir, shape, shape === 'account' ? accountHead(prng, tz) : undefined);
  const chats: GeneratedChat[] = [];
  let mediaFiles = 0;
  let mediaBytes = 0;
  let messages = 0;
  if (shape === 'account') {
    const pic = new MediaFolder(options.outDir, '');
    const p = START - 86400 * 30;
    pic.put('profile_pictures', `photo_1${fileDatePart(localIso(p, tz))}.jpg`, makePhoto(99, 48, 48, 'me'));
    mediaFiles += pic.filesWritten;
    mediaBytes += pic.bytesWritten;
  }
  keys.forEach((key, index) => {
    const left = key === 'left';
    if (shape === 'account') writer.beginSection(left ? 'left_chats' : 'chats', left ? 'Chats you have left; only your own messages are included.' : 'Your chats.');
    const header = HEADERS[key];
    const folder = shape === 'account' ? `chats/chat_${index + 1}/` : '';
    const media = new MediaFolder(options.outDir, folder);
    writer.beginChat(header);
    const builder = new ChatBuilder(header, media, prng.fork(index), (m) => writer.message(m), START + index * 7200, tz);
    chatBody(key, builder, prng.fork(100 + index), shared);
    writer.endChat();
    chats.push({ id: header.id, name: header.name ?? null, type: header.type, folder, messages: builder.count, left });
    mediaFiles += media.filesWritten;
    mediaBytes += media.bytesWritten;
    messages += builder.count;
  });
  const jsonBytes = writer.close();
  return { outDir: options.outDir, shape, chats, messages, mediaFiles, mediaBytes, jsonBytes };
}
