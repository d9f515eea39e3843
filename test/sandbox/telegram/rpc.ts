// API methods answered from the model, encoded with GramJS's layer-198 TL classes. Each handler returns a TL
// object (or raw bytes for bare vectors) or throws RpcFailure, which the server turns into rpc_error.
// Semantics follow core.telegram.org: api/offsets for paging, api/files for upload.getFile, api/errors.
import bigInt from 'big-integer';
import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import { sha256 } from './crypto';
import { SRP_G, SRP_PRIME, type SrpChallenge, challenge, verify } from './srp';
import {
  type EntitySpec,
  type MediaSpec,
  type PeerRef,
  type SandboxFile,
  type SandboxMessage,
  type TelegramModel,
  markedPeerId,
  peerKey,
} from './model';

export class RpcFailure extends Error {
  constructor(readonly code: number, readonly errorMessage: string) {
    super(`${code} ${errorMessage}`);
  }
}

/** A TL object, or already-serialized bytes (bare vectors such as Vector<User>). */
export type RpcResult = { getBytes(): Buffer } | Buffer;

export interface AuthKeyRecord {
  key: Buffer;
  id: bigint;
  /** The signed-in user, or undefined while the key is not authorized (401 AUTH_KEY_UNREGISTERED). */
  userId?: number;
  pendingLogin?: { phone: string; phoneCodeHash: string };
  /** Signed in with the code but the account has a password: auth.checkPassword finishes the login. */
  pendingPasswordUserId?: number;
  srp?: SrpChallenge;
}

export interface RpcContext {
  model: TelegramModel;
  dcId: number;
  dcPorts: Record<number, number>;
  apiId: number;
  apiHash: string;
  authKey: AuthKeyRecord;
  /** Tokens from auth.exportAuthorization, shared by every DC of the sandbox. */
  exportedAuth: Map<string, number>;
}

type Handler = (req: any, ctx: RpcContext) => RpcResult;

const L = (x: bigint | number) => bigInt(x.toString());
const num = (x: unknown): number => (x === undefined || x === null ? 0 : Number(String(x)));
const big = (x: unknown): bigint => (x === undefined || x === null ? 0n : BigInt(String(x)));
const VECTOR = 0x1cb5c415;

export function vectorBytes(items: { getBytes(): Buffer }[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(VECTOR, 0);
  head.writeInt32LE(items.length, 4);
  return Buffer.concat([head, ...items.map((i) => i.getBytes())]);
}

// ---- model → TL ---------------------------------------------------------------------------------------

function tlPeer(p: PeerRef): Api.TypePeer {
  if (p.kind === 'user') return new Api.PeerUser({ userId: L(p.id) });
  if (p.kind === 'chat') return new Api.PeerChat({ chatId: L(p.id) });
  return new Api.PeerChannel({ channelId: L(p.id) });
}

const notify = () => new Api.PeerNotifySettings({});

function tlUser(model: TelegramModel, id: number): Api.TypeUser {
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

function tlChat(model: TelegramModel, p: PeerRef): Api.TypeChat {
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
function collectPeers(model: TelegramModel, msgs: SandboxMessage[], extra: PeerRef[] = []): { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
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

function resolvePeer(model: TelegramModel, input: any): PeerRef {
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

function resolveUser(model: TelegramModel, input: any): number {
  if (input instanceof Api.InputUserSelf) return model.selfId;
  if (input instanceof Api.InputUser) {
    const u = model.users.get(num(input.userId));
    if (!u || u.accessHash !== big(input.accessHash)) throw new RpcFailure(400, 'USER_ID_INVALID');
    return u.id;
  }
  if (input instanceof Api.InputUserFromMessage && model.users.has(num(input.userId))) return num(input.userId);
  throw new RpcFailure(400, 'USER_ID_INVALID');
}

function resolveChannel(model: TelegramModel, input: any): number {
  if (input instanceof Api.InputChannel) {
    const c = model.channels.get(num(input.channelId));
    if (!c || c.accessHash !== big(input.accessHash)) throw new RpcFailure(400, 'CHANNEL_INVALID');
    return c.id;
  }
  if (input instanceof Api.InputChannelFromMessage && model.channels.has(num(input.channelId))) return num(input.channelId);
  throw new RpcFailure(400, 'CHANNEL_INVALID');
}

// ---- paging (core.telegram.org/api/offsets) -----------------------------------------------------------

export interface HistoryParams {
  offsetId: number;
  offsetDate: number;
  addOffset: number;
  limit: number;
  maxId: number;
  minId: number;
}

/**
 * The list is newest first. offset = offsetFromID(offset_id) + add_offset, where offsetFromID counts the
 * results up to offset_id (those with id >= offset_id), so add_offset 0 gives messages older than offset_id and
 * add_offset -limit the ones from offset_id up. With no offset_id, offset_date positions the list instead
 * (GramJS sends both; Telegram honours the id). max_id/min_id are exclusive and applied after slicing.
 */
export function sliceHistory(ascending: SandboxMessage[], p: HistoryParams): SandboxMessage[] {
  const n = ascending.length;
  const limit = p.limit <= 0 ? 20 : Math.min(p.limit, 100);
  let start = 0;
  if (p.offsetId > 0) start = n - lowerBound(ascending, (m) => m.id >= p.offsetId);
  else if (p.offsetDate > 0) start = n - lowerBound(ascending, (m) => m.date >= p.offsetDate);
  let from = start + p.addOffset;
  let to = from + limit;
  from = Math.max(0, from);
  to = Math.min(n, to);
  const out: SandboxMessage[] = [];
  for (let i = from; i < to; i++) {
    const m = ascending[n - 1 - i];
    if (p.maxId > 0 && m.id >= p.maxId) continue;
    if (p.minId > 0 && m.id <= p.minId) continue;
    out.push(m);
  }
  return out;
}

/** First index whose element satisfies pred (pred must be monotonic false…true). */
function lowerBound<T>(arr: T[], pred: (x: T) => boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(arr[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The documented result hash: a 64-bit mix of the ids (api/offsets#hash-generation). */
export function idsHash(ids: number[]): bigint {
  let h = 0n;
  const M = (1n << 64n) - 1n;
  for (const id of ids) {
    h ^= h >> 21n;
    h = (h ^ (h << 35n)) & M;
    h ^= h >> 4n;
    h = (h + BigInt(id)) & M;
  }
  return BigInt.asIntN(64, h);
}

function historyParams(req: any): HistoryParams {
  return { offsetId: num(req.offsetId), offsetDate: num(req.offsetDate), addOffset: num(req.addOffset), limit: num(req.limit), maxId: num(req.maxId), minId: num(req.minId) };
}

function messagesResult(ctx: RpcContext, peer: PeerRef, list: SandboxMessage[], page: SandboxMessage[], hash: bigint, sliced: boolean): RpcResult {
  const { model } = ctx;
  if (hash !== 0n && hash === idsHash(page.map((m) => m.id))) return new Api.messages.MessagesNotModified({ count: list.length });
  const { users, chats } = collectPeers(model, page, [peer]);
  const messages = page.map((m) => tlMessage(model, m));
  if (peer.kind === 'channel') {
    return new Api.messages.ChannelMessages({ pts: model.channels.get(peer.id)!.pts, count: list.length, messages, topics: [], chats, users });
  }
  if (!sliced) return new Api.messages.Messages({ messages, chats, users });
  return new Api.messages.MessagesSlice({ count: list.length, messages, chats, users });
}

/** Which forum topic a message belongs to (General = 1). */
export function topicOf(m: SandboxMessage): number {
  if (m.action?.type === 'topicCreate') return m.id;
  if (m.replyTo?.forumTopic) return m.replyTo.topId ?? m.replyTo.msgId;
  return 1;
}

function threadOf(model: TelegramModel, peer: PeerRef, rootId: number): SandboxMessage[] {
  const history = model.historyOf(peer);
  const channel = peer.kind === 'channel' ? model.channels.get(peer.id) : undefined;
  if (channel?.forum) {
    if (!channel.topics.some((t) => t.id === rootId)) throw new RpcFailure(400, 'TOPIC_ID_INVALID');
    return history.filter((m) => topicOf(m) === rootId);
  }
  if (!model.message(peer, rootId)) throw new RpcFailure(400, 'MSG_ID_INVALID');
  return history.filter((m) => m.replyTo && (m.replyTo.topId ?? m.replyTo.msgId) === rootId);
}

// ---- dialogs -------------------------------------------------------------------------------------------

function dialogOrder(model: TelegramModel): { peer: PeerRef; top: SandboxMessage }[] {
  const rows: { peer: PeerRef; top: SandboxMessage }[] = [];
  for (const peer of model.dialogPeers()) {
    const h = model.historyOf(peer);
    if (h.length) rows.push({ peer, top: h[h.length - 1] });
  }
  return rows.sort((a, b) => cmpKey(dialogKey(b), dialogKey(a)));
}

function dialogKey(r: { peer: PeerRef; top: SandboxMessage }): [number, number, number] {
  return [r.top.date, r.top.id, markedPeerId(r.peer)];
}

function cmpKey(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function tlDialog(model: TelegramModel, r: { peer: PeerRef; top: SandboxMessage }): Api.Dialog {
  return new Api.Dialog({
    peer: tlPeer(r.peer),
    topMessage: r.top.id,
    readInboxMaxId: r.top.id,
    readOutboxMaxId: r.top.id,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings: notify(),
    pts: r.peer.kind === 'channel' ? model.channels.get(r.peer.id)!.pts : undefined,
  });
}

// ---- files (core.telegram.org/api/files) ---------------------------------------------------------------

const MiB = 1024 * 1024;

export function checkFileRange(offset: number, limit: number, precise: boolean): void {
  const unit = precise ? 1024 : 4096;
  if (offset < 0 || offset % unit !== 0) throw new RpcFailure(400, 'OFFSET_INVALID');
  if (limit <= 0 || limit % unit !== 0 || limit > MiB || (!precise && MiB % limit !== 0)) throw new RpcFailure(400, 'LIMIT_INVALID');
  if (Math.floor(offset / MiB) !== Math.floor((offset + limit - 1) / MiB)) throw new RpcFailure(400, 'LIMIT_INVALID');
}

export function resolveFileLocation(model: TelegramModel, loc: any): { file: SandboxFile; thumb: string } {
  let file: SandboxFile | undefined;
  if (loc instanceof Api.InputDocumentFileLocation || loc instanceof Api.InputPhotoFileLocation) {
    file = model.files.get(big(loc.id));
    const wantKind = loc instanceof Api.InputDocumentFileLocation ? 'document' : 'photo';
    if (!file || file.kind !== wantKind || file.accessHash !== big(loc.accessHash)) throw new RpcFailure(400, 'FILE_ID_INVALID');
    const ref = Buffer.from(loc.fileReference ?? []);
    if (!ref.length) throw new RpcFailure(400, 'FILE_REFERENCE_EMPTY');
    if (!ref.equals(file.fileReference)) {
      if (file.expiredReferences.some((r) => r.equals(ref))) throw new RpcFailure(400, 'FILE_REFERENCE_EXPIRED');
      throw new RpcFailure(400, 'FILE_REFERENCE_INVALID');
    }
    const thumb = String(loc.thumbSize ?? '');
    if (file.kind === 'document' && thumb) throw new RpcFailure(400, 'LOCATION_INVALID');
    if (file.kind === 'photo' && thumb && !file.photoSizes!.some((s) => s.type === thumb)) throw new RpcFailure(400, 'LOCATION_INVALID');
    return { file, thumb };
  }
  throw new RpcFailure(400, 'LOCATION_INVALID');
}

// ---- handlers ------------------------------------------------------------------------------------------

function config(ctx: RpcContext): Api.Config {
  const now = Math.floor(Date.now() / 1000);
  return new Api.Config({
    date: now,
    expires: now + 3600,
    testMode: false,
    thisDc: ctx.dcId,
    dcOptions: Object.entries(ctx.dcPorts).map(([id, port]) => new Api.DcOption({ id: Number(id), ipAddress: '127.0.0.1', port })),
    dcTxtDomainName: 'sandbox.invalid',
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: 4,
  });
}

const handlers: Record<string, Handler> = {
  'help.getConfig': (_req, ctx) => config(ctx),
  'help.getNearestDc': (_req, ctx) => new Api.NearestDc({ country: 'ZZ', thisDc: ctx.dcId, nearestDc: ctx.dcId }),
  'help.getAppConfig': () => new Api.help.AppConfigNotModified(),

  'updates.getState': (_req, { model }) => new Api.updates.State({ pts: model.pts, qts: 0, date: Math.floor(Date.now() / 1000), seq: 0, unreadCount: 0 }),
  'updates.getDifference': (_req, { model }) => new Api.updates.DifferenceEmpty({ date: model.now(), seq: 0 }),

  'users.getUsers': (req, { model }) =>
    vectorBytes(
      (req.id as any[]).map((u) => {
        try {
          return tlUser(model, resolveUser(model, u));
        } catch {
          return new Api.UserEmpty({ id: L(num(u.userId)) });
        }
      }),
    ),
  'users.getFullUser': (req, { model }) => {
    const id = resolveUser(model, req.id);
    const u = model.users.get(id)!;
    return new Api.users.UserFull({
      fullUser: new Api.UserFull({ id: L(id), about: u.about, settings: new Api.PeerSettings({}), notifySettings: notify(), commonChatsCount: 0 }),
      chats: [],
      users: [tlUser(model, id)],
    });
  },

  'contacts.resolveUsername': (req, { model }) => {
    const p = model.findUsername(String(req.username).replace(/^@/, ''));
    if (!p) throw new RpcFailure(400, 'USERNAME_NOT_OCCUPIED');
    return new Api.contacts.ResolvedPeer({
      peer: tlPeer(p),
      chats: p.kind === 'user' ? [] : [tlChat(model, p)],
      users: p.kind === 'user' ? [tlUser(model, p.id)] : [],
    });
  },
  'contacts.getContacts': (_req, { model }) =>
    new Api.contacts.Contacts({
      contacts: [...model.users.keys()].filter((id) => id !== model.selfId).map((id) => new Api.Contact({ userId: L(id), mutual: true })),
      savedCount: 0,
      users: [...model.users.keys()].map((id) => tlUser(model, id)),
    }),

  'channels.getChannels': (req, { model }) =>
    new Api.messages.Chats({ chats: (req.id as any[]).map((c) => tlChat(model, { kind: 'channel', id: resolveChannel(model, c) })) }),
  'channels.getFullChannel': (req, { model }) => {
    const id = resolveChannel(model, req.channel);
    const c = model.channels.get(id)!;
    const h = model.historyOf({ kind: 'channel', id });
    const top = h[h.length - 1]?.id ?? 0;
    return new Api.messages.ChatFull({
      fullChat: new Api.ChannelFull({
        id: L(id),
        about: c.about ?? '',
        participantsCount: 1 + Math.min(50, model.users.size),
        readInboxMaxId: top,
        readOutboxMaxId: top,
        unreadCount: 0,
        chatPhoto: new Api.PhotoEmpty({ id: L(0) }),
        notifySettings: notify(),
        botInfo: [],
        pts: c.pts,
      }),
      chats: [tlChat(model, { kind: 'channel', id })],
      users: [],
    });
  },
  'messages.getChats': (req, { model }) =>
    new Api.messages.Chats({ chats: (req.id as any[]).map((id) => tlChat(model, { kind: 'chat', id: num(id) })) }),
  'messages.getFullChat': (req, { model }) => {
    const g = model.groups.get(num(req.chatId));
    if (!g) throw new RpcFailure(400, 'CHAT_ID_INVALID');
    return new Api.messages.ChatFull({
      fullChat: new Api.ChatFull({
        id: L(g.id),
        about: g.about ?? '',
        participants: new Api.ChatParticipants({
          chatId: L(g.id),
          participants: g.memberIds.map((u) => (u === g.creatorId ? new Api.ChatParticipantCreator({ userId: L(u) }) : new Api.ChatParticipant({ userId: L(u), inviterId: L(g.creatorId), date: g.date }))),
          version: 1,
        }),
        notifySettings: notify(),
      }),
      chats: [tlChat(model, { kind: 'chat', id: g.id })],
      users: g.memberIds.map((u) => tlUser(model, u)),
    });
  },

  'messages.getDialogs': (req, { model }) => {
    if (num(req.folderId) === 1) return new Api.messages.Dialogs({ dialogs: [], messages: [], chats: [], users: [] });
    const all = dialogOrder(model);
    const limit = num(req.limit) <= 0 ? 20 : Math.min(num(req.limit), 100);
    const offsetDate = num(req.offsetDate);
    const offsetId = num(req.offsetId);
    let offsetPeerId = Number.POSITIVE_INFINITY;
    const hasOffset = offsetDate > 0 || offsetId > 0 || !(req.offsetPeer instanceof Api.InputPeerEmpty || !req.offsetPeer);
    if (req.offsetPeer && !(req.offsetPeer instanceof Api.InputPeerEmpty)) offsetPeerId = markedPeerId(resolvePeer(model, req.offsetPeer));
    const after = hasOffset ? all.filter((r) => cmpKey(dialogKey(r), [offsetDate || Number.POSITIVE_INFINITY, offsetId || Number.POSITIVE_INFINITY, offsetPeerId]) < 0) : all;
    const page = after.slice(0, limit);
    const { users, chats } = collectPeers(model, page.map((r) => r.top));
    const body = {
      dialogs: page.map((r) => tlDialog(model, r)),
      messages: page.map((r) => tlMessage(model, r.top)),
      chats,
      users,
    };
    if (!hasOffset && page.length === all.length) return new Api.messages.Dialogs(body);
    return new Api.messages.DialogsSlice({ count: all.length, ...body });
  },
  'messages.getPeerDialogs': (req, { model }) => {
    const rows = (req.peers as any[]).map((d) => {
      const peer = resolvePeer(model, d.peer);
      const h = model.historyOf(peer);
      return { peer, top: h[h.length - 1] };
    }).filter((r) => r.top);
    const { users, chats } = collectPeers(model, rows.map((r) => r.top));
    return new Api.messages.PeerDialogs({
      dialogs: rows.map((r) => tlDialog(model, r)),
      messages: rows.map((r) => tlMessage(model, r.top)),
      chats,
      users,
      state: new Api.updates.State({ pts: model.pts, qts: 0, date: model.now(), seq: 0, unreadCount: 0 }),
    });
  },

  'messages.getHistory': (req, ctx) => {
    const peer = resolvePeer(ctx.model, req.peer);
    const list = ctx.model.historyOf(peer);
    const page = sliceHistory(list, historyParams(req));
    return messagesResult(ctx, peer, list, page, big(req.hash), page.length < list.length);
  },
  'messages.getReplies': (req, ctx) => {
    const peer = resolvePeer(ctx.model, req.peer);
    const list = threadOf(ctx.model, peer, num(req.msgId));
    const page = sliceHistory(list, historyParams(req));
    return messagesResult(ctx, peer, list, page, big(req.hash), page.length < list.length);
  },
  'channels.getMessages': (req, ctx) => {
    const id = resolveChannel(ctx.model, req.channel);
    const peer: PeerRef = { kind: 'channel', id };
    const found: SandboxMessage[] = [];
    const messages: Api.TypeMessage[] = [];
    for (const im of req.id as any[]) {
      const m = im instanceof Api.InputMessageID ? ctx.model.message(peer, num(im.id)) : undefined;
      if (m) {
        found.push(m);
        messages.push(tlMessage(ctx.model, m));
      } else messages.push(new Api.MessageEmpty({ id: im instanceof Api.InputMessageID ? num(im.id) : 0 }));
    }
    const { users, chats } = collectPeers(ctx.model, found, [peer]);
    return new Api.messages.ChannelMessages({ pts: ctx.model.channels.get(id)!.pts, count: messages.length, messages, topics: [], chats, users });
  },
  'messages.getMessages': (req, ctx) => {
    const found: SandboxMessage[] = [];
    const messages: Api.TypeMessage[] = [];
    for (const im of req.id as any[]) {
      const m = im instanceof Api.InputMessageID ? ctx.model.findCommonMessage(num(im.id)) : undefined;
      if (m) {
        found.push(m);
        messages.push(tlMessage(ctx.model, m));
      } else messages.push(new Api.MessageEmpty({ id: im instanceof Api.InputMessageID ? num(im.id) : 0 }));
    }
    const { users, chats } = collectPeers(ctx.model, found);
    return new Api.messages.Messages({ messages, chats, users });
  },
  'messages.readHistory': (_req, { model }) => new Api.messages.AffectedMessages({ pts: model.pts, ptsCount: 0 }),
  'channels.readHistory': () => Buffer.from('b5757299', 'hex'),

  'channels.getForumTopics': (req, ctx) => {
    const id = resolveChannel(ctx.model, req.channel);
    const channel = ctx.model.channels.get(id)!;
    if (!channel.forum) throw new RpcFailure(400, 'CHANNEL_FORUM_MISSING');
    const peer: PeerRef = { kind: 'channel', id };
    const q = req.q ? String(req.q).toLowerCase() : '';
    const rows = topicRows(ctx.model, id).filter((r) => !q || r.topic.title.toLowerCase().includes(q));
    const limit = num(req.limit) <= 0 ? 20 : Math.min(num(req.limit), 100);
    const offsetTopic = num(req.offsetTopic);
    let start = 0;
    if (offsetTopic) {
      const i = rows.findIndex((r) => r.topic.id === offsetTopic);
      start = i >= 0 ? i + 1 : rows.findIndex((r) => r.top.id < num(req.offsetId));
      if (start < 0) start = rows.length;
    }
    const page = rows.slice(start, start + limit);
    return forumTopicsResult(ctx, peer, page, rows.length);
  },
  'channels.getForumTopicsByID': (req, ctx) => {
    const id = resolveChannel(ctx.model, req.channel);
    if (!ctx.model.channels.get(id)!.forum) throw new RpcFailure(400, 'CHANNEL_FORUM_MISSING');
    const want = new Set((req.topics as any[]).map(num));
    const rows = topicRows(ctx.model, id).filter((r) => want.has(r.topic.id));
    return forumTopicsResult(ctx, { kind: 'channel', id }, rows, rows.length);
  },

  'upload.getFile': (req, ctx) => {
    const offset = num(req.offset);
    const limit = num(req.limit);
    checkFileRange(offset, limit, !!req.precise);
    const { file, thumb } = resolveFileLocation(ctx.model, req.location);
    if (file.dcId !== ctx.dcId) throw new RpcFailure(303, `FILE_MIGRATE_${file.dcId}`);
    const bytes = ctx.model.fileBytes(file, offset, limit, thumb);
    return new Api.upload.File({ type: file.kind === 'photo' ? new Api.storage.FileJpeg() : new Api.storage.FileUnknown(), mtime: file.date, bytes });
  },
  'upload.getFileHashes': (req, ctx) => {
    const { file, thumb } = resolveFileLocation(ctx.model, req.location);
    if (file.dcId !== ctx.dcId) throw new RpcFailure(303, `FILE_MIGRATE_${file.dcId}`);
    // Telegram hashes the file in 128 KiB parts; one call answers the parts of the 1 MiB window at offset.
    const part = 128 * 1024;
    const size = ctx.model.fileSize(file, thumb);
    const first = Math.floor(num(req.offset) / part) * part;
    const hashes: Api.FileHash[] = [];
    for (let off = first; off < size && hashes.length < 8; off += part) {
      const chunk = ctx.model.fileBytes(file, off, part, thumb);
      hashes.push(new Api.FileHash({ offset: L(off), limit: chunk.length, hash: sha256(chunk) }));
    }
    return vectorBytes(hashes);
  },

  'auth.sendCode': (req, ctx) => {
    if (num(req.apiId) !== ctx.apiId || String(req.apiHash) !== ctx.apiHash) throw new RpcFailure(400, 'API_ID_INVALID');
    const phone = String(req.phoneNumber).replace(/\D/g, '');
    if (!phone) throw new RpcFailure(400, 'PHONE_NUMBER_INVALID');
    const phoneCodeHash = randomBytes(9).toString('hex');
    ctx.authKey.pendingLogin = { phone, phoneCodeHash };
    return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: ctx.model.loginCode.length }), phoneCodeHash, timeout: 60 });
  },
  'auth.signIn': (req, ctx) => {
    const phone = String(req.phoneNumber).replace(/\D/g, '');
    const pending = ctx.authKey.pendingLogin;
    if (!req.phoneCode) throw new RpcFailure(400, 'PHONE_CODE_EMPTY');
    if (!pending || pending.phone !== phone || pending.phoneCodeHash !== String(req.phoneCodeHash)) throw new RpcFailure(400, 'PHONE_CODE_EXPIRED');
    if (String(req.phoneCode) !== ctx.model.loginCode) throw new RpcFailure(400, 'PHONE_CODE_INVALID');
    const user = [...ctx.model.users.values()].find((u) => u.phone?.replace(/\D/g, '') === phone);
    if (!user) return new Api.auth.AuthorizationSignUpRequired({});
    ctx.authKey.pendingLogin = undefined;
    if (ctx.model.passwords.has(user.id)) {
      ctx.authKey.pendingPasswordUserId = user.id;
      throw new RpcFailure(401, 'SESSION_PASSWORD_NEEDED');
    }
    ctx.authKey.userId = user.id;
    return new Api.auth.Authorization({ user: tlUser(ctx.model, user.id) });
  },
  'auth.logOut': (_req, ctx) => {
    ctx.authKey.userId = undefined;
    return new Api.auth.LoggedOut({});
  },
  'auth.exportAuthorization': (req, ctx) => {
    const bytes = randomBytes(32);
    ctx.exportedAuth.set(bytes.toString('hex'), ctx.authKey.userId!);
    return new Api.auth.ExportedAuthorization({ id: L(num(req.dcId)), bytes });
  },
  'auth.importAuthorization': (req, ctx) => {
    const userId = ctx.exportedAuth.get(Buffer.from(req.bytes).toString('hex'));
    if (userId === undefined) throw new RpcFailure(400, 'AUTH_BYTES_INVALID');
    ctx.authKey.userId = userId;
    return new Api.auth.Authorization({ user: tlUser(ctx.model, userId) });
  },
  'account.getPassword': (_req, ctx) => {
    const userId = ctx.authKey.userId ?? ctx.authKey.pendingPasswordUserId;
    const pw = userId === undefined ? undefined : ctx.model.passwords.get(userId);
    const newAlgo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({ salt1: randomBytes(8), salt2: randomBytes(16), g: SRP_G, p: SRP_PRIME });
    const newSecureAlgo = new Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000({ salt: randomBytes(8) });
    if (!pw) return new Api.account.Password({ newAlgo, newSecureAlgo, secureRandom: randomBytes(32) });
    const c = challenge(pw);
    ctx.authKey.srp = c;
    return new Api.account.Password({
      hasPassword: true,
      currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({ salt1: pw.salt1, salt2: pw.salt2, g: SRP_G, p: SRP_PRIME }),
      srp_B: c.B,
      srpId: L(c.srpId),
      hint: pw.hint,
      newAlgo,
      newSecureAlgo,
      secureRandom: randomBytes(32),
    });
  },
  'auth.checkPassword': (req, ctx) => {
    const userId = ctx.authKey.pendingPasswordUserId ?? ctx.authKey.userId;
    const pw = userId === undefined ? undefined : ctx.model.passwords.get(userId);
    if (!pw || userId === undefined) throw new RpcFailure(400, 'PASSWORD_HASH_INVALID');
    const check = req.password;
    if (!(check instanceof Api.InputCheckPasswordSRP)) throw new RpcFailure(400, 'PASSWORD_HASH_INVALID');
    const c = ctx.authKey.srp;
    if (!c || c.srpId !== big(check.srpId)) throw new RpcFailure(400, 'SRP_ID_INVALID');
    ctx.authKey.srp = undefined; // one attempt per challenge, as Telegram
    if (!verify(pw, c, Buffer.from(check.A), Buffer.from(check.M1))) throw new RpcFailure(400, 'PASSWORD_HASH_INVALID');
    ctx.authKey.pendingPasswordUserId = undefined;
    ctx.authKey.userId = userId;
    return new Api.auth.Authorization({ user: tlUser(ctx.model, userId) });
  },
};

function topicRows(model: TelegramModel, channelId: number) {
  const peer: PeerRef = { kind: 'channel', id: channelId };
  const channel = model.channels.get(channelId)!;
  const tops = new Map<number, SandboxMessage>();
  for (const m of model.historyOf(peer)) tops.set(topicOf(m), m);
  return channel.topics
    .map((topic) => ({ topic, top: tops.get(topic.id) ?? model.message(peer, topic.id)! }))
    .filter((r) => r.top)
    .sort((a, b) => (a.topic.pinned === b.topic.pinned ? b.top.id - a.top.id : a.topic.pinned ? -1 : 1));
}

function forumTopicsResult(ctx: RpcContext, peer: PeerRef, page: ReturnType<typeof topicRows>, count: number): RpcResult {
  const { model } = ctx;
  const { users, chats } = collectPeers(model, page.map((r) => r.top), [peer]);
  return new Api.messages.ForumTopics({
    count,
    topics: page.map(
      (r) =>
        new Api.ForumTopic({
          my: r.topic.creatorId === model.selfId || undefined,
          closed: r.topic.closed || undefined,
          pinned: r.topic.pinned || undefined,
          id: r.topic.id,
          date: r.topic.date,
          title: r.topic.title,
          iconColor: r.topic.iconColor,
          topMessage: r.top.id,
          readInboxMaxId: r.top.id,
          readOutboxMaxId: r.top.id,
          unreadCount: 0,
          unreadMentionsCount: 0,
          unreadReactionsCount: 0,
          fromId: new Api.PeerUser({ userId: L(r.topic.creatorId) }),
          notifySettings: notify(),
        }),
    ),
    messages: page.map((r) => tlMessage(model, r.top)),
    chats,
    users,
    pts: model.channels.get(peer.id)!.pts,
  });
}

/** Methods an unauthorized key may call (everything else answers 401 AUTH_KEY_UNREGISTERED). */
const WITHOUT_LOGIN = new Set(['help.getConfig', 'help.getNearestDc', 'help.getAppConfig', 'auth.sendCode', 'auth.signIn', 'auth.importAuthorization', 'account.getPassword', 'auth.checkPassword']);

export function methodNameOf(req: { className?: string }): string {
  const n = req.className ?? '?';
  const i = n.lastIndexOf('.');
  return i < 0 ? n.charAt(0).toLowerCase() + n.slice(1) : n.slice(0, i + 1) + n.charAt(i + 1).toLowerCase() + n.slice(i + 2);
}

export function invokeMethod(method: string, req: unknown, ctx: RpcContext): RpcResult {
  const h = handlers[method];
  if (!h) throw new RpcFailure(400, `INPUT_METHOD_INVALID_${(req as { CONSTRUCTOR_ID?: number }).CONSTRUCTOR_ID ?? 0}`);
  if (ctx.authKey.userId === undefined && !WITHOUT_LOGIN.has(method)) throw new RpcFailure(401, 'AUTH_KEY_UNREGISTERED');
  return h(req, ctx);
}

export const implementedMethods = (): string[] => Object.keys(handlers);
