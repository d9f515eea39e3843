/**
 * Builds one chat's messages in Telegram Desktop's JSON shape (field names and order as
 * export_output_json.cpp writes them) and hands each to a sink as soon as it is complete.
 */
import type { ExportMessage, TextEntity } from '../../server/engine/telegram-notes/message';
import type { Prng } from './prng';
import { fileDatePart, localIso, type MediaFolder } from './writer';

export interface Person {
  /** null: a deleted account, which the export writes as `"from": null`. */
  readonly name: string | null;
  /** "user123", "channel123" or "chat123". */
  readonly id: string;
}

/** A run of text: plain, or [entity type, text, extra fields]. */
export type Part = string | readonly [type: string, text: string, extra?: Record<string, unknown>];

/** `text` and `text_entities` for a list of runs, exactly as the exporter writes both. */
export function textFields(parts: readonly Part[]): { text: ExportMessage['text']; text_entities: TextEntity[] } {
  const runs = parts.filter((p) => (typeof p === 'string' ? p !== '' : true));
  const entities: TextEntity[] = runs.map((p) =>
    typeof p === 'string' ? { type: 'plain', text: p } : ({ type: p[0], text: p[1], ...(p[2] ?? {}) } as TextEntity),
  );
  if (runs.length === 0) return { text: '', text_entities: [] };
  if (runs.length === 1 && typeof runs[0] === 'string') return { text: runs[0], text_entities: entities };
  return { text: runs.map((p, i) => (typeof p === 'string' ? p : entities[i])), text_entities: entities };
}

export type MessageSink = (msg: ExportMessage) => void;

export interface CommonOptions {
  readonly edited?: number; // seconds after the message
  readonly author?: string; // signature
  readonly forwardedFrom?: string | null;
  readonly savedFrom?: string;
  readonly replyTo?: number;
  readonly replyToPeer?: string;
  readonly viaBot?: string;
  readonly reactions?: ExportMessage['reactions'];
  readonly buttons?: unknown;
  /** Keep the previous message's timestamp (albums are sent in one second). */
  readonly sameSecond?: boolean;
}

/** What the exporter writes instead of a path when a file was left out. */
export const NOT_INCLUDED = '(File not included. Change data exporting settings to download.)';
export const TOO_LARGE = '(File exceeds maximum size. Change data exporting settings to download.)';
export const UNAVAILABLE = '(File unavailable, please try again later)';

export class ChatBuilder {
  private lastId = 0;
  private clock: number;
  count = 0;

  constructor(
    readonly header: { readonly name?: string | null; readonly type: string; readonly id: number },
    readonly media: MediaFolder,
    private readonly prng: Prng,
    private readonly sink: MessageSink,
    startUnix: number,
    private readonly tzOffsetMinutes: number,
  ) {
    this.clock = startUnix;
  }

  get now(): number {
    return this.clock;
  }

  /** Moves the chat's clock forward by a random amount in [min, max] seconds. */
  tick(min = 20, max = 3600): void {
    this.clock += this.prng.int(min, max);
  }

  /** Leaves a hole in the ids, as deleted messages do. */
  skipIds(n: number): void {
    this.lastId += n;
  }

  private head(type: string, opts: CommonOptions = {}): Record<string, unknown> {
    if (!opts.sameSecond) this.tick();
    const id = ++this.lastId;
    const m: Record<string, unknown> = {
      id,
      type,
      date: localIso(this.clock, this.tzOffsetMinutes),
      date_unixtime: String(this.clock),
    };
    if (opts.edited) {
      m.edited = localIso(this.clock + opts.edited, this.tzOffsetMinutes);
      m.edited_unixtime = String(this.clock + opts.edited);
    }
    return m;
  }

  private emit(m: Record<string, unknown>): number {
    this.sink(m as unknown as ExportMessage);
    this.count++;
    return m.id as number;
  }

  private from(m: Record<string, unknown>, who: Person, opts: CommonOptions): void {
    m.from = who.name;
    m.from_id = who.id;
    if (opts.author !== undefined) m.author = opts.author;
    if (opts.forwardedFrom !== undefined) m.forwarded_from = opts.forwardedFrom;
    if (opts.savedFrom !== undefined) m.saved_from = opts.savedFrom;
    if (opts.replyTo !== undefined) {
      m.reply_to_message_id = opts.replyTo;
      if (opts.replyToPeer !== undefined) m.reply_to_peer_id = opts.replyToPeer;
    }
    if (opts.viaBot !== undefined) m.via_bot = opts.viaBot;
  }

  private tail(m: Record<string, unknown>, parts: readonly Part[], opts: CommonOptions): void {
    Object.assign(m, textFields(parts));
    if (opts.buttons !== undefined) m.inline_bot_buttons = opts.buttons;
    if (opts.reactions !== undefined) m.reactions = opts.reactions;
  }

  /** A message with text only (or with `media` fields placed where the exporter puts them). */
  message(who: Person, parts: readonly Part[], opts: CommonOptions = {}, media?: () => Record<string, unknown>): number {
    const m = this.head('message', opts);
    this.from(m, who, opts);
    // media names carry the message's date, so media is made after head() has set the clock
    if (media) Object.assign(m, media());
    this.tail(m, parts, opts);
    return this.emit(m);
  }

  /** A service message: actor, action and the action's own fields. */
  service(actor: Person | undefined, action: string | undefined, fields: Record<string, unknown> | (() => Record<string, unknown>) = {}, opts: CommonOptions = {}): number {
    const m = this.head('service', opts);
    if (actor) {
      m.actor = actor.name;
      m.actor_id = actor.id;
    }
    if (action !== undefined) m.action = action;
    Object.assign(m, typeof fields === 'function' ? fields() : fields);
    Object.assign(m, textFields([]));
    return this.emit(m);
  }

  /** A message the exporter could not represent: only id and type. */
  unsupported(): number {
    this.tick();
    return this.emit({ id: ++this.lastId, type: 'unsupported' });
  }

  /**
   * Fields of a photo: a written file, a file named in the JSON but absent (`missing`), or a
   * "not included" placeholder.
   */
  photoFields(bytes: Buffer, o: { width?: number; height?: number; missing?: boolean; placeholder?: string; spoiler?: boolean } = {}): Record<string, unknown> {
    const n = ++this.media.counters.photos;
    const name = `photo_${n}${fileDatePart(localIso(this.clock, this.tzOffsetMinutes))}.jpg`;
    const f: Record<string, unknown> = {};
    f.photo = o.placeholder ?? this.media.put('photos', name, bytes, o.missing);
    f.photo_file_size = bytes.length;
    if (o.width && o.height) {
      f.width = o.width;
      f.height = o.height;
    }
    if (o.spoiler) f.media_spoiler = true;
    return f;
  }

  /** Fields of a document (file, sticker, voice, video, ...), in the exporter's order. */
  documentFields(
    folder: string,
    name: string,
    bytes: Buffer,
    o: {
      fileName?: string;
      mediaType?: string;
      mime: string;
      duration?: number;
      width?: number;
      height?: number;
      stickerEmoji?: string;
      performer?: string;
      title?: string;
      thumbnail?: Buffer;
      missing?: boolean;
      placeholder?: string;
      spoiler?: boolean;
    },
  ): Record<string, unknown> {
    const f: Record<string, unknown> = {};
    const rel = o.placeholder ?? this.media.put(folder, name, bytes, o.missing);
    f.file = rel;
    if (o.fileName !== undefined) f.file_name = o.fileName;
    f.file_size = bytes.length;
    if (o.thumbnail) {
      // Telegram names the thumbnail after the document's path, even when the document itself was left out
      const docPath = o.placeholder ? `${this.media.prefix}${folder}/${name}` : rel;
      f.thumbnail = this.media.putExact(`${docPath}_thumb.jpg`, o.thumbnail);
      f.thumbnail_file_size = o.thumbnail.length;
    }
    if (o.mediaType) f.media_type = o.mediaType;
    if (o.mediaType === 'sticker' && o.stickerEmoji !== undefined) f.sticker_emoji = o.stickerEmoji;
    if (o.mediaType === 'audio_file') {
      if (o.performer) f.performer = o.performer;
      if (o.title) f.title = o.title;
    }
    f.mime_type = o.mime;
    if (o.duration) f.duration_seconds = o.duration;
    if (o.width && o.height) {
      f.width = o.width;
      f.height = o.height;
    }
    if (o.spoiler) f.media_spoiler = true;
    return f;
  }

  /** Telegram Desktop's generated name for a document without a file name. */
  generatedName(kind: 'audio' | 'video' | 'file', ext: string): string {
    const counter = kind === 'audio' ? ++this.media.counters.audios : kind === 'video' ? ++this.media.counters.videos : ++this.media.counters.files;
    return `${kind}_${counter}${fileDatePart(localIso(this.clock, this.tzOffsetMinutes))}${ext}`;
  }
}
