/**
 * Which Telegram files are already in the vault, by photo/document id: the cheap first dedup key
 * (an id stays the same across forwards and runs), so a stored file is never fetched again.
 *
 * Each id maps to the content's SHA-256 and size; the content store (the media pipeline's index)
 * says where that content is stored. Going through the hash rather than a path means an entry
 * whose file was deleted or moved is simply missed (and the file downloaded again), never
 * trusted. A cache, never the truth: losing it costs downloads, not data.
 *
 * On disk: JSON lines, one appended per file as soon as it is downloaded (the registry has no
 * "end of run" to save at, and a whole rewrite per file would be quadratic); a line torn by a
 * crash is skipped when read. Opening rewrites the file through temp + rename when it has
 * duplicate or unreadable lines, so it stays one line per id.
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
  private appending: Promise<unknown> = Promise.resolve();
  private failed: unknown;

  private constructor(
    private readonly fs: VaultFs,
    readonly file: string,
  ) {}

  /** Loads the index (an unreadable or foreign file counts as empty: it is only a cache). */
  static async open(fs: VaultFs, file: string): Promise<MediaIdIndex> {
    const index = new MediaIdIndex(fs, file);
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const lines = text.split('\n');
    let clean = lines[0] === HEADER;
    if (clean) {
      for (const line of lines.slice(1)) {
        if (!line) continue;
        const row = parseRow(line);
        if (!row || index.ids.has(row[0])) clean = false;
        if (row) index.ids.set(row[0], row[1]);
      }
    }
    if (!clean) await index.rewrite();
    return index;
  }

  get size(): number {
    return this.ids.size;
  }

  get(key: string): StoredId | undefined {
    return this.ids.get(key);
  }

  /** Records a downloaded file; the line is appended in the background (flush() waits for it). */
  set(key: string, stored: StoredId): void {
    const old = this.ids.get(key);
    if (old && old.sha256 === stored.sha256 && old.size === stored.size) return;
    this.ids.set(key, stored);
    const line = JSON.stringify([key, stored.sha256, stored.size]) + '\n';
    // Opened and closed per line: the registry has no end of run to close a handle at.
    this.appending = this.appending.then(() => this.fs.writeFile(this.file, line, { flag: 'a' })).catch((err: unknown) => {
      this.failed ??= err;
    });
  }

  /** Waits for every line recorded so far to be written; throws if one could not be. */
  async flush(): Promise<void> {
    await this.appending;
    if (this.failed !== undefined) {
      const err = this.failed;
      this.failed = undefined;
      throw err;
    }
  }

  /** One line per id, through temp + rename. */
  private async rewrite(): Promise<void> {
    const out = [HEADER];
    for (const [key, v] of this.ids) out.push(JSON.stringify([key, v.sha256, v.size]));
    await this.fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, out.join('\n') + '\n', { fs: this.fs, durable: true });
  }
}

function parseRow(line: string): [string, StoredId] | undefined {
  try {
    const row: unknown = JSON.parse(line);
    if (Array.isArray(row) && typeof row[0] === 'string' && typeof row[1] === 'string' && typeof row[2] === 'number') return [row[0], { sha256: row[1], size: row[2] }];
  } catch {
    // a line torn by a crash: that file is downloaded again if it is needed
  }
  return undefined;
}
