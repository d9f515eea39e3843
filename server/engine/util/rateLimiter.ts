import { abortableSleep } from './abort';

/**
 * A token bucket shared by everything that calls one API: channels synced side by side take
 * their turn, so together they stay under the service's rate (Sheets: 60 requests a minute per
 * user; YouTube: a generous cap against bursts). `acquire` resolves when a request may go;
 * waiting is abortable. Clock and sleep are injected so tests need no real time.
 */
export interface RateLimiterOptions {
  /** Requests allowed per `perMs` milliseconds, on average. */
  readonly requests: number;
  readonly perMs: number;
  /** Requests that may go at once after a quiet spell (default: `requests`). */
  readonly burst?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly burst: number;
  private readonly msPerToken: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Callers queue in order: a later caller never overtakes one already waiting. */
  private queue: Promise<void> = Promise.resolve();
  /** Milliseconds callers spent waiting, in total (for metrics and tests). */
  waitedMs = 0;

  constructor(o: RateLimiterOptions) {
    this.burst = Math.max(1, o.burst ?? o.requests);
    this.msPerToken = o.perMs / Math.max(1, o.requests);
    this.clock = o.clock ?? Date.now;
    this.sleep = o.sleep ?? abortableSleep;
    this.tokens = this.burst;
    this.last = this.clock();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    // The next caller waits for this one's turn, whether it got through or was aborted.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.msPerToken);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const wait = Math.ceil((1 - this.tokens) * this.msPerToken);
      this.waitedMs += wait;
      await this.sleep(wait, signal);
    }
  }
}

