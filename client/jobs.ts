/**
 * Runs a long worker request under a cancellable progress notification. Cancelling the
 * notification cancels the request's token, which the language client turns into
 * `$/cancelRequest`; the worker stops, flushes and answers with a partial result.
 */
import * as vscode from 'vscode';
import type { Worker } from './worker';

let nextProgressId = 1;

export async function runJob<T>(
  worker: Worker,
  title: string,
  send: (progressId: string, token: vscode.CancellationToken) => Promise<T>,
): Promise<T> {
  const progressId = `job-${process.pid}-${nextProgressId++}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      let reported = 0;
      const sub = worker.onProgress((p) => {
        if (p.progressId !== progressId) return;
        // withProgress takes increments; the worker sends absolute percents.
        const percent = Math.max(reported, Math.min(100, p.percent));
        progress.report({ increment: percent - reported, message: p.message });
        reported = percent;
      });
      try {
        return await send(progressId, token);
      } finally {
        sub.dispose();
      }
    },
  );
}
