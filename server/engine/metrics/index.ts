/**
 * The worker's metrics accumulator: monotonically growing counters plus items and downloaded bytes
 * per second over a short sliding window. Engine jobs feed it (MetricsSink); the archive service reads it
 * (snapshot) and adds the field it owns (active jobs).
 *
 * The rates (items/s, downloaded bytes/s) are RateWindows (rate.ts): O(1) to record, fixed memory.
 * The clock is injected so tests can step time.
 */
import type { Metrics } from '../../../shared/types';
import { RateWindow } from './rate';

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
  | 'floodWaits'
  | 'floodWaitSeconds';

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
    floodWaitSeconds: 0,
  };
  private readonly gauges: Partial<Record<MetricsGauge, number>> = {};
  private items = 0;
  private readonly itemRate: RateWindow;
  private readonly byteRate: RateWindow;

  constructor(options: MetricsRecorderOptions = {}) {
    const clock = options.clock ?? Date.now;
    const windowSeconds = Math.max(1, Math.floor(options.windowSeconds ?? 5));
    this.itemRate = new RateWindow(clock, windowSeconds);
    this.byteRate = new RateWindow(clock, windowSeconds);
  }

  itemsProcessed(n = 1): void {
    if (!(n > 0)) return;
    this.items += n;
    this.itemRate.record(n);
  }

  add(counter: MetricsCounter, n = 1): void {
    if (!(n > 0)) return;
    this.counters[counter] += n;
    if (counter === 'bytesDownloaded') this.byteRate.record(n);
  }

  gauge(name: MetricsGauge, value: number): void {
    if (Number.isFinite(value)) this.gauges[name] = value;
  }

  /** Items per second over the last few seconds, the one in progress included (rate.ts). */
  itemsPerSecond(): number {
    return this.itemRate.perSecond();
  }

  snapshot(): MetricsSnapshot {
    return { itemsPerSecond: this.itemsPerSecond(), itemsProcessed: this.items, bytesPerSecond: this.byteRate.perSecond(), ...this.counters, ...this.gauges };
  }

  reset(): void {
    this.items = 0;
    for (const k of Object.keys(this.counters) as MetricsCounter[]) this.counters[k] = 0;
    for (const k of Object.keys(this.gauges) as MetricsGauge[]) delete this.gauges[k];
    this.itemRate.reset();
    this.byteRate.reset();
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
