/**
 * Waiting that a cancellation ends at once. Each caller says what a cancelled wait rejects with,
 * since each speaks its own language for it: the signal's reason (Google requests, rate limits),
 * an AbortError (media downloads), SyncCancelled (live sync).
 */
export function abortableSleep(ms: number, signal?: AbortSignal, cancelled: (signal: AbortSignal) => unknown = (s) => s.reason): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
