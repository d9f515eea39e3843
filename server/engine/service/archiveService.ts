/**
 * The engine's front door: one object per workspace that owns the vault location, the running
 * jobs, the per-source state and the metrics. The worker's LSP handlers and the CLI both drive
 * it. It knows nothing of LSP or VS Code, nor of any origin: every source is reached through its
 * connector (connectors/connector.ts), and jobs that write the vault run one at a time in this
 * process and under the vault lock across processes.
 */
import * as path from 'node:path';
import type { Health, ImportSummary, JobWarning, Metrics, SheetTarget, SourceInfo, SourceKind, SyncSummary, WorkerSettings } from '../../../shared/types';
import { checkSheetTitle, parseSpreadsheetRef } from '../connectors/youtube/sheets/target';
import { compareSources } from '../../../shared/order';
import type { Connector, ConnectorRun, ListedSource, RunProgress, SourceSyncResult } from '../connectors/connector';
import { UserError } from '../errors';
import type { MetricsSink, MetricsSnapshot } from '../metrics';
import { TaskPool } from '../media/pool';
import { SerialQueue } from '../util/serialQueue';
import { type VaultFs, isNotFound } from '../vault/vaultFs';
import { JobStates } from './jobStates';
import type { SearchRequests } from '../../../shared/protocol';

export { UserError };

/** The metrics accumulator the engine feeds and the service reads (server/engine/metrics). */
export interface MetricsPort extends MetricsSink {
  snapshot(): MetricsSnapshot;
}

export interface ServiceEvents {
  sourcesChanged(sources: SourceInfo[]): void;
  metrics(m: Metrics): void;
  health(h: Health): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** A held vault lock (vault/vaultLock.ts); released when the job ends. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the vault's writer lock; waits or refuses per its own policy, and honours `signal`. */
export type LockAcquirer = (vaultRoot: string, hooks: { readonly signal: AbortSignal; onWait(holder: string): void }) => Promise<HeldLock>;

export interface ArchiveServiceOptions {
  readonly workspaceRoot: string;
  readonly settings: WorkerSettings;
  readonly trusted: boolean;
  /** Only to check the vault folder before a job (the connectors take their own I/O). */
  readonly fs: Pick<VaultFs, 'stat'>;
  /** Every origin of content, in listing priority: a source two connectors list is the first's. */
  readonly connectors: readonly Connector[];
  readonly metrics: MetricsPort;
  readonly events: ServiceEvents;
  /** The cross-process writer lock; without it only this process's queue keeps writers apart. */
  readonly acquireLock?: LockAcquirer;
  readonly now?: () => number;
  /** How often metrics are pushed while a job runs. */
  readonly metricsIntervalMs?: number;
  /** The vault's search index (search/archiveSearch.ts), made for this service; none: search is unavailable. */
  readonly search?: (vault: SearchVault) => SearchPort;
}

/** What the search index asks of the service: where the vault is, where attachments go, a log. */
export interface SearchVault {
  vaultRoot(): string;
  attachmentsFolder(): string;
  log(level: 'info' | 'warn', message: string): void;
}

export interface SearchPort {
  search(params: SearchRequests.SearchParams): Promise<SearchRequests.SearchResult>;
  /** Catch up with the notes (after a job wrote them). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface JobHooks {
  readonly signal?: AbortSignal;
  onProgress?(percent: number, message: string, sourceId?: string): void;
  /** The vault is locked by another process and the job waits for it. */
  onWaitForLock?(holder: string): void;
}

export class ArchiveService {
  private settings: WorkerSettings;
  private trusted: boolean;
  private readonly now: () => number;
  private readonly running = new Set<AbortController>();
  private readonly states = new JobStates();
  /** Jobs that write the vault run one at a time, so two never write the same note. */
  private readonly writers = new SerialQueue();
  private metricsTimer: NodeJS.Timeout | undefined;
  private sourcesPushTimer: NodeJS.Timeout | undefined;
  private readonly searchIndex: SearchPort | undefined;

  constructor(private readonly opts: ArchiveServiceOptions) {
    this.settings = opts.settings;
    this.trusted = opts.trusted;
    this.now = opts.now ?? Date.now;
    this.searchIndex = opts.search?.({
      vaultRoot: () => this.vaultRoot(),
      attachmentsFolder: () => this.settings.attachmentsFolder,
      log: (level, message) => opts.events.log(level, message),
    });
  }

  /** Searches the archive (search/query.ts has the language); reads only, so needs no trust. */
  async search(params: SearchRequests.SearchParams): Promise<SearchRequests.SearchResult> {
    if (!this.searchIndex) throw new UserError('This build cannot search the archive.');
    return this.searchIndex.search(params);
  }

  updateSettings(settings: WorkerSettings, trusted: boolean): void {
    this.settings = settings;
    this.trusted = trusted;
  }

  /** The settings now in force (the client pushes changes). */
  currentSettings(): WorkerSettings {
    return this.settings;
  }

  /** Absolute vault folder; refuses a setting that points outside the workspace. */
  vaultRoot(): string {
    const folder = this.settings.vaultFolder;
    const root = path.resolve(this.opts.workspaceRoot, folder);
    const rel = path.relative(this.opts.workspaceRoot, root);
    if (path.isAbsolute(folder) || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new UserError(
        `The vault folder "${folder}" is outside the workspace. Set "vaultArchiver.vaultFolder" to a folder inside it, such as "Archive".`,
      );
    }
    return root;
  }

  async listSources(): Promise<SourceInfo[]> {
    const vault = this.vaultRoot();
    const lists = await Promise.all(this.opts.connectors.map((c) => c.list(vault)));
    const byId = new Map<string, SourceInfo>();
    for (const s of lists.flat()) if (!byId.has(s.id)) byId.set(s.id, { ...s, state: this.states.get(s.id) });
    return [...byId.values()].sort(compareSources);
  }

  async addSource(kind: SourceKind, ref: string): Promise<SourceInfo> {
    this.requireTrust();
    const connector = this.opts.connectors.find((c) => c.kind === kind && c.add);
    if (!connector?.add) throw new UserError(`Sources of kind "${kind}" cannot be added by reference.`);
    const add = connector.add.bind(connector);
    const { id } = await connector.identify!(ref);
    const existing = (await this.listSources()).find((s) => s.id === id);
    // A chat imported from an export may be added for live sync: the same notes continue.
    if (existing && existing.origin === connector.origin) throw new UserError(`"${existing.title}" is already in the vault.`);
    const added = await this.writeJob({}, (vault) => add(ref, vault, new Date(this.now())));
    await this.pushSources();
    return { ...added, state: this.states.get(added.id) };
  }

  /**
   * Mirrors a YouTube channel into a Google Sheets tab (`spreadsheet`: its address or id), or
   * stops mirroring it (`spreadsheet` null). The next sync appends what the tab lacks.
   */
  async setSourceSheet(id: string, spreadsheet: string | null, sheetTitle?: string): Promise<SourceInfo> {
    this.requireTrust();
    const source = await this.findSource(id);
    const connector = this.connectorOf(source) as Connector & { setSheet?(s: ListedSource, t: SheetTarget | undefined, vault: string): Promise<ListedSource> };
    if (!connector.setSheet) throw new UserError(`${source.title} cannot be mirrored to Google Sheets: only YouTube channels can.`);
    const target = spreadsheet === null ? undefined : { spreadsheetId: parseSpreadsheetRef(spreadsheet), sheetTitle: checkSheetTitle(sheetTitle, 'Videos') };
    const updated = await this.writeJob({}, (vault) => connector.setSheet!(source, target, vault));
    await this.pushSources();
    return { ...updated, state: this.states.get(updated.id) };
  }

  /** Checks Google Sheets credentials by getting an access token; returns whom they act as. */
  async checkSheetsCredentials(credentials: string): Promise<{ account?: string }> {
    const youtube = this.opts.connectors.find((c): c is Connector & { checkSheetsCredentials(c: string): Promise<{ account?: string }> } => 'checkSheetsCredentials' in c);
    if (!youtube) throw new UserError('This build cannot mirror to Google Sheets.');
    return youtube.checkSheetsCredentials(credentials);
  }

  /** Tries a YouTube API key before the client stores it (one quota unit of that key's project). */
  async checkYouTubeKey(key: string): Promise<void> {
    const youtube = this.opts.connectors.find((c): c is Connector & { checkKey(key: string): Promise<void> } => 'checkKey' in c);
    if (!youtube) throw new UserError('This build cannot archive YouTube channels.');
    await youtube.checkKey(key);
  }

  async removeSource(id: string, deleteNotes: boolean): Promise<void> {
    this.requireTrust();
    const source = await this.findSource(id);
    await this.writeJob({}, (vault) => this.connectorOf(source).remove(source, deleteNotes, vault));
    this.states.forget(id);
    await this.pushSources();
  }

  /** Imports a file or folder the user chose (today: a Telegram Desktop export, folder or result.json). */
  async importExport(inputPath: string, hooks: JobHooks = {}): Promise<ImportSummary> {
    this.requireTrust();
    const importer = this.opts.connectors.find((c) => c.importFrom);
    if (!importer?.importFrom) throw new UserError('Nothing in this build can import files.');
    const importFrom = importer.importFrom.bind(importer);
    const resolved = path.resolve(inputPath);
    return this.runJob(hooks, async (run) => {
      const summary = await importFrom(resolved, run);
      this.opts.events.log(
        'info',
        `Import of ${resolved}: ${summary.messagesWritten} new, ${summary.messagesUpdated} updated, ${summary.duplicatesSkipped} already archived, ` +
          `${summary.mediaCopied} files copied, ${summary.mediaDeduplicated} deduplicated${summary.cancelled ? ' (cancelled)' : ''}.`,
      );
      return summary;
    });
  }

  async sync(sourceIds: readonly string[] | undefined, hooks: JobHooks = {}): Promise<SyncSummary> {
    this.requireTrust();
    const all = await this.listSources();
    const unknown = sourceIds?.filter((id) => !all.some((s) => s.id === id)) ?? [];
    if (unknown.length) throw new UserError(`No source ${unknown.map((u) => `"${u}"`).join(', ')} in this vault. Refresh the Sources view.`);
    const wanted = sourceIds ? all.filter((s) => sourceIds.includes(s.id)) : all;
    const started = this.now();
    return this.runJob(hooks, async (run) => {
      let done = 0;
      const pool = new TaskPool(this.settings.sourceConcurrency);
      const prepareFailed = await this.prepareSync(wanted, run);
      const syncOne = async (source: SourceInfo): Promise<SyncSummary['sources'][number]> => {
        if (run.signal.aborted) return { id: source.id, itemsAdded: 0, error: 'cancelled' };
        run.progress({ percent: (done / Math.max(1, wanted.length)) * 100, message: source.title, sourceId: source.id });
        const connector = this.connectorOf(source);
        const failed = prepareFailed.get(connector);
        const r: SourceSyncResult = failed
          ? { itemsAdded: 0, error: failed }
          : await connector.sync(source, run).catch((err: unknown) => ({ itemsAdded: 0, error: err instanceof Error ? err.message : String(err) }));
        done++;
        this.states.finish(source.id, r.error);
        if (r.error) this.opts.events.log('warn', `Sync of ${source.title}: ${r.error}`);
        else if (r.note) this.opts.events.log('info', r.note);
        return { id: source.id, ...r };
      };
      const results = await Promise.all(wanted.map((source) => pool.run(() => syncOne(source))));
      for (const connector of new Set(wanted.map((s) => this.connectorOf(s)))) {
        if (!prepareFailed.has(connector)) await connector.finishSync?.(run).catch((err: unknown) => this.opts.events.log('warn', `After the sync: ${err instanceof Error ? err.message : String(err)}`));
      }
      run.progress({ percent: 100, message: 'Done' });
      return { sources: results, cancelled: run.signal.aborted, elapsedMs: this.now() - started };
    });
  }

  /** Lets each connector make the requests that serve all its sources at once; returns the ones that failed, with why. */
  private async prepareSync(wanted: readonly SourceInfo[], run: ConnectorRun): Promise<Map<Connector, string>> {
    const failed = new Map<Connector, string>();
    for (const connector of this.opts.connectors) {
      const mine = wanted.filter((s) => this.connectorOf(s) === connector);
      if (!mine.length || !connector.prepareSync) continue;
      await connector.prepareSync(mine, run).catch((err: unknown) => failed.set(connector, err instanceof Error ? err.message : String(err)));
    }
    return failed;
  }

  /** Cancels every running and queued job; returns how many were told to stop. */
  cancelAll(): number {
    const n = this.running.size;
    for (const c of this.running) c.abort();
    return n;
  }

  metrics(): Metrics {
    return { ...this.opts.metrics.snapshot(), activeJobs: this.running.size };
  }

  /** Cancels jobs and waits for them to flush what they hold (worker shutdown). */
  async shutdown(): Promise<void> {
    this.cancelAll();
    await this.writers.idle();
    await this.searchIndex?.close();
    clearInterval(this.metricsTimer);
    clearTimeout(this.sourcesPushTimer);
  }

  private async findSource(id: string): Promise<ListedSource> {
    const source = (await this.listSources()).find((s) => s.id === id);
    if (!source) throw new UserError(`No source "${id}" in this vault. Refresh the Sources view.`);
    return source;
  }

  private connectorOf(source: ListedSource): Connector {
    const c = this.opts.connectors.find((k) => k.origin === source.origin);
    if (!c) throw new Error(`no connector for origin ${source.origin}`);
    return c;
  }

  private requireTrust(): void {
    if (!this.trusted) {
      throw new UserError('This workspace is not trusted. Trust it (Manage Workspace Trust) so Vault Archiver may write the vault.');
    }
  }

  /** Runs `work` as the vault's one writer: after this process's earlier jobs, under the vault lock. */
  private writeJob<T>(hooks: JobHooks, work: (vaultRoot: string) => Promise<T>): Promise<T> {
    return this.writers.run(async () => {
      const vault = this.vaultRoot();
      await this.checkVaultFolder(vault);
      const signal = hooks.signal ?? new AbortController().signal;
      const lock = await this.opts.acquireLock?.(vault, {
        signal,
        onWait: (holder) => {
          this.opts.events.log('info', `Waiting for ${holder} to finish with the vault…`);
          hooks.onWaitForLock?.(holder);
        },
      });
      try {
        return await work(vault);
      } finally {
        await lock?.release();
      }
    });
  }

  /** A vault path that exists must be a folder (a file there is a user's mistake, not a crash). */
  private async checkVaultFolder(vault: string): Promise<void> {
    try {
      if ((await this.opts.fs.stat(vault)).isDirectory()) return;
    } catch (err) {
      if (isNotFound(err)) return; // created by the first write
      throw err;
    }
    throw new UserError(`The vault "${vault}" is a file, not a folder. Choose a folder for the vault (it is created if missing).`);
  }

  private runJob<T>(hooks: JobHooks, work: (run: ConnectorRun) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (hooks.signal?.aborted) controller.abort();
    hooks.signal?.addEventListener('abort', onAbort);
    this.running.add(controller);
    this.startMetricsPush();
    return this.writeJob({ ...hooks, signal: controller.signal }, (vault) => work(this.connectorRun(vault, controller.signal, hooks)))
      .finally(() => {
        hooks.signal?.removeEventListener('abort', onAbort);
        this.running.delete(controller);
        this.states.endJob();
        this.pushMetrics();
        if (!this.running.size) {
          clearInterval(this.metricsTimer);
          this.metricsTimer = undefined;
        }
        void this.pushSources();
        // What the job wrote becomes findable now, not on the next query (in the background).
        void this.searchIndex?.refresh();
      });
  }

  private connectorRun(vaultRoot: string, signal: AbortSignal, hooks: JobHooks): ConnectorRun {
    const events = this.opts.events;
    return {
      vaultRoot,
      settings: this.settings,
      signal,
      metrics: this.opts.metrics,
      progress: (p: RunProgress) => {
        // The source being worked on shows as "syncing" in the Sources view until the next one starts.
        this.states.progress(p.sourceId, p.percent, p.message);
        hooks.onProgress?.(p.percent, p.message, p.sourceId);
        this.scheduleSourcesPush();
      },
      warn: (w: JobWarning) => events.log('warn', `${w.source ?? 'export'}${w.item !== undefined ? ` #${w.item}` : ''}: ${w.message}`),
      log: (level, message) => events.log(level, message),
    };
  }

  private startMetricsPush(): void {
    this.opts.events.health({ state: 'busy', message: 'Archiving…' });
    // The totals at the start of the job: the client measures a job's throughput from here,
    // even for a job that ends before the first timed push.
    this.opts.events.metrics(this.metrics());
    this.metricsTimer ??= setInterval(() => this.pushMetrics(), this.opts.metricsIntervalMs ?? 500);
  }

  private pushMetrics(): void {
    this.opts.events.metrics(this.metrics());
    if (!this.running.size) this.opts.events.health({ state: 'ok' });
  }

  private scheduleSourcesPush(): void {
    this.sourcesPushTimer ??= setTimeout(() => {
      this.sourcesPushTimer = undefined;
      void this.pushSources();
    }, 1000);
  }

  async pushSources(): Promise<void> {
    try {
      this.opts.events.sourcesChanged(await this.listSources());
    } catch (err) {
      this.opts.events.log('error', `Could not list sources: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

