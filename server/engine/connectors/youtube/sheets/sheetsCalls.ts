import { type FailureContext, classifySheetsFailure, gaveUp } from './sheetsErrors';

/**
 * How the mirror sends its requests: counted, retried by this code alone (each request goes out
 * with `retry: false`, so gaxios adds no retries of its own), with exponential backoff and
 * jitter, a bounded number of failed attempts in a row, and cancellation between attempts.
 *
 * - A read is resent after any failure that may pass (429, 5xx, timeout, dropped connection).
 * - A write is resent only after a 429 (refused before anything ran). After a failure that may
 *   have landed it throws `Uncertain` once the backoff is over, and the caller looks at the sheet
 *   before deciding what to write.
 */

export type CallKind = 'read' | 'append' | 'format' | 'update';

/** The signal stopped the run (thrown between requests, never in the middle of one). */
export class Cancelled extends Error {}

/** A write failed in a way that may have landed: look before writing again. */
export class Uncertain extends Error {}

export interface CallPolicy {
  readonly signal?: AbortSignal;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Failed attempts in a row (since the last write that went through) before giving up. */
  readonly maxAttempts: number;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  readonly failureContext: FailureContext;
  /** Waits for this request's turn under the shared Sheets rate (connector.ts); none in tests that pass none. */
  readonly beforeRequest?: () => Promise<void>;
}

const MAX_BACKOFF_MS = 64_000;

export class SheetsCalls {
  readonly counts: Record<CallKind, number> = { read: 0, append: 0, format: 0, update: 0 };
  private failures = 0;

  constructor(private readonly policy: CallPolicy) {}

  checkCancelled(): void {
    if (this.policy.signal?.aborted) throw new Cancelled();
  }

  async read<T>(request: () => Promise<T>): Promise<T> {
    for (;;) {
      this.counts.read++;
      try {
        await this.policy.beforeRequest?.();
        return await request();
      } catch (err) {
        const failure = this.retryable(err);
        await this.backOff(`reading the sheet failed (${failure.detail})`, failure.detail);
      }
    }
  }

  async write<T>(kind: 'append' | 'format' | 'update', what: string, request: () => Promise<T>): Promise<T> {
    for (;;) {
      this.counts[kind]++;
      try {
        await this.policy.beforeRequest?.();
        const res = await request();
        this.failures = 0;
        return res;
      } catch (err) {
        const failure = this.retryable(err);
        if (failure.kind === 'rateLimited') {
          await this.backOff(`${what} was rate limited (${failure.detail})`, failure.detail);
          continue;
        }
        await this.backOff(`${what} failed (${failure.detail}); checking what landed before going on`, failure.detail);
        throw new Uncertain(failure.detail);
      }
    }
  }

  /** The failure when trying again may help; otherwise throws the error the run ends with. */
  private retryable(err: unknown): { kind: 'rateLimited' | 'uncertain'; detail: string } {
    const failure = classifySheetsFailure(err, this.policy.failureContext);
    if (failure.kind === 'final') throw failure.error;
    return failure;
  }

  /** Counts a failure, gives up at maxAttempts, else waits 2^n s plus up to 1 s of jitter (at most 64 s). */
  private async backOff(message: string, detail: string): Promise<void> {
    this.failures++;
    if (this.failures >= this.policy.maxAttempts) {
      this.policy.log('error', `Sheets mirror: ${message}; giving up after ${this.failures} attempts`);
      throw gaveUp(detail, this.failures);
    }
    const ms = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1) + Math.floor(this.policy.random() * 1000));
    this.policy.log('warn', `Sheets mirror: ${message}; trying again in ${(ms / 1000).toFixed(1)} s`);
    await this.pause(ms);
  }

  /** Waits, cut short by the signal (then the run stops). */
  private async pause(ms: number): Promise<void> {
    const { signal } = this.policy;
    this.checkCancelled();
    if (!signal) return this.policy.sleep(ms);
    let onAbort = (): void => undefined;
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.policy.sleep(ms), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.checkCancelled();
  }
}
