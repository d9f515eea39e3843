// Lists and their paging (core.telegram.org/api/offsets): message histories and threads, dialogs, forum topics.
import { Api } from 'telegram';
import { type PeerRef, type SandboxMessage, type SandboxTopic, type TelegramModel, markedPeerId } from './model';
import type { RpcContext } from './rpc';
import { L, type RpcResult, RpcFailure, collectPeers, notify, num, resolveChannel, tlMessage, tlPeer } from './tl';

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

export function historyParams(req: any): HistoryParams {
  return { offsetId: num(req.offsetId), offsetDate: num(req.offsetDate), addOffset: num(req.addOffset), limit: num(req.limit), maxId: num(req.maxId), minId: num(req.minId) };
}

export function messagesResult(ctx: RpcContext, peer: PeerRef, list: SandboxMessage[], page: SandboxMessage[], hash: bigint, sliced: boolean): RpcResult {
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

export function threadOf(model: TelegramModel, peer: PeerRef, rootId: number): SandboxMessage[] {
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

export function dialogOrder(model: TelegramModel): { peer: PeerRef; top: SandboxMessage }[] {
  const rows: { peer: PeerRef; top: SandboxMessage }[] = [];
  for (const peer of model.dialogPeers()) {
    const h = model.historyOf(peer);
    if (h.length) rows.push({ peer, top: h[h.length - 1] });
  }
  return rows.sort((a, b) => cmpKey(dialogKey(b), dialogKey(a)));
}

export function dialogKey(r: { peer: PeerRef; top: SandboxMessage }): [number, number, number] {
  return [r.top.date, r.top.id, markedPeerId(r.peer)];
}

export function cmpKey(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export function tlDialog(model: TelegramModel, r: { peer: PeerRef; top: SandboxMessage }): Api.Dialog {
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

/**
 * A forum's topics as Telegram lists them: pinned topics first, then by last activity (the date, then the id,
 * of each topic's newest message), newest first. The position of a topic is its key
 * [pinned, last message date, last message id, topic id], compared from the left.
 */
export function topicRows(model: TelegramModel, channelId: number): TopicRow[] {
  const peer: PeerRef = { kind: 'channel', id: channelId };
  const channel = model.channels.get(channelId)!;
  const tops = new Map<number, SandboxMessage>();
  for (const m of model.historyOf(peer)) tops.set(topicOf(m), m);
  return channel.topics
    .map((topic) => ({ topic, top: tops.get(topic.id) ?? model.message(peer, topic.id)! }))
    .filter((r) => r.top)
    .sort((a, b) => cmpKey(topicKey(b), topicKey(a)));
}

export interface TopicRow {
  topic: SandboxTopic;
  top: SandboxMessage;
}

function topicKey(r: TopicRow): number[] {
  // `pinned` is absent rather than false on most topics (General among them): compare it as a number.
  return [r.topic.pinned ? 1 : 0, r.top.date, r.top.id, r.topic.id];
}

export function forumTopicsResult(ctx: RpcContext, peer: PeerRef, page: TopicRow[], count: number): RpcResult {
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

export function forumTopics(req: any, ctx: RpcContext): RpcResult {
  const id = resolveChannel(ctx.model, req.channel);
  const channel = ctx.model.channels.get(id)!;
  if (!channel.forum) throw new RpcFailure(400, 'CHANNEL_FORUM_MISSING');
  const peer: PeerRef = { kind: 'channel', id };
  const q = req.q ? String(req.q).toLowerCase() : '';
  const rows = topicRows(ctx.model, id).filter((r) => !q || r.topic.title.toLowerCase().includes(q));
  const limit = num(req.limit) <= 0 ? 20 : Math.min(num(req.limit), 100);
  // core.telegram.org/method/channels.getForumTopics: offset_date and offset_id are the date and id of the last
  // message of the last topic found, offset_topic that topic's id; "use 0 or any date in the future to get
  // results from the last topic", i.e. from the top of the list. The next page holds the topics listed after
  // that position, so a topic that turns active meanwhile moves up without being listed twice.
  const offsetDate = num(req.offsetDate);
  const offsetTopic = num(req.offsetTopic);
  let after = rows;
  if (offsetDate > 0 && offsetDate <= ctx.model.now()) {
    const pinned = channel.topics.find((t) => t.id === offsetTopic)?.pinned ? 1 : 0;
    const offset = [pinned, offsetDate, num(req.offsetId), offsetTopic];
    after = rows.filter((r) => cmpKey(topicKey(r), offset) < 0);
  }
  return forumTopicsResult(ctx, peer, after.slice(0, limit), rows.length);
}

export function forumTopicsByID(req: any, ctx: RpcContext): RpcResult {
  const id = resolveChannel(ctx.model, req.channel);
  if (!ctx.model.channels.get(id)!.forum) throw new RpcFailure(400, 'CHANNEL_FORUM_MISSING');
  const want = new Set((req.topics as any[]).map(num));
  const rows = topicRows(ctx.model, id).filter((r) => want.has(r.topic.id));
  return forumTopicsResult(ctx, { kind: 'channel', id }, rows, rows.length);
}
