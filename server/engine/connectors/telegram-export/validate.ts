/**
 * Checks one entry of a chat's `messages` array before it reaches the chat archive: what is not a
 * message is reported and skipped, odd but readable messages are kept with one warning per kind.
 * One validator per chat (it remembers the ids it met and the kinds it warned about).
 */
import { MAX_MESSAGE_ID } from '../../chat-archive/chatIndex';
import type { ExportMessage } from '../../telegram-notes';

/** Entity types Telegram Desktop writes (docs/telegram.md); others are warned about once per chat. */
const KNOWN_ENTITIES = new Set([
  'plain', 'mention', 'hashtag', 'bot_command', 'link', 'email', 'bold', 'italic', 'code', 'pre', 'text_link', 'mention_name',
  'phone', 'cashtag', 'underline', 'strikethrough', 'blockquote', 'bank_card', 'spoiler', 'custom_emoji', 'unknown',
]);

export class ExportMessageValidator {
  private readonly idsSeen = new IdSet();
  private readonly warned = new Set<string>();

  check(value: unknown, index: number, warn: (item: string | number, message: string) => void): ExportMessage | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      warn(`#${index + 1}`, 'skipped an entry of "messages" that is not a message object');
      return undefined;
    }
    const m = value as Record<string, unknown>;
    if (typeof m.id !== 'number' || !Number.isInteger(m.id) || m.id <= 0 || m.id > MAX_MESSAGE_ID) {
      warn(`#${index + 1}`, `skipped a message without a valid id (${JSON.stringify(m.id) ?? 'none'})`);
      return undefined;
    }
    // Two messages with one id would take turns replacing each other's block on every import.
    if (!this.idsSeen.add(m.id)) {
      warn(m.id, 'skipped a second message with the same id in this chat (the first one is kept)');
      return undefined;
    }
    const type = typeof m.type === 'string' ? m.type : 'message';
    m.type = type;
    if (type !== 'message' && type !== 'service' && type !== 'unsupported' && !this.warned.has(type)) {
      this.warned.add(type);
      warn(m.id, `message type "${type}" is not one Telegram Desktop documents; archived as far as it can be read`);
    }
    if (typeof m.date !== 'string' && type !== 'unsupported') warn(m.id, 'message has no date');
    for (const list of [m.text, m.text_entities]) {
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        const t = (e as { type?: unknown } | null)?.type;
        if (typeof t !== 'string' || KNOWN_ENTITIES.has(t) || this.warned.has(`entity:${t}`)) continue;
        this.warned.add(`entity:${t}`);
        warn(m.id, `text entity type "${t}" is not one Telegram Desktop documents; its text is kept as plain text`);
      }
    }
    if (m.text === undefined || m.text === null) m.text = '';
    return m as unknown as ExportMessage;
  }
}

/** Ids met in one run: a sparse bitmap (512 bytes per 4,096 ids in use), flat for dense ids. */
class IdSet {
  private readonly chunks = new Map<number, Uint32Array>();

  /** Adds the id; false when it was there already. */
  add(id: number): boolean {
    const key = Math.floor(id / 4096);
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = new Uint32Array(128);
      this.chunks.set(key, chunk);
    }
    const bit = id % 4096;
    const mask = 1 << (bit & 31);
    if (chunk[bit >>> 5] & mask) return false;
    chunk[bit >>> 5] |= mask;
    return true;
  }
}
