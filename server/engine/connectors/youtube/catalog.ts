/**
 * One channel's catalog: what the vault holds of it (every video record and the note it lives
 * in), and the sync that brings it up to date asking YouTube as little as possible.
 *
 * Order of writes: video notes, then the channel note, then the catalog file. The catalog says
 * what is done only after the notes it describes are written, so a crash at any point followed
 * by a rerun writes the same notes again (names are deterministic) and ends as a clean run.
 */
import * as path from 'node:path';
import { sweepTempFiles, writeFileAtomic } from '../../vault/atomic';
import { sanitizeFileName } from '../../vault/fileNames';
import type { VaultLayout } from '../../vault/layout';
import { type VaultFs, isNotFound } from '../../vault/vaultFs';
import type { ChannelInfo, YouTubeApi } from './api';
import type { TranscriptState } from './captions';
import type { QuotaTracker } from './quota';
import { type TranscriptAccess, type TranscriptStore, contentChanged, fetchTranscripts, inBacklog } from './transcripts';
import type { VideoRecord } from './video';
import { YOUTUBE_RENDER_VERSION, renderChannelNote, renderVideoNote } from './videoNotes';

export interface CatalogEntry {
  readonly record: VideoRecord;
  /** The note's file name in the channel folder, without ".md". */
  readonly note: string;
  /** Absent until transcripts were asked for (the `youtube.transcripts` setting). */
  readonly transcript?: TranscriptState;
}

export interface ChannelCatalog {
  readonly version: 1;
  readonly channelId: string;
  readonly renderVersion: number;
  /** statistics.videoCount at the last sync: unchanged means nothing to fetch. */
  readonly videoCount?: number;
  readonly lastFullPass?: string;
  readonly channel: ChannelInfo;
  readonly videos: Readonly<Record<string, CatalogEntry>>;
}

export class CatalogStore {
  constructor(
    private readonly layout: VaultLayout,
    private readonly fs: VaultFs,
  ) {}

  private file(channelId: string): string {
    return path.join(this.layout.youtubeStateDir, `${sanitizeFileName(channelId)}.json`);
  }

  async load(channelId: string): Promise<ChannelCatalog | undefined> {
    try {
      const parsed = JSON.parse(await this.fs.readFile(this.file(channelId), 'utf8')) as ChannelCatalog;
      return parsed.version === 1 && parsed.channelId === channelId ? parsed : undefined;
    } catch (err) {
      // A missing or damaged catalog is rebuilt by a full pass: the notes are rewritten, not duplicated.
      if (isNotFound(err) || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  async save(catalog: ChannelCatalog): Promise<void> {
    await this.fs.mkdir(this.layout.youtubeStateDir, { recursive: true });
    await writeFileAtomic(this.file(catalog.channelId), JSON.stringify(catalog), { fs: this.fs });
  }

  async remove(channelId: string): Promise<void> {
    await this.fs.rm(this.file(channelId), { force: true });
  }
}

export interface ChannelSyncOptions {
  readonly api: YouTubeApi;
  readonly fs: VaultFs;
  readonly layout: VaultLayout;
  readonly store: CatalogStore;
  readonly quota: QuotaTracker;
  /** Vault-relative folder of this channel's notes. */
  readonly folder: string;
  readonly now: Date;
  /** Days between full passes (which find edited and vanished videos); 0: every sync. */
  readonly fullPassEveryDays: number;
  readonly signal?: AbortSignal;
  /** What the sync is doing, with how far along this channel is (0–100). */
  readonly progress?: (message: string, percent: number) => void;
  /** Set when the `youtube.transcripts` setting is on. */
  readonly transcripts?: { readonly access: TranscriptAccess; readonly store: TranscriptStore; readonly warn?: (message: string) => void };
  /** Where saved transcripts are read from when notes are rendered (also with the setting off). */
  readonly transcriptStore?: TranscriptStore;
}

export interface ChannelSyncResult {
  readonly added: number;
  readonly updated: number;
  readonly vanished: number;
  /** True when the batched channel lookup showed nothing changed and nothing more was asked. */
  readonly unchanged: boolean;
  readonly total: number;
  /** Every video the catalog holds now (for the Sheets mirror). */
  readonly records: readonly VideoRecord[];
}

/** Characters a wikilink target cannot hold (`[[name|alias]]`, `#heading`, `^block`). */
const LINK_BREAKERS = /[[\]|#^]/g;

function baseNoteName(v: VideoRecord): string {
  const date = v.publishedAt.slice(0, 10);
  const title = sanitizeFileName(v.title.replace(LINK_BREAKERS, ' '), { fallback: v.id, maxBytes: 150 });
  return date ? `${date} ${title}` : title;
}

/** Note names for new videos: deterministic (by id order), never one already taken. */
function assignNames(newOnes: readonly VideoRecord[], taken: Set<string>): Map<string, string> {
  const names = new Map<string, string>();
  for (const v of [...newOnes].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    let name = baseNoteName(v);
    if (taken.has(name.toLowerCase())) name = `${name} (${v.id})`;
    taken.add(name.toLowerCase());
    names.set(v.id, name);
  }
  return names;
}

function sameRecord(a: VideoRecord, b: VideoRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Brings one channel up to date, given its `channels.list` answer from the run's batched call.
 * Incremental: pages the uploads playlist newest first and stops at the first video it knows.
 * A full pass (first sync, every `fullPassEveryDays`, or an older rendering) reads the whole
 * playlist and re-reads every known video, so edited titles and descriptions are updated and
 * videos gone private or deleted are marked unavailable (their notes stay). With transcripts on,
 * new and edited videos (and those an earlier run left pending) get their captions looked up
 * before any note is written.
 */
export async function syncChannel(info: ChannelInfo, o: ChannelSyncOptions): Promise<ChannelSyncResult> {
  // A run killed mid-write leaves temp files beside the notes: they go first (only this
  // channel writes here; the catalogs' folder is swept once per run, before any channel).
  await sweepTempFiles(o.fs, o.layout.abs(o.folder));
  const old = await o.store.load(info.id);
  const lastFull = old?.lastFullPass ? Date.parse(old.lastFullPass) : NaN;
  const fullDue = !old || !(o.now.getTime() - lastFull < o.fullPassEveryDays * 86_400_000);
  const rerender = old !== undefined && old.renderVersion !== YOUTUBE_RENDER_VERSION;
  const listUnchanged = old !== undefined && !fullDue && !rerender && old.videoCount === info.videoCount;
  const t = o.transcripts;
  const backlog = new Set(t ? Object.entries(old?.videos ?? {}).flatMap(([id, e]) => (inBacklog(e.transcript, t.access) ? [id] : [])) : []);
  if (old && listUnchanged && !backlog.size) {
    const records = Object.values(old.videos).map((e) => e.record);
    return { added: 0, updated: 0, vanished: 0, unchanged: true, total: records.length, records };
  }
  if (!info.uploadsPlaylistId) throw new Error(`YouTube gave no uploads playlist for ${info.title}.`);
  const known = new Map(Object.entries(old?.videos ?? {}));
  const full = fullDue || rerender;
  // Only a transcript backlog to work off: the uploads list is not asked again.
  const { listed, fetched } = listUnchanged ? { listed: [], fetched: new Map<string, VideoRecord>() } : await fetchChanges(info, info.uploadsPlaylistId, known, full, old?.videoCount, o);

  // 3. What changed.
  const taken = new Set([...known.values()].map((e) => e.note.toLowerCase()));
  const newRecords = [...fetched.values()].filter((v) => !known.has(v.id));
  const names = assignNames(newRecords, taken);
  const next = new Map(known);
  const toWrite = new Map<string, CatalogEntry>();
  const askCaptions = new Set<string>(backlog);
  let updated = 0;
  let vanished = 0;
  for (const v of newRecords) {
    const entry = { record: v, note: names.get(v.id)! };
    next.set(v.id, entry);
    toWrite.set(v.id, entry);
    askCaptions.add(v.id);
  }
  if (full) {
    const inPlaylist = new Set(listed);
    for (const [id, entry] of known) {
      const now = fetched.get(id);
      let record: VideoRecord = entry.record;
      if (now && !sameRecord(now, entry.record)) record = now;
      else if (!now && !inPlaylist.has(id) && entry.record.privacy !== 'unavailable') record = { ...entry.record, privacy: 'unavailable' };
      if (record !== entry.record) {
        if (record.privacy === 'unavailable') vanished++;
        else updated++;
        const changed = { ...entry, record };
        next.set(id, changed);
        toWrite.set(id, changed);
        if (record.privacy !== 'unavailable' && contentChanged(entry.record, record)) askCaptions.add(id);
      } else if (rerender) toWrite.set(id, entry);
    }
  }

  // 3b. Transcripts, before any note that shows them (transcripts.ts).
  if (t) {
    const ask = [...askCaptions].map((id) => next.get(id)!).filter((e) => e.record.privacy !== 'unavailable' && e.transcript?.status !== 'forbidden');
    if (ask.length) o.progress?.(`${info.title}: looking up captions of ${ask.length} videos`, 70);
    const states = await fetchTranscripts(
      ask.map((e) => e.record),
      new Map(ask.map((e) => [e.record.id, e.transcript])),
      { api: o.api, access: t.access, quota: o.quota, store: t.store, signal: o.signal, warn: t.warn },
    );
    for (const [id, state] of states) {
      const entry = next.get(id)!;
      if (JSON.stringify(entry.transcript) === JSON.stringify(state) && !toWrite.has(id)) continue;
      const withState = { ...entry, transcript: state };
      next.set(id, withState);
      toWrite.set(id, withState);
    }
  }

  await writeNotes(info, [...toWrite.values()], next, full ? o.now.toISOString() : old?.lastFullPass, o);
  const entries = [...next.values()];
  return { added: newRecords.length, updated, vanished, unchanged: false, total: next.size, records: entries.map((e) => e.record) };
}

/**
 * 1–2: video ids from the uploads playlist, newest first, and their details, each page's details
 * asked for while the next page is listed (about one round trip per page instead of two).
 */
async function fetchChanges(
  info: ChannelInfo,
  uploads: string,
  known: ReadonlyMap<string, CatalogEntry>,
  full: boolean,
  oldCount: number | undefined,
  o: ChannelSyncOptions,
): Promise<{ listed: string[]; fetched: Map<string, VideoRecord> }> {
  const estimatePages = Math.max(1, Math.ceil((full ? (info.videoCount ?? 0) : 50) / 50));
  o.quota.ensure(estimatePages * 2, `Syncing ${info.title}`);
  const listed: string[] = [];
  const detailCalls: Promise<VideoRecord[]>[] = [];
  const requested = new Set<string>();
  const fetchDetails = (ids: readonly string[]): void => {
    const fresh = ids.filter((id) => !requested.has(id));
    for (const id of fresh) requested.add(id);
    if (!fresh.length) return;
    const call = o.api.videos(fresh, o.signal);
    call.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    detailCalls.push(call);
  };
  let token: string | undefined;
  do {
    o.signal?.throwIfAborted();
    const page = await o.api.uploadsPage(uploads, token, o.signal);
    const firstKnown = full ? -1 : page.videoIds.findIndex((id) => known.has(id));
    const fresh = firstKnown < 0 ? page.videoIds : page.videoIds.slice(0, firstKnown);
    listed.push(...fresh);
    fetchDetails(fresh);
    const expected = full ? Math.max(1, info.videoCount ?? listed.length) : Math.max(1, (info.videoCount ?? 0) - (oldCount ?? 0), listed.length);
    o.progress?.(`${info.title}: ${listed.length} videos listed`, Math.min(40, (listed.length / expected) * 40));
    token = firstKnown < 0 ? page.nextPageToken : undefined;
  } while (token);

  // On a full pass, every known video too: those gone from the playlist may be private or deleted.
  if (full) fetchDetails([...known.keys()]);
  o.progress?.(`${info.title}: reading ${requested.size} videos`, 40);
  const fetched = new Map((await Promise.all(detailCalls)).flat().map((v) => [v.id, v]));
  o.signal?.throwIfAborted();
  return { listed, fetched };
}

/** 4: the video notes, then the channel note, then the catalog (see the file comment). */
async function writeNotes(info: ChannelInfo, toWrite: readonly CatalogEntry[], next: ReadonlyMap<string, CatalogEntry>, lastFullPass: string | undefined, o: ChannelSyncOptions): Promise<void> {
  const channelNote = sanitizeFileName(info.title.replace(LINK_BREAKERS, ' '), { fallback: info.id });
  const dir = o.layout.abs(o.folder);
  await o.fs.mkdir(dir, { recursive: true });
  for (const [i, entry] of toWrite.entries()) {
    o.signal?.throwIfAborted();
    if (i % 50 === 0) o.progress?.(`${info.title}: writing notes (${i} of ${toWrite.length})`, 80 + (i / toWrite.length) * 20);
    const state = entry.transcript;
    const lines = state?.status === 'saved' ? await (o.transcripts?.store ?? o.transcriptStore)?.load(entry.record.id) : undefined;
    await writeFileAtomic(path.join(dir, `${entry.note}.md`), renderVideoNote(entry.record, channelNote, state ? { state, lines } : undefined), { fs: o.fs });
  }
  const entries = [...next.values()];
  await writeFileAtomic(
    path.join(dir, `${channelNote}.md`),
    renderChannelNote(info, entries.map((e) => ({ record: e.record, noteName: e.note })), o.now.toISOString()),
    { fs: o.fs },
  );
  await o.store.save({
    version: 1,
    channelId: info.id,
    renderVersion: YOUTUBE_RENDER_VERSION,
    videoCount: info.videoCount,
    lastFullPass,
    channel: info,
    videos: Object.fromEntries(next),
  });
}
