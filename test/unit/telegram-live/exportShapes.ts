/**
 * Test-only: the GramJS objects Telegram sends for messages that Telegram Desktop exported as the
 * JSON the fixtures hold, built field by field from the TL schema (api.tl) and passed through
 * GramJS's own TL encoder and decoder, so they are objects GramJS really produces from the wire.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { BinaryReader } from 'telegram/extensions';
import type { ExportMessage, TextEntity } from '../../../server/engine/telegram-notes/message';

export interface World {
  /** Export name → user id (bots with their usernames). */
  readonly users: { id: number; first: string; last?: string; username?: string; bot?: boolean }[];
  readonly channels: { id: number; title: string; broadcast?: boolean }[];
  readonly chat: { kind: 'user' | 'channel' | 'chat'; id: number };
}

const ENTITY: Record<string, (o: number, l: number, e: TextEntity) => Api.TypeMessageEntity> = {
  mention: (offset, length) => new Api.MessageEntityMention({ offset, length }),
  hashtag: (offset, length) => new Api.MessageEntityHashtag({ offset, length }),
  bot_command: (offset, length) => new Api.MessageEntityBotCommand({ offset, length }),
  link: (offset, length) => new Api.MessageEntityUrl({ offset, length }),
  email: (offset, length) => new Api.MessageEntityEmail({ offset, length }),
  bold: (offset, length) => new Api.MessageEntityBold({ offset, length }),
  italic: (offset, length) => new Api.MessageEntityItalic({ offset, length }),
  code: (offset, length) => new Api.MessageEntityCode({ offset, length }),
  pre: (offset, length, e) => new Api.MessageEntityPre({ offset, length, language: e.language ?? '' }),
  text_link: (offset, length, e) => new Api.MessageEntityTextUrl({ offset, length, url: e.href! }),
  mention_name: (offset, length, e) => new Api.MessageEntityMentionName({ offset, length, userId: bigInt(e.user_id!) }),
  phone: (offset, length) => new Api.MessageEntityPhone({ offset, length }),
  cashtag: (offset, length) => new Api.MessageEntityCashtag({ offset, length }),
  underline: (offset, length) => new Api.MessageEntityUnderline({ offset, length }),
  strikethrough: (offset, length) => new Api.MessageEntityStrike({ offset, length }),
  blockquote: (offset, length, e) => new Api.MessageEntityBlockquote({ offset, length, collapsed: e.collapsed || undefined }),
  bank_card: (offset, length) => new Api.MessageEntityBankCard({ offset, length }),
  spoiler: (offset, length) => new Api.MessageEntitySpoiler({ offset, length }),
  custom_emoji: (offset, length, e) => new Api.MessageEntityCustomEmoji({ offset, length, documentId: bigInt(e.document_id!) }),
  unknown: (offset, length) => new Api.MessageEntityUnknown({ offset, length }),
};

function textOf(exp: ExportMessage): { message: string; entities?: Api.TypeMessageEntity[] } {
  let message = '';
  const entities: Api.TypeMessageEntity[] = [];
  for (const run of exp.text_entities ?? []) {
    if (run.type !== 'plain') entities.push(ENTITY[run.type](message.length, run.text.length, run));
    message += run.text;
  }
  return { message, entities: entities.length ? entities : undefined };
}

function peer(id: string, world: World): Api.TypePeer {
  const m = /^(user|channel|chat)(\d+)$/.exec(id)!;
  if (m[1] === 'user') return new Api.PeerUser({ userId: bigInt(m[2]) });
  if (m[1] === 'chat') return new Api.PeerChat({ chatId: bigInt(m[2]) });
  void world;
  return new Api.PeerChannel({ channelId: bigInt(m[2]) });
}

function chatPeer(world: World): Api.TypePeer {
  return peer(`${world.chat.kind}${world.chat.id}`, world);
}

function userIdByName(world: World, name: string): number {
  const u = world.users.find((x) => [x.first, x.last].filter(Boolean).join(' ') === name);
  if (!u) throw new Error(`no user named ${name} in the test world`);
  return u.id;
}

function media(exp: ExportMessage): Api.TypeMessageMedia | undefined {
  if (exp.photo !== undefined) {
    return new Api.MessageMediaPhoto({
      spoiler: exp.media_spoiler || undefined,
      photo: new Api.Photo({ id: bigInt(exp.id), accessHash: bigInt(1), fileReference: Buffer.from('r'), date: Number(exp.date_unixtime), dcId: 2, sizes: [new Api.PhotoSize({ type: 'y', w: exp.width!, h: exp.height!, size: exp.photo_file_size! })] }),
    });
  }
  if (exp.file !== undefined) {
    const attributes: Api.TypeDocumentAttribute[] = [];
    const t = exp.media_type;
    if (exp.file_name !== undefined) attributes.push(new Api.DocumentAttributeFilename({ fileName: exp.file_name }));
    if (t === 'sticker') {
      attributes.push(new Api.DocumentAttributeSticker({ alt: exp.sticker_emoji ?? '', stickerset: new Api.InputStickerSetEmpty() }));
      attributes.push(new Api.DocumentAttributeImageSize({ w: exp.width!, h: exp.height! }));
    }
    if (t === 'video_file' || t === 'video_message' || t === 'animation') attributes.push(new Api.DocumentAttributeVideo({ roundMessage: t === 'video_message' || undefined, duration: exp.duration_seconds!, w: exp.width!, h: exp.height! }));
    if (t === 'animation') attributes.push(new Api.DocumentAttributeAnimated());
    if (t === 'voice_message' || t === 'audio_file') attributes.push(new Api.DocumentAttributeAudio({ voice: t === 'voice_message' || undefined, duration: exp.duration_seconds!, performer: exp.performer, title: exp.title as string | undefined }));
    const thumbs = exp.thumbnail !== undefined ? [new Api.PhotoSize({ type: 'm', w: 90, h: 90, size: exp.thumbnail_file_size ?? 0 })] : undefined;
    return new Api.MessageMediaDocument({
      document: new Api.Document({ id: bigInt(exp.id), accessHash: bigInt(1), fileReference: Buffer.from('r'), date: Number(exp.date_unixtime), mimeType: exp.mime_type!, size: bigInt(exp.file_size!), dcId: 2, attributes, thumbs }),
    });
  }
  if (exp.poll) {
    const p = exp.poll;
    const opts = p.answers.map((_a, i) => Buffer.from([i]));
    return new Api.MessageMediaPoll({
      poll: new Api.Poll({ id: bigInt(exp.id), closed: p.closed || undefined, question: new Api.TextWithEntities({ text: p.question as string, entities: [] }), answers: p.answers.map((a, i) => new Api.PollAnswer({ text: new Api.TextWithEntities({ text: a.text as string, entities: [] }), option: opts[i] })) }),
      results: new Api.PollResults({ totalVoters: p.total_voters, results: p.answers.map((a, i) => new Api.PollAnswerVoters({ option: opts[i], voters: a.voters, chosen: a.chosen || undefined })) }),
    });
  }
  const geo = exp.location_information ? new Api.GeoPoint({ lat: exp.location_information.latitude, long: exp.location_information.longitude, accessHash: bigInt(0) }) : undefined;
  if (geo && exp.place_name !== undefined) return new Api.MessageMediaVenue({ geo, title: exp.place_name, address: exp.address ?? '', provider: '', venueId: '', venueType: '' });
  if (geo && exp.live_location_period_seconds !== undefined) return new Api.MessageMediaGeoLive({ geo, period: exp.live_location_period_seconds });
  if (geo) return new Api.MessageMediaGeo({ geo });
  if (exp.contact_information) {
    const c = exp.contact_information;
    // The export keeps only the vCard's size: any text of that size stands for it.
    const vcard = 'v'.repeat(exp.contact_vcard_file_size ?? 0);
    return new Api.MessageMediaContact({ phoneNumber: c.phone_number ?? '', firstName: c.first_name ?? '', lastName: c.last_name ?? '', vcard, userId: bigInt(0) });
  }
  return undefined;
}

function reactions(exp: ExportMessage, world: World): Api.MessageReactions | undefined {
  if (!exp.reactions) return undefined;
  const reactionOf = (r: (typeof exp.reactions)[number]) =>
    r.type === 'emoji' ? new Api.ReactionEmoji({ emoticon: r.emoji! }) : r.type === 'custom_emoji' ? new Api.ReactionCustomEmoji({ documentId: bigInt(r.document_id!) }) : new Api.ReactionPaid();
  const recent = exp.reactions.flatMap((r) => (r.recent ?? []).map((x) => new Api.MessagePeerReaction({ peerId: peer(x.from_id!, world), date: Math.floor(Date.parse(`${x.date}+02:00`) / 1000), reaction: reactionOf(r) })));
  return new Api.MessageReactions({ results: exp.reactions.map((r) => new Api.ReactionCount({ reaction: reactionOf(r), count: r.count })), recentReactions: recent.length ? recent : undefined });
}

const REASONS: Record<string, () => Api.TypePhoneCallDiscardReason> = {
  hangup: () => new Api.PhoneCallDiscardReasonHangup(),
  missed: () => new Api.PhoneCallDiscardReasonMissed(),
  busy: () => new Api.PhoneCallDiscardReasonBusy(),
  disconnect: () => new Api.PhoneCallDiscardReasonDisconnect(),
};

const ACTIONS: Record<string, (exp: ExportMessage, world: World) => Api.TypeMessageAction> = {
  create_channel: (e) => new Api.MessageActionChannelCreate({ title: e.title! }),
  topic_created: (e) => new Api.MessageActionTopicCreate({ title: e.title!, iconColor: 0 }),
  topic_edit: (e) => new Api.MessageActionTopicEdit({ title: e.new_title }),
  invite_members: (e, w) => new Api.MessageActionChatAddUser({ users: (e.members ?? []).map((n) => bigInt(userIdByName(w, n!))) }),
  remove_members: (e, w) => new Api.MessageActionChatDeleteUser({ userId: bigInt(userIdByName(w, e.members![0]!)) }),
  join_group_by_link: (e, w) => new Api.MessageActionChatJoinedByLink({ inviterId: bigInt(userIdByName(w, e.inviter!)) }),
  phone_call: (e) => new Api.MessageActionPhoneCall({ callId: bigInt(1), duration: e.duration_seconds, reason: REASONS[String(e.discard_reason)]?.() }),
  pin_message: () => new Api.MessageActionPinMessage(),
  take_screenshot: () => new Api.MessageActionScreenshotTaken(),
  edit_chat_theme: (e) => new Api.MessageActionSetChatTheme({ emoticon: e.emoticon! }),
  group_call: (e) => new Api.MessageActionGroupCall({ call: new Api.InputGroupCall({ id: bigInt(1), accessHash: bigInt(1) }), duration: e.duration }),
  invite_to_group_call: (e, w) => new Api.MessageActionInviteToGroupCall({ call: new Api.InputGroupCall({ id: bigInt(1), accessHash: bigInt(1) }), users: (e.members ?? []).map((n) => bigInt(userIdByName(w, n!))) }),
  boost_apply: (e) => new Api.MessageActionBoostApply({ boosts: e.boosts! }),
  joined_telegram: () => new Api.MessageActionContactSignUp(),
};

/** Through GramJS's TL encoder and decoder: what it would hand us had it come from a DC. */
function wire<T extends { getBytes(): Buffer }>(obj: T): T {
  return new BinaryReader(obj.getBytes()).tgReadObject() as T;
}

export function liveMessageFor(exp: ExportMessage, world: World): Api.TypeMessage {
  const peerId = chatPeer(world);
  const date = Number(exp.date_unixtime);
  if (exp.type === 'service') {
    const replyTo = exp.message_id !== undefined ? new Api.MessageReplyHeader({ replyToMsgId: exp.message_id }) : undefined;
    const fromId = exp.actor_id === `${world.chat.kind}${world.chat.id}` && world.chat.kind !== 'chat' ? undefined : peer(String(exp.actor_id), world);
    return wire(new Api.MessageService({ id: exp.id, peerId, fromId, date, action: ACTIONS[exp.action!](exp, world), replyTo }));
  }
  const own = exp.from_id === `${world.chat.kind}${world.chat.id}` && world.chat.kind === 'channel';
  // A hidden sender comes as a name; null is what the export writes for a sender Telegram sent nothing about.
  const fwd =
    exp.forwarded_from === undefined
      ? undefined
      : exp.forwarded_from === null
        ? new Api.MessageFwdHeader({ fromId: new Api.PeerUser({ userId: bigInt(999_999_999) }), date: date - 3600 })
        : new Api.MessageFwdHeader({ fromName: exp.forwarded_from, date: date - 3600 });
  const bot = exp.via_bot ? world.users.find((u) => `@${u.username}` === exp.via_bot) : undefined;
  return wire(
    new Api.Message({
      id: exp.id,
      peerId,
      date,
      post: own || undefined,
      fromId: own ? undefined : peer(String(exp.from_id), world),
      editDate: exp.edited_unixtime ? Number(exp.edited_unixtime) : undefined,
      postAuthor: exp.author,
      fwdFrom: fwd,
      viaBotId: bot ? bigInt(bot.id) : undefined,
      replyTo: exp.reply_to_message_id !== undefined ? new Api.MessageReplyHeader({ replyToMsgId: exp.reply_to_message_id }) : undefined,
      media: media(exp),
      reactions: reactions(exp, world),
      ...textOf(exp),
    }),
  );
}

export function usersAndChats(world: World): { users: Api.User[]; chats: Api.Channel[] } {
  return {
    users: world.users.map((u) => new Api.User({ id: bigInt(u.id), firstName: u.first, lastName: u.last, username: u.username, bot: u.bot || undefined, accessHash: bigInt(1) })),
    chats: world.channels.map((c) => new Api.Channel({ id: bigInt(c.id), title: c.title, broadcast: c.broadcast || undefined, megagroup: !c.broadcast || undefined, photo: new Api.ChatPhotoEmpty(), date: 0, accessHash: bigInt(1) })),
  };
}
