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
import { sanitizeFileName } from '../../vault/fileNames';
import { VaultLayout, YOUTUBE_DIR } from '../../vault/layout';
import type { VaultFs } from '../../vault/vaultFs';
import type { Connector, ConnectorRun, ListedSource, SourceSyncResult } from '../connector';
import { type ChannelInfo, UNIT_COST, type YouTubeApi } from './api';
import { CatalogStore, syncChannel } from './catalog';
import { QuotaTracker } from './quota';

export interface YouTubeConnectorOptions {
  readonly fs: VaultFs;
  /** The API key, from SecretStorage (VS Code) or the environment / a key file (CLI); undefined when none is set. */
  apiKey(): Promise<string | undefined>;
  /** What to tell a user who has not set a key: where it comes from differs between VS Code and the CLI. */
  readonly missingKeyHelp: string;
  /** Builds the API client for a key, counting each request's units. */
  makeApi(apiKey: string, onUnits: (units: number) => void): YouTubeApi;
  readonly clock?: () => Date;
  /** Days between full passes over a channel (edited and vanished videos); default 7. */
  readonly fullPassEveryDays?: number;
  readonly dailyQuota?: number;
}

/** What one sync run shares between its channels: the API client and the batched channel answers. */
interface RunContext {
  readonly api: YouTubeApi;
  readonly quota: QuotaTracker;
  readonly channels: Map<string, ChannelInfo>;
}

export class YouTubeConnector implements Connector {
  readonly origin = 'youtube' as const;
  readonly kind = 'youtube' as const;
  private readonly runs = new WeakMap<ConnectorRun, RunContext>();
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

  private async api(quota: QuotaTracker): Promise<YouTubeApi> {
    const key = (await this.opts.apiKey())?.trim();
    if (!key) throw new UserError(`No YouTube API key is set. ${this.opts.missingKeyHelp}`);
    return this.opts.makeApi(key, (units) => quota.spend(units));
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
    const store = this.store(vaultRoot);
    if ((await store.list()).some((s) => s.id === id)) throw new UserError(`"${channel.title}" is already in the vault.`);
    const source: StoredSource = {
      id,
      kind: 'youtube',
      origin: 'youtube',
      title: channel.title,
      ref: ref.trim(),
      notesPath: `${YOUTUBE_DIR}/${sanitizeFileName(channel.title, { fallback: channel.id })}`,
      addedAt: now.toISOString(),
      itemCount: 0,
    };
    await store.upsert(source);
    return source;
  }

  async remove(source: ListedSource, deleteNotes: boolean, vaultRoot: string): Promise<void> {
    await this.store(vaultRoot).remove(source.id);
    const layout = new VaultLayout(vaultRoot);
    await new CatalogStore(layout, this.opts.fs).remove(channelIdOf(source));
    if (deleteNotes) await this.opts.fs.rm(layout.abs(source.notesPath), { recursive: true, force: true });
  }

  async prepareSync(sources: readonly ListedSource[], run: ConnectorRun): Promise<void> {
    // Each request in flight listens on the run's signal, one per channel syncing (up to
    // sourceConcurrency, 16): past Node's default of 10 it would warn of a leak that is none.
    setMaxListeners(Math.max(getMaxListeners(run.signal), 10 + run.settings.sourceConcurrency), run.signal);
    const quota = this.quota(run.vaultRoot, (message) => run.warn({ message }));
    await quota.load();
    const api = await this.api(quota);
    const ids = sources.map(channelIdOf);
    quota.ensure(Math.ceil(ids.length / 50) * UNIT_COST['channels.list'], 'Looking up the channels');
    try {
      const channels = new Map((await api.channelsById(ids, run.signal)).map((c) => [c.id, c]));
      this.runs.set(run, { api, quota, channels });
    } finally {
      await quota.save();
    }
  }

  async sync(source: ListedSource, run: ConnectorRun): Promise<SourceSyncResult> {
    const ctx = this.runs.get(run);
    if (!ctx) throw new Error('YouTube sync without prepareSync');
    const info = ctx.channels.get(channelIdOf(source));
    if (!info) return { itemsAdded: 0, error: `YouTube no longer has the channel ${source.title} (deleted or hidden). Its notes stay in the vault.` };
    const layout = new VaultLayout(run.vaultRoot);
    try {
      const r = await syncChannel(info, {
        api: ctx.api,
        fs: this.opts.fs,
        layout,
        store: new CatalogStore(layout, this.opts.fs),
        quota: ctx.quota,
        folder: source.notesPath,
        now: this.now(),
        fullPassEveryDays: this.opts.fullPassEveryDays ?? 7,
        signal: run.signal,
        progress: (message) => run.progress({ percent: 0, message, sourceId: source.id }),
      });
      run.metrics.itemsProcessed(r.added + r.updated);
      const stored = (await this.store(run.vaultRoot).list()).find((s) => s.id === source.id);
      if (stored) await this.store(run.vaultRoot).upsert({ ...stored, title: info.title, itemCount: r.total, lastSyncAt: this.now().toISOString() });
      if (r.vanished) run.warn({ source: source.title, message: `${r.vanished} video(s) are no longer available on YouTube; their notes are kept and marked.` });
      return { itemsAdded: r.added };
    } finally {
      await ctx.quota.save();
    }
  }
}

/** The channel id of a YouTube source (`youtube:UC…`). Sources recorded by handle before resolution carry none. */
export function channelIdOf(source: Pick<ListedSource, 'id'>): string {
  return source.id.replace(/^youtube:/, '');
}
