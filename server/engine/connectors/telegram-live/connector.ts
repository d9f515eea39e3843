/**
 * Live Telegram chats as a connector: sources the user added (sources.json, origin
 * 'telegram-live'), each synced through GramJS into the same chat archive an export import
 * writes, so an imported chat that is then synced live continues the same notes.
 *
 * Injected (no GramJS client, session or network is made here):
 *  - `access.client(signal)`: a connected, signed-in TelegramClient made with
 *    `floodSleepThreshold: 0` (tg-auth's access.ts); every flood wait then reaches sync.ts,
 *    which shows and bounds it;
 *  - `identify(ref)`: what the user typed → `{ id: 'telegram:<bare chat id>', title }` (tg-auth);
 *  - `resolve(client, source)`: the chat a stored source names, with its input peer (tg-auth);
 *  - `mediaRegistry(...)`: the strings messages carry for their files, and the fetching of those
 *    files (tg-media's media/liveMedia.ts);
 *  - a clock.
 * Chats of one job are synced one after another (Telegram limits an account, not a chat) into one
 * archive run, opened with the first chat and closed in finishSync. Every request of the job, its
 * chats' and its media downloads', goes through one RequestScheduler (scheduler.ts): history
 * before file parts, bounded in flight, flood waits held once per method.
 */
import type { TelegramClient } from 'telegram';
import type { WorkerSettings } from '../../../../shared/types';
import { OpenArchiveRun } from '../../chat-archive/archiveRun';
import type { ArchiveRun } from '../../chat-archive/types';
import { listArchivedChats, removeArchivedChat } from '../../chat-archive/vaultChats';
import { type MetricsSink, isMetricsSink, nullMetrics } from '../../metrics';
import { chatIdOfSourceId } from '../../sources/refs';
import { SourcesStore } from '../../sources/sourcesStore';
import { TELEGRAM_DIR, VaultLayout, telegramChatFolder } from '../../vault/layout';
import { type VaultFs, nodeVaultFs } from '../../vault/vaultFs';
import type { Connector, ConnectorRun, ListedSource, SourceSyncResult } from '../connector';
import type { LiveMediaRegistry } from './media/types';
import { RequestScheduler, schedulerLimits } from './scheduler';
import type { LiveChat } from './sync/chatSync';
import { type RequestPolicy, SyncCancelled, abortableSleep, callTelegram, formatWait } from './sync/requests';
import { liveStateFile } from './sync/state';

export type { LiveChat } from './sync/chatSync';

export interface LiveTelegramAccess {
  /** A connected, signed-in client (made with floodSleepThreshold: 0); the same one for a whole job. */
  client(signal: AbortSignal): Promise<TelegramClient>;
  /** Called when a job is over: an access that made a client for the job closes it here. */
  release?(): Promise<void>;
}

export interface LiveMediaContext {
  readonly client: TelegramClient;
  readonly vaultRoot: string;
  readonly settings: WorkerSettings;
  readonly signal: AbortSignal;
  /** The run's content store: where stored content is, by hash (so a file stored before is not fetched). */
  readonly contentStore: ArchiveRun['contentStore'];
  readonly metrics: MetricsSink;
  /** The job's request scheduler: file parts go through it, behind the history requests. */
  readonly scheduler: RequestScheduler;
}

export interface ResolveContext {
  readonly signal: AbortSignal;
  readonly selfId: number;
  /** Requests made through it get the sync's flood, timeout and cancellation handling. */
  readonly policy: RequestPolicy;
}

export interface LiveClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface LiveTelegramConnectorOptions {
  readonly access: LiveTelegramAccess;
  identify(ref: string): Promise<{ readonly id: string; readonly title: string }>;
  resolve(client: TelegramClient, source: ListedSource, ctx: ResolveContext): Promise<LiveChat>;
  mediaRegistry(ctx: LiveMediaContext): LiveMediaRegistry | Promise<LiveMediaRegistry>;
  readonly fs?: VaultFs;
  readonly clock?: LiveClock;
  /** Flood waits up to this long are waited out; longer ones pause the chat. Default 60 s. */
  readonly shortFloodWaitSeconds?: number;
  /** Unix seconds → the export's local date-time; default this computer's zone (as Telegram Desktop). */
  readonly formatDate?: (unixSeconds: number) => string;
  /** Note writer tuning (tests). */
  readonly writer?: { readonly flushBytes?: number; readonly flushIntervalMs?: number; readonly durable?: boolean };
}

export const realLiveClock: LiveClock = { now: () => Date.now(), sleep: abortableSleep };

interface JobState {
  readonly archive: OpenArchiveRun;
  readonly client: TelegramClient;
  readonly media: LiveMediaRegistry;
  readonly selfId: number;
}

export class LiveTelegramConnector implements Connector {
  readonly origin = 'telegram-live' as const;
  readonly kind = 'telegram' as const;
  private readonly fs: VaultFs;
  private readonly clock: LiveClock;
  /** The job's archive run and client, opened by the first chat synced. */
  private job: Promise<JobState> | undefined;
  /** Chats are synced one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The job's scheduler, made with the job's first request and closed with the job. */
  private scheduler: RequestScheduler | undefined;

  constructor(private readonly opts: LiveTelegramConnectorOptions) {
    this.fs = opts.fs ?? nodeVaultFs;
    this.clock = opts.clock ?? realLiveClock;
  }

  private store(vaultRoot: string): SourcesStore {
    return new SourcesStore(new VaultLayout(vaultRoot), this.fs);
  }

  async list(vaultRoot: string): Promise<ListedSource[]> {
    const mine = (await this.store(vaultRoot).list()).filter((s) => s.origin === this.origin);
    if (!mine.length) return [];
    const archived = new Map((await listArchivedChats(vaultRoot, this.fs)).map((c) => [c.chatId, c]));
    return mine.map((s) => {
      const chat = archived.get(chatIdOfSourceId(s.id) ?? Number.NaN);
      if (!chat) return s;
      return { ...s, notesPath: telegramChatFolder(chat.folder), itemCount: chat.messageCount, lastSyncAt: chat.lastImportAt, topics: chat.topics.length ? chat.topics : undefined };
    });
  }

  identify(ref: string): Promise<{ id: string; title: string }> {
    return this.opts.identify(ref);
  }

  async add(ref: string, vaultRoot: string, now: Date): Promise<ListedSource> {
    const { id, title } = await this.opts.identify(ref);
    const fallbackName = id.replace(/[^\w@+-]/g, '_');
    return this.store(vaultRoot).addNew({ id, kind: this.kind, origin: this.origin, title, ref, notesDir: TELEGRAM_DIR, fallbackName, now });
  }

  async remove(source: ListedSource, deleteNotes: boolean, vaultRoot: string): Promise<void> {
    await this.store(vaultRoot).remove(source.id);
    const chatId = chatIdOfSourceId(source.id);
    if (chatId === undefined) return;
    await this.fs.rm(liveStateFile(vaultRoot, chatId), { force: true });
    if (deleteNotes) await removeArchivedChat(vaultRoot, chatId, true, this.fs);
  }

  sync(source: ListedSource, run: ConnectorRun): Promise<SourceSyncResult> {
    const next = this.queue.then(() => this.syncOne(source, run));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async finishSync(): Promise<void> {
    const job = this.job;
    this.job = undefined;
    const scheduler = this.scheduler;
    this.scheduler = undefined;
    if (!job) return scheduler?.close();
    const state = await job.catch(() => undefined);
    try {
      await state?.archive.close();
      // After the archive: every download is stored by then, so the media's temps can go.
      await state?.media.close?.();
    } finally {
      scheduler?.close();
      await this.opts.access.release?.();
    }
  }

  private openJob(run: ConnectorRun, policy: RequestPolicy): Promise<JobState> {
    this.job ??= (async () => {
      const client = await this.opts.access.client(run.signal);
      const me = await callTelegram('users.getUsers', () => client.getMe(), policy);
      const archive = await OpenArchiveRun.open({
        vaultRoot: run.vaultRoot,
        settings: run.settings,
        fs: this.fs,
        clock: () => this.clock.now(),
        metrics: isMetricsSink(run.metrics) ? run.metrics : nullMetrics,
        warn: (w) => run.warn(w),
        log: (level, msg) => run.log(level, msg),
        writer: this.opts.writer,
      });
      const media = await this.opts.mediaRegistry({
        client,
        vaultRoot: run.vaultRoot,
        settings: run.settings,
        signal: run.signal,
        contentStore: archive.run.contentStore,
        metrics: archive.run.metrics,
        scheduler: this.jobScheduler(run),
      });
      const { numericId } = await import('./sync/peers');
      return { archive, client, media, selfId: numericId(me.id) };
    })();
    return this.job;
  }

  private jobScheduler(run: ConnectorRun): RequestScheduler {
    this.scheduler ??= new RequestScheduler({
      limits: schedulerLimits(run.settings.telegramDownloadParts),
      clock: this.clock,
      metrics: isMetricsSink(run.metrics) ? run.metrics : nullMetrics,
    });
    return this.scheduler;
  }

  private policy(run: ConnectorRun, title: string, sourceId: string): RequestPolicy {
    return {
      scheduler: this.jobScheduler(run),
      signal: run.signal,
      shortWaitSeconds: this.opts.shortFloodWaitSeconds ?? 60,
      sleep: (ms, signal) => this.clock.sleep(ms, signal),
      onWait: (seconds) => {
        if (seconds > 0) run.progress({ percent: 0, message: `${title}: waiting ${formatWait(seconds)} (Telegram's flood limit)`, sourceId });
      },
    };
  }

  private async syncOne(source: ListedSource, run: ConnectorRun): Promise<SourceSyncResult> {
    if (run.signal.aborted) return { itemsAdded: 0, error: 'cancelled' };
    const policy = this.policy(run, source.title, source.id);
    try {
      const job = await this.openJob(run, policy);
      const chat = await this.opts.resolve(job.client, source, { signal: run.signal, selfId: job.selfId, policy });
      // The sync code loads GramJS, which parses its whole TL schema (most of a second): loaded by
      // the first sync of a live chat, so an import, a YouTube sync or --version never pays for it.
      const [{ syncChat }, { localExportDate }] = await Promise.all([import('./sync/chatSync'), import('./sync/convert')]);
      const r = await syncChat({
        client: job.client,
        chat,
        run: job.archive.run,
        media: job.media,
        settings: { backfillMessages: run.settings.telegramBackfillMessages, backfillDays: run.settings.telegramBackfillDays, editRecheckDays: run.settings.telegramEditRecheckDays },
        policy: this.policy(run, chat.title, source.id),
        selfId: job.selfId,
        formatDate: this.opts.formatDate ?? localExportDate,
        now: () => this.clock.now(),
        progress: (message, percent) => run.progress({ percent: percent ?? 0, message, sourceId: source.id }),
      });
      await job.archive.checkpoint();
      if (r.cancelled) return { itemsAdded: r.added, error: 'cancelled' };
      if (r.paused) return { itemsAdded: r.added, error: r.paused };
      return { itemsAdded: r.added, note: r.updated ? `${chat.title}: ${r.added} new, ${r.updated} updated` : undefined };
    } catch (err) {
      if (err instanceof SyncCancelled) return { itemsAdded: 0, error: 'cancelled' };
      throw err;
    }
  }
}
