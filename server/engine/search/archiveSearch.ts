/**
 * Search of one vault: owns the index database under `.vault-archiver/search/`, keeps it in step
 * with the notes, and answers queries.
 *
 * When it catches up with the notes: after every import and sync (ArchiveService calls
 * refresh(), so new messages are findable when the job ends), and on a query when the last
 * check is older than `checkEveryMs` (notes edited by hand, in Obsidian, or written by another
 * process such as the CLI from cron). A check costs one stat per note, not a read.
 *
 * Never blocking: opening, building and updating run in the background, a chunk of a note at a
 * time; a query waits at most `waitMs` for them, then answers from what is indexed so far with
 * `indexing: N` (percent). An index that is missing, of another schema, or damaged (a failed
 * integrity check, an error reading it) is rebuilt from the notes into a new file that replaces
 * it only when complete; until then queries say "indexing".
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { SearchRequests } from '../../../shared/protocol';
import { UserError } from '../errors';
import { VaultLayout } from '../vault/layout';
import { type VaultFs, nodeVaultFs } from '../vault/vaultFs';
import { readBlock, readableText } from './blockText';
import { terms } from './fold';
import { IndexStore, SCHEMA_VERSION, type DocRow } from './indexStore';
import { applyPlan, listNotes, planJobs, planUpdate } from './indexer';
import { readRange } from './noteReader';
import { ReaderThread, ReaderThreadError, type ReaderScript, readerScript } from './readerThread';
import { parseQuery } from './query';
import { runQuery } from './searcher';
import { makeSnippet } from './snippet';
import { indexFile, openStore, removeIndexFiles, isDamaged, WriterLock } from './storeFiles';

export interface ArchiveSearchOptions {
  /** The vault's root (asked on each use: the setting may change). */
  readonly vaultRoot: () => string;
  readonly fs?: VaultFs;
  readonly attachmentsFolder?: () => string;
  /** How long a query waits for indexing before answering with `indexing`. Infinity: until done. */
  readonly waitMs?: number;
  readonly checkEveryMs?: number;
  readonly now?: () => number;
  log?(level: 'info' | 'warn', message: string): void;
}

export const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const MAX_BLOCK_READ = 256 * 1024;
/** Blocks of hits read from the notes at the same time. */
const HIT_READS = 16;

export class ArchiveSearch {
  private store: IndexStore | undefined;
  private storeRoot: string | undefined;
  private work: Promise<void> | undefined;
  private again = false;
  private progress = { done: 0, total: 0 };
  private lastCheck = -Infinity;
  /** Why the last update failed, while there is no index to answer from. */
  private lastError: string | undefined;
  /** Inode of the open index file: another process's rebuild replaces the file (a new inode). */
  private storeIno: number | undefined;
  private readonly fs: VaultFs;

  constructor(private readonly opts: ArchiveSearchOptions) {
    this.fs = opts.fs ?? nodeVaultFs;
  }

  private get indexDir(): string {
    return path.join(new VaultLayout(this.opts.vaultRoot()).stateDir, 'search');
  }

  /** Catch up with the notes now (after an import or a sync); resolves when done. */
  refresh(): Promise<void> {
    this.lastCheck = (this.opts.now ?? Date.now)();
    if (this.work) {
      this.again = true;
      return this.work;
    }
    this.work = this.update()
      .then(() => (this.lastError = undefined))
      .catch((err: unknown) => {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.opts.log?.('warn', `Search index: ${this.lastError}`);
      })
      .finally(() => {
        this.work = undefined;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.work;
  }

  /** Percent done while indexing, undefined when the index is in step with the notes. */
  indexingPercent(): number | undefined {
    if (!this.work) return undefined;
    const { done, total } = this.progress;
    return total > 0 ? Math.min(99, Math.floor((done / total) * 100)) : 0;
  }

  async search(params: SearchRequests.SearchParams): Promise<SearchRequests.SearchResult> {
    if (typeof params?.query !== 'string') throw new UserError('Search needs a query.');
    const parsed = parseQuery(params.query);
    const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(params.limit ?? DEFAULT_LIMIT)));
    if (!(await this.vaultExists())) return { hits: [], total: 0 }; // nothing archived yet: nothing to create either
    if (this.storeRoot !== undefined && this.storeRoot !== this.indexDir) this.closeStore(); // the vault setting changed
    const now = (this.opts.now ?? Date.now)();
    if (!this.store || now - this.lastCheck >= (this.opts.checkEveryMs ?? 2000)) void this.refresh();
    const work = this.work;
    if (work) await waitAtMost(work, this.opts.waitMs ?? 300);
    const indexing = this.indexingPercent();
    const store = this.store;
    if (!store && indexing === undefined && this.lastError) throw new UserError(`The search index could not be built: ${this.lastError}`);
    if (!store) return { hits: [], total: 0, indexing: indexing ?? 0 };
    let found;
    try {
      found = await retryWhileBusy(() => runQuery(store, parsed, limit));
    } catch (err) {
      if (!isDamaged(err)) throw err;
      this.opts.log?.('warn', 'Search index: damaged; rebuilding it from the notes.');
      this.closeStore();
      await removeIndexFiles(this.indexDir);
      void this.refresh();
      return { hits: [], total: 0, indexing: 0 };
    }
    const hits: SearchRequests.SearchHit[] = [];
    let stale = false;
    // read HIT_READS blocks at a time: one after the other, each read's round trips through the
    // thread pool added up to most of a query's time on a busy machine
    for (let i = 0; i < found.rows.length; i += HIT_READS) {
      for (const hit of await Promise.all(found.rows.slice(i, i + HIT_READS).map((row) => this.hitOf(store, row, parsed.text)))) {
        if (hit) hits.push(hit);
        else stale = true;
      }
    }
    if (stale) void this.refresh(); // a note changed since it was indexed: its hits are left out until then
    const result: SearchRequests.SearchResult = { hits, total: found.total - (found.rows.length - hits.length) };
    return indexing !== undefined || stale ? { ...result, indexing: indexing ?? 0 } : result;
  }

  private async vaultExists(): Promise<boolean> {
    try {
      return (await this.fs.stat(this.opts.vaultRoot())).isDirectory();
    } catch {
      return false;
    }
  }

  /** A hit as the client shows it; undefined when the note no longer holds that block there. */
  private async hitOf(store: IndexStore, row: DocRow, text: Parameters<typeof makeSnippet>[1]): Promise<SearchRequests.SearchHit | undefined> {
    const note = await retryWhileBusy(() => store.noteById(row.noteId));
    if (!note) return undefined;
    const abs = path.join(this.opts.vaultRoot(), ...note.path.split('/'));
    let raw: string;
    try {
      raw = (await readRange(this.fs, abs, row.byteStart, Math.min(MAX_BLOCK_READ, row.byteEnd - row.byteStart))).toString('utf8');
    } catch {
      return undefined;
    }
    let body: string;
    if (note.kind === 'message') {
      if (!raw.endsWith(`\n^${row.blockId}\n\n`)) return undefined;
      body = readBlock(raw).text;
    } else body = readableText(raw.replace(/^#+ /gm, ''));
    const { snippet, highlights } = makeSnippet(body, text);
    const authorId = row.authorId;
    const author = authorId !== null ? await retryWhileBusy(() => store.authorName(authorId)) : undefined;
    return {
      path: note.path,
      line: row.line,
      ...(row.blockId ? { blockId: row.blockId } : {}),
      source: note.source,
      ...(note.topic ? { topic: note.topic } : {}),
      ...(author ? { author } : {}),
      ...(row.date ? { date: row.date } : {}),
      snippet,
      highlights,
      kind: note.kind,
    };
  }

  private async update(): Promise<void> {
    const dir = this.indexDir;
    await fsp.mkdir(dir, { recursive: true });
    const lock = await WriterLock.acquire(dir);
    try {
      this.progress = { done: 0, total: 0 };
      if (this.storeRoot !== dir || (this.store && (await inodeOf(indexFile(dir))) !== this.storeIno)) this.closeStore();
      if (!this.store) {
        this.store = await openStore(dir, (level, m) => this.opts.log?.(level, m));
        this.storeRoot = this.store ? dir : undefined;
        this.storeIno = await inodeOf(indexFile(dir));
      }
      if (!this.store) await this.rebuild(dir);
      else await this.catchUp(this.store);
    } finally {
      await lock.release();
    }
  }

  private async catchUp(store: IndexStore): Promise<void> {
    const files = await listNotes(this.fs, this.opts.vaultRoot(), this.opts.attachmentsFolder?.());
    const plan = planUpdate(store, files);
    this.progress = { done: 0, total: plan.bytes };
    if (!plan.changed.length && !plan.removed.length) return;
    const added = await applyPlan(store, this.fs, plan, { progress: (done) => (this.progress = { done, total: plan.bytes }) });
    this.opts.log?.('info', `Search index: ${plan.changed.length} notes updated (${added} entries), ${plan.removed.length} removed.`);
  }

  /** Builds a whole new index from the notes in a temporary file, then puts it in place. */
  private async rebuild(dir: string): Promise<void> {
    const started = Date.now();
    const building = path.join(dir, 'index.db.building');
    // the notes are read in a thread of their own while this one writes (only from the real file system)
    let script = this.opts.fs ? null : readerScript();
    try {
      await this.buildInto(building, script);
    } catch (err) {
      if (!(err instanceof ReaderThreadError)) throw err;
      this.opts.log?.('warn', `Search index: ${err.message}; reading the notes on this thread instead.`);
      script = null;
      await this.buildInto(building, null);
    }
    this.closeStore();
    await fsp.rename(building, path.join(dir, 'index.db'));
    this.store = await openStore(dir, (level, m) => this.opts.log?.(level, m));
    this.storeRoot = dir;
    this.storeIno = await inodeOf(indexFile(dir));
    this.opts.log?.('info', `Search index built from the notes in ${((Date.now() - started) / 1000).toFixed(1)} s${script ? ' (read in a thread of their own)' : ''}.`);
  }

  /** A fresh index of every note in `building`, the notes read by a reader thread started from `script` (none: on this thread). */
  private async buildInto(building: string, script: ReaderScript | null): Promise<void> {
    await fsp.rm(building, { force: true });
    await fsp.rm(`${building}.lock`, { recursive: true, force: true });
    const reader = script ? new ReaderThread(script) : undefined;
    let fresh: IndexStore | undefined;
    try {
      fresh = new IndexStore(building, { bulk: true, fold: (s) => terms(s).join(' ') });
      fresh.setMeta('schema', SCHEMA_VERSION);
      const files = await listNotes(this.fs, this.opts.vaultRoot(), this.opts.attachmentsFolder?.());
      const plan = planUpdate(fresh, files);
      this.progress = { done: 0, total: plan.bytes };
      reader?.start(planJobs(plan));
      await applyPlan(fresh, this.fs, plan, { progress: (done) => (this.progress = { done, total: plan.bytes }) }, reader);
      fresh.finishBulk();
      fresh.setMeta('complete', '1');
    } finally {
      await reader?.close();
      fresh?.close();
    }
  }

  private closeStore(): void {
    this.store?.close();
    this.store = undefined;
    this.storeRoot = undefined;
  }

  async close(): Promise<void> {
    await this.work;
    this.closeStore();
  }
}

async function inodeOf(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).ino;
  } catch {
    return undefined;
  }
}

/**
 * Runs a read, again while another process (the CLI, a second window) holds the database for a
 * moment: node-sqlite3-wasm answers "database is locked" at once instead of waiting.
 */
async function retryWhileBusy<T>(read: () => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return read();
    } catch (err) {
      if (attempt >= 100 || !/database is locked|SQLITE_BUSY/i.test(err instanceof Error ? err.message : String(err))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  if (ms === Infinity) {
    await p;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
