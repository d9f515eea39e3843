/**
 * One run of the chat archive (an import, a sync): the state folder made ready (temp files of a
 * crashed run swept), the vault-wide content store loaded or rebuilt from the attachment folders,
 * one media pipeline for every chat, and the totals the run reports. Source-neutral: connectors
 * open a run, feed it chats (ChatArchive), and close it.
 */
import * as path from 'node:path';
import type { JobWarning, WorkerSettings } from '../../../shared/types';
import { ContentStore } from '../media/contentStore';
import { MediaPipeline } from '../media/mediaPipeline';
import type { MetricsSink } from '../metrics';
import { sweepTempFiles } from '../vault/atomic';
import { VaultLayout } from '../vault/layout';
import type { NoteWriterOptions } from '../vault/noteWriter';
import { IoCounters, type VaultFs } from '../vault/vaultFs';
import type { ChatIndexHeader } from './chatIndex';
import type { ArchiveRun, DiscoveredNote, RunTotals } from './types';
import { attachmentDirs, discoverNotes, readChatHeaders } from './vaultChats';

/** The content store is saved at least this often during a long run (it lets a rerun skip hashing). */
const STORE_SAVE_INTERVAL_MS = 30_000;

export interface ArchiveRunOptions {
  readonly vaultRoot: string;
  readonly settings: WorkerSettings;
  readonly fs: VaultFs;
  readonly clock: () => number;
  readonly metrics: MetricsSink;
  warn(w: JobWarning): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Note writer tuning (tests); defaults: 1 MiB / 2 s, fsync on finish. */
  readonly writer?: Pick<NoteWriterOptions, 'flushBytes' | 'flushIntervalMs' | 'durable' | 'registry'>;
}

export class OpenArchiveRun {
  private lastStoreSave: number;

  private constructor(
    readonly run: ArchiveRun,
    private readonly store: ContentStore,
    /** The index headers of the chats archived when the run began. */
    readonly archivedChats: ReadonlyMap<number, ChatIndexHeader>,
  ) {
    this.lastStoreSave = run.clock();
  }

  static async open(opts: ArchiveRunOptions): Promise<OpenArchiveRun> {
    const { fs, clock, metrics } = opts;
    const layout = new VaultLayout(opts.vaultRoot);
    const stateDir = layout.telegramStateDir;
    const store = new ContentStore(layout.root, layout.contentStoreFile);
    const counters = new IoCounters();
    // First, so its worker thread boots while the state folder is made ready (store loaded later).
    const media = new MediaPipeline({
      fs,
      vaultRoot: layout.root,
      store,
      concurrency: opts.settings.mediaConcurrency,
      useHardlinks: opts.settings.useHardlinks,
      counters,
      metrics,
    });
    await fs.mkdir(path.join(stateDir, 'chats'), { recursive: true });
    await sweepTempFiles(fs, stateDir);
    await sweepTempFiles(fs, path.join(stateDir, 'chats'));
    await fs.rm(layout.telegramTmpDir, { recursive: true, force: true });

    if (!(await store.load(fs))) {
      const dirs = await attachmentDirs(fs, layout);
      if (dirs.length) {
        opts.log('info', `Content index not found: rebuilding it from ${dirs.length} attachment folder(s)`);
        await store.rebuildFromFiles(fs, dirs);
      }
    }
    const folderOwners = new Map<string, number>();
    const archived = new Map<number, ChatIndexHeader>();
    for (const h of await readChatHeaders(fs, stateDir)) {
      folderOwners.set(h.folder.toLowerCase(), h.chatId);
      archived.set(h.chatId, h);
    }
    let discovered: Promise<Map<number, DiscoveredNote[]>> | undefined;
    const totals: RunTotals = { topics: 0, messagesSeen: 0, messagesWritten: 0, messagesUpdated: 0, duplicatesSkipped: 0, notesWritten: 0 };
    const run: ArchiveRun = {
      fs,
      layout,
      settings: opts.settings,
      counters,
      metrics,
      media,
      contentStore: store,
      clock,
      totals,
      writerOptions: { clock, ...opts.writer, onWrite: () => metrics.add('noteWrites') },
      warn: opts.warn,
      log: opts.log,
      folderOwners,
      discoverNotes: () => (discovered ??= discoverNotes(fs, layout)),
    };
    return new OpenArchiveRun(run, store, archived);
  }

  /** Between chats: saves the content store when it was last saved long ago. */
  async checkpoint(): Promise<void> {
    if (!this.store.isDirty || this.run.clock() - this.lastStoreSave <= STORE_SAVE_INTERVAL_MS) return;
    await this.run.media.drain();
    await this.store.save(this.run.fs, this.run.counters);
    this.lastStoreSave = this.run.clock();
  }

  /** Waits for every file in flight and saves the content store. `failed`: best effort only. */
  async close(failed = false): Promise<void> {
    await this.run.media.drain();
    if (!this.store.isDirty) return;
    if (failed) await this.store.save(this.run.fs, this.run.counters).catch(() => undefined);
    else await this.store.save(this.run.fs, this.run.counters);
  }
}
