/**
 * Which Telegram files are already in the vault, by photo/document id: the cheap first dedup key
 * (an id stays the same across forwards and runs), so a stored file is never fetched again.
 *
 * Each id maps to the content's SHA-256 and size; the content store (the media pipeline's index)
 * says where that content is stored. Going through the hash rather than a path means an entry
 * whose file was deleted or moved is simply missed (and the file downloaded again), never
 * trusted. A cache, never the truth: losing it costs downloads, not data. Saved as JSON lines
 * through temp + rename, at most every `saveEveryMs` while a sync runs and on flush().
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../../../vault/atomic';
import { type VaultFs, isNotFound } from '../../../vault/vaultFs';

const HEADER = 'vault-archiver telegram-media-ids 1';

export interface StoredId {
  readonly sha256: string;
  readonly size: number;
}

export class MediaIdIndex {
  private readonly ids = new Map<string, StoredId>();
  private dirty = false;
  private lastSave = 0;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly fs: VaultFs,
    readonly file: string,
    private readonly saveEveryMs: number,
    private readonly now: () => number,
  ) {}

  /** Loads the index (an unreadable or foreign file counts as empty: it is only a cache). */
  static async open(fs: VaultFs, file: string, opts: { saveEveryMs?: number; now?: () => number } = {}): Promise<MediaIdIndex> {
    const index = new MediaIdIndex(fs, file, opts.saveEveryMs ?? 2000, opts.now ?? Date.now);
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const lines = text.split('\n');
    if (lines[0] === HEADER) {
      for (const line of lines.slice(1)) {
        if (!line) continue;
        try {
          const row: unknown = JSON.parse(line);
          if (Array.isArray(row) && typeof row[0] === 'string' && typeof row[1] === 'string' && typeof row[2] === 'number') index.ids.set(row[0], { sha256: row[1], size: row[2] });
        } catch {
          // a torn line: that file is downloaded again if it is needed
        }
      }
    }
    index.lastSave = index.now();
    return index;
  }

  get size(): number {
    return this.ids.size;
  }

  get(key: string): StoredId | undefined {
    return this.ids.get(key);
  }

  /** Records a downloaded file; saves in the background when the last save is old enough. */
  set(key: string, stored: StoredId): void {
    const old = this.ids.get(key);
    if (old && old.sha256 === stored.sha256 && old.size === stored.size) return;
    this.ids.set(key, stored);
    this.dirty = true;
    if (this.now() - this.lastSave >= this.saveEveryMs) void this.flush().catch(() => undefined);
  }

  forget(key: string): void {
    if (this.ids.delete(key)) this.dirty = true;
  }

  /** Writes the index if anything changed (one save at a time, in order). */
  flush(): Promise<void> {
    const next = this.saving.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.lastSave = this.now();
      const out = [HEADER];
      for (const [key, v] of this.ids) out.push(JSON.stringify([key, v.sha256, v.size]));
      try {
        await this.fs.mkdir(path.dirname(this.file), { recursive: true });
        await writeFileAtomic(this.file, out.join('\n') + '\n', { fs: this.fs, durable: true });
      } catch (err) {
        this.dirty = true;
        throw err;
      }
    });
    this.saving = next.catch(() => undefined);
    return next;
  }
}
