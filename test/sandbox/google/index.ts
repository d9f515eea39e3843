import { Counters, type RequestRecord } from './counters';
import { type DemoIds, emptyDemoIds, seedDemo } from './demo-seed';
import type { InvalidKeyForm } from './errors';
import { FaultInjector } from './faults';
import { DEFAULT_SHEETS_LIMITS, SheetsRateLimiter, type SheetsPerMinuteLimits, YouTubeQuota } from './quota';
import { type OAuthSettings, SandboxHttpServer } from './server';
import { ServiceAccounts } from './service-accounts';
import { SheetsModel } from './sheets-model';
import { YouTubeModel } from './youtube-model';

/**
 * A local stand-in for YouTube Data API v3 and Sheets API v4, for tests, benchmarks and the
 * headless demo. Point the real clients at it by configuration only:
 *
 *   youtube({ version: 'v3', auth: sandbox.apiKey, rootUrl: sandbox.rootUrl })
 *   sheets({ version: 'v4', auth: oauthClient, rootUrl: sandbox.rootUrl })
 *
 * Sheets writes need OAuth, as at Google: use `sandbox.oauth.accessToken` as a bearer token, or
 * an OAuth2 client with `sandbox.oauth.refreshToken` and `endpoints.oauth2TokenUrl =
 * sandbox.oauth.tokenUrl`. An API key alone reads only link-shared spreadsheets.
 */

export type { DemoIds } from './demo-seed';
export type { FaultRule, InjectedError, FaultHandle, SlowBody } from './faults';
export type { RequestRecord } from './counters';
export type { ChannelInput, VideoInput, Channel, Video, Playlist, PrivacyStatus, UnavailableItems } from './youtube-model';
export type { SheetState, SpreadsheetState, AppliedRequest } from './sheets-model';
export { YouTubeModel } from './youtube-model';
export { SheetsModel } from './sheets-model';
export { FaultInjector } from './faults';
export { ServiceAccounts, GOOGLE_TOKEN_AUDIENCE, JWT_BEARER_GRANT, type ServiceAccountKeyFile } from './service-accounts';
export { pacificDayOf } from './quota';

export interface SandboxCounters {
  /** Requests served, all or for one route (`youtube.videos.list`, or a glob like `sheets.*`). */
  requests(route?: string): number;
  /** YouTube units charged to the daily 10,000-unit bucket (optionally for one route or glob). */
  quotaUsed(route?: string): number;
  /** search.list calls charged to their own daily bucket. */
  searchQuotaUsed(): number;
  byRoute(): Record<string, { requests: number; quota: number }>;
  byStatus(route?: string): Record<number, number>;
  /** Forgets the counts (not the daily quota: see `sandbox.quota.resetDay()`). */
  reset(): void;
}

export interface SandboxQuota {
  /** Units allowed per Pacific day in the default bucket (default 10,000). */
  dailyLimit: number;
  /** search.list calls allowed per day (default 100). */
  searchDailyLimit: number;
  usedToday(bucket?: 'default' | 'search'): number;
  /** As if Pacific midnight had just passed. */
  resetDay(): void;
}

export interface GoogleSandbox {
  /** `http://127.0.0.1:<port>/`: pass as `rootUrl` to @googleapis/youtube and @googleapis/sheets. */
  rootUrl: string;
  /** The one valid API key; any other gets 400 keyInvalid / API_KEY_INVALID. */
  apiKey: string;
  youtube: YouTubeModel;
  sheets: SheetsModel;
  faults: FaultInjector;
  counters: SandboxCounters;
  quota: SandboxQuota;
  /** Sheets per-minute limits (300 reads and writes per project, 60 per user by default); mutable. */
  sheetsRateLimits: SheetsPerMinuteLimits;
  oauth: OAuthSettings & {
    /** The token endpoint (oauth2.googleapis.com/token's stand-in). */
    tokenUrl: string;
    /** Invalidates every bearer token, so clients must refresh. */
    expireAllTokens(): void;
  };
  /**
   * Service accounts for the JWT-bearer grant at `oauth.tokenUrl`: `create()` returns a key file
   * like the Cloud console's. A spreadsheet is reachable by a service account only once shared
   * with its email (`sheets.share(id, key.client_email)`), as at Google.
   */
  serviceAccounts: ServiceAccounts;
  /** Ids of the demo data (empty lists with `seed: 'empty'`). */
  demoIds: DemoIds;
  /** Which body a bad API key gets: 'current' (badRequest + API_KEY_INVALID) or 'legacy' (keyInvalid). */
  invalidKeyForm: InvalidKeyForm;
  /** Request bodies above this many bytes are refused. */
  maxRequestBytes: number;
  /** Every request served, in order. */
  log(): readonly RequestRecord[];
  /** The fields the launcher's `SANDBOX <json>` line carries for the Google side. */
  launchInfo(): {
    youtube: { rootUrl: string; apiKey: string; channelIds: string[]; handles: string[] };
    sheets: { rootUrl: string; spreadsheetId?: string; accessToken: string; oauth: { clientId: string; clientSecret: string; refreshToken: string; tokenUrl: string } };
  };
  close(): Promise<void>;
}

export interface GoogleSandboxOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** YouTube units per day (default 10,000). */
  dailyQuota?: number;
  /** search.list calls per day (default 100). */
  searchDailyQuota?: number;
  /** 'demo' (default) seeds channels, videos and a spreadsheet; 'empty' starts blank. */
  seed?: 'demo' | 'empty';
  /** The clock for quota days, per-minute windows, token expiry and demo dates. */
  now?: () => Date;
  apiKey?: string;
  sheetsLimits?: Partial<SheetsPerMinuteLimits>;
  /** Seed for generated ids and fault randomness. */
  randomSeed?: number;
}

export async function startGoogleSandbox(options: GoogleSandboxOptions = {}): Promise<GoogleSandbox> {
  const now = options.now ?? (() => new Date());
  const randomSeed = options.randomSeed ?? 1;
  const youtube = new YouTubeModel(now, randomSeed);
  const sheets = new SheetsModel(now, randomSeed + 1);
  const faults = new FaultInjector(randomSeed + 2);
  const counters = new Counters();
  const quota = new YouTubeQuota(now, options.dailyQuota ?? 10_000, options.searchDailyQuota ?? 100);
  const sheetsRate = new SheetsRateLimiter(now, { ...DEFAULT_SHEETS_LIMITS, ...options.sheetsLimits });
  const apiKey = options.apiKey ?? 'AIzaSandbox-0123456789abcdefghijklmnopq';
  const oauth: OAuthSettings = {
    clientId: 'sandbox-client.apps.googleusercontent.com',
    clientSecret: 'sandbox-client-secret',
    refreshToken: '1//sandbox-refresh-token',
    accessToken: 'ya29.sandbox-static-access-token',
    tokenLifetimeSeconds: 3599,
    grantedScope: 'https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/youtube.readonly',
  };
  const demoIds = options.seed === 'empty' ? emptyDemoIds() : seedDemo(youtube, sheets, now());
  const serviceAccounts = new ServiceAccounts();
  const http = new SandboxHttpServer({ youtube, sheets, faults, counters, quota, sheetsRate, apiKey, oauth, serviceAccounts, now });
  const rootUrl = await http.listen(options.port ?? 0);
  const tokenUrl = `${rootUrl}token`;

  return {
    rootUrl,
    apiKey,
    youtube,
    sheets,
    faults,
    counters,
    quota: {
      get dailyLimit() {
        return quota.dailyLimit;
      },
      set dailyLimit(n: number) {
        quota.dailyLimit = n;
      },
      get searchDailyLimit() {
        return quota.searchDailyLimit;
      },
      set searchDailyLimit(n: number) {
        quota.searchDailyLimit = n;
      },
      usedToday: (bucket) => quota.usedToday(bucket),
      resetDay: () => quota.resetDay(),
    },
    sheetsRateLimits: sheetsRate.limits,
    oauth: {
      ...oauth,
      tokenUrl,
      expireAllTokens: () => http.expireAllTokens(),
      get grantedScope() {
        return oauth.grantedScope;
      },
      set grantedScope(scope: string) {
        oauth.grantedScope = scope;
      },
    },
    serviceAccounts,
    demoIds,
    get invalidKeyForm() {
      return http.settings.invalidKeyForm;
    },
    set invalidKeyForm(form: InvalidKeyForm) {
      http.settings.invalidKeyForm = form;
    },
    get maxRequestBytes() {
      return http.settings.maxRequestBytes;
    },
    set maxRequestBytes(n: number) {
      http.settings.maxRequestBytes = n;
    },
    log: () => counters.log(),
    launchInfo: () => ({
      youtube: { rootUrl, apiKey, channelIds: [...demoIds.channelIds], handles: [...demoIds.handles] },
      sheets: {
        rootUrl,
        spreadsheetId: demoIds.spreadsheetId,
        accessToken: oauth.accessToken,
        oauth: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, refreshToken: oauth.refreshToken, tokenUrl },
      },
    }),
    close: () => http.close(),
  };
}
