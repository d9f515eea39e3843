/**
 * Downloads files from Telegram with upload.getFile, several parts of one file at once and
 * several files at once, into a file on disk.
 *
 * Telegram's rules for a request (core.telegram.org/api/files): offset and limit divisible by
 * 4 KiB, 1 MiB divisible by limit, no request crossing a 1 MiB boundary. Parts here are a power
 * of two from 4 KiB to `maxPartBytes` (≤ 1 MiB), at offsets that are multiples of the part size,
 * which satisfies all three. GramJS downloads one part after another; with 20 ms between a
 * request and its answer that is the whole cost, so parts go out in parallel instead.
 *
 * Bounds: parts asked for (shared by all files), files in flight, and bytes held in memory (a
 * part's bytes are reserved when it is asked for and released once written and hashed; parts are
 * hashed in order, so out-of-order answers wait within the budget). Parts go out through a
 * RequestScheduler (the sync job's, behind its history requests; or the downloader's own), which
 * bounds those in flight and holds them through flood waits.
 *
 * Errors: FLOOD_WAIT_X pauses the scheduler's getFile queue for that DC for X seconds (reported
 * once; above `maxFloodWaitSeconds` the file fails with FloodWaitTooLong); FILE_MIGRATE_X moves the file's
 * requests to DC X; FILE_REFERENCE_EXPIRED asks the caller for a fresh reference once per file;
 * timeouts, dropped connections and 5xx are retried with a back-off. Every loop has a cap.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Api, helpers } from 'telegram';
import type { MetricsSink } from '../../../metrics';
import type { VaultFs } from '../../../vault/vaultFs';
import { FloodPaused, RequestScheduler, getFileKey, schedulerLimits } from '../scheduler';
import { Budget, abortError, abortableSleep, isAbortError } from './budget';
import { RequestTimeout, SiblingFailed, classify, isRpcError } from './getFileErrors';
import type { FileLocation, RemoteFile } from './remoteFile';

const KiB = 1024;
const MiB = 1024 * KiB;

/** One upload.getFile on the download connection of DC `dcId`; throws GramJS's RPC errors. */
export interface FilePartPort {
  getFile(dcId: number, request: Api.upload.GetFile): Promise<Api.upload.TypeFile>;
}

export interface DownloaderOptions {
  readonly port: FilePartPort;
  readonly fs: Pick<VaultFs, 'open' | 'unlink'>;
  /** Parts asked for (queued in the scheduler or in flight) across all files. */
  readonly partsInFlight: number;
  /** Where parts queue: the job's scheduler; default one of this downloader's own (partsInFlight in flight). */
  readonly scheduler?: RequestScheduler;
  readonly filesInFlight: number;
  /** Bytes of file parts held in memory at once. */
  readonly memoryBytes: number;
  /**
   * Largest part asked for (a power of two, 4 KiB to 1 MiB); default 256 KiB. With the default 8
   * parts in flight that is 2 MiB on the way: enough to hide 100 ms of latency at 20 MB/s, which is
   * about what GramJS decrypts (pure-JS AES-IGE). More only piles answers up in GramJS's socket
   * buffer, which copies its whole backlog for every chunk that arrives (PromisedNetSockets), so
   * a 16 × 512 KiB window cost twice the CPU of 8 × 256 KiB for the same 20 MB in the benchmark.
   */
  readonly maxPartBytes?: number;
  /** Longest flood wait sat out; a longer one fails the file. Default 60 s. */
  readonly maxFloodWaitSeconds?: number;
  /** Attempts of one part after timeouts and server errors. Default 5. */
  readonly maxAttempts?: number;
  /** A request unanswered for this long is asked again. Default 60 s. */
  readonly requestTimeoutMs?: number;
  readonly metrics?: MetricsSink;
  /** Called when Telegram makes downloads wait ("waiting 23 s"). */
  readonly onWait?: (wait: { seconds: number; dcId: number; tooLong: boolean }) => void;
  /** Injected for tests (a sandbox clock); default a real, cancellable sleep. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

export interface DownloadJob {
  readonly file: RemoteFile;
  /** Path to create (exclusively) and fill. Removed again when the download fails. */
  readonly target: string;
  readonly signal?: AbortSignal;
  /** The same file with a fresh file reference (the message fetched again), or undefined. */
  readonly refresh?: () => Promise<RemoteFile | undefined>;
}

export interface Downloaded {
  readonly size: number;
  readonly sha256: string;
}

export class FloodWaitTooLong extends Error {
  constructor(readonly seconds: number) {
    super(`Telegram asks to wait ${seconds} s before more downloads; the file is left for a later sync`);
    this.name = 'FloodWaitTooLong';
  }
}

export interface DownloaderStats {
  requests: number;
  bytes: number;
  files: number;
  floodWaits: number;
  floodWaitSeconds: number;
  referenceRefreshes: number;
  migrations: number;
  retries: number;
}

/** The power of two from 4 KiB to `max` that holds `size` in one part, else `max`. */
export function partSizeFor(size: number | undefined, max: number): number {
  if (size === undefined) return max;
  let p = 4 * KiB;
  while (p < size && p < max) p *= 2;
  return p;
}

/** Largest valid part size within `bytes` (a power of two from 4 KiB to 1 MiB). */
export function validPartSize(bytes: number): number {
  let p = 4 * KiB;
  while (p * 2 <= Math.min(bytes, MiB)) p *= 2;
  return p;
}

/** State one file's parts share: where it is, and what has gone wrong so far. */
interface FileState {
  file: RemoteFile;
  dcId: number;
  location: FileLocation;
  migrations: number;
  refreshed: boolean;
  refreshing?: Promise<void>;
  readonly job: DownloadJob;
  readonly signal: AbortSignal;
}

export class FileDownloader {
  readonly stats: DownloaderStats = { requests: 0, bytes: 0, files: 0, floodWaits: 0, floodWaitSeconds: 0, referenceRefreshes: 0, migrations: 0, retries: 0 };
  private readonly parts: Budget;
  private readonly files: Budget;
  private readonly memory: Budget;
  private readonly maxPart: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly scheduler: RequestScheduler;
  /** Requests waiting for an answer, by DC: told when a sibling's error may have cost them theirs. */
  private readonly pendingOnDc = new Map<number, Set<() => void>>();

  constructor(private readonly opts: DownloaderOptions) {
    this.parts = new Budget(Math.max(1, Math.floor(opts.partsInFlight)));
    this.files = new Budget(Math.max(1, Math.floor(opts.filesInFlight)));
    this.memory = new Budget(Math.max(4 * KiB, Math.floor(opts.memoryBytes)));
    this.maxPart = validPartSize(Math.min(opts.maxPartBytes ?? 256 * KiB, this.memory.capacity));
    this.sleep = opts.sleep ?? abortableSleep;
    this.now = opts.now ?? Date.now;
    this.scheduler =
      opts.scheduler ?? new RequestScheduler({ limits: schedulerLimits(this.parts.capacity), clock: { now: this.now, sleep: (ms, signal) => this.sleep(ms, signal) }, metrics: opts.metrics });
  }

  /** Most bytes of parts held in memory at once so far. */
  get peakMemoryBytes(): number {
    return this.memory.peak;
  }

  async download(job: DownloadJob): Promise<Downloaded> {
    const outer = job.signal;
    await this.files.acquire(1, outer);
    const ctl = new AbortController();
    // Every part in flight listens to the file's signal: many listeners are expected.
    setMaxListeners(0, ctl.signal);
    const onAbort = () => ctl.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let handle: Awaited<ReturnType<VaultFs['open']>> | undefined;
    let ok = false;
    try {
      handle = await this.opts.fs.open(job.target, 'wx');
      const st: FileState = { file: job.file, dcId: job.file.dcId, location: job.file.location, migrations: 0, refreshed: false, job, signal: ctl.signal };
      // No fsync: the pipeline copies the file into the vault durably; a crash empties the tmp folder.
      const result = await this.fetchAll(st, handle);
      ok = true;
      this.stats.files++;
      this.opts.metrics?.add('filesDownloaded');
      return result;
    } catch (err) {
      ctl.abort(err);
      throw outer?.aborted ? abortError(outer) : err;
    } finally {
      outer?.removeEventListener('abort', onAbort);
      await handle?.close().catch(() => undefined);
      if (!ok && handle) await this.opts.fs.unlink(job.target).catch(() => undefined);
      this.files.release(1);
    }
  }

  /** Asks for every part (in order, within the budgets), writes each where it belongs, hashes in order. */
  private async fetchAll(st: FileState, handle: Awaited<ReturnType<VaultFs['open']>>): Promise<Downloaded> {
    const known = st.file.size;
    const partSize = partSizeFor(known, this.maxPart);
    const hash = createHash('sha256');
    const waiting = new Map<number, Buffer>();
    let nextToHash = 0;
    let hashedBytes = 0;
    /** Offset where the file ends: known from its size, or from the first short part. */
    let end = known ?? Number.POSITIVE_INFINITY;
    let failure: unknown;
    const inFlight = new Set<Promise<void>>();

    const onPart = async (index: number, bytes: Buffer): Promise<void> => {
      const offset = index * partSize;
      if (bytes.length < partSize) end = Math.min(end, offset + bytes.length);
      try {
        if (bytes.length) await writeAt(handle, bytes, offset);
      } catch (err) {
        this.memory.release(partSize);
        throw err;
      }
      waiting.set(index, bytes);
      while (waiting.has(nextToHash)) {
        const b = waiting.get(nextToHash)!;
        waiting.delete(nextToHash);
        hash.update(b);
        hashedBytes += b.length;
        this.memory.release(partSize);
        nextToHash++;
      }
    };

    for (let index = 0; index * partSize < end && failure === undefined; index++) {
      // Budgets in this order everywhere: a part holding memory never waits for memory.
      await this.memory.acquire(partSize, st.signal);
      try {
        await this.parts.acquire(1, st.signal);
      } catch (err) {
        this.memory.release(partSize);
        throw err;
      }
      if (index * partSize >= end || failure !== undefined) {
        this.parts.release(1);
        this.memory.release(partSize);
        break;
      }
      const p: Promise<void> = this.fetchPart(st, index * partSize, partSize)
        .then(
          (bytes) => {
            this.parts.release(1);
            return onPart(index, bytes);
          },
          (err: unknown) => {
            this.parts.release(1);
            this.memory.release(partSize);
            throw err;
          },
        )
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    while (inFlight.size) await Promise.all([...inFlight]);
    // Parts answered but never hashed (after a failure) give their memory back.
    this.memory.release(partSize * waiting.size);
    if (failure !== undefined) throw failure;
    if (known !== undefined && hashedBytes !== known) throw new Error(`Telegram sent ${hashedBytes} of the file's ${known} bytes`);
    return { size: hashedBytes, sha256: hash.digest('hex') };
  }

  /** One part, through flood waits, DC moves, a reference refresh and retries (each capped). */
  private async fetchPart(st: FileState, offset: number, limit: number): Promise<Buffer> {
    let attempts = 0;
    let floods = 0;
    for (let round = 0; round < 50; round++) {
      if (st.signal.aborted) throw abortError(st.signal);
      const dcId = st.dcId;
      const location = st.location;
      try {
        const request = new Api.upload.GetFile({ location, offset: helpers.returnBigInt(offset), limit });
        const ticket = { lane: 'media' as const, key: getFileKey(dcId), signal: st.signal, maxWaitSeconds: this.maxFloodWaitSeconds, cancelled: () => abortError(st.signal) };
        const answer = await this.scheduler.run(ticket, () => {
          this.stats.requests++;
          return this.request(dcId, request, st.signal);
        });
        if (!(answer instanceof Api.upload.File)) throw new Error('Telegram redirected the download to a CDN, which this version does not support');
        const bytes = Buffer.from(answer.bytes);
        this.stats.bytes += bytes.length;
        this.opts.metrics?.add('bytesDownloaded', bytes.length);
        return bytes;
      } catch (err) {
        if (st.signal.aborted || isAbortError(err)) throw abortError(st.signal);
        // Queued while that DC's downloads are paused for longer than a file may wait.
        if (err instanceof FloodPaused) throw new FloodWaitTooLong(err.seconds);
        const what = classify(err);
        if (what.kind === 'again') continue;
        if (what.kind === 'flood') {
          if (++floods > 10) throw new Error(`Telegram kept asking to wait (${floods} flood waits for one part)`);
          this.noteFlood(what.seconds, dcId);
          continue;
        }
        if (what.kind === 'migrate') {
          if (st.dcId === dcId) {
            if (++st.migrations > 3) throw new Error(`the file kept moving between data centers (last: DC ${what.dcId})`);
            this.stats.migrations++;
            st.dcId = what.dcId;
          }
          continue;
        }
        if (what.kind === 'reference') {
          await this.refreshReference(st, location, err);
          continue;
        }
        if (what.kind === 'transient' && ++attempts < (this.opts.maxAttempts ?? 5)) {
          this.stats.retries++;
          await this.sleep(Math.min(8000, 250 * 2 ** attempts), st.signal);
          continue;
        }
        throw err;
      }
    }
    throw new Error('gave up on a file part after 50 rounds of waits and redirections');
  }

  /**
   * One request, given up on timeout, on cancellation, or when another request on the same DC
   * comes back with an error: GramJS 2.26 handles a container of answers one by one and stops at
   * the first error (MTProtoSender._handleRPCResult rejects it, then throws), so the answers after
   * it in that container are lost and their requests would wait for ever. Those are asked again.
   */
  private request(dcId: number, req: Api.upload.GetFile, signal: AbortSignal): Promise<Api.upload.TypeFile> {
    const ms = this.opts.requestTimeoutMs ?? 60_000;
    let watchers = this.pendingOnDc.get(dcId);
    if (!watchers) this.pendingOnDc.set(dcId, (watchers = new Set()));
    const dcWatchers = watchers;
    return new Promise((resolve, reject) => {
      const onAbort = () => finish(() => reject(abortError(signal)));
      const onSiblingError = () => finish(() => reject(new SiblingFailed()));
      const timer = setTimeout(() => finish(() => reject(new RequestTimeout(ms))), ms);
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        dcWatchers.delete(onSiblingError);
        f();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      dcWatchers.add(onSiblingError);
      this.opts.port.getFile(dcId, req).then(
        (r) => finish(() => resolve(r)),
        (e: unknown) => {
          const wasPending = !done;
          finish(() => reject(e));
          if (wasPending && isRpcError(e)) for (const w of [...dcWatchers]) w();
        },
      );
    });
  }

  private get maxFloodWaitSeconds(): number {
    return this.opts.maxFloodWaitSeconds ?? 60;
  }

  /**
   * Telegram asked this DC's downloads to wait: the scheduler pauses them (a long wait too, so the
   * other files' parts fail at once rather than ask again), and the wait is reported once however
   * many parts in flight hear of it.
   */
  private noteFlood(seconds: number, dcId: number): void {
    const tooLong = seconds > this.maxFloodWaitSeconds;
    // One extra second: Telegram counts whole seconds and a retry a moment early waits again.
    if (this.scheduler.floodWait(getFileKey(dcId), seconds + 1)) {
      this.stats.floodWaits++;
      this.stats.floodWaitSeconds += seconds + 1;
      this.opts.onWait?.({ seconds, dcId, tooLong });
    }
    if (tooLong) throw new FloodWaitTooLong(seconds);
  }

  /** One fresh reference per file, shared by the parts that hit the expired one at the same time. */
  private async refreshReference(st: FileState, used: FileLocation, err: unknown): Promise<void> {
    if (st.location !== used) return; // another part refreshed it already
    if (st.refreshing) return st.refreshing;
    if (st.refreshed || !st.job.refresh) throw err;
    st.refreshed = true;
    st.refreshing = (async () => {
      const fresh = await st.job.refresh!();
      if (!fresh) throw new Error('the file reference expired and the message no longer holds the file');
      this.stats.referenceRefreshes++;
      st.file = fresh;
      st.location = fresh.location;
    })();
    try {
      await st.refreshing;
    } finally {
      st.refreshing = undefined;
    }
  }
}

async function writeAt(handle: Awaited<ReturnType<VaultFs['open']>>, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    done += bytesWritten;
  }
}

