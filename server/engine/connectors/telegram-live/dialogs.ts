/**
 * The account's chats (dialogs), paged with messages.getDialogs (core.telegram.org/api/offsets:
 * the next page starts after the last dialog's top message date, id and peer), for the "Add
 * Telegram Chat" picker and for resolving an id a user typed. A chat's `id` is the bare id a
 * Telegram Desktop export gives it (user id, basic group id, channel id without -100), the id the
 * archive keys chats by: a chat imported from an export and then synced live is one source.
 */
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { bounded } from './client';
import { explainTelegramError } from './errors';

export type TelegramChatType = 'user' | 'bot' | 'group' | 'supergroup' | 'channel';

/** One chat of the account, as the picker shows it and the sync connector needs it. */
export interface TelegramChat {
  /** The bare id, as in a Telegram Desktop export's `id` (and the source id `telegram:<id>`). */
  readonly id: number;
  /** The Bot API style id GramJS takes: users as is, basic groups negative, channels -100…. */
  readonly markedId: number;
  readonly title: string;
  readonly type: TelegramChatType;
  /** A supergroup with forum topics. */
  readonly forum: boolean;
  readonly username?: string;
  /** Telegram lists the chat but no longer gives access to it (removed, banned, or made private). */
  readonly forbidden?: boolean;
  /** Id of the newest message; in channels and supergroups about how many messages were ever posted. */
  readonly lastMessageId?: number;
}

const PAGE_SIZE = 100;
/** messages.getDialogs's archive folder (core.telegram.org/api/folders). */
const ARCHIVE_FOLDER = 1;

export function markedIdOf(type: TelegramChatType, id: number): number {
  if (type === 'group') return -id;
  if (type === 'supergroup' || type === 'channel') return -(1_000_000_000_000 + id);
  return id;
}

/** The chat a user, basic group or channel object describes, or undefined for anything else. */
export function chatOfEntity(entity: Api.TypeUser | Api.TypeChat, selfId?: number): TelegramChat | undefined {
  const id = Number(entity.id);
  if (entity instanceof Api.User) {
    const type = entity.bot ? 'bot' : 'user';
    const title = entity.self || id === selfId ? 'Saved Messages' : [entity.firstName, entity.lastName].filter(Boolean).join(' ') || entity.username || (entity.deleted ? 'Deleted Account' : `User ${id}`);
    return { id, markedId: markedIdOf(type, id), title, type, forum: false, ...(entity.username ? { username: entity.username } : {}) };
  }
  if (entity instanceof Api.Chat || entity instanceof Api.ChatForbidden) {
    return { id, markedId: markedIdOf('group', id), title: entity.title || `Group ${id}`, type: 'group', forum: false, ...(entity instanceof Api.ChatForbidden ? { forbidden: true } : {}) };
  }
  if (entity instanceof Api.Channel || entity instanceof Api.ChannelForbidden) {
    const type = entity.megagroup ? 'supergroup' : 'channel';
    const forum = entity instanceof Api.Channel && !!entity.forum;
    const username = entity instanceof Api.Channel ? (entity.username ?? entity.usernames?.find((u) => u.active)?.username) : undefined;
    return { id, markedId: markedIdOf(type, id), title: entity.title || `Channel ${id}`, type, forum, ...(username ? { username } : {}), ...(entity instanceof Api.ChannelForbidden ? { forbidden: true } : {}) };
  }
  return undefined;
}

export interface DialogsPage {
  readonly chats: TelegramChat[];
  /** Where the next page starts; undefined at the end of the list. */
  readonly next?: DialogsOffset;
}

export interface DialogsOffset {
  readonly folderId?: number;
  readonly offsetDate: number;
  readonly offsetId: number;
  readonly offsetPeer: Api.TypeInputPeer;
}

/** One page of dialogs (up to 100) from `offset`, in Telegram's order (pinned, then newest first). */
export async function fetchDialogsPage(client: TelegramClient, offset: DialogsOffset | undefined, signal?: AbortSignal, timeoutMs = 20_000): Promise<DialogsPage & { sawArchive: boolean }> {
  const request = new Api.messages.GetDialogs({
    folderId: offset?.folderId,
    offsetDate: offset?.offsetDate ?? 0,
    offsetId: offset?.offsetId ?? 0,
    offsetPeer: offset?.offsetPeer ?? new Api.InputPeerEmpty(),
    limit: PAGE_SIZE,
    hash: bigZero(),
  });
  const result = await bounded(client.invoke(request), timeoutMs, signal, 'Telegram did not send the list of chats in time. Check the connection and try again.').catch((err: unknown) => {
    throw explainTelegramError(err, 'listing your chats');
  });
  if (result instanceof Api.messages.DialogsNotModified) return { chats: [], sawArchive: false };
  const entities = new Map<string, Api.TypeUser | Api.TypeChat>();
  for (const u of result.users) entities.set(`user:${String(u.id)}`, u);
  for (const c of result.chats) entities.set(`chat:${String(c.id)}`, c);
  const selfId = result.users.find((u) => u instanceof Api.User && u.self)?.id;
  const chats: TelegramChat[] = [];
  let sawArchive = false;
  let last: Api.Dialog | undefined;
  for (const d of result.dialogs) {
    if (d instanceof Api.DialogFolder) {
      sawArchive ||= d.folder.id === ARCHIVE_FOLDER;
      continue;
    }
    last = d;
    const entity = entities.get(peerKey(d.peer));
    const chat = entity ? chatOfEntity(entity, selfId === undefined ? undefined : Number(selfId)) : undefined;
    if (chat) chats.push({ ...chat, lastMessageId: d.topMessage });
  }
  const complete = result instanceof Api.messages.Dialogs || result.dialogs.length < PAGE_SIZE || !last;
  if (complete || !last) return { chats, sawArchive };
  const top = result.messages.find((m) => m.id === last!.topMessage && peerKey(m.peerId) === peerKey(last!.peer));
  const lastEntity = entities.get(peerKey(last.peer));
  const next: DialogsOffset = {
    folderId: offset?.folderId,
    offsetDate: top && 'date' in top ? (top.date ?? 0) : 0,
    offsetId: last.topMessage,
    offsetPeer: lastEntity ? inputPeerOfEntity(lastEntity) : new Api.InputPeerEmpty(),
  };
  return { chats, next, sawArchive };
}

export function inputPeerOfEntity(entity: Api.TypeUser | Api.TypeChat): Api.TypeInputPeer {
  if (entity instanceof Api.User) return entity.self ? new Api.InputPeerSelf() : new Api.InputPeerUser({ userId: entity.id, accessHash: entity.accessHash ?? bigZero() });
  if (entity instanceof Api.Channel || entity instanceof Api.ChannelForbidden) return new Api.InputPeerChannel({ channelId: entity.id, accessHash: entity.accessHash ?? bigZero() });
  return new Api.InputPeerChat({ chatId: entity.id });
}

function peerKey(peer: Api.TypePeer | undefined): string {
  if (peer instanceof Api.PeerUser) return `user:${String(peer.userId)}`;
  if (peer instanceof Api.PeerChat) return `chat:${String(peer.chatId)}`;
  if (peer instanceof Api.PeerChannel) return `chat:${String(peer.channelId)}`;
  return '?';
}

function bigZero(): Api.long {
  return bigInt.zero;
}

/** A page of the picker: chats matching a search, and where the next page starts. */
export interface ChatSearchPage {
  readonly chats: TelegramChat[];
  /** Pass back to get the next page; undefined when there is no more. */
  readonly cursor?: string;
}

/**
 * The account's dialogs as far as they were fetched, fetching more pages only when a search or a
 * lookup needs them, so typing in the picker costs no request once the list is loaded. A list
 * older than `maxAgeMs` is fetched again from the top. Not shared between accounts: make a new
 * one after signing in.
 */
export class DialogDirectory {
  private chats: TelegramChat[] = [];
  private next: DialogsOffset | undefined;
  private complete = false;
  private archivePending = false;
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly client: (signal?: AbortSignal) => Promise<TelegramClient>,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  /** Up to `limit` chats whose title or username contains every word of `search`, from `cursor` on. */
  async search(search: string, cursor: string | undefined, limit: number, signal?: AbortSignal): Promise<ChatSearchPage> {
    this.expire();
    const words = normalise(search).split(/\s+/).filter(Boolean);
    const matches = (c: TelegramChat) => words.every((w) => normalise(`${c.title} @${c.username ?? ''}`).includes(w));
    let i = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
    const found: TelegramChat[] = [];
    while (found.length < limit) {
      if (i >= this.chats.length) {
        if (this.complete) return { chats: found };
        await this.loadMore(signal);
        continue;
      }
      const c = this.chats[i++]!;
      if (matches(c)) found.push(c);
    }
    return { chats: found, cursor: this.complete && i >= this.chats.length ? undefined : String(i) };
  }

  /** The chat with this bare id (or marked id), loading pages until it is found or the list ends. */
  async find(test: (c: TelegramChat) => boolean, signal?: AbortSignal): Promise<TelegramChat | undefined> {
    this.expire();
    for (let i = 0; ; i++) {
      if (i >= this.chats.length) {
        if (this.complete) return undefined;
        await this.loadMore(signal);
        i--;
        continue;
      }
      if (test(this.chats[i]!)) return this.chats[i];
    }
  }

  /** A chat already fetched (no request). */
  known(test: (c: TelegramChat) => boolean): TelegramChat | undefined {
    return this.chats.find(test);
  }

  /** Drops the list fetched so far: the next lookup starts again from the top. */
  forget(): void {
    if (this.loading) return; // a page on its way belongs to the list being fetched
    this.chats = [];
    this.next = undefined;
    this.complete = false;
    this.archivePending = false;
    this.loadedAt = 0;
  }

  private expire(): void {
    if (this.loadedAt && this.now() - this.loadedAt > this.maxAgeMs) this.forget();
  }

  private loadMore(signal?: AbortSignal): Promise<void> {
    // Two searches typed quickly share one request.
    this.loading ??= this.fetchNext(signal).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchNext(signal?: AbortSignal): Promise<void> {
    const client = await this.client(signal);
    const page = await fetchDialogsPage(client, this.next, signal);
    if (!this.loadedAt) this.loadedAt = this.now();
    const seen = new Set(this.chats.map((c) => c.markedId));
    this.chats.push(...page.chats.filter((c) => !seen.has(c.markedId)));
    this.archivePending ||= page.sawArchive && this.next?.folderId !== ARCHIVE_FOLDER;
    if (page.next) this.next = page.next;
    else if (this.archivePending) {
      // Archived chats are listed in their folder, after the main list.
      this.archivePending = false;
      this.next = { folderId: ARCHIVE_FOLDER, offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty() };
    } else this.complete = true;
  }
}

function normalise(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
