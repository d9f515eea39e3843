/**
 * A chat's history (or one forum topic's thread) read upwards by message id, 100 at a time, with
 * Api.messages.GetHistory / GetReplies called directly (GramJS's iterMessages paces itself wrongly,
 * see docs/telegram.md). Each page asks for the oldest messages above a cursor
 * (offset_id = cursor + 1, add_offset = -limit, min_id = cursor): the answer depends only on ids,
 * so messages that arrive while we page are simply the last pages, never a gap or a repeat.
 */
import { Api, type TelegramClient } from 'telegram';
import bigInt from 'big-integer';
import { type RequestPolicy, callTelegram } from './requests';

export const PAGE_SIZE = 100;

export type Thread = { readonly kind: 'history' } | { readonly kind: 'topic'; readonly topicId: number };

export interface HistoryPage {
  /** Oldest first. */
  readonly messages: Api.TypeMessage[];
  readonly users: Api.TypeUser[];
  readonly chats: Api.TypeChat[];
}

interface Window {
  readonly offsetId: number;
  readonly offsetDate: number;
  readonly addOffset: number;
  readonly limit: number;
  readonly minId: number;
}

export class ThreadReader {
  constructor(
    private readonly client: TelegramClient,
    private readonly peer: Api.TypeInputPeer,
    private readonly thread: Thread,
    private readonly policy: RequestPolicy,
  ) {}

  private async request(w: Window): Promise<HistoryPage> {
    const common = { peer: this.peer, offsetId: w.offsetId, offsetDate: w.offsetDate, addOffset: w.addOffset, limit: w.limit, maxId: 0, minId: w.minId, hash: bigInt(0) };
    const req = this.thread.kind === 'history' ? new Api.messages.GetHistory(common) : new Api.messages.GetReplies({ ...common, msgId: this.thread.topicId });
    const method = this.thread.kind === 'history' ? 'messages.getHistory' : 'messages.getReplies';
    const res = await callTelegram(method, () => this.client.invoke(req), this.policy);
    if (res instanceof Api.messages.MessagesNotModified) return { messages: [], users: [], chats: [] };
    return { messages: res.messages, users: res.users, chats: res.chats };
  }

  /** The page of up to PAGE_SIZE messages just above `cursor` (ids > cursor), oldest first. */
  async pageAbove(cursor: number): Promise<HistoryPage> {
    const page = await this.request({ offsetId: cursor + 1, offsetDate: 0, addOffset: -PAGE_SIZE, limit: PAGE_SIZE, minId: cursor });
    const seen = new Set<number>();
    const messages = page.messages.filter((m) => m.id > cursor && !seen.has(m.id) && (seen.add(m.id), true)).sort((a, b) => a.id - b.id);
    return { ...page, messages };
  }

  /** Id just below the `count` newest messages (0 when the thread has fewer): a backfill by count starts above it. */
  async cursorForCount(count: number): Promise<number> {
    const page = await this.request({ offsetId: 0, offsetDate: 0, addOffset: count - 1, limit: 1, minId: 0 });
    const m = page.messages[0];
    return m ? Math.max(0, m.id - 1) : 0;
  }

  /** Id of the newest message older than `unixSeconds` (0 when none): what is newer starts above it. */
  async cursorForDate(unixSeconds: number): Promise<number> {
    const page = await this.request({ offsetId: 0, offsetDate: unixSeconds, addOffset: 0, limit: 1, minId: 0 });
    const m = page.messages[0];
    return m ? m.id : 0;
  }
}
