/**
 * Benchmark of syncing YouTube channels: the local Google sandbox (test/sandbox/google) holds
 * 32 channels × 200 public videos (a quarter with chapters) and answers every YouTube route
 * 50 ms late. In one run:
 *   cold       ours: an ArchiveService with the production connectors (createConnectors, the real
 *              @googleapis/youtube client pointed at the sandbox) syncs all 32 channels into an
 *              empty vault (the sources were added first; adding costs one request each and is
 *              counted apart, as addRequests). Three times, each in a fresh process and vault,
 *              spread around the baseline; the median counts (the first vault stays for warm
 *              and new)
 *   baseline   the same cold sync the way a hand-made script does it with the same client: one
 *              channel after another, per channel one channels.list, the uploads playlist paged
 *              (50 a page), then videos.list one id per call, one fs.writeFile per note. No
 *              batching, no cache. With no cache a re-run repeats this request for request, so
 *              the baseline runs the cold sync only (its warm run would take as long again).
 *   default    ours' cold sync again, in a vault of its own, at the setting's default
 *              sourceConcurrency (2): what a user gets without touching it (ours runs at 16, the
 *              setting's maximum, as a user syncing 32 channels would set it)
 *   warm       ours again with nothing new (three times: the median time; every run must ask
 *              the same and write nothing)
 *   new        ours after 3 new videos in 2 channels
 * Requests and quota units are the sandbox's own counters, reset before each phase. Ours and the
 * baseline each run in a child process of their own (this file, started with VA_BENCH_ROLE) and
 * the sandbox in this one, so each side's CPU and memory are its own, as they would be against
 * Google: peakRssMB is the kernel's high-water mark of our process through a cold sync (the
 * highest of the three; RSS is also sampled every 10 ms during it, for the log), not polluted by
 * the sandbox's model or the baseline.
 * The sandbox's daily quota is raised for the run: ours and the baseline share one key here, and
 * the baseline alone spends about two thirds of a real project's 10,000 units.
 * Checks (the run fails loudly otherwise): ours wrote one note per video plus one per channel,
 * each video note naming its video; the warm runs changed no note (inode, mtime and size); the
 * new-videos run wrote exactly the 3 new notes and the 2 channel notes; the engine's own quota
 * count equals what the sandbox charged it; the baseline wrote every video too.
 * Figures: coldSpeedup (baseline time / ours), coldRequests, warmRequests, warmQuotaUnits,
 * warmSeconds, newVideosRequests, peakRssMB, and what explains them: requests by route, our CPU
 * time during the cold sync (coldCpuSeconds: with the sandbox's latency hidden by concurrency,
 * rendering and writing 6,432 notes is most of the cold sync). Goals: coldSpeedup >= 10,
 * warmRequests <= 2, warmQuotaUnits <= 2.
 * Sheets: the mirror alone (measureSheets: 3,200 rows into a fresh tab, then a rerun), and a group
 * of 8 channels in one tab through the connector (bench/sheetsGroup.ts).
 * `--quick` (CI's smoke run): 4 channels × 50 videos, 5 ms latency.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import type { BenchContext, Figures } from '../run';

/** sourceConcurrency for ours: the setting's maximum, what a user syncing 32 channels at once would choose. */
const SOURCE_CONCURRENCY = 16;
const WARM_RUNS = 3;
const defaultSourceConcurrency = defaultSettings.sourceConcurrency;

export interface Size {
  readonly channels: number;
  readonly videos: number;
  readonly latencyMs: number;
}

// ───────────────────────────── messages between the bench and its children ─────────────────────────────

type Request =
  | { cmd: 'add'; channelIds: string[] }
  | { cmd: 'sync' }
  | { cmd: 'baseline'; channelIds: string[] }
  | { cmd: 'exit' };

interface SyncReply {
  readonly ms: number;
  readonly itemsAdded: number;
  readonly errors: string[];
  readonly sources: number;
  /** Kernel high-water mark of the child's RSS so far (MB). */
  readonly maxRssMB: number;
  /** Highest sampled RSS during this sync, and RSS when it started (MB). */
  readonly sampledPeakRssMB: number;
  readonly rssBeforeMB: number;
  /** CPU time (user + system) of our process during this sync (ms). */
  readonly cpuMs: number;
}

interface BaselineReply {
  readonly ms: number;
  readonly notes: number;
  readonly maxRssMB: number;
}

type Role = 'ours' | 'baseline';

interface ChildArgs {
  readonly vault: string;
  readonly rootUrl: string;
  readonly apiKey: string;
  readonly sourceConcurrency: number;
}

const SELF = __filename;

export async function run(ctx: BenchContext): Promise<Figures> {
  return ctx.quick
    ? measure(ctx, { channels: 4, videos: 50, latencyMs: 5 }, { coldRuns: 1 })
    : measure(ctx, { channels: 32, videos: 200, latencyMs: 50 });
}

/** The whole scenario at a given size; `baseline: false` skips the (slow) baseline, for looking into ours alone. */
export async function measure(ctx: BenchContext, size: Size, options: { baseline?: boolean; coldRuns?: number } = {}): Promise<Figures> {
  const coldRuns = options.coldRuns ?? 3;
  const { startGoogleSandbox } = await import('../../test/sandbox/google');
  const sb = await startGoogleSandbox({ seed: 'empty', dailyQuota: 1_000_000 });
  const children: Child[] = [];
  const start = async (role: Role, vault: string, sourceConcurrency = SOURCE_CONCURRENCY): Promise<Child> => {
    await fsp.mkdir(vault, { recursive: true });
    const child = await Child.start(role, { vault, rootUrl: sb.rootUrl, apiKey: sb.apiKey, sourceConcurrency });
    children.push(child);
    return child;
  };
  /** One sync by `child`, with the sandbox's counts and CPU time for it. */
  const sync = async (child: Child): Promise<{ reply: SyncReply; counts: PhaseCounts; sandboxCpuMs: number }> => {
    sb.counters.reset();
    const cpu = process.cpuUsage();
    const reply = (await child.ask({ cmd: 'sync' })) as SyncReply;
    const used = process.cpuUsage(cpu);
    return { reply, counts: counts(sb), sandboxCpuMs: (used.user + used.system) / 1000 };
  };
  const describe = (r: Awaited<ReturnType<typeof sync>>) =>
    `${(r.reply.ms / 1000).toFixed(3)} s (CPU: ours ${(r.reply.cpuMs / 1000).toFixed(2)} s, the sandbox's ${(r.sandboxCpuMs / 1000).toFixed(2)} s), ${r.counts.requests} requests (${r.counts.routes})`;
  try {
    const world = buildWorld(sb.youtube, size);
    sb.faults.latency('youtube.*', size.latencyMs);
    ctx.log(`sandbox: ${size.channels} channels × ${size.videos} videos, ${size.latencyMs} ms per request`);

    /** A cold sync by a fresh child into a fresh vault: add every channel (which asks YouTube too: counted apart), then sync. */
    const coldRun = async (name: string, sourceConcurrency: number) => {
      const vault = path.join(ctx.workDir, `vault-${name}`);
      const child = await start('ours', vault, sourceConcurrency);
      sb.counters.reset();
      await child.ask({ cmd: 'add', channelIds: world.channelIds });
      const added = counts(sb);
      const r = await sync(child);
      ctx.log(`ours cold (${name}), sourceConcurrency ${sourceConcurrency}: ${describe(r)}; peak RSS ${r.reply.maxRssMB.toFixed(0)} MB (sampled: ${r.reply.sampledPeakRssMB.toFixed(0)} MB, ${r.reply.rssBeforeMB.toFixed(0)} MB before)`);
      checkSync(`cold sync (${name})`, r.reply, size.channels * size.videos);
      const notes = await checkVault(vault, world, size);
      return { ...r, child, vault, added, notes };
    };

    // Ours, cold: the first vault stays for the warm and new-videos runs; further runs (spread
    // around the baseline, so a slow spell of this shared machine does not land on one side
    // only) give the median.
    const cold = await coldRun('ours', SOURCE_CONCURRENCY);
    const { vault: oursVault, child: ours, notes: afterCold } = cold;
    const colds = [cold];
    const again = async () => {
      const r = await coldRun(`ours-${colds.length + 1}`, SOURCE_CONCURRENCY);
      await r.child.stop();
      await fsp.rm(r.vault, { recursive: true, force: true });
      expect(r.counts.requests === cold.counts.requests, `cold sync ${colds.length + 1} made ${r.counts.requests} requests, the first ${cold.counts.requests}`);
      colds.push(r);
    };

    // The baseline, on the same world (nothing has changed since ours ran).
    let base: BaselineReply | undefined;
    let baseCounts: PhaseCounts | undefined;
    if (options.baseline !== false) {
      const baseline = await start('baseline', path.join(ctx.workDir, 'vault-baseline'));
      ctx.log(`baseline: ${size.channels} channels one after another, ${size.videos + 1 + Math.ceil(size.videos / 50)} requests each...`);
      sb.counters.reset();
      base = (await baseline.ask({ cmd: 'baseline', channelIds: world.channelIds })) as BaselineReply;
      baseCounts = counts(sb);
      await baseline.stop();
      ctx.log(`baseline: ${(base.ms / 1000).toFixed(2)} s, ${baseCounts.requests} requests (${baseCounts.routes}), peak RSS ${base.maxRssMB.toFixed(0)} MB`);
      expect(base.notes === size.channels * (size.videos + 1), `the baseline wrote ${base.notes} notes, expected ${size.channels * (size.videos + 1)}`);
    }
    if (colds.length < coldRuns) await again();

    // The same cold sync at the setting's default, for what a user gets without touching it.
    const coldDefault = await coldRun('default', defaultSourceConcurrency);
    await coldDefault.child.stop();
    await fsp.rm(coldDefault.vault, { recursive: true, force: true });
    expect(coldDefault.counts.requests === cold.counts.requests, `the default concurrency made ${coldDefault.counts.requests} requests, ${SOURCE_CONCURRENCY} made ${cold.counts.requests}`);
    while (colds.length < coldRuns) await again();
    const coldMs = median(colds.map((c) => c.reply.ms));

    // Warm re-syncs: nothing new, so nothing written.
    const warm: Awaited<ReturnType<typeof sync>>[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      const w = await sync(ours);
      warm.push(w);
      ctx.log(`ours warm ${i + 1}: ${describe(w)}`);
      checkSync(`warm sync ${i + 1}`, w.reply, 0);
      expect(w.counts.requests === warm[0]!.counts.requests, `warm sync ${i + 1} made ${w.counts.requests} requests, the first ${warm[0]!.counts.requests}`);
      const changed = diffNotes(afterCold, await noteStats(oursVault));
      expect(changed.length === 0, `warm sync ${i + 1} wrote notes: ${changed.slice(0, 5).join(', ')}`);
    }

    // Three new videos in two channels: exactly their notes and the two channel notes are written.
    const fresh = addFreshVideos(sb.youtube, world, size);
    const after = await sync(ours);
    ctx.log(`ours after 3 new videos: ${describe(after)}`);
    checkSync('new-videos sync', after.reply, fresh.length);
    const changed = diffNotes(afterCold, await noteStats(oursVault)).sort();
    const newNotes = changed.filter((p) => !afterCold.has(p));
    expect(changed.length === 5 && newNotes.length === 3, `after 3 new videos in 2 channels, expected 3 new notes and 2 channel notes rewritten; changed: ${changed.join(', ')}`);
    const newIds = new Set(await Promise.all(newNotes.map(async (p) => videoIdOf(await fsp.readFile(path.join(oursVault, p), 'utf8')))));
    expect(fresh.every((id) => newIds.has(id)), `the new notes name ${[...newIds].join(', ')}, expected ${fresh.join(', ')}`);
    for (const p of changed.filter((q) => afterCold.has(q))) {
      expect(videoIdOf(await fsp.readFile(path.join(oursVault, p), 'utf8')) === undefined, `the new-videos sync rewrote the video note ${p}`);
    }

    // The engine's quota count (quota.json) against what the sandbox charged it.
    const engineUnits = await engineQuotaUsed(oursVault);
    const charged = cold.added.units + cold.counts.units + warm.reduce((s, w) => s + w.counts.units, 0) + after.counts.units;
    expect(engineUnits === charged, `the engine counted ${engineUnits} quota units, the sandbox charged it ${charged}`);

    const sheets = await measureSheets(sb, ctx.quick ? 400 : 3_200);
    const { measureSheetsGroup } = await import('../sheetsGroup');
    const group = await measureSheetsGroup(sb, world.channelIds.slice(0, Math.min(8, world.channelIds.length)), ctx.workDir);
    ctx.log(`sheets group: ${JSON.stringify(group)}`);
    const warmMs = warm.map((w) => w.reply.ms);
    return {
      channels: size.channels,
      videosPerChannel: size.videos,
      latencyMs: size.latencyMs,
      sourceConcurrency: SOURCE_CONCURRENCY,
      coldSeconds: round(coldMs / 1000),
      coldSecondsRuns: colds.map((c) => (c.reply.ms / 1000).toFixed(2)).join(' / '),
      ...(base && baseCounts
        ? {
            baselineSeconds: round(base.ms / 1000),
            coldSpeedup: round(base.ms / coldMs),
            baselineRequests: baseCounts.requests,
            baselineQuotaUnits: baseCounts.units,
            baselinePeakRssMB: Math.round(base.maxRssMB),
          }
        : {}),
      coldRequests: cold.counts.requests,
      coldQuotaUnits: cold.counts.units,
      coldRequestsByRoute: cold.counts.routes,
      coldCpuSeconds: round(median(colds.map((c) => c.reply.cpuMs)) / 1000),
      coldSecondsDefaultConcurrency: round(coldDefault.reply.ms / 1000),
      defaultSourceConcurrency,
      notesWritten: afterCold.size,
      warmRequests: warm[0]!.counts.requests,
      warmQuotaUnits: warm[0]!.counts.units,
      warmSeconds: round(median(warmMs) / 1000, 3),
      warmSecondsRuns: warmMs.map((ms) => (ms / 1000).toFixed(3)).join(' / '),
      newVideosRequests: after.counts.requests,
      newVideosQuotaUnits: after.counts.units,
      newVideosRequestsByRoute: after.counts.routes,
      newVideosSeconds: round(after.reply.ms / 1000, 3),
      addRequests: cold.added.requests,
      peakRssMB: Math.round(Math.max(...colds.map((c) => c.reply.maxRssMB))),
      rssBeforeColdMB: Math.round(cold.reply.rssBeforeMB),
      ...sheets,
      ...group,
    };
  } finally {
    for (const child of children) await child.stop();
    await sb.close();
  }
}

/**
 * The Sheets mirror on its own, through the production module and the real @googleapis/sheets
 * client: `rows` new videos into a fresh tab (a service account, the spreadsheet shared with it),
 * then a rerun with nothing new. Counts are the sandbox's.
 */
async function measureSheets(sb: import('../../test/sandbox/google').GoogleSandbox, rows: number): Promise<Figures> {
  const { createSheetsAuth, createSheetsClient } = await import('../../server/engine/connectors/youtube/sheets/sheetsAuth');
  const { mirrorVideos } = await import('../../server/engine/connectors/youtube/sheets/sheetsMirror');
  const key = sb.serviceAccounts.create('bench');
  const spreadsheetId = sb.sheets.createSpreadsheet({ title: 'Catalog', sharedWith: [key.client_email] }).spreadsheetId;
  const sheetsAuth = createSheetsAuth({ kind: 'serviceAccount', keyJson: JSON.stringify(key) }, { tokenUrl: sb.oauth.tokenUrl });
  const client = createSheetsClient(sheetsAuth, { rootUrl: sb.rootUrl });
  const videos = Array.from({ length: rows }, (_, i) => ({
    id: `v${String(i).padStart(9, '0')}A`,
    channelId: 'UCbenchChannel000000000A',
    channelTitle: 'Bench channel',
    title: `Video ${i}: a title of ordinary length for a catalog row`,
    description: '',
    publishedAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
    durationSeconds: 60 + (i % 3600),
    views: i * 17,
    likes: i,
    comments: i % 50,
    tags: [],
    privacy: i % 97 === 0 ? ('unlisted' as const) : ('public' as const),
  }));
  const target = { spreadsheetId, sheetTitle: 'Videos' };
  sb.counters.reset();
  const started = process.hrtime.bigint();
  const first = await mirrorVideos(client, target, videos, { account: sheetsAuth.account });
  const firstMs = Number(process.hrtime.bigint() - started) / 1e6;
  expect(first.appended === rows, `the mirror appended ${first.appended} of ${rows} rows`);
  expect(sb.sheets.values(spreadsheetId, 'Videos!A:A').length === rows + 1, 'the tab does not hold a header and one row per video');
  const appendCalls = sb.counters.requests('sheets.spreadsheets.values.append');
  const formatCalls = sb.sheets.appliedRequests(spreadsheetId, 'addConditionalFormatRule').length;
  const setupCalls = sb.counters.requests('sheets.spreadsheets.batchUpdate') - formatCalls;
  sb.counters.reset();
  await mirrorVideos(client, target, videos, { account: sheetsAuth.account });
  const log = sb.log().filter((r) => r.route.startsWith('sheets.'));
  const rerunWrites = log.filter((r) => r.method !== 'GET').length;
  return {
    sheetsRows: rows,
    sheetsAppendCalls: appendCalls,
    sheetsFormatCalls: formatCalls,
    sheetsSetupCalls: setupCalls,
    sheetsSeconds: round(firstMs / 1000),
    sheetsRerunWrites: rerunWrites,
    sheetsRerunReads: log.length - rerunWrites,
  };
}

function checkSync(what: string, r: SyncReply, added: number): void {
  expect(r.errors.length === 0, `${what}: ${r.errors.slice(0, 3).join(' | ')}`);
  expect(r.itemsAdded === added, `${what} added ${r.itemsAdded} videos, expected ${added}`);
}

function expect(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(`youtube bench check failed: ${message}`);
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface PhaseCounts {
  readonly requests: number;
  readonly units: number;
  /** `channels 1 / playlistItems 128 / videos 128`. */
  readonly routes: string;
}

function counts(sb: import('../../test/sandbox/google').GoogleSandbox): PhaseCounts {
  const routes = Object.entries(sb.counters.byRoute())
    .filter(([route]) => route.startsWith('youtube.'))
    .map(([route, c]) => `${route.slice('youtube.'.length).replace(/\.list$/, '')} ${c.requests}`)
    .join(' / ');
  return { requests: sb.counters.requests('youtube.*'), units: sb.counters.quotaUsed('youtube.*'), routes: routes || 'none' };
}

// ───────────────────────────── the sandbox's world ─────────────────────────────

interface World {
  readonly channelIds: string[];
  /** Video ids per channel. */
  readonly videos: Map<string, Set<string>>;
}

const SUBJECTS = [
  'Woodworking', 'Sourdough', 'Astronomy', 'Bike Repair', 'Urban Gardening', 'Chess', 'Watercolor', 'Home Electronics',
  'Mountain Hiking', 'Japanese Cooking', 'Guitar', 'Birdwatching', 'Pottery', 'Linux Admin', 'Fermentation', 'Film Photography',
  'Beekeeping', 'Sewing', 'Climbing', 'Coffee', 'Math Puzzles', 'Synthesizers', 'Houseplants', 'Kayaking',
  'Bookbinding', 'Retro Games', 'Knife Sharpening', 'Calligraphy', 'Van Life', 'Rust Programming', 'Mushroom Foraging', 'Tiny Houses',
];
const FORMATS = ['Beginner guide to', 'Ten mistakes in', 'Live Q&A:', 'Deep dive:', 'Weekend project:', 'Myths about', 'Tools for', 'A year of'];
const ANGLES = ['on a budget', 'the hard way', 'explained simply', 'in 15 minutes', 'with kids', 'for the second time', 'what nobody tells you', 'part 2'];
const CHAPTER_NAMES = ['Intro', 'What you need', 'Setup', 'First attempt', 'What went wrong', 'Second attempt', 'Results', 'Viewer questions', 'Outro'];

function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function description(subject: string, title: string, seconds: number, n: number, withChapters: boolean): string {
  const lines = [
    `${title}. In this episode of our ${subject.toLowerCase()} series we go through it step by step, with everything we learned since the last video.`,
    '',
    `Support the channel: https://example.com/support?ref=${n}`,
    `Gear list: https://example.com/gear/${subject.toLowerCase().replace(/\s+/g, '-')}`,
  ];
  if (withChapters) {
    const count = 3 + (n % 5);
    lines.push('', 'Chapters:');
    for (let i = 0; i < count; i++) lines.push(`${clock(Math.floor((seconds * i) / count))} ${CHAPTER_NAMES[i === count - 1 ? CHAPTER_NAMES.length - 1 : i]}`);
  }
  lines.push('', `#${subject.replace(/\s+/g, '')} #howto #diy`);
  return lines.join('\n');
}

function isoDuration(s: number): string {
  return `PT${Math.floor(s / 3600) ? `${Math.floor(s / 3600)}H` : ''}${Math.floor((s % 3600) / 60)}M${s % 60}S`;
}

/** `channels` channels of `videos` public videos each; deterministic apart from the sandbox's ids. */
function buildWorld(yt: import('../../test/sandbox/google').YouTubeModel, size: Size): World {
  const channelIds: string[] = [];
  const videos = new Map<string, Set<string>>();
  const newest = Date.now() - 86_400_000;
  for (let c = 0; c < size.channels; c++) {
    const subject = SUBJECTS[c % SUBJECTS.length]!;
    const title = c < SUBJECTS.length ? `${subject} Workshop` : `${subject} Workshop ${Math.floor(c / SUBJECTS.length) + 1}`;
    const channel = yt.addChannel({
      title,
      handle: title.replace(/\s+/g, ''),
      description: `Weekly videos about ${subject.toLowerCase()}: guides, experiments and honest mistakes.\nBusiness: hello@example.com`,
      publishedAt: new Date(Date.UTC(2012 + (c % 10), c % 12, 1 + c)).toISOString().replace('.000', ''),
      subscriberCount: 1_000 + c * 7_919,
      hiddenSubscriberCount: c % 9 === 8,
    });
    channelIds.push(channel.id);
    const ids = new Set<string>();
    for (let i = 0; i < size.videos; i++) {
      const n = c * 1000 + i;
      const videoTitle = `${FORMATS[n % FORMATS.length]} ${subject.toLowerCase()} ${ANGLES[(n >> 3) % ANGLES.length]} (#${size.videos - i})`;
      const seconds = 240 + ((n * 97) % 3000);
      const v = yt.addVideo({
        channelId: channel.id,
        title: videoTitle,
        description: description(subject, videoTitle, seconds, n, i % 4 === 0),
        // Newest first, one every three days.
        publishedAt: new Date(newest - i * 3 * 86_400_000 - c * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        duration: isoDuration(seconds),
        viewCount: 500 + ((n * 7_901) % 250_000),
        likeCount: i % 11 === 5 ? null : 20 + ((n * 31) % 9_000),
        commentCount: i % 13 === 7 ? null : (n * 17) % 800,
        tags: [subject.toLowerCase(), 'diy', `episode ${size.videos - i}`],
      });
      ids.add(v.id);
    }
    videos.set(channel.id, ids);
  }
  return { channelIds, videos };
}

/** Two new videos in the first channel, one in the second; returns their ids. */
function addFreshVideos(yt: import('../../test/sandbox/google').YouTubeModel, world: World, size: Size): string[] {
  const out: string[] = [];
  const plan: [number, number][] = [[0, 0], [0, 1], [1, 0]];
  for (const [c, k] of plan) {
    const channelId = world.channelIds[c]!;
    const title = `Fresh upload ${k + 1}: what changed this week (#${size.videos + k + 1})`;
    const v = yt.addVideo({
      channelId,
      title,
      description: description(SUBJECTS[c]!, title, 900, k, k === 0),
      publishedAt: new Date(Date.now() - (2 - k) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      duration: isoDuration(900),
      viewCount: 10,
      likeCount: 1,
      commentCount: 0,
    });
    world.videos.get(channelId)!.add(v.id);
    out.push(v.id);
  }
  return out;
}

// ───────────────────────────── what the vault holds ─────────────────────────────

/** Every note under the vault's YouTube/ folder: relative path → inode, mtime (ns) and size. */
async function noteStats(vault: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.md')) {
        const st = await fsp.stat(p, { bigint: true });
        out.set(path.relative(vault, p), `${st.ino}:${st.mtimeNs}:${st.size}`);
      }
    }
  };
  await walk(path.join(vault, 'YouTube'));
  return out;
}

/** Notes added, removed or rewritten between two listings. */
function diffNotes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = [...after].filter(([p, s]) => before.get(p) !== s).map(([p]) => p);
  return [...changed, ...[...before.keys()].filter((p) => !after.has(p))];
}

function videoIdOf(note: string): string | undefined {
  return /^video_id: (\S+)$/m.exec(note)?.[1];
}

/** One folder per channel holding one note per video (naming it) and the channel's note. */
async function checkVault(vault: string, world: World, size: Size): Promise<Map<string, string>> {
  const stats = await noteStats(vault);
  expect(stats.size === size.channels * (size.videos + 1), `ours wrote ${stats.size} notes, expected ${size.channels * (size.videos + 1)} (${size.videos} per channel plus its note)`);
  const seen = new Set<string>();
  let channelNotes = 0;
  for (const rel of stats.keys()) {
    const id = videoIdOf(await fsp.readFile(path.join(vault, rel), 'utf8'));
    if (id === undefined) channelNotes++;
    else seen.add(id);
  }
  const all = [...world.videos.values()].flatMap((s) => [...s]);
  expect(channelNotes === size.channels, `${channelNotes} channel notes, expected ${size.channels}`);
  expect(seen.size === all.length && all.every((id) => seen.has(id)), `the video notes name ${seen.size} distinct videos, expected ${all.length}`);
  return stats;
}

async function engineQuotaUsed(vault: string): Promise<number> {
  const file = path.join(vault, '.vault-archiver', 'youtube', 'quota.json');
  return Number((JSON.parse(await fsp.readFile(file, 'utf8')) as { used: number }).used);
}

// ───────────────────────────── children ─────────────────────────────

class Child {
  private constructor(private readonly proc: ChildProcess) {}

  static async start(role: Role, args: ChildArgs): Promise<Child> {
    const proc = fork(SELF, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, VA_BENCH_ROLE: role, VA_BENCH_ARGS: JSON.stringify(args) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(proc);
    await child.next(); // 'ready': the engine or the client is loaded
    return child;
  }

  private next(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { ok?: unknown; error?: string }) => {
        cleanup();
        if (m.error !== undefined) reject(new Error(m.error));
        else resolve(m.ok);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`bench child exited (${code}) before answering`));
      };
      const cleanup = () => {
        this.proc.off('message', onMessage);
        this.proc.off('exit', onExit);
      };
      this.proc.on('message', onMessage);
      this.proc.on('exit', onExit);
    });
  }

  ask(req: Request): Promise<unknown> {
    const answer = this.next();
    this.proc.send(req);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    if (this.proc.connected) this.proc.send({ cmd: 'exit' } satisfies Request);
    else this.proc.kill();
    await exited;
  }
}

// ───────────────────────────── child side ─────────────────────────────

const mb = (bytes: number) => bytes / 2 ** 20;
/** maxRSS is in kilobytes on Linux and macOS. */
const kernelPeakRssMB = () => process.resourceUsage().maxRSS / 1024;

async function oursMain(args: ChildArgs): Promise<(req: Request) => Promise<unknown>> {
  const fs = await import('node:fs/promises');
  const { settingsFrom } = await import('../../shared/settings');
  const { MetricsRecorder } = await import('../../server/engine/metrics');
  const { createConnectors, realImporter } = await import('../../server/engine/parts');
  const { ArchiveService } = await import('../../server/engine/service/archiveService');
  const { nodeVaultFs } = await import('../../server/engine/vault/vaultFs');
  const { vaultLockAcquirer } = await import('../../server/engine/vault/vaultLock');
  const service = new ArchiveService({
    workspaceRoot: args.vault,
    // As the CLI builds it: the vault is its own workspace, the writer takes the vault lock.
    settings: settingsFrom({ vaultFolder: '.', sourceConcurrency: args.sourceConcurrency }),
    trusted: true,
    fs,
    connectors: createConnectors(realImporter, nodeVaultFs, {
      youtubeApiKey: async () => args.apiKey,
      missingYouTubeKeyHelp: 'The bench sets the sandbox key.',
      googleRootUrl: args.rootUrl,
    }),
    metrics: new MetricsRecorder(),
    acquireLock: vaultLockAcquirer({ holder: 'youtube bench', wait: false }),
    events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: () => undefined },
  });
  return async (req) => {
    if (req.cmd === 'add') {
      for (const id of req.channelIds) await service.addSource('youtube', id);
      return (await service.listSources()).length;
    }
    if (req.cmd !== 'sync') throw new Error(`ours cannot ${req.cmd}`);
    const rssBefore = process.memoryUsage.rss();
    let sampled = rssBefore;
    const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 10);
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    try {
      const summary = await service.sync(undefined);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuUsed = process.cpuUsage(cpu);
      sampled = Math.max(sampled, process.memoryUsage.rss());
      return {
        ms,
        itemsAdded: summary.sources.reduce((s, r) => s + r.itemsAdded, 0),
        errors: summary.sources.filter((r) => r.error).map((r) => `${r.id}: ${r.error}`),
        sources: summary.sources.length,
        maxRssMB: kernelPeakRssMB(),
        sampledPeakRssMB: mb(sampled),
        rssBeforeMB: mb(rssBefore),
        cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
      } satisfies SyncReply;
    } finally {
      clearInterval(sampler);
    }
  };
}

/** The hand-made script: sequential, unbatched, uncached, with the same client. */
async function baselineMain(args: ChildArgs): Promise<(req: Request) => Promise<unknown>> {
  const { youtube } = await import('@googleapis/youtube');
  return async (req) => {
    if (req.cmd !== 'baseline') throw new Error(`the baseline cannot ${req.cmd}`);
    const started = process.hrtime.bigint();
    const yt = youtube({ version: 'v3', auth: args.apiKey, rootUrl: args.rootUrl });
    const parts = ['snippet', 'contentDetails', 'statistics'];
    let notes = 0;
    for (const channelId of req.channelIds) {
      const channel = (await yt.channels.list({ part: parts, id: [channelId] })).data.items?.[0];
      const uploads = channel?.contentDetails?.relatedPlaylists?.uploads;
      if (!channel || !uploads) throw new Error(`baseline: no channel ${channelId}`);
      const title = channel.snippet?.title ?? channelId;
      const dir = path.join(args.vault, 'YouTube', title.replace(/[\\/:*?"<>|]/g, '_'));
      await fsp.mkdir(dir, { recursive: true });
      const ids: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await yt.playlistItems.list({ part: ['contentDetails'], playlistId: uploads, maxResults: 50, pageToken });
        for (const item of page.data.items ?? []) if (item.contentDetails?.videoId) ids.push(item.contentDetails.videoId);
        pageToken = page.data.nextPageToken ?? undefined;
      } while (pageToken);
      const listed: string[] = [];
      for (const id of ids) {
        const v = (await yt.videos.list({ part: [...parts, 'status'], id: [id] })).data.items?.[0];
        if (!v) continue;
        const s = v.snippet ?? {};
        const note = [
          '---',
          `video_id: ${id}`,
          `title: ${JSON.stringify(s.title ?? '')}`,
          `published: ${s.publishedAt ?? ''}`,
          `duration: ${v.contentDetails?.duration ?? ''}`,
          `views: ${v.statistics?.viewCount ?? ''}`,
          `url: https://www.youtube.com/watch?v=${id}`,
          '---',
          '',
          `# ${s.title ?? id}`,
          '',
          s.description ?? '',
          '',
        ].join('\n');
        await fsp.writeFile(path.join(dir, `${id}.md`), note);
        listed.push(`- ${s.publishedAt?.slice(0, 10) ?? ''} [[${id}|${s.title ?? id}]]`);
        notes++;
      }
      await fsp.writeFile(path.join(dir, `${title}.md`), [`# ${title}`, '', channel.snippet?.description ?? '', '', ...listed, ''].join('\n'));
      notes++;
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, notes, maxRssMB: kernelPeakRssMB() } satisfies BaselineReply;
  };
}

const role = process.env.VA_BENCH_ROLE;
if (role === 'ours' || role === 'baseline') {
  const args = JSON.parse(process.env.VA_BENCH_ARGS ?? '{}') as ChildArgs;
  const reply = (m: { ok?: unknown; error?: string }) => process.send!(m);
  (role === 'ours' ? oursMain(args) : baselineMain(args)).then(
    (handle) => {
      process.on('message', (req: Request) => {
        if (req.cmd === 'exit') process.exit(0);
        handle(req).then(
          (ok) => reply({ ok }),
          (err: unknown) => reply({ error: `${role}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` }),
        );
      });
      reply({ ok: 'ready' });
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
