/**
 * YouTube channels as sources: added by URL, @handle or id (resolved to the channel id with the
 * one cheapest call), synced into `YouTube/<channel>/` notes. A sync run first asks for every
 * channel it will sync in one batched `channels.list` (50 per call): a channel whose video count
 * did not change costs nothing more.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { UserError } from '../../errors';
import { parseYouTubeRef, youTubeSourceId } from '../../sources/refs';
import { SourcesStore, type StoredSource } from '../../sources/sourcesStore';
import { sweepTempFiles } from '../../vault/atomic';
import { VaultLayout, YOUTUBE_DIR } from '../../vault/layout';
import type { VaultFs } from '../../vault/vaultFs';
import type { Connector, ConnectorRun, ListedSource, SourceSyncResult } from '../connector';
import { API_KEY_HELP, type ChannelInfo, UNIT_COST, type YouTubeApi } from './api';
import { CatalogStore, syncChannel } from './catalog';
import { RateLimiter } from '../../util/rateLimiter';
import { QuotaTracker } from './quota';
import { ResponseCache } from './responseCache';
import { type SheetsAuth, createSheetsAuth, createSheetsClient } from './sheets/sheetsAuth';
import { rowsDigest } from './sheets/sheetLayout';
import { sheetsCredentialsFrom } from './sheets/sheetsCredentials';
import { mirrorVideos } from './sheets/sheetsMirror';
import { captionCredentials, googleCaptionDownloader } from './captionDownload';
import { type DownloadBlocker, parseLanguages } from './captions';
import { type TranscriptAccess, TranscriptStore } from './transcripts';
import type { SheetsAuthClient } from './sheets/sheetsAuth';
import type { VideoRecord } from './video';
import type { SheetTarget } from '../../../../shared/types';

export interface YouTubeConnectorOptions {
  readonly fs: VaultFs;
  /** The API key, from SecretStorage (VS Code) or the environment / a key file (CLI); undefined when none is set. */
  apiKey(): Promise<string | undefined>;
  /** What to tell a user who has not set a key: where it comes from differs between VS Code and the CLI. */
  readonly missingKeyHelp: string;
  /** Builds the API client for a key, counting each request's units, with an optional ETag cache. */
  makeApi(apiKey: string, hooks: ApiHooks): YouTubeApi;
  /** Google Sheets credentials (a service account key file's text, or SheetsCredentials as JSON); undefined when none are set. */
  googleCredentials?(): Promise<string | undefined>;
  /** How to set Sheets credentials, in the words of the surface the user is in. */
  readonly missingSheetsCredentialsHelp?: string;
  /** Google's API root (Sheets too) and OAuth token endpoint: the sandbox's in tests. */
  readonly googleRootUrl?: string;
  readonly tokenUrl?: string;
  readonly clock?: () => Date;
  /** Days between full passes over a channel (edited and vanished videos); default 7. */
  readonly fullPassEveryDays?: number;
  readonly dailyQuota?: number;
}

export interface ApiHooks {
  onUnits(units: number): void;
  readonly cache?: ResponseCache;
  onNotModified?(): void;
  readonly limiter?: RateLimiter;
}

/**
 * Rates shared by every channel of every run in this process. Sheets allows 60 requests a
 * minute per user (google.md); 50 leaves room for the user's own use of the same account.
 * YouTube documents no per-second limit, only the daily quota: 100 a second caps bursts of
 * many channels at once without slowing a normal sync (the bench's 32 channels make ~85/s).
 */
export const YOUTUBE_RATE = { requests: 100, perMs: 1_000 } as const;
export const SHEETS_RATE = { requests: 50, perMs: 60_000, burst: 20 } as const;

/** What one sync run shares between its channels: the key, the quota, the answer cache and the batched channel answers. */
interface RunContext {
  readonly key: string;
  readonly quota: QuotaTracker;
  readonly cache?: ResponseCache;
  readonly channels: Map<string, ChannelInfo>;
  /**
   * Spreadsheet tabs to bring up to date once every channel of the run is synced, by tab: all
   * channels pointed at one tab (a group) share its reads and its append and update calls.
   */
  readonly mirrors: Map<string, MirrorGroup>;
  /** Set when the `youtube.transcripts` setting is on: who may download captions this run. */
  captions?: { auth?: SheetsAuthClient; blocker: DownloadBlocker; readonly preferredLanguages: readonly string[] };
}

/** One tab and the channels of this run whose rows it must take. */
interface MirrorGroup {
  readonly target: SheetTarget;
  readonly members: { readonly sourceId: string; readonly title: string; readonly records: readonly VideoRecord[]; readonly digest: string }[];
}

/** Tabs are named regardless of case: two channels pointed at "Videos" and "videos" share one. */
const tabKey = (t: SheetTarget): string => `${t.spreadsheetId}\n${t.sheetTitle.toLowerCase()}`;

export { sheetsCredentialsFrom };

export class YouTubeConnector implements Connector {
  readonly origin = 'youtube' as const;
  readonly kind = 'youtube' as const;
  private readonly runs = new WeakMap<ConnectorRun, RunContext>();
  private readonly youtubeLimiter = new RateLimiter(YOUTUBE_RATE);
  private readonly sheetsLimiter = new RateLimiter(SHEETS_RATE);
  /** One store per vault: its queue keeps concurrent updates of sources.json in order. */
  private readonly stores = new Map<string, SourcesStore>();
  /** The channel `identify` just resolved, so the `add` that follows asks YouTube nothing more. */
  private lastResolved: { ref: string; channel: ChannelInfo } | undefined;

  constructor(private readonly opts: YouTubeConnectorOptions) {}

  private now(): Date {
    return this.opts.clock?.() ?? new Date();
  }

  private store(vaultRoot: string): SourcesStore {
    let store = this.stores.get(vaultRoot);
    if (!store) this.stores.set(vaultRoot, (store = new SourcesStore(new VaultLayout(vaultRoot), this.opts.fs)));
    return store;
  }

  private quota(vaultRoot: string, warn?: (message: string) => void): QuotaTracker {
    const layout = new VaultLayout(vaultRoot);
    return new QuotaTracker(`${layout.youtubeStateDir}/quota.json`, this.opts.fs, () => this.now(), this.opts.dailyQuota, (share, used, limit) =>
      warn?.(`YouTube quota: ${Math.round(share * 100)}% of today's ${limit} units spent (${used}). It resets at midnight Pacific time.`),
    );
  }

  private async key(): Promise<string> {
    const key = (await this.opts.apiKey())?.trim();
    if (!key) throw new UserError(`No YouTube API key is set. ${this.opts.missingKeyHelp}`);
    return key;
  }

  private async api(quota: QuotaTracker): Promise<YouTubeApi> {
    return this.opts.makeApi(await this.key(), { onUnits: (units) => quota.spend(units) });
  }

  /** An API client whose every request counts in the quota, the metrics and `spent`. */
  private countedApi(key: string, quota: QuotaTracker, run: ConnectorRun, spent: { units: number }, cache?: ResponseCache): YouTubeApi {
    return this.opts.makeApi(key, {
      onUnits: (units) => {
        spent.units += units;
        quota.spend(units);
        run.metrics.add('apiRequests');
        run.metrics.gauge?.('youtubeQuotaUsedToday', quota.used);
        run.metrics.gauge?.('youtubeQuotaLimit', quota.dailyLimit);
      },
      cache,
      onNotModified: () => run.metrics.add('notModified'),
      limiter: this.youtubeLimiter,
    });
  }

  /** Tries a key with one channels.list call (1 unit) before it is stored; throws a UserError if YouTube refuses it. */
  async checkKey(key: string): Promise<void> {
    if (!key.trim()) throw new UserError(`Enter a YouTube API key. ${API_KEY_HELP}`);
    // Any list call proves the key; this id is Google's own channel (Google for Developers).
    await this.opts.makeApi(key.trim(), { onUnits: () => undefined }).channelsById(['UC_x5XG1OV2P6uZZ5FSM9Ttw']);
  }

  async list(vaultRoot: string): Promise<ListedSource[]> {
    return (await this.store(vaultRoot).list()).filter((s) => s.origin === this.origin);
  }

  private async resolve(ref: string, vaultRoot: string | undefined): Promise<ChannelInfo> {
    const parsed = parseYouTubeRef(ref);
    const quota = this.quota(vaultRoot ?? '.');
    if (vaultRoot) await quota.load();
    const api = await this.api(quota);
    const found =
      parsed.form === 'channelId'
        ? (await api.channelsById([parsed.value]))[0]
        : parsed.form === 'handle'
          ? await api.channelByHandle(parsed.value)
          : await api.channelByUsername(parsed.value);
    if (vaultRoot) await quota.save();
    if (!found) {
      throw new UserError(`YouTube has no channel ${parsed.form === 'handle' ? `@${parsed.value}` : `"${parsed.value}"`}. Check the spelling, or copy the address from the channel's page.`);
    }
    return found;
  }

  async identify(ref: string): Promise<{ id: string; title: string }> {
    const channel = await this.resolve(ref, undefined);
    this.lastResolved = { ref: ref.trim(), channel };
    return { id: youTubeSourceId({ form: 'channelId', value: channel.id }), title: channel.title };
  }

  async add(ref: string, vaultRoot: string, now: Date): Promise<ListedSource> {
    const cached = this.lastResolved?.ref === ref.trim() ? this.lastResolved.channel : undefined;
    this.lastResolved = undefined;
    if (cached) {
      // identify made the call outside the vault: count its unit here.
      const quota = this.quota(vaultRoot);
      await quota.load();
      quota.spend(UNIT_COST['channels.list']);
      await quota.save();
    }
    const channel = cached ?? (await this.resolve(ref, vaultRoot));
    const id = youTubeSourceId({ form: 'channelId', value: channel.id });
    return this.store(vaultRoot).addNew({ id, kind: 'youtube', origin: 'youtube', title: channel.title, ref, notesDir: YOUTUBE_DIR, fallbackName: channel.id, now });
  }

  async remove(source: ListedSource, deleteNotes: boolean, vaultRoot: string): Promise<void> {
    await this.store(vaultRoot).remove(source.id);
    const layout = new VaultLayout(vaultRoot);
    await new CatalogStore(layout, this.opts.fs).remove(channelIdOf(source));
    if (deleteNotes) await this.opts.fs.rm(layout.abs(source.notesPath), { recursive: true, force: true });
  }

  /** Sets (or with `target` undefined, stops) a channel's Google Sheets mirror; the next sync fills it. */
  async setSheet(source: ListedSource, target: SheetTarget | undefined, vaultRoot: string): Promise<ListedSource> {
    if (target) await this.sheetsAuth(); // says now, not at the next sync, that credentials are missing
    const store = this.store(vaultRoot);
    const stored = (await store.list()).find((s) => s.id === source.id);
    if (!stored) throw new UserError(`No source ${source.id} in this vault.`);
    const { sheet: _old, ...rest } = stored;
    const next: StoredSource = target ? { ...rest, sheet: target } : rest;
    await store.upsert(next);
    return next;
  }

  /** Gets an access token with these credentials; returns the service account's address to share spreadsheets with. */
  async checkSheetsCredentials(text: string): Promise<{ account?: string }> {
    const sheetsAuth = createSheetsAuth(sheetsCredentialsFrom(text.trim()), { tokenUrl: this.opts.tokenUrl });
    try {
      await sheetsAuth.client.getAccessToken();
    } catch (err) {
      throw new UserError(`Google refused these credentials (${describeTokenError(err)}). For a service account, download a new key in Google Cloud Console (IAM & Admin → Service accounts → Keys); for OAuth, check the client and the refresh token.`);
    }
    return { account: sheetsAuth.account.kind === 'serviceAccount' ? sheetsAuth.account.email : undefined };
  }

  private async sheetsAuth(): Promise<SheetsAuth> {
    const text = (await this.opts.googleCredentials?.())?.trim();
    if (!text) throw new UserError(`No Google Sheets credentials are set. ${this.opts.missingSheetsCredentialsHelp ?? ''}`.trim());
    return createSheetsAuth(sheetsCredentialsFrom(text), { tokenUrl: this.opts.tokenUrl });
  }

  /**
   * Queues a channel for its tab's mirror at the end of the run, unless its rows are what the tab
   * last took (an older vault without a digest: unless nothing changed and the count is the same).
   */
  private queueMirror(ctx: RunContext, source: StoredSource, records: readonly VideoRecord[], unchanged: boolean): void {
    const sheet = source.sheet;
    if (!sheet) return;
    const digest = rowsDigest(records);
    if (sheet.mirroredDigest === digest) return;
    if (sheet.mirroredDigest === undefined && unchanged && sheet.mirroredVideos === records.length) return;
    const key = tabKey(sheet);
    let group = ctx.mirrors.get(key);
    if (!group) ctx.mirrors.set(key, (group = { target: sheet, members: [] }));
    group.members.push({ sourceId: source.id, title: source.title, records, digest });
  }

  /**
   * Brings one tab up to date for all its channels of this run: the union of their videos in one
   * mirror run (one read of the table, one values.batchUpdate for changed rows, one append for new
   * ones), then each channel records the digest it reached. A failure is a warning: the notes stay.
   */
  private async mirrorGroup(group: MirrorGroup, run: ConnectorRun): Promise<void> {
    const names = group.members.map((m) => m.title).join(', ');
    const { spreadsheetId, sheetTitle } = group.target;
    try {
      const sheetsAuth = await this.sheetsAuth();
      const client = createSheetsClient(sheetsAuth, { rootUrl: this.opts.googleRootUrl });
      const r = await mirrorVideos(client, { spreadsheetId, sheetTitle }, group.members.flatMap((m) => m.records), {
        signal: run.signal,
        account: sheetsAuth.account,
        log: (level, m) => run.log(level, m),
        limiter: this.sheetsLimiter,
      });
      if (r.appended || r.updated) run.log('info', `${names}: ${r.appended} rows added to and ${r.updated} updated in the spreadsheet tab "${sheetTitle}".`);
      if (r.cancelled) return;
      const store = this.store(run.vaultRoot);
      for (const m of group.members) {
        const stored = (await store.list()).find((s) => s.id === m.sourceId);
        // Pointed elsewhere (or stopped) while the run went on: that choice stands.
        if (!stored?.sheet || tabKey(stored.sheet) !== tabKey(group.target)) continue;
        await store.upsert({ ...stored, sheet: { ...stored.sheet, mirroredVideos: m.records.length, mirroredDigest: m.digest } });
      }
    } catch (err) {
      if (run.signal.aborted) return;
      run.warn({ source: names, message: `Google Sheets mirror: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  async prepareSync(sources: readonly ListedSource[], run: ConnectorRun): Promise<void> {
    // Before any channel writes: leftovers of a run killed mid-write (catalogs, quota file).
    await sweepTempFiles(this.opts.fs, new VaultLayout(run.vaultRoot).youtubeStateDir);
    // Each request in flight listens on the run's signal, one per channel syncing (up to
    // sourceConcurrency, 16): past Node's default of 10 it would warn of a leak that is none.
    // A channel has up to a few requests in flight (an uploads page, the details of the page before,
    // a wait for the rate limiter), so 4 per channel.
    setMaxListeners(Math.max(getMaxListeners(run.signal), 10 + 4 * run.settings.sourceConcurrency), run.signal);
    const quota = this.quota(run.vaultRoot, (message) => run.warn({ message }));
    await quota.load();
    const key = await this.key();
    // Sources recorded before YouTube sync existed carry a handle, not a channel id: see sync().
    const ids = sources.map(channelIdOf).filter((id) => id.startsWith('UC'));
    quota.ensure(Math.ceil(ids.length / 50) * UNIT_COST['channels.list'], 'Looking up the channels');
    const layout = new VaultLayout(run.vaultRoot);
    const megabytes = run.settings.youtubeCacheMB;
    const cache = megabytes > 0 ? new ResponseCache(`${layout.youtubeStateDir}/responses.json`, this.opts.fs, megabytes * 1024 * 1024) : undefined;
    await cache?.load();
    try {
      const api = this.countedApi(key, quota, run, { units: 0 }, cache);
      const channels = new Map((await api.channelsById(ids, run.signal)).map((c) => [c.id, c]));
      const captions = run.settings.youtubeTranscripts ? await this.captionAccess(run) : undefined;
      this.runs.set(run, { key, quota, cache, channels, captions, mirrors: new Map() });
    } finally {
      await quota.save();
    }
  }

  /** Whether this run can download captions (captionDownload.ts); never throws: transcripts are best effort. */
  private async captionAccess(run: ConnectorRun): Promise<NonNullable<RunContext['captions']>> {
    const text = await this.opts.googleCredentials?.().catch(() => undefined);
    const access = await captionCredentials(text, this.opts.tokenUrl, (message) => run.warn({ message }));
    return { ...access, preferredLanguages: parseLanguages(run.settings.youtubeTranscriptLanguages) };
  }

  /** The captions part of one channel's sync: downloads counted in the quota, the metrics and `spent`. */
  private transcriptAccess(ctx: RunContext, run: ConnectorRun, spent: { units: number }): TranscriptAccess | undefined {
    const c = ctx.captions;
    if (!c) return undefined;
    const downloader = c.auth
      ? googleCaptionDownloader({
          auth: c.auth,
          rootUrl: this.opts.googleRootUrl,
          limiter: this.youtubeLimiter,
          onCall: () => {
            spent.units += UNIT_COST['captions.download'];
            ctx.quota.spend(UNIT_COST['captions.download']);
            run.metrics.add('apiRequests');
            run.metrics.gauge?.('youtubeQuotaUsedToday', ctx.quota.used);
          },
        })
      : undefined;
    return { downloader, blocker: c.blocker, preferredLanguages: c.preferredLanguages };
  }

  async sync(source: ListedSource, run: ConnectorRun): Promise<SourceSyncResult> {
    const ctx = this.runs.get(run);
    if (!ctx) throw new Error('YouTube sync without prepareSync');
    if (!channelIdOf(source).startsWith('UC')) {
      return { itemsAdded: 0, error: `${source.title} was added before YouTube sync existed and is not linked to a channel id: remove it and add it again (its notes, if any, stay).` };
    }
    const info = ctx.channels.get(channelIdOf(source));
    if (!info) return { itemsAdded: 0, error: `YouTube no longer has the channel ${source.title} (deleted or hidden). Its notes stay in the vault.` };
    const layout = new VaultLayout(run.vaultRoot);
    const spent = { units: 0 };
    const access = this.transcriptAccess(ctx, run, spent);
    const transcriptStore = new TranscriptStore(layout, this.opts.fs);
    try {
      const r = await syncChannel(info, {
        api: this.countedApi(ctx.key, ctx.quota, run, spent, ctx.cache),
        fs: this.opts.fs,
        layout,
        store: new CatalogStore(layout, this.opts.fs),
        quota: ctx.quota,
        folder: source.notesPath,
        now: this.now(),
        fullPassEveryDays: this.opts.fullPassEveryDays ?? 7,
        signal: run.signal,
        progress: (message, percent) => run.progress({ percent, message, sourceId: source.id }),
        transcriptStore,
        transcripts: access && { access, store: transcriptStore, warn: (message) => run.warn({ source: source.title, message }) },
      });
      // YouTube refused the scope: no other channel of this run tries (each try costs 200 units).
      if (access && !access.downloader && ctx.captions?.auth) ctx.captions = { ...ctx.captions, auth: undefined, blocker: access.blocker };
      run.metrics.itemsProcessed(r.added + r.updated);
      const stored = (await this.store(run.vaultRoot).list()).find((s) => s.id === source.id);
      if (stored) {
        const updated: StoredSource = { ...stored, title: info.title, itemCount: r.total, lastSyncAt: this.now().toISOString(), lastSyncUnits: spent.units };
        await this.store(run.vaultRoot).upsert(updated);
        this.queueMirror(ctx, updated, r.records, r.unchanged);
      }
      if (r.vanished) run.warn({ source: source.title, message: `${r.vanished} video(s) are no longer available on YouTube; their notes are kept and marked.` });
      return { itemsAdded: r.added };
    } finally {
      await ctx.quota.save();
    }
  }

  /**
   * After every channel: the Sheets mirrors, one per tab (so a group of channels costs what one
   * channel does), then the answer cache, saved once per run (it can be megabytes, and losing it
   * costs only a refetch).
   */
  async finishSync(run: ConnectorRun): Promise<void> {
    const ctx = this.runs.get(run);
    if (!ctx) return;
    for (const group of ctx.mirrors.values()) await this.mirrorGroup(group, run);
    await ctx.cache?.save();
  }
}

/** The token endpoint's own reason (invalid_grant…), never the credentials. */
function describeTokenError(err: unknown): string {
  const data = (err as { response?: { data?: { error?: unknown; error_description?: unknown } } })?.response?.data;
  if (typeof data?.error === 'string') return typeof data.error_description === 'string' ? `${data.error}: ${data.error_description}` : data.error;
  return err instanceof UserError ? err.message : 'no access token';
}

/** The channel id of a YouTube source (`youtube:UC…`). Sources recorded by handle before resolution carry none. */
export function channelIdOf(source: Pick<ListedSource, 'id'>): string {
  return source.id.replace(/^youtube:/, '');
}
