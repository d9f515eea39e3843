/**
 * Throughput over time for the metrics view. The worker pushes its running totals when a job
 * starts, about twice a second while it runs, and when it ends; this turns the growth of
 * `itemsProcessed` between pushes into items per second of the latest job (bounded to the last
 * `maxSeconds`), drawn as a text sparkline: no webview needed, and it reads the same anywhere.
 * Deltas, not the worker's rate figure, so a job shorter than one push interval still counts.
 * Pure: no VS Code, so it is unit-tested.
 */
import { formatCount } from '../shared/format';
import type { Metrics } from '../shared/types';
import { formatRate } from './metricsText';

const BARS = '▁▂▃▄▅▆▇█';

export interface JobThroughput {
  readonly items: number;
  readonly seconds: number;
  /** Items counted in each whole second of the job, oldest first (at most `maxSeconds`). */
  readonly perSecond: readonly number[];
  readonly running: boolean;
}

export class ThroughputHistory {
  private active = false;
  private startedAt = 0;
  private lastAt = 0;
  private lastItems = 0;
  private items = 0;
  private buckets: { second: number; items: number }[] = [];
  private seen = false;

  constructor(private readonly maxSeconds = 120) {}

  /** Records a metrics push received at `now` (ms). */
  record(m: Metrics, now: number): void {
    const running = m.activeJobs > 0;
    if (running && !this.active) {
      // A job starts: its figures start from the totals of this push.
      this.startedAt = now;
      this.items = 0;
      this.buckets = [];
      this.seen = true;
    } else if (this.active) {
      const delta = Math.max(0, m.itemsProcessed - this.lastItems);
      this.items += delta;
      const second = Math.floor((now - this.startedAt) / 1000);
      const last = this.buckets[this.buckets.length - 1];
      if (last?.second === second) last.items += delta;
      else this.buckets.push({ second, items: delta });
      if (this.buckets.length > this.maxSeconds) this.buckets.splice(0, this.buckets.length - this.maxSeconds);
    }
    this.active = running;
    this.lastItems = m.itemsProcessed;
    this.lastAt = now;
  }

  latest(): JobThroughput | undefined {
    if (!this.seen) return undefined;
    const perSecond: number[] = [];
    const first = this.buckets[0]?.second ?? 0;
    for (const b of this.buckets) {
      while (first + perSecond.length < b.second) perSecond.push(0);
      perSecond.push(b.items);
    }
    return { items: this.items, seconds: Math.max(0, (this.lastAt - this.startedAt) / 1000), perSecond, running: this.active };
  }

  /** A Markdown paragraph describing the latest job's throughput. */
  markdown(): string {
    const job = this.latest();
    if (!job) return '_No job has run in this window yet: its throughput will show here._';
    const rate = job.seconds > 0 ? job.items / job.seconds : job.items;
    const lines = [
      `**${job.running ? 'Running job' : 'Latest job'}**: ${formatCount(job.items)} items in ${job.seconds.toFixed(job.seconds < 10 ? 1 : 0)} s, ${formatRate(rate)} items/s on average.`,
    ];
    // A sparkline of one or two bars says nothing: show it once the job has lasted a few seconds.
    if (job.perSecond.length >= 3) {
      const peak = Math.max(...job.perSecond);
      const bar = (n: number): string => BARS[peak > 0 ? Math.round((n / peak) * (BARS.length - 1)) : 0]!;
      lines.push('', `Items per second, one bar per second (peak ${formatRate(peak)}):`, '', `\`${job.perSecond.map(bar).join('')}\``);
    }
    return lines.join('\n');
  }
}
