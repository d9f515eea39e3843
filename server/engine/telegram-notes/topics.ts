/**
 * Forum topics recovered from an export, which has no topic field (see docs/telegram.md): a
 * message in a topic replies to the topic's `topic_created` message, or to another message of
 * the topic (follow the chain). Memory: one small entry per message id seen (ids are dense, so
 * pages of Int32Array), plus the topics themselves.
 *
 * A message outside every topic (the General topic, or a reply whose target is not in the
 * export) gets `undefined`: it belongs in the chat's main note.
 */
import type { ExportMessage } from './message';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
/** Stored in the id map: 0 = unknown id, -1 = known, in no topic; >0 = topic id. */
const NO_TOPIC = -1;

/** id → int32 map in pages of 4096 ids; far cheaper than a Map for millions of dense ids. */
class IdMap {
  private readonly pages = new Map<number, Int32Array>();

  get(id: number): number {
    return this.pages.get(Math.floor(id / PAGE_SIZE))?.[((id % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE] ?? 0;
  }

  set(id: number, value: number): void {
    const key = Math.floor(id / PAGE_SIZE);
    let page = this.pages.get(key);
    if (!page) {
      page = new Int32Array(PAGE_SIZE);
      this.pages.set(key, page);
    }
    page[((id % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE] = value;
  }
}

export interface Topic {
  id: number;
  title: string;
}

export class TopicTracker {
  private readonly ids = new IdMap();
  private readonly titles = new Map<number, string>();

  constructor(readonly isForum: boolean) {}

  /** The topic `msg` belongs to, recording it for later replies. Call once per message, in order. */
  topicOf(msg: ExportMessage): Topic | undefined {
    if (!this.isForum || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id) || Math.abs(msg.id) > 0x7fffffff) return undefined;
    let topic: number | undefined;
    if (msg.type === 'service' && msg.action === 'topic_created') {
      topic = msg.id;
      this.titles.set(msg.id, typeof msg.title === 'string' && msg.title.trim() !== '' ? msg.title : `Topic ${msg.id}`);
    } else {
      // Telegram Desktop writes no reply reference on service messages (pins name their message);
      // one is used if present, in case an exporter version adds it
      const target =
        typeof msg.reply_to_peer_id === 'string'
          ? undefined
          : msg.type === 'service' && msg.action === 'pin_message' && msg.reply_to_message_id === undefined
            ? msg.message_id
            : msg.reply_to_message_id;
      if (typeof target === 'number' && Number.isSafeInteger(target) && Math.abs(target) <= 0x7fffffff) {
        const t = this.ids.get(target);
        if (t > 0) topic = t;
      }
      if (topic !== undefined && msg.type === 'service' && msg.action === 'topic_edit' && typeof msg.new_title === 'string' && msg.new_title.trim() !== '') {
        this.titles.set(topic, msg.new_title);
      }
    }
    this.ids.set(msg.id, topic ?? NO_TOPIC);
    return topic !== undefined ? { id: topic, title: this.titles.get(topic)! } : undefined;
  }

  /** A topic known from elsewhere (live sync's topic list): its id is a topic root from now on. */
  declare(topic: Topic): void {
    if (!this.isForum || !Number.isSafeInteger(topic.id)) return;
    this.titles.set(topic.id, topic.title.trim() !== '' ? topic.title : `Topic ${topic.id}`);
  }

  /** Records the topic a connector placed `msg` in (instead of finding it from replies). */
  place(msg: ExportMessage, topic: Topic | undefined): Topic | undefined {
    if (!this.isForum || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id) || Math.abs(msg.id) > 0x7fffffff) return undefined;
    if (topic && !this.titles.has(topic.id)) this.declare(topic);
    this.ids.set(msg.id, topic?.id ?? NO_TOPIC);
    return topic ? { id: topic.id, title: this.titles.get(topic.id)! } : undefined;
  }

  /** True when `messageId` is a topic's first message (a reply to it only places a message in the topic). */
  isTopicRoot(messageId: number): boolean {
    return this.titles.has(messageId);
  }

  /** Topics seen so far, by id, with their latest known titles. */
  topics(): Topic[] {
    return Array.from(this.titles, ([id, title]) => ({ id, title })).sort((a, b) => a.id - b.id);
  }
}
