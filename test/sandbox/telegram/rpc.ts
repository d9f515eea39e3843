// API methods answered from the model, encoded with GramJS's layer-198 TL classes. Each handler returns a TL
// object (or raw bytes for bare vectors) or throws RpcFailure, which the server turns into rpc_error.
// Semantics follow core.telegram.org: api/offsets for paging, api/files for upload.getFile, api/errors.
import { Api } from 'telegram';
import { sha256 } from './crypto';
import type { SandboxFile, TelegramModel, PeerRef, SandboxMessage } from './model';
import { markedPeerId } from './model';
import { cmpKey, dialogKey, dialogOrder, forumTopics, forumTopicsByID, historyParams, messagesResult, sliceHistory, threadOf, tlDialog } from './paging';
import type { ClientInfo, LoginTokenBook } from './qr-login';
import { authHandlers } from './rpc-auth';
import type { SrpChallenge } from './srp';
import { L, type RpcResult, RpcFailure, big, collectPeers, notify, num, resolveChannel, resolvePeer, resolveUser, tlChat, tlMessage, tlPeer, tlUser, vectorBytes } from './tl';

export { RpcFailure, type RpcResult } from './tl';

export interface AuthKeyRecord {
  key: Buffer;
  id: bigint;
  /** The signed-in user, or undefined while the key is not authorized (401 AUTH_KEY_UNREGISTERED). */
  userId?: number;
  /** The code sent by auth.sendCode: for this phone, under this hash, at this time (ms on the sandbox clock). */
  pendingLogin?: { phone: string; phoneCodeHash: string; sentAtMs: number };
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
  /** The DC every account lives on (sign-in elsewhere answers PHONE_MIGRATE_X). */
  homeDcId: number;
  /** Tokens from auth.exportAuthorization (hex bytes → account and the DC they are for), one use each. */
  exportedAuth: Map<string, { userId: number; dcId: number }>;
  /** The sandbox clock in ms (code lifetimes, like flood waits, run on it). */
  now(): number;
  /** QR login tokens (qr-login.ts), shared by every DC. */
  loginTokens: LoginTokenBook;
  /** The app on the other end, as its initConnection described it. */
  client: ClientInfo;
}

export type Handler = (req: any, ctx: RpcContext) => RpcResult;

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

  'channels.getForumTopics': forumTopics,
  'channels.getForumTopicsByID': forumTopicsByID,

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

  ...authHandlers,
};

const WITHOUT_LOGIN = new Set(['help.getConfig', 'help.getNearestDc', 'help.getAppConfig', 'auth.sendCode', 'auth.signIn', 'auth.importAuthorization', 'account.getPassword', 'auth.checkPassword', 'auth.exportLoginToken', 'auth.importLoginToken']);

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

/** When a FILE_MIGRATE fault fires, the file really moves, so the client's retry on DC X succeeds. */
export function moveRequestedFile(model: TelegramModel, query: any, dcId: number): void {
  const loc = query?.location;
  if (!loc || loc.id === undefined) return;
  const f = model.files.get(BigInt(String(loc.id)));
  if (f) f.dcId = dcId;
}
