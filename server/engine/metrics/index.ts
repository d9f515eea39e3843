/**
 * The worker's metrics accumulator: monotonically growing counters plus an items-per-second rate
 * over a short sliding window. Engine jobs feed it (MetricsSink); the archive service reads it
 * (snapshot) and adds the field it owns (active jobs).
 *
 * The rate is kept in one-second buckets in a small ring, so recording is O(1) and memory is fixed
 * whatever the job size. The clock is injected so tests can step time.
 */
import type { Metrics } from '../../../shared/types';

/** The counters an engine job may add to (everything in Metrics that is a running total). */
export type MetricsCounter =
  | 'cacheHits'
  | 'cacheMisses'
  | 'duplicatesPrevented'
  | 'mediaCopied'
  | 'mediaDeduplicated'
  | 'bytesCopied'
  | 'bytesSaved'
  | 'noteWrites'
  | 'apiRequests'
  | 'notModified'
  | 'bytesDownloaded'
  | 'filesDownloaded'
  | 'floodWaits';

/** Figures that are set, not added to: the last value wins. */
export type MetricsGauge = 'youtubeQuotaUsedToday' | 'youtubeQuotaLimit';

export type MetricsSnapshot = Omit<Metrics, 'activeJobs'>;

/** What an engine job writes to. Kept minimal so a job can also feed a no-op or a test double. */
export interface MetricsSink {
  /** Items (messages, videos) processed; feeds itemsProcessed and the items/s rate. */
  itemsProcessed(n?: number): void;
  add(counter: MetricsCounter, n?: number): void;
  /** Optional: sinks that show no gauges ignore them. */
  gauge?(name: MetricsGauge, value: number): void;
}

export interface MetricsRecorderOptions {
  readonly clock?: () => number;
  /** Width of the rate window in seconds (default 5). */
  readonly windowSeconds?: number;
}

export class MetricsRecorder implements MetricsSink {
  private readonly clock: () => number;
  private readonly windowSeconds: number;
  private readonly counters: Record<MetricsCounter, number> = {
    cacheHits: 0,
    cacheMisses: 0,
    duplicatesPrevented: 0,
    mediaCopied: 0,
    mediaDeduplicated: 0,
    bytesCopied: 0,
    bytesSaved: 0,
    noteWrites: 0,
    apiRequests: 0,
    notModified: 0,
    bytesDownloaded: 0,
    filesDownloaded: 0,
    floodWaits: 0,
  };
  private readonly gauges: Partial<Record<MetricsGauge, number>> = {};
  private items = 0;
  /** Items per whole second; bucketSecond[i] says which second bucket i currently holds. */
  private readonly buckets: Float64Array;
  private readonly bucketSecond: Float64Array;

  constructor(options: MetricsRecorderOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.windowSeconds = Math.max(1, Math.floor(options.windowSeconds ?? 5));
    // One extra bucket holds the second in progress, which the rate leaves out (it is incomplete).
    this.buckets = new Float64Array(this.windowSeconds + 1);
    this.bucketSecond = new Float64Array(this.windowSeconds + 1).fill(-1);
  }

  itemsProcessed(n = 1): void {
    if (!(n > 0)) return;
    this.items += n;
    const second = Math.floor(this.clock() / 1000);
    const i = second % this.buckets.length;
    if (this.bucketSecond[i] !== second) {
      this.bucketSecond[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] += n;
  }

  add(counter: MetricsCounter, n = 1): void {
    if (!(n > 0)) return;
    this.counters[counter] += n;
  }

  gauge(name: MetricsGauge, value: number): void {
    if (Number.isFinite(value)) this.gauges[name] = value;
  }

  /**
   * Items per second over the last `windowSeconds` complete seconds. A job that started less than
   * a window ago is averaged over the seconds it has run, so the figure is right from the start.
   */
  itemsPerSecond(): number {
    const now = Math.floor(this.clock() / 1000);
    let total = 0;
    let oldest = now;
    for (let i = 0; i < this.buckets.length; i++) {
      const s = this.bucketSecond[i];
      if (s < 0 || s >= now || s < now - this.windowSeconds) continue;
      total += this.buckets[i];
      if (s < oldest) oldest = s;
    }
    if (total === 0) return 0;
    return total / (now - oldest);
  }

  snapshot(): MetricsSnapshot {
    return { itemsPerSecond: this.itemsPerSecond(), itemsProcessed: this.items, ...this.counters, ...this.gauges };
  }

  reset(): void {
    this.items = 0;
    for (const k of Object.keys(this.counters) as MetricsCounter[]) this.counters[k] = 0;
    for (const k of Object.keys(this.gauges) as MetricsGauge[]) delete this.gauges[k];
    this.buckets.fill(0);
    this.bucketSecond.fill(-1);
  }
}

/** A sink that drops everything (the default when a caller passes none). */
export const nullMetrics: MetricsSink = {
  itemsProcessed() {},
  add() {},
};

/** True when `m` can be written to (the archive service types its recorder as read-only). */
export function isMetricsSink(m: unknown): m is MetricsSink {
  return typeof (m as MetricsSink | undefined)?.add === 'function' && typeof (m as MetricsSink).itemsProcessed === 'function';
}
