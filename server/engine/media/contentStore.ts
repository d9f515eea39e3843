/**
 * The vault-wide content store index: which vault file holds the content with a given SHA-256,
 * which chats embed it, and a cache from an export file's cheap identity (path, size, mtime,
 * inode) to its hash so an unchanged export is not hashed again on the next import.
 *
 * It is a cache of what is in the vault, never the truth: every entry can be re-derived by
 * hashing the attachment files (rebuildFromFiles), and the media pipeline re-checks an entry's
 * file before trusting it for the first time in a run. Saved as JSON lines via temp + rename.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../vault/atomic';
import { type IoCounters, type VaultFs, isNotFound } from '../vault/vaultFs';
import { hashFile } from './hash';

const HEADER = 'vault-archiver content-store 1';

export interface StoredContent {
  readonly sha256: string;
  readonly size: number;
  /** Vault-relative path, forward slashes. */
  readonly path: string;
  /** Chats that embed this content; '*' = unknown (entry rebuilt from files). */
  readonly refs: Set<number | '*'>;
}

export class ContentStore {
  private readonly bySha = new Map<string, StoredContent>();
  /** Keyed by lower-cased path: names differing only in case are one file on macOS/Windows. */
  private readonly byPath = new Map<string, string>();
  private readonly sourceKeys = new Map<string, string>();
  /** Cheap keys by their path part, so one task can both stat a source and compare its key. */
  private readonly keysByName = new Map<string, string[]>();
  private dirty = false;

  constructor(
    readonly vaultRoot: string,
    readonly file: string,
  ) {}

  get size(): number {
    return this.bySha.size;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Loads the index; false when there is none (or it is unreadable, which counts as lost). */
  async load(fs: VaultFs): Promise<boolean> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    const lines = text.split('\n');
    if (lines[0] !== HEADER) return false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (!line) continue;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        continue; // a torn last line after a crash: the entry is re-derived when needed
      }
      if (!Array.isArray(row)) continue;
      if (row[0] === 'F' && typeof row[1] === 'string' && typeof row[2] === 'number' && typeof row[3] === 'string') {
        const refs = new Set<number | '*'>(Array.isArray(row[4]) ? (row[4] as (number | '*')[]) : ['*']);
        this.setEntry({ sha256: row[1], size: row[2], path: row[3], refs });
      } else if (row[0] === 'S' && typeof row[1] === 'string' && typeof row[2] === 'string') {
        this.setSourceKey(row[1], row[2]);
      }
    }
    this.dirty = false;
    return true;
  }

  async save(fs: VaultFs, counters?: IoCounters): Promise<void> {
    const out: string[] = [HEADER];
    for (const e of this.bySha.values()) out.push(JSON.stringify(['F', e.sha256, e.size, e.path, [...e.refs]]));
    for (const [key, sha] of this.sourceKeys) if (this.bySha.has(sha)) out.push(JSON.stringify(['S', key, sha]));
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, out.join('\n') + '\n', { fs, counters, durable: true });
    this.dirty = false;
  }

  get(sha256: string): StoredContent | undefined {
    return this.bySha.get(sha256);
  }

  /** The hash whose content is stored at `vaultPath`, if any. */
  shaAt(vaultPath: string): string | undefined {
    return this.byPath.get(vaultPath.toLowerCase());
  }

  add(sha256: string, size: number, vaultPath: string, chatId?: number): StoredContent {
    const existing = this.bySha.get(sha256);
    if (existing && existing.path === vaultPath) {
      if (chatId !== undefined) this.addRef(existing, chatId);
      return existing;
    }
    const entry: StoredContent = { sha256, size, path: vaultPath, refs: new Set(chatId === undefined ? [] : [chatId]) };
    this.setEntry(entry);
    this.dirty = true;
    return entry;
  }

  addRef(entry: StoredContent, chatId: number): void {
    if (entry.refs.has(chatId)) return;
    entry.refs.add(chatId);
    this.dirty = true;
  }

  removeRef(entry: StoredContent, chatId: number): void {
    if (entry.refs.delete(chatId)) this.dirty = true;
  }

  remove(sha256: string): void {
    const e = this.bySha.get(sha256);
    if (!e) return;
    this.bySha.delete(sha256);
    if (this.byPath.get(e.path.toLowerCase()) === sha256) this.byPath.delete(e.path.toLowerCase());
    this.dirty = true;
  }

  entries(): IterableIterator<StoredContent> {
    return this.bySha.values();
  }

  hashForSource(key: string): string | undefined {
    return this.sourceKeys.get(key);
  }

  rememberSource(key: string, sha256: string): void {
    if (this.sourceKeys.get(key) === sha256) return;
    this.setSourceKey(key, sha256);
    this.dirty = true;
  }

  /** [cheap key, sha256] pairs recorded for the source at `name` (the path part of its keys). */
  knownSources(name: string): [string, string][] {
    const keys = this.keysByName.get(name);
    if (!keys) return [];
    const out: [string, string][] = [];
    for (const k of keys) {
      const sha = this.sourceKeys.get(k);
      if (sha !== undefined) out.push([k, sha]);
    }
    return out;
  }

  private setSourceKey(key: string, sha256: string): void {
    if (!this.sourceKeys.has(key)) {
      const name = keyName(key);
      const keys = this.keysByName.get(name);
      if (keys) keys.push(key);
      else this.keysByName.set(name, [key]);
    }
    this.sourceKeys.set(key, sha256);
  }

  /**
   * Re-creates the index from the files under `dirs` (vault-relative): every file is hashed;
   * when two files hold the same content the first in sorted path order is kept as the stored
   * copy, so the result does not depend on directory listing order. Temp files are skipped.
   */
  async rebuildFromFiles(fs: VaultFs, dirs: readonly string[]): Promise<number> {
    const files: string[] = [];
    for (const dir of dirs) await walk(fs, this.vaultRoot, dir, files);
    files.sort();
    let n = 0;
    for (const rel of files) {
      const digest = await hashFile(fs, path.join(this.vaultRoot, ...rel.split('/')));
      if (this.bySha.has(digest.sha256)) continue;
      this.setEntry({ sha256: digest.sha256, size: digest.size, path: rel, refs: new Set(['*']) });
      n++;
    }
    this.dirty = true;
    return n;
  }

  private setEntry(e: StoredContent): void {
    const old = this.bySha.get(e.sha256);
    if (old && this.byPath.get(old.path.toLowerCase()) === e.sha256) this.byPath.delete(old.path.toLowerCase());
    this.bySha.set(e.sha256, e);
    this.byPath.set(e.path.toLowerCase(), e.sha256);
  }
}

/** "path|size|mtime|ino" → "path" (the path itself may hold "|"). */
function keyName(key: string): string {
  let cut = key.length;
  for (let i = 0; i < 3 && cut > 0; i++) cut = key.lastIndexOf('|', cut - 1);
  return cut > 0 ? key.slice(0, cut) : key;
}

async function walk(fs: VaultFs, root: string, rel: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(path.join(root, ...rel.split('/')), { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await walk(fs, root, child, out);
    else if (e.isFile() && !(e.name.startsWith('.') && e.name.endsWith('.va-tmp'))) out.push(child);
  }
}
