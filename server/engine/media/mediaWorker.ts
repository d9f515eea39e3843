/**
 * The media worker thread: runs file tasks with synchronous node:fs calls while the main thread
 * renders notes. Tasks that unblock a waiting note (store, check, list, hash) go before
 * identification, and their results go back at once; identification results go back in
 * batches, at least every RESULT_BATCH tasks so the pipeline can claim names while the rest of a
 * long batch runs. Stateless between tasks: the pipeline
 * decides everything and may restart this thread (or run the same tasks itself) at any time.
 *
 * Built as its own bundle (dist/mediaWorker.js) or loaded from source under tsx.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type FileTask, runFileTask } from './fileTasks';
import { syncFileIo } from './syncFileIo';
import { isUrgent } from './backend';
import { MEDIA_WORKER_ROLE, type ResultBatch, type TaskBatch, type TaskOutcome, errorOutcome, reviveTask } from './workerProtocol';

/** Identification results go back in batches of this many (a claim needs them soon, not at once). */
const RESULT_BATCH = 32;

export function serveMediaTasks(port: NonNullable<typeof parentPort>): void {
  const io = syncFileIo();
  const urgent: [number, FileTask][] = [];
  const normal: [number, FileTask][] = [];
  let scheduled = false;

  const take = (batch: TaskBatch) => {
    for (const [id, raw] of batch.tasks) {
      const task = reviveTask(raw);
      (isUrgent(task) ? urgent : normal).push([id, task]);
    }
  };
  const work = async () => {
    scheduled = false;
    let out: TaskOutcome[] = [];
    let urgentDone = false;
    for (;;) {
      // Tasks sent while this one ran are read now, without going back to the event loop, so a
      // store a note is waiting for never queues behind a long run of identifications.
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message as TaskBatch);
      const next = urgent.shift() ?? normal.shift();
      if (!next) break;
      const [id, task] = next;
      try {
        out.push({ id, value: await runFileTask(io, task) });
      } catch (err) {
        out.push(errorOutcome(id, err));
      }
      urgentDone ||= isUrgent(task);
      // A finished store or check goes back as soon as no other urgent task is waiting.
      if ((urgentDone && !urgent.length) || out.length >= RESULT_BATCH) {
        port.postMessage({ results: out } satisfies ResultBatch);
        out = [];
        urgentDone = false;
      }
    }
    if (out.length) port.postMessage({ results: out } satisfies ResultBatch);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void work());
  };

  port.on('message', (batch: TaskBatch) => {
    take(batch);
    schedule();
  });
}

// Only in a thread started for this (importing the module elsewhere does nothing).
if (parentPort && (workerData as { role?: unknown } | null)?.role === MEDIA_WORKER_ROLE) serveMediaTasks(parentPort);
