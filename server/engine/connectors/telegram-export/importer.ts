/**
 * Importing a Telegram Desktop export ("Export chat history", JSON) into the vault: the export
 * connector's run. It streams result.json (either shape), checks each message (validate.ts) and
 * feeds each chat to the chat archive (ChatArchive), whose notes, index and media are the same
 * for every source. Progress is the share of result.json read. Cancellation (the AbortSignal)
 * stops reading, writes what was already read, and leaves notes and indexes consistent: running
 * the same import again completes it with the same result as one uninterrupted run.
 */
import * as path from 'node:path';
import type { ImportSummary, JobWarning, WorkerSettings } from '../../../../shared/types';
import { OpenArchiveRun } from '../../chat-archive/archiveRun';
import type { MessageMediaSource } from '../../chat-archive/types';
import { UserError } from '../../errors';
import { type MetricsSink, isMetricsSink, nullMetrics } from '../../metrics';
import { shortTitle } from '../../telegram-notes';
import { type VaultFs, isNotFound, nodeVaultFs } from '../../vault/vaultFs';
import { ExportFiles, attachmentVaultPath } from './exportFiles';
import { type ChatHeaderFields, type ExportEvent, ExportReader } from './exportReader';
import { ExportChat, type MalformedEntry } from './exportChat';

export { type ArchivedChat as ImportedChat, listArchivedChats as listImportedChats, removeArchivedChat as removeImportedChat } from '../../chat-archive/vaultChats';

/** Warnings kept in the summary (all of them still go to onWarning). */
const SUMMARY_WARNINGS = 500;
const PROGRESS_INTERVAL_MS = 100;

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

export async function importTelegramExport(opts: ImportOptions): Promise<ImportSummary> {
  const fs = opts.fs ?? nodeVaultFs;
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const { resultFile, exportRoot, size } = await locateExport(fs, opts.exportPath);
  const warnings = new SummaryWarnings(opts.onWarning);
  const archive = await OpenArchiveRun.open({
    vaultRoot: path.resolve(opts.vaultRoot),
    settings: opts.settings,
    fs,
    clock,
    metrics: isMetricsSink(opts.metrics) ? opts.metrics : nullMetrics,
    warn: (w) => warnings.add(w),
    log: opts.log ?? (() => undefined),
    writer: opts.writer,
  });
  const job = new ExportImport(opts, archive, (parseChat) => new ExportReader(resultFile, size, { fs, parseChat }), new ExportFiles(exportRoot, fs), resultFile);
  let cancelled: boolean;
  try {
    cancelled = await job.readAll();
  } catch (err) {
    // A failure we cannot continue from (disk full, permissions): keep what is consistent and
    // report. The chat's index stays marked as importing, so the next run repairs it.
    await job.dispose();
    await archive.close(true);
    throw err;
  }
  await archive.close();
  const { totals, counters, media } = archive.run;
  const t = media.totals;
  opts.onProgress?.({ percent: cancelled ? job.percent() : 100, message: cancelled ? 'Cancelled' : 'Done' });
  return {
    exportPath: exportRoot,
    vaultPath: archive.run.layout.root,
    chats: job.chatsSeen.size,
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
    warnings: warnings.list(),
  };
}

/** The reading loop of one import: export events in, chats of the archive out. */
class ExportImport {
  /** A chat can appear in both chats.list and left_chats.list: counted once. */
  readonly chatsSeen = new Set<number>();
  /** Kinds (message types, fields, entities) already warned about: one warning per kind per import. */
  private readonly reportedKinds = new Set<string>();
  private current: ExportChat | undefined;
  /** Whether the reader skims each chat (by its ordinal): decided as its messages begin. */
  private readonly skims: boolean[] = [];
  private stopped = false;
  private lastProgress = 0;
  private readonly media: MessageMediaSource;
  readonly reader: ExportReader;

  constructor(
    private readonly opts: ImportOptions,
    private readonly archive: OpenArchiveRun,
    readerOf: (parseChat: (h: ChatHeaderFields) => boolean) => ExportReader,
    exportFiles: ExportFiles,
    private readonly resultFile: string,
  ) {
    const attachments = opts.settings.attachmentsFolder;
    this.media = {
      locate: (ref) => exportFiles.locate(ref),
      attachmentPath: (chatDir, ref) => attachmentVaultPath(chatDir, attachments, ref),
    };
    // A chat archived in full before is skimmed (digest only) until it proves changed.
    this.reader = readerOf((h) => {
      const id = chatIdOf(h);
      const known = id === undefined ? undefined : archive.archivedChats.get(id);
      const skim = known !== undefined && !known.importing && known.sourceDigest !== undefined;
      this.skims.push(skim);
      return !skim;
    });
  }

  percent(): number {
    const total = this.reader.totalBytes;
    return total > 0 ? Math.min(99.9, (this.reader.bytesRead / total) * 100) : 0;
  }

  /** Reads the whole export (or until cancelled: returns true). */
  async readAll(): Promise<boolean> {
    this.progress('Reading the export', undefined, true);
    await this.reader.each(
      (event) => (event.kind === 'message' ? this.onMessage(event) : this.onEvent(event)),
      () => (this.opts.signal?.aborted ?? false) || this.stopped,
    );
    if (this.current) {
      // Cancelled in the middle of a chat.
      await this.current.abort();
      this.current = undefined;
    }
    return this.opts.signal?.aborted ?? false;
  }

  async dispose(): Promise<void> {
    await this.current?.dispose();
  }

  private async onEvent(event: ExportEvent): Promise<void> {
    const run = this.archive.run;
    switch (event.kind) {
      case 'shape':
        run.log('info', `Importing ${event.shape === 'single' ? 'a single-chat' : 'a whole-account'} export from ${path.dirname(this.resultFile)}`);
        return;
      case 'chat-start': {
        const chat = chatHeader(event.header, (w) => run.warn(w));
        if (!chat) return;
        const skimming = this.skims[event.ordinal] ?? false;
        this.current = new ExportChat({ run, chat, media: this.media, settings: this.opts.settings, reportedKinds: this.reportedKinds, skimming, exportRoot: path.dirname(this.resultFile) });
        await this.current.start();
        this.chatsSeen.add(chat.id);
        this.progress(`Importing ${chat.title}`, chat, true);
        return;
      }
      case 'message':
        await this.onMessage(event);
        return;
      case 'chat-end':
        await this.endChat(event.bytesDigest);
        await this.archive.checkpoint();
        return;
      case 'error':
        // Nothing in the file is an export (empty, HTML, a list, "messages" not a list): a
        // user's mistake, reported as such; after some chats it is one more warning.
        if (event.fatal && this.chatsSeen.size === 0) throw new UserError(`${this.resultFile}: ${event.message}.`);
        this.reportBreak(event.message, event.lastMessageId, titleOf(event.chat));
        await this.endChat(undefined);
        return;
    }
  }

  /** A message: no promise unless its chat had to wait for something (see ChatArchive.push). */
  private onMessage(event: Extract<ExportEvent, { kind: 'message' }>): Promise<void> | undefined {
    const chat = this.current;
    if (!chat) return undefined;
    this.archive.run.totals.messagesSeen++;
    const waiting = chat.message(event.unparsed ? { bytes: event.bytes } : { raw: event.raw, value: event.value }, event.index);
    if (waiting) return waiting.then((bad) => this.afterMessage(chat, bad));
    this.progress(`Importing ${chat.chat.title}`, chat.chat);
    return undefined;
  }

  private async afterMessage(chat: ExportChat, bad: MalformedEntry | undefined): Promise<void> {
    if (bad) return this.malformed(bad);
    this.progress(`Importing ${chat.chat.title}`, chat.chat);
  }

  /** `bytesDigest`: the reader's digest of the chat's messages, undefined when the file broke off. */
  private async endChat(bytesDigest: string | undefined): Promise<void> {
    const chat = this.current;
    if (!chat) return;
    // Still current while it ends: a failure there (disk full) must reach dispose().
    const bad = await chat.end(bytesDigest);
    this.current = undefined;
    if (bad) {
      this.reportBreak(malformedText(bad), chat.lastMessageId, chat.chat.title);
      this.stopped = true;
    }
  }

  /** An entry the reader left to us to parse is not JSON: the file cannot be read past it. */
  private async malformed(bad: MalformedEntry): Promise<void> {
    const chat = this.current!;
    this.reportBreak(malformedText(bad), chat.lastMessageId, chat.chat.title);
    await chat.end(undefined);
    this.current = undefined;
    this.stopped = true;
  }

  private reportBreak(what: string, lastMessageId: unknown, fallbackTitle: string | undefined): void {
    const chatTitle = this.current?.chat.title ?? fallbackTitle;
    const last = typeof lastMessageId === 'number' ? lastMessageId : undefined;
    this.archive.run.warn({
      source: chatTitle === undefined ? undefined : shortTitle(chatTitle),
      item: last,
      message:
        `result.json cannot be read past this point: ${what}. ` +
        (last !== undefined
          ? `Messages up to #${last} of this chat were imported; the rest of the file was skipped.`
          : 'Everything before this point was imported; the rest of the file was skipped.'),
    });
  }

  private progress(message: string, chat?: { title: string; id: number }, force = false): void {
    const now = this.archive.run.clock();
    if (!force && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    this.opts.onProgress?.({ percent: this.percent(), message, chat: chat?.title, chatId: chat?.id });
  }
}

function malformedText(bad: MalformedEntry): string {
  return `the JSON is malformed in message #${bad.index + 1} (${bad.message})`;
}

/** Warnings of one import: all go to the listener, the first few hundred into the summary. */
class SummaryWarnings {
  private readonly kept: JobWarning[] = [];
  private count = 0;

  constructor(private readonly listener?: (w: JobWarning) => void) {}

  add(w: JobWarning): void {
    this.count++;
    if (this.kept.length < SUMMARY_WARNINGS) this.kept.push(w);
    this.listener?.(w);
  }

  list(): JobWarning[] {
    const out = this.kept.slice();
    if (this.count > out.length) out.push({ message: `${this.count - out.length} more warnings were left out of this summary (see the log).` });
    return out;
  }
}

/** How to make an export we can read, for the end of a message. */
const EXPORT_AGAIN =
  'export again in Telegram Desktop choosing the "Machine-readable JSON" format (Settings → Advanced → Export Telegram data, or a chat\'s ⋮ → Export chat history), then give the folder it wrote.';

/**
 * The export's result.json from what the user chose: its folder, or a file (result.json itself,
 * taken as given: the reader says if it is not an export). The usual mistakes (a typo, an HTML
 * export, a folder that is no export) are UserErrors that say what to do. The one check for the
 * CLI and the extension alike.
 */
export async function locateExport(fs: Pick<VaultFs, 'stat' | 'readdir'>, exportPath: string): Promise<{ resultFile: string; exportRoot: string; size: number }> {
  const given = path.resolve(exportPath);
  const st = await statOrUndefined(fs, given);
  if (!st) throw new UserError(`${given} does not exist. Give the folder Telegram Desktop exported to (it holds result.json), or that result.json.`);
  if (!st.isDirectory()) {
    if (/\.html?$/i.test(given)) throw new UserError(htmlExport(path.dirname(given)));
    return { resultFile: given, exportRoot: path.dirname(given), size: st.size };
  }
  const resultFile = path.join(given, 'result.json');
  const r = await statOrUndefined(fs, resultFile);
  if (r?.isFile()) return { resultFile, exportRoot: given, size: r.size };
  const names = await fs.readdir(given).catch(() => [] as string[]);
  if (names.some((n) => /^messages\d*\.html$/i.test(n) || n === 'export_results.html')) throw new UserError(htmlExport(given));
  throw new UserError(`No result.json in ${given}: it is not a Telegram Desktop export folder. To make one, ${EXPORT_AGAIN}`);
}

function htmlExport(folder: string): string {
  return `${folder} is an HTML export (it holds messages.html); Vault Archiver reads the JSON format. To import these chats, ${EXPORT_AGAIN}`;
}

async function statOrUndefined(fs: Pick<VaultFs, 'stat'>, p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${p} cannot be read: permission denied.`);
    throw err;
  }
}

function titleOf(h: ChatHeaderFields | undefined): string | undefined {
  if (!h) return undefined;
  if (typeof h.name === 'string' && h.name.trim()) return h.name;
  if (h.type === 'saved_messages') return 'Saved Messages';
  return typeof h.id === 'number' ? `Chat ${h.id}` : undefined;
}

/** The chat's id as a number (exports of some versions write it as text); undefined when it has none. */
function chatIdOf(h: ChatHeaderFields): number | undefined {
  const id = typeof h.id === 'string' && /^-?\d+$/.test(h.id) ? Number(h.id) : h.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

function chatHeader(h: ChatHeaderFields, warn: (w: JobWarning) => void): { id: number; title: string; type: string } | undefined {
  const id = chatIdOf(h);
  if (id === undefined) {
    warn({ source: shortTitle(titleOf(h) ?? 'export'), message: `skipped a chat without a valid "id" (${JSON.stringify(h.id) ?? 'none'}): its notes could not be told apart from other chats'` });
    return undefined;
  }
  return { id, title: titleOf({ ...h, id }) ?? `Chat ${id}`, type: typeof h.type === 'string' && h.type ? h.type : 'unknown' };
}
