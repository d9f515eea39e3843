/**
 * The search index on disk: one SQLite database (`.vault-archiver/search/index.db`) holding an
 * FTS5 full-text table and a table of what each hit points at, through node-sqlite3-wasm
 * (SQLite compiled to WebAssembly with a Node file-system VFS: no native addon, and the database
 * stays on disk, read through SQLite's bounded page cache, instead of living in memory).
 *
 * Why SQLite FTS5: a maintained, crash-safe (rollback journal) inverted index with phrase and
 * prefix queries, rowid-ordered iteration that stops after LIMIT, and incremental inserts and
 * deletes, all within a few MB of memory at a million messages. In-memory libraries (MiniSearch,
 * FlexSearch) must hold the whole index in the JS heap and serialise it whole to persist it.
 *
 * Rowids are date-ordered (seconds since 1970 of the message's date × 64 + a tie-breaker), so
 * "newest first" is FTS5's native descending rowid order and date filters are rowid ranges.
 *
 * Per-note state (`notes`): the note's size, mtime and inode when it was indexed, and how far.
 * A note whose update spans several transactions is first marked dirty (size -1), so a crash in
 * between leaves a record that says "re-read me", never a half-indexed note taken for complete.
 */
import { Database, type Statement } from 'node-sqlite3-wasm';
import { hasTerms } from './blockText';
import { type DocBatch, FIELDS, F_AUTHOR, F_BYTE_END, F_BYTE_START, F_HAS, F_LINE, F_MSG, F_SECS, F_TERMS_END, dateSeconds, msgOfBlockId } from './docBatch';

export const SCHEMA_VERSION = '3';

export type DocKind = 'message' | 'video' | 'note';

export interface NoteRecord {
  readonly id: number;
  readonly path: string;
  readonly kind: DocKind;
  readonly source: string;
  readonly topic: string | null;
  readonly size: number;
  readonly mtime: number;
  readonly ino: number;
  readonly headerBytes: number;
  readonly headerLines: number;
  /** Byte offset after the last indexed block (appends are read from here). */
  readonly indexedEnd: number;
  /** Lines before indexedEnd. */
  readonly indexedLines: number;
  /** Hash of the bytes just before indexedEnd: unchanged means the note only grew after it. */
  readonly tailHash: string;
}

export interface NewDoc {
  readonly line: number;
  readonly blockId?: string;
  readonly author?: string;
  readonly date?: string;
  readonly has: number;
  readonly byteStart: number;
  readonly byteEnd: number;
  /** Folded terms, space separated (fold.ts indexTerms); the has-terms of `has` are added by addDoc. */
  readonly terms: string;
}

export interface DocRow {
  readonly id: number;
  readonly noteId: number;
  readonly line: number;
  readonly blockId: string | null;
  readonly authorId: number | null;
  /** "YYYY-MM-DDTHH:MM:SS" as the note shows it. */
  readonly date: string | null;
  readonly byteStart: number;
  readonly byteEnd: number;
}

/**
 * Rowids per second. Small, because FTS5 stores the gaps between the rowids of a term's documents
 * as varints: 64 per second keeps them a byte or two shorter than a roomier spacing would (the
 * index is a third smaller). A 65th message in one second takes the next free rowid after it.
 */
const TIE_BITS = 64;
const MAX_PROBES = 4096;

export { dateSeconds };

export const rowidOfSeconds = (s: number): number => s * TIE_BITS;

/**
 * Orders messages of the same second: by their line in the note, so rowids grow as a note is read
 * (FTS5 flushes its pending terms to a new segment whenever a rowid is smaller than the last one:
 * out-of-order rowids would make thousands of tiny segments). Messages of two notes in the same
 * second that land on the same value are moved apart by addDoc.
 */
function tieBreaker(line: number): number {
  return line % TIE_BITS;
}

/** Made after a bulk build's inserts (one sort instead of a B-tree kept in order row by row). */
const DOCS_NOTE_INDEX = 'CREATE INDEX IF NOT EXISTS docs_note ON docs(note_id)';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, topic TEXT,
  source_folded TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, ino INTEGER NOT NULL, header_bytes INTEGER NOT NULL,
  header_lines INTEGER NOT NULL, indexed_end INTEGER NOT NULL, indexed_lines INTEGER NOT NULL, tail_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS authors(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, folded TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL, line INTEGER NOT NULL, msg INTEGER, author_id INTEGER,
  secs INTEGER, has INTEGER NOT NULL, byte_start INTEGER NOT NULL, bytes INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, content='', contentless_delete=1, tokenize='ascii');
`;

export interface OpenOptions {
  /** A fresh database being built whole: no journal, no fsync (it is renamed into place when done). */
  readonly bulk?: boolean;
  /** Folds an author name or title the way queries are folded (fold.ts terms().join(' ')). */
  readonly fold: (s: string) => string;
}

export class IndexStore {
  readonly db: Database;
  private readonly stmts = new Map<string, Statement>();
  private readonly authorIds = new Map<string, number>();
  private readonly fold: (s: string) => string;
  /** A bulk build runs in one transaction from open to finishBulk (see transaction()). */
  private readonly bulk: boolean;
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(file: string, opts: OpenOptions) {
    this.fold = opts.fold;
    this.bulk = opts.bulk === true;
    this.db = new Database(file);
    try {
      // Bulk: a private file until it is renamed into place, so no journal, no fsync, no lock churn.
      if (opts.bulk) this.db.exec('PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-32000;');
      // 32 MB of pages: the docs table's pages of recent messages and common words' doclists stay
      // in memory across queries (8 MB: a common word's query read pages through the VFS again)
      else this.db.exec('PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;');
      this.db.exec(SCHEMA);
      if (!opts.bulk) this.db.exec(DOCS_NOTE_INDEX);
      // Bulk: FTS5 keeps 16 MB of new terms in memory before writing a segment (default 1 MB),
      // so a whole build writes few, large segments and merges less.
      if (opts.bulk) {
        this.db.run("INSERT INTO fts(fts, rank) VALUES('hashsize', ?)", [16 << 20]);
        this.db.exec('BEGIN');
      }
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  close(): void {
    for (const s of this.stmts.values()) s.finalize();
    this.stmts.clear();
    if (this.db.isOpen) this.db.close();
  }

  /** Ends a bulk build: the secondary index, FTS5's segments merged into one, all committed. */
  finishBulk(): void {
    this.db.exec(DOCS_NOTE_INDEX);
    this.db.exec("INSERT INTO fts(fts) VALUES('optimize')");
    this.db.exec('COMMIT');
  }

  getMeta(key: string): string | undefined {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get([key]);
    return row ? String(row.value) : undefined;
  }

  setMeta(key: string, value: string): void {
    this.stmt('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run([key, value]);
  }

  /**
   * Runs `work` in a transaction of its own, except in a bulk build: that is one transaction from
   * open to finishBulk, because FTS5 writes its pending terms out as a new segment at every commit
   * (a commit per chunk made hundreds of small segments to merge again, about a third of the build).
   * A bulk build's file is private and thrown away unless finished, so it needs no steps of its own.
   */
  transaction<T>(work: () => T): T {
    if (this.bulk) return work();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = work();
      this.db.exec('COMMIT');
      return r;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  allNotes(): NoteRecord[] {
    return this.stmt('SELECT * FROM notes').all().map(noteRecord);
  }

  /** Records a note about to be (re)indexed in several steps: dirty until finishNote. Returns its id. */
  beginNote(path: string, kind: DocKind, source: string, topic: string | undefined): number {
    const existing = this.stmt('SELECT id FROM notes WHERE path = ?').get([path]);
    const folded = this.fold(`${source} ${topic ?? ''}`);
    if (existing) {
      this.stmt('UPDATE notes SET kind = ?, source = ?, topic = ?, source_folded = ?, size = -1 WHERE id = ?').run([kind, source, topic ?? null, folded, existing.id as number]);
      return existing.id as number;
    }
    const r = this.stmt(
      'INSERT INTO notes(path, kind, source, topic, source_folded, size, mtime, ino, header_bytes, header_lines, indexed_end, indexed_lines, tail_hash) VALUES (?, ?, ?, ?, ?, -1, 0, 0, 0, 0, 0, 0, \'\')',
    ).run([path, kind, source, topic ?? null, folded]);
    return Number(r.lastInsertRowid);
  }

  finishNote(id: number, r: Omit<NoteRecord, 'id' | 'path' | 'kind' | 'source' | 'topic'>): void {
    this.stmt('UPDATE notes SET size = ?, mtime = ?, ino = ?, header_bytes = ?, header_lines = ?, indexed_end = ?, indexed_lines = ?, tail_hash = ? WHERE id = ?').run([
      r.size,
      r.mtime,
      r.ino,
      r.headerBytes,
      r.headerLines,
      r.indexedEnd,
      r.indexedLines,
      r.tailHash,
      id,
    ]);
  }

  /** Removes every document of a note (and the note's record when `forget`). */
  clearNote(id: number, forget: boolean): void {
    this.stmt('DELETE FROM fts WHERE rowid IN (SELECT id FROM docs WHERE note_id = ?)').run([id]);
    this.stmt('DELETE FROM docs WHERE note_id = ?').run([id]);
    if (forget) this.stmt('DELETE FROM notes WHERE id = ?').run([id]);
  }

  private authorId(name: string): number {
    let id = this.authorIds.get(name);
    if (id !== undefined) return id;
    const row = this.stmt('SELECT id FROM authors WHERE name = ?').get([name]);
    id = row ? (row.id as number) : Number(this.stmt('INSERT INTO authors(name, folded) VALUES (?, ?)').run([name, this.fold(name)]).lastInsertRowid);
    if (this.authorIds.size > 100_000) this.authorIds.clear();
    this.authorIds.set(name, id);
    return id;
  }

  addDoc(noteId: number, d: NewDoc): void {
    const msg = msgOfBlockId(d.blockId);
    this.insertDoc(noteId, d.line, Number.isNaN(msg) ? null : msg, d.author, dateSeconds(d.date), d.has, d.byteStart, d.byteEnd, this.utf8(d.terms + hasTerms(d.has)));
  }

  /** Adds a packed batch's documents (docBatch.ts). Returns how many. */
  addBatch(noteId: number, b: DocBatch): number {
    const n = b.nums;
    let termsStart = 0;
    for (let i = 0, o = 0; i < b.count; i++, o += FIELDS) {
      const msg = n[o + F_MSG]!;
      const author = n[o + F_AUTHOR]!;
      const termsEnd = n[o + F_TERMS_END]!;
      this.insertDoc(noteId, n[o + F_LINE]!, Number.isNaN(msg) ? null : msg, author >= 0 ? b.authors[author] : undefined, n[o + F_SECS]!, n[o + F_HAS]!, n[o + F_BYTE_START]!, n[o + F_BYTE_END]!, b.terms.subarray(termsStart, termsEnd));
      termsStart = termsEnd;
    }
    return b.count;
  }

  /** `terms`: UTF-8 bytes (FTS5 reads a blob's bytes as the same text). */
  private insertDoc(noteId: number, line: number, msg: number | null, authorName: string | undefined, secs: number, has: number, byteStart: number, byteEnd: number, terms: Uint8Array): void {
    const base = rowidOfSeconds(secs) + tieBreaker(line);
    const insert = this.stmt('INSERT OR IGNORE INTO docs(id, note_id, line, msg, author_id, secs, has, byte_start, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const author = authorName !== undefined ? this.authorId(authorName) : null;
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const id = base + probe; // taken: by another message of the same second (or one that spilled over)
      const r = insert.run([id, noteId, line, msg, author, secs || null, has, byteStart, byteEnd - byteStart]);
      if (r.changes === 1) {
        this.stmt('INSERT INTO fts(rowid, body) VALUES (?, ?)').run([id, terms]);
        return;
      }
    }
    throw new Error(`search index: no free rowid for a message (more than ${MAX_PROBES} around one second)`);
  }

  /**
   * The terms as UTF-8 bytes in a reused buffer (a view of it: SQLite copies a bound value at once).
   * node-sqlite3-wasm binds a string by measuring and encoding it in JS, a character at a time:
   * a tenth of a whole build; Node's native encoder into a buffer is several times faster, and
   * FTS5 reads a blob's bytes as the same UTF-8 text.
   */
  private utf8(s: string): Uint8Array {
    if (this.scratch.length < s.length * 3) this.scratch = Buffer.allocUnsafe(Math.max(s.length * 3, this.scratch.length * 2));
    return this.scratch.subarray(0, this.scratch.write(s, 0, 'utf8'));
  }

  /** Notes whose title or topic contains any of the folded substrings. */
  notesMatching(folded: readonly string[]): number[] {
    const where = folded.map(() => "source_folded LIKE ? ESCAPE '\\'").join(' OR ');
    return this.db.all(`SELECT id FROM notes WHERE ${where}`, folded.map(likePattern)).map((r) => r.id as number);
  }

  authorsMatching(folded: readonly string[]): number[] {
    const where = folded.map(() => "folded LIKE ? ESCAPE '\\'").join(' OR ');
    return this.db.all(`SELECT id FROM authors WHERE ${where}`, folded.map(likePattern)).map((r) => r.id as number);
  }

  noteById(id: number): NoteRecord | undefined {
    const row = this.stmt('SELECT * FROM notes WHERE id = ?').get([id]);
    return row ? noteRecord(row) : undefined;
  }

  authorName(id: number): string | undefined {
    const row = this.stmt('SELECT name FROM authors WHERE id = ?').get([id]);
    return row ? String(row.name) : undefined;
  }

  docCount(): number {
    return Number(this.stmt('SELECT count(*) AS n FROM docs').get()!.n);
  }
}

function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function noteRecord(r: Record<string, unknown>): NoteRecord {
  return {
    id: r.id as number,
    path: String(r.path),
    kind: r.kind as DocKind,
    source: String(r.source),
    topic: r.topic === null ? null : String(r.topic),
    size: Number(r.size),
    mtime: Number(r.mtime),
    ino: Number(r.ino),
    headerBytes: Number(r.header_bytes),
    headerLines: Number(r.header_lines),
    indexedEnd: Number(r.indexed_end),
    indexedLines: Number(r.indexed_lines),
    tailHash: String(r.tail_hash),
  };
}

export function docRow(r: Record<string, unknown>): DocRow {
  return {
    id: Number(r.id),
    noteId: Number(r.note_id),
    line: Number(r.line),
    blockId: r.msg === null ? null : `m${Number(r.msg)}`,
    authorId: r.author_id === null ? null : Number(r.author_id),
    date: r.secs === null ? null : new Date(Number(r.secs) * 1000).toISOString().slice(0, 19),
    byteStart: Number(r.byte_start),
    byteEnd: Number(r.byte_start) + Number(r.bytes),
  };
}
