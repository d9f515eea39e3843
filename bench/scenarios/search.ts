/**
 * Benchmark of the search index (issue 10): a generated export (1M messages; --quick 20k;
 * VA_BENCH_SEARCH_MESSAGES overrides) imported into a vault, then, each measured in its own child
 * process so peak RSS belongs to that step alone:
 *   build        the index built from the notes, as a share of the import's time
 *   query        200 fixed queries (common and rare words, phrases, prefixes, filters, AND of
 *                two words) on the loaded index: p50/p95 latency, peak RSS of the process
 *   incremental  with the index open (as in the worker), 1k new messages imported into the biggest
 *                chat, then the index brought up to date: the time of that update
 * recallAt10: for the exact-word queries, the index's top 10 against a brute-force scan of every
 * block of every note (same folding), newest first: a hit counts when the scan also matches it and
 * it is at least as new as the scan's 10th.
 * Wall times come with CPU times (…Cpu…): on a machine shared with other work, the CPU times are
 * what this code costs; the wall times include waiting for a core.
 * Goals: queryP95Ms <= 50, indexShareOfImport <= 0.25, peakRssMB <= 300, incrementalSecondsPer1k <= 1,
 * recallAt10 = 1.
 */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

interface Ctx {
  readonly workDir: string;
  readonly quick: boolean;
  log(msg: string): void;
}

type Role = 'import' | 'build' | 'query' | 'refresh';
interface ChildArgs {
  readonly exportPath?: string;
  readonly vault: string;
  readonly queries?: string[];
}
interface ChildResult {
  readonly elapsedMs: number;
  /** CPU time (user + system) of the step: stable on a machine other work shares, unlike wall time. */
  readonly cpuMs: number;
  readonly maxRssMB: number;
  readonly latencies?: number[];
  readonly cpuLatencies?: number[];
  readonly top?: string[][];
}

const SELF = __filename;
const COMMON = ['water', 'people', 'number', 'great', 'little', 'different', 'because', 'through', 'around', 'another', 'think', 'place', 'again', 'words', 'called'];
const STOP = ['the', 'of', 'and', 'to', 'in'];

/** The 200 queries, fixed for every run (the generator's vocabulary; rare terms are ids in its links). */
export function benchQueries(): { queries: string[]; exactWord: string[] } {
  const q: string[] = [];
  const exactWord: string[] = [];
  for (let i = 0; i < 40; i++) exactWord.push(i < 30 ? COMMON[i % COMMON.length]! : STOP[i % STOP.length]!);
  for (let i = 0; i < 40; i++) exactWord.push(String(1000 + ((i * 24_989) % 999_000))); // rare: link ids
  q.push(...exactWord);
  for (let i = 0; i < 30; i++) q.push(`"${COMMON[i % 15]} ${STOP[i % 5]}"`);
  for (let i = 0; i < 30; i++) q.push(`${COMMON[i % 15]!.slice(0, 2 + (i % 3))}*`);
  const filters = ['from:ann', 'in:"chat 3"', 'has:link', 'after:2023-06-01', 'before:2023-03-01', 'has:photo', 'from:ben in:"chat 1"'];
  for (let i = 0; i < 30; i++) q.push(`${COMMON[i % 15]} ${filters[i % filters.length]}`);
  for (let i = 0; i < 30; i++) q.push(`${COMMON[i % 15]} ${COMMON[(i + 7) % 15]}`);
  return { queries: q, exactWord };
}

export async function run(ctx: Ctx): Promise<Record<string, number | string>> {
  const { generateExport } = await import('../../scripts/export-generator');
  const messages = Number(process.env.VA_BENCH_SEARCH_MESSAGES) || (ctx.quick ? 20_000 : 1_000_000);
  const exp = path.join(ctx.workDir, 'export');
  const vault = path.join(ctx.workDir, 'vault');
  ctx.log(`generating ${messages} messages...`);
  generateExport({ outDir: exp, messages, mediaFiles: Math.floor(messages / 100), duplicateRatio: 0.2, chats: 10, seed: 3 });
  const imported = await child('import', { exportPath: exp, vault });
  ctx.log(`import: ${(imported.elapsedMs / 1000).toFixed(1)} s`);
  await fsp.rm(exp, { recursive: true, force: true });
  const built = await child('build', { vault });
  ctx.log(`index build: ${(built.elapsedMs / 1000).toFixed(1)} s, peak RSS ${built.maxRssMB.toFixed(0)} MB`);
  const indexBytes = await folderBytes(path.join(vault, '.vault-archiver', 'search'));

  const { queries, exactWord } = benchQueries();
  const queried = await child('query', { vault, queries });
  const lat = [...queried.latencies!].sort((a, b) => a - b);
  const cpuLat = [...queried.cpuLatencies!].sort((a, b) => a - b);
  const pct = (p: number, of = lat) => of[Math.min(of.length - 1, Math.floor((p / 100) * of.length))]!;
  ctx.log(`queries: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, peak RSS ${queried.maxRssMB.toFixed(0)} MB`);

  ctx.log('brute-force scan of the notes for recall...');
  const recall = await recallAt10(vault, exactWord, queried.top!.slice(0, exactWord.length));

  const more = await newMessagesExport(vault, path.join(ctx.workDir, 'more'), 1000);
  const incremental = await child('refresh', { vault, exportPath: more });
  ctx.log(`incremental update after 1k new messages: ${(incremental.elapsedMs / 1000).toFixed(2)} s`);

  return {
    messages,
    importSeconds: round(imported.elapsedMs / 1000),
    buildSeconds: round(built.elapsedMs / 1000),
    indexShareOfImport: round(built.elapsedMs / imported.elapsedMs, 3),
    indexShareOfImportCpu: round(built.cpuMs / imported.cpuMs, 3),
    queryP50Ms: round(pct(50), 2),
    queryP95Ms: round(pct(95), 2),
    queryP50CpuMs: round(pct(50, cpuLat), 2),
    queryP95CpuMs: round(pct(95, cpuLat), 2),
    queryMaxMs: round(lat[lat.length - 1]!, 2),
    peakRssMB: Math.round(queried.maxRssMB),
    buildPeakRssMB: Math.round(built.maxRssMB),
    indexMB: round(indexBytes / 2 ** 20),
    indexMBPerMillion: round((indexBytes / 2 ** 20) * (1e6 / messages)),
    incrementalSecondsPer1k: round(incremental.elapsedMs / 1000, 3),
    incrementalCpuSecondsPer1k: round(incremental.cpuMs / 1000, 3),
    recallAt10: round(recall, 4),
  };
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += (await fsp.stat(path.join(e.parentPath, e.name))).size;
  return total;
}

/** An export holding only `n` new messages of the vault's biggest chat (as a newer export of it would). */
async function newMessagesExport(vault: string, out: string, n: number): Promise<string> {
  const { parseFrontmatter } = await import('../../server/engine/telegram-notes');
  const notes: { file: string; size: number }[] = [];
  for (const e of await fsp.readdir(path.join(vault, 'Telegram'), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.md')) notes.push({ file: path.join(e.parentPath, e.name), size: (await fsp.stat(path.join(e.parentPath, e.name))).size });
  }
  const biggest = notes.sort((a, b) => b.size - a.size)[0]!;
  const head = Buffer.alloc(4096);
  const h = await fsp.open(biggest.file, 'r');
  await h.read(head, 0, 4096, 0);
  await h.close();
  const meta = parseFrontmatter(head.toString('utf8'))!.meta;
  const start = Date.parse(`${meta.lastDate ?? '2024-01-01T00:00:00'}Z`) / 1000 + 60;
  const messages = Array.from({ length: n }, (_, i) => {
    const unix = start + i * 30;
    const text = `fresh incremental message ${i} about the water`;
    return { id: (meta.lastImportedId ?? 0) + 1 + i, type: 'message', date: new Date(unix * 1000).toISOString().slice(0, 19), date_unixtime: String(unix), from: 'Ann Z.', from_id: 'user1', text, text_entities: [{ type: 'plain', text }] };
  });
  await fsp.mkdir(out, { recursive: true });
  await fsp.writeFile(path.join(out, 'result.json'), JSON.stringify({ name: meta.title, type: meta.chatType, id: meta.chatId, messages }));
  return out;
}

/** Share of the index's top-10 hits (exact-word queries) that a brute-force scan confirms. */
async function recallAt10(vault: string, words: readonly string[], top: readonly string[][]): Promise<number> {
  const { readBlock } = await import('../../server/engine/search/blockText');
  const { terms } = await import('../../server/engine/search/fold');
  const { listNotes } = await import('../../server/engine/search/indexer');
  const { nodeVaultFs } = await import('../../server/engine/vault/vaultFs');
  // per word: every match's key and date (dates as the notes show them)
  const matches = words.map(() => new Map<string, string>());
  const wanted = new Map<string, number[]>();
  words.forEach((w, i) => wanted.set(w, [...(wanted.get(w) ?? []), i]));
  for (const note of await listNotes(nodeVaultFs, vault)) {
    if (!note.rel.startsWith('Telegram/')) continue;
    const text = await fsp.readFile(note.abs, 'utf8');
    const { parseBlocks } = await import('../../server/engine/telegram-notes');
    for (const b of parseBlocks(text)) {
      const info = readBlock(text.slice(b.start, b.end));
      const seen = new Set(terms(info.text));
      for (const t of seen) for (const i of wanted.get(t) ?? []) matches[i]!.set(`${note.rel}#m${b.ids[0]}`, info.date ?? '');
    }
  }
  let found = 0;
  let expected = 0;
  words.forEach((_, i) => {
    const all = [...matches[i]!.entries()].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
    const want = Math.min(10, all.length);
    if (!want) return;
    const tenth = all[want - 1]![1];
    expected += want;
    found += top[i]!.filter((k) => matches[i]!.has(k) && matches[i]!.get(k)! >= tenth).length;
  });
  return expected ? found / expected : 1;
}

function child(role: Role, args: ChildArgs): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF], { env: { ...process.env, VA_BENCH_SEARCH_ROLE: role, VA_BENCH_ARGS: JSON.stringify(args) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${role} failed (exit ${code}): ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

// ───────────────────────────── child side ─────────────────────────────

async function childMain(role: Role, args: ChildArgs): Promise<void> {
  const { ArchiveSearch } = await import('../../server/engine/search/archiveSearch');
  const { importTelegramExport } = await import('../../server/engine/connectors/telegram-export');
  const { defaultSettings } = await import('../../shared/types');
  let extra: Partial<ChildResult> = {};
  const search = new ArchiveSearch({ vaultRoot: () => args.vault, waitMs: Infinity, checkEveryMs: role === 'query' ? Infinity : 0 });
  if (role === 'refresh') {
    await search.search({ query: 'warmup', limit: 10 }); // the index open and in step, as in a running worker
    await importTelegramExport({ exportPath: args.exportPath!, vaultRoot: args.vault, settings: defaultSettings });
  }
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (role === 'import') await importTelegramExport({ exportPath: args.exportPath!, vaultRoot: args.vault, settings: defaultSettings });
  else if (role === 'build' || role === 'refresh') await search.refresh();
  else {
    await search.search({ query: 'warmup', limit: 10 }); // opens the index (loading SQLite's WebAssembly)
    const latencies: number[] = [];
    const cpuLatencies: number[] = [];
    const top: string[][] = [];
    for (const query of args.queries ?? []) {
      const c = process.cpuUsage();
      const t = process.hrtime.bigint();
      const r = await search.search({ query, limit: 10 });
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      const used = process.cpuUsage(c);
      cpuLatencies.push((used.user + used.system) / 1000);
      top.push(r.hits.map((h) => `${h.path}#${h.blockId}`));
    }
    extra = { latencies, cpuLatencies, top };
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu0);
  await search.close();
  process.stdout.write(JSON.stringify({ elapsedMs, cpuMs: (used.user + used.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra }) + '\n');
}

const role = process.env.VA_BENCH_SEARCH_ROLE as Role | undefined;
if (role) {
  childMain(role, JSON.parse(process.env.VA_BENCH_ARGS ?? '{}') as ChildArgs).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
