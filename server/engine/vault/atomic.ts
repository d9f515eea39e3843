/**
 * Atomic file replacement: write everything to a temporary name in the same folder, optionally
 * fsync it, then rename over the final name. Readers (Obsidian, a second run after a crash) see
 * either the old file or the new one, never a half-written one.
 *
 * Temporary names share one recognisable shape (`.<name>.<random>.va-tmp`) so a run after a crash
 * can sweep leftovers from folders it owns (sweepTempFiles) without guessing.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { type IoCounters, type VaultFs, isNotFound } from './vaultFs';

export const TEMP_SUFFIX = '.va-tmp';

/** A temporary sibling name for `file`; hidden (leading dot) so vault tools skip it. */
export function tempNameFor(file: string): string {
  const base = path.basename(file);
  // Keep the temp name short enough for 255-byte file-name limits even when `base` is long.
  const stem = Buffer.byteLength(base) > 180 ? base.slice(0, 60) : base;
  return path.join(path.dirname(file), `.${stem}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

export interface AtomicWriteOptions {
  readonly fs: VaultFs;
  readonly counters?: IoCounters;
  /** fsync the data before the rename (needed to survive power loss, not process crashes). */
  readonly durable?: boolean;
}

/** Replaces `file` with `data` atomically: one write call, optional fsync, one rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions): Promise<void> {
  const { fs, counters } = opts;
  const tmp = tempNameFor(file);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const handle = await fs.open(tmp, 'wx');
  try {
    await writeAll(handle, bytes, null, counters);
    if (opts.durable) {
      await handle.sync();
      if (counters) counters.fsyncs++;
    }
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
    if (counters) counters.renames++;
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
}

type WritableHandle = Pick<Awaited<ReturnType<VaultFs['open']>>, 'write'>;

/** Writes all of `bytes` (loops on short writes, which regular files rarely do). Counts calls. */
export async function writeAll(handle: WritableHandle, bytes: Uint8Array, position: number | null, counters?: IoCounters): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, position === null ? null : position + offset);
    if (counters) {
      counters.writeCalls++;
      counters.bytesWritten += bytesWritten;
    }
    if (bytesWritten <= 0) throw new Error('write made no progress');
    offset += bytesWritten;
  }
}

/** Removes leftover temporary files (from a crashed run) in `dir`; returns how many. */
export async function sweepTempFiles(fs: VaultFs, dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
  let n = 0;
  for (const name of names) {
    if (!isTempName(name)) continue;
    await fs.rm(path.join(dir, name), { force: true });
    n++;
  }
  return n;
}
