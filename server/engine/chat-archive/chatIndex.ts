/**
 * The per-chat dedup index: which message ids are in the vault, in which note, grouped into which
 * block, and a hash of each block's text (to tell an edited message from an unchanged one).
 *
 * It is a cache of the notes, never the truth. Two files per chat under
 * `<vault>/.vault-archiver/telegram/chats/`:
 *   <chatId>.json  small, rewritten whenever a folder or note is claimed: chat header, layout,
 *                  topics, the notes (path, topic, month) and an `importing` flag that is set
 *                  before an import touches any file and cleared when it finished cleanly;
 *   <chatId>.rows  binary message table plus, for every note, the size/mtime/header the note had
 *                  when the table was written. A note whose size or mtime differs (a crash, a
 *                  user's edit, a sync tool) has its rows rebuilt from its text.
 *
 * Memory: seven typed-array columns, 26 bytes per message, sorted by id (binary search); ids that
 * arrive out of order go to a small side map until the next compaction. Per block (on its first
 * row): a hash of its text (an edit shows as a different hash) and a hash of its source — the
 * message as its connector gave it plus everything its rendering looked up — so a re-import can
 * skip rendering a block whose source is unchanged (0 = not known: render and compare).
 */
import * as path from 'node:path';
import type { JobWarning } from '../../../shared/types';
import { writeFileAtomic } from '../vault/atomic';
import { type IoCounters, type VaultFs, isNotFound } from '../vault/vaultFs';

export const INDEX_VERSION = 1;
/** v2 adds the source-key columns; a v1 file is read with unknown source keys (every block rendered once). */
const ROWS_MAGIC = 'VAROWS2\n';
const ROWS_MAGIC_V1 = 'VAROWS1\n';
/** note column value of a removed row (dropped at the next compaction). */
const REMOVED = 0xffff;
export const MAX_NOTES_PER_CHAT = REMOVED - 1;
/**
 * Message ids fit the table's int32 column. Ids below zero are real: Telegram Desktop exports the
 * history of a group from before its upgrade to a supergroup with negative ids (-999678449), and
 * they sort before every id of the supergroup, as that history is older.
 */
export const MAX_MESSAGE_ID = 0x7fffffff;
export const MIN_MESSAGE_ID = -MAX_MESSAGE_ID;

export interface NoteRecord {
  /** Vault-relative path with ".md", forward slashes. */
  readonly path: string;
  readonly topicId?: number;
  readonly topicTitle?: string;
  /** "YYYY-MM" for month notes. */
  readonly month?: string;
  /** Messages in the note when the chat was last imported (for the sources view). */
  count?: number;
}

export interface NoteValidation {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** The frontmatter text at the start of the note when it was last written. */
  readonly header: string;
  readonly firstDate?: string;
  readonly lastDate?: string;
}

export interface ChatIndexHeader {
  version: number;
  chatId: number;
  title: string;
  type: string;
  /** Folder name under Telegram/. */
  folder: string;
  layout: 'single' | 'monthly';
  /** True from the moment an import starts touching this chat's files until it ends cleanly. */
  importing: boolean;
  lastImportAt: string;
  messageCount: number;
  topics: { id: number; title: string }[];
  notes: NoteRecord[];
  /**
   * Digest of the source the chat was last archived from, in full and with every file found (its
   * connector says what it covers): a re-import of the same source skips the chat.
   */
  sourceDigest?: string;
  /** What that run counted and warned, replayed when a re-import skips the chat. */
  sourceRun?: { readonly placed: number; readonly warnings: readonly JobWarning[] };
}

/**
 * 64-bit hash of a block's text, for telling an edited message from an unchanged one (not for
 * security: nobody gains from a collision but a missed edit). Two multiplicative lanes over the
 * UTF-16 code units with a final avalanche; a native SHA-1 per block cost more than rendering the
 * block. Trailing newlines are ignored so the renderer's and the parser's idea of where a block
 * ends need not agree on blank lines.
 */
export function blockHash(text: string): [number, number] {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  let a = 0x811c9dc5 ^ end;
  let b = 0x27d4eb2f ^ Math.imul(end, 0x9e3779b1);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= b >>> 7;
  b ^= a >>> 11;
  return [avalanche(a), avalanche(b ^ 0x6a09e667)];
}

/** The final mix of a 32-bit hash lane (shared by block hashes and source keys). */
export function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Growable typed-array table of message rows, sorted by id. */
export class MessageTable {
  ids = new Int32Array(1024);
  note = new Uint16Array(1024);
  first = new Int32Array(1024);
  h1 = new Uint32Array(1024);
  h2 = new Uint32Array(1024);
  s1 = new Uint32Array(1024);
  s2 = new Uint32Array(1024);
  length = 0;
  /** Rows [0, sortedLength) are sorted by id; later rows are indexed by `overflow`. */
  private sortedLength = 0;
  private overflow = new Map<number, number>();
  private removed = 0;

  get size(): number {
    return this.length - this.removed;
  }

  find(id: number): number {
    let lo = 0;
    let hi = this.sortedLength - 1;
    const ids = this.ids;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid];
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else {
        if (this.note[mid] !== REMOVED) return mid;
        break; // removed here, perhaps added again later (then it is in the overflow)
      }
    }
    const row = this.overflow.get(id);
    return row === undefined || this.note[row] === REMOVED ? -1 : row;
  }

  add(id: number, note: number, first: number, h1: number, h2: number): number {
    const existing = this.find(id);
    if (existing >= 0) {
      this.set(existing, note, first, h1, h2);
      return existing;
    }
    if (this.length === this.ids.length) this.grow();
    const row = this.length++;
    this.ids[row] = id;
    this.set(row, note, first, h1, h2);
    if (this.sortedLength === row && (row === 0 || this.ids[row - 1] < id)) this.sortedLength++;
    else {
      this.overflow.set(id, row);
      if (this.overflow.size > 4096) this.compact();
    }
    return row;
  }

  /** Sets a row; its source key becomes unknown until setSourceKey. */
  set(row: number, note: number, first: number, h1: number, h2: number): void {
    this.note[row] = note;
    this.first[row] = first;
    this.h1[row] = h1;
    this.h2[row] = h2;
    this.s1[row] = 0;
    this.s2[row] = 0;
  }

  /** The source key of the block whose head row is `row` ([0, 0] = unknown). */
  setSourceKey(row: number, key: readonly [number, number]): void {
    this.s1[row] = key[0];
    this.s2[row] = key[1];
  }

  hasSourceKey(row: number, key: readonly [number, number]): boolean {
    return (key[0] !== 0 || key[1] !== 0) && this.s1[row] === key[0] && this.s2[row] === key[1];
  }

  remove(row: number): void {
    if (this.note[row] === REMOVED) return;
    this.note[row] = REMOVED;
    this.removed++;
  }

  /** Removes every row of note `n`. */
  removeNote(n: number): void {
    for (let r = 0; r < this.length; r++) if (this.note[r] === n) this.remove(r);
  }

  /** Rows of the block whose first message is `firstId`. */
  blockRows(firstId: number): number[] {
    const head = this.find(firstId);
    if (head < 0) return [];
    const out: number[] = [];
    // Members of a block have the ids right after its first one, so they sit next to it.
    if (head < this.sortedLength) {
      for (let r = head; r < this.sortedLength && this.first[r] === firstId; r++) if (this.note[r] !== REMOVED) out.push(r);
    } else out.push(head);
    for (const row of this.overflow.values()) if (row !== head && !out.includes(row) && this.note[row] !== REMOVED && this.first[row] === firstId) out.push(row);
    return out;
  }

  /** Sorts everything by id and drops removed rows. */
  compact(): void {
    const live: number[] = [];
    for (let r = 0; r < this.length; r++) if (this.note[r] !== REMOVED) live.push(r);
    live.sort((a, b) => this.ids[a] - this.ids[b]);
    const cap = Math.max(1024, live.length);
    const ids = new Int32Array(cap);
    const note = new Uint16Array(cap);
    const first = new Int32Array(cap);
    const h1 = new Uint32Array(cap);
    const h2 = new Uint32Array(cap);
    const s1 = new Uint32Array(cap);
    const s2 = new Uint32Array(cap);
    live.forEach((r, i) => {
      ids[i] = this.ids[r];
      note[i] = this.note[r];
      first[i] = this.first[r];
      h1[i] = this.h1[r];
      h2[i] = this.h2[r];
      s1[i] = this.s1[r];
      s2[i] = this.s2[r];
    });
    Object.assign(this, { ids, note, first, h1, h2, s1, s2 });
    this.length = this.sortedLength = live.length;
    this.overflow = new Map();
    this.removed = 0;
  }

  /**
   * Per note: message count and highest id (for frontmatter and append-vs-insert decisions); the
   * highest id of an empty note is -Infinity, so any id, negative ones too, comes after it.
   */
  noteStats(notes: number): { count: number; maxId: number }[] {
    const stats = Array.from({ length: notes }, () => ({ count: 0, maxId: Number.NEGATIVE_INFINITY }));
    for (let r = 0; r < this.length; r++) {
      const n = this.note[r];
      if (n === REMOVED || n >= notes) continue;
      stats[n].count++;
      if (this.ids[r] > stats[n].maxId) stats[n].maxId = this.ids[r];
    }
    return stats;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    const note = new Uint16Array(cap);
    note.set(this.note);
    const first = new Int32Array(cap);
    first.set(this.first);
    const h1 = new Uint32Array(cap);
    h1.set(this.h1);
    const h2 = new Uint32Array(cap);
    h2.set(this.h2);
    const s1 = new Uint32Array(cap);
    s1.set(this.s1);
    const s2 = new Uint32Array(cap);
    s2.set(this.s2);
    Object.assign(this, { ids, note, first, h1, h2, s1, s2 });
  }

  encode(): Buffer[] {
    this.compact();
    const n = this.length;
    return [
      Buffer.from(this.ids.buffer, 0, n * 4),
      Buffer.from(this.note.buffer, 0, n * 2),
      Buffer.from(this.first.buffer, 0, n * 4),
      Buffer.from(this.h1.buffer, 0, n * 4),
      Buffer.from(this.h2.buffer, 0, n * 4),
      Buffer.from(this.s1.buffer, 0, n * 4),
      Buffer.from(this.s2.buffer, 0, n * 4),
    ];
  }

  /** `withSourceKeys`: false for a v1 file (keys unknown). */
  static decode(buf: Buffer, offset: number, n: number, withSourceKeys = true): MessageTable {
    const t = new MessageTable();
    const cap = Math.max(1024, n);
    const take = <T extends Int32Array | Uint16Array | Uint32Array>(Ctor: { new (len: number): T; BYTES_PER_ELEMENT: number }): T => {
      const out = new Ctor(cap);
      const bytes = n * Ctor.BYTES_PER_ELEMENT;
      if (offset + bytes > buf.length) throw new Error('rows file is short');
      Buffer.from(out.buffer, 0, bytes).set(buf.subarray(offset, offset + bytes));
      offset += bytes;
      return out;
    };
    const ids = take(Int32Array);
    const note = take(Uint16Array);
    const first = take(Int32Array);
    const h1 = take(Uint32Array);
    const h2 = take(Uint32Array);
    const s1 = withSourceKeys ? take(Uint32Array) : new Uint32Array(cap);
    const s2 = withSourceKeys ? take(Uint32Array) : new Uint32Array(cap);
    Object.assign(t, { ids, note, first, h1, h2, s1, s2 });
    t.length = t.sortedLength = n;
    for (let i = 1; i < n; i++) if (ids[i - 1] >= ids[i]) throw new Error('rows file is not sorted');
    return t;
  }
}

export class ChatIndexFiles {
  readonly jsonFile: string;
  readonly rowsFile: string;

  constructor(
    stateDir: string,
    readonly chatId: number,
  ) {
    this.jsonFile = path.join(stateDir, 'chats', `${chatId}.json`);
    this.rowsFile = path.join(stateDir, 'chats', `${chatId}.rows`);
  }

  async readHeader(fs: VaultFs): Promise<ChatIndexHeader | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.jsonFile, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    try {
      const h = JSON.parse(text) as ChatIndexHeader;
      if (h.version !== INDEX_VERSION || h.chatId !== this.chatId || typeof h.folder !== 'string' || !Array.isArray(h.notes)) return undefined;
      h.topics = Array.isArray(h.topics) ? h.topics : [];
      return h;
    } catch {
      return undefined; // unreadable: treated as lost, rebuilt from the notes
    }
  }

  async writeHeader(fs: VaultFs, header: ChatIndexHeader, counters?: IoCounters, durable = false): Promise<void> {
    await fs.mkdir(path.dirname(this.jsonFile), { recursive: true });
    await writeFileAtomic(this.jsonFile, JSON.stringify(header, null, 1) + '\n', { fs, counters, durable });
  }

  async readRows(fs: VaultFs): Promise<{ table: MessageTable; notes: NoteValidation[] } | undefined> {
    let buf: Buffer;
    try {
      buf = await fs.readFile(this.rowsFile);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    try {
      const magic = buf.subarray(0, ROWS_MAGIC.length).toString('latin1');
      if (magic !== ROWS_MAGIC && magic !== ROWS_MAGIC_V1) return undefined;
      let off = ROWS_MAGIC.length;
      const jsonLen = buf.readUInt32LE(off);
      off += 4;
      const meta = JSON.parse(buf.subarray(off, off + jsonLen).toString('utf8')) as { count: number; notes: NoteValidation[] };
      off += jsonLen;
      return { table: MessageTable.decode(buf, off, meta.count, magic === ROWS_MAGIC), notes: meta.notes };
    } catch {
      return undefined;
    }
  }

  async writeRows(fs: VaultFs, table: MessageTable, notes: NoteValidation[], counters?: IoCounters, durable = false): Promise<void> {
    const cols = table.encode();
    const meta = Buffer.from(JSON.stringify({ count: table.length, notes }), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(meta.length, 0);
    await fs.mkdir(path.dirname(this.rowsFile), { recursive: true });
    await writeFileAtomic(this.rowsFile, Buffer.concat([Buffer.from(ROWS_MAGIC, 'latin1'), len, meta, ...cols]), { fs, counters, durable });
  }

  async remove(fs: VaultFs): Promise<void> {
    await fs.rm(this.jsonFile, { force: true });
    await fs.rm(this.rowsFile, { force: true });
  }
}
