/**
 * Quota as Google enforces it.
 *
 * YouTube ([DOC] developers.google.com/youtube/v3/determine_quota_cost): 10,000 units per day per
 * project for everything except search.list and videos.insert, which have their own buckets of
 * 100 calls a day at 1 unit per call. Every request, invalid ones included, costs at least one
 * unit. Days reset at midnight Pacific time.
 *
 * Sheets ([DOC] developers.google.com/sheets/api/limits): per minute, 300 read and 300 write
 * requests per project and 60 of each per user per project; over it, 429 RESOURCE_EXHAUSTED.
 */

/** Units per call ([DOC] the quota cost table; the list methods the archiver can call). */
export const YOUTUBE_METHOD_COSTS: Record<string, { cost: number; bucket: 'default' | 'search' }> = {
  'youtube.channels.list': { cost: 1, bucket: 'default' },
  'youtube.playlistItems.list': { cost: 1, bucket: 'default' },
  'youtube.playlists.list': { cost: 1, bucket: 'default' },
  'youtube.videos.list': { cost: 1, bucket: 'default' },
  'youtube.search.list': { cost: 1, bucket: 'search' },
  // [DOC] developers.google.com/youtube/v3/docs/captions/list and /download: "a quota cost of 50 / 200 units".
  'youtube.captions.list': { cost: 50, bucket: 'default' },
  'youtube.captions.download': { cost: 200, bucket: 'default' },
};

const pacificDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Pacific calendar day of `date` (`2026-05-01`): the unit Google resets quota on. */
export function pacificDayOf(date: Date): string {
  return pacificDay.format(date);
}

export class YouTubeQuota {
  private day: string;
  private used = { default: 0, search: 0 };

  constructor(
    private readonly now: () => Date,
    public dailyLimit: number,
    public searchDailyLimit: number,
  ) {
    this.day = pacificDayOf(now());
  }

  private roll(): void {
    const today = pacificDayOf(this.now());
    if (today !== this.day) {
      this.day = today;
      this.used = { default: 0, search: 0 };
    }
  }

  /** Units spent today in a bucket. */
  usedToday(bucket: 'default' | 'search' = 'default'): number {
    this.roll();
    return this.used[bucket];
  }

  /** Charges `cost` if the bucket has room; false means the call must be refused with quotaExceeded. */
  tryCharge(bucket: 'default' | 'search', cost: number): boolean {
    this.roll();
    const limit = bucket === 'search' ? this.searchDailyLimit : this.dailyLimit;
    if (this.used[bucket] + cost > limit) return false;
    this.used[bucket] += cost;
    return true;
  }

  /** Starts a new quota day now (as if Pacific midnight had passed). */
  resetDay(): void {
    this.day = pacificDayOf(this.now());
    this.used = { default: 0, search: 0 };
  }
}

export interface SheetsPerMinuteLimits {
  readsPerMinutePerProject: number;
  writesPerMinutePerProject: number;
  readsPerMinutePerUser: number;
  writesPerMinutePerUser: number;
}

export const DEFAULT_SHEETS_LIMITS: SheetsPerMinuteLimits = {
  readsPerMinutePerProject: 300,
  writesPerMinutePerProject: 300,
  readsPerMinutePerUser: 60,
  writesPerMinutePerUser: 60,
};

export type SheetsLimitHit = { kind: 'read' | 'write'; scope: 'user' | 'project'; limit: number };

/**
 * Fixed one-minute windows (the [REAL] 429 carries a `window_start_time`, i.e. windows, not a
 * sliding log). Requests made with an API key have no user and meet only the project limit.
 */
export class SheetsRateLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  constructor(
    private readonly now: () => Date,
    public limits: SheetsPerMinuteLimits = { ...DEFAULT_SHEETS_LIMITS },
  ) {}

  /** Counts the request, or returns the limit it would break (and does not count it). */
  tryAcquire(kind: 'read' | 'write', user: string | undefined): SheetsLimitHit | undefined {
    const window = Math.floor(this.now().getTime() / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const projectKey = `${kind}:project`;
    const projectLimit = kind === 'read' ? this.limits.readsPerMinutePerProject : this.limits.writesPerMinutePerProject;
    const userLimit = kind === 'read' ? this.limits.readsPerMinutePerUser : this.limits.writesPerMinutePerUser;
    const userKey = user === undefined ? undefined : `${kind}:user:${user}`;
    if (userKey && (this.counts.get(userKey) ?? 0) >= userLimit) return { kind, scope: 'user', limit: userLimit };
    if ((this.counts.get(projectKey) ?? 0) >= projectLimit) return { kind, scope: 'project', limit: projectLimit };
    this.counts.set(projectKey, (this.counts.get(projectKey) ?? 0) + 1);
    if (userKey) this.counts.set(userKey, (this.counts.get(userKey) ?? 0) + 1);
    return undefined;
  }

  reset(): void {
    this.counts.clear();
  }
}
