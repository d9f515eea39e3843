/**
 * One queue for every Telegram request of a sync job: history, topic and message requests
 * (lane 'sync') and upload.getFile parts (lane 'media'), shared by all the job's chats and its
 * media downloads, so the account's requests are ordered and bounded in one place.
 *
 * - Priority: a queued sync request always goes before a queued media part, so a page of history
 *   never waits behind a queue of parts (the archive reads ahead while files download).
 * - Limits: requests in flight per lane and in all. Each lane's limit is below the total, so each
 *   always has room the other cannot take: media never starves history, and a stream of history
 *   requests never starves media.
 * - Flood waits: a FLOOD_WAIT_X on a key (a method, or getFile on one DC) pauses that key's queue
 *   for X seconds, with one timer, instead of each caller sleeping on its own; other keys go on.
 *   A request that would sit longer than it accepts (`maxWaitSeconds`) is refused at once with
 *   FloodPaused, so no request waits for hours behind a long wait.
 * - Cancellation: a request whose signal aborts leaves the queue at once, never sent.
 * - Counts: requests sent, flood waits and seconds waited (to the metrics sink and `stats`).
 *
 * Pure: the clock (now, sleep) is injected; callers give each request its own timeout (a request
 * in flight holds its slot until it settles), and classify errors themselves (floodWait()).
 */
import type { MetricsSink } from '../../metrics';

export type Lane = 'sync' | 'media';
/** Highest priority first. */
const LANES: readonly Lane[] = ['sync', 'media'];

export interface SchedulerClock {
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface SchedulerLimits {
  /** Requests in flight across lanes. */
  readonly total: number;
  readonly sync: number;
  readonly media: number;
}

/** Sync requests in flight: a page of history and the next one, plus a topic list or a refetch. */
export const SYNC_IN_FLIGHT = 4;
/** Slots only sync requests can use while media parts fill their lane. */
export const SYNC_RESERVED = 2;

/** The limits of a job whose downloads may have `mediaParts` parts in flight (telegramDownloadParts). */
export function schedulerLimits(mediaParts: number): SchedulerLimits {
  const media = Math.max(1, Math.floor(mediaParts));
  return { total: media + SYNC_RESERVED, sync: SYNC_IN_FLIGHT, media };
}

export interface SchedulerOptions {
  readonly limits: SchedulerLimits;
  readonly clock: SchedulerClock;
  readonly metrics?: MetricsSink;
}

export interface ScheduledRequest {
  readonly lane: Lane;
  /** What a flood wait pauses: the method ("messages.getHistory"), or getFileKey(dcId). */
  readonly key: string;
  readonly signal?: AbortSignal;
  /** Longest flood pause this request sits out in the queue; a longer one refuses it (FloodPaused). */
  readonly maxWaitSeconds: number;
  /** What a cancelled request rejects with. */
  cancelled(): Error;
  /** The request is held by a flood pause of `seconds` (0: the pause is over and it goes out). */
  onHeld?(seconds: number): void;
}

/** A request refused because its key is paused for longer than it accepts to wait. */
export class FloodPaused extends Error {
  constructor(
    readonly key: string,
    readonly seconds: number,
  ) {
    super(`Telegram asks to wait ${seconds} s before more ${key} requests`);
    this.name = 'FloodPaused';
  }
}

export interface SchedulerStats {
  readonly requests: Record<Lane, number>;
  floodWaits: number;
  floodWaitSeconds: number;
  inFlightPeak: number;
  queuedPeak: number;
}

/** The flood key of upload.getFile on one DC: a wait there holds that DC's parts only. */
export function getFileKey(dcId: number): string {
  return `upload.getFile@dc${dcId}`;
}

interface Entry {
  readonly req: ScheduledRequest;
  readonly start: () => void;
  readonly fail: (err: unknown) => void;
  onAbort?: () => void;
  held: boolean;
}

interface Pause {
  readonly until: number;
  /** Started when a request is first held by the pause; the pause ends when it fires. */
  timer?: AbortController;
}

export class RequestScheduler {
  readonly stats: SchedulerStats = { requests: { sync: 0, media: 0 }, floodWaits: 0, floodWaitSeconds: 0, inFlightPeak: 0, queuedPeak: 0 };
  private readonly queues: Record<Lane, Entry[]> = { sync: [], media: [] };
  private readonly running: Record<Lane, number> = { sync: 0, media: 0 };
  private readonly pauses = new Map<string, Pause>();
  private readonly limits: SchedulerLimits;
  private pumping = false;
  private closed = false;

  constructor(private readonly opts: SchedulerOptions) {
    const total = Math.max(1, Math.floor(opts.limits.total));
    // A lane may never fill every slot: the other keeps at least one (no starvation either way).
    const lane = (n: number) => Math.max(1, Math.min(Math.floor(n), total > 1 ? total - 1 : 1));
    this.limits = { total, sync: lane(opts.limits.sync), media: lane(opts.limits.media) };
  }

  get inFlight(): number {
    return this.running.sync + this.running.media;
  }

  get queued(): number {
    return this.queues.sync.length + this.queues.media.length;
  }

  /** Seconds `key` is still paused for (0: not paused). */
  pausedFor(key: string): number {
    const p = this.pauses.get(key);
    if (!p) return 0;
    const left = Math.ceil((p.until - this.opts.clock.now()) / 1000);
    if (left <= 0 && !p.timer) this.pauses.delete(key);
    return Math.max(0, left);
  }

  /**
   * A pause holds until its timer fires (not until a clock comparison says so, so an injected clock
   * that only pretends to sleep cannot leave requests stuck); one nobody waited for, until its time.
   */
  private isPaused(key: string): boolean {
    const p = this.pauses.get(key);
    return p !== undefined && (p.timer !== undefined || this.pausedFor(key) > 0);
  }

  /** Runs `call` when the request's turn comes; its slot is held until the call settles. */
  run<T>(req: ScheduledRequest, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed || req.signal?.aborted) return reject(req.cancelled());
      const entry: Entry = {
        req,
        held: false,
        fail: reject,
        start: () => {
          this.running[req.lane]++;
          this.stats.requests[req.lane]++;
          this.stats.inFlightPeak = Math.max(this.stats.inFlightPeak, this.inFlight);
          this.opts.metrics?.add('apiRequests');
          let answer: Promise<T>;
          try {
            answer = call();
          } catch (err) {
            answer = Promise.reject(err);
          }
          answer
            .finally(() => {
              this.running[req.lane]--;
              this.pump();
            })
            .then(resolve, reject);
        },
      };
      const left = this.pausedFor(req.key);
      if (left > req.maxWaitSeconds) return reject(new FloodPaused(req.key, left));
      this.queues[req.lane].push(entry);
      this.stats.queuedPeak = Math.max(this.stats.queuedPeak, this.queued);
      if (left > 0) this.hold(entry, left);
      this.pump();
      // Only a request left waiting listens for cancellation: most go out at once, and a listener
      // added and removed on the job's signal for each of them cost the bench 60 MB of peak RSS.
      if (req.signal && this.queues[req.lane].includes(entry)) {
        entry.onAbort = () => {
          if (this.remove(entry)) reject(req.cancelled());
        };
        req.signal.addEventListener('abort', entry.onAbort, { once: true });
      }
    });
  }

  /**
   * Telegram asked `key` to wait `seconds`: its queue is paused until then (one timer), and queued
   * requests that accept no such wait are refused. True when this starts or lengthens the pause by
   * more than a second (a new wait: counted and worth showing); requests in flight together that
   * all hear of the same wait count it once.
   */
  floodWait(key: string, seconds: number): boolean {
    const now = this.opts.clock.now();
    const until = now + Math.max(0, seconds) * 1000;
    this.pausedFor(key); // forgets a pause that is over
    const current = this.pauses.get(key);
    if (current && until <= current.until) return false;
    const fresh = !current || until > current.until + 1000;
    current?.timer?.abort();
    const pause: Pause = { until };
    this.pauses.set(key, pause);
    if (fresh) {
      const added = (until - Math.max(current?.until ?? now, now)) / 1000;
      this.stats.floodWaits++;
      this.stats.floodWaitSeconds += added;
      this.opts.metrics?.add('floodWaits');
      this.opts.metrics?.add('floodWaitSeconds', added);
    }
    const left = Math.ceil(seconds);
    for (const lane of LANES) {
      for (const e of [...this.queues[lane]]) {
        if (e.req.key !== key) continue;
        if (left > e.req.maxWaitSeconds) {
          this.remove(e);
          e.fail(new FloodPaused(key, left));
        } else this.hold(e, left);
      }
    }
    return fresh;
  }

  /** Starts the timer that ends `key`'s pause, once someone waits for it. */
  private startTimer(key: string): void {
    const pause = this.pauses.get(key);
    if (!pause || pause.timer) return;
    const timer = (pause.timer = new AbortController());
    this.opts.clock.sleep(Math.max(0, pause.until - this.opts.clock.now()), timer.signal).then(
      () => {
        if (this.pauses.get(key) !== pause) return;
        this.pauses.delete(key);
        this.pump();
      },
      () => undefined,
    );
  }

  /** Refuses everything queued and stops the pause timers (the job is over). */
  close(): void {
    this.closed = true;
    for (const p of this.pauses.values()) p.timer?.abort();
    this.pauses.clear();
    for (const lane of LANES) {
      for (const e of [...this.queues[lane]]) {
        this.remove(e);
        e.fail(e.req.cancelled());
      }
    }
  }

  private hold(e: Entry, seconds: number): void {
    e.held = true;
    e.req.onHeld?.(seconds);
    this.startTimer(e.req.key);
  }

  private remove(e: Entry): boolean {
    const q = this.queues[e.req.lane];
    const i = q.indexOf(e);
    if (i < 0) return false;
    q.splice(i, 1);
    if (e.onAbort) e.req.signal?.removeEventListener('abort', e.onAbort);
    return true;
  }

  /** Starts what may start: by lane priority, first come first served within a lane, paused keys skipped. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let started = true;
      while (started && this.inFlight < this.limits.total) {
        started = false;
        for (const lane of LANES) {
          if (this.running[lane] >= this.limits[lane]) continue;
          const e = this.queues[lane].find((x) => !this.isPaused(x.req.key));
          if (!e) continue;
          this.remove(e);
          if (e.held) e.req.onHeld?.(0);
          e.start();
          started = true;
          break;
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
