/**
 * Copies attachments from an export into the vault, storing each distinct content once.
 *
 * Per file, three steps:
 *  1. identify: stat the source; its cheap key (path, size, mtime, inode) finds the hash of an
 *     unchanged file from an earlier import; otherwise a SHA-256 of its content.
 *  2. claim (strictly in submission order): content already stored → reuse its vault path
 *     (re-copied if the file went missing or lost its size); new content → the first free path
 *     from the caller's preferred one (" (2)", " (3)" on collision). Doing this in submission
 *     order, not completion order, makes every path a function of the export alone, so a crashed
 *     or cancelled run followed by a rerun names files exactly as one clean run does.
 *  3. store: hardlink when allowed, else fs.copyFile with COPYFILE_FICLONE (a copy-on-write clone
 *     on btrfs/XFS/APFS, a kernel copy elsewhere), always to a temp name renamed into place, so no
 *     partial file ever carries a final name.
 * Steps 1 and 3 (and the folder listings and stored-copy checks step 2 needs) are file tasks
 * (fileTasks.ts) run by a backend: by default a worker thread doing synchronous calls in batches
 * (workerBackend.ts), so this thread only decides; with an injected file system, this thread
 * through it. Backends finish tasks in any order; only step 2 orders anything.
 * submit() resolves once the file is at its final name (or with why it is not), so a note never
 * embeds a file that does not exist yet.
 */
import * as path from 'node:path';
import type { MetricsSink } from '../metrics';
import { type IoCounters, type VaultFs, errnoCode, nodeVaultFs } from '../vault/vaultFs';
import { type MediaBackend, PooledBackend } from './backend';
import type { ContentStore } from './contentStore';
import { type FilePath, type Identity, sourceKey, sourceName } from './fileTasks';
import type { FileDigest } from './hash';
import { vaultFileIo } from './vaultFileIo';
import { type WorkerBackend, sharedWorkerBackend } from './workerBackend';

/** Where a source file is, found lazily inside the pool (checks can take a few system calls). */
export type LocatedSource =
  /** `stat` when the locator already has it (an lstat: saves a system call per file).
   *  `noFollow`: the locator saw a regular file, not a link, there: it is opened without following
   *  links, so one swapped in since is refused rather than followed out of the export. */
  | { readonly ok: true; readonly source: string | Buffer; readonly stat?: import('node:fs').Stats; readonly noFollow?: boolean }
  | { readonly ok: false; readonly reason: 'missing' | 'outside' | 'invalid'; readonly message: string };

export interface MediaRequest {
  /** Absolute path of the file in the export (a Buffer when its name is not valid UTF-8), or a
   *  function that finds it. */
  readonly source: string | Buffer | (() => Promise<LocatedSource>);
  /** Vault-relative path (forward slashes, already sanitised) for content new to the vault. */
  readonly preferredPath: string;
  readonly chatId: number;
  /** Whether this occurrence counts in copied/deduplicated figures (false: message already archived). */
  readonly countAsNew: boolean;
}

export type MediaOutcome = 'copied' | 'linked' | 'deduplicated' | 'present' | 'missing' | 'refused' | 'failed';

export interface MediaResult {
  /** Vault-relative path to embed, null when the file could not be stored. */
  readonly vaultPath: string | null;
  readonly outcome: MediaOutcome;
  readonly size: number;
  readonly sha256?: string;
  readonly error?: string;
}

export interface MediaPipelineOptions {
  readonly fs: VaultFs;
  readonly vaultRoot: string;
  readonly store: ContentStore;
  /** Tasks at once when they run on this thread (an injected `fs`); the worker runs them one by
   *  one, synchronously, which is faster than any number of promise calls at once. */
  readonly concurrency: number;
  readonly useHardlinks: boolean;
  readonly counters: IoCounters;
  readonly metrics?: MetricsSink;
  /** Where file tasks run. Default: the shared worker thread when `fs` is node's own, else this
   *  thread through `fs` (at most `concurrency` tasks at once) so an injected file system is used. */
  readonly backend?: MediaBackend;
}

export interface MediaTotals {
  copied: number;
  linked: number;
  deduplicated: number;
  missing: number;
  failed: number;
  bytesCopied: number;
  bytesSaved: number;
}

interface Identified {
  readonly source?: FilePath;
  readonly digest?: FileDigest;
  readonly missing?: boolean;
  readonly refused?: boolean;
  readonly error?: string;
}

export class MediaPipeline {
  readonly totals: MediaTotals = { copied: 0, linked: 0, deduplicated: 0, missing: 0, failed: 0, bytesCopied: 0, bytesSaved: 0 };
  private readonly backend: MediaBackend;
  private claimTail: Promise<unknown> = Promise.resolve();
  /** Content whose stored file was checked (or written) during this run. */
  private readonly verified = new Set<string>();
  /** Checks of stored copies started during identification (in parallel, by the backend) so
   *  the one-at-a-time claim step finds the answer ready. */
  private readonly checks = new Map<string, Promise<boolean>>();
  /** Content being written now: later claims of the same content wait for it. */
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly outstanding = new Set<Promise<unknown>>();
  private readonly madeDirs = new Set<string>();
  /** Names in each vault folder this run writes to, listed once: an existence check per file
   *  would cost a system call for each of thousands of attachments. Kept current as files land. */
  private readonly listings = new Map<string, Promise<Set<string>>>();
  /** Vault-relative folders whose listing was asked for ahead of the claims. */
  private readonly prefetchedFolders = new Set<string>();
  private hardlinksWork: boolean;

  constructor(private readonly opts: MediaPipelineOptions) {
    this.backend = opts.backend ?? (opts.fs === nodeVaultFs ? warmed(sharedWorkerBackend()) : new PooledBackend(vaultFileIo(opts.fs), opts.concurrency));
    this.hardlinksWork = opts.useHardlinks;
  }

  submit(req: MediaRequest): Promise<MediaResult> {
    const identified = this.identify(req);
    const claimed = Promise.all([this.claimTail, identified]).then(([, id]) => this.claim(req, id));
    // The next claim waits for this one to decide, not for its copy to finish.
    this.claimTail = claimed.then(
      () => undefined,
      () => undefined,
    );
    const done = claimed.then((plan) => plan(), (err: unknown) => this.failure(req, err));
    this.outstanding.add(done);
    void done.finally(() => this.outstanding.delete(done));
    return done;
  }

  /**
   * Size and mtime of each file (undefined: missing or not a regular file), read where file tasks
   * run: off this thread by default, so a chat's digest costs the reader no system calls.
   */
  async fileFacts(files: readonly string[]): Promise<({ size: number; mtimeMs: number } | undefined)[]> {
    const facts = await this.backend.run({ kind: 'facts', files });
    return facts.map((f) => (f ? { size: f[0], mtimeMs: f[1] } : undefined));
  }

  /** Waits until every submitted file is stored or has failed. */
  async drain(): Promise<void> {
    while (this.outstanding.size) await Promise.allSettled([...this.outstanding]);
  }

  private async identify(req: MediaRequest): Promise<Identified> {
    const { store } = this.opts;
    let source: FilePath;
    let stat: import('node:fs').Stats | undefined;
    let noFollow = false;
    if (typeof req.source === 'function') {
      let located: LocatedSource;
      try {
        located = await req.source();
      } catch (err) {
        return { error: describe(err) };
      }
      if (!located.ok) {
        return located.reason === 'outside' ? { refused: true, error: located.message } : { missing: true, error: located.message };
      }
      source = located.source;
      stat = located.stat;
      noFollow = located.noFollow === true || stat !== undefined;
    } else source = req.source;
    this.prefetchListing(req.preferredPath);
    if (stat) {
      if (!stat.isFile()) return { error: 'not a regular file' };
      const known = store.hashForSource(sourceKey(source, stat));
      if (known) return this.identified(source, { sha256: known, size: stat.size, key: '', cached: true });
    }
    // Earlier imports' keys for this path go with the task: one stat then answers, and the
    // stored copies they name are checked in the same batch.
    const known = stat ? [] : store.knownSources(sourceName(source));
    for (const [, sha] of known) this.prefetchCheck(sha);
    let id: Identity;
    try {
      id = await this.backend.run({ kind: 'identify', source, noFollow, known });
    } catch (err) {
      return { error: describe(err) };
    }
    if ('missing' in id) return { missing: true };
    if ('notFile' in id) return { error: 'not a regular file' };
    return this.identified(source, id);
  }

  private identified(source: FilePath, id: Extract<Identity, { sha256: string }>): Identified {
    if (id.cached) this.opts.metrics?.add('cacheHits');
    else {
      this.opts.metrics?.add('cacheMisses');
      this.opts.store.rememberSource(id.key, id.sha256);
    }
    this.prefetchCheck(id.sha256);
    return { source, digest: { sha256: id.sha256, size: id.size } };
  }

  /** Decides where the content lives; returns the work that puts it there. Runs one at a time. */
  private async claim(req: MediaRequest, id: Identified): Promise<() => Promise<MediaResult>> {
    const { store } = this.opts;
    if (id.missing) return async () => this.count(req, { vaultPath: null, outcome: 'missing', size: 0, error: id.error });
    if (id.refused) return async () => this.count(req, { vaultPath: null, outcome: 'refused', size: 0, error: id.error });
    if (!id.digest || id.source === undefined) return async () => this.count(req, { vaultPath: null, outcome: 'failed', size: 0, error: id.error });
    const { sha256, size } = id.digest;
    const source = id.source;

    const entry = store.get(sha256);
    if (entry) {
      store.addRef(entry, req.chatId);
      const pending = this.inflight.get(sha256);
      if (pending) return () => this.afterPending(req, source, pending, entry.path, sha256, size);
      if (!this.verified.has(sha256)) {
        if (await this.check(sha256, entry.path, entry.size)) this.verified.add(sha256);
        else return this.storeAt(req, source, entry.path, sha256, size);
      }
      return async () => this.count(req, { vaultPath: entry.path, outcome: 'deduplicated', size, sha256 });
    }

    const free = await this.freePath(req.preferredPath, sha256);
    if (free.adopted) {
      store.add(sha256, size, free.path, req.chatId);
      this.verified.add(sha256);
      return async () => this.count(req, { vaultPath: free.path, outcome: 'present', size, sha256 });
    }
    store.add(sha256, size, free.path, req.chatId);
    return this.storeAt(req, source, free.path, sha256, size);
  }

  private storeAt(req: MediaRequest, source: string | Buffer, vaultPath: string, sha256: string, size: number): () => Promise<MediaResult> {
    const written = this.writeFile(source, vaultPath);
    const ok = written.then(
      () => true,
      () => false,
    );
    this.inflight.set(sha256, ok);
    return async () => {
      try {
        const how = await written;
        this.verified.add(sha256);
        return this.count(req, { vaultPath, outcome: how, size, sha256 });
      } catch (err) {
        this.opts.store.remove(sha256);
        return this.count(req, { vaultPath: null, outcome: 'failed', size, sha256, error: describe(err) });
      } finally {
        if (this.inflight.get(sha256) === ok) this.inflight.delete(sha256);
      }
    };
  }

  /** Another occurrence of content being written right now: wait, then reuse it (or write it ourselves). */
  private async afterPending(
    req: MediaRequest,
    source: string | Buffer,
    pending: Promise<boolean>,
    vaultPath: string,
    sha256: string,
    size: number,
  ): Promise<MediaResult> {
    if (await pending) return this.count(req, { vaultPath, outcome: 'deduplicated', size, sha256 });
    try {
      const how = await this.writeFile(source, vaultPath);
      this.opts.store.add(sha256, size, vaultPath, req.chatId);
      this.verified.add(sha256);
      return this.count(req, { vaultPath, outcome: how, size, sha256 });
    } catch (err) {
      return this.count(req, { vaultPath: null, outcome: 'failed', size, sha256, error: describe(err) });
    }
  }

  /** First path from `preferred` that no other content holds; adopts a file already holding this content. */
  private async freePath(preferred: string, sha256: string): Promise<{ path: string; adopted: boolean }> {
    const { store } = this.opts;
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? preferred : withSuffix(preferred, n);
      if (store.shaAt(candidate) !== undefined) continue;
      const abs = this.abs(candidate);
      if (!(await this.listed(abs))) return { path: candidate, adopted: false };
      // A file the index does not know: left by a crashed run (complete: it has its final name)
      // or put there by someone else. Same content → use it; otherwise pick another name.
      // (unreadable, a folder, permissions: null, not ours to use)
      if ((await this.backend.run({ kind: 'hash', file: abs })) === sha256) return { path: candidate, adopted: true };
    }
  }

  /** Names compare without case: on macOS and Windows "Photo.jpg" is "photo.jpg", and avoiding
   *  such pairs everywhere keeps the result the same on every OS. */
  private async listed(abs: string): Promise<boolean> {
    return (await this.listing(path.dirname(abs))).has(path.basename(abs).toLowerCase());
  }

  private listing(dir: string): Promise<Set<string>> {
    let names = this.listings.get(dir);
    if (!names) {
      names = this.backend.run({ kind: 'list', dir }).then((list) => new Set(list.map((n) => n.toLowerCase())));
      this.listings.set(dir, names);
    }
    return names;
  }

  private prefetchCheck(sha256: string): void {
    const entry = this.opts.store.get(sha256);
    if (entry && !this.verified.has(sha256) && !this.inflight.has(sha256)) void this.check(sha256, entry.path, entry.size).catch(() => undefined);
  }

  /** The folder a new file would go to is listed while the file is identified, not when claimed. */
  private prefetchListing(preferred: string): void {
    const folder = preferred.slice(0, preferred.lastIndexOf('/') + 1);
    if (this.prefetchedFolders.has(folder)) return;
    this.prefetchedFolders.add(folder);
    void this.listing(path.dirname(this.abs(preferred))).catch(() => undefined);
  }

  /** Whether the stored copy is still there with its size (a copy cut short by a power loss is
   *  not); asked once per content and run. */
  private check(sha256: string, vaultPath: string, size: number): Promise<boolean> {
    let known = this.checks.get(sha256);
    if (!known) {
      known = this.backend.run({ kind: 'check', file: this.abs(vaultPath), size });
      this.checks.set(sha256, known);
    }
    return known;
  }

  private async writeFile(source: FilePath, vaultPath: string): Promise<'copied' | 'linked'> {
    const { counters } = this.opts;
    const target = this.abs(vaultPath);
    const dir = path.dirname(target);
    const mkdir = !this.madeDirs.has(dir);
    const stored = await this.backend.run({ kind: 'store', source, target, mkdir, link: this.hardlinksWork });
    if (mkdir) this.madeDirs.add(dir);
    if (stored.linksUnsupported) this.hardlinksWork = false;
    if (stored.how === 'linked') counters.linkCalls++;
    else counters.copyCalls++;
    counters.renames++;
    (await this.listing(dir)).add(path.basename(target).toLowerCase());
    return stored.how;
  }

  private count(req: MediaRequest, r: MediaResult): MediaResult {
    const t = this.totals;
    const m = this.opts.metrics;
    switch (r.outcome) {
      case 'missing':
      case 'refused':
        t.missing++;
        break;
      case 'failed':
        t.failed++;
        break;
      case 'copied':
      case 'linked':
      case 'present':
        if (r.outcome === 'linked') t.linked++;
        else t.copied++;
        t.bytesCopied += r.size;
        m?.add('mediaCopied');
        m?.add('bytesCopied', r.size);
        break;
      case 'deduplicated':
        if (!req.countAsNew) break;
        t.deduplicated++;
        t.bytesSaved += r.size;
        m?.add('mediaDeduplicated');
        m?.add('bytesSaved', r.size);
        break;
    }
    return r;
  }

  private failure(_req: MediaRequest, err: unknown): MediaResult {
    this.totals.failed++;
    return { vaultPath: null, outcome: 'failed', size: 0, error: describe(err) };
  }

  private abs(vaultPath: string): string {
    return path.join(this.opts.vaultRoot, ...vaultPath.split('/'));
  }
}

function warmed(backend: WorkerBackend): WorkerBackend {
  backend.warm();
  return backend;
}

/** "a/b/photo.jpg" → "a/b/photo (2).jpg". */
export function withSuffix(vaultPath: string, n: number): string {
  const slash = vaultPath.lastIndexOf('/');
  const dir = vaultPath.slice(0, slash + 1);
  const name = vaultPath.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${dir}${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${dir}${name} (${n})`;
}

function describe(err: unknown): string {
  const code = errnoCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}
