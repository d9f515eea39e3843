/**
 * Benchmark of live Telegram sync: the sandbox DC (test/sandbox/telegram) holds one supergroup of
 * 100,000 messages (a mix as in real chats: plain text, text with entities, replies, photos every
 * ~30 messages, three messages a second) and answers every request 20 ms late. In one run, each
 * side in a child process of its own (this file, started with VA_BENCH_ROLE) talking to the
 * sandbox in this one over TCP through the real GramJS client:
 *   bare   GramJS's ceiling: a loop of Api.messages.GetHistory (100 a page, by offset_id) over
 *          the whole chat that does nothing with the messages
 *   ours   ArchiveService + LiveTelegramConnector, the production access (access.ts) signed in
 *          with the sandbox's session, backfill unlimited: the whole chat read, converted, rendered and written into
 *          notes. Media: the tests' placeholder registry (a small file per photo), since downloads
 *          are tg-media's module.
 * bare, ours, bare, ours: each side's figure is the better of its two runs (one each with --quick).
 * Figures: messagesPerSecond (ours), bareMessagesPerSecond, ratioToBareLoop (ours / bare; goal
 * >= 0.8), peakRssMB (the kernel's high-water mark of our child), requests of each side.
 * mediaSpeedupVsDownloadMedia (a 20 MB file, ours vs GramJS downloadMedia; goal >= 4): measured by
 * telegramMedia.ts in the same run (4 MB at 5 ms with --quick).
 * `--quick` (CI's smoke run): 5,000 messages, 5 ms latency.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { BenchContext, Figures } from '../run';

interface Size {
  readonly messages: number;
  readonly latencyMs: number;
}

interface ChildArgs {
  readonly accessFile: string;
  readonly vault: string;
  readonly ref: string;
  readonly username: string;
}

interface ChildResult {
  readonly ms: number;
  readonly messages: number;
  readonly peakRssMB: number;
}

/** The media half: a 20 MB document downloaded by live sync's downloader and by GramJS's downloadMedia. */
async function mediaFigures(quick: boolean, log: (line: string) => void): Promise<Figures> {
  const { measureMediaDownload } = await import('./telegramMedia');
  const r = await measureMediaDownload({ log, rounds: quick ? 1 : 2, ...(quick ? { bytes: 4 * 1024 * 1024, latencyMs: 5 } : {}) });
  return { mediaSpeedupVsDownloadMedia: r.mediaSpeedupVsDownloadMedia, mediaOurSeconds: r.ourSeconds, mediaDownloadMediaSeconds: r.downloadMediaSeconds };
}

export async function run(ctx: BenchContext): Promise<Figures> {
  const messages = await measure(ctx, ctx.quick ? { messages: 5_000, latencyMs: 5 } : { messages: 100_000, latencyMs: 20 }, ctx.quick ? 1 : 2);
  // In a process of its own, as `--scenario telegramMedia` runs it: the media sandbox answering from
  // this process, whose heap the 100k-message half has grown, spends its time in garbage collection,
  // which slowed both sides by the same seconds (3.7-4x here where a fresh process measures 4.5-6.5x).
  return { ...messages, ...(await mediaInChild(ctx)) };
}

function mediaInChild(ctx: BenchContext): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, VA_BENCH_ROLE: 'media', VA_BENCH_ARGS: JSON.stringify({ quick: ctx.quick }) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.on('message', (m: { log?: string; ok?: Figures; error?: string }) => {
      if (m.log !== undefined) ctx.log(m.log);
      else if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.ok!);
    });
    proc.once('exit', (code) => code !== 0 && reject(new Error(`bench child media exited (${code})`)));
  });
}

async function measure(ctx: BenchContext, size: Size, rounds: number): Promise<Figures> {
  const { startTelegramSandbox } = await import('../../test/sandbox/telegram');
  const sb = await startTelegramSandbox({ seed: 'empty' });
  try {
    const chat = fillChat(sb, size.messages);
    sb.faults.latency(size.latencyMs, { times: Infinity });
    const { telegramSandboxInfo } = await import('../../test/sandbox/telegram');
    const accessFile = path.join(ctx.workDir, 'access.json');
    // What the children sign in with: the session and credentials, and the sandbox as the server.
    await fs.writeFile(accessFile, JSON.stringify({ session: sb.session, apiId: sb.apiId, apiHash: sb.apiHash, server: telegramSandboxInfo(sb) }), { mode: 0o600 });
    const bare: ChildResult[] = [];
    const ours: ChildResult[] = [];
    const requests = { bare: 0, ours: 0 };
    for (let r = 0; r < rounds; r++) {
      sb.counters.reset();
      bare.push(await child('bare', { accessFile, vault: '', ref: String(chat.id), username: chat.username }));
      requests.bare = sb.counters.requests();
      ctx.log(`bare loop: ${bare[r].messages} messages in ${(bare[r].ms / 1000).toFixed(2)} s`);
      sb.counters.reset();
      const vault = path.join(ctx.workDir, `vault-${r}`);
      await fs.mkdir(vault, { recursive: true });
      ours.push(await child('ours', { accessFile, vault, ref: String(chat.id), username: chat.username }));
      requests.ours = sb.counters.requests();
      ctx.log(`ours: ${ours[r].messages} messages in ${(ours[r].ms / 1000).toFixed(2)} s, peak RSS ${ours[r].peakRssMB.toFixed(0)} MB`);
      if (ours[r].messages !== size.messages) throw new Error(`ours archived ${ours[r].messages} of ${size.messages} messages`);
      if (bare[r].messages !== size.messages) throw new Error(`the bare loop read ${bare[r].messages} of ${size.messages} messages`);
    }
    const best = (xs: ChildResult[]) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const oursPerS = size.messages / (best(ours).ms / 1000);
    const barePerS = size.messages / (best(bare).ms / 1000);
    const figures: Figures = {
      messages: size.messages,
      latencyMs: size.latencyMs,
      messagesPerSecond: Math.round(oursPerS),
      bareMessagesPerSecond: Math.round(barePerS),
      ratioToBareLoop: Number((oursPerS / barePerS).toFixed(3)),
      peakRssMB: Math.round(Math.max(...ours.map((o) => o.peakRssMB))),
      oursRequests: requests.ours,
      bareRequests: requests.bare,
    };
    return figures;
  } finally {
    await sb.close();
  }
}

/** A supergroup as real ones look: mostly text, some with entities, replies, a photo now and then. */
function fillChat(sb: import('../../test/sandbox/telegram').TelegramSandbox, count: number): { id: number; username: string } {
  const m = sb.model;
  const users = [m.selfId, ...Array.from({ length: 20 }, (_, i) => m.addUser({ firstName: `Member${i}`, lastName: 'Bench' }).id)];
  const ch = m.addChannel({ title: 'Bench Chat', username: 'bench_chat', megagroup: true, date: 1_700_000_000 });
  const peer = { kind: 'channel' as const, id: ch.id };
  for (let i = 0; i < count; i++) {
    const date = 1_700_000_000 + Math.floor(i / 3);
    const fromId = { kind: 'user' as const, id: users[(i * 7) % users.length] };
    if (i % 31 === 5) m.addMessage(peer, { text: `photo ${i}`, date, fromId, media: { type: 'photo', file: m.addPhoto({ width: 640, height: 480, date }) } });
    else if (i % 9 === 2) m.addMessage(peer, { text: `**bold** and a link https://example.org/${i} #tag${i % 50}`, date, fromId, entities: [{ type: 'bold', offset: 0, length: 8 }, { type: 'url', offset: 24, length: 20 }, { type: 'hashtag', offset: 45, length: 5 }] });
    else if (i % 20 === 7 && i > 0) m.addMessage(peer, { text: `re: message ${i - 3}`, date, fromId, replyTo: { msgId: i - 2 } });
    else m.addMessage(peer, { text: `message ${i + 1}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 4))}`, date, fromId });
  }
  return { id: ch.id, username: 'bench_chat' };
}

function child(role: 'ours' | 'bare', args: ChildArgs): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, VA_BENCH_ROLE: role, VA_BENCH_ARGS: JSON.stringify(args) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('message', (m: { ok?: ChildResult; error?: string }) => (m.error !== undefined ? reject(new Error(m.error)) : resolve(m.ok!)));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`bench child ${role} exited (${code})`)));
  });
}

// ───────────────────────────── the children ─────────────────────────────

async function bareLoop(args: ChildArgs): Promise<ChildResult> {
  const { Api } = await import('telegram');
  const bigInt = (await import('big-integer')).default;
  const access = await sandboxAccess(args.accessFile);
  const client = await access.client(new AbortController().signal);
  const resolved = await client.invoke(new Api.contacts.ResolveUsername({ username: args.username }));
  const ch = resolved.chats[0] as InstanceType<typeof Api.Channel>;
  const peer = new Api.InputPeerChannel({ channelId: ch.id, accessHash: ch.accessHash! });
  const t0 = performance.now();
  let messages = 0;
  let offsetId = 0;
  for (;;) {
    const res = (await client.invoke(new Api.messages.GetHistory({ peer, offsetId, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: bigInt(0) }))) as InstanceType<typeof Api.messages.ChannelMessages>;
    messages += res.messages.length;
    if (res.messages.length < 100) break;
    offsetId = res.messages[res.messages.length - 1].id;
  }
  const ms = performance.now() - t0;
  await access.close();
  return { ms, messages, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

async function oursSync(args: ChildArgs): Promise<ChildResult> {
  const { settingsFrom } = await import('../../shared/settings');
  const { MetricsRecorder } = await import('../../server/engine/metrics');
  const { ArchiveService } = await import('../../server/engine/service/archiveService');
  const { sandboxConnector } = await import('../../test/support/telegramLive');
  const access = await sandboxAccess(args.accessFile);
  const connector = sandboxConnector(access, path.join(args.vault, '..', `${path.basename(args.vault)}-media`));
  const service = new ArchiveService({
    workspaceRoot: args.vault,
    settings: settingsFrom({ vaultFolder: '.', telegramBackfillMessages: 0 }),
    trusted: true,
    fs,
    connectors: [connector],
    metrics: new MetricsRecorder(),
    events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: () => undefined },
  });
  // Connected by adding the source, as the bare loop is before its clock starts.
  await service.addSource('telegram', args.ref);
  const t0 = performance.now();
  const summary = await service.sync(undefined);
  const ms = performance.now() - t0;
  await service.shutdown();
  await access.close();
  const failed = summary.sources.find((s) => s.error);
  if (failed) throw new Error(failed.error);
  return { ms, messages: summary.sources[0].itemsAdded, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** The production access (access.ts) signed in with the sandbox's session, the sandbox as the server. */
async function sandboxAccess(file: string) {
  const { createTelegramAccess } = await import('../../server/engine/connectors/telegram-live/access');
  const { parseTelegramEndpoint } = await import('../../server/engine/connectors/telegram-live/endpoint');
  const a = JSON.parse(await fs.readFile(file, 'utf8')) as { session: string; apiId: number; apiHash: string; server: unknown };
  return createTelegramAccess({
    secrets: { session: async () => a.session, apiCredentials: async () => ({ apiId: a.apiId, apiHash: a.apiHash }) },
    endpoint: parseTelegramEndpoint(JSON.stringify(a.server)),
    signInHelp: '',
  });
}

const role = process.env.VA_BENCH_ROLE;
if (role === 'media') {
  const { quick } = JSON.parse(process.env.VA_BENCH_ARGS ?? '{}') as { quick?: boolean };
  mediaFigures(quick === true, (line) => process.send!({ log: line })).then(
    (ok) => process.send!({ ok }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
  );
}
if (role === 'ours' || role === 'bare') {
  const args = JSON.parse(process.env.VA_BENCH_ARGS ?? '{}') as ChildArgs;
  (role === 'ours' ? oursSync(args) : bareLoop(args)).then(
    (ok) => process.send!({ ok }, () => process.exit(0)),
    (err: unknown) => process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
  );
}
