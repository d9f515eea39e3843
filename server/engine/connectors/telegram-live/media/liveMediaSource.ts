/**
 * Where a live-synced message's files come from: Telegram's servers.
 *
 * The sync connector registers each file a message holds and puts the returned string in the
 * message's photo/file field; the chat archive then asks locate() for it inside the media
 * pipeline, which hashes the located file, deduplicates it by content and stores it in the vault
 * at attachmentPath() (the same folders and names an imported export uses).
 *
 * locate(): a file whose photo/document id is already stored (MediaIdIndex → content store → the
 * vault file, still there with its size) is returned from the vault without a request; otherwise
 * it is downloaded (FileDownloader) to a temporary name under the vault's Telegram tmp folder and
 * renamed there only when complete; it is removed once the pipeline has stored it (DownloadedTemps).
 * The tmp folder is this instance's own: close() removes it, and whatever a crash (or a caller
 * that never calls close()) leaves is emptied by OpenArchiveRun.open() on the next run.
 * One download per file per instance, however many messages (forwards, albums) hold it.
 *
 * Requests (file parts, and the message fetched again for a fresh reference) go through the sync
 * job's RequestScheduler when given one, behind its history requests; else through one of this
 * source's own. Either way at most `telegramDownloadParts` parts are in flight.
 *
 * Usage (the sync connector): `new LiveMediaSource({ client, vaultRoot, settings, signal,
 * contentStore: run.contentStore, metrics: run.metrics, scheduler })`, one per run; `register()`
 * per file a message holds; optionally `await close()` after the run's media are drained.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { Api, type TelegramClient } from 'telegram';
import type { WorkerSettings } from '../../../../../shared/types';
import { ContentStore } from '../../../media/contentStore';
import type { LocatedSource } from '../../../media/mediaPipeline';
import type { MetricsSink } from '../../../metrics';
import { tempNameFor } from '../../../vault/atomic';
import { VaultLayout } from '../../../vault/layout';
import { type VaultFs, nodeVaultFs } from '../../../vault/vaultFs';
import { attachmentVaultPath } from '../../telegram-export/exportFiles';
import { RequestScheduler, schedulerLimits } from '../scheduler';
import { type RequestPolicy, callTelegram } from '../sync/requests';
import { abortableSleep, isAbortError } from './budget';
import { DownloadedTemps, type StoreView } from './downloadedTemps';
import { type DownloaderOptions, FileDownloader, type FilePartPort, FloodWaitTooLong } from './downloader';
import { type MediaFilter, NO_FILE_PLACEHOLDER, mediaFilterFrom, skippedBecause } from './filters';
import { gramjsFilePort } from './gramjsPort';
import { MediaIdIndex } from './mediaIdIndex';
import { type RemoteFile, remoteFileOf, withReferenceFrom } from './remoteFile';
import type { LiveMediaRef, LiveMediaRegistry } from './types';

export type LiveMediaSettings = Pick<
  WorkerSettings,
  'attachmentsFolder' | 'telegramMediaKinds' | 'telegramMediaMaxFileMB' | 'telegramDownloadParts' | 'telegramDownloadFiles' | 'telegramDownloadMemoryMB'
>;

export interface LiveMediaSourceOptions {
  /** The signed-in client; its download senders fetch the parts. Or give `port`. */
  readonly client?: TelegramClient;
  /** upload.getFile by DC (tests); wins over `client`. */
  readonly port?: FilePartPort;
  /** The sync job's scheduler (its limits, priorities and flood pauses); default one of this source's own. */
  readonly scheduler?: RequestScheduler;
  readonly vaultRoot: string;
  readonly settings: LiveMediaSettings;
  /**
   * The run's content store (ArchiveRun.contentStore): where stored content is, by hash. Without
   * it the vault's saved copy is read once (files stored in earlier runs are found; downloads then
   * stay in the tmp folder until close() or the next run, as the pipeline's progress is not seen).
   */
  readonly contentStore?: StoreView;
  /** The message again, for a fresh file reference after FILE_REFERENCE_EXPIRED. Default: `client.getMessages`. */
  readonly refetch?: (peer: Api.TypeInputPeer, messageId: number) => Promise<Api.Message | undefined>;
  readonly fs?: VaultFs;
  readonly metrics?: MetricsSink;
  /** Cancels every download: partial files are removed, locate() answers "cancelled". */
  readonly signal?: AbortSignal;
  /** Telegram made downloads wait ("waiting 23 s"); `tooLong`: above the cap, the file was given up. */
  readonly onWait?: (wait: { seconds: number; dcId: number; tooLong: boolean }) => void;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** Downloader tuning and test hooks (sleep, clock, caps, timeouts, part size). */
  readonly downloader?: Partial<Pick<DownloaderOptions, 'maxPartBytes' | 'maxFloodWaitSeconds' | 'maxAttempts' | 'requestTimeoutMs' | 'sleep' | 'now'>>;
}

interface Entry {
  readonly file: RemoteFile;
  /** The latest message registered with this file: the one fetched again for a fresh reference. */
  ref: LiveMediaRef;
  obtained?: Promise<Obtained>;
}

/** A file found in the vault, downloaded (and how often handed out since), or why not. */
type Obtained = { stored: string } | DownloadInTmp | { failed: string };
/** A download in the tmp folder; `handedOut`: how many locate() calls got it (-1: removed). */
type DownloadInTmp = { temp: string; sha256: string; size: number; handedOut: number; queue: Promise<unknown> };

export interface LiveMediaStats {
  /** Files found in the vault by their id: no request made. */
  idHits: number;
  downloaded: number;
  failed: number;
  skipped: number;
}

export class LiveMediaSource implements LiveMediaRegistry {
  readonly stats: LiveMediaStats = { idHits: 0, downloaded: 0, failed: 0, skipped: 0 };
  readonly downloader: FileDownloader;
  private readonly entries = new Map<string, Entry>();
  private readonly fs: VaultFs;
  private readonly layout: VaultLayout;
  private readonly filter: MediaFilter;
  /** This instance's own folder under the Telegram tmp folder. */
  readonly tmpDir: string;
  private madeTmpDir: Promise<unknown> | undefined;
  private readonly temps: DownloadedTemps;
  private readonly ids: Promise<MediaIdIndex>;
  private readonly store: Promise<StoreView>;
  /** Follows `opts.signal`; each file in flight listens to this one, not to the caller's. */
  private readonly cancelled = new AbortController();
  readonly scheduler: RequestScheduler;
  private readonly ownScheduler: boolean;

  /** Usable at once; the vault's index of stored ids is read in the background (locate() waits for it). */
  constructor(private readonly opts: LiveMediaSourceOptions) {
    this.fs = opts.fs ?? nodeVaultFs;
    this.layout = new VaultLayout(opts.vaultRoot);
    this.filter = mediaFilterFrom(opts.settings);
    this.ids = MediaIdIndex.open(this.fs, this.layout.telegramMediaIdsFile);
    this.ids.catch(() => undefined); // reported by the locate() that needs it
    this.store = opts.contentStore ? Promise.resolve(opts.contentStore) : loadStoreCopy(this.fs, this.layout);
    this.store.catch(() => undefined);
    this.temps = new DownloadedTemps(this.fs, this.store, this.layout.root);
    this.tmpDir = path.join(this.layout.telegramTmpDir, `live-${process.pid}-${randomBytes(4).toString('hex')}`);
    setMaxListeners(0, this.cancelled.signal);
    if (opts.signal?.aborted) this.cancelled.abort(opts.signal.reason);
    else opts.signal?.addEventListener('abort', () => this.cancelled.abort(opts.signal?.reason), { once: true });
    const port = opts.port ?? (opts.client ? gramjsFilePort(opts.client) : undefined);
    if (!port) throw new Error('LiveMediaSource needs a client or a port');
    const s = opts.settings;
    const sleep = opts.downloader?.sleep ?? ((ms: number, signal?: AbortSignal) => abortableSleep(ms, signal));
    this.ownScheduler = !opts.scheduler;
    this.scheduler =
      opts.scheduler ??
      new RequestScheduler({ limits: schedulerLimits(s.telegramDownloadParts), clock: { now: opts.downloader?.now ?? Date.now, sleep }, metrics: opts.metrics });
    this.downloader = new FileDownloader({
      ...opts.downloader,
      port,
      fs: this.fs,
      scheduler: this.scheduler,
      // Twice the parts the scheduler lets out: the next ones wait in its queue, ready to go.
      partsInFlight: 2 * s.telegramDownloadParts,
      filesInFlight: s.telegramDownloadFiles,
      memoryBytes: s.telegramDownloadMemoryMB * 1024 * 1024,
      metrics: opts.metrics,
      onWait: opts.onWait,
    });
  }

  /** A source with the index of stored ids read (its failure to read surfaces here). */
  static async open(opts: LiveMediaSourceOptions): Promise<LiveMediaSource> {
    const src = new LiveMediaSource(opts);
    await src.ids;
    return src;
  }

  register(ref: LiveMediaRef): string {
    const file = remoteFileOf(ref.media, ref.thumb === true);
    if (!file) return NO_FILE_PLACEHOLDER;
    const skipped = skippedBecause(file, this.filter);
    if (skipped) {
      this.stats.skipped++;
      return skipped;
    }
    const key = refString(file);
    const known = this.entries.get(key);
    if (known) known.ref = ref;
    else this.entries.set(key, { file, ref });
    return key;
  }

  attachmentPath(chatDir: string, ref: string): string {
    const exportPath = this.entries.get(ref)?.file.exportPath ?? ref.slice(ref.indexOf('/') + 1);
    return attachmentVaultPath(chatDir, this.opts.settings.attachmentsFolder, exportPath);
  }

  locate(ref: string): Promise<LocatedSource> {
    const entry = this.entries.get(ref);
    if (!entry) return Promise.resolve({ ok: false, reason: 'missing', message: `"${ref}" is not a file this sync registered` });
    entry.obtained ??= this.obtain(entry);
    return entry.obtained.then((got) => this.handOut(got));
  }

  /** Cancels every download in flight (as `opts.signal` does). */
  cancel(): void {
    this.cancelled.abort();
  }

  /** Saves the index of stored ids and removes downloads the pipeline is done with. */
  async flush(): Promise<void> {
    await this.temps.reap();
    await (await this.ids).flush();
  }

  /** Downloads still in the tmp folder, waiting for the pipeline. */
  get downloadsWaiting(): number {
    return this.temps.count;
  }

  /** Saves the index and removes this instance's downloads (the pipeline must be drained). */
  async close(): Promise<void> {
    try {
      await this.temps.reap();
      await (await this.ids).flush();
    } finally {
      if (this.ownScheduler) this.scheduler.close();
      await this.fs.rm(this.tmpDir, { recursive: true, force: true });
    }
  }

  /** The file from the vault when its id is known there, else downloaded (once per instance). */
  private async obtain(entry: Entry): Promise<Obtained> {
    const { file } = entry;
    const name = path.basename(file.exportPath);
    let ids: MediaIdIndex;
    try {
      ids = await this.ids;
    } catch (err) {
      return { failed: `could not read the index of Telegram files in the vault: ${describe(err)}` };
    }
    const known = ids.get(file.key);
    const stored = known && (await this.temps.storedCopy(known.sha256, known.size));
    if (stored) {
      this.stats.idHits++;
      return { stored };
    }
    const final = path.join(this.tmpDir, `${file.key.replace(/[^A-Za-z0-9_-]+/g, '-')}${path.extname(name).slice(0, 16)}`);
    try {
      this.madeTmpDir ??= this.fs.mkdir(this.tmpDir, { recursive: true });
      await this.madeTmpDir;
      const tmp = tempNameFor(final);
      let digest: { sha256: string; size: number };
      if (file.inline) {
        await this.fs.writeFile(tmp, file.inline, { flag: 'wx' });
        digest = { sha256: sha256(file.inline), size: file.inline.length };
      } else {
        digest = await this.downloader.download({ file, target: tmp, signal: this.cancelled.signal, refresh: () => this.refresh(entry) });
      }
      await this.fs.rename(tmp, final);
      ids.set(file.key, digest);
      this.stats.downloaded++;
      return { temp: final, ...digest, handedOut: 0, queue: Promise.resolve() };
    } catch (err) {
      this.stats.failed++;
      const why = isAbortError(err) ? 'the sync was cancelled' : err instanceof FloodWaitTooLong ? err.message : describe(err);
      this.opts.log?.(isAbortError(err) ? 'info' : 'warn', `Telegram file ${name} not downloaded: ${why}`);
      return { failed: `could not download ${name} from Telegram: ${why}` };
    } finally {
      void this.temps.reap().catch(() => undefined);
    }
  }

  /**
   * What one locate() gets. Content already in the vault (by hash) comes from there, and the
   * download goes at once. Otherwise each caller gets a path of its own (the download, then links
   * to it), because each is removed once the pipeline has hashed and stored it (DownloadedTemps).
   */
  private handOut(got: Obtained): Promise<LocatedSource> {
    if ('failed' in got) return Promise.resolve({ ok: false, reason: 'missing', message: got.failed });
    if ('stored' in got) return Promise.resolve({ ok: true, source: got.stored });
    // One at a time per file: a hand-out that removes the download must not overlap one linking it.
    const next = got.queue.then(() => this.handOutDownload(got));
    got.queue = next.catch(() => undefined);
    return next;
  }

  private async handOutDownload(got: DownloadInTmp): Promise<LocatedSource> {
    const stored = await this.temps.storedCopy(got.sha256, got.size);
    if (stored) {
      if (got.handedOut === 0) {
        got.handedOut = -1; // gone: later hand-outs come from the vault too
        await this.fs.rm(got.temp, { force: true }).catch(() => undefined);
      }
      return { ok: true, source: stored };
    }
    if (got.handedOut < 0) throw new Error('the downloaded file was removed and its stored copy is gone');
    const n = got.handedOut++;
    let source = got.temp;
    if (n > 0) {
      source = `${got.temp}.${n}`;
      await this.fs.link(got.temp, source).catch(() => this.fs.copyFile(got.temp, source));
    }
    this.temps.add(source, got.sha256, got.size);
    return { ok: true, source };
  }

  private async refetchWithClient(peer: Api.TypeInputPeer, messageId: number): Promise<Api.Message | undefined> {
    const client = this.opts.client;
    if (!client) return undefined;
    const policy: RequestPolicy = {
      signal: this.cancelled.signal,
      shortWaitSeconds: this.opts.downloader?.maxFloodWaitSeconds ?? 60,
      sleep: (ms, signal) => abortableSleep(ms, signal),
      onWait: () => undefined,
      scheduler: this.scheduler,
    };
    const [msg] = await callTelegram('messages.getMessages', () => client.getMessages(peer, { ids: [messageId] }), policy);
    return msg instanceof Api.Message ? msg : undefined;
  }

  private async refresh(entry: Entry): Promise<RemoteFile | undefined> {
    const { peer, messageId, thumb } = entry.ref;
    const msg = this.opts.refetch ? await this.opts.refetch(peer, messageId) : await this.refetchWithClient(peer, messageId);
    return withReferenceFrom(entry.file, msg?.media, thumb === true);
  }
}

/** The content store as the vault last saved it (or empty), for a source given none. */
async function loadStoreCopy(fs: VaultFs, layout: VaultLayout): Promise<StoreView> {
  const store = new ContentStore(layout.root, layout.contentStoreFile);
  await store.load(fs).catch(() => false);
  return store;
}

/** The string a message's field carries: unique per file, the same in every run. */
function refString(file: RemoteFile): string {
  return `tg:${file.key}/${file.exportPath}`;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
