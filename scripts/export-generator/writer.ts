/**
 * Writes export files the way Telegram Desktop lays them out: result.json indented one space per
 * nesting level, messages appended one at a time through a buffered synchronous sink (so a
 * million-message export never sits in memory), media files under the chat's folder with
 * Telegram's names ("photos/photo_3@05-01-2024_14-03-22.jpg", "files/report (1).pdf" on a
 * name clash).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Buffered append-only file: few large write calls. */
export class BufferedFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private pending = 0;
  bytes = 0;

  constructor(readonly filePath: string, private readonly flushAt = 1 << 20) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    this.fd = fs.openSync(filePath, 'w');
  }

  write(s: string): void {
    this.chunks.push(s);
    this.pending += s.length;
    if (this.pending >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.chunks = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** JSON.stringify with Telegram Desktop's one-space indentation, re-indented to `depth`. */
export function jsonAt(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 1);
  return depth === 0 ? text : text.replace(/\n/g, '\n' + ' '.repeat(depth));
}

/**
 * The streaming shape of result.json. Single chat: `{ name, type, id, messages: [...] }`.
 * Whole account: `{ about, personal_information, ..., chats: { about, list: [...] }, left_chats }`.
 */
export class ExportJsonWriter {
  private readonly out: BufferedFile;
  private firstMessage = true;
  private firstChat = true;
  private section: 'chats' | 'left_chats' | undefined;

  constructor(exportRoot: string, readonly shape: 'single' | 'account', accountHead?: Record<string, unknown>) {
    this.out = new BufferedFile(path.join(exportRoot, 'result.json'));
    if (shape === 'account') {
      const head = jsonAt(accountHead ?? {}, 0);
      // every top-level field of the head, then chats/left_chats are streamed after it
      this.out.write(head.slice(0, head.lastIndexOf('\n}')));
    }
  }

  /** Depth of a chat object's fields and of message objects. */
  private get chatDepth(): number {
    return this.shape === 'single' ? 0 : 3;
  }

  beginSection(name: 'chats' | 'left_chats', about: string): void {
    if (this.shape !== 'account' || this.section === name) return;
    if (this.section) this.out.write('\n  ]\n }');
    this.out.write(`,\n ${JSON.stringify(name)}: {\n  "about": ${JSON.stringify(about)},\n  "list": [`);
    this.section = name;
    this.firstChat = true;
  }

  beginChat(header: { name?: string | null; type: string; id: number }): void {
    const d = this.chatDepth;
    const pad = ' '.repeat(d + 1);
    let s = this.shape === 'account' ? `${this.firstChat ? '' : ','}\n${' '.repeat(d)}{` : '{';
    if (header.name !== undefined) s += `\n${pad}"name": ${JSON.stringify(header.name)},`;
    s += `\n${pad}"type": ${JSON.stringify(header.type)},\n${pad}"id": ${header.id},\n${pad}"messages": [`;
    this.out.write(s);
    this.firstChat = false;
    this.firstMessage = true;
  }

  message(msg: object): void {
    const d = this.chatDepth + 2;
    this.out.write(`${this.firstMessage ? '' : ','}\n${' '.repeat(d)}${jsonAt(msg, d)}`);
    this.firstMessage = false;
  }

  endChat(): void {
    const d = this.chatDepth;
    this.out.write(this.firstMessage ? ']' : `\n${' '.repeat(d + 1)}]`);
    this.out.write(`\n${' '.repeat(d)}}`);
  }

  /** Closes everything; returns bytes written. */
  close(): number {
    if (this.shape === 'account') {
      if (this.section) this.out.write('\n  ]\n }');
      this.out.write('\n}');
    }
    this.out.close();
    return this.out.bytes;
  }
}

/** Media files of one chat, named and placed as Telegram Desktop does. */
export class MediaFolder {
  private readonly used = new Set<string>();
  readonly counters = { photos: 0, files: 0, videos: 0, audios: 0, contacts: 0 };
  filesWritten = 0;
  bytesWritten = 0;

  /** `prefix` is "" for a single-chat export, "chats/chat_01/" for a chat in an account export. */
  constructor(readonly exportRoot: string, readonly prefix: string) {}

  /** A free relative path for `name` in `folder`, " (1)" before the first dot on a clash. */
  reserve(folder: string, name: string): string {
    let rel = `${this.prefix}${folder}/${name}`;
    if (this.used.has(rel)) {
      const dot = name.indexOf('.');
      const base = dot >= 0 ? name.slice(0, dot) : name;
      const ext = dot >= 0 ? name.slice(dot) : '';
      for (let i = 1; ; i++) {
        rel = `${this.prefix}${folder}/${base} (${i})${ext}`;
        if (!this.used.has(rel)) break;
      }
    }
    this.used.add(rel);
    return rel;
  }

  /** Writes `bytes` at exactly `rel` (a path relative to the export root). */
  putExact(rel: string, bytes: Buffer): string {
    this.used.add(rel);
    const abs = path.join(this.exportRoot, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, bytes);
    this.filesWritten++;
    this.bytesWritten += bytes.length;
    return rel;
  }

  /** Reserves a path and writes `bytes` there unless `missing` (a file the JSON names but is absent). */
  put(folder: string, name: string, bytes: Buffer, missing = false): string {
    const rel = this.reserve(folder, name);
    return missing ? rel : this.putExact(rel, bytes);
  }
}

/** Telegram Desktop's date part of media names: "@05-01-2024_14-03-22" (local time). */
export function fileDatePart(localIso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(localIso);
  return m ? `@${m[3]}-${m[2]}-${m[1]}_${m[4]}-${m[5]}-${m[6]}` : '';
}

/** Local time without zone, as the export writes `date`: unix seconds shifted by a fixed offset. */
export function localIso(unix: number, tzOffsetMinutes: number): string {
  return new Date((unix + tzOffsetMinutes * 60) * 1000).toISOString().slice(0, 19);
}
