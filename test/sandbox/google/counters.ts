import { routeMatches } from './faults';

/** One served request, as tests see it in `sandbox.log()`. */
export interface RequestRecord {
  route: string;
  method: string;
  /** Path and query as received (the API key is replaced by `…`). */
  url: string;
  /** HTTP status sent; 0 when an injected fault reset the connection instead. */
  status: number;
  /** YouTube units this request cost (0 for Sheets, injected faults and rejected keys). */
  quota: number;
  /** The quota bucket the units went to: `default` (10,000/day) or `search` (search.list's own). */
  bucket?: string;
  at: Date;
}

/**
 * What the server served, counted by route, so performance claims ("one sync costs N requests
 * and M units") are asserted from the server's side rather than from the client's beliefs.
 */
export class Counters {
  private records: RequestRecord[] = [];

  record(entry: RequestRecord): void {
    this.records.push(entry);
  }

  /** Requests served, all or for one route (exact name or glob such as `youtube.*`). */
  requests(route?: string): number {
    if (route === undefined) return this.records.length;
    return this.records.filter((r) => routeMatches(route, r.route)).length;
  }

  /** YouTube units charged to the daily 10,000-unit bucket since the last reset. */
  quotaUsed(route?: string): number {
    let sum = 0;
    for (const r of this.records) if ((r.bucket ?? 'default') === 'default' && routeMatches(route, r.route)) sum += r.quota;
    return sum;
  }

  /** search.list calls charged to their own daily bucket since the last reset. */
  searchQuotaUsed(): number {
    let sum = 0;
    for (const r of this.records) if (r.bucket === 'search') sum += r.quota;
    return sum;
  }

  byRoute(): Record<string, { requests: number; quota: number }> {
    const out: Record<string, { requests: number; quota: number }> = {};
    for (const r of this.records) {
      const slot = (out[r.route] ??= { requests: 0, quota: 0 });
      slot.requests++;
      slot.quota += r.quota;
    }
    return out;
  }

  /** Requests by HTTP status, e.g. `{ 200: 12, 304: 3, 403: 1 }`. */
  byStatus(route?: string): Record<number, number> {
    const out: Record<number, number> = {};
    for (const r of this.records) if (routeMatches(route, r.route)) out[r.status] = (out[r.status] ?? 0) + 1;
    return out;
  }

  log(): readonly RequestRecord[] {
    return this.records;
  }

  /** Forgets what was counted. The daily quota bucket is separate: see `sandbox.quota`. */
  reset(): void {
    this.records = [];
  }
}
