/**
 * The sources a vault archives by reference, persisted inside the vault at
 * `.vault-archiver/sources.json` so the vault describes itself: the extension, the CLI and a
 * second machine all see the same list. Imported Telegram chats are not stored here; the chat
 * archive keeps their state next to its indexes and each connector lists its own sources.
 */
import { sanitizeFileName } from '../vault/fileNames';
import * as path from 'node:path';
import type { SourceInfo } from '../../../shared/types';
import { UserError } from '../errors';
import { SerialQueue } from '../util/serialQueue';
import { sweepTempFiles, writeFileAtomic } from '../vault/atomic';
import type { VaultLayout } from '../vault/layout';
import { type VaultFs, isNotFound } from '../vault/vaultFs';

const FORMAT_VERSION = 1;

/** A source as persisted: what SourceInfo shows, minus what is only known at run time. */
export type StoredSource = Omit<SourceInfo, 'state' | 'topics'> & { readonly addedAt: string };

export class SourcesStoreError extends UserError {
  override readonly name = 'SourcesStoreError';
}

export class SourcesStore {
  private readonly file: string;
  /** Changes are read-modify-write: one at a time, so two quick changes cannot lose one. */
  private readonly writes = new SerialQueue();

  constructor(
    layout: VaultLayout,
    private readonly fs: VaultFs,
  ) {
    this.file = layout.sourcesFile;
  }

  async list(): Promise<StoredSource[]> {
    let text: string;
    try {
      text = await this.fs.readFile(this.file, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return [];
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

  /**
   * Records a source the user named (refusing one already there) with its notes folder
   * `<notesDir>/<title as a file name>`; returns what was stored.
   */
  async addNew(fields: Pick<StoredSource, 'id' | 'kind' | 'origin' | 'title'> & { ref: string; notesDir: string; fallbackName: string; now: Date }): Promise<StoredSource> {
    if ((await this.list()).some((s) => s.id === fields.id)) throw new UserError(`"${fields.title}" is already in the vault.`);
    const source: StoredSource = {
      id: fields.id,
      kind: fields.kind,
      origin: fields.origin,
      title: fields.title,
      ref: fields.ref.trim(),
      notesPath: `${fields.notesDir}/${sanitizeFileName(fields.title, { fallback: fields.fallbackName })}`,
      addedAt: fields.now.toISOString(),
      itemCount: 0,
    };
    await this.upsert(source);
    return source;
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
    return this.writes.run(async () => {
      const all = change(await this.list());
      const dir = path.dirname(this.file);
      await this.fs.mkdir(dir, { recursive: true });
      // Leftovers of a write a crash interrupted carry the toolkit's temp shape: swept here.
      await sweepTempFiles(this.fs, dir);
      await writeFileAtomic(this.file, JSON.stringify({ version: FORMAT_VERSION, sources: all }, null, 2) + '\n', { fs: this.fs, durable: true });
    });
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
