/**
 * The index's files: opening `index.db` only when it is complete, of this schema and sound;
 * removing it (and SQLite's journal and lock) when it is not; and the writer lock that keeps two
 * processes (the extension's worker, the CLI) from updating the index at the same time.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { terms } from './fold';
import { IndexStore, SCHEMA_VERSION } from './indexStore';

/**
 * Below this size the whole database is checked on open (tens of ms per MB, and it holds the
 * worker's event loop); above it, damage shows as an error while reading, which rebuilds too.
 */
const QUICK_CHECK_MAX_BYTES = 8 << 20;

export const indexFile = (dir: string): string => path.join(dir, 'index.db');

/** The index of `dir`, or undefined when there is none usable (then its files are removed). */
export async function openStore(dir: string, log: (level: 'info' | 'warn', m: string) => void): Promise<IndexStore | undefined> {
  const file = indexFile(dir);
  let size: number;
  try {
    size = (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
  await clearStaleSqliteLock(file);
  let store: IndexStore | undefined;
  try {
    store = new IndexStore(file, { fold: (s) => terms(s).join(' ') });
    const why =
      store.getMeta('schema') !== SCHEMA_VERSION ? 'made by another version' : store.getMeta('complete') !== '1' ? 'incomplete' : size <= QUICK_CHECK_MAX_BYTES && !quickCheck(store) ? 'damaged' : undefined;
    if (!why) return store;
    log('warn', `Search index ${why}: rebuilding it from the notes.`);
  } catch (err) {
    log('warn', `Search index unreadable (${err instanceof Error ? err.message : String(err)}): rebuilding it from the notes.`);
  }
  store?.close();
  await removeIndexFiles(dir);
  return undefined;
}

function quickCheck(store: IndexStore): boolean {
  const rows = store.db.all('PRAGMA quick_check');
  if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') return false;
  // FTS5's own structure: throws SQLITE_CORRUPT_VTAB when its segments disagree with each other
  store.db.exec("INSERT INTO fts(fts, rank) VALUES('integrity-check', 0)");
  return true;
}

export async function removeIndexFiles(dir: string): Promise<void> {
  const file = indexFile(dir);
  await fsp.rm(file, { force: true });
  await fsp.rm(`${file}-journal`, { force: true });
  await fsp.rm(`${file}.lock`, { recursive: true, force: true });
}

/** An error that means the database file is not what SQLite wrote (truncated, overwritten). */
export function isDamaged(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /malformed|not a database|corrupt|disk I\/O error|file is not a database/i.test(m);
}

/**
 * node-sqlite3-wasm locks a database with a `<file>.lock` folder; a process killed while holding
 * it leaves it behind. Only called with our writer lock held, when no other process can be
 * inside a statement for longer than a moment: a lock folder older than a minute is stale.
 */
async function clearStaleSqliteLock(file: string): Promise<void> {
  try {
    const st = await fsp.stat(`${file}.lock`);
    if (Date.now() - st.mtimeMs > 60_000) await fsp.rm(`${file}.lock`, { recursive: true, force: true });
  } catch {
    /* no lock */
  }
}

/** One updater of a vault's index at a time, across processes; a dead holder's lock is taken over. */
export class WriterLock {
  private constructor(private readonly dir: string) {}

  static async acquire(indexDir: string, waitMs = 120_000): Promise<WriterLock> {
    const dir = path.join(indexDir, 'writer.lock');
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await fsp.mkdir(dir);
        await fsp.writeFile(path.join(dir, 'owner'), String(process.pid));
        return new WriterLock(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (!(await holderAlive(dir))) {
        await fsp.rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error('another process has been updating the search index for too long');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async release(): Promise<void> {
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}

async function holderAlive(dir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await fsp.readFile(path.join(dir, 'owner'), 'utf8'));
  } catch {
    // just created by its holder, owner not written yet: alive unless the folder is old
    try {
      return Date.now() - (await fsp.stat(dir)).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
