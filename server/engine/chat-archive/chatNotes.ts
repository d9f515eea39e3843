/**
 * A chat's notes while it is written: its index (header and message table), one NoteState per
 * note, the writers, the naming of new notes (by topic and, in the monthly layout, by month), and
 * finishing: frontmatter, rewrites for replaced or inserted blocks, the saved index.
 */
import { monthKeyOf, noteFileName, renderFrontmatter, type ExportMessage, type NoteMeta } from '../telegram-notes';
import { sweepTempFiles } from '../vault/atomic';
import { vaultJoin } from '../vault/fileNames';
import { TELEGRAM_DIR } from '../vault/layout';
import { NoteWriter } from '../vault/noteWriter';
import { isNotFound } from '../vault/vaultFs';
import { type ChatIndexHeader, ChatIndexFiles, MAX_NOTES_PER_CHAT, type MessageTable, type NoteRecord, type NoteValidation } from './chatIndex';
import { openChatIndex } from './chatFolder';
import { openNote, sweepAttachmentTemps } from './noteOpen';
import { rewriteNote } from './noteRewrite';
import { type ArchiveRun, type ChatHeaderIn, type NoteState, newNoteState, noteFallback, noteKey, safeName } from './types';

/** All buffered note text of a chat together stays under this (many topic notes at once). */
const MAX_BUFFERED_CHARS = 16 << 20;

export type Topic = { readonly id: number; readonly title: string };

export class ChatNotes {
  header!: ChatIndexHeader;
  table!: MessageTable;
  readonly notes: NoteState[] = [];
  /** Titles of the chat's forum topics as last seen (renames included). */
  readonly topicTitles = new Map<number, string>();
  private readonly files: ChatIndexFiles;
  private readonly noteByKey = new Map<string, NoteState>();
  private lastFlushCheck = 0;
  private lastMonth: string | undefined;

  constructor(
    private readonly run: ArchiveRun,
    readonly chat: ChatHeaderIn,
  ) {
    this.files = new ChatIndexFiles(run.layout.telegramStateDir, chat.id);
  }

  get chatDir(): string {
    return vaultJoin(TELEGRAM_DIR, this.header.folder);
  }

  /** Claims the chat's folder (marking it busy), then opens and checks every note it has. */
  async open(): Promise<void> {
    const { run } = this;
    const opened = await openChatIndex(run, this.chat, this.files);
    this.header = opened.header;
    this.table = opened.table;
    this.header.title = this.chat.title;
    this.header.type = this.chat.type;
    for (const t of this.header.topics) this.topicTitles.set(t.id, t.title);
    run.folderOwners.set(this.header.folder.toLowerCase(), this.chat.id);

    // Claim the folder and mark the chat busy before the first file is touched.
    this.header.importing = true;
    await this.saveHeader();

    if (opened.dirty) {
      await sweepTempFiles(run.fs, run.layout.abs(this.chatDir));
      await sweepAttachmentTemps(run, this.chatDir);
    }
    const args = { run, chatTitle: this.chat.title, table: this.table, validation: opened.validation, dirty: opened.dirty };
    const records = this.header.notes.slice();
    for (let i = 0; i < records.length; i++) {
      const state = await openNote(args, i, records[i]);
      this.notes[i] = state;
      this.noteByKey.set(noteKey(records[i].topicId, records[i].month), state);
    }
    const stats = this.table.noteStats(this.notes.length);
    for (const n of this.notes) n.maxId = stats[n.idx].count ? stats[n.idx].maxId : Number.NEGATIVE_INFINITY;
  }

  /** The note a message already archived lives in (row of any of its ids), if any. */
  noteOfRow(row: number): NoteState {
    return this.notes[this.table.note[row]];
  }

  /** The note a new group goes to: by topic and, in the monthly layout, by month. */
  async noteFor(topic: Topic | undefined, first: ExportMessage): Promise<NoteState> {
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
    const rec: NoteRecord = { path: await this.newNotePath(topic, month), topicId: topic?.id, topicTitle: topic?.title, month };
    this.header.notes.push(rec);
    if (topic && !this.header.topics.some((t) => t.id === topic.id)) this.header.topics.push({ id: topic.id, title: topic.title });
    // The note is named in the index before it exists, so a crash cannot orphan it.
    await this.saveHeader();
    const state = newNoteState(this.notes.length, rec, this.run.layout.abs(rec.path), true);
    this.notes.push(state);
    this.noteByKey.set(key, state);
    return state;
  }

  private async newNotePath(topic: Topic | undefined, month: string | undefined): Promise<string> {
    const chatId = this.chat.id;
    const base = topic?.title ?? this.chat.title;
    const taken = new Set(this.notes.map((n) => n.rec.path.toLowerCase()));
    const candidates = [
      safeName(() => noteFileName(base, month, noteFallback(chatId, topic?.id)), 'Chat.md'),
      safeName(() => noteFileName(`${base} (${topic?.id ?? chatId})`, month), `Chat ${chatId}.md`),
    ];
    let file = candidates[0];
    for (let i = 1; taken.has(vaultJoin(this.chatDir, file).toLowerCase()) || (await this.exists(vaultJoin(this.chatDir, file))); i++) {
      file = i < candidates.length ? candidates[i] : safeName(() => noteFileName(`${base} (${topic?.id ?? chatId}-${i})`, month), `Chat ${i}.md`);
    }
    return vaultJoin(this.chatDir, file);
  }

  /** A file at `vaultPath` that is not one of this chat's notes (someone else's): pick another name. */
  private async exists(vaultPath: string): Promise<boolean> {
    try {
      await this.run.fs.stat(this.run.layout.abs(vaultPath));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  writerOf(note: NoteState): NoteWriter {
    if (!note.writer) {
      note.writer = new NoteWriter(note.abs, note.disk, { ...this.run.writerOptions, fs: this.run.fs, counters: this.run.counters }, () => this.frontmatterOf(note));
      note.gone = false;
    }
    return note.writer;
  }

  /** Writes what is due (every 2 s per note), or everything when the chat buffers too much. */
  maybeFlushWriters(): Promise<void> | undefined {
    const now = this.run.clock();
    if (now - this.lastFlushCheck < 250) return undefined;
    this.lastFlushCheck = now;
    return this.flushDue();
  }

  private async flushDue(): Promise<void> {
    let buffered = 0;
    for (const n of this.notes) if (n.writer) buffered += n.writer.bufferedChars;
    for (const n of this.notes) {
      if (!n.writer) continue;
      if (buffered > MAX_BUFFERED_CHARS) await n.writer.flush();
      else await n.writer.flushIfDue();
    }
  }

  /** Widens the note's date range with a message's date. */
  noteDate(note: NoteState, date: unknown): void {
    if (typeof date !== 'string' || !date) return;
    if (note.runFirstDate === undefined || date < note.runFirstDate) note.runFirstDate = date;
    if (note.runLastDate === undefined || date > note.runLastDate) note.runLastDate = date;
  }

  /** Finishes every note (frontmatter, pending rewrites), saves the rows, clears the busy mark. */
  async finish(): Promise<void> {
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
        await rewriteNote(this.run, note, writer, header);
        this.run.totals.notesWritten++;
      } else {
        const outcome = await writer.finish(header);
        if (outcome !== 'unchanged') this.run.totals.notesWritten++;
      }
      writer.close();
      note.writer = undefined;
      const st = await fs.stat(note.abs);
      validation.push({ path: note.rec.path, size: st.size, mtimeMs: st.mtimeMs, header, firstDate: firstDate(note), lastDate: lastDate(note) });
    }
    this.header.messageCount = total;
    this.header.topics = [...this.topicTitles].map(([id, title]) => ({ id, title })).sort((a, b) => a.id - b.id);
    await this.files.writeRows(fs, this.table, validation, this.run.counters);
    this.header.importing = false;
    this.header.lastImportAt = new Date(this.run.clock()).toISOString();
    await this.saveHeader();
    if (this.topicTitles.size) this.run.totals.topics += this.topicTitles.size;
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
      firstDate: firstDate(note),
      lastDate: lastDate(note),
      lastImportedId: s.count ? s.maxId : undefined,
      ...note.kept,
    };
    return renderFrontmatter(meta);
  }

  private async saveHeader(): Promise<void> {
    await this.files.writeHeader(this.run.fs, this.header, this.run.counters);
  }
}

function firstDate(note: NoteState): string | undefined {
  const [a, b] = [note.storedFirstDate, note.runFirstDate];
  return a === undefined ? b : b === undefined ? a : a < b ? a : b;
}

function lastDate(note: NoteState): string | undefined {
  const [a, b] = [note.storedLastDate, note.runLastDate];
  return a === undefined ? b : b === undefined ? a : a > b ? a : b;
}
