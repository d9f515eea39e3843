/**
 * A rate (things per second) over a short sliding window, in one-second buckets in a small ring:
 * recording is O(1) and memory is fixed whatever the job size.
 *
 * The second in progress counts, over the part of it that has passed: a sync that reads its
 * messages within one second shows their rate while it runs, not 0 until that second is over
 * (live syncs of small chats showed "0.0 items/s" throughout). A run of activity younger than the
 * window is averaged over the time since it began, but over at least MIN_SPAN_MS, so a first burst
 * does not read as thousands per second.
 */
const MIN_SPAN_MS = 1000;

export class RateWindow {
  /** Amount per whole second; bucketSecond[i] says which second bucket i currently holds. */
  private readonly buckets: Float64Array;
  private readonly bucketSecond: Float64Array;
  /** When the current run of activity began (the first record after an idle window). */
  private activeSince = Number.NEGATIVE_INFINITY;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: () => number,
    private readonly windowSeconds: number,
  ) {
    // One extra bucket holds the second in progress.
    this.buckets = new Float64Array(windowSeconds + 1);
    this.bucketSecond = new Float64Array(windowSeconds + 1).fill(-1);
  }

  record(n: number): void {
    const now = this.clock();
    if (now - this.lastAt > this.windowSeconds * 1000) this.activeSince = now;
    this.lastAt = now;
    const second = Math.floor(now / 1000);
    const i = second % this.buckets.length;
    if (this.bucketSecond[i] !== second) {
      this.bucketSecond[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] += n;
  }

  /** Per second over the last `windowSeconds` seconds and the one in progress; 0 when idle. */
  perSecond(): number {
    const now = this.clock();
    const second = Math.floor(now / 1000);
    const from = second - this.windowSeconds;
    let total = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const s = this.bucketSecond[i];
      if (s >= from && s <= second) total += this.buckets[i];
    }
    if (total === 0) return 0;
    const span = now - Math.max(this.activeSince, from * 1000);
    return total / (Math.max(MIN_SPAN_MS, span) / 1000);
  }

  reset(): void {
    this.buckets.fill(0);
    this.bucketSecond.fill(-1);
    this.activeSince = Number.NEGATIVE_INFINITY;
    this.lastAt = Number.NEGATIVE_INFINITY;
  }
}
