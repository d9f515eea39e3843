/**
 * Runs the media pipeline's file tasks in a worker thread, in batches: one message carries every
 * task queued while this thread was busy, one message brings back a batch of results. The worker
 * does the file system work with synchronous calls, so the main thread pays neither a thread-pool
 * round trip nor a promise per system call, and renders notes meanwhile.
 *
 * Bounded: at most `maxInFlight` tasks are in the worker; the rest wait here, store/check tasks
 * (a note is waiting for them) ahead of identification. The worker holds the process open only
 * while it has work, and is stopped after `idleMs` without any. When no worker can be started (no
 * worker script, a worker that dies), the same tasks run on this thread with the same synchronous
 * calls, so results never depend on where a task ran; tasks are idempotent, so the ones a dying
 * worker had are simply run again.
 */
import { type WorkerScript, locateWorkerScript, startWorker } from '../util/workerScript';
import { type MediaBackend, isUrgent } from './backend';
import { type FileIo, type FileTask, type ResultOf, runFileTask } from './fileTasks';
import { syncFileIo } from './syncFileIo';
import { MEDIA_WORKER_ROLE, type ResultBatch, type TaskBatch, reviveError } from './workerProtocol';

/** How to start the worker: a built script, or source code to evaluate (tsx loading the .ts). */

export interface WorkerBackendOptions {
  /** null: no worker, run tasks on this thread. Default: mediaWorkerScript(). */
  readonly script?: WorkerScript | null;
  readonly maxInFlight?: number;
  readonly maxBatch?: number;
  readonly idleMs?: number;
  /** The calls used when tasks run on this thread. */
  readonly inlineIo?: FileIo;
  /** Starts a worker (tests pass a fake). */
  readonly spawn?: (script: WorkerScript) => WorkerLike;
}

/** What the backend uses of a worker_threads Worker. */
export interface WorkerLike {
  postMessage(batch: TaskBatch): void;
  /** 'message' brings a ResultBatch. */
  on(event: 'message' | 'error' | 'exit', listener: (arg: any) => void): unknown;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** The worker keeps a bounded queue of small tasks and one read buffer: a small young generation
 *  keeps its share of the import's memory small. The old-generation cap is only a cap (a listing
 *  of a huge folder must fit); running out would only send its tasks back to this thread. */
const WORKER_OPTIONS = { resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 512 }, workerData: { role: MEDIA_WORKER_ROLE } } as const;

interface Pending {
  readonly task: FileTask;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class WorkerBackend implements MediaBackend {
  private readonly urgent: Pending[] = [];
  private readonly normal: Pending[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private readonly idleWaiters: (() => void)[] = [];
  private nextId = 1;
  private worker: WorkerLike | undefined;
  private script: WorkerScript | null;
  private flushScheduled = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly idleMs: number;
  private inlineIo: FileIo | undefined;
  private readonly spawn: (script: WorkerScript) => WorkerLike;
  /** Tasks the worker ran (for tests and diagnostics). */
  workerTasks = 0;
  inlineTasks = 0;
  workerStarts = 0;

  constructor(opts: WorkerBackendOptions = {}) {
    this.script = opts.script === undefined ? mediaWorkerScript() : opts.script;
    this.maxInFlight = opts.maxInFlight ?? 512;
    this.maxBatch = opts.maxBatch ?? 128;
    this.idleMs = opts.idleMs ?? 5_000;
    this.inlineIo = opts.inlineIo;
    this.spawn = opts.spawn ?? spawnWorker;
  }

  /** Whether tasks go to a worker thread (false: they run on this thread). */
  get usesWorker(): boolean {
    return this.script !== null;
  }

  run<T extends FileTask>(task: T): Promise<ResultOf<T>> {
    return new Promise<ResultOf<T>>((resolve, reject) => {
      (isUrgent(task) ? this.urgent : this.normal).push({ task, resolve: resolve as (v: unknown) => void, reject });
      if (this.idleTimer) {
        clearTimeout(this.idleTimer);
        this.idleTimer = undefined;
      }
      if (this.urgent.length + this.normal.length >= this.maxBatch) this.flush();
      else this.scheduleFlush();
    });
  }

  /**
   * Starts the worker now, before any task: a thread takes tens of milliseconds to boot, which a
   * short import would otherwise wait through at its first file (the main thread reads on
   * meanwhile). It does not hold the process open, and stops after `idleMs` if no task comes.
   */
  warm(): void {
    if (!this.script || this.worker) return;
    const w = this.ensureWorker();
    if (!w) return;
    w.unref();
    this.maybeIdle();
  }

  /** Waits for every task given so far, then stops the worker (a later task starts a new one). */
  async close(): Promise<void> {
    while (this.inFlight.size || this.urgent.length || this.normal.length) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.stopWorker();
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (w) void w.terminate();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After this turn of the event loop: everything submitted meanwhile goes in one message.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.urgent.length + this.normal.length > 0) {
      const room = Math.min(this.maxBatch, this.maxInFlight - this.inFlight.size);
      if (room <= 0) return;
      const batch: [number, FileTask][] = [];
      while (batch.length < room) {
        const p = this.urgent.shift() ?? this.normal.shift();
        if (!p) break;
        const id = this.nextId++;
        this.inFlight.set(id, p);
        batch.push([id, p.task]);
      }
      this.send(batch);
    }
  }

  private send(batch: [number, FileTask][]): void {
    const worker = this.script ? this.ensureWorker() : undefined;
    if (!worker) {
      void this.runInline(batch.map(([id]) => id));
      return;
    }
    worker.ref();
    worker.postMessage({ tasks: batch } satisfies TaskBatch);
  }

  private ensureWorker(): WorkerLike | undefined {
    if (this.worker) return this.worker;
    const script = this.script!;
    let w: WorkerLike;
    try {
      w = this.spawn(script);
    } catch {
      this.script = null;
      return undefined;
    }
    this.workerStarts++;
    this.worker = w;
    w.on('message', (m: ResultBatch) => this.onResults(m));
    // A worker that fails to load or dies: its tasks (all idempotent) run again on this thread,
    // and so does everything after.
    const lost = () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.script = null;
      void w.terminate();
      const ids = [...this.inFlight.keys()];
      void this.runInline(ids);
    };
    w.on('error', lost);
    w.on('exit', lost);
    return w;
  }

  private onResults(m: ResultBatch): void {
    for (const r of m.results) {
      const p = this.inFlight.get(r.id);
      if (!p) continue;
      this.inFlight.delete(r.id);
      this.workerTasks++;
      if ('error' in r) p.reject(reviveError(r.error));
      else p.resolve(r.value);
    }
    this.flush();
    this.maybeIdle();
  }

  private async runInline(ids: number[]): Promise<void> {
    this.inlineIo ??= syncFileIo();
    for (const id of ids) {
      const p = this.inFlight.get(id);
      if (!p) continue;
      try {
        const value = await runFileTask(this.inlineIo, p.task);
        if (this.inFlight.delete(id)) p.resolve(value);
      } catch (err) {
        if (this.inFlight.delete(id)) p.reject(err);
      }
      this.inlineTasks++;
    }
    this.flush();
    this.maybeIdle();
  }

  private maybeIdle(): void {
    if (this.inFlight.size || this.urgent.length || this.normal.length) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
    const w = this.worker;
    if (!w) return;
    // Idle: do not keep the process alive for the worker, and stop it if nothing comes.
    w.unref();
    if (!this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (this.worker === w && !this.inFlight.size) this.stopWorker();
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }
}

function spawnWorker(script: WorkerScript): WorkerLike {
  return startWorker(script, WORKER_OPTIONS);
}

let shared: WorkerBackend | undefined;

/** One worker for every pipeline of this process (tasks are stateless; imports may overlap). */
export function sharedWorkerBackend(): WorkerBackend {
  shared ??= new WorkerBackend();
  return shared;
}

/**
 * The worker's script: dist/mediaWorker.js beside the bundle, or, running from source (tsx), the
 * .ts file loaded through tsx inside the worker. null when neither is there (run on this thread).
 */
export function mediaWorkerScript(dir: string = __dirname, self: string = __filename): WorkerScript | null {
  return locateWorkerScript('mediaWorker.js', 'mediaWorker.ts', dir, self);
}
