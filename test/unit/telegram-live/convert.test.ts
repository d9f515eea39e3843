/**
 * A live message and its Telegram Desktop export counterpart become the same message model and the
 * same rendered block: the messages of the sample export and the 2024 forum fixture, rebuilt as the
 * GramJS objects Telegram sends (exportShapes.ts), converted by live sync's converter.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertMessage, fixedOffsetDate } from '../../../server/engine/connectors/telegram-live/sync/convert';
import { PeerNames } from '../../../server/engine/connectors/telegram-live/sync/peers';
import type { LiveMediaRegistry } from '../../../server/engine/connectors/telegram-live/media/types';
import { type ChatContext, isPlaceholderPath, renderBlock } from '../../../server/engine/telegram-notes';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { type World, liveMessageFor, usersAndChats } from './exportShapes';

const repo = path.resolve(__dirname, '..', '..', '..');
/** Fields naming a file in the export (the registry names live files its own way). */
const PATH_FIELDS = ['photo', 'file', 'thumbnail', 'contact_vcard'];
/** What exportShapes can rebuild; a message with anything else is left to other tests. */
const BUILT = new Set([
  'id', 'type', 'date', 'date_unixtime', 'edited', 'edited_unixtime', 'from', 'from_id', 'author', 'forwarded_from', 'reply_to_message_id', 'via_bot',
  'text', 'text_entities', 'photo', 'photo_file_size', 'width', 'height', 'media_spoiler', 'file', 'file_name', 'file_size', 'thumbnail', 'thumbnail_file_size',
  'media_type', 'mime_type', 'duration_seconds', 'sticker_emoji', 'performer', 'title', 'poll', 'location_information', 'live_location_period_seconds',
  'place_name', 'address', 'contact_information', 'contact_vcard', 'contact_vcard_file_size', 'reactions', 'actor', 'actor_id', 'action', 'members',
  'inviter', 'discard_reason', 'message_id', 'emoticon', 'duration', 'boosts', 'new_title',
]);
const SERVICE_BUILT = new Set(['create_channel', 'topic_created', 'topic_edit', 'invite_members', 'remove_members', 'join_group_by_link', 'phone_call', 'pin_message', 'take_screenshot', 'edit_chat_theme', 'group_call', 'invite_to_group_call', 'boost_apply', 'joined_telegram']);

const sampleWorld = (chat: World['chat']): World => ({
  chat,
  users: [
    { id: 100001, first: 'Sam', last: 'Carter' },
    { id: 100002, first: 'Alice', last: 'Martin' },
    { id: 100003, first: 'Bob', last: 'Stone' },
    { id: 100004, first: 'Chen', last: 'Wei' },
    { id: 100005, first: 'Dana', last: 'Ross' },
    { id: 7000001, first: 'GIF', username: 'gif', bot: true },
  ],
  channels: [
    { id: 1700000001, title: 'Makers Forum' },
    { id: 1600000002, title: 'Tech Digest', broadcast: true },
  ],
});
const forumWorld: World = {
  chat: { kind: 'channel', id: 1700000042 },
  users: [
    { id: 701, first: 'Lena', last: 'Ivanova' },
    { id: 702, first: 'Tom', last: '|| Builder' },
    { id: 9000, first: 'MakerBot', bot: true, username: 'makerbot' },
  ],
  channels: [{ id: 1700000042, title: 'Makers ‖ Lab [beta]' }],
};

function chatsOf(file: string): { id: number; type: string; messages: ExportMessage[] }[] {
  const d = JSON.parse(fs.readFileSync(path.join(repo, file), 'utf8'));
  return d.chats ? d.chats.list : [d];
}

function buildable(m: ExportMessage): boolean {
  if (!Object.keys(m).every((k) => BUILT.has(k))) return false;
  if (m.type === 'service') return SERVICE_BUILT.has(String(m.action));
  if (typeof m.forwarded_from === 'string' && m.from_id !== undefined && m.saved_from !== undefined) return false;
  return m.type === 'message';
}

const registry: LiveMediaRegistry = {
  register: (ref) => `live/${(ref.media as { className?: string }).className}/${ref.messageId}${ref.thumb ? '_thumb' : ''}`,
  locate: () => Promise.reject(new Error('not in this test')),
  attachmentPath: (dir, ref) => `${dir}/${ref}`,
};

function withoutPaths(m: ExportMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ...m };
  for (const k of PATH_FIELDS) delete out[k];
  return out;
}

function ctx(chatId: number, type: string): ChatContext {
  return {
    chatId,
    chatTitle: 'Chat',
    chatType: type,
    currentNote: 'Telegram/Chat/Chat',
    noteOf: () => 'Telegram/Chat/Chat',
    // One stored file per message, whatever either side calls it.
    attachmentOf: (p) => (p.includes('thumb') ? 'Telegram/Chat/attachments/t.jpg' : /\.vcard$|MessageMediaContact/.test(p) ? 'Telegram/Chat/attachments/c.vcf' : 'Telegram/Chat/attachments/f.jpg'),
    isTopicRoot: (id) => id === 2 || id === 6 || id === 5,
  };
}

describe('live messages read as their export counterparts', () => {
  const cases: { file: string; chatIndex: number; world: World }[] = [
    { file: 'sample/telegram-export/result.json', chatIndex: 0, world: sampleWorld({ kind: 'user', id: 100002 }) },
    { file: 'sample/telegram-export/result.json', chatIndex: 1, world: sampleWorld({ kind: 'channel', id: 1700000001 }) },
    { file: 'sample/telegram-export/result.json', chatIndex: 2, world: sampleWorld({ kind: 'channel', id: 1600000002 }) },
    { file: 'test/fixtures/telegram-desktop/2024-forum-reactions/result.json', chatIndex: 0, world: forumWorld },
  ];
  const seenKinds = new Set<string>();
  let compared = 0;

  for (const c of cases) {
    it(`${c.file} chat ${c.chatIndex}: same fields (but file names) and the same block`, () => {
      const chat = chatsOf(c.file)[c.chatIndex];
      const names = new PeerNames();
      const { users, chats } = usersAndChats(c.world);
      names.addAll(users, chats);
      const conv = { chat: c.world.chat, inputPeer: undefined as never, selfId: 100001, names, media: registry, formatDate: fixedOffsetDate(120) };
      for (const exp of chat.messages.filter(buildable)) {
        const live = convertMessage(liveMessageFor(exp, c.world), conv)!;
        assert.deepEqual(withoutPaths(live), withoutPaths(exp), `message ${exp.id}`);
        // A file the export left out ("not included") is fetched live: those blocks differ by design.
        if (isPlaceholderPath(exp.photo) || isPlaceholderPath(exp.file)) continue;
        assert.equal(renderBlock([live], ctx(chat.id, chat.type)), renderBlock([exp], ctx(chat.id, chat.type)), `message ${exp.id}`);
        for (const e of exp.text_entities ?? []) seenKinds.add(`entity:${e.type}`);
        seenKinds.add(exp.type === 'service' ? `action:${exp.action}` : `media:${exp.media_type ?? (exp.photo ? 'photo' : exp.poll ? 'poll' : exp.location_information ? 'location' : exp.contact_information ? 'contact' : 'text')}`);
        if (exp.reactions) seenKinds.add('reactions');
        if (exp.forwarded_from) seenKinds.add('forward');
        if (exp.reply_to_message_id) seenKinds.add('reply');
        if (exp.via_bot) seenKinds.add('via_bot');
        compared++;
      }
    });
  }

  it('covered every entity kind and the usual media, service and message features', () => {
    assert.ok(compared >= 40, `only ${compared} messages compared`);
    for (const k of ['bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'mention', 'mention_name', 'hashtag', 'cashtag', 'link', 'email', 'phone', 'bot_command', 'text_link', 'bank_card', 'code', 'pre', 'blockquote', 'custom_emoji']) {
      assert.ok(seenKinds.has(`entity:${k}`), `no ${k} entity compared`);
    }
    for (const k of ['media:photo', 'media:video_file', 'media:voice_message', 'media:video_message', 'media:sticker', 'media:animation', 'media:audio_file', 'media:poll', 'media:location', 'media:contact', 'action:phone_call', 'action:pin_message', 'action:topic_created', 'action:topic_edit', 'reactions', 'forward', 'reply', 'via_bot']) {
      assert.ok(seenKinds.has(k), `no ${k} compared: ${[...seenKinds].join(' ')}`);
    }
  });
});
