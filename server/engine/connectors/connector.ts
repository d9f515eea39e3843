/**
 * The one interface every origin of content implements: a Telegram Desktop export today, live
 * Telegram and YouTube next. The archive service lists, adds, removes and syncs sources only
 * through it and never asks which origin it is talking to.
 */
import type { ImportSummary, JobWarning, SourceInfo, SourceKind, SourceOrigin, WorkerSettings } from '../../../shared/types';
import type { MetricsSink } from '../metrics';

/** A source as its connector knows it; the service adds the live state (idle, syncing, error). */
export type ListedSource = Omit<SourceInfo, 'state'>;

export interface RunProgress {
  readonly percent: number;
  readonly message: string;
  /** The source being worked on, when there is one. */
  readonly sourceId?: string;
}

/** What a connector gets for one run: where, how, and where to report. */
export interface ConnectorRun {
  readonly vaultRoot: string;
  readonly settings: WorkerSettings;
  /** Stop soon, keep what is written consistent; the next run completes the work. */
  readonly signal: AbortSignal;
  readonly metrics: MetricsSink;
  progress(p: RunProgress): void;
  warn(w: JobWarning): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface SourceSyncResult {
  readonly itemsAdded: number;
  /** Why the source could not be synced (it stays as it was). */
  readonly error?: string;
  /** Something the user should know that is not an error. */
  readonly note?: string;
}

export interface Connector {
  readonly origin: SourceOrigin;
  readonly kind: SourceKind;
  /** The sources of this origin archived in the vault (never takes the vault lock). */
  list(vaultRoot: string): Promise<ListedSource[]>;
  /** The stable id and a title for what the user typed (link, @handle, id); throws a UserError. */
  identify?(ref: string): Promise<{ readonly id: string; readonly title: string }>;
  /** Records a source the user named. With identify; both absent where sources come another way. */
  add?(ref: string, vaultRoot: string, now: Date): Promise<ListedSource>;
  /** Forgets a source; with `deleteNotes`, deletes its notes and files no other source uses. */
  remove(source: ListedSource, deleteNotes: boolean, vaultRoot: string): Promise<void>;
  /**
   * Called once per sync run with every source of this connector the run will sync, before any
   * `sync`: where one request can serve them all (YouTube's batched `channels.list`), it is made
   * here. A throw fails each of these sources with its message.
   */
  prepareSync?(sources: readonly ListedSource[], run: ConnectorRun): Promise<void>;
  /** Brings one source up to date. */
  sync(source: ListedSource, run: ConnectorRun): Promise<SourceSyncResult>;
  /** Called once after every `sync` of a run that had `prepareSync`, to save what the run shared (a cache). */
  finishSync?(run: ConnectorRun): Promise<void>;
  /** Imports a file or folder the user chose (a Telegram Desktop export). Absent where there is none. */
  importFrom?(inputPath: string, run: ConnectorRun): Promise<ImportSummary>;
}
