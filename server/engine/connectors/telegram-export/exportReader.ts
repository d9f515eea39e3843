/**
 * Streaming reader of a Telegram Desktop JSON export, in either shape:
 *   single chat:   { name, type, id, messages: [...] }
 *   whole account: { ..., chats: { list: [chat...] }, left_chats: { list: [chat...] } }
 *
 * The file is tokenised by stream-json's Parser and a small state machine here tracks where in
 * the document each token is. Only one message object is assembled at a time; everything else
 * (personal information, contacts, sessions...) streams past without being kept, so memory does
 * not depend on the export's size. Events come out through an async iterator with a bounded
 * queue: when the consumer falls behind, the parser (and with it the file read) is paused.
 *
 * Bad input: a truncated or malformed document ends the stream with an 'error' event that names
 * the chat being read and the last complete message; everything before it was already delivered.
 */
import type { Readable } from 'node:stream';
import Parser from 'stream-json/Parser';
import type { VaultFs } from '../../vault/vaultFs';

export interface ChatHeaderFields {
  readonly id?: unknown;
  readonly name?: unknown;
  readonly type?: unknown;
}

export type ExportEvent =
  | { readonly kind: 'shape'; readonly shape: 'single' | 'account' }
  | { readonly kind: 'chat-start'; readonly header: ChatHeaderFields; readonly list: 'single' | 'chats' | 'left_chats'; readonly ordinal: number }
  /** `value` is whatever the export holds at that position: normally a message object. */
  | { readonly kind: 'message'; readonly value: unknown; readonly index: number }
  | { readonly kind: 'chat-end'; readonly messages: number }
  | { readonly kind: 'error'; readonly message: string; readonly chat?: ChatHeaderFields; readonly lastMessageId?: unknown };

type Role = 'root' | 'accountList' | 'chatList' | 'chat' | 'messages' | 'skip';

interface Frame {
  readonly isArray: boolean;
  readonly role: Role;
  key: string | null;
  index: number;
}

interface Token {
  readonly name: string;
  readonly value?: string | number;
}

const QUEUE_HIGH = 256;
const QUEUE_LOW = 64;

export interface ExportReaderOptions {
  readonly fs: Pick<VaultFs, 'createReadStream'>;
  /** Bytes per file read (the parser's input chunk). */
  readonly chunkSize?: number;
}

export class ExportReader implements AsyncIterable<ExportEvent> {
  private bytes = 0;

  constructor(
    readonly file: string,
    readonly totalBytes: number,
    private readonly opts: ExportReaderOptions,
  ) {}

  /** Bytes of the file whose tokens have been turned into events (progress); falls back to the
   *  bytes read from disk if the parser cannot be observed per chunk. */
  get bytesRead(): number {
    return this.machine?.observesChunks ? this.yielded : this.bytes;
  }

  private machine: ExportStateMachine | undefined;
  /** Consumed bytes when the event last handed out was made. */
  private yielded = 0;

  [Symbol.asyncIterator](): AsyncIterator<ExportEvent> {
    return this.events();
  }

  private async *events(): AsyncGenerator<ExportEvent> {
    const queue: ExportEvent[] = [];
    const queueBytes: number[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };

    // About a hundred chunks for a small file (progress moves in steps of a chunk), 128 KiB at most.
    const chunk = this.opts.chunkSize ?? Math.max(16 * 1024, Math.min(128 * 1024, Math.ceil(this.totalBytes / 100)));
    const input = this.opts.fs.createReadStream(this.file, { highWaterMark: chunk });
    const parser = new Parser({ packValues: true, streamValues: false });
    const machine = new ExportStateMachine((e) => {
      queue.push(e);
      queueBytes.push(machine.consumedBytes);
      if (queue.length >= QUEUE_HIGH && !parser.isPaused()) parser.pause();
      notify();
    });
    this.machine = machine;
    markChunks(parser, machine);
    const finish = (errorMessage?: string) => {
      if (ended) return;
      ended = true;
      machine.end(errorMessage);
      notify();
    };
    input.on('data', (chunk: string | Buffer) => {
      this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    });
    input.on('error', (err: Error) => {
      finish(`could not read the file: ${err.message}`);
      parser.destroy();
    });
    parser.on('data', (token: Token) => {
      if (!ended) machine.push(token);
    });
    parser.on('error', (err: Error) => {
      finish(`the JSON is malformed (${err.message.replace(/\s+/g, ' ').slice(0, 200)})`);
      (input as Readable).destroy();
    });
    parser.on('end', () => finish());
    input.pipe(parser);

    try {
      for (;;) {
        const e = queue.shift();
        if (e) {
          this.yielded = queueBytes.shift() ?? this.yielded;
          if (queue.length <= QUEUE_LOW && parser.isPaused() && !ended) parser.resume();
          yield e;
          continue;
        }
        if (ended) {
          this.yielded = machine.consumedBytes;
          return;
        }
        if (parser.isPaused()) parser.resume();
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      // The consumer stopped early (cancel) or finished: release the file.
      ended = true;
      (input as Readable).destroy();
      parser.destroy();
    }
  }
}

const CHUNK_MARK = 'va:chunk';

/**
 * The parser turns a whole input chunk into tokens at once and buffers them, so the bytes read
 * from disk run ahead of what has been consumed (for a small export, all of it). A marker token
 * pushed before each chunk's tokens tells the state machine where each chunk starts, so progress
 * follows consumption. Relies on stream-json 1.x's Utf8Stream (`_transformBuffer`); without it
 * progress falls back to bytes read.
 */
function markChunks(parser: Parser, machine: ExportStateMachine): void {
  const p = parser as unknown as { _transformBuffer?: (chunk: Buffer, enc: string, cb: () => void) => void; push(t: unknown): boolean };
  const original = p._transformBuffer;
  if (typeof original !== 'function') return;
  p._transformBuffer = function (this: typeof p, chunk: Buffer, enc: string, cb: () => void) {
    this.push({ name: CHUNK_MARK, value: chunk.length });
    return original.call(this, chunk, enc, cb);
  };
  machine.observesChunks = true;
}

/**
 * Turns stream-json tokens into export events. Separate from the stream plumbing so it can be
 * fed tokens directly in tests.
 */
export class ExportStateMachine {
  private readonly frames: Frame[] = [];
  private shapeSent = false;
  private header: Record<string, unknown> = {};
  /** Header fields of the single-chat shape live on the root object. */
  private rootHeader: Record<string, unknown> = {};
  private chatList: 'single' | 'chats' | 'left_chats' = 'single';
  private chatOrdinal = 0;
  private inChat = false;
  private messagesInChat = 0;
  private lastMessageId: unknown;
  /** Message being assembled: a stack of open containers and the key each waits to fill. */
  private asm: unknown[] = [];
  private asmKeys: (string | null)[] = [];
  private asmIndex = 0;
  private failed = false;
  /** Set when the parser marks its chunks (see markChunks). */
  observesChunks = false;
  /** Bytes of all chunks whose tokens have all been pushed here. */
  consumedBytes = 0;
  private chunkInProgress = 0;

  constructor(private readonly emit: (e: ExportEvent) => void) {}

  push(token: Token): void {
    if (token.name === CHUNK_MARK) {
      this.consumedBytes += this.chunkInProgress;
      this.chunkInProgress = Number(token.value) || 0;
      return;
    }
    if (this.failed) return;
    if (this.asm.length) {
      this.assemble(token);
      return;
    }
    const top = this.frames[this.frames.length - 1];
    switch (token.name) {
      case 'startObject':
      case 'startArray': {
        const isArray = token.name === 'startArray';
        const role = this.roleOf(top, isArray);
        if (role === 'message') {
          this.asmIndex = top!.index;
          top!.index++;
          this.asm.push(isArray ? [] : {});
          this.asmKeys.push(null);
          return;
        }
        if (top?.isArray) top.index++;
        this.frames.push({ isArray, role, key: null, index: 0 });
        if (role === 'messages') this.startChat();
        if (role === 'chat') this.header = {};
        return;
      }
      case 'endObject':
      case 'endArray': {
        const frame = this.frames.pop();
        if (!frame) return;
        if (frame.role === 'messages') this.endChat();
        if (frame.role === 'chat' && this.inChat) this.endChat();
        return;
      }
      case 'keyValue':
        if (top) top.key = token.value === undefined ? null : String(token.value);
        return;
      default:
        this.primitive(top, tokenValue(token));
    }
  }

  /** End of input; `error` when the stream failed. Reports a document that stopped early. */
  end(error?: string): void {
    this.consumedBytes += this.chunkInProgress;
    this.chunkInProgress = 0;
    if (this.failed) return;
    if (!error && (this.frames.length || this.asm.length)) error = 'the file ends early (truncated)';
    if (!error && !this.shapeSent) error = 'the file holds no chat (neither "messages" nor "chats.list" found)';
    if (error) {
      this.failed = true;
      this.emit({ kind: 'error', message: error, chat: this.inChat || this.frames.some((f) => f.role === 'chat') ? { ...this.header } : undefined, lastMessageId: this.lastMessageId });
    }
  }

  private roleOf(parent: Frame | undefined, isArray: boolean): Role | 'message' {
    if (!parent) return isArray ? 'skip' : 'root';
    switch (parent.role) {
      case 'root':
        if (parent.key === 'messages' && isArray) {
          this.sendShape('single');
          this.chatList = 'single';
          this.header = this.rootHeader;
          return 'messages';
        }
        if ((parent.key === 'chats' || parent.key === 'left_chats') && !isArray) {
          this.sendShape('account');
          this.chatList = parent.key;
          return 'accountList';
        }
        return 'skip';
      case 'accountList':
        return parent.key === 'list' && isArray ? 'chatList' : 'skip';
      case 'chatList':
        return isArray ? 'skip' : 'chat';
      case 'chat':
        return parent.key === 'messages' && isArray ? 'messages' : 'skip';
      case 'messages':
        return 'message';
      default:
        return 'skip';
    }
  }

  private primitive(top: Frame | undefined, value: unknown): void {
    if (!top) return;
    if (top.role === 'messages') {
      // Not an object: still a message slot, reported by the consumer.
      this.messagesInChat++;
      this.emit({ kind: 'message', value, index: top.index++ });
      return;
    }
    if (top.isArray) {
      top.index++;
      return;
    }
    if (top.role === 'root' && top.key) this.rootHeader[top.key] = value;
    else if (top.role === 'chat' && top.key) this.header[top.key] = value;
  }

  private startChat(): void {
    if (this.inChat) this.endChat();
    this.inChat = true;
    this.messagesInChat = 0;
    this.lastMessageId = undefined;
    this.emit({
      kind: 'chat-start',
      header: { id: this.header.id, name: this.header.name, type: this.header.type },
      list: this.chatList,
      ordinal: this.chatOrdinal++,
    });
  }

  private endChat(): void {
    if (!this.inChat) return;
    this.inChat = false;
    this.emit({ kind: 'chat-end', messages: this.messagesInChat });
  }

  private sendShape(shape: 'single' | 'account'): void {
    if (this.shapeSent) return;
    this.shapeSent = true;
    this.emit({ kind: 'shape', shape });
  }

  private assemble(token: Token): void {
    const n = token.name;
    if (n === 'keyValue') {
      this.asmKeys[this.asmKeys.length - 1] = token.value === undefined ? null : String(token.value);
      return;
    }
    if (n === 'startObject' || n === 'startArray') {
      const v: unknown = n === 'startObject' ? {} : [];
      this.put(v);
      this.asm.push(v);
      this.asmKeys.push(null);
      return;
    }
    if (n === 'endObject' || n === 'endArray') {
      const done = this.asm.pop();
      this.asmKeys.pop();
      if (this.asm.length === 0) {
        this.messagesInChat++;
        this.lastMessageId = (done as { id?: unknown }).id;
        this.emit({ kind: 'message', value: done, index: this.asmIndex });
      }
      return;
    }
    this.put(tokenValue(token));
  }

  private put(v: unknown): void {
    const container = this.asm[this.asm.length - 1];
    if (Array.isArray(container)) container.push(v);
    else {
      const key = this.asmKeys[this.asmKeys.length - 1];
      if (key !== null && key !== '__proto__') (container as Record<string, unknown>)[key] = v;
    }
  }
}

function tokenValue(token: Token): unknown {
  switch (token.name) {
    case 'stringValue':
      return token.value;
    case 'numberValue':
      return Number(token.value);
    case 'nullValue':
      return null;
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return undefined;
  }
}
