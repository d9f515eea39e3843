// The demo data set: a few chats that together hold every message kind the archiver must render, a 10k-message
// supergroup for paging tests, a forum with topics and a channel carrying a 20 MB document. Deterministic.
import { type PeerRef, type SandboxFile, TelegramModel, prng } from './model';

/** 2024-01-01T00:00:00Z: demo history is dated from here, so output is reproducible. */
export const DEMO_EPOCH = 1704067200;

export interface DemoHandles {
  alice: number;
  bob: number;
  carol: number;
  bot: number;
  privateChat: PeerRef;
  family: PeerRef;
  news: PeerRef;
  bigChat: PeerRef;
  forum: PeerRef;
  bigDocument: SandboxFile;
}

export const BIG_CHAT_MESSAGES = 10_000;
export const BIG_DOCUMENT_BYTES = 20 * 1024 * 1024;

export function seedDemo(model: TelegramModel): DemoHandles {
  let clock = DEMO_EPOCH;
  const tick = (s = 60) => (clock += s);
  const alice = model.addUser({ firstName: 'Alice', lastName: 'Archer', username: 'alice_sbx', phone: '15550001001', about: 'Collects old maps.' }).id;
  const bob = model.addUser({ firstName: 'Bob', lastName: 'Baker', username: 'bob_sbx', phone: '15550001002' }).id;
  const carol = model.addUser({ firstName: 'Carol', phone: '15550001003' }).id;
  const bot = model.addUser({ firstName: 'Helper', username: 'helper_sbx_bot', bot: true }).id;
  const me = model.selfId;
  const fromMe = { kind: 'user' as const, id: me };
  const fromAlice = { kind: 'user' as const, id: alice };

  // --- a private chat with one message of every kind -----------------------------------------------------
  const pc: PeerRef = { kind: 'user', id: alice };
  const first = model.addMessage(pc, { text: 'Hi Alice! Bold, italic and a link: example.org', date: tick(), fromId: fromMe, entities: [
    { type: 'bold', offset: 13, length: 4 }, { type: 'italic', offset: 19, length: 6 }, { type: 'url', offset: 38, length: 11 },
  ] });
  model.addMessage(pc, { text: 'Hello! `code` here, ```a block```, a #hashtag, @bob_sbx, and a hidden spoiler.', date: tick(), fromId: fromAlice, replyTo: { msgId: first.id }, entities: [
    { type: 'code', offset: 8, length: 6 }, { type: 'pre', offset: 21, length: 13, language: 'ts' }, { type: 'hashtag', offset: 38, length: 8 },
    { type: 'mention', offset: 48, length: 8 }, { type: 'spoiler', offset: 71, length: 7 },
  ] });
  model.addMessage(pc, { text: 'Quote with a named link and a mention of Bob', date: tick(), fromId: fromMe, entities: [
    { type: 'blockquote', offset: 0, length: 5, collapsed: true }, { type: 'textUrl', offset: 13, length: 10, url: 'https://example.org/named' },
    { type: 'mentionName', offset: 41, length: 3, userId: bob }, { type: 'underline', offset: 6, length: 4 }, { type: 'strike', offset: 24, length: 3 },
  ] });
  model.addMessage(pc, { text: 'Sunset', date: tick(), fromId: fromAlice, media: { type: 'photo', file: model.addPhoto({ width: 1600, height: 1200, date: clock }) }, reactions: [{ emoji: '❤️', count: 2 }, { emoji: '🔥', count: 1 }] });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromAlice, media: { type: 'document', file: model.addDocument({ kind: 'voice', size: 18_432, duration: 7, date: clock }) } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromMe, media: { type: 'document', file: model.addDocument({ kind: 'round', size: 96_000, duration: 9, date: clock }) } });
  model.addMessage(pc, { text: 'Trip video', date: tick(), fromId: fromAlice, media: { type: 'document', file: model.addDocument({ kind: 'video', size: 600_000, duration: 31, width: 1280, height: 720, fileName: 'trip.mp4', date: clock }) } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromAlice, media: { type: 'document', file: model.addDocument({ kind: 'sticker', size: 24_000, stickerEmoji: '🐱', date: clock }) } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromMe, media: { type: 'document', file: model.addDocument({ kind: 'animation', size: 150_000, duration: 3, fileName: 'wave.mp4', date: clock }) } });
  model.addMessage(pc, { text: 'Song for you', date: tick(), fromId: fromAlice, media: { type: 'document', file: model.addDocument({ kind: 'audio', size: 300_000, duration: 200, performer: 'The Sandboxes', title: 'Loopback Blues', fileName: 'loopback.mp3', date: clock }) } });
  model.addMessage(pc, { text: 'The notes', date: tick(), fromId: fromMe, media: { type: 'document', file: model.addDocument({ kind: 'file', size: 70_000, mimeType: 'application/pdf', fileName: 'notes.pdf', date: clock }) } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromAlice, media: { type: 'poll', question: 'Lunch?', answers: [{ text: 'Pizza', voters: 3, chosen: true }, { text: 'Salad', voters: 1 }], closed: true } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromMe, media: { type: 'geo', lat: 52.52, long: 13.405 } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromAlice, media: { type: 'venue', lat: 48.8584, long: 2.2945, title: 'Eiffel Tower', address: 'Champ de Mars, Paris' } });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromMe, media: { type: 'contact', phone: '+15550001002', firstName: 'Bob', lastName: 'Baker', userId: bob } });
  model.addMessage(pc, { text: 'Forwarded wisdom', date: tick(), fromId: fromMe, fwdFrom: { fromId: { kind: 'user', id: carol }, date: DEMO_EPOCH - 86400 } });
  model.addMessage(pc, { text: 'Hidden sender forward', date: tick(), fromId: fromAlice, fwdFrom: { fromName: 'Someone Private', date: DEMO_EPOCH - 3600 } });
  const albumId = model.newGroupedId();
  const albumDate = tick();
  for (let i = 0; i < 3; i++) {
    model.addMessage(pc, { text: i === 0 ? 'Album of three' : '', date: albumDate, fromId: fromAlice, groupedId: albumId, media: { type: 'photo', file: model.addPhoto({ width: 800 + i, height: 600, date: albumDate }) } });
  }
  model.addMessage(pc, { text: 'Edited text (second version)', date: tick(), fromId: fromMe, editDate: clock + 30 });
  model.addMessage(pc, { text: '', date: tick(), fromId: fromAlice, action: { type: 'phoneCall', duration: 125 } });
  model.addMessage(pc, { text: 'via bot', date: tick(), fromId: fromAlice, viaBotId: bot, reactions: [{ customEmojiId: 5368324170671202286n, count: 1 }, { paid: true, count: 5 }] });

  // --- a basic group with service actions --------------------------------------------------------------
  const familyGroup = model.addGroup({ title: 'Sandbox Family', memberIds: [alice, bob], date: tick(), creatorId: me });
  const family: PeerRef = { kind: 'chat', id: familyGroup.id };
  model.addMessage(family, { text: '', date: clock, fromId: fromMe, action: { type: 'chatCreate', title: 'Sandbox Family', users: [me, alice, bob] } });
  const dinner = model.addMessage(family, { text: 'Dinner at 7?', date: tick(), fromId: fromMe });
  model.addMessage(family, { text: 'Yes!', date: tick(), fromId: { kind: 'user', id: bob }, replyTo: { msgId: dinner.id } });
  model.addMessage(family, { text: '', date: tick(), fromId: fromMe, action: { type: 'chatAddUser', users: [carol] } });
  familyGroup.memberIds.push(carol);
  model.addMessage(family, { text: '', date: tick(), fromId: fromMe, action: { type: 'pinMessage' }, replyTo: { msgId: dinner.id } });
  dinner.pinned = true;

  // --- a broadcast channel with a 20 MB document --------------------------------------------------------
  const newsChannel = model.addChannel({ title: 'Sandbox News', username: 'sandbox_news', date: tick(), about: 'Announcements from the sandbox.' });
  const news: PeerRef = { kind: 'channel', id: newsChannel.id };
  model.addMessage(news, { text: '', date: clock, action: { type: 'channelCreate', title: 'Sandbox News' } });
  for (let i = 1; i <= 30; i++) model.addMessage(news, { text: `News item ${i}`, date: tick(3600), views: 100 + i, forwards: i % 4, postAuthor: i % 5 === 0 ? 'Editor' : undefined });
  const bigDocument = model.addDocument({ kind: 'file', size: BIG_DOCUMENT_BYTES, mimeType: 'application/zip', fileName: 'dataset-20mb.zip', date: tick() });
  model.addMessage(news, { text: 'The full data set (20 MB)', date: clock, views: 999, forwards: 12, media: { type: 'document', file: bigDocument } });

  // --- a 10k-message supergroup ----------------------------------------------------------------------------
  const big = model.addChannel({ title: 'Sandbox Big Chat', username: 'sandbox_big', megagroup: true, date: tick() });
  const bigChat: PeerRef = { kind: 'channel', id: big.id };
  const rnd = prng(42);
  const members = [me, alice, bob, carol];
  const start = clock;
  for (let i = 0; i < BIG_CHAT_MESSAGES; i++) {
    // Three messages share each second: paging must go by id, not by date.
    const date = start + Math.floor(i / 3);
    const from = { kind: 'user' as const, id: members[Math.floor(rnd() * members.length)] };
    const r = rnd();
    if (i > 0 && r < 0.05) model.addMessage(bigChat, { text: `re: ${i}`, date, fromId: from, replyTo: { msgId: 1 + Math.floor(rnd() * i) } });
    else if (r < 0.07) model.addMessage(bigChat, { text: `photo ${i}`, date, fromId: from, media: { type: 'photo', file: model.addPhoto({ width: 640, height: 480, date }) } });
    else model.addMessage(bigChat, { text: `message ${i + 1} of the big chat`, date, fromId: from });
  }
  clock = start + Math.ceil(BIG_CHAT_MESSAGES / 3);

  // --- a forum supergroup with topics ------------------------------------------------------------------
  const forumChannel = model.addChannel({ title: 'Sandbox Forum', username: 'sandbox_forum', forum: true, date: tick() });
  const forum: PeerRef = { kind: 'channel', id: forumChannel.id };
  model.addTopicMessage(forumChannel.id, 1, { text: 'Welcome to the forum (General topic)', date: tick(), fromId: fromMe });
  const topicNames = ['Announcements', 'Help', 'Off-topic', 'Releases', 'Design'];
  for (const [t, title] of topicNames.entries()) {
    const topic = model.addTopic(forumChannel.id, { title, date: tick(), creatorId: t % 2 ? alice : me, pinned: t === 0 });
    let last = topic.id;
    for (let k = 1; k <= 4 + t; k++) {
      const m = model.addTopicMessage(forumChannel.id, topic.id, { text: `${title} #${k}`, date: tick(), fromId: k % 2 ? fromMe : fromAlice, replyToId: k === 3 ? last : undefined });
      last = m.id;
    }
  }
  model.addMessage(forum, { text: '', date: tick(), fromId: fromMe, action: { type: 'topicEdit', title: 'Help & Support' }, replyTo: { msgId: forumChannel.topics[2].id, forumTopic: true } });
  forumChannel.topics[2].title = 'Help & Support';

  return { alice, bob, carol, bot, privateChat: pc, family, news, bigChat, forum, bigDocument };
}

export function createModel(seed: 'demo' | 'empty'): { model: TelegramModel; demo?: DemoHandles } {
  const model = new TelegramModel();
  if (seed === 'empty') return { model };
  return { model, demo: seedDemo(model) };
}
