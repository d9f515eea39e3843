/**
 * Cancellation helpers shared by the connectors.
 *
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

/** The error a cancelled operation rejects with: the signal's own AbortError, else a new one saying what stopped. */
export function abortError(signal: AbortSignal | undefined, message: string): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
