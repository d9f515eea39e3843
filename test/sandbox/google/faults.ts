import { Prng } from './prng';

/**
 * Fault and latency injection, per route. A route is a method name such as
 * `youtube.videos.list` or `sheets.spreadsheets.values.append`; a rule's `route` may be one of
 * those, a glob (`youtube.*`, `sheets.spreadsheets.values.*`) or omitted for every route.
 *
 * Each request gets one plan: the sum of the matching latency rules, the first matching error
 * whose rate draw succeeds, and the last matching slow-body rule. An error marked
 * `afterHandling` strikes once the request was carried out: the write landed, the answer is lost
 * (reset) or replaced (5xx), which is what makes blind retries of POSTs write twice. Rules with `times` retire after
 * applying that many times (one-shot errors are `times: 1`). Random draws come from a seeded
 * generator so a failing run can be replayed.
 */

export type InjectedError =
  /**
   * 5xx in the API's own envelope (YouTube `backendError`, Sheets INTERNAL/UNAVAILABLE). With
   * `afterHandling`, the request is carried out first (a write lands) and the 5xx replaces its answer.
   */
  | { kind: 'serverError'; status?: number; afterHandling?: boolean }
  /** YouTube: 403/429 `rateLimitExceeded` or `userRateLimitExceeded`; Sheets: 429 RESOURCE_EXHAUSTED. */
  | { kind: 'rateLimit'; status?: 403 | 429; reason?: 'rateLimitExceeded' | 'userRateLimitExceeded' }
  /** YouTube 403 `quotaExceeded` without spending the real counter. */
  | { kind: 'quotaExceeded' }
  /**
   * The connection is destroyed before any byte of a response (the client sees ECONNRESET). With
   * `afterHandling`, the request is carried out first: a write lands, and the client never hears of it.
   */
  | { kind: 'reset'; afterHandling?: boolean }
  /** Anything else, verbatim. */
  | { kind: 'custom'; status: number; body: unknown; headers?: Record<string, string> };

export interface SlowBody {
  /** Bytes written per chunk. */
  chunkBytes: number;
  /** Pause between chunks. */
  chunkDelayMs: number;
}

export interface FaultRule {
  route?: string;
  latencyMs?: number;
  /** Extra latency drawn uniformly from [0, jitterMs]. */
  jitterMs?: number;
  error?: InjectedError;
  /** Probability (0–1) that `error` applies to a matching request. Default 1. */
  errorRate?: number;
  slowBody?: SlowBody;
  /** The rule is removed after it has applied this many times. */
  times?: number;
}

export interface FaultPlan {
  delayMs: number;
  error?: InjectedError;
  slowBody?: SlowBody;
}

export interface FaultHandle {
  remove(): void;
  /** How many requests this rule has affected so far. */
  readonly hits: number;
}

interface LiveRule {
  rule: FaultRule;
  hits: number;
  remaining: number;
}

export function routeMatches(pattern: string | undefined, route: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (pattern.endsWith('*')) return route.startsWith(pattern.slice(0, -1));
  return pattern === route;
}

export class FaultInjector {
  private live: LiveRule[] = [];
  private rng: Prng;

  constructor(seed = 7) {
    this.rng = new Prng(seed);
  }

  /** Re-seeds the generator behind error rates and jitter. */
  seed(seed: number): void {
    this.rng = new Prng(seed);
  }

  add(rule: FaultRule): FaultHandle {
    const entry: LiveRule = { rule: { ...rule }, hits: 0, remaining: rule.times ?? Infinity };
    this.live.push(entry);
    return {
      remove: () => {
        this.live = this.live.filter((r) => r !== entry);
      },
      get hits() {
        return entry.hits;
      },
    };
  }

  /** Every matching request waits `fixedMs` plus up to `jitterMs`. */
  latency(route: string, fixedMs: number, jitterMs = 0): FaultHandle {
    return this.add({ route, latencyMs: fixedMs, jitterMs });
  }

  /** A fraction of matching requests fail with `error` (default: 503). */
  errorRate(route: string, rate: number, error: InjectedError = { kind: 'serverError', status: 503 }): FaultHandle {
    return this.add({ route, error, errorRate: rate });
  }

  /** The next `times` matching requests fail with `error`. */
  failNext(route: string, error: InjectedError, times = 1): FaultHandle {
    return this.add({ route, error, times });
  }

  /** The next `times` matching requests get a 5xx. */
  serverErrorNext(route: string, status = 500, times = 1): FaultHandle {
    return this.failNext(route, { kind: 'serverError', status }, times);
  }

  /** The next `times` matching requests are rate limited (YouTube 403 by default; Sheets always 429). */
  rateLimitNext(
    route: string,
    options: { status?: 403 | 429; reason?: 'rateLimitExceeded' | 'userRateLimitExceeded'; times?: number } = {},
  ): FaultHandle {
    return this.failNext(route, { kind: 'rateLimit', status: options.status, reason: options.reason }, options.times ?? 1);
  }

  /** The next `times` matching requests have their connection reset. */
  resetNext(route: string, times = 1): FaultHandle {
    return this.failNext(route, { kind: 'reset' }, times);
  }

  /** The next `times` matching requests are carried out (a write lands), then their connection is reset. */
  resetAfterNext(route: string, times = 1): FaultHandle {
    return this.failNext(route, { kind: 'reset', afterHandling: true }, times);
  }

  /** The next `times` matching requests are carried out (a write lands), then answered with a 5xx. */
  serverErrorAfterNext(route: string, status = 500, times = 1): FaultHandle {
    return this.failNext(route, { kind: 'serverError', status, afterHandling: true }, times);
  }

  /** A fraction of matching requests have their connection reset. */
  resetRate(route: string, rate: number): FaultHandle {
    return this.add({ route, error: { kind: 'reset' }, errorRate: rate });
  }

  /** Matching responses trickle out in `chunkBytes` pieces `chunkDelayMs` apart. */
  slowBody(route: string, chunkBytes: number, chunkDelayMs: number): FaultHandle {
    return this.add({ route, slowBody: { chunkBytes, chunkDelayMs } });
  }

  clear(): void {
    this.live = [];
  }

  rules(): readonly FaultRule[] {
    return this.live.map((r) => r.rule);
  }

  /** Decides what happens to one request on `route`. Called once per request by the server. */
  plan(route: string): FaultPlan {
    const plan: FaultPlan = { delayMs: 0 };
    for (const entry of [...this.live]) {
      const { rule } = entry;
      if (!routeMatches(rule.route, route)) continue;
      let applied = false;
      if (rule.latencyMs !== undefined || rule.jitterMs !== undefined) {
        plan.delayMs += (rule.latencyMs ?? 0) + (rule.jitterMs ? this.rng.next() * rule.jitterMs : 0);
        applied = true;
      }
      if (rule.error && !plan.error) {
        const rate = rule.errorRate ?? 1;
        if (rate >= 1 || this.rng.next() < rate) {
          plan.error = rule.error;
          applied = true;
        }
      }
      if (rule.slowBody) {
        plan.slowBody = rule.slowBody;
        applied = true;
      }
      if (applied) {
        entry.hits++;
        entry.remaining--;
        if (entry.remaining <= 0) this.live = this.live.filter((r) => r !== entry);
      }
    }
    return plan;
  }
}
