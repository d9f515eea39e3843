import { abortError as cancelledError, abortableSleep as sleep } from '../../../util/abort';

export { isAbortError } from '../../../util/abort';

/**
 * A first-come first-served budget of units (request slots, files, bytes of memory). Waiters are
 * served strictly in order, so a large request is never starved by small ones behind it, and a
 * cancelled waiter leaves the queue at once.
 */
export class Budget {
  private used = 0;
  private peakUsed = 0;
  private readonly queue: { n: number; resolve: () => void; reject: (e: unknown) => void; onAbort?: () => void; signal?: AbortSignal }[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error(`a budget needs a positive capacity, not ${capacity}`);
  }

  /** Units held now; the most ever held at once. */
  get inUse(): number {
    return this.used;
  }

  get peak(): number {
    return this.peakUsed;
  }

  /** Waits until `n` units (at most the capacity) are free and takes them. */
  acquire(n: number, signal?: AbortSignal): Promise<void> {
    const units = Math.min(n, this.capacity);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.queue.length === 0 && this.used + units <= this.capacity) {
      this.take(units);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.queue)[number] = { n: units, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortError(signal));
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - Math.min(n, this.capacity));
    this.pump();
  }

  private take(n: number): void {
    this.used += n;
    if (this.used > this.peakUsed) this.peakUsed = this.used;
  }

  private pump(): void {
    while (this.queue.length && this.used + this.queue[0].n <= this.capacity) {
      const w = this.queue.shift()!;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      this.take(w.n);
      w.resolve();
    }
  }
}

export function abortError(signal?: AbortSignal): Error {
  return cancelledError(signal, 'the download was cancelled');
}

/** Sleeps `ms`, or rejects at once with an AbortError when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, signal, abortError);
}
