// The model as layer-198 TL objects (GramJS's classes): users, chats, messages, media, and the users/chats a
// result carries alongside its messages. Shared by every handler module.
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { sha256 } from './crypto';
import {
  type EntitySpec,
  type MediaSpec,
  type PeerRef,
  type SandboxFile,
  type SandboxMessage,
  type TelegramModel,
  peerKey,
} from './model';

export class RpcFailure extends Error {
  constructor(readonly code: number, readonly errorMessage: string) {
    super(`${code} ${errorMessage}`);
  }
}

/** A TL object, or already-serialized bytes (bare vectors such as Vector<User>). */
export type RpcResult = { getBytes(): Buffer } | Buffer;

export const L = (x: bigint | number) => bigInt(x.toString());
export const num = (x: unknown): number => (x === undefined || x === null ? 0 : Number(String(x)));
export const big = (x: unknown): bigint => (x === undefined || x === null ? 0n : BigInt(String(x)));
const VECTOR = 0x1cb5c415;

export function vectorBytes(items: { getBytes(): Buffer }[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(VECTOR, 0);
  head.writeInt32LE(items.length, 4);
  return Buffer.concat([head, ...items.map((i) => i.getBytes())]);
}

// ---- model → TL ---------------------------------------------------------------------------------------

export function tlPeer(p: PeerRef): Api.TypePeer {
  if (p.kind === 'user') return new Api.PeerUser({ userId: L(p.id) });
  if (p.kind === 'chat') return new Api.PeerChat({ chatId: L(p.id) });
  return new Api.PeerChannel({ channelId: L(p.id) });
}

export const notify = () => new Api.PeerNotifySettings({});

export function tlUser(model: TelegramModel, id: number): Api.TypeUser {
  const u = model.users.get(id);
  if (!u) return new Api.UserEmpty({ id: L(id) });
  return new Api.User({
    self: id === model.selfId || undefined,
    contact: id !== model.selfId || undefined,
    bot: u.bot || undefined,
    botInfoVersion: u.bot ? 1 : undefined,
    id: L(u.id),
    accessHash: L(u.accessHash),
    firstName: u.firstName,
    lastName: u.lastName,
    username: u.username,
    phone: u.phone,
    status: u.bot ? undefined : new Api.UserStatusRecently({}),
  });
}

export function tlChat(model: TelegramModel, p: PeerRef): Api.TypeChat {
  if (p.kind === 'chat') {
    const g = model.groups.get(p.id);
    if (!g) return new Api.ChatEmpty({ id: L(p.id) });
    return new Api.Chat({
      creator: g.creatorId === model.selfId || undefined,
      id: L(g.id),
      title: g.title,
      photo: new Api.ChatPhotoEmpty(),
      participantsCount: g.memberIds.length,
      date: g.date,
      version: 1,
    });
  }
  const c = model.channels.get(p.id);
  if (!c) return new Api.ChannelForbidden({ id: L(p.id), accessHash: L(0), title: '' });
  return new Api.Channel({
    broadcast: !c.megagroup || undefined,
    megagroup: c.megagroup || undefined,
    forum: c.forum || undefined,
    id: L(c.id),
    accessHash: L(c.accessHash),
    title: c.title,
    username: c.username,
    photo: new Api.ChatPhotoEmpty(),
    date: c.date,
    participantsCount: 1 + Math.min(50, model.users.size),
  });
}

const entityCtors: Record<string, (e: EntitySpec) => Api.TypeMessageEntity> = {
  mention: (e) => new Api.MessageEntityMention(e),
  hashtag: (e) => new Api.MessageEntityHashtag(e),
  botCommand: (e) => new Api.MessageEntityBotCommand(e),
  url: (e) => new Api.MessageEntityUrl(e),
  email: (e) => new Api.MessageEntityEmail(e),
  bold: (e) => new Api.MessageEntityBold(e),
  italic: (e) => new Api.MessageEntityItalic(e),
  code: (e) => new Api.MessageEntityCode(e),
  pre: (e) => new Api.MessageEntityPre({ offset: e.offset, length: e.length, language: e.language ?? '' }),
  textUrl: (e) => new Api.MessageEntityTextUrl({ offset: e.offset, length: e.length, url: e.url ?? '' }),
  mentionName: (e) => new Api.MessageEntityMentionName({ offset: e.offset, length: e.length, userId: L(e.userId ?? 0) }),
  phone: (e) => new Api.MessageEntityPhone(e),
  cashtag: (e) => new Api.MessageEntityCashtag(e),
  underline: (e) => new Api.MessageEntityUnderline(e),
  strike: (e) => new Api.MessageEntityStrike(e),
  bankCard: (e) => new Api.MessageEntityBankCard(e),
  spoiler: (e) => new Api.MessageEntitySpoiler(e),
  customEmoji: (e) => new Api.MessageEntityCustomEmoji({ offset: e.offset, length: e.length, documentId: L(e.documentId ?? 0n) }),
  blockquote: (e) => new Api.MessageEntityBlockquote({ offset: e.offset, length: e.length, collapsed: e.collapsed || undefined }),
};

function tlEntities(list: EntitySpec[]): Api.TypeMessageEntity[] {
  return list.map((e) => entityCtors[e.type]({ ...e, offset: e.offset, length: e.length }));
}

export function tlDocument(f: SandboxFile): Api.Document {
  const attrs: Api.TypeDocumentAttribute[] = [];
  const w = f.width ?? 640;
  const h = f.height ?? 480;
  switch (f.documentKind) {
    case 'video':
      attrs.push(new Api.DocumentAttributeVideo({ supportsStreaming: true, duration: f.duration ?? 10, w, h }));
      break;
    case 'round':
      attrs.push(new Api.DocumentAttributeVideo({ roundMessage: true, duration: f.duration ?? 5, w: 384, h: 384 }));
      break;
    case 'animation':
      attrs.push(new Api.DocumentAttributeAnimated(), new Api.DocumentAttributeVideo({ duration: f.duration ?? 3, w, h }));
      break;
    case 'voice':
      attrs.push(new Api.DocumentAttributeAudio({ voice: true, duration: f.duration ?? 4, waveform: Buffer.alloc(63, 0x42) }));
      break;
    case 'audio':
      attrs.push(new Api.DocumentAttributeAudio({ duration: f.duration ?? 180, title: f.title, performer: f.performer }));
      break;
    case 'sticker':
      attrs.push(new Api.DocumentAttributeImageSize({ w: 512, h: 512 }), new Api.DocumentAttributeSticker({ alt: f.stickerEmoji ?? '🙂', stickerset: new Api.InputStickerSetEmpty() }));
      break;
    default:
      break;
  }
  if (f.fileName) attrs.push(new Api.DocumentAttributeFilename({ fileName: f.fileName }));
  return new Api.Document({
    id: L(f.id),
    accessHash: L(f.accessHash),
    fileReference: f.fileReference,
    date: f.date,
    mimeType: f.mimeType,
    size: L(f.size),
    dcId: f.dcId,
    attributes: attrs,
  });
}

export function tlPhoto(f: SandboxFile): Api.Photo {
  return new Api.Photo({
    id: L(f.id),
    accessHash: L(f.accessHash),
    fileReference: f.fileReference,
    date: f.date,
    sizes: f.photoSizes!.map((s) => new Api.PhotoSize({ type: s.type, w: s.w, h: s.h, size: s.size })),
    dcId: f.dcId,
  });
}

const twe = (text: string) => new Api.TextWithEntities({ text, entities: [] });

function tlMedia(model: TelegramModel, m: MediaSpec): Api.TypeMessageMedia {
  switch (m.type) {
    case 'photo':
      return new Api.MessageMediaPhoto({ photo: tlPhoto(model.files.get(m.file.id) ?? m.file) });
    case 'document': {
      const f = model.files.get(m.file.id) ?? m.file;
      return new Api.MessageMediaDocument({
        document: tlDocument(f),
        video: f.documentKind === 'video' || f.documentKind === 'round' || undefined,
        round: f.documentKind === 'round' || undefined,
        voice: f.documentKind === 'voice' || undefined,
      });
    }
    case 'poll': {
      const total = m.answers.reduce((s, a) => s + a.voters, 0);
      return new Api.MessageMediaPoll({
        poll: new Api.Poll({
          id: L(BigInt.asIntN(64, sha256(Buffer.from(`poll:${m.question}`)).readBigInt64LE(0))),
          closed: m.closed || undefined,
          quiz: m.quiz || undefined,
          multipleChoice: m.multipleChoice || undefined,
          question: twe(m.question),
          answers: m.answers.map((a, i) => new Api.PollAnswer({ text: twe(a.text), option: Buffer.from([0x30 + i]) })),
        }),
        results: new Api.PollResults({
          results: m.answers.map((a, i) => new Api.PollAnswerVoters({ chosen: a.chosen || undefined, correct: a.correct || undefined, option: Buffer.from([0x30 + i]), voters: a.voters })),
          totalVoters: total,
        }),
      });
    }
    case 'geo':
      return new Api.MessageMediaGeo({ geo: new Api.GeoPoint({ long: m.long, lat: m.lat, accessHash: L(0) }) });
    case 'venue':
      return new Api.MessageMediaVenue({ geo: new Api.GeoPoint({ long: m.long, lat: m.lat, accessHash: L(0) }), title: m.title, address: m.address, provider: '', venueId: '', venueType: '' });
    case 'contact':
      return new Api.MessageMediaContact({ phoneNumber: m.phone, firstName: m.firstName, lastName: m.lastName, vcard: '', userId: L(m.userId ?? 0) });
  }
}

function tlAction(m: SandboxMessage): Api.TypeMessageAction {
  const a = m.action!;
  switch (a.type) {
    case 'chatCreate':
      return new Api.MessageActionChatCreate({ title: a.title, users: a.users.map(L) });
    case 'chatAddUser':
      return new Api.MessageActionChatAddUser({ users: a.users.map(L) });
    case 'channelCreate':
      return new Api.MessageActionChannelCreate({ title: a.title });
    case 'pinMessage':
      return new Api.MessageActionPinMessage();
    case 'topicCreate':
      return new Api.MessageActionTopicCreate({ title: a.title, iconColor: a.iconColor });
    case 'topicEdit':
      return new Api.MessageActionTopicEdit({ title: a.title, closed: a.closed });
    case 'phoneCall':
      return new Api.MessageActionPhoneCall({ video: a.video || undefined, callId: L(m.id), duration: a.duration, reason: new Api.PhoneCallDiscardReasonHangup() });
  }
}

export function tlMessage(model: TelegramModel, m: SandboxMessage): Api.TypeMessage {
  const out = m.out ?? (m.fromId?.kind === 'user' && m.fromId.id === model.selfId);
  const replyTo = m.replyTo
    ? new Api.MessageReplyHeader({ forumTopic: m.replyTo.forumTopic || undefined, replyToMsgId: m.replyTo.msgId, replyToTopId: m.replyTo.topId })
    : undefined;
  if (m.action) {
    return new Api.MessageService({
      out: out || undefined,
      id: m.id,
      fromId: m.fromId ? tlPeer(m.fromId) : undefined,
      peerId: tlPeer(m.peer),
      replyTo,
      date: m.date,
      action: tlAction(m),
    });
  }
  const hasViews = m.views !== undefined || m.forwards !== undefined;
  return new Api.Message({
    out: out || undefined,
    post: m.post || undefined,
    pinned: m.pinned || undefined,
    id: m.id,
    fromId: m.fromId ? tlPeer(m.fromId) : undefined,
    peerId: tlPeer(m.peer),
    fwdFrom: m.fwdFrom
      ? new Api.MessageFwdHeader({ fromId: m.fwdFrom.fromId ? tlPeer(m.fwdFrom.fromId) : undefined, fromName: m.fwdFrom.fromName, date: m.fwdFrom.date, channelPost: m.fwdFrom.channelPost, postAuthor: m.fwdFrom.postAuthor })
      : undefined,
    viaBotId: m.viaBotId ? L(m.viaBotId) : undefined,
    replyTo,
    date: m.date,
    message: m.text,
    media: m.media ? tlMedia(model, m.media) : undefined,
    entities: m.entities?.length ? tlEntities(m.entities) : undefined,
    views: hasViews ? (m.views ?? 0) : undefined,
    forwards: hasViews ? (m.forwards ?? 0) : undefined,
    editDate: m.editDate,
    postAuthor: m.postAuthor,
    groupedId: m.groupedId !== undefined ? L(m.groupedId) : undefined,
    reactions: m.reactions?.length
      ? new Api.MessageReactions({
          results: m.reactions.map(
            (r) =>
              new Api.ReactionCount({
                reaction: r.paid ? new Api.ReactionPaid() : r.customEmojiId !== undefined ? new Api.ReactionCustomEmoji({ documentId: L(r.customEmojiId) }) : new Api.ReactionEmoji({ emoticon: r.emoji ?? '👍' }),
                count: r.count,
              }),
          ),
        })
      : undefined,
  });
}

/** Users and chats a set of messages refers to, as Telegram returns them alongside. */
export function collectPeers(model: TelegramModel, msgs: SandboxMessage[], extra: PeerRef[] = []): { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
  const users = new Set<number>();
  const chats = new Map<string, PeerRef>();
  const add = (p?: PeerRef) => {
    if (!p) return;
    if (p.kind === 'user') users.add(p.id);
    else chats.set(peerKey(p), p);
  };
  for (const p of extra) add(p);
  for (const m of msgs) {
    add(m.peer);
    add(m.fromId);
    add(m.fwdFrom?.fromId);
    if (m.viaBotId) users.add(m.viaBotId);
    for (const e of m.entities ?? []) if (e.type === 'mentionName' && e.userId) users.add(e.userId);
    if (m.media?.type === 'contact' && m.media.userId) users.add(m.media.userId);
    if (m.action && 'users' in m.action) for (const u of m.action.users) users.add(u);
  }
  users.add(model.selfId);
  return {
    users: [...users].filter((id) => model.users.has(id)).map((id) => tlUser(model, id)),
    chats: [...chats.values()].map((p) => tlChat(model, p)),
  };
}

// ---- input resolution ---------------------------------------------------------------------------------

export function resolvePeer(model: TelegramModel, input: any): PeerRef {
  if (input instanceof Api.InputPeerSelf) return { kind: 'user', id: model.selfId };
  if (input instanceof Api.InputPeerUser) {
    const u = model.users.get(num(input.userId));
    if (!u || u.accessHash !== big(input.accessHash)) throw new RpcFailure(400, 'PEER_ID_INVALID');
    return { kind: 'user', id: u.id };
  }
  if (input instanceof Api.InputPeerChat) {
    if (!model.groups.has(num(input.chatId))) throw new RpcFailure(400, 'PEER_ID_INVALID');
    return { kind: 'chat', id: num(input.chatId) };
  }
  if (input instanceof Api.InputPeerChannel) {
    const c = model.channels.get(num(input.channelId));
    if (!c || c.accessHash !== big(input.accessHash)) throw new RpcFailure(400, 'CHANNEL_INVALID');
    return { kind: 'channel', id: c.id };
  }
  if (input instanceof Api.InputPeerUserFromMessage) {
    if (!model.users.has(num(input.userId))) throw new RpcFailure(400, 'PEER_ID_INVALID');
    return { kind: 'user', id: num(input.userId) };
  }
  if (input instanceof Api.InputPeerChannelFromMessage) {
    if (!model.channels.has(num(input.channelId))) throw new RpcFailure(400, 'CHANNEL_INVALID');
    return { kind: 'channel', id: num(input.channelId) };
  }
  throw new RpcFailure(400, 'PEER_ID_INVALID');
}

export function resolveUser(model: TelegramModel, input: any): number {
  if (input instanceof Api.InputUserSelf) return model.selfId;
  if (input instanceof Api.InputUser) {
    const u = model.users.get(num(input.userId));
    if (!u || u.accessHash !== big(input.accessHash)) throw new RpcFailure(400, 'USER_ID_INVALID');
    return u.id;
  }
  if (input instanceof Api.InputUserFromMessage && model.users.has(num(input.userId))) return num(input.userId);
  throw new RpcFailure(400, 'USER_ID_INVALID');
}

export function resolveChannel(model: TelegramModel, input: any): number {
  if (input instanceof Api.InputChannel) {
    const c = model.channels.get(num(input.channelId));
    if (!c || c.accessHash !== big(input.accessHash)) throw new RpcFailure(400, 'CHANNEL_INVALID');
    return c.id;
  }
  if (input instanceof Api.InputChannelFromMessage && model.channels.has(num(input.channelId))) return num(input.channelId);
  throw new RpcFailure(400, 'CHANNEL_INVALID');
}

