/**
 * Importing a Telegram Desktop export ("Export chat history", JSON) into the vault.
 *
 * importTelegramExport streams result.json (either shape), hands each chat to a ChatImport
 * (chatImport.ts) and shares one media pipeline (vault-wide content dedup) between all chats.
 * Progress is the share of result.json read. Cancellation (the AbortSignal) stops reading, writes
 * what was already read, and leaves notes and indexes consistent: running the same import again
 * completes it with the same result as one uninterrupted run. State lives under
 * `<vault>/.vault-archiver/telegram/`; the notes remain the truth (see chatIndex.ts).
 */
import * as path from 'node:path';
import type { ImportSummary, JobWarning, WorkerSettings } from '../../../../shared/types';
import { UserError } from '../../errors';
import { ContentStore } from '../../media/contentStore';
import { MediaPipeline } from '../../media/mediaPipeline';
import { type MetricsSink, isMetricsSink, nullMetrics } from '../../metrics';
import { sweepTempFiles } from '../../vault/atomic';
import { IoCounters, type VaultFs, isNotFound, nodeVaultFs } from '../../vault/vaultFs';
import { type NoteMeta, shortTitle } from '../../telegram-notes';
import { ChatIndexFiles, type ChatIndexHeader } from '../../chat-archive/chatIndex';
import { ChatImport, type DiscoveredNote, type RunContext, type RunTotals } from '../../chat-archive/chatArchive';
import { TELEGRAM_DIR, VaultLayout } from '../../vault/layout';
import { ExportFiles } from './exportFiles';
import { type ChatHeaderFields, ExportReader } from './exportReader';
import { safeFrontmatter } from '../../chat-archive/noteScan';

/** Warnings kept in the summary (all of them still go to onWarning). */
const SUMMARY_WARNINGS = 500;
const PROGRESS_INTERVAL_MS = 100;
const STORE_SAVE_INTERVAL_MS = 30_000;

export interface ImportProgress {
  readonly percent: number;
  readonly message: string;
  /** Title and id of the chat being imported, when there is one. */
  readonly chat?: string;
  readonly chatId?: number;
}

export interface ImportOptions {
  /** Folder holding result.json (single chat or whole account), or result.json itself. */
  readonly exportPath: string;
  /** Absolute vault folder. */
  readonly vaultRoot: string;
  readonly settings: WorkerSettings;
  readonly fs?: VaultFs;
  readonly clock?: () => number;
  /** Stop soon, write what was read, leave the vault consistent; the summary says cancelled. */
  readonly signal?: AbortSignal;
  onProgress?(p: ImportProgress): void;
  onWarning?(w: JobWarning): void;
  /** Where live figures go (server/engine/metrics MetricsRecorder); anything without add() is ignored. */
  readonly metrics?: MetricsSink | object;
  log?(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Note writer tuning (tests); defaults: 1 MiB / 2 s, fsync on finish. */
  readonly writer?: { readonly flushBytes?: number; readonly flushIntervalMs?: number; readonly durable?: boolean; readonly registry?: Set<string> };
}

export function telegramStateDir(vaultRoot: string): string {
  return new VaultLayout(vaultRoot).telegramStateDir;
}

export async function importTelegramExport(opts: ImportOptions): Promise<ImportSummary> {
  const fs = opts.fs ?? nodeVaultFs;
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const log = opts.log ?? (() => undefined);
  const metrics = isMetricsSink(opts.metrics) ? opts.metrics : nullMetrics;
  const vaultRoot = path.resolve(opts.vaultRoot);
  const { resultFile, exportRoot } = await findResultFile(fs, opts.exportPath);
  const totalBytes = (await fs.stat(resultFile)).size;

  const stateDir = telegramStateDir(vaultRoot);
  await fs.mkdir(path.join(stateDir, 'chats'), { recursive: true });
  await sweepTempFiles(fs, stateDir);
  await sweepTempFiles(fs, path.join(stateDir, 'chats'));
  await fs.rm(path.join(stateDir, 'tmp'), { recursive: true, force: true });

  const warnings: JobWarning[] = [];
  let warningCount = 0;
  const warn = (w: JobWarning) => {
    warningCount++;
    if (warnings.length < SUMMARY_WARNINGS) warnings.push(w);
    opts.onWarning?.(w);
  };

  const counters = new IoCounters();
  const store = new ContentStore(vaultRoot, path.join(stateDir, 'content-store.jsonl'));
  if (!(await store.load(fs))) {
    const dirs = await attachmentDirs(fs, vaultRoot);
    if (dirs.length) {
      log('info', `Content index not found: rebuilding it from ${dirs.length} attachment folder(s)`);
      await store.rebuildFromFiles(fs, dirs);
    }
  }
  let lastStoreSave = clock();
  const media = new MediaPipeline({
    fs,
    vaultRoot,
    store,
    concurrency: opts.settings.mediaConcurrency,
    useHardlinks: opts.settings.useHardlinks,
    counters,
    metrics,
  });

  const chatsSeen = new Set<number>();
  const totals: RunTotals = { topics: 0, messagesSeen: 0, messagesWritten: 0, messagesUpdated: 0, duplicatesSkipped: 0, notesWritten: 0 };
  const folderOwners = new Map<string, number>();
  for (const h of await readChatHeaders(fs, stateDir)) folderOwners.set(h.folder.toLowerCase(), h.chatId);
  let discovered: Promise<Map<number, DiscoveredNote[]>> | undefined;

  const ctx: RunContext = {
    fs,
    vaultRoot,
    stateDir,
    settings: opts.settings,
    counters,
    metrics,
    media,
    exportFiles: new ExportFiles(exportRoot, fs),
    clock,
    totals,
    writerOptions: {
      clock,
      flushBytes: opts.writer?.flushBytes,
      flushIntervalMs: opts.writer?.flushIntervalMs,
      durable: opts.writer?.durable,
      registry: opts.writer?.registry,
      onWrite: () => metrics.add('noteWrites'),
    },
    warn,
    log,
    folderOwners,
    reportedKinds: new Set<string>(),
    discoverNotes: () => (discovered ??= discoverNotes(fs, vaultRoot)),
  };

  const reader = new ExportReader(resultFile, totalBytes, { fs });
  let current: ChatImport | undefined;
  let cancelled = false;
  let lastProgress = 0;
  const progress = (message: string, chat?: { title: string; id: number }, force = false) => {
    const now = clock();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    const percent = totalBytes > 0 ? Math.min(99.9, (reader.bytesRead / totalBytes) * 100) : 0;
    opts.onProgress?.({ percent, message, chat: chat?.title, chatId: chat?.id });
  };
  progress('Reading the export', undefined, true);

  try {
    for await (const event of reader) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      switch (event.kind) {
        case 'shape':
          log('info', `Importing ${event.shape === 'single' ? 'a single-chat' : 'a whole-account'} export from ${exportRoot}`);
          break;
        case 'chat-start': {
          const header = chatHeader(event.header, warn);
          if (!header) break;
          current = new ChatImport(ctx, header);
          await current.begin();
          // A chat can appear in both chats.list and left_chats.list: count it once.
          chatsSeen.add(header.id);
          progress(`Importing ${header.title}`, header, true);
          break;
        }
        case 'message':
          if (current) {
            await current.push(event.value, event.index);
            progress(`Importing ${current.chat.title}`, current.chat);
          }
          break;
        case 'chat-end':
          if (current) {
            await current.end();
            current = undefined;
            if (store.isDirty && clock() - lastStoreSave > STORE_SAVE_INTERVAL_MS) {
              await media.drain();
              await store.save(fs, counters);
              lastStoreSave = clock();
            }
          }
          break;
        case 'error': {
          // Nothing in the file is an export (empty, HTML, a list, "messages" not a list): a
          // user's mistake, reported as such; after some chats it is one more warning.
          if (event.fatal && chatsSeen.size === 0) throw new UserError(`${resultFile}: ${event.message}.`);
          const chatTitle = current?.chat.title ?? titleOf(event.chat);
          warn({
            source: chatTitle === undefined ? undefined : shortTitle(chatTitle),
            item: typeof event.lastMessageId === 'number' ? event.lastMessageId : undefined,
            message:
              `result.json cannot be read past this point: ${event.message}. ` +
              (typeof event.lastMessageId === 'number'
                ? `Messages up to #${event.lastMessageId} of this chat were imported; the rest of the file was skipped.`
                : 'Everything before this point was imported; the rest of the file was skipped.'),
          });
          if (current) {
            await current.end();
            current = undefined;
          }
          break;
        }
      }
    }
    if (opts.signal?.aborted) cancelled = true;
    if (current) {
      // Cancelled in the middle of a chat.
      await current.abort();
      current = undefined;
    }
  } catch (err) {
    // A failure we cannot continue from (disk full, permissions): keep what is consistent and
    // report. The chat's index stays marked as importing, so the next run repairs it.
    if (current) await current.dispose();
    await media.drain();
    if (store.isDirty) await store.save(fs, counters).catch(() => undefined);
    throw err;
  }
  await media.drain();
  if (store.isDirty) await store.save(fs, counters);
  if (warningCount > warnings.length) warnings.push({ message: `${warningCount - warnings.length} more warnings were left out of this summary (see the log).` });

  const t = media.totals;
  opts.onProgress?.({ percent: cancelled ? Math.min(99.9, (reader.bytesRead / Math.max(1, totalBytes)) * 100) : 100, message: cancelled ? 'Cancelled' : 'Done' });
  return {
    exportPath: exportRoot,
    vaultPath: vaultRoot,
    chats: chatsSeen.size,
    topics: totals.topics,
    messagesSeen: totals.messagesSeen,
    messagesWritten: totals.messagesWritten,
    messagesUpdated: totals.messagesUpdated,
    duplicatesSkipped: totals.duplicatesSkipped,
    mediaCopied: t.copied + t.linked,
    mediaDeduplicated: t.deduplicated,
    mediaMissing: t.missing,
    bytesCopied: t.bytesCopied,
    bytesSaved: t.bytesSaved,
    notesWritten: totals.notesWritten,
    writeCalls: counters.writeCalls,
    elapsedMs: clock() - started,
    cancelled,
    warnings,
  };
}

/** The export's result.json from what the user chose (its folder, or the file itself). User mistakes are UserErrors. */
async function findResultFile(fs: VaultFs, exportPath: string): Promise<{ resultFile: string; exportRoot: string }> {
  const given = path.resolve(exportPath);
  let st: import('node:fs').Stats;
  try {
    st = await fs.stat(given);
  } catch (err) {
    if (isNotFound(err)) throw new UserError(`"${exportPath}" does not exist. Choose the folder Telegram Desktop exported to (it holds result.json).`);
    throw err;
  }
  if (!st.isDirectory()) {
    if (st.isFile() && path.extname(given).toLowerCase() === '.json') return { resultFile: given, exportRoot: path.dirname(given) };
    throw new UserError(`"${exportPath}" is not an export: choose the folder Telegram Desktop wrote (the one holding result.json), or result.json itself.`);
  }
  const resultFile = path.join(given, 'result.json');
  const r = await fs.stat(resultFile).catch(() => undefined);
  if (r?.isFile()) return { resultFile, exportRoot: given };
  const html = await fs.stat(path.join(given, 'messages.html')).catch(() => undefined);
  throw new UserError(
    html?.isFile()
      ? `"${exportPath}" is an HTML export (it holds messages.html). Export again with Telegram Desktop choosing the "Machine-readable JSON" format, then choose the folder it wrote.`
      : `No result.json in "${exportPath}". Export with Telegram Desktop (Settings → Advanced → Export Telegram data, or a chat's ⋮ → Export chat history) choosing the "Machine-readable JSON" format, then choose the folder it wrote.`,
  );
}

function titleOf(h: ChatHeaderFields | undefined): string | undefined {
  if (!h) return undefined;
  if (typeof h.name === 'string' && h.name.trim()) return h.name;
  if (h.type === 'saved_messages') return 'Saved Messages';
  return typeof h.id === 'number' ? `Chat ${h.id}` : undefined;
}

function chatHeader(h: ChatHeaderFields, warn: (w: JobWarning) => void): { id: number; title: string; type: string } | undefined {
  const id = typeof h.id === 'string' && /^-?\d+$/.test(h.id) ? Number(h.id) : h.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    warn({ source: shortTitle(titleOf(h) ?? 'export'), message: `skipped a chat without a valid "id" (${JSON.stringify(h.id) ?? 'none'}): its notes could not be told apart from other chats'` });
    return undefined;
  }
  return { id, title: titleOf({ ...h, id }) ?? `Chat ${id}`, type: typeof h.type === 'string' && h.type ? h.type : 'unknown' };
}

async function readChatHeaders(fs: VaultFs, stateDir: string): Promise<ChatIndexHeader[]> {
  let names: string[];
  try {
    names = await fs.readdir(path.join(stateDir, 'chats'));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const out: ChatIndexHeader[] = [];
  for (const name of names.sort()) {
    const m = /^(-?\d+)\.json$/.exec(name);
    if (!m) continue;
    const h = await new ChatIndexFiles(stateDir, Number(m[1])).readHeader(fs);
    if (h) out.push(h);
  }
  return out;
}

/** Folders that can hold attachments: every subfolder of a chat folder under Telegram/. */
async function attachmentDirs(fs: VaultFs, vaultRoot: string): Promise<string[]> {
  const out: string[] = [];
  for (const chat of await subdirs(fs, path.join(vaultRoot, TELEGRAM_DIR))) {
    for (const sub of await subdirs(fs, path.join(vaultRoot, TELEGRAM_DIR, chat))) out.push(`${TELEGRAM_DIR}/${chat}/${sub}`);
  }
  return out;
}

async function subdirs(fs: VaultFs, dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Every note under Telegram/<folder>/ whose frontmatter names a Telegram chat. */
async function discoverNotes(fs: VaultFs, vaultRoot: string): Promise<Map<number, DiscoveredNote[]>> {
  const byChat = new Map<number, DiscoveredNote[]>();
  for (const folder of await subdirs(fs, path.join(vaultRoot, TELEGRAM_DIR))) {
    const dir = path.join(vaultRoot, TELEGRAM_DIR, folder);
    let names: import('node:fs').Dirent[];
    try {
      names = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of names) {
      if (!e.isFile() || !e.name.endsWith('.md')) continue;
      const meta = await readNoteMeta(fs, path.join(dir, e.name));
      if (!meta || meta.source !== 'telegram' || typeof meta.chatId !== 'number') continue;
      const list = byChat.get(meta.chatId) ?? [];
      list.push({ path: `${TELEGRAM_DIR}/${folder}/${e.name}`, meta });
      byChat.set(meta.chatId, list);
    }
  }
  return byChat;
}

async function readNoteMeta(fs: VaultFs, file: string): Promise<NoteMeta | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return safeFrontmatter(buf.subarray(0, bytesRead).toString('utf8'))?.meta;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

export interface ImportedChat {
  chatId: number;
  title: string;
  type: string;
  /** Folder name under Telegram/. */
  folder: string;
  messageCount: number;
  lastImportAt: string;
  topics: { id: number; title: string; itemCount: number; notePath: string }[];
}

/** Chats that imports put in this vault, from the vault's own state (for the sources view). */
export async function listImportedChats(vaultRoot: string, fs: VaultFs = nodeVaultFs): Promise<ImportedChat[]> {
  const headers = await readChatHeaders(fs, telegramStateDir(path.resolve(vaultRoot)));
  return headers.map((h) => {
    const topics = new Map<number, { id: number; title: string; itemCount: number; notePath: string }>();
    for (const n of h.notes) {
      if (n.topicId === undefined) continue;
      const title = h.topics.find((t) => t.id === n.topicId)?.title ?? n.topicTitle ?? `Topic ${n.topicId}`;
      const t = topics.get(n.topicId) ?? { id: n.topicId, title, itemCount: 0, notePath: n.path };
      t.itemCount += n.count ?? 0;
      topics.set(n.topicId, t);
    }
    return {
      chatId: h.chatId,
      title: h.title,
      type: h.type,
      folder: h.folder,
      messageCount: h.messageCount,
      lastImportAt: h.lastImportAt,
      topics: [...topics.values()].sort((a, b) => a.id - b.id),
    };
  });
}

/**
 * Forgets an imported chat. With `deleteNotes`, also deletes its notes and the attachments no
 * other chat embeds (content stored once may be embedded by several chats: those files stay).
 */
export async function removeImportedChat(vaultRoot: string, chatId: number, deleteNotes: boolean, fs: VaultFs = nodeVaultFs): Promise<void> {
  const layout = new VaultLayout(vaultRoot);
  const root = layout.root;
  const stateDir = layout.telegramStateDir;
  const files = new ChatIndexFiles(stateDir, chatId);
  const header = await files.readHeader(fs);
  const store = new ContentStore(root, path.join(stateDir, 'content-store.jsonl'));
  const haveStore = await store.load(fs);
  if (header && deleteNotes) {
    for (const n of header.notes) await fs.rm(layout.abs(n.path), { force: true });
    const chatDir = `${TELEGRAM_DIR}/${header.folder}/`;
    if (haveStore) {
      for (const e of [...store.entries()]) {
        if (!e.path.startsWith(chatDir)) continue;
        const others = [...e.refs].filter((r) => r !== chatId);
        if (others.length) continue; // embedded elsewhere (or unknown users): keep the file
        await fs.rm(layout.abs(e.path), { force: true });
        store.remove(e.sha256);
      }
    }
    await removeEmptyDirs(fs, path.join(root, TELEGRAM_DIR, header.folder));
  }
  if (haveStore) {
    for (const e of store.entries()) store.removeRef(e, chatId);
    if (store.isDirty) await store.save(fs);
  }
  await files.remove(fs);
}

async function removeEmptyDirs(fs: VaultFs, dir: string): Promise<boolean> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && (await removeEmptyDirs(fs, path.join(dir, e.name)))) continue;
    empty = false;
  }
  if (!empty) return false;
  try {
    await fs.rmdir(dir);
    return true;
  } catch {
    return false;
  }
}
