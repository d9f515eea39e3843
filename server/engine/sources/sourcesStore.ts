/**
 * The sources a vault archives, persisted inside the vault at `.vault-archiver/sources.json` so
 * the vault describes itself: the extension, the CLI and a second machine all see the same list.
 * Imported Telegram chats are not stored here; the import engine keeps their state next to its
 * indexes and the archive service merges both views.
 */
import { UserError } from '../errors';
import * as path from 'node:path';
import type { SourceInfo } from '../../../shared/types';

export const STATE_DIR = '.vault-archiver';
const FILE = 'sources.json';
const FORMAT_VERSION = 1;

/** A source as persisted: what SourceInfo shows, minus what is only known at run time. */
export type StoredSource = Omit<SourceInfo, 'state' | 'topics'> & { readonly addedAt: string };

/** The file-system calls the store needs (node:fs/promises fits). */
export interface StoreFs {
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  writeFile(file: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(dir: string, opts: { recursive: true }): Promise<unknown>;
}

export class SourcesStoreError extends UserError {
  override readonly name = 'SourcesStoreError';
}

export class SourcesStore {
  private readonly file: string;
  /** Writes are chained so two quick changes can't interleave their temp files. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly vaultRoot: string,
    private readonly fs: StoreFs,
  ) {
    this.file = path.join(vaultRoot, STATE_DIR, FILE);
  }

  async list(): Promise<StoredSource[]> {
    let text: string;
    try {
      text = await this.fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new SourcesStoreError(
        `${this.file} is not valid JSON. Fix or delete it (your notes are untouched; deleting only forgets the added sources).`,
      );
    }
    const sources = (data as { sources?: unknown }).sources;
    if (!Array.isArray(sources)) throw new SourcesStoreError(`${this.file} has no "sources" list. Fix or delete it.`);
    return sources.filter(isStoredSource);
  }

  async upsert(source: StoredSource): Promise<void> {
    await this.update((all) => {
      const i = all.findIndex((s) => s.id === source.id);
      if (i >= 0) all[i] = source;
      else all.push(source);
      return all;
    });
  }

  async remove(id: string): Promise<boolean> {
    let removed = false;
    await this.update((all) => {
      const kept = all.filter((s) => s.id !== id);
      removed = kept.length !== all.length;
      return kept;
    });
    return removed;
  }

  private update(change: (all: StoredSource[]) => StoredSource[]): Promise<void> {
    const next = this.writing.then(async () => {
      const all = change(await this.list());
      await this.fs.mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await this.fs.writeFile(tmp, JSON.stringify({ version: FORMAT_VERSION, sources: all }, null, 2) + '\n');
      await this.fs.rename(tmp, this.file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

function isStoredSource(v: unknown): v is StoredSource {
  const s = v as StoredSource;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    (s.kind === 'telegram' || s.kind === 'youtube') &&
    typeof s.title === 'string' &&
    typeof s.notesPath === 'string'
  );
}
