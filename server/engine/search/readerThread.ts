/**
 * The database thread's side of the reader thread (readerWorker.ts): a NoteSource that hands the
 * build's jobs to the reader at once and passes each note's events on as they come, acknowledging
 * each batch once it is written (the reader stays at most AHEAD batches ahead).
 *
 * Where no reader thread can start (no built script beside this one, no tsx to load the source),
 * readerScript() says so and the build reads on this thread: same documents, only slower.
 */
import type { Worker } from 'node:worker_threads';
import { type WorkerScript, locateWorkerScript, startWorker } from '../util/workerScript';
import type { NoteSource } from './indexer';
import type { NoteEvent, NoteJob } from './noteJob';
import { type FromReader, SEARCH_READER_ROLE, type ToReader } from './readerWorker';

export type ReaderScript = WorkerScript;

/** The reader's script: dist/searchReader.js beside a bundle, else the source under tsx; null when neither. */
export function readerScript(dir: string = __dirname, self: string = __filename): ReaderScript | null {
  return locateWorkerScript('searchReader.js', 'readerWorker.ts', dir, self);
}

/** The reader thread failed (could not start, crashed): the build can be done again on this thread. */
export class ReaderThreadError extends Error {}

export class ReaderThread implements NoteSource {
  private readonly worker: Worker;
  private readonly queue: FromReader[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private next = 0;
  private closed = false;
  private jobs: readonly NoteJob[] = [];

  /** Starts the thread (it loads its code while this one gets the list of notes ready). */
  constructor(script: ReaderScript) {
    const options = { workerData: { role: SEARCH_READER_ROLE } };
    this.worker = startWorker(script, options);
    this.worker.on('message', (m: FromReader) => this.push(m));
    this.worker.on('error', (err: Error) => this.fail(new ReaderThreadError(`search reader thread: ${err.message}`)));
    this.worker.on('exit', (code) => this.fail(new ReaderThreadError(`search reader thread stopped (exit ${code})`)));
  }

  /** The notes to read, in the order read() will ask for them. */
  start(jobs: readonly NoteJob[]): void {
    this.jobs = jobs;
    this.worker.postMessage({ jobs } satisfies ToReader);
  }

  private push(m: FromReader): void {
    this.queue.push(m);
    this.wake?.();
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.failure ??= err;
    this.wake?.();
  }

  private async take(): Promise<FromReader> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  async read(job: NoteJob, emit: (e: NoteEvent) => Promise<void>): Promise<void> {
    const index = this.next++;
    if (this.jobs[index]?.abs !== job.abs || this.jobs[index]?.from !== undefined || job.from !== undefined) {
      throw new Error(`search reader thread: notes asked out of order (${job.abs})`);
    }
    for (;;) {
      const m = await this.take();
      if (m.job !== index) throw new Error(`search reader thread: an event of note ${m.job} while reading note ${index}`);
      if ('error' in m) throw new Error(m.error);
      await emit(m.event);
      if (m.event.kind === 'docs') this.worker.postMessage({ ack: 1 } satisfies ToReader);
      if (m.event.kind === 'end') return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}
