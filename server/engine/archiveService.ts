/**
 * The engine's front door: one object per workspace that owns the vault location, the source
 * list, the running jobs and the metrics. The worker entry (server.ts) and the CLI both drive
 * it; it knows nothing of LSP or VS Code, and takes its I/O and the importer as parameters.
 */
import * as path from 'node:path';
import type {
  Health,
  ImportSummary,
  Metrics,
  SourceInfo,
  SourceKind,
  SourceState,
  SyncSummary,
  WorkerSettings,
} from '../../shared/types';
import { UserError } from './errors';
import type { MetricsSink, MetricsSnapshot } from './metrics';
import type { ImportOptions, ImportedChat } from './connectors/telegram-export';
import { parseTelegramRef, parseYouTubeRef, telegramSourceId, youTubeSourceId } from './sources/refs';
import { SourcesStore, type StoreFs, type StoredSource } from './sources/sourcesStore';

export { UserError };

/** What the service needs from the Telegram export importer (server/engine/connectors/telegram-export). */
export interface ImporterPort {
  importTelegramExport(opts: ImportOptions): Promise<ImportSummary>;
  listImportedChats(vaultRoot: string): Promise<ImportedChat[]>;
  removeImportedChat(vaultRoot: string, chatId: number, deleteNotes: boolean): Promise<void>;
}

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

export interface ArchiveServiceOptions {
  readonly workspaceRoot: string;
  readonly settings: WorkerSettings;
  readonly trusted: boolean;
  readonly fs: StoreFs & { rm(p: string, o: { recursive: true; force: true }): Promise<void>; stat(p: string): Promise<{ isDirectory(): boolean }> };
  readonly importer: ImporterPort;
  readonly metrics: MetricsPort;
  readonly events: ServiceEvents;
  readonly now?: () => number;
  /** How often metrics are pushed while a job runs. */
  readonly metricsIntervalMs?: number;
}

export interface JobHooks {
  readonly signal?: AbortSignal;
  onProgress?(percent: number, message: string, sourceId?: string): void;
}


export class ArchiveService {
  private settings: WorkerSettings;
  private trusted: boolean;
  private readonly now: () => number;
  private readonly running = new Set<AbortController>();
  private readonly states = new Map<string, SourceState>();
  /** Jobs that write to the vault run one at a time, so two never write the same note. */
  private queue: Promise<unknown> = Promise.resolve();
  private metricsTimer: NodeJS.Timeout | undefined;
  private sourcesPushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ArchiveServiceOptions) {
    this.settings = opts.settings;
    this.trusted = opts.trusted;
    this.now = opts.now ?? Date.now;
  }

  updateSettings(settings: WorkerSettings, trusted: boolean): void {
    this.settings = settings;
    this.trusted = trusted;
  }

  /** Absolute vault folder; refuses a setting that points outside the workspace. */
  vaultRoot(): string {
    const folder = this.settings.vaultFolder.trim() || 'Archive';
    const root = path.resolve(this.opts.workspaceRoot, folder);
    const rel = path.relative(this.opts.workspaceRoot, root);
    if (path.isAbsolute(folder) || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new UserError(
        `The vault folder "${folder}" is outside the workspace. Set "vaultArchiver.vaultFolder" to a folder inside it, such as "Archive".`,
      );
    }
    return root;
  }

  private store(): SourcesStore {
    return new SourcesStore(this.vaultRoot(), this.opts.fs);
  }

  async listSources(): Promise<SourceInfo[]> {
    const vault = this.vaultRoot();
    const [stored, imported] = await Promise.all([this.store().list(), this.opts.importer.listImportedChats(vault)]);
    const byId = new Map<string, SourceInfo>();
    for (const chat of imported) {
      const id = `telegram:${chat.chatId}`;
      byId.set(id, {
        id,
        kind: 'telegram',
        origin: 'telegram-export',
        title: chat.title,
        notesPath: `Telegram/${chat.folder}`,
        itemCount: chat.messageCount,
        lastSyncAt: chat.lastImportAt,
        state: this.states.get(id) ?? { kind: 'idle' },
        topics: chat.topics.length ? chat.topics : undefined,
      });
    }
    for (const s of stored) {
      if (byId.has(s.id)) continue;
      byId.set(s.id, { ...s, state: this.states.get(s.id) ?? { kind: 'idle' } });
    }
    return [...byId.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.title.localeCompare(b.title));
  }

  async addSource(kind: SourceKind, ref: string): Promise<SourceInfo> {
    this.requireTrust();
    let id: string;
    let title: string;
    if (kind === 'youtube') {
      const parsed = parseYouTubeRef(ref);
      id = youTubeSourceId(parsed);
      title = parsed.form === 'handle' ? `@${parsed.value}` : parsed.value;
    } else {
      const parsed = parseTelegramRef(ref);
      id = telegramSourceId(parsed);
      title = parsed.form === 'username' ? `@${parsed.value}` : String(parsed.value);
    }
    const existing = (await this.listSources()).find((s) => s.id === id);
    if (existing) throw new UserError(`"${existing.title}" is already in the vault.`);
    const stored: StoredSource = {
      id,
      kind,
      origin: kind === 'youtube' ? 'youtube' : 'telegram-live',
      title,
      ref: ref.trim(),
      notesPath: `${kind === 'youtube' ? 'YouTube' : 'Telegram'}/${title.replace(/[^\p{L}\p{N}@ _.-]/gu, '_')}`,
      addedAt: new Date(this.now()).toISOString(),
      itemCount: 0,
    };
    await this.store().upsert(stored);
    await this.pushSources();
    return { ...stored, state: { kind: 'idle' } };
  }

  async removeSource(id: string, deleteNotes: boolean): Promise<void> {
    this.requireTrust();
    const source = (await this.listSources()).find((s) => s.id === id);
    if (!source) throw new UserError(`No source "${id}" in this vault. Refresh the Sources view.`);
    await this.exclusive(async () => {
      if (source.origin === 'telegram-export') {
        await this.opts.importer.removeImportedChat(this.vaultRoot(), Number(id.slice('telegram:'.length)), deleteNotes);
      } else {
        await this.store().remove(id);
        if (deleteNotes) await this.opts.fs.rm(path.join(this.vaultRoot(), ...source.notesPath.split('/')), { recursive: true, force: true });
      }
    });
    this.states.delete(id);
    await this.pushSources();
  }

  async importExport(exportPath: string, hooks: JobHooks = {}): Promise<ImportSummary> {
    this.requireTrust();
    const resolved = path.resolve(exportPath);
    const stat = await this.opts.fs.stat(resolved).catch(() => undefined);
    if (!stat?.isDirectory()) {
      throw new UserError(
        `"${exportPath}" is not a folder. Choose the folder Telegram Desktop wrote (Settings → Advanced → Export Telegram data), the one holding result.json.`,
      );
    }
    return this.runJob(hooks, async (signal) => {
      const vault = this.vaultRoot();
      // The chat being imported shows as "syncing" in the Sources view until the next one starts.
      let importing: string | undefined;
      const setImporting = (sourceId: string | undefined, percent: number, message: string) => {
        if (importing && importing !== sourceId) this.states.delete(importing);
        importing = sourceId;
        if (sourceId) this.states.set(sourceId, { kind: 'syncing', percent, message });
      };
      const summary = await this.opts.importer
        .importTelegramExport({
          exportPath: resolved,
          vaultRoot: vault,
          settings: this.settings,
          signal,
          metrics: this.opts.metrics,
          onProgress: (p) => {
            const sourceId = p.chatId === undefined ? undefined : `telegram:${p.chatId}`;
            setImporting(sourceId, p.percent, p.message);
            hooks.onProgress?.(p.percent, p.message, sourceId);
            this.scheduleSourcesPush();
          },
          onWarning: (w) => this.opts.events.log('warn', `${w.source ?? 'export'}${w.item !== undefined ? ` #${w.item}` : ''}: ${w.message}`),
          log: (level, msg) => this.opts.events.log(level, msg),
        })
        .finally(() => setImporting(undefined, 0, ''));
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
    const wanted = sourceIds ? all.filter((s) => sourceIds.includes(s.id)) : all;
    const unknown = sourceIds?.filter((id) => !all.some((s) => s.id === id)) ?? [];
    if (unknown.length) throw new UserError(`No source ${unknown.map((u) => `"${u}"`).join(', ')} in this vault. Refresh the Sources view.`);
    const started = this.now();
    return this.runJob(hooks, async (signal) => {
      const results: { id: string; itemsAdded: number; error?: string }[] = [];
      for (const [i, source] of wanted.entries()) {
        if (signal.aborted) break;
        hooks.onProgress?.((i / Math.max(1, wanted.length)) * 100, source.title, source.id);
        results.push({ id: source.id, itemsAdded: 0, error: syncUnavailableReason(source) });
      }
      hooks.onProgress?.(100, 'Done');
      return { sources: results, cancelled: signal.aborted, elapsedMs: this.now() - started };
    });
  }

  /** Cancels every running and queued job; returns how many were told to stop. */
  cancelAll(): number {
    const n = this.running.size;
    for (const c of this.running) c.abort();
    return n;
  }

  metrics(): Metrics {
    return {
      ...this.opts.metrics.snapshot(),
      youtubeQuotaUsedToday: 0,
      youtubeQuotaLimit: this.settings.youtubeDailyQuota,
      activeJobs: this.running.size,
    };
  }

  /** Cancels jobs and waits for them to flush what they hold (worker shutdown). */
  async shutdown(): Promise<void> {
    this.cancelAll();
    await this.queue.catch(() => undefined);
    clearInterval(this.metricsTimer);
    clearTimeout(this.sourcesPushTimer);
  }

  private requireTrust(): void {
    if (!this.trusted) {
      throw new UserError('This workspace is not trusted. Trust it (Manage Workspace Trust) so Vault Archiver may write the vault.');
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runJob<T>(hooks: JobHooks, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (hooks.signal?.aborted) controller.abort();
    hooks.signal?.addEventListener('abort', onAbort);
    this.running.add(controller);
    this.startMetricsPush();
    return this.exclusive(() => work(controller.signal)).finally(() => {
      hooks.signal?.removeEventListener('abort', onAbort);
      this.running.delete(controller);
      this.pushMetrics();
      if (!this.running.size) {
        clearInterval(this.metricsTimer);
        this.metricsTimer = undefined;
      }
      void this.pushSources();
    });
  }

  private startMetricsPush(): void {
    this.opts.events.health({ state: 'busy', message: 'Archiving…' });
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

function syncUnavailableReason(source: SourceInfo): string | undefined {
  switch (source.origin) {
    case 'telegram-export':
      return undefined; // nothing to fetch: import a newer export to add what is new
    case 'telegram-live':
      return `${source.title}: Telegram live sync is not available yet. Import a Telegram Desktop export of this chat instead.`;
    case 'youtube':
      return `${source.title}: YouTube sync is not available yet.`;
  }
}
