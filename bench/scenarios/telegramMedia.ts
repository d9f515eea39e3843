/**
 * Benchmark of live Telegram media downloads: one 20 MB document on the Telegram sandbox DC, every request
 * answered 20 ms late (the sandbox's latency fault, on every method), downloaded in the same run by
 *   ours       LiveMediaSource (FileDownloader: parts in parallel through GramJS's download sender, default
 *              settings) into a file under the vault's tmp folder, as live sync does
 *   baseline   GramJS's own `client.downloadMedia(message)` (parts one after another) into memory
 * Only the download is timed (ours: register + locate, the file complete on disk; baseline: downloadMedia
 * returning the buffer). Both run in one child process (this file, started with VA_MEDIA_BENCH_CHILD), with one client whose
 * download sender is warmed up first (a small file through downloadMedia), so neither pays for connecting;
 * the sandbox runs in this process, so its CPU is not the client's. Rounds alternate (baseline, ours, ours,
 * baseline) and each side's best time counts. Both results are checked byte-exact (SHA-256) against the
 * sandbox's bytes. Figures: mediaSpeedupVsDownloadMedia (baseline seconds / ours, goal >= 4), ourSeconds,
 * downloadMediaSeconds, the requests each made and our peak parts in flight.
 *
 * `measureMediaDownload(opts)` is what the telegram-live scenario calls; `run(ctx)` makes this file a
 * scenario of its own (`npm run bench -- --scenario telegramMedia`); `npx tsx bench/scenarios/telegramMedia.ts`
 * runs it standalone and prints the figures.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import bigInt from 'big-integer';
import { Api, Logger, TelegramClient } from 'telegram';
import { LogLevel } from 'telegram/extensions/Logger';
import { StringSession } from 'telegram/sessions';
import { settingsFrom } from '../../shared/settings';
import type { WorkerSettings } from '../../shared/types';
import { LiveMediaSource } from '../../server/engine/connectors/telegram-live/media';
import { closeGramjsClient, registerSandboxRsaKey, startTelegramSandbox } from '../../test/sandbox/telegram';
import { sandboxConnectionClass } from '../../test/sandbox/telegram/gramjs';
import type { BenchContext, Figures } from '../run';

const SELF = __filename;
const MiB = 1024 * 1024;

export interface MediaBenchOptions {
  /** Milliseconds each request waits in the sandbox before its answer (default 20). */
  readonly latencyMs?: number;
  /** Size of the document (default 20 MiB). */
  readonly bytes?: number;
  /** Rounds per side (default 2; the best time counts). */
  readonly rounds?: number;
  readonly log?: (msg: string) => void;
  /** Settings for ours (default: the settings' defaults). */
  readonly settings?: Partial<WorkerSettings>;
  readonly maxPartBytes?: number;
}

export interface MediaBenchResult {
  readonly mediaSpeedupVsDownloadMedia: number;
  readonly ourSeconds: number;
  readonly downloadMediaSeconds: number;
  readonly ourGetFileRequests: number;
  readonly downloadMediaGetFileRequests: number;
  readonly ourPeakPartsInFlight: number;
  /** Least CPU seconds of the client process during one download (both sides decrypt the same bytes). */
  readonly ourCpuSeconds: number;
  readonly downloadMediaCpuSeconds: number;
  readonly mediaBytes: number;
}

interface ChildArgs {
  host: '127.0.0.1';
  port: number;
  dcId: number;
  dcPorts: Record<number, number>;
  session: string;
  apiId: number;
  apiHash: string;
  rsa: { n: string; e: string; fingerprint: string };
  userId: number;
  accessHash: string;
  warmMessageId: number;
  bigMessageId: number;
  sha256: string;
  rounds: number;
  settings: Partial<WorkerSettings>;
  maxPartBytes?: number;
}

type Side = 'ours' | 'downloadMedia';
interface ChildReport {
  times: Record<Side, number[]>;
  /** CPU seconds of the child (user + system) during each download. */
  cpu: Record<Side, number[]>;
  requests: Record<Side, number[]>;
  /** Most getFile requests the sandbox served at once during each download. */
  peaks: Record<Side, number[]>;
}

export async function measureMediaDownload(opts: MediaBenchOptions = {}): Promise<MediaBenchResult> {
  const log = opts.log ?? (() => undefined);
  const bytes = opts.bytes ?? 20 * MiB;
  const sb = await startTelegramSandbox({ seed: 'empty' });
  try {
    const user = sb.model.addUser({ firstName: 'Bench', phone: '15550009999' });
    const peer = { kind: 'user' as const, id: user.id };
    const warm = sb.model.addMessage(peer, { text: 'warm-up', media: { type: 'document', file: sb.model.addDocument({ size: 64 * 1024, fileName: 'warm.bin' }) } });
    const doc = sb.model.addDocument({ size: bytes, fileName: 'bench-20mb.bin' });
    const big = sb.model.addMessage(peer, { text: 'the big file', media: { type: 'document', file: doc } });
    const sha256 = createHash('sha256').update(sb.model.fileBytes(doc)).digest('hex');
    sb.faults.latency(opts.latencyMs ?? 20);
    const args: ChildArgs = {
      host: sb.host,
      port: sb.port,
      dcId: sb.dcId,
      dcPorts: sb.dcPorts,
      session: sb.session,
      apiId: sb.apiId,
      apiHash: sb.apiHash,
      rsa: { n: sb.rsaPublicKey.n.toString('hex'), e: sb.rsaPublicKey.e.toString('hex'), fingerprint: sb.rsaPublicKey.fingerprint.toString() },
      userId: user.id,
      accessHash: user.accessHash.toString(),
      warmMessageId: warm.id,
      bigMessageId: big.id,
      sha256,
      rounds: Math.max(1, opts.rounds ?? 2),
      settings: opts.settings ?? {},
      maxPartBytes: opts.maxPartBytes,
    };
    log(`${(bytes / MiB).toFixed(1)} MiB, ${opts.latencyMs ?? 20} ms a request, ${args.rounds} round(s) a side`);
    const report = await runChild(
      args,
      () => sb.counters.requests('upload.getFile'),
      () => sb.counters.inFlightPeak('upload.getFile'),
      () => sb.counters.reset(),
    );
    const best = (s: Side) => Math.min(...report.times[s]);
    const ours = best('ours');
    const theirs = best('downloadMedia');
    const list = (v: number[]) => v.map((t) => t.toFixed(2)).join(', ');
    log(`downloadMedia: ${list(report.times.downloadMedia)} s (CPU ${list(report.cpu.downloadMedia)} s); ours: ${list(report.times.ours)} s (CPU ${list(report.cpu.ours)} s)`);
    return {
      mediaSpeedupVsDownloadMedia: round(theirs / ours, 2),
      ourSeconds: round(ours, 3),
      downloadMediaSeconds: round(theirs, 3),
      ourGetFileRequests: report.requests.ours[0],
      downloadMediaGetFileRequests: report.requests.downloadMedia[0],
      ourPeakPartsInFlight: Math.max(...report.peaks.ours),
      ourCpuSeconds: round(Math.min(...report.cpu.ours), 3),
      downloadMediaCpuSeconds: round(Math.min(...report.cpu.downloadMedia), 3),
      mediaBytes: bytes,
    };
  } finally {
    await sb.close();
  }
}

/** The scenario on its own (`npm run bench -- --scenario telegramMedia`). */
export async function run(ctx: BenchContext): Promise<Figures> {
  return { ...(await measureMediaDownload({ log: ctx.log, rounds: ctx.quick ? 1 : 2 })) };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Runs the child; between its timed downloads it asks this process for the sandbox's getFile count. */
function runChild(args: ChildArgs, getFiles: () => number, peak: () => number, reset: () => void): Promise<ChildReport> {
  const proc: ChildProcess = fork(SELF, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, VA_MEDIA_BENCH_CHILD: JSON.stringify(args) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.on('message', (m: { count?: boolean; reset?: boolean; done?: ChildReport; error?: string }) => {
      if (m.reset) {
        reset();
        proc.send({ ok: true });
      } else if (m.count) proc.send({ count: { requests: getFiles(), peak: peak() } });
      else if (m.done) resolve(m.done);
      else if (m.error) reject(new Error(m.error));
    });
    proc.on('exit', (code) => reject(new Error(`media bench child exited (${code}) before reporting`)));
  });
}

// ───────────────────────────── child ─────────────────────────────

function askParent<T>(msg: object, field: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (field in m) {
        process.off('message', on);
        resolve(m[field] as T);
      }
    };
    process.on('message', on);
    process.send!(msg);
  });
}

async function childMain(args: ChildArgs): Promise<ChildReport> {
  const rsa = { n: Buffer.from(args.rsa.n, 'hex'), e: Buffer.from(args.rsa.e, 'hex'), fingerprint: BigInt(args.rsa.fingerprint) };
  registerSandboxRsaKey(rsa);
  const connection = sandboxConnectionClass(args);
  const client = new TelegramClient(new StringSession(args.session), args.apiId, args.apiHash, { connection, connectionRetries: 5, baseLogger: new Logger(LogLevel.NONE) });
  const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-bench-media-'));
  try {
    await client.connect();
    const peer = new Api.InputPeerUser({ userId: bigInt(args.userId), accessHash: bigInt(args.accessHash) });
    const [warm, big] = await client.getMessages(peer, { ids: [args.warmMessageId, args.bigMessageId] });
    await client.downloadMedia(warm); // connects GramJS's download sender to the DC, which both sides then use
    const report: ChildReport = { times: { ours: [], downloadMedia: [] }, cpu: { ours: [], downloadMedia: [] }, requests: { ours: [], downloadMedia: [] }, peaks: { ours: [], downloadMedia: [] } };
    const order: Side[] = [];
    for (let r = 0; r < args.rounds; r++) order.push(...((r % 2 === 0 ? ['downloadMedia', 'ours'] : ['ours', 'downloadMedia']) as Side[]));
    for (const side of order) {
      await askParent({ reset: true }, 'ok');
      const timing = { ms: 0, cpu: 0 };
      const sha = side === 'ours' ? await oursOnce(client, peer, big, scratch, args, timing) : await downloadMediaOnce(client, big, timing);
      report.times[side].push(timing.ms / 1000);
      report.cpu[side].push(timing.cpu);
      const counted = await askParent<{ requests: number; peak: number }>({ count: true }, 'count');
      report.requests[side].push(counted.requests);
      report.peaks[side].push(counted.peak);
      if (sha !== args.sha256) throw new Error(`${side}: the downloaded bytes differ from the sandbox's`);
    }
    return report;
  } finally {
    await closeGramjsClient(client).catch(() => undefined);
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}

interface Timing {
  ms: number;
  cpu: number;
}

/** Times `work` alone (wall and CPU seconds); checking the bytes afterwards is not timed. */
async function timed<T>(timing: Timing, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const out = await work();
  timing.ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  timing.cpu = (cpu.user + cpu.system) / 1e6;
  return out;
}

async function downloadMediaOnce(client: TelegramClient, msg: Api.Message, timing: Timing): Promise<string> {
  const bytes = (await timed(timing, () => client.downloadMedia(msg))) as Buffer;
  return createHash('sha256').update(bytes).digest('hex');
}

/** Ours as live sync runs it: register the message's file, locate() it (downloaded whole to the vault's tmp folder). */
async function oursOnce(client: TelegramClient, peer: Api.TypeInputPeer, msg: Api.Message, scratch: string, args: ChildArgs, timing: Timing): Promise<string> {
  const vault = await fsp.mkdtemp(path.join(scratch, 'vault-'));
  const src = await LiveMediaSource.open({
    client,
    vaultRoot: vault,
    settings: settingsFrom(args.settings),
    contentStore: { get: () => undefined, knownSources: () => [] },
    refetch: async () => undefined,
    downloader: { maxPartBytes: args.maxPartBytes },
  });
  const located = await timed(timing, () => src.locate(src.register({ peer, messageId: msg.id, media: msg.media! })));
  if (!located.ok) throw new Error(located.message);
  const sha = createHash('sha256')
    .update(await fsp.readFile(located.source))
    .digest('hex');
  await src.close();
  return sha;
}

const childArgs = process.env.VA_MEDIA_BENCH_CHILD;
if (childArgs) {
  childMain(JSON.parse(childArgs) as ChildArgs).then(
    (done) => {
      process.send!({ done }, () => process.exit(0));
    },
    (err: unknown) => {
      process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1));
    },
  );
} else if (require.main === module) {
  // Tuning experiments: VA_MEDIA_BENCH='{"settings":{"telegramDownloadParts":4},"maxPartBytes":262144,"latencyMs":20}'
  const extra = JSON.parse(process.env.VA_MEDIA_BENCH ?? '{}') as MediaBenchOptions;
  measureMediaDownload({ ...extra, log: (m) => process.stderr.write(`[telegramMedia] ${m}\n`) }).then(
    (r) => {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
