/**
 * The reader thread of a whole index build: reads, parses and folds the notes (noteJob.ts) while
 * the thread that owns the database writes what it read before, so a build takes about the
 * longer of the two instead of their sum. Given every job at once, it reads them in order, at
 * most AHEAD batches ahead of what the database thread has written (bounded memory), and posts
 * each batch's buffers as transfers.
 *
 * Built as its own bundle (dist/searchReader.js) or loaded from source under tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { nodeVaultFs } from '../vault/vaultFs';
import { type NoteEvent, type NoteJob, readNoteJob } from './noteJob';

export const SEARCH_READER_ROLE = 'va-search-reader';
/** Batches (a chunk of a note each, about 1 MB of text) read before the database thread has written them. */
export const AHEAD = 4;

/** Main thread → reader: the jobs (once), then an ack for each batch written. */
export type ToReader = { readonly jobs: readonly NoteJob[] } | { readonly ack: number };
/** Reader → main thread: the events of job `job`, in order; an error ends the job (and the reading). */
export type FromReader = { readonly job: number; readonly event: NoteEvent } | { readonly job: number; readonly error: string };

export function serveReads(port: NonNullable<typeof parentPort>): void {
  let unacked = 0;
  let wake: (() => void) | undefined;
  port.on('message', (m: ToReader) => {
    if ('ack' in m) {
      unacked -= m.ack;
      wake?.();
      wake = undefined;
    } else void readAll(m.jobs);
  });
  const readAll = async (jobs: readonly NoteJob[]) => {
    for (let job = 0; job < jobs.length; job++) {
      try {
        await readNoteJob(nodeVaultFs, jobs[job]!, async (event) => {
          if (event.kind === 'docs') {
            while (unacked >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
            unacked++;
            port.postMessage({ job, event } satisfies FromReader, [event.batch.nums.buffer as ArrayBuffer, event.batch.terms.buffer as ArrayBuffer]);
          } else port.postMessage({ job, event } satisfies FromReader);
        });
      } catch (err) {
        port.postMessage({ job, error: err instanceof Error ? err.message : String(err) } satisfies FromReader);
        return;
      }
    }
  };
}

// Only in a thread started for this (importing the module elsewhere does nothing).
if (parentPort && (workerData as { role?: unknown } | null)?.role === SEARCH_READER_ROLE) serveReads(parentPort);
