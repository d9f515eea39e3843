/**
 * The media worker thread: runs file tasks with synchronous node:fs calls while the main thread
 * renders notes. Tasks that unblock a waiting note (store, check, list, hash) go before
 * identification; results go back in batches, at least every RESULT_BATCH tasks so the pipeline
 * can claim names while the rest of a long batch runs. Stateless between tasks: the pipeline
 * decides everything and may restart this thread (or run the same tasks itself) at any time.
 *
 * Built as its own bundle (dist/mediaWorker.js) or loaded from source under tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type FileTask, runFileTask } from './fileTasks';
import { syncFileIo } from './syncFileIo';
import { isUrgent } from './backend';
import { MEDIA_WORKER_ROLE, type ResultBatch, type TaskBatch, type TaskOutcome, errorOutcome, reviveTask } from './workerProtocol';

const RESULT_BATCH = 32;

export function serveMediaTasks(port: NonNullable<typeof parentPort>): void {
  const io = syncFileIo();
  const urgent: [number, FileTask][] = [];
  const normal: [number, FileTask][] = [];
  let scheduled = false;

  const work = async () => {
    scheduled = false;
    const out: TaskOutcome[] = [];
    while (out.length < RESULT_BATCH) {
      const next = urgent.shift() ?? normal.shift();
      if (!next) break;
      const [id, task] = next;
      try {
        out.push({ id, value: await runFileTask(io, task) });
      } catch (err) {
        out.push(errorOutcome(id, err));
      }
    }
    if (out.length) port.postMessage({ results: out } satisfies ResultBatch);
    // Back to the event loop between result batches: tasks sent meanwhile (a store a note waits
    // for) are read and can go first.
    if (urgent.length || normal.length) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void work());
  };

  port.on('message', (batch: TaskBatch) => {
    for (const [id, raw] of batch.tasks) {
      const task = reviveTask(raw);
      (isUrgent(task) ? urgent : normal).push([id, task]);
    }
    schedule();
  });
}

// Only in a thread started for this (importing the module elsewhere does nothing).
if (parentPort && (workerData as { role?: unknown } | null)?.role === MEDIA_WORKER_ROLE) serveMediaTasks(parentPort);
