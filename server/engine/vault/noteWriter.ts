/**
 * Buffered writer for one Markdown note: a header (the YAML frontmatter) followed by a body that
 * only grows at the end, except when the whole note is rewritten.
 *
 * Why buffered: an import renders tens of thousands of small blocks per note; one write call per
 * block is what makes naive importers slow. Appends accumulate in memory and go to disk in one
 * write call when the buffer passes `flushBytes`, when the oldest pending append is older than
 * `flushIntervalMs` (so a note being filled slowly by live sync still shows up), on finish, and on
 * cancel/shutdown (the owner calls flush/finish).
 *
 * Why the header is handled apart: the frontmatter carries counts and dates that change with every
 * append, but it sits at the start of the file. On finish the writer puts the final header in
 * place the cheapest safe way: written together with the body when the note is new and still in
 * memory (one write, atomic via temp + rename); patched in place when its byte length did not
 * change and it fits in one page (a single small pwrite at offset 0, which a killed process cannot
 * tear); otherwise the note is rewritten through a temp file and renamed over the old one.
 *
 * Crash model: appends go straight to the note (so a long import is visible while it runs), so a
 * crash can leave a stale header and a torn last block. The importer treats notes as the truth
 * and repairs both on the next run (truncates after the last complete block, rewrites the header);
 * this writer only promises that each flush is a single append and that every rewrite is atomic.
 *
 * One writer per note: NoteWriter registers its path in a process-wide set while open, and a
 * second writer for the same file throws instead of interleaving appends.
 */
import * as path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { tempNameFor, writeAll, writeFileAtomic } from './atomic';
import { type IoCounters, type VaultFs, isNotFound } from './vaultFs';
import { SerialQueue } from '../util/serialQueue';

export const DEFAULT_FLUSH_BYTES = 1 << 20;
export const DEFAULT_FLUSH_INTERVAL_MS = 2000;
/** A header this small is patched in place with one write that stays inside the first page. */
const IN_PLACE_HEADER_LIMIT = 4096;
const COPY_CHUNK = 1 << 20;

export interface NoteWriterOptions {
  readonly fs: VaultFs;
  readonly counters: IoCounters;
  readonly clock?: () => number;
  readonly flushBytes?: number;
  readonly flushIntervalMs?: number;
  /** fsync on finish and before every rename (survives power loss; costs one fsync per note). */
  readonly durable?: boolean;
  /** Called after each write call to the note (metrics). */
  onWrite?(bytes: number): void;
  /** Paths with an open writer; default one set for the whole process. Tests that simulate a
   *  crashed run (its writers never close) give each run its own. */
  readonly registry?: Set<string>;
}

/** What is on disk when the writer starts. */
export interface NoteDiskState {
  /** Valid size in bytes (the owner truncated anything after it), 0 when the note does not exist. */
  readonly size: number;
  /** The header currently at the start of the file ('' when none). */
  readonly header: string;
}

export type FinishOutcome = 'unchanged' | 'created' | 'appended' | 'patched' | 'rewritten';

const openWriters = new Set<string>();

const EMPTY = Buffer.alloc(0);
const MIN_BUFFER = 64 << 10;

/** A new note's bytes: its header, then the body encoded as it was appended. (A header ends with
 *  a line break, so no character is split between the two.) */
function headerAndBody(header: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(header, 'utf8'), body]);
}

export class NoteWriterBusyError extends Error {
  constructor(readonly file: string) {
    super(`Another writer is already writing ${file}; two writers would interleave their appends.`);
    this.name = 'NoteWriterBusyError';
  }
}

export class NoteWriter {
  readonly file: string;
  private readonly fs: VaultFs;
  private readonly counters: IoCounters;
  private readonly clock: () => number;
  private readonly flushBytes: number;
  private readonly flushIntervalMs: number;
  private readonly durable: boolean;
  private readonly onWrite?: (bytes: number) => void;
  private readonly registry: Set<string>;

  /** Appended text not yet written, already encoded: UTF-8 bytes [0, pendingBytes) of `pendingBuf`.
   *  Encoding at append time lets each block's string die young (a megabyte of strings held until
   *  the flush is what the young-generation GC copied over and over) and spares the join. */
  private pendingBuf: Buffer = EMPTY;
  private pendingBytes = 0;
  /** A high surrogate that ended the last append, held back so a pair split across two appends
   *  encodes as the one character it is (as the joined text did). */
  private carry = '';
  private capacity = MIN_BUFFER;
  private pendingCount = 0;
  private pendingChars = 0;
  private firstPendingAt = 0;
  private diskSize: number;
  private diskHeader: string;
  private wroteSinceFinish = false;
  private closed = false;
  /** Serialises flushes so two callers never write at once. */
  /** Writes to the note happen one at a time, in the order asked. */
  private readonly writes = new SerialQueue();

  /**
   * @param provisionalHeader header for a new note's first flush, used only when the body outgrows
   *   the buffer before finish (finish then replaces it with the real one).
   */
  constructor(
    file: string,
    disk: NoteDiskState,
    opts: NoteWriterOptions,
    private readonly provisionalHeader: () => string,
  ) {
    this.file = path.resolve(file);
    this.registry = opts.registry ?? openWriters;
    if (this.registry.has(this.file)) throw new NoteWriterBusyError(this.file);
    this.registry.add(this.file);
    this.fs = opts.fs;
    this.counters = opts.counters;
    this.clock = opts.clock ?? Date.now;
    this.flushBytes = opts.flushBytes ?? DEFAULT_FLUSH_BYTES;
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.durable = opts.durable ?? true;
    this.onWrite = opts.onWrite;
    this.diskSize = disk.size;
    this.diskHeader = disk.size > 0 ? disk.header : '';
  }

  /** Bytes of the note on disk (not counting what is still buffered). */
  get sizeOnDisk(): number {
    return this.diskSize;
  }

  get bufferedChars(): number {
    return this.pendingChars;
  }

  /** Adds text at the end of the note. Resolves once any flush this triggered is done. */
  async append(text: string): Promise<void> {
    this.assertOpen();
    if (text === '') return;
    if (this.pendingCount === 0) this.firstPendingAt = this.clock();
    this.pendingCount++;
    this.pendingChars += text.length;
    this.encode(text);
    if (this.pendingChars >= this.flushBytes) await this.flush();
    else await this.flushIfDue();
  }

  /** Flushes when the oldest buffered append has waited `flushIntervalMs`. */
  async flushIfDue(): Promise<void> {
    if (this.pendingCount && this.clock() - this.firstPendingAt >= this.flushIntervalMs) await this.flush();
  }

  /** Writes everything buffered in one write call (creating the note with a provisional header). */
  flush(): Promise<void> {
    return this.writes.run(() => this.flushNow());
  }

  private async flushNow(): Promise<void> {
    if (!this.pendingCount) return;
    const body = this.takePending();
    if (this.diskSize === 0) {
      const header = this.provisionalHeader();
      const bytes = headerAndBody(header, body);
      await this.fs.mkdir(path.dirname(this.file), { recursive: true });
      // 'w': a zero-length file left by a crash is ours to reuse.
      const handle = await this.fs.open(this.file, 'w');
      try {
        await writeAll(handle, bytes, null, this.counters);
      } finally {
        await handle.close();
      }
      this.diskHeader = header;
      this.diskSize = bytes.length;
      this.noteWrite(bytes.length);
      return;
    }
    const bytes = body;
    const handle = await this.fs.open(this.file, 'a');
    try {
      await writeAll(handle, bytes, null, this.counters);
    } finally {
      await handle.close();
    }
    this.diskSize += bytes.length;
    this.noteWrite(bytes.length);
  }

  /**
   * Writes what is buffered and puts `header` at the start of the note (see the file comment for
   * how). Leaves the writer open for more appends.
   */
  finish(header: string): Promise<FinishOutcome> {
    return this.writes.run(() => this.finishNow(header));
  }

  private async finishNow(header: string): Promise<FinishOutcome> {
    if (this.diskSize === 0) {
      if (!this.pendingCount) return 'unchanged';
      const body = this.takePending();
      const bytes = headerAndBody(header, body);
      await this.fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, bytes, { fs: this.fs, counters: this.counters, durable: this.durable });
      this.diskHeader = header;
      this.diskSize = bytes.length;
      this.noteWrite(bytes.length);
      this.wroteSinceFinish = false;
      return 'created';
    }
    const hadPending = this.pendingCount > 0;
    await this.flushNow();
    const appended = hadPending || this.wroteSinceFinish;
    this.wroteSinceFinish = false;
    if (header === this.diskHeader) {
      if (appended) await this.syncFile();
      return appended ? 'appended' : 'unchanged';
    }
    const newBytes = Buffer.from(header, 'utf8');
    const oldLength = Buffer.byteLength(this.diskHeader, 'utf8');
    if (newBytes.length === oldLength && newBytes.length <= IN_PLACE_HEADER_LIMIT) {
      const handle = await this.fs.open(this.file, 'r+');
      try {
        await writeAll(handle, newBytes, 0, this.counters);
        if (this.durable) await this.syncHandle(handle);
      } finally {
        await handle.close();
      }
      this.diskHeader = header;
      this.noteWrite(newBytes.length);
      this.wroteSinceFinish = false;
      return 'patched';
    }
    await this.rewriteHeader(header, oldLength);
    this.wroteSinceFinish = false;
    return 'rewritten';
  }

  /** New header + the old body copied in large chunks, through a temp file renamed over the note. */
  private async rewriteHeader(header: string, oldHeaderBytes: number): Promise<void> {
    await this.replaceViaTemp(header, async (out) => {
      const headerBytes = Buffer.from(header, 'utf8');
      await writeAll(out, headerBytes, null, this.counters);
      let written = headerBytes.length;
      const input = await this.fs.open(this.file, 'r');
      try {
        const chunk = Buffer.allocUnsafe(Math.min(COPY_CHUNK, Math.max(1, this.diskSize - oldHeaderBytes)));
        let pos = oldHeaderBytes;
        while (pos < this.diskSize) {
          const { bytesRead } = await input.read(chunk, 0, Math.min(chunk.length, this.diskSize - pos), pos);
          if (bytesRead <= 0) break;
          await writeAll(out, chunk.subarray(0, bytesRead), null, this.counters);
          pos += bytesRead;
          written += bytesRead;
        }
      } finally {
        await input.close();
      }
      return written;
    });
  }

  /**
   * The one way a note is replaced: `fill` writes the new content into a fresh temp file (and
   * returns its size), which is synced when durable and renamed over the note. On failure the
   * temp file is removed and the note is untouched. `header` may be a function of what `fill`
   * saw, so it is read after `fill` has run.
   */
  private async replaceViaTemp(header: string | (() => string), fill: (out: FileHandle) => Promise<number>): Promise<void> {
    const tmp = tempNameFor(this.file);
    const out = await this.fs.open(tmp, 'wx');
    let written: number;
    try {
      written = await fill(out);
      if (this.durable) await this.syncHandle(out);
    } catch (err) {
      await out.close().catch(() => undefined);
      await this.fs.unlink(tmp).catch(() => undefined);
      throw err;
    }
    await out.close();
    await this.fs.rename(tmp, this.file);
    this.counters.renames++;
    this.diskHeader = typeof header === 'function' ? header() : header;
    this.diskSize = written;
    this.noteWrite(written);
  }

  /**
   * Replaces the whole note atomically with what `produce` emits (header first). Whatever was
   * buffered must have been flushed or dropped by the owner first: the new content is the truth.
   * Output is buffered into large writes like appends are.
   */
  rewrite(produce: (emit: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
    return this.writes.run(() => this.rewriteNow(produce));
  }

  private async rewriteNow(produce: (emit: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
    if (this.pendingCount) throw new Error(`rewrite of ${this.file} with unflushed appends`);
    await this.fs.mkdir(path.dirname(this.file), { recursive: true });
    let headerCaptured: string | undefined;
    await this.replaceViaTemp(
      () => headerCaptured ?? '',
      async (out) => {
        let buffered: string[] = [];
        let bufferedChars = 0;
        let written = 0;
        const drain = async () => {
          if (!buffered.length) return;
          const bytes = Buffer.from(buffered.join(''), 'utf8');
          buffered = [];
          bufferedChars = 0;
          await writeAll(out, bytes, null, this.counters);
          written += bytes.length;
        };
        await produce(async (text) => {
          if (headerCaptured === undefined) headerCaptured = text;
          buffered.push(text);
          bufferedChars += text.length;
          if (bufferedChars >= this.flushBytes) await drain();
        });
        await drain();
        return written;
      },
    );
    this.wroteSinceFinish = false;
  }

  /** Drops buffered appends without writing them (the owner decided they must not land). */
  discardPending(): void {
    this.takePending();
  }

  /** Releases the one-writer-per-note claim. Buffered text must have been flushed or discarded. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.delete(this.file);
  }

  /** Waits for any write in progress (used before close on error paths). */
  async settle(): Promise<void> {
    await this.writes.idle();
  }

  /** The pending bytes, handed over: later appends go to a fresh buffer, so a write in flight
   *  never sees them change. */
  private takePending(): Buffer {
    // A high surrogate still held back has no partner: it is written as the joined text had it.
    if (this.carry) this.encode(this.carry, true);
    const body = this.pendingBuf.subarray(0, this.pendingBytes);
    this.pendingBuf = EMPTY;
    this.pendingBytes = 0;
    this.pendingCount = 0;
    this.pendingChars = 0;
    return body;
  }

  private encode(text: string, last = false): void {
    let t = this.carry && !last ? this.carry + text : text;
    this.carry = '';
    const end = t.charCodeAt(t.length - 1);
    if (!last && end >= 0xd800 && end <= 0xdbff) {
      this.carry = t.slice(-1);
      t = t.slice(0, -1);
    }
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const room = this.pendingBytes + t.length * 3;
    if (room > this.pendingBuf.length) {
      // Sized like the last buffer at once: a writer's flushes are alike.
      this.capacity = Math.max(room, this.pendingBuf.length * 2, this.capacity);
      const grown = Buffer.allocUnsafe(this.capacity);
      this.pendingBuf.copy(grown, 0, 0, this.pendingBytes);
      this.pendingBuf = grown;
    }
    this.pendingBytes += this.pendingBuf.write(t, this.pendingBytes);
  }

  private noteWrite(bytes: number): void {
    this.wroteSinceFinish = true;
    this.onWrite?.(bytes);
  }

  private async syncFile(): Promise<void> {
    if (!this.durable) return;
    const handle = await this.fs.open(this.file, 'r+');
    try {
      await this.syncHandle(handle);
    } finally {
      await handle.close();
    }
  }

  private async syncHandle(handle: { sync(): Promise<void> }): Promise<void> {
    await handle.sync();
    this.counters.fsyncs++;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`NoteWriter for ${this.file} is closed`);
  }
}

/** True when a writer currently holds `file` (for diagnostics and tests). */
export function isNoteOpen(file: string): boolean {
  return openWriters.has(path.resolve(file));
}

/** Size of `file` in bytes, 0 when it does not exist. */
export async function fileSize(fs: VaultFs, file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
}
