// The sandbox's scriptable world: users, basic groups, channels/supergroups (forums with topics), messages of
// every kind and media whose bytes are generated on demand from a seed, so a 20 MB file costs no memory.
// Ids follow Telegram's rules: private chats and basic groups share one message-id sequence per account,
// every channel has its own; message ids only grow, so paging by id stays stable while messages arrive.
import { sha256, streamBytes } from './crypto';
import { type SrpPassword, makePassword } from './srp';

export type PeerKind = 'user' | 'chat' | 'channel';
export interface PeerRef {
  kind: PeerKind;
  id: number;
}

export interface SandboxUser {
  id: number;
  accessHash: bigint;
  firstName: string;
  lastName?: string;
  username?: string;
  phone?: string;
  bot?: boolean;
  about?: string;
}

export interface SandboxGroup {
  id: number;
  title: string;
  date: number;
  creatorId: number;
  memberIds: number[];
  about?: string;
}

export interface SandboxTopic {
  /** Equal to the id of its topic-created service message, as in Telegram. */
  id: number;
  title: string;
  date: number;
  iconColor: number;
  creatorId: number;
  closed?: boolean;
  pinned?: boolean;
}

export interface SandboxChannel {
  id: number;
  accessHash: bigint;
  title: string;
  username?: string;
  /** false = broadcast channel; true = supergroup. */
  megagroup: boolean;
  forum: boolean;
  date: number;
  about?: string;
  topics: SandboxTopic[];
  nextMessageId: number;
  pts: number;
}

export type EntityType =
  | 'mention' | 'hashtag' | 'botCommand' | 'url' | 'email' | 'bold' | 'italic' | 'code' | 'pre' | 'textUrl'
  | 'mentionName' | 'phone' | 'cashtag' | 'underline' | 'strike' | 'bankCard' | 'spoiler' | 'customEmoji' | 'blockquote';

export interface EntitySpec {
  type: EntityType;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  userId?: number;
  documentId?: bigint;
  collapsed?: boolean;
}

export type DocumentKind = 'file' | 'video' | 'voice' | 'audio' | 'round' | 'animation' | 'sticker';

export interface SandboxFile {
  kind: 'document' | 'photo';
  id: bigint;
  accessHash: bigint;
  /** The reference a client must present now; older ones answer FILE_REFERENCE_EXPIRED. */
  fileReference: Buffer;
  expiredReferences: Buffer[];
  /** The DC the file lives on; upload.getFile elsewhere answers FILE_MIGRATE_X. */
  dcId: number;
  date: number;
  seed: string;
  /** Documents. */
  size: number;
  mimeType: string;
  documentKind?: DocumentKind;
  fileName?: string;
  duration?: number;
  width?: number;
  height?: number;
  performer?: string;
  title?: string;
  stickerEmoji?: string;
  /** Photos: one entry per size type, each with its own bytes. */
  photoSizes?: { type: string; w: number; h: number; size: number }[];
}

export type MediaSpec =
  | { type: 'photo'; file: SandboxFile }
  | { type: 'document'; file: SandboxFile }
  | { type: 'poll'; question: string; answers: { text: string; voters: number; chosen?: boolean; correct?: boolean }[]; closed?: boolean; quiz?: boolean; multipleChoice?: boolean }
  | { type: 'geo'; lat: number; long: number }
  | { type: 'venue'; lat: number; long: number; title: string; address: string }
  | { type: 'contact'; phone: string; firstName: string; lastName: string; userId?: number };

export type ActionSpec =
  | { type: 'chatCreate'; title: string; users: number[] }
  | { type: 'chatAddUser'; users: number[] }
  | { type: 'channelCreate'; title: string }
  | { type: 'pinMessage' }
  | { type: 'topicCreate'; title: string; iconColor: number }
  | { type: 'topicEdit'; title?: string; closed?: boolean }
  | { type: 'phoneCall'; duration: number; video?: boolean };

export interface ReactionSpec {
  emoji?: string;
  customEmojiId?: bigint;
  paid?: boolean;
  count: number;
}

export interface SandboxMessage {
  id: number;
  peer: PeerRef;
  date: number;
  fromId?: PeerRef;
  out?: boolean;
  post?: boolean;
  postAuthor?: string;
  text: string;
  entities?: EntitySpec[];
  media?: MediaSpec;
  /** msgId: the message replied to; topId: thread/topic root when msgId is not the root itself. */
  replyTo?: { msgId: number; topId?: number; forumTopic?: boolean };
  fwdFrom?: { fromId?: PeerRef; fromName?: string; date: number; channelPost?: number; postAuthor?: string };
  groupedId?: bigint;
  reactions?: ReactionSpec[];
  editDate?: number;
  views?: number;
  forwards?: number;
  pinned?: boolean;
  viaBotId?: number;
  action?: ActionSpec;
}

export type NewMessage = Omit<SandboxMessage, 'id' | 'peer' | 'date'> & { date?: number };

export function peerKey(p: PeerRef): string {
  return `${p.kind}:${p.id}`;
}

/** The id a GramJS/Bot-API caller sees: users positive, basic groups negative, channels -100…. */
export function markedPeerId(p: PeerRef): number {
  if (p.kind === 'user') return p.id;
  if (p.kind === 'chat') return -p.id;
  return -(1_000_000_000_000 + p.id);
}

function hash64(label: string): bigint {
  return sha256(Buffer.from(label)).readBigInt64LE(0);
}

/** A small deterministic PRNG (mulberry32), so the demo data is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TelegramModel {
  readonly users = new Map<number, SandboxUser>();
  readonly groups = new Map<number, SandboxGroup>();
  readonly channels = new Map<number, SandboxChannel>();
  readonly files = new Map<bigint, SandboxFile>();
  private readonly histories = new Map<string, SandboxMessage[]>();
  /** Private chats and basic groups share the account's message-id sequence. */
  private nextCommonMessageId = 1;
  private nextUserId = 200_000_001;
  private nextGroupId = 300_000_001;
  private nextChannelId = 1_400_000_001;
  private nextFileId = 5_000_000_000_000_001n;
  private nextGroupedId = 13_000_000_000_000_001n;
  /** Account-wide pts, bumped for every non-channel message (updates.getState reports it). */
  pts = 1;
  /** Clock for new messages when the caller does not give a date. */
  now: () => number = () => Math.floor(Date.now() / 1000);
  readonly selfId: number;
  /** Code accepted by auth.signIn; phone numbers that exist are those of model users. */
  loginCode = '12345';
  /** How long a sent login code stays valid (sb.clock seconds); later, auth.signIn answers PHONE_CODE_EXPIRED. */
  loginCodeLifetimeSeconds = 300;
  /**
   * How long a QR login token (auth.exportLoginToken) stays valid, in sb.clock seconds. Telegram: "usually 30
   * seconds" (core.telegram.org/api/qr-login); later, auth.acceptLoginToken answers AUTH_TOKEN_EXPIRED.
   */
  loginTokenLifetimeSeconds = 30;
  /** The DC new files are stored on unless told otherwise. */
  defaultDcId = 2;
  /** Two-step verification passwords (SRP verifiers), by user id. */
  readonly passwords = new Map<number, SrpPassword>();

  constructor(self?: Partial<SandboxUser>) {
    const me = this.addUser({ firstName: 'Sandbox', lastName: 'Tester', username: 'sandbox_me', phone: '15550001000', ...self });
    this.selfId = me.id;
  }

  /** Turns on two-step verification: auth.signIn then answers SESSION_PASSWORD_NEEDED. */
  setPassword(password: string, hint?: string, userId = this.selfId): void {
    this.passwords.set(userId, makePassword(password, hint));
  }

  get self(): SandboxUser {
    return this.users.get(this.selfId)!;
  }

  addUser(u: Partial<SandboxUser> & { firstName: string }): SandboxUser {
    const id = u.id ?? this.nextUserId++;
    const user: SandboxUser = { accessHash: hash64(`user:${id}`), ...u, id };
    this.users.set(id, user);
    return user;
  }

  addGroup(g: { title: string; memberIds?: number[]; date?: number; creatorId?: number; about?: string }): SandboxGroup {
    const id = this.nextGroupId++;
    const group: SandboxGroup = {
      id,
      title: g.title,
      date: g.date ?? this.now(),
      creatorId: g.creatorId ?? this.selfId,
      memberIds: [...new Set([this.selfId, ...(g.memberIds ?? [])])],
      about: g.about,
    };
    this.groups.set(id, group);
    this.histories.set(peerKey({ kind: 'chat', id }), []);
    return group;
  }

  addChannel(c: { title: string; username?: string; megagroup?: boolean; forum?: boolean; date?: number; about?: string }): SandboxChannel {
    const id = this.nextChannelId++;
    const channel: SandboxChannel = {
      id,
      accessHash: hash64(`channel:${id}`),
      title: c.title,
      username: c.username,
      megagroup: c.megagroup ?? !!c.forum,
      forum: !!c.forum,
      date: c.date ?? this.now(),
      about: c.about,
      topics: [],
      nextMessageId: 1,
      pts: 1,
    };
    this.channels.set(id, channel);
    this.histories.set(peerKey({ kind: 'channel', id }), []);
    if (channel.forum) {
      // Telegram forums always have the General topic (id 1), rooted at the channel's first message.
      this.addMessage({ kind: 'channel', id }, { text: '', action: { type: 'channelCreate', title: c.title }, fromId: { kind: 'user', id: this.selfId }, date: channel.date });
      channel.topics.push({ id: 1, title: 'General', date: channel.date, iconColor: 0x6fb9f0, creatorId: this.selfId });
    }
    return channel;
  }

  /** Creates a forum topic: a topic-created service message whose id becomes the topic id. */
  addTopic(channelId: number, t: { title: string; iconColor?: number; date?: number; creatorId?: number; closed?: boolean; pinned?: boolean }): SandboxTopic {
    const channel = this.channels.get(channelId);
    if (!channel?.forum) throw new Error(`channel ${channelId} is not a forum`);
    const iconColor = t.iconColor ?? 0xffd67e;
    const creatorId = t.creatorId ?? this.selfId;
    const msg = this.addMessage({ kind: 'channel', id: channelId }, { text: '', action: { type: 'topicCreate', title: t.title, iconColor }, fromId: { kind: 'user', id: creatorId }, date: t.date });
    const topic: SandboxTopic = { id: msg.id, title: t.title, date: msg.date, iconColor, creatorId, closed: t.closed, pinned: t.pinned };
    channel.topics.push(topic);
    return topic;
  }

  /** Adds a message at the end of a peer's history (it gets the next id); messages may arrive at any time. */
  addMessage(peer: PeerRef, m: NewMessage): SandboxMessage {
    const history = this.writableHistory(peer);
    let id: number;
    if (peer.kind === 'channel') {
      const channel = this.channels.get(peer.id)!;
      id = channel.nextMessageId++;
      channel.pts++;
    } else {
      id = this.nextCommonMessageId++;
      this.pts++;
    }
    const last = history[history.length - 1];
    const date = m.date ?? Math.max(this.now(), last?.date ?? 0);
    const msg: SandboxMessage = { ...m, id, peer, date };
    if (msg.fromId === undefined && !(peer.kind === 'channel' && !this.channels.get(peer.id)!.megagroup)) {
      msg.fromId = { kind: 'user', id: peer.kind === 'user' && !m.out ? peer.id : this.selfId };
    }
    if (peer.kind === 'channel' && !this.channels.get(peer.id)!.megagroup) msg.post = true;
    history.push(msg);
    return msg;
  }

  /** Adds a topic message: replies to the topic root (or to replyToId inside the topic). */
  addTopicMessage(channelId: number, topicId: number, m: NewMessage & { replyToId?: number }): SandboxMessage {
    const { replyToId, ...rest } = m;
    const replyTo = topicId === 1 && !replyToId ? undefined : replyToId && replyToId !== topicId ? { msgId: replyToId, topId: topicId, forumTopic: true } : { msgId: topicId, forumTopic: true };
    return this.addMessage({ kind: 'channel', id: channelId }, { ...rest, replyTo });
  }

  newGroupedId(): bigint {
    return this.nextGroupedId++;
  }

  /** A peer's messages, oldest first. A user without a chat yet reads as empty (and gets no dialog). */
  historyOf(peer: PeerRef): SandboxMessage[] {
    const h = this.histories.get(peerKey(peer));
    if (h) return h;
    if (peer.kind !== 'user' || !this.users.has(peer.id)) throw new Error(`unknown peer ${peerKey(peer)}`);
    return [];
  }

  private writableHistory(peer: PeerRef): SandboxMessage[] {
    let h = this.histories.get(peerKey(peer));
    if (!h) {
      this.historyOf(peer); // validates the peer
      h = [];
      this.histories.set(peerKey(peer), h);
    }
    return h;
  }

  hasHistory(peer: PeerRef): boolean {
    return this.histories.has(peerKey(peer));
  }

  /** Every peer with a history, i.e. the account's dialogs. */
  dialogPeers(): PeerRef[] {
    const out: PeerRef[] = [];
    for (const key of this.histories.keys()) {
      const [kind, id] = key.split(':');
      out.push({ kind: kind as PeerKind, id: Number(id) });
    }
    return out;
  }

  message(peer: PeerRef, id: number): SandboxMessage | undefined {
    const h = this.histories.get(peerKey(peer));
    if (!h) return undefined;
    let lo = 0;
    let hi = h.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid].id === id) return h[mid];
      if (h[mid].id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** A message id from the account-wide sequence (private chats and basic groups), wherever it lives. */
  findCommonMessage(id: number): SandboxMessage | undefined {
    for (const [key, h] of this.histories) {
      if (key.startsWith('channel:')) continue;
      const m = this.message(h[0]?.peer ?? { kind: 'user', id: 0 }, id);
      if (m) return m;
    }
    return undefined;
  }

  editMessage(peer: PeerRef, id: number, patch: Partial<Omit<SandboxMessage, 'id' | 'peer'>>): SandboxMessage {
    const m = this.message(peer, id);
    if (!m) throw new Error(`no message ${id} in ${peerKey(peer)}`);
    Object.assign(m, patch, { editDate: patch.editDate ?? this.now() });
    return m;
  }

  findUsername(username: string): PeerRef | undefined {
    const u = username.toLowerCase();
    for (const user of this.users.values()) if (user.username?.toLowerCase() === u) return { kind: 'user', id: user.id };
    for (const ch of this.channels.values()) if (ch.username?.toLowerCase() === u) return { kind: 'channel', id: ch.id };
    return undefined;
  }

  // ---- media -------------------------------------------------------------------------------------------

  addDocument(d: { kind?: DocumentKind; size: number; mimeType?: string; fileName?: string; duration?: number; width?: number; height?: number; performer?: string; title?: string; stickerEmoji?: string; dcId?: number; date?: number; seed?: string }): SandboxFile {
    const id = this.nextFileId++;
    const kind = d.kind ?? 'file';
    const defaults: Record<DocumentKind, string> = {
      file: 'application/octet-stream', video: 'video/mp4', voice: 'audio/ogg', audio: 'audio/mpeg', round: 'video/mp4', animation: 'video/mp4', sticker: 'image/webp',
    };
    const file: SandboxFile = {
      kind: 'document',
      id,
      accessHash: hash64(`file:${id}`),
      fileReference: this.freshReference(id, 0),
      expiredReferences: [],
      dcId: d.dcId ?? this.defaultDcId,
      date: d.date ?? this.now(),
      seed: d.seed ?? `document:${id}`,
      size: d.size,
      mimeType: d.mimeType ?? defaults[kind],
      documentKind: kind,
      fileName: d.fileName,
      duration: d.duration,
      width: d.width,
      height: d.height,
      performer: d.performer,
      title: d.title,
      stickerEmoji: d.stickerEmoji,
    };
    this.files.set(id, file);
    return file;
  }

  addPhoto(p: { width?: number; height?: number; dcId?: number; date?: number; seed?: string } = {}): SandboxFile {
    const id = this.nextFileId++;
    const w = p.width ?? 1280;
    const h = p.height ?? 960;
    const scale = (max: number) => {
      const f = Math.min(1, max / Math.max(w, h));
      return { w: Math.round(w * f), h: Math.round(h * f) };
    };
    const m = scale(320);
    const x = scale(800);
    const y = scale(1280);
    const file: SandboxFile = {
      kind: 'photo',
      id,
      accessHash: hash64(`file:${id}`),
      fileReference: this.freshReference(id, 0),
      expiredReferences: [],
      dcId: p.dcId ?? this.defaultDcId,
      date: p.date ?? this.now(),
      seed: p.seed ?? `photo:${id}`,
      size: 0,
      mimeType: 'image/jpeg',
      photoSizes: [
        { type: 'm', ...m, size: Math.max(1, Math.round(m.w * m.h * 0.12)) },
        { type: 'x', ...x, size: Math.max(1, Math.round(x.w * x.h * 0.12)) },
        { type: 'y', ...y, size: Math.max(1, Math.round(y.w * y.h * 0.12)) },
      ],
    };
    this.files.set(id, file);
    return file;
  }

  /** Size of a stored file (a photo's largest size unless a thumb type is given). */
  fileSize(file: SandboxFile, thumbType = ''): number {
    if (file.kind === 'document') return file.size;
    const sizes = file.photoSizes!;
    const s = thumbType ? sizes.find((x) => x.type === thumbType) : sizes[sizes.length - 1];
    return s ? s.size : -1;
  }

  /** The bytes a download of the file (or photo size) must produce, for any range. */
  fileBytes(file: SandboxFile | bigint, offset = 0, length?: number, thumbType = ''): Buffer {
    const f = typeof file === 'bigint' ? this.files.get(file) : file;
    if (!f) throw new Error('unknown file');
    const size = this.fileSize(f, thumbType);
    const start = Math.min(Math.max(0, offset), size);
    const end = Math.min(size, length === undefined ? size : start + length);
    const type = f.kind === 'photo' ? thumbType || f.photoSizes![f.photoSizes!.length - 1].type : '';
    return streamBytes(type ? `${f.seed}:${type}` : f.seed, start, end - start);
  }

  /** Invalidates a file's reference(s): clients must fetch the message again to get the new one. */
  expireFileReference(fileId?: bigint): void {
    const targets = fileId === undefined ? [...this.files.values()] : [this.files.get(fileId)!].filter(Boolean);
    for (const f of targets) {
      f.expiredReferences.push(f.fileReference);
      f.fileReference = this.freshReference(f.id, f.expiredReferences.length);
    }
  }

  private freshReference(id: bigint, generation: number): Buffer {
    return Buffer.concat([Buffer.from([0x02]), sha256(Buffer.from(`fileref:${id}:${generation}`)).subarray(0, 20)]);
  }

  /** Summary of every chat with a history, for test fixtures and the SANDBOX line. */
  chatList(): { id: number; kind: PeerKind; rawId: number; title: string; username?: string; messageCount: number; forum?: boolean }[] {
    return this.dialogPeers().map((p) => {
      const count = this.historyOf(p).length;
      if (p.kind === 'user') {
        const u = this.users.get(p.id)!;
        return { id: markedPeerId(p), kind: p.kind, rawId: p.id, title: [u.firstName, u.lastName].filter(Boolean).join(' '), username: u.username, messageCount: count };
      }
      if (p.kind === 'chat') return { id: markedPeerId(p), kind: p.kind, rawId: p.id, title: this.groups.get(p.id)!.title, messageCount: count };
      const c = this.channels.get(p.id)!;
      return { id: markedPeerId(p), kind: p.kind, rawId: p.id, title: c.title, username: c.username, messageCount: count, forum: c.forum || undefined };
    });
  }
}
