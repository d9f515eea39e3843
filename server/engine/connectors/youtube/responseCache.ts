/**
 * YouTube answers kept with their ETags, so a request asked again carries `If-None-Match` and a
 * 304 reuses the kept body. This saves bandwidth and parsing, not quota (a 304 still costs a
 * unit: google.md); quota is saved by asking less (connector.ts). In memory an `lru-cache`
 * bounded in bytes (the `youtube.cacheSizeMB` setting); on disk one JSON file in the vault's
 * state folder, written atomically once at the end of a sync run. Losing it costs only a refetch.
 */
import { LRUCache } from 'lru-cache';
import { writeFileAtomic } from '../../vault/atomic';
import { type VaultFs, isNotFound } from '../../vault/vaultFs';

export interface CachedAnswer {
  readonly etag: string;
  /** The response body as JSON text (its length is what the byte bound counts). */
  readonly body: string;
}

export interface ResponseCacheStats {
  notModified: number;
  stored: number;
}

export class ResponseCache {
  private readonly lru: LRUCache<string, CachedAnswer>;
  readonly stats: ResponseCacheStats = { notModified: 0, stored: 0 };
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly fs: VaultFs,
    maxBytes: number,
  ) {
    this.lru = new LRUCache<string, CachedAnswer>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (v, k) => Math.max(1, v.body.length + k.length) });
  }

  async load(): Promise<void> {
    try {
      const entries = JSON.parse(await this.fs.readFile(this.file, 'utf8')) as [string, CachedAnswer][];
      // Stored most recent first: load oldest first so the LRU order survives.
      for (const [key, value] of [...entries].reverse()) if (typeof value?.etag === 'string' && typeof value.body === 'string') this.lru.set(key, value);
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof SyntaxError)) throw err;
    }
  }

  get(key: string): CachedAnswer | undefined {
    return this.lru.get(key);
  }

  set(key: string, etag: string, body: string): void {
    this.lru.set(key, { etag, body });
    this.stats.stored++;
    this.dirty = true;
  }

  touch(): void {
    this.stats.notModified++;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await writeFileAtomic(this.file, JSON.stringify([...this.lru.entries()]), { fs: this.fs });
    this.dirty = false;
  }
}
