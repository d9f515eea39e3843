/**
 * Where the media pipeline's file tasks run. The pipeline decides (names, dedup, order); a backend
 * only performs tasks and may finish them in any order.
 */
import type { FileIo, FileTask, ResultOf } from './fileTasks';
import { runFileTask } from './fileTasks';
import { TaskPool } from './pool';

export interface MediaBackend {
  run<T extends FileTask>(task: T): Promise<ResultOf<T>>;
}

/** Tasks on this thread through `io`, at most `concurrency` at once (the injected-VaultFs path). */
export class PooledBackend implements MediaBackend {
  private readonly pool: TaskPool;

  constructor(
    private readonly io: FileIo,
    concurrency: number,
  ) {
    this.pool = new TaskPool(Math.max(1, Math.floor(concurrency)));
  }

  run<T extends FileTask>(task: T): Promise<ResultOf<T>> {
    return this.pool.run(() => runFileTask(this.io, task));
  }
}

/** Store and check tasks unblock notes waiting for their files; identification only feeds later
 *  claims, and file facts a digest at the chat's end. */
export function isUrgent(task: FileTask): boolean {
  return task.kind !== 'identify' && task.kind !== 'facts';
}
