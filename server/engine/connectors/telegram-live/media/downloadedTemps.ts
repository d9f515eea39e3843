/**
 * Completed downloads waiting in the tmp folder until the media pipeline is done with them, then
 * removed, so a long sync does not hold a second copy of everything it downloaded until the end.
 *
 * The pipeline says nothing when it is done with a file, but the content store shows it: a
 * download is no longer needed once (1) the pipeline has hashed it (it records the file's cheap
 * key with the hash: knownSources) and (2) its content is in the vault at its final name with its
 * size (the pipeline copies to a temporary name and renames last, so the final name means the copy
 * is complete — or the content was there already and nothing is copied from the download).
 */
import * as path from 'node:path';
import type { ContentStore } from '../../../media/contentStore';
import { sourceName } from '../../../media/fileTasks';
import type { VaultFs } from '../../../vault/vaultFs';

export type StoreView = Pick<ContentStore, 'get' | 'knownSources'>;

export class DownloadedTemps {
  private readonly waiting = new Map<string, { sha256: string; size: number }>();
  private reaping: Promise<number> | undefined;

  constructor(
    private readonly fs: Pick<VaultFs, 'stat' | 'rm'>,
    private readonly store: Promise<StoreView>,
    private readonly vaultRoot: string,
  ) {}

  get count(): number {
    return this.waiting.size;
  }

  add(temp: string, sha256: string, size: number): void {
    this.waiting.set(temp, { sha256, size });
  }

  /** The vault file holding this content now (whole), if any. */
  async storedCopy(sha256: string, size: number): Promise<string | undefined> {
    const content = (await this.store).get(sha256);
    if (!content || content.size !== size) return undefined;
    const abs = path.join(this.vaultRoot, ...content.path.split('/'));
    try {
      const st = await this.fs.stat(abs);
      return st.isFile() && st.size === size ? abs : undefined;
    } catch {
      return undefined;
    }
  }

  /** Removes the downloads the pipeline is done with; one sweep at a time. Returns how many. */
  reap(): Promise<number> {
    this.reaping ??= this.sweep().finally(() => (this.reaping = undefined));
    return this.reaping;
  }

  private async sweep(): Promise<number> {
    let n = 0;
    const store = await this.store;
    for (const [temp, { sha256, size }] of [...this.waiting]) {
      const hashed = store.knownSources(sourceName(temp)).some(([, sha]) => sha === sha256);
      if (!hashed || !(await this.storedCopy(sha256, size))) continue;
      this.waiting.delete(temp);
      await this.fs.rm(temp, { force: true }).catch(() => undefined);
      n++;
    }
    return n;
  }
}
