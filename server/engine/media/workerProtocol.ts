/**
 * Messages between the media pipeline and its worker thread: batches of numbered tasks one way,
 * batches of numbered results the other. Everything is structured-clone data; a Buffer arrives as
 * a plain Uint8Array and errors as { message, code }.
 */
import type { FilePath, FileTask, TaskResults } from './fileTasks';

/** workerData.role of a media worker thread. */
export const MEDIA_WORKER_ROLE = 'vault-archiver media tasks';

export interface TaskBatch {
  readonly tasks: readonly (readonly [number, FileTask])[];
}

export type TaskOutcome =
  | { readonly id: number; readonly value: TaskResults[FileTask['kind']] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

export interface ResultBatch {
  readonly results: readonly TaskOutcome[];
}

/** A task as it arrives in the other thread, with its paths Buffers again where they were. */
export function reviveTask(task: FileTask): FileTask {
  if (task.kind === 'identify' || task.kind === 'store') return { ...task, source: revivePath(task.source) };
  return task;
}

function revivePath(p: FilePath | Uint8Array): FilePath {
  return typeof p === 'string' || Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

export function errorOutcome(id: number, err: unknown): TaskOutcome {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return { id, error: typeof code === 'string' ? { message, code } : { message } };
}

export function reviveError(e: { readonly message: string; readonly code?: string }): Error {
  const err = new Error(e.message) as NodeJS.ErrnoException;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
