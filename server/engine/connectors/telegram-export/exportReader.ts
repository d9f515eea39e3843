/**
 * Streaming reader of a Telegram Desktop JSON export (result.json), in either shape:
 *   single chat:   { name, type, id, messages: [...] }
 *   whole account: { ..., chats: { list: [chat...] }, left_chats: { list: [chat...] } }
 *
 * The file is read in large chunks and scanned as bytes (exportScanner.ts): each message is cut
 * out and parsed on its own by JSON.parse, everything the import does not use is stepped over, so
 * memory does not depend on the export's size. Events come out through an async iterator that
 * reads the next chunk only when the consumer has taken every event of the previous one.
 *
 * Bad input: a truncated or malformed document ends the events with an 'error' that names the
 * chat being read and its last complete message; everything before it was already delivered. A
 * file that is not an export at all (empty, HTML, a list, no chats...) gives one 'error' marked
 * `fatal` that says what the file is instead.
 */
import type { VaultFs } from '../../vault/vaultFs';
import type { ExportEvent } from './exportEvents';
import { ExportScanner } from './exportScanner';

export type { ChatHeaderFields, ExportEvent } from './exportEvents';

/** Big reads keep the per-chunk cost negligible; progress moves per event, not per chunk. */
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface ExportReaderOptions {
  readonly fs: Pick<VaultFs, 'createReadStream'>;
  /** Bytes per file read. */
  readonly chunkSize?: number;
  /** Asked as each chat's messages begin: false hands them out unparsed (`raw` only). */
  readonly parseChat?: (header: import('./exportEvents').ChatHeaderFields) => boolean;
}

export class ExportReader implements AsyncIterable<ExportEvent> {
  private consumed = 0;

  constructor(
    readonly file: string,
    readonly totalBytes: number,
    private readonly opts: ExportReaderOptions,
  ) {}

  /** Bytes of the file that the events handed out so far were made from (progress); the whole
   *  file once the events are over. */
  get bytesRead(): number {
    return this.consumed;
  }

  [Symbol.asyncIterator](): AsyncIterator<ExportEvent> {
    return this.events();
  }

  /**
   * The events in order, each handed to `handle` as soon as it is made; a promise it returns is
   * waited for before the next. The same events as iterating, without a promise and two microtask
   * turns per event (a 100k-message import has 100k events). Stops before an event once `stop()`.
   */
  async each(handle: (e: ExportEvent) => Promise<unknown> | undefined, stop: () => boolean): Promise<void> {
    const input = this.opts.fs.createReadStream(this.file, { highWaterMark: this.opts.chunkSize ?? DEFAULT_CHUNK_BYTES });
    const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const scanner = new ExportScanner(this.opts.parseChat);
    const give = async (events: Iterable<ExportEvent> | (() => ExportEvent | undefined)): Promise<boolean> => {
      const next = typeof events === 'function' ? events : ((it) => () => it.next().value as ExportEvent | undefined)(events[Symbol.iterator]());
      for (let e = next(); e; e = next()) {
        if (stop()) return false;
        this.consumed = scanner.eventEnd;
        const waiting = handle(e);
        if (waiting) await waiting;
      }
      return true;
    };
    try {
      for (;;) {
        let chunk: IteratorResult<Buffer | string>;
        try {
          chunk = await chunks.next();
        } catch (err) {
          this.consumed = scanner.offset;
          if (!stop()) await handle({ kind: 'error', message: `could not read the file: ${(err as Error).message}` });
          return;
        }
        if (chunk.done) break;
        scanner.feed(typeof chunk.value === 'string' ? Buffer.from(chunk.value) : chunk.value);
        if (!(await give(() => scanner.next())) || scanner.failed) return;
      }
      if (!(await give(scanner.finish()))) return;
      this.consumed = scanner.offset;
    } finally {
      input.destroy();
    }
  }

  private async *events(): AsyncGenerator<ExportEvent> {
    const input = this.opts.fs.createReadStream(this.file, { highWaterMark: this.opts.chunkSize ?? DEFAULT_CHUNK_BYTES });
    const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const scanner = new ExportScanner(this.opts.parseChat);
    try {
      for (;;) {
        let chunk: IteratorResult<Buffer | string>;
        try {
          chunk = await chunks.next();
        } catch (err) {
          this.consumed = scanner.offset;
          yield { kind: 'error', message: `could not read the file: ${(err as Error).message}` };
          return;
        }
        if (chunk.done) break;
        scanner.feed(typeof chunk.value === 'string' ? Buffer.from(chunk.value) : chunk.value);
        for (let e = scanner.next(); e; e = scanner.next()) {
          this.consumed = scanner.eventEnd;
          yield e;
        }
        if (scanner.failed) return;
      }
      for (const e of scanner.finish()) {
        this.consumed = scanner.eventEnd;
        yield e;
      }
      this.consumed = scanner.offset;
    } finally {
      // The consumer stopped early (cancel), the file was bad, or it was all read: release it.
      input.destroy();
    }
  }
}
