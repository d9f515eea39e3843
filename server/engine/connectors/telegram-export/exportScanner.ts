/**
 * Turns the bytes of a Telegram Desktop result.json into export events, chunk by chunk.
 *
 * A small state machine walks only the levels of the document that matter, byte by byte:
 *   single chat:   { name, type, id, messages: [...] }
 *   whole account: { ..., chats: { list: [chat...] }, left_chats: { list: [chat...] } }
 * Each entry of a chat's `messages` array is cut out as a byte slice (ValueScanner finds its end),
 * decoded and given to JSON.parse; a chat's id, name and type are parsed the same way; every other
 * value (personal information, contacts, sessions...) is stepped over without being built. Memory
 * is one chunk plus the message being cut out.
 *
 * Pull-driven: feed() a chunk, then next() until it answers undefined (the chunk is used up), so
 * a message is only parsed when the consumer asks for it. finish() at the end of the file.
 */
import { type Hash, createHash } from 'node:crypto';
import type { ChatHeaderFields, ExportEvent } from './exportEvents';
import {
  ByteCapture, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, describeValueStart, isJsonSpace, isValueStart, MISMATCH, NEED_MORE, OPEN_ARRAY, OPEN_OBJECT, QUOTE, ValueScanner,
} from './jsonScan';

type ChatList = 'single' | 'chats' | 'left_chats';

/** Where a frame is in the document. */
const ROOT = 1;
const ACCOUNT_LIST = 2; // the object under "chats" or "left_chats"
const CHAT_LIST = 3;
const CHAT = 4;
const MESSAGES = 5;

/** What a frame waits for next. */
const KEY_OR_END = 1;
const KEY = 2;
const COLON_NEXT = 3;
const VALUE = 4;
const VALUE_OR_END = 5;
const COMMA_OR_END = 6;

/** What the value being scanned is for. */
const SKIP = 1;
const SKIP_CHECKED = 2; // a skipped number or literal: small, so parsed to check it
const OBJECT_KEY = 3;
const HEADER_FIELD = 4;
const MESSAGE = 5;

/** Where the scanner stands outside the root object. */
const BEFORE_ROOT = 1;
const IN_ROOT = 2;
const AFTER_ROOT = 3;
const NOT_AN_OBJECT = 4;

const NOT_AN_EXPORT = 'not a Telegram Desktop export: ';
const SPACE = 0x20;
const NEWLINE = 0x0a;
/** How far cutAtIndent looks for an entry's closing line (a bigger entry is scanned). */
const INDENT_SEARCH_BYTES = 256 * 1024;
/** Misses after which cutAtIndent is not tried again in this file. */
const MAX_INDENT_MISSES = 64;
/** "\n" + indent + "}" for each indent met (a handful). */
const closingLines: Buffer[] = [];
function closingLine(indent: number): Buffer {
  return (closingLines[indent] ??= Buffer.from(`\n${' '.repeat(indent)}}`));
}
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** Bytes of a file that is not an export collected to say what it is. */
const HEAD_BYTES = 64;

interface Frame {
  readonly role: number;
  readonly isArray: boolean;
  expect: number;
  key: string;
  /** Entries of an array so far. */
  count: number;
  /** The frame's place, for messages: "chats.list[3].messages". */
  readonly path: string;
}

export class ExportScanner {
  private readonly frames: Frame[] = [];
  private doc = BEFORE_ROOT;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private readonly queue: ExportEvent[] = [];
  private readonly queueEnds: number[] = [];
  private lastEventEnd = 0;
  private broken = false;

  private readonly scanner = new ValueScanner();
  private readonly capture = new ByteCapture();
  private valueFor = 0;
  private valueStart = 0;
  private readonly head: Buffer[] = [];
  private headBytes = 0;

  private shapeSent = false;
  /** id, name and type of the single-chat shape (on the root object) and of the chat being read. */
  private readonly rootHeader: Record<string, unknown> = {};
  private chatHeader: Record<string, unknown> = {};
  /** Byte-order mark bytes met at the start. */
  private bom = 0;
  private chatList: ChatList = 'single';
  private chatOrdinal = 0;
  private lastMessageId: unknown;
  /** False while reading a chat whose messages the consumer takes as bytes only (see `parseChat`). */
  private parseMessages = true;
  /** Entries the indent did not cut out (cutAtIndent). */
  private indentMisses = 0;
  /** Hash of the bytes of the messages array being read (from just after its `[`), for `chat-end`. */
  private arrayHash: Hash | undefined;
  /** Where the array's bytes not yet hashed begin in the current chunk. */
  private hashFrom = 0;

  /**
   * `parseChat`: asked when a chat's messages begin; false hands its messages out as `raw` text
   * only, unparsed (a re-import checks whether the chat changed at all before paying for parsing).
   */
  constructor(private readonly parseChat?: (header: ChatHeaderFields) => boolean) {}

  /** Bytes scanned so far. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** File offset just past the bytes that the event last returned by next() was made from. */
  get eventEnd(): number {
    return this.lastEventEnd;
  }

  /** An error was reported: nothing more comes. */
  get failed(): boolean {
    return this.broken;
  }

  /** The next chunk of the file; call after next() answered undefined. */
  feed(chunk: Buffer): void {
    if (this.capture.active) this.capture.carry(this.buf);
    if (this.arrayHash) {
      this.arrayHash.update(this.buf.subarray(this.hashFrom));
      this.hashFrom = 0;
    }
    this.base += this.buf.length;
    this.buf = chunk;
    this.pos = 0;
  }

  /** The next event the bytes fed so far make, or undefined when the chunk is used up. */
  next(): ExportEvent | undefined {
    for (;;) {
      const e = this.queue.shift();
      if (e) {
        this.lastEventEnd = this.queueEnds.shift() ?? this.offset;
        return e;
      }
      if (this.broken || this.pos >= this.buf.length) return undefined;
      this.step();
    }
  }

  /** The file ended: the last events (an error when the document is incomplete or no export). */
  finish(): ExportEvent[] {
    if (!this.broken) {
      if (this.doc === BEFORE_ROOT) this.fail(`${NOT_AN_EXPORT}the file is empty`, true);
      else if (this.doc === NOT_AN_OBJECT) this.fail(NOT_AN_EXPORT + whatTheFileIs(Buffer.concat(this.head).toString('utf8')), true);
      else if (this.doc === IN_ROOT) this.fail(`the file ends early (truncated after ${this.offset} bytes)`);
      else if (!this.shapeSent) this.fail(`${NOT_AN_EXPORT}the file holds no chat (neither "messages" nor "chats.list" found)`, true);
    }
    const out: ExportEvent[] = [];
    for (let e = this.next(); e; e = this.next()) out.push(e);
    this.lastEventEnd = this.offset;
    return out;
  }

  /** Scans until an event is queued or the chunk is used up. */
  private step(): void {
    const buf = this.buf;
    while (this.pos < buf.length && this.queue.length === 0 && !this.broken) {
      if (this.valueFor) {
        this.continueValue(buf);
        continue;
      }
      if (this.doc === NOT_AN_OBJECT) {
        this.collectHead(buf);
        continue;
      }
      const c = buf[this.pos];
      if (isJsonSpace(c)) {
        this.pos++;
        continue;
      }
      const frame = this.frames[this.frames.length - 1];
      if (frame) this.inFrame(frame, c);
      else this.outsideRoot(c);
    }
  }

  private outsideRoot(c: number): void {
    const at = this.offset;
    if (this.doc === AFTER_ROOT) {
      this.fail(`the JSON is malformed at byte ${at}: ${showByte(c)} after the end of the export's object`);
    } else if (at === this.bom && at < UTF8_BOM.length && c === UTF8_BOM[at]) {
      this.bom++; // a byte-order mark, as some editors add
      this.pos++;
    } else if (c === OPEN_OBJECT && (this.bom === 0 || this.bom === UTF8_BOM.length)) {
      this.doc = IN_ROOT;
      this.open(ROOT, false, '');
    } else {
      this.doc = NOT_AN_OBJECT;
    }
  }

  /** The first bytes of a file that is not a JSON object, to say what it is instead. */
  private collectHead(buf: Buffer): void {
    const take = buf.subarray(this.pos, this.pos + HEAD_BYTES - this.headBytes);
    this.head.push(Buffer.from(take));
    this.headBytes += take.length;
    this.pos += take.length;
    if (this.headBytes >= HEAD_BYTES) this.fail(NOT_AN_EXPORT + whatTheFileIs(Buffer.concat(this.head).toString('utf8')), true);
  }

  private inFrame(frame: Frame, c: number): void {
    switch (frame.expect) {
      case KEY_OR_END:
        if (c === CLOSE_OBJECT) this.close(frame);
        else this.key(c);
        return;
      case KEY:
        this.key(c);
        return;
      case COLON_NEXT:
        if (c !== COLON) return this.unexpected(c, '":"');
        this.pos++;
        frame.expect = VALUE;
        return;
      case VALUE_OR_END:
        if (c === CLOSE_ARRAY) this.close(frame);
        else this.valueStarts(frame, c);
        return;
      case VALUE:
        this.valueStarts(frame, c);
        return;
      default: // COMMA_OR_END
        if (c === COMMA) {
          this.pos++;
          frame.expect = frame.isArray ? VALUE : KEY;
        } else if (c === (frame.isArray ? CLOSE_ARRAY : CLOSE_OBJECT)) {
          this.close(frame);
        } else {
          this.unexpected(c, frame.isArray ? '"," or "]"' : '"," or "}"');
        }
    }
  }

  private key(c: number): void {
    if (c !== QUOTE) return this.unexpected(c, 'a key in quotes');
    this.beginValue(OBJECT_KEY, c);
  }

  /** A value begins at `c` inside `frame`: descend into it, cut it out, or step over it. */
  private valueStarts(frame: Frame, c: number): void {
    if (!isValueStart(c)) return this.unexpected(c, 'a value');
    frame.expect = COMMA_OR_END; // once this value is done
    const key = frame.key;
    switch (frame.role) {
      case ROOT:
        if (key === 'messages') return this.openMessages(c, 'single', 'messages', this.rootHeader);
        if (key === 'chats' || key === 'left_chats') {
          if (c !== OPEN_OBJECT) return this.fail(`"${key}" is ${describeValueStart(c)}, not an object with a "list" of chats`, true);
          return this.open(ACCOUNT_LIST, false, key);
        }
        return this.headerOrSkip(key, c);
      case ACCOUNT_LIST:
        if (key !== 'list') return this.skip(c);
        if (c !== OPEN_ARRAY) return this.fail(`"${frame.path}.list" is ${describeValueStart(c)}, not a list of chats`, true);
        this.chatList = frame.path === 'left_chats' ? 'left_chats' : 'chats';
        this.open(CHAT_LIST, true, `${frame.path}.list`);
        return this.sendShape('account');
      case CHAT_LIST: {
        const path = `${frame.path}[${frame.count++}]`;
        if (c !== OPEN_OBJECT) return this.fail(`"${path}" is ${describeValueStart(c)}, not a chat (an object with "messages")`, true);
        this.chatHeader = {};
        this.lastMessageId = undefined;
        return this.open(CHAT, false, path);
      }
      case CHAT:
        if (key === 'messages') return this.openMessages(c, this.chatList, `${frame.path}.messages`, this.chatHeader);
        return this.headerOrSkip(key, c);
      default: // MESSAGES
        frame.count++;
        if (c === OPEN_OBJECT && this.parseMessages && this.cutAtIndent(frame)) return;
        this.beginValue(MESSAGE, c);
    }
  }

  /**
   * The fast way to cut out a message: Telegram Desktop writes each one as a `{` at the start of
   * a line (after its indent) and its `}` alone on a later line at that same indent. A raw newline
   * never occurs inside a JSON string, so the first "newline, that indent, `}`" after the `{` is
   * found natively (Buffer.indexOf), and if the text up to it parses, it IS the entry: a JSON text
   * is one value and nothing after it, so a slice that parses ends exactly where the value does.
   * Otherwise (another layout, a damaged entry, an entry running into the next chunk) the entry is
   * scanned byte by byte as before; after many misses the file is taken to be laid out otherwise.
   */
  private cutAtIndent(frame: Frame): boolean {
    if (this.indentMisses >= MAX_INDENT_MISSES) return false;
    const buf = this.buf;
    const start = this.pos;
    let i = start - 1;
    while (i >= 0 && buf[i] === SPACE) i--;
    if (i < 0 || buf[i] !== NEWLINE) return false;
    const closer = closingLine(start - i - 1);
    const limit = Math.min(buf.length, start + INDENT_SEARCH_BYTES);
    const at = buf.subarray(0, limit).indexOf(closer, start + 1);
    if (at < 0) {
      // Running past the chunk is normal once per chunk; not finding it within the bound is a miss.
      if (limit < buf.length) this.indentMisses++;
      return false;
    }
    const end = at + closer.length;
    const raw = buf.toString('utf8', start, end);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      this.indentMisses++;
      return false;
    }
    this.pos = end;
    const id = (value as { id?: unknown }).id;
    if (id !== undefined) this.lastMessageId = id;
    this.emit({ kind: 'message', value, index: frame.count - 1, raw });
    return true;
  }

  private headerOrSkip(key: string, c: number): void {
    if (key === 'id' || key === 'name' || key === 'type') this.beginValue(HEADER_FIELD, c);
    else this.skip(c);
  }

  private skip(c: number): void {
    this.beginValue(c === QUOTE || c === OPEN_OBJECT || c === OPEN_ARRAY ? SKIP : SKIP_CHECKED, c);
  }

  private open(role: number, isArray: boolean, path: string): void {
    this.pos++;
    this.frames.push({ role, isArray, expect: isArray ? VALUE_OR_END : KEY_OR_END, key: '', count: 0, path });
  }

  private openMessages(c: number, list: ChatList, path: string, h: Record<string, unknown>): void {
    if (c !== OPEN_ARRAY) return this.fail(`"${path}" is ${describeValueStart(c)}, not a list of messages`, true);
    this.open(MESSAGES, true, path);
    this.arrayHash = createHash('sha256');
    this.hashFrom = this.pos;
    this.sendShape(list === 'single' ? 'single' : 'account');
    this.lastMessageId = undefined;
    const header = { id: h.id, name: h.name, type: h.type };
    this.parseMessages = this.parseChat?.(header) ?? true;
    this.emit({ kind: 'chat-start', header, list, ordinal: this.chatOrdinal++ });
  }

  private close(frame: Frame): void {
    let bytesDigest: string | undefined;
    if (frame.role === MESSAGES && this.arrayHash) {
      bytesDigest = this.arrayHash.update(this.buf.subarray(this.hashFrom, this.pos)).digest('hex');
      this.arrayHash = undefined;
    }
    this.pos++;
    this.frames.pop();
    if (frame.role === MESSAGES) this.emit({ kind: 'chat-end', messages: frame.count, bytesDigest: bytesDigest! });
    if (frame.role === ROOT) this.doc = AFTER_ROOT;
  }

  private sendShape(shape: 'single' | 'account'): void {
    if (this.shapeSent) return;
    this.shapeSent = true;
    this.emit({ kind: 'shape', shape });
  }

  private beginValue(valueFor: number, c: number): void {
    this.valueFor = valueFor;
    this.valueStart = this.offset;
    this.scanner.begin(c);
    if (valueFor !== SKIP) this.capture.begin(this.pos);
  }

  /** Scans on through the value begun; when it ends, does what it was begun for. */
  private continueValue(buf: Buffer): void {
    const end = this.scanner.scan(buf, this.pos);
    if (end === NEED_MORE) {
      this.pos = buf.length;
      return;
    }
    if (end === MISMATCH) {
      const found = buf[this.scanner.mismatchAt];
      const expected = this.scanner.expectedCloser ? `${showByte(this.scanner.expectedCloser)}` : 'nothing';
      this.pos = this.scanner.mismatchAt;
      const inMessage = this.valueFor === MESSAGE ? ` in ${messageName(this.frames[this.frames.length - 1])}` : '';
      return this.fail(`the JSON is malformed at byte ${this.offset}${inMessage}: ${showByte(found)} where ${expected} should close`);
    }
    this.pos = end;
    const valueFor = this.valueFor;
    this.valueFor = 0;
    if (valueFor === SKIP) return;
    const frame = this.frames[this.frames.length - 1];
    if (valueFor === MESSAGE && !this.parseMessages) {
      this.emit({ kind: 'message', index: frame.count - 1, bytes: this.capture.takeBytes(buf, end), unparsed: true });
      return;
    }
    const raw = this.capture.take(buf, end);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      if (valueFor === MESSAGE) return this.fail(`the JSON is malformed in ${messageName(frame)} (which starts at byte ${this.valueStart}): ${errorText(err)}`);
      return this.fail(`the JSON is malformed at byte ${this.valueStart}: ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)} is not a JSON value`);
    }
    if (valueFor === OBJECT_KEY) {
      frame.key = value as string;
      frame.expect = COLON_NEXT;
    } else if (valueFor === HEADER_FIELD) {
      (frame.role === ROOT ? this.rootHeader : this.chatHeader)[frame.key] = value;
    } else if (valueFor === MESSAGE) {
      // Entries that are not messages (the validator reports them) do not move the mark.
      const id = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { id?: unknown }).id : undefined;
      if (id !== undefined) this.lastMessageId = id;
      this.emit({ kind: 'message', value, index: frame.count - 1, raw });
    }
  }

  private unexpected(c: number, expected: string): void {
    this.fail(`the JSON is malformed at byte ${this.offset}: expected ${expected}, found ${showByte(c)}`);
  }

  private emit(e: ExportEvent): void {
    this.queue.push(e);
    this.queueEnds.push(this.offset);
  }

  /** Ends the events with an error naming the chat being read, if any. */
  private fail(message: string, fatal?: true): void {
    this.broken = true;
    this.valueFor = 0;
    const inChat = this.frames.some((f) => f.role === CHAT || f.role === MESSAGES);
    const h = this.frames.some((f) => f.role === CHAT) ? this.chatHeader : this.rootHeader;
    this.emit({
      kind: 'error',
      message,
      ...(inChat ? { chat: { id: h.id, name: h.name, type: h.type }, lastMessageId: this.lastMessageId } : {}),
      ...(fatal ? { fatal } : {}),
    });
  }
}

/** What a file that does not start with a JSON object is, from its first bytes. */
function whatTheFileIs(head: string): string {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (/^<(!doctype\s+html|html)\b/i.test(text)) return "this is Telegram Desktop's HTML export; export again choosing Machine-readable JSON";
  const first = text.charCodeAt(0);
  if (/^(\[|"|-?\d|true\b|false\b|null\b)/.test(text)) return `the file holds ${describeValueStart(first)}, not an object with "messages" or "chats"`;
  return `the file is not JSON (it begins with ${JSON.stringify(text.slice(0, 40))})`;
}

function messageName(frame: Frame): string {
  return `message #${frame.count} of "${frame.path}"`;
}

function showByte(c: number): string {
  return c >= 0x20 && c < 0x7f ? JSON.stringify(String.fromCharCode(c)) : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
}

