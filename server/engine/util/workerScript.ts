/**
 * Where a worker thread's code is: the bundle's own script beside the running bundle (dist/), or,
 * when the engine runs from its TypeScript sources (tests, benchmarks under tsx), the source file
 * loaded through tsx. Callers pass their own __dirname and __filename: once bundled, every module
 * shares the bundle's, which is what makes the built script found beside it.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** How to start a worker thread: a built script, or source code to evaluate (tsx loading the .ts). */
export type WorkerScript = { readonly file: string } | { readonly code: string };

/**
 * `builtName` beside a bundle, else `sourceName` under tsx; null when neither can start (no worker:
 * the caller does the work on its own thread).
 */
export function locateWorkerScript(builtName: string, sourceName: string, dir: string, self: string): WorkerScript | null {
  const built = path.join(dir, builtName);
  if (fs.existsSync(built)) return { file: built };
  const source = path.join(dir, sourceName);
  if (self.endsWith('.ts') && fs.existsSync(source)) {
    try {
      const tsx = createRequire(self).resolve('tsx/cjs');
      return { code: `require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(source)});\n` };
    } catch {
      return null;
    }
  }
  return null;
}

export function startWorker(script: WorkerScript, options: WorkerOptions): Worker {
  return 'file' in script ? new Worker(script.file, options) : new Worker(script.code, { ...options, eval: true });
}
