/**
 * Importing one chat of an export into the vault: the per-chat half of importTelegramExport.
 *
 * Flow per message (in export order):
 *   validate → topic tracker → album grouper → group job (its media submitted to the pipeline at
 *   once, so copies run in parallel ahead of the writer) → a bounded window → in order: render the
 *   block once its media are stored, compare with the index, then append / replace / skip.
 *
 * Notes are the truth, the index a cache (chatIndex.ts). Before touching any file of the chat the
 * index header is saved with `importing: true`; it is cleared only after every note is finished
 * and the rows are saved. A run that finds the flag set knows the previous one stopped abruptly,
 * re-reads every note whose size or mtime changed, truncates a torn tail after the last complete
 * block and sweeps temporary files. Because every decision (folder and note names, attachment
 * names, block placement, frontmatter values) is a function of the export sequence and of what the
 * notes contain, the rerun ends with the same bytes as an uninterrupted run.
 */
import * as path from 'node:path';
import type { JobWarning, WorkerSettings } from '../../../shared/types';
import type { MediaPipeline, MediaResult } from '../media/mediaPipeline';
import type { MetricsSink } from '../metrics';
import { sweepTempFiles } from '../vault/atomic';
import { sanitizeFileName, vaultJoin } from '../vault/fileNames';
import { TELEGRAM_DIR } from '../vault/layout';
import { NoteWriter, type NoteWriterOptions } from '../vault/noteWriter';
import { type IoCounters, type VaultFs, isNotFound } from '../vault/vaultFs';
import type { ExportMessage } from '../telegram-notes/message';
import {
  AlbumGrouper,
  type ChatContext,
  type NoteMeta,
  TopicTracker,
  chatFolderName,
  isPlaceholderPath,
  mediaFilesOf,
  monthKeyOf,
  noteFileName,
  renderBlock,
  renderFrontmatter,
  shortTitle,
} from '../telegram-notes';
import {
  type ChatIndexHeader,
  ChatIndexFiles,
  INDEX_VERSION,
  MAX_MESSAGE_ID,
  MAX_NOTES_PER_CHAT,
  MessageTable,
  type NoteRecord,
  type NoteValidation,
  blockHash,
} from './chatIndex';
import { type ExportFiles, attachmentVaultPath } from '../connectors/telegram-export/exportFiles';
import { safeFrontmatter, scanNote } from './noteScan';
import { ExportMessageValidator } from '../connectors/telegram-export/validate';

/** Groups rendered ahead of the writer at most (bounds memory; lets media copy in parallel). */
const WINDOW = 256;
/** All buffered note text of a chat together stays under this (many topic notes at once). */
const MAX_BUFFERED_CHARS = 16 << 20;
const SPOOL_MEMORY_CHARS = 8 << 20;

export interface RunTotals {
  topics: number;
  messagesSeen: number;
  messagesWritten: number;
  messagesUpdated: number;
  duplicatesSkipped: number;
  notesWritten: number;
}

/** What every chat of one import run shares. */
export interface RunContext {
  readonly fs: VaultFs;
  readonly vaultRoot: string;
  readonly stateDir: string;
  readonly settings: WorkerSettings;
  readonly counters: IoCounters;
  readonly metrics: MetricsSink;
  readonly media: MediaPipeline;
  readonly exportFiles: ExportFiles;
  readonly clock: () => number;
  readonly totals: RunTotals;
  readonly writerOptions: Omit<NoteWriterOptions, 'fs' | 'counters'>;
  warn(w: JobWarning): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Kinds (message types, fields, entities) already warned about in this run: one warning per kind. */
  readonly reportedKinds: Set<string>;
  /** Folder names (lower case) other chats hold → chat id. */
  readonly folderOwners: Map<string, number>;
  /** Notes found by reading frontmatter under Telegram/, for chats whose index is lost. */
  discoverNotes(): Promise<Map<number, DiscoveredNote[]>>;
}

export interface DiscoveredNote {
  readonly path: string;
  readonly meta: NoteMeta;
}

interface NoteState {
  readonly idx: number;
  readonly rec: NoteRecord;
  readonly abs: string;
  disk: { size: number; header: string };
  storedFirstDate?: string;
  storedLastDate?: string;
  /** Properties a person added or changed in Obsidian (tags, own keys): kept through rewrites. */
  kept?: Pick<NoteMeta, 'tags' | 'extraYaml'>;
  runFirstDate?: string;
  runLastDate?: string;
  maxId: number;
  writer?: NoteWriter;
  replace: Map<number, string>;
  /**
   * Replacements rendered while the export lacked some of the group's files (first id → number of
   * ids): the archived block is kept instead when it embeds files the new rendering lost.
   */
  lackingFiles: Map<number, number>;
  remove: Set<number>;
  inserts: { firstId: number; text: string }[];
  touched: boolean;
  gone: boolean;
}

interface GroupJob {
  readonly msgs: ExportMessage[];
  readonly topic?: { id: number; title: string };
  readonly media: Promise<Map<string, string | null>>;
}

export interface ChatHeaderIn {
  readonly id: number;
  readonly title: string;
  readonly type: string;
}

export class ChatImport {
  private readonly files: ChatIndexFiles;
  private header!: ChatIndexHeader;
  private table = new MessageTable();
  private readonly notes: NoteState[] = [];
  private readonly noteByKey = new Map<string, NoteState>();
  private validation = new Map<string, NoteValidation>();
  private readonly topicTracker: TopicTracker;
  private readonly grouper = new AlbumGrouper();
  private readonly topicOfMsg = new WeakMap<ExportMessage, { id: number; title: string } | undefined>();
  private readonly topicTitles = new Map<number, string>();
  private window: GroupJob[] = [];
  private layoutPending = false;
  private spool: string[] = [];
  private spoolChars = 0;
  private spoolCount = 0;
  private spoolFile: string | undefined;
  private readonly validator: ExportMessageValidator;
  private lastFlushCheck = 0;
  private lastMonth: string | undefined;

  constructor(
    private readonly run: RunContext,
    readonly chat: ChatHeaderIn,
  ) {
    this.files = new ChatIndexFiles(run.stateDir, chat.id);
    this.validator = new ExportMessageValidator(run.reportedKinds);
    this.topicTracker = new TopicTracker(/supergroup/.test(chat.type));
  }

  private get chatDir(): string {
    return vaultJoin(TELEGRAM_DIR, this.header.folder);
  }

  // ───────────────────────────── start ─────────────────────────────

  async begin(): Promise<void> {
    const { fs } = this.run;
    const stored = await this.files.readHeader(fs);
    let dirty = false;
    if (stored) {
      this.header = stored;
      dirty = stored.importing;
      const rows = await this.files.readRows(fs);
      if (rows) {
        this.table = rows.table;
        this.validation = new Map(rows.notes.map((v) => [v.path, v]));
      }
    } else {
      const found = (await this.run.discoverNotes()).get(this.chat.id) ?? [];
      this.header = found.length ? this.headerFromNotes(found) : await this.freshHeader();
    }
    this.header.title = this.chat.title;
    this.header.type = this.chat.type;
    for (const t of this.header.topics) this.topicTitles.set(t.id, t.title);
    this.run.folderOwners.set(this.header.folder.toLowerCase(), this.chat.id);

    // Claim the folder and mark the chat busy before the first file is touched.
    this.header.importing = true;
    await this.saveHeader();

    if (dirty) {
      await sweepTempFiles(fs, this.abs(this.chatDir));
      await this.sweepAttachmentTemps();
    }
    const notes = this.header.notes.slice();
    for (let i = 0; i < notes.length; i++) await this.openNote(i, notes[i], dirty);
    const stats = this.table.noteStats(this.notes.length);
    for (const n of this.notes) n.maxId = stats[n.idx].count ? stats[n.idx].maxId : Number.NEGATIVE_INFINITY;
    // The layout of a chat is chosen once, before its first note exists, and then kept.
    this.layoutPending = this.run.settings.splitByMonthOver > 0 && this.header.notes.length === 0;
    if (!this.header.notes.length && !this.layoutPending) this.header.layout = 'single';
  }

  private async freshHeader(): Promise<ChatIndexHeader> {
    const base = safeName(() => chatFolderName(this.chat.title, this.chat.id), `Chat ${this.chat.id}`);
    let folder = base;
    if (await this.folderTaken(folder)) folder = sanitizeFileName(`${base} (${this.chat.id})`);
    for (let n = 2; await this.folderTaken(folder); n++) folder = sanitizeFileName(`${base} (${this.chat.id}-${n})`);
    return this.newHeader({ folder, layout: 'single', importing: true, topics: [], notes: [] });
  }

  /** An index header for this chat as of now; the caller says where its notes are. */
  private newHeader(where: Pick<ChatIndexHeader, 'folder' | 'layout' | 'importing' | 'topics' | 'notes'>): ChatIndexHeader {
    return {
      version: INDEX_VERSION,
      chatId: this.chat.id,
      title: this.chat.title,
      type: this.chat.type,
      lastImportAt: new Date(this.run.clock()).toISOString(),
      messageCount: 0,
      ...where,
    };
  }

  /** Another chat's folder: named in its index, or holding its notes (its index is lost too). */
  private async folderTaken(folder: string): Promise<boolean> {
    const owner = this.run.folderOwners.get(folder.toLowerCase());
    if (owner !== undefined) return owner !== this.chat.id;
    try {
      await this.run.fs.stat(this.abs(vaultJoin(TELEGRAM_DIR, folder)));
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    const prefix = `${TELEGRAM_DIR}/${folder}/`.toLowerCase();
    for (const [chatId, notes] of await this.run.discoverNotes()) {
      if (chatId !== this.chat.id && notes.some((n) => n.path.toLowerCase().startsWith(prefix))) return true;
    }
    return false;
  }

  /** The index was lost: rebuild its header from the notes that carry this chat's id. */
  private headerFromNotes(found: DiscoveredNote[]): ChatIndexHeader {
    const folders = new Map<string, number>();
    for (const n of found) {
      const folder = n.path.split('/')[1];
      folders.set(folder, (folders.get(folder) ?? 0) + 1);
    }
    const folder = [...folders.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    const notes: NoteRecord[] = [];
    const topics = new Map<number, string>();
    let monthly = false;
    for (const n of found.filter((f) => f.path.split('/')[1] === folder).sort((a, b) => a.path.localeCompare(b.path))) {
      const base = n.meta.topic ?? n.meta.title;
      const month = n.meta.firstDate && /^\d{4}-\d{2}/.test(n.meta.firstDate) ? n.meta.firstDate.slice(0, 7) : undefined;
      const name = n.path.slice(n.path.lastIndexOf('/') + 1);
      const isMonth = month !== undefined && safeName(() => noteFileName(base, month, this.noteFallback(n.meta.topicId)), '') === name;
      if (isMonth) monthly = true;
      if (n.meta.topicId !== undefined && n.meta.topic !== undefined) topics.set(n.meta.topicId, n.meta.topic);
      notes.push({ path: n.path, topicId: n.meta.topicId, topicTitle: n.meta.topic, month: isMonth ? month : undefined });
    }
    this.run.log('info', `${this.chat.title}: index not found, rebuilt from ${notes.length} note(s) in ${TELEGRAM_DIR}/${folder}`);
    return this.newHeader({
      folder,
      layout: monthly ? 'monthly' : 'single',
      importing: false,
      topics: [...topics].map(([id, title]) => ({ id, title })),
      notes,
    });
  }

  /** Validates one note against the index; rebuilds its rows from its text when they disagree. */
  private async openNote(idx: number, rec: NoteRecord, dirty: boolean): Promise<void> {
    const { fs } = this.run;
    const abs = this.abs(rec.path);
    const state: NoteState = {
      idx,
      rec,
      abs,
      disk: { size: 0, header: '' },
      maxId: Number.NEGATIVE_INFINITY, // an empty note: any first id, a negative one too, is appended
      replace: new Map(),
      lackingFiles: new Map(),
      remove: new Set(),
      inserts: [],
      touched: false,
      gone: false,
    };
    this.notes[idx] = state;
    this.noteByKey.set(noteKey(rec.topicId, rec.month), state);
    let st: import('node:fs').Stats | undefined;
    try {
      st = await fs.stat(abs);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!st) {
      // Deleted by someone: its messages are no longer archived and will be written again.
      this.table.removeNote(idx);
      state.gone = true;
      return;
    }
    const v = this.validation.get(rec.path);
    if (v && v.size === st.size && v.mtimeMs === st.mtimeMs) {
      state.disk = { size: v.size, header: v.header };
      state.storedFirstDate = v.firstDate;
      state.storedLastDate = v.lastDate;
      state.kept = keptProperties(safeFrontmatter(v.header)?.meta);
      return;
    }
    // Stale or unknown: the note's text decides.
    this.table.removeNote(idx);
    const scan = await scanNote(fs, abs, (p) => {
      if (p.kind !== 'block') return;
      const ids = p.ids.filter((id) => Number.isInteger(id) && Math.abs(id) <= MAX_MESSAGE_ID);
      if (!ids.length) return;
      const [h1, h2] = blockHash(p.text);
      ids.forEach((id, i) => {
        if (this.table.find(id) >= 0) return; // the same id twice (a hand edit): the first copy wins
        this.table.add(id, idx, ids[0], i === 0 ? h1 : 0, i === 0 ? h2 : 0);
      });
    });
    let size = scan.size;
    if (dirty && scan.blocksEnd < size) {
      // The previous import stopped in the middle of a write: drop the partial block.
      await fs.truncate(abs, scan.blocksEnd);
      this.run.log('warn', `${this.chat.title}: repaired ${rec.path} (removed ${size - scan.blocksEnd} bytes of an unfinished block)`);
      size = scan.blocksEnd;
    }
    state.disk = { size, header: size > 0 ? (scan.header?.text ?? '') : '' };
    state.storedFirstDate = scan.header?.meta.firstDate;
    state.storedLastDate = scan.header?.meta.lastDate;
    state.kept = keptProperties(scan.header?.meta);
    for (const w of scan.header?.warnings ?? []) this.run.log('warn', `${shortTitle(this.chat.title)}: ${rec.path}: ${w}`);
    state.touched = true; // the index must be rewritten for it
  }

  private async sweepAttachmentTemps(): Promise<void> {
    const root = this.abs(vaultJoin(this.chatDir, sanitizeFileName(this.run.settings.attachmentsFolder || 'attachments', { fallback: 'attachments' })));
    const walk = async (dir: string): Promise<void> => {
      await sweepTempFiles(this.run.fs, dir);
      let entries: import('node:fs').Dirent[];
      try {
        entries = await this.run.fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) await walk(path.join(dir, e.name));
    };
    await walk(root);
  }

  // ───────────────────────────── messages ─────────────────────────────

  /** One entry of the chat's `messages` array, as parsed. */
  async push(value: unknown, index: number): Promise<void> {
    this.run.totals.messagesSeen++;
    const msg = this.validator.check(value, index, (item, message) => this.warn(item, message));
    if (!msg) return;
    if (this.layoutPending) {
      await this.spoolMessage(msg);
      return;
    }
    await this.process(msg);
  }

  private async process(msg: ExportMessage): Promise<void> {
    let topic: { id: number; title: string } | undefined;
    try {
      topic = this.topicTracker.topicOf(msg);
    } catch (err) {
      this.warn(msg.id, `could not place the message in a forum topic (${describe(err)})`);
    }
    if (topic) this.topicTitles.set(topic.id, topic.title);
    this.topicOfMsg.set(msg, topic);
    let groups: ExportMessage[][];
    try {
      groups = this.grouper.push(msg);
    } catch (err) {
      this.warn(msg.id, `skipped: ${describe(err)}`);
      return;
    }
    for (const g of groups) await this.enqueue(g);
    await this.maybeFlushWriters();
  }

  private async enqueue(group: ExportMessage[]): Promise<void> {
    const job: GroupJob = { msgs: group, topic: this.topicOfMsg.get(group[0]), media: this.submitMedia(group) };
    this.window.push(job);
    while (this.window.length > WINDOW) await this.processHead();
  }

  /** Submits every file of the group to the media pipeline now (synchronously, in message order). */
  private submitMedia(group: ExportMessage[]): Promise<Map<string, string | null>> {
    const jobs: Promise<[string, string | null]>[] = [];
    const firstId = group[0].id;
    const isNew = this.table.find(firstId) < 0;
    for (const msg of group) {
      let files: { exportPath: string; role: string }[];
      try {
        files = mediaFilesOf(msg);
      } catch (err) {
        this.warn(msg.id, `could not read the message's files (${describe(err)})`);
        continue;
      }
      for (const f of files) {
        if (typeof f.exportPath !== 'string') continue;
        const located = this.run.exportFiles.locate(f.exportPath);
        const preferred = attachmentVaultPath(this.chatDir, this.run.settings.attachmentsFolder, f.exportPath);
        const result = this.run.media.submit({
          source: async () => located,
          preferredPath: preferred,
          chatId: this.chat.id,
          countAsNew: isNew,
        });
        jobs.push(result.then((r) => [f.exportPath, this.mediaOutcome(msg.id, f.exportPath, r)] as [string, string | null]));
      }
    }
    return Promise.all(jobs).then((pairs) => new Map(pairs));
  }

  private mediaOutcome(msgId: number, exportPath: string, r: MediaResult): string | null {
    if (r.vaultPath) return r.vaultPath;
    if (r.outcome === 'missing') this.warn(msgId, r.error ?? `file "${exportPath}" is not in the export`);
    else if (r.outcome === 'refused') this.warn(msgId, r.error ?? `refused file path "${exportPath}"`);
    else this.warn(msgId, `could not copy "${exportPath}": ${r.error ?? 'unknown error'}`);
    return null;
  }

  /** Renders the oldest group once its media are stored, and puts it where it belongs. */
  private async processHead(): Promise<void> {
    const job = this.window.shift();
    if (!job) return;
    const media = await job.media;
    const msgs = job.msgs;
    const ids = msgs.map((m) => m.id);
    const rows = ids.map((id) => this.table.find(id));
    const existing = rows.filter((r) => r >= 0);

    let note: NoteState;
    if (existing.length) note = this.notes[this.table.note[existing[0]]];
    else note = await this.noteFor(job.topic, msgs[0]);

    const ctx: ChatContext = {
      chatId: this.chat.id,
      chatTitle: this.chat.title,
      chatType: this.chat.type,
      currentNote: stripMd(note.rec.path),
      noteOf: (id) => {
        if (ids.includes(id)) return stripMd(note.rec.path);
        const r = this.table.find(id);
        return r >= 0 ? stripMd(this.notes[this.table.note[r]].rec.path) : undefined;
      },
      anchorOf: (id) => {
        if (ids.includes(id)) return ids[0];
        const r = this.table.find(id);
        return r >= 0 ? this.table.first[r] : undefined;
      },
      isTopicRoot: (id) => this.topicTracker.isTopicRoot(id),
      attachmentOf: (p) => media.get(p) ?? null,
    };
    let text: string;
    try {
      text = renderBlock(msgs, ctx);
    } catch (err) {
      this.warn(ids[0], `could not render the message: ${describe(err)}`);
      return;
    }
    const [h1, h2] = blockHash(text);
    for (const m of msgs) this.noteDate(note, m.date);
    this.run.metrics.itemsProcessed(msgs.length);
    const totals = this.run.totals;

    if (!existing.length) {
      ids.forEach((id, i) => this.table.add(id, note.idx, ids[0], i === 0 ? h1 : 0, i === 0 ? h2 : 0));
      note.touched = true;
      if (ids[0] > note.maxId) {
        note.maxId = Math.max(...ids);
        await this.writerOf(note).append(text);
      } else {
        note.inserts.push({ firstId: ids[0], text });
      }
      totals.messagesWritten += ids.length;
      return;
    }

    const head = this.table.find(ids[0]);
    const sameBlock =
      existing.length === ids.length && rows.every((r) => r >= 0 && this.table.first[r] === ids[0]) && this.table.blockRows(ids[0]).length === ids.length;
    if (sameBlock) {
      if (this.table.h1[head] === h1 && this.table.h2[head] === h2) {
        totals.duplicatesSkipped += ids.length;
        this.run.metrics.add('duplicatesPrevented', ids.length);
        return;
      }
      // Edited (or rendered differently now): replace the block where it is.
      this.table.h1[head] = h1;
      this.table.h2[head] = h2;
      note.replace.set(ids[0], text);
      // A newer export made without media (or with files gone) must not turn archived embeds
      // into "not included" remarks; the rewrite keeps the old block when it would lose one.
      const lacksFiles = msgs.some((m) => PLACEHOLDER_FIELDS.some((k) => isPlaceholderPath(m[k]))) || [...media.values()].includes(null);
      if (lacksFiles) note.lackingFiles.set(ids[0], ids.length);
      note.touched = true;
      totals.messagesUpdated += ids.length;
      return;
    }

    // The group overlaps blocks shaped differently (an album that gained or lost a message): drop
    // those blocks and put this one in their place.
    const firsts = new Set(existing.map((r) => this.table.first[r]));
    for (const f of firsts) {
      const blockRows = this.table.blockRows(f);
      if (!blockRows.length) continue;
      const owner = this.notes[this.table.note[blockRows[0]]];
      owner.remove.add(f);
      owner.touched = true;
      for (const r of blockRows) this.table.remove(r);
    }
    ids.forEach((id, i) => this.table.add(id, note.idx, ids[0], i === 0 ? h1 : 0, i === 0 ? h2 : 0));
    note.inserts.push({ firstId: ids[0], text });
    note.touched = true;
    totals.messagesUpdated += existing.length;
    totals.messagesWritten += ids.length - existing.length;
  }

  private noteDate(note: NoteState, date: unknown): void {
    if (typeof date !== 'string' || !date) return;
    if (note.runFirstDate === undefined || date < note.runFirstDate) note.runFirstDate = date;
    if (note.runLastDate === undefined || date > note.runLastDate) note.runLastDate = date;
  }

  /** Name of a note whose chat or topic title has nothing printable: like the folder's fallback. */
  private noteFallback(topicId: number | undefined): string {
    return topicId === undefined ? `Chat ${this.chat.id}` : `Topic ${topicId}`;
  }

  /** The note a new group goes to: by topic and, in the monthly layout, by month. */
  private async noteFor(topic: { id: number; title: string } | undefined, first: ExportMessage): Promise<NoteState> {
    let month: string | undefined;
    if (this.header.layout === 'monthly') {
      // A message without a date (an unsupported one) stays with the month before it.
      month = monthKeyOf(first.date) ?? this.lastMonth;
      this.lastMonth = month;
    }
    const key = noteKey(topic?.id, month);
    const known = this.noteByKey.get(key);
    if (known) return known;
    if (this.notes.length >= MAX_NOTES_PER_CHAT) throw new Error('too many notes for one chat');
    const base = topic?.title ?? this.chat.title;
    const taken = new Set(this.notes.map((n) => n.rec.path.toLowerCase()));
    const candidates = [
      safeName(() => noteFileName(base, month, this.noteFallback(topic?.id)), 'Chat.md'),
      safeName(() => noteFileName(`${base} (${topic?.id ?? this.chat.id})`, month), `Chat ${this.chat.id}.md`),
    ];
    let file = candidates[0];
    for (let i = 1; taken.has(vaultJoin(this.chatDir, file).toLowerCase()) || (await this.existsUnclaimed(vaultJoin(this.chatDir, file))); i++) {
      file = i < candidates.length ? candidates[i] : safeName(() => noteFileName(`${base} (${topic?.id ?? this.chat.id}-${i})`, month), `Chat ${i}.md`);
    }
    const rec: NoteRecord = { path: vaultJoin(this.chatDir, file), topicId: topic?.id, topicTitle: topic?.title, month };
    this.header.notes.push(rec);
    if (topic && !this.header.topics.some((t) => t.id === topic.id)) this.header.topics.push({ id: topic.id, title: topic.title });
    // The note is named in the index before it exists, so a crash cannot orphan it.
    await this.saveHeader();
    const state: NoteState = {
      idx: this.notes.length,
      rec,
      abs: this.abs(rec.path),
      disk: { size: 0, header: '' },
      maxId: Number.NEGATIVE_INFINITY, // an empty note: any first id, a negative one too, is appended
      replace: new Map(),
      lackingFiles: new Map(),
      remove: new Set(),
      inserts: [],
      touched: true,
      gone: false,
    };
    this.notes.push(state);
    this.noteByKey.set(key, state);
    return state;
  }

  /** A file at `vaultPath` that is not one of this chat's notes (someone else's): pick another name. */
  private async existsUnclaimed(vaultPath: string): Promise<boolean> {
    try {
      await this.run.fs.stat(this.abs(vaultPath));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private writerOf(note: NoteState): NoteWriter {
    if (!note.writer) {
      note.writer = new NoteWriter(note.abs, note.disk, { ...this.run.writerOptions, fs: this.run.fs, counters: this.run.counters }, () =>
        this.frontmatterOf(note),
      );
      note.gone = false;
    }
    return note.writer;
  }

  private async maybeFlushWriters(): Promise<void> {
    const now = this.run.clock();
    if (now - this.lastFlushCheck < 250) return;
    this.lastFlushCheck = now;
    let buffered = 0;
    for (const n of this.notes) if (n.writer) buffered += n.writer.bufferedChars;
    for (const n of this.notes) {
      if (!n.writer) continue;
      if (buffered > MAX_BUFFERED_CHARS) await n.writer.flush();
      else await n.writer.flushIfDue();
    }
  }

  // ───────────────────────── month layout decision ─────────────────────────

  /**
   * New chat with "split by month over N": the layout depends on the chat's size, which the
   * stream tells only at its end. Messages wait in a spool (memory, then a file) until the count
   * passes N (monthly) or the chat ends (one note); then they are replayed in order.
   */
  private async spoolMessage(msg: ExportMessage): Promise<void> {
    const line = JSON.stringify(msg);
    this.spool.push(line);
    this.spoolChars += line.length;
    this.spoolCount++;
    if (this.spoolChars > SPOOL_MEMORY_CHARS) await this.spillSpool();
    if (this.spoolCount > this.run.settings.splitByMonthOver) await this.decideLayout('monthly');
  }

  private async spillSpool(): Promise<void> {
    const { fs } = this.run;
    this.spoolFile ??= path.join(this.run.stateDir, 'tmp', `spool-${this.chat.id}.jsonl`);
    await fs.mkdir(path.dirname(this.spoolFile), { recursive: true });
    const handle = await fs.open(this.spoolFile, this.spoolChars === 0 ? 'w' : 'a');
    try {
      await handle.write(this.spool.join('\n') + '\n');
    } finally {
      await handle.close();
    }
    this.spool = [];
    this.spoolChars = 0;
  }

  private async decideLayout(layout: 'single' | 'monthly'): Promise<void> {
    this.layoutPending = false;
    this.header.layout = layout;
    await this.saveHeader();
    const { fs } = this.run;
    if (this.spoolFile) {
      const file = this.spoolFile;
      this.spoolFile = undefined;
      const stream = fs.createReadStream(file, { encoding: 'utf8' });
      let rest = '';
      for await (const chunk of stream as AsyncIterable<string>) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) if (l) await this.process(JSON.parse(l) as ExportMessage);
      }
      if (rest) await this.process(JSON.parse(rest) as ExportMessage);
      await fs.rm(file, { force: true });
    }
    const lines = this.spool;
    this.spool = [];
    this.spoolChars = 0;
    for (const l of lines) await this.process(JSON.parse(l) as ExportMessage);
  }

  // ───────────────────────────── end ─────────────────────────────

  /** The chat's messages ended (normally, or cut short by a malformed file). */
  async end(): Promise<void> {
    if (this.layoutPending) await this.decideLayout('single');
    for (const g of this.grouper.flush()) await this.enqueue(g);
    while (this.window.length) await this.processHead();
    await this.finishNotes();
  }

  /**
   * Cancelled: what was read is written, the group still being assembled (perhaps half an album)
   * is left for the next run, and the vault is left consistent.
   */
  async abort(): Promise<void> {
    if (this.layoutPending) {
      this.spool = [];
      if (this.spoolFile) await this.run.fs.rm(this.spoolFile, { force: true });
    }
    while (this.window.length) await this.processHead();
    await this.finishNotes();
  }

  /** After an error nothing more is written; writers release their notes. */
  async dispose(): Promise<void> {
    for (const n of this.notes) {
      if (!n.writer) continue;
      n.writer.discardPending();
      await n.writer.settle().catch(() => undefined);
      n.writer.close();
    }
  }

  private async finishNotes(): Promise<void> {
    const { fs } = this.run;
    const stats = this.table.noteStats(this.notes.length);
    const validation: NoteValidation[] = [];
    let total = 0;
    for (const note of this.notes) {
      const s = stats[note.idx];
      total += s.count;
      note.rec.count = s.count;
      if (s.count === 0 && note.disk.size === 0 && !note.writer?.bufferedChars) {
        // Never written (or deleted and nothing came back): nothing to finish.
        note.writer?.close();
        continue;
      }
      const header = this.frontmatterOf(note, s);
      const needsRewrite = note.replace.size > 0 || note.remove.size > 0 || note.inserts.length > 0;
      const writer = this.writerOf(note);
      if (needsRewrite) {
        await writer.flush();
        await this.rewriteNote(note, writer, header);
        this.run.totals.notesWritten++;
      } else {
        const outcome = await writer.finish(header);
        if (outcome !== 'unchanged') this.run.totals.notesWritten++;
      }
      writer.close();
      note.writer = undefined;
      const st = await fs.stat(note.abs);
      validation.push({
        path: note.rec.path,
        size: st.size,
        mtimeMs: st.mtimeMs,
        header,
        firstDate: minDate(note.storedFirstDate, note.runFirstDate),
        lastDate: maxDate(note.storedLastDate, note.runLastDate),
      });
    }
    this.header.messageCount = total;
    this.header.topics = [...this.topicTitles].map(([id, title]) => ({ id, title })).sort((a, b) => a.id - b.id);
    await this.files.writeRows(fs, this.table, validation, this.run.counters);
    this.header.importing = false;
    this.header.lastImportAt = new Date(this.run.clock()).toISOString();
    await this.saveHeader();
    if (this.topicTitles.size) this.run.totals.topics += this.topicTitles.size;
  }

  private async rewriteNote(note: NoteState, writer: NoteWriter, header: string): Promise<void> {
    const inserts = note.inserts.sort((a, b) => a.firstId - b.firstId);
    let k = 0;
    await writer.rewrite(async (emit) => {
      await emit(header);
      if (note.disk.size > 0 || writer.sizeOnDisk > 0) {
        await scanNote(this.run.fs, note.abs, async (p) => {
          if (p.kind === 'header') return;
          if (p.kind === 'other') {
            await emit(p.text);
            return;
          }
          const f = p.ids[0];
          while (k < inserts.length && inserts[k].firstId < f) await emit(inserts[k++].text);
          if (note.remove.has(f)) return;
          const replacement = note.replace.get(f);
          const lacking = note.lackingFiles.get(f);
          if (replacement !== undefined && lacking !== undefined && losesFileLinks(p.text, replacement)) {
            this.run.totals.messagesUpdated -= lacking;
            this.run.totals.duplicatesSkipped += lacking;
            await emit(p.text);
            return;
          }
          await emit(replacement ?? p.text);
        });
      }
      while (k < inserts.length) await emit(inserts[k++].text);
    });
    note.replace.clear();
    note.lackingFiles.clear();
    note.remove.clear();
    note.inserts = [];
  }

  private frontmatterOf(note: NoteState, stats?: { count: number; maxId: number }): string {
    const s = stats ?? this.table.noteStats(this.notes.length)[note.idx];
    const topicTitle = note.rec.topicId !== undefined ? (this.topicTitles.get(note.rec.topicId) ?? note.rec.topicTitle) : undefined;
    const meta: NoteMeta = {
      source: 'telegram',
      chatId: this.chat.id,
      chatType: this.chat.type,
      title: this.chat.title,
      ...(topicTitle !== undefined ? { topic: topicTitle, topicId: note.rec.topicId } : {}),
      messageCount: s.count,
      firstDate: minDate(note.storedFirstDate, note.runFirstDate),
      lastDate: maxDate(note.storedLastDate, note.runLastDate),
      lastImportedId: s.count ? s.maxId : undefined,
      ...note.kept,
    };
    return renderFrontmatter(meta);
  }

  private async saveHeader(): Promise<void> {
    await this.files.writeHeader(this.run.fs, this.header, this.run.counters);
  }

  private warn(item: string | number, message: string): void {
    this.run.warn({ source: shortTitle(this.chat.title), item, message });
  }

  private abs(vaultPath: string): string {
    return path.join(this.run.vaultRoot, ...vaultPath.split('/'));
  }
}

function keptProperties(meta: NoteMeta | undefined): Pick<NoteMeta, 'tags' | 'extraYaml'> | undefined {
  if (!meta) return undefined;
  const kept: Pick<NoteMeta, 'tags' | 'extraYaml'> = {};
  if (meta.tags !== undefined) kept.tags = meta.tags;
  if (meta.extraYaml) kept.extraYaml = meta.extraYaml;
  return kept;
}

/** Message fields that name a file, or hold Telegram Desktop's remark when the file was left out. */
const PLACEHOLDER_FIELDS = ['photo', 'file', 'thumbnail', 'contact_vcard'] as const;

/** Targets of the file links and embeds in a block (`[[path]]`, `![[path|128]]`); message links (`#^m`) excluded. */
function fileLinkTargets(block: string): Set<string> {
  const out = new Set<string>();
  for (const m of block.matchAll(/\[\[([^\]|#]+)[\]|]/g)) out.add(m[1]);
  return out;
}

/** True when the old block links a file the new rendering of the same message does not. */
function losesFileLinks(oldBlock: string, newBlock: string): boolean {
  const kept = fileLinkTargets(newBlock);
  for (const t of fileLinkTargets(oldBlock)) if (!kept.has(t)) return true;
  return false;
}

function noteKey(topicId: number | undefined, month: string | undefined): string {
  return `${topicId ?? ''}|${month ?? ''}`;
}

function stripMd(p: string): string {
  return p.endsWith('.md') ? p.slice(0, -3) : p;
}

function minDate(a?: string, b?: string): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

function maxDate(a?: string, b?: string): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

function safeName(make: () => string, fallback: string): string {
  try {
    const s = make();
    return typeof s === 'string' && s ? s : fallback;
  } catch {
    return fallback;
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
