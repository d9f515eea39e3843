/**
 * One live chat brought up to date: its threads (the history, or each forum topic) read upwards
 * from their cursors, converted, pushed into the chat archive in id order, the notes finished,
 * and only then the new cursors saved (state.ts says why that order makes crashes harmless).
 *
 * Where a thread starts: the first run backfills (the newest `backfillMessages`, and/or what is
 * newer than `backfillDays`); later runs start at the cursor, or earlier to re-read the
 * `editRecheckDays` window so edits and new reactions replace their blocks. A start is moved back
 * to the first message of an album it would cut (albums are up to 10 consecutive ids), so the
 * archive never sees half an album where a clean run saw a whole one.
 */
import { Api, type TelegramClient } from 'telegram';
import { ChatArchive } from '../../../chat-archive/chatArchive';
import type { ArchiveRun } from '../../../chat-archive/types';
import type { Topic } from '../../../telegram-notes';
import type { LiveMediaRegistry } from '../media/types';
import { type ConvertContext, convertMessage } from './convert';
import { PAGE_SIZE, type Thread, ThreadReader } from './history';
import { PeerNames, type PeerKind, exportPeerId, peerOf } from './peers';
import { LongFloodWait, type RequestPolicy, SyncCancelled } from './requests';
import { HISTORY_THREAD, type LiveChatState, readLiveState, topicThread, writeLiveState } from './state';
import { listForumTopics } from './topics';

/** Telegram's album limit: a start cursor looks this many ids back for an album it would cut. */
const MAX_ALBUM = 10;
const GENERAL_TOPIC_ID = 1;

/** A chat as sync needs it (tg-auth's resolver finds it from a source). */
export interface LiveChat {
  readonly kind: PeerKind;
  /** Bare id, as the export writes it (channels without -100). */
  readonly id: number;
  readonly title: string;
  /** The export's chat type (personal_chat, private_group, public_supergroup, …). */
  readonly type: string;
  readonly forum: boolean;
  readonly inputPeer: Api.TypeInputPeer;
}

export interface LiveSyncSettings {
  readonly backfillMessages: number;
  readonly backfillDays: number;
  readonly editRecheckDays: number;
}

export interface ChatSyncInput {
  readonly client: TelegramClient;
  readonly chat: LiveChat;
  readonly run: ArchiveRun;
  readonly media: LiveMediaRegistry;
  readonly settings: LiveSyncSettings;
  readonly policy: RequestPolicy;
  readonly selfId: number;
  readonly formatDate: (unixSeconds: number) => string;
  /** Milliseconds since the epoch (for the backfill and recheck windows). */
  now(): number;
  progress(message: string, percent?: number): void;
}

export interface ChatSyncResult {
  readonly added: number;
  readonly updated: number;
  readonly cancelled: boolean;
  /** Set when a long flood wait stopped the chat early. */
  readonly paused?: string;
}

interface ThreadPlan {
  readonly key: string;
  readonly thread: Thread;
  /** The note's topic; undefined lets the archive find it (non-forum chats, as an export does). */
  readonly topic: Topic | null | undefined;
  /** The thread's newest message as the topic list gave it (forums), to skip idle topics. */
  readonly top?: { readonly id: number; readonly date: number };
}

export async function syncChat(input: ChatSyncInput): Promise<ChatSyncResult> {
  const { run, chat } = input;
  const state = await readLiveState(run.fs, run.layout.root, chat.id);
  const archive = new ChatArchive(run, { id: chat.id, title: chat.title, type: chat.type }, input.media);
  const before = { written: run.totals.messagesWritten, updated: run.totals.messagesUpdated };
  const plans = await planThreads(input, archive);
  await archive.begin();
  const cursors = { ...state.cursors };
  const names = new PeerNames();
  const ctx: ConvertContext = { chat: { kind: chat.kind, id: chat.id }, inputPeer: chat.inputPeer, selfId: input.selfId, names, media: input.media, formatDate: input.formatDate };
  let paused: string | undefined;
  try {
    for (const [i, plan] of plans.entries()) {
      // A forum reads one thread per topic: its percent is of the whole chat, not of each topic.
      const threadInput: ChatSyncInput = { ...input, progress: (message, percent) => input.progress(message, chatPercent(i, plans.length, percent)) };
      const highest = await syncThread(threadInput, archive, plan, state, ctx);
      if (highest > (cursors[plan.key] ?? 0)) cursors[plan.key] = highest;
    }
  } catch (err) {
    if (err instanceof SyncCancelled) {
      // Written so far stays consistent; the cursors stay where they were, so the next run
      // fetches again what this one read (the archive skips what it wrote).
      await archive.abort();
      return { added: run.totals.messagesWritten - before.written, updated: run.totals.messagesUpdated - before.updated, cancelled: true };
    }
    if (!(err instanceof PausedThread)) {
      await archive.dispose();
      throw err;
    }
    paused = `${chat.title}: ${err.wait.message}; the rest of this chat comes with a later sync.`;
    // What was read is written; the cursor stays an album's length below it (a cut album is read again).
    if (err.highest - MAX_ALBUM > (cursors[err.key] ?? 0)) cursors[err.key] = err.highest - MAX_ALBUM;
  }
  await archive.end();
  const next: LiveChatState = { version: 1, chatId: chat.id, cursors, lastSyncAt: new Date(input.now()).toISOString(), ...(paused ? { paused } : {}) };
  await writeLiveState(run.fs, run.layout.root, next);
  return { added: run.totals.messagesWritten - before.written, updated: run.totals.messagesUpdated - before.updated, cancelled: false, paused };
}

/**
 * How far the chat is, in percent, while thread `index` of `count` is `threadPercent` read (undefined:
 * not known, taken as its start). Below 100: the chat is done when syncChat returns.
 */
export function chatPercent(index: number, count: number, threadPercent: number | undefined): number {
  const within = Math.max(0, Math.min(100, threadPercent ?? 0)) / 100;
  return Math.min(99, ((index + within) / Math.max(1, count)) * 100);
}

class PausedThread extends Error {
  constructor(
    readonly wait: LongFloodWait,
    readonly key: string,
    readonly highest: number,
  ) {
    super(wait.message);
  }
}

async function planThreads(input: ChatSyncInput, archive: ChatArchive): Promise<ThreadPlan[]> {
  if (!input.chat.forum) return [{ key: HISTORY_THREAD, thread: { kind: 'history' }, topic: undefined }];
  const topics = await listForumTopics(input.client, input.chat.inputPeer, input.policy);
  archive.declareTopics(topics.filter((t) => t.id !== GENERAL_TOPIC_ID));
  // General's messages go to the chat's main note, as an export's do; topics in id order, so notes
  // are named in the same order on every run.
  const general = topics.find((t) => t.id === GENERAL_TOPIC_ID);
  const topOf = (t: { topMessage: number; topDate: number } | undefined) => (t && t.topMessage > 0 && t.topDate > 0 ? { id: t.topMessage, date: t.topDate } : undefined);
  const plans: ThreadPlan[] = [{ key: topicThread(GENERAL_TOPIC_ID), thread: { kind: 'topic', topicId: GENERAL_TOPIC_ID }, topic: null, top: topOf(general) }];
  for (const t of [...topics].sort((a, b) => a.id - b.id)) {
    if (t.id === GENERAL_TOPIC_ID) continue;
    plans.push({ key: topicThread(t.id), thread: { kind: 'topic', topicId: t.id }, topic: { id: t.id, title: t.title }, top: topOf(t) });
  }
  return plans;
}

/** Reads one thread from its start to its newest message; returns the highest id pushed (0 when none). */
async function syncThread(input: ChatSyncInput, archive: ChatArchive, plan: ThreadPlan, state: LiveChatState, ctx: ConvertContext): Promise<number> {
  const reader = new ThreadReader(input.client, input.chat.inputPeer, plan.thread, input.policy);
  let highest = 0;
  const cursor = state.cursors[plan.key];
  const recheckFrom = Math.floor(input.now() / 1000) - input.settings.editRecheckDays * 86400;
  // A topic with nothing newer than its cursor, and nothing inside the recheck window: no request.
  if (cursor !== undefined && plan.top && plan.top.id <= cursor && (input.settings.editRecheckDays <= 0 || plan.top.date < recheckFrom)) return 0;
  try {
    const start = await startCursor(reader, state.cursors[plan.key], input);
    const newest = await reader.cursorForCount(1).then((c) => c + 1);
    if (newest <= start && state.cursors[plan.key] !== undefined) return 0;
    // The next page is asked for as soon as this one is in, so Telegram's round trip overlaps
    // the converting and writing of this one (paging stays by id: the next cursor is known).
    let pending = reader.pageAbove(Math.max(0, start - MAX_ALBUM));
    for (let first = true; ; first = false) {
      if (input.policy.signal.aborted) throw new SyncCancelled();
      const page = await pending;
      const last = page.messages.length ? page.messages[page.messages.length - 1].id : 0;
      const more = page.messages.length >= PAGE_SIZE;
      if (more) {
        pending = reader.pageAbove(last);
        // Awaited on the next turn; a failure after this turn failed is of no interest.
        pending.catch(() => undefined);
      }
      ctx.names.addAll(page.users, page.chats);
      for (const m of first ? fromAlbumStart(page.messages, start) : page.messages) {
        const converted = convertMessage(m, ctx);
        highest = Math.max(highest, m.id);
        if (!converted) continue;
        input.run.totals.messagesSeen++;
        await archive.push(converted, undefined, plan.topic);
      }
      const percent = newest > start && last ? Math.min(99, ((last - start) / (newest - start)) * 100) : undefined;
      input.progress(`${input.chat.title}${plan.topic ? ` › ${plan.topic.title}` : ''}: ${input.run.totals.messagesSeen} messages read`, percent);
      if (!more) break;
    }
  } catch (err) {
    if (err instanceof LongFloodWait) throw new PausedThread(err, plan.key, highest);
    throw err;
  }
  return highest;
}

/** Where a thread's reading starts (exclusive): the cursor, the recheck window, or the backfill limits. */
async function startCursor(reader: ThreadReader, cursor: number | undefined, input: ChatSyncInput): Promise<number> {
  const { settings } = input;
  const nowSeconds = Math.floor(input.now() / 1000);
  if (cursor !== undefined) {
    if (settings.editRecheckDays <= 0) return cursor;
    const recheck = await reader.cursorForDate(nowSeconds - settings.editRecheckDays * 86400);
    return Math.min(cursor, recheck);
  }
  let start = 0;
  if (settings.backfillMessages > 0) start = Math.max(start, await reader.cursorForCount(settings.backfillMessages));
  if (settings.backfillDays > 0) start = Math.max(start, await reader.cursorForDate(nowSeconds - settings.backfillDays * 86400));
  return start;
}

/**
 * The first page's messages from the start on, moved back to the first message of an album the
 * start would cut (consecutive ids, same sender, same second, photos or documents).
 */
function fromAlbumStart(msgs: readonly Api.TypeMessage[], start: number): Api.TypeMessage[] {
  let i = msgs.findIndex((m) => m.id > start);
  if (i < 0) return [];
  while (i > 0 && sameAlbum(msgs[i - 1], msgs[i])) i--;
  return msgs.slice(i);
}

function sameAlbum(a: Api.TypeMessage, b: Api.TypeMessage): boolean {
  if (!(a instanceof Api.Message) || !(b instanceof Api.Message)) return false;
  const visual = (m: Api.Message) => m.media instanceof Api.MessageMediaPhoto || m.media instanceof Api.MessageMediaDocument;
  return b.id === a.id + 1 && visual(a) && visual(b) && a.date === b.date && senderKey(a) === senderKey(b) && (a.groupedId === undefined || String(a.groupedId) === String(b.groupedId));
}

function senderKey(m: Api.Message): string {
  const p = peerOf(m.fromId);
  return p ? exportPeerId(p) : '';
}
