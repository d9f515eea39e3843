/**
 * The chat archive: one chat's messages, in order, from any connector (an export, live sync),
 * become blocks in its notes. The archive owns the notes, the chat index, the writers, the claiming
 * of media into the vault and the dedup decisions; connectors only produce messages in the one
 * model (telegram-notes/message.ts) and say where their files come from (MessageMediaSource).
 *
 * Flow per message (in source order):
 *   topic tracker → album grouper → group job (its media submitted to the pipeline at once, so
 *   copies run in parallel ahead of the writer) → a bounded window → in order: render the block
 *   once its media are stored, compare with the index, then append / replace / skip (placement.ts).
 *
 * Notes are the truth, the index a cache (chatIndex.ts). Before touching any file of the chat the
 * index header is saved with `importing: true`; it is cleared only after every note is finished
 * and the rows are saved. A run that finds the flag set knows the previous one stopped abruptly,
 * re-reads every note whose size or mtime changed, truncates a torn tail after the last complete
 * block and sweeps temporary files. Because every decision (folder and note names, attachment
 * names, block placement, frontmatter values) is a function of the message sequence and of what
 * the notes contain, the rerun ends with the same bytes as an uninterrupted run.
 */
import * as path from 'node:path';
import type { JobWarning } from '../../../shared/types';
import type { MediaResult } from '../media/mediaPipeline';
import { AlbumGrouper, type ExportMessage, TopicTracker, isPlaceholderPath, mediaFilesOf, renderBlock, shortTitle } from '../telegram-notes';
import { blockHash } from './chatIndex';
import { ChatNotes, type Topic } from './chatNotes';
import { MonthSpool } from './monthSpool';
import { isSameBlock, placeGroup } from './placement';
import { RenderScope } from './renderScope';
import { sourceKey } from './sourceKey';
import { type ArchiveRun, type ChatHeaderIn, type MessageMediaSource, type NoteState, describe } from './types';

/**
 * The render window: groups read ahead of the one being written, so their files are stored in
 * parallel meanwhile. It keeps WINDOW groups; while the oldest group's files are still on their
 * way it reads further ahead, up to MAX_WINDOW groups or MAX_FILE_GROUPS groups with files, so the
 * media worker always has work (with 256 groups the writer waited for files half of a 100k import).
 */
const WINDOW = 256;
const MAX_WINDOW = 2048;
const MAX_FILE_GROUPS = 256;
/** Warnings kept per chat for replay (the summary keeps a few hundred in all anyway). */
const MAX_KEPT_WARNINGS = 100;
/** Message fields that name a file, or hold Telegram Desktop's remark when the file was left out. */
const PLACEHOLDER_FIELDS = ['photo', 'file', 'thumbnail', 'contact_vcard'] as const;
/** The media of a group without files. */
const NO_MEDIA: Promise<ReadonlyMap<string, string | null>> = Promise.resolve(new Map());

interface GroupJob {
  readonly msgs: ExportMessage[];
  readonly topic?: Topic;
  readonly media: Promise<ReadonlyMap<string, string | null>>;
  /** The group names files (submitted to the media pipeline). */
  readonly hasFiles: boolean;
  /** Its files are stored (or failed): rendering it will not wait. */
  ready: boolean;
}

export class ChatArchive {
  private readonly notes: ChatNotes;
  private readonly topicTracker: TopicTracker;
  private readonly grouper = new AlbumGrouper();
  private readonly scope: RenderScope;
  /**
   * Each message's topic and source text (for the block's source key) from process() until its
   * group is rendered. A Map whose entries are deleted as groups leave the window, not a WeakMap:
   * a WeakMap entry per message is an ephemeron the young-generation GC must trace again and again,
   * a measurable share of an import's time.
   */
  private readonly extraOf = new Map<ExportMessage, { readonly raw: string | undefined; readonly topic: Topic | undefined }>();
  private window: GroupJob[] = [];
  /** Groups in the window that name files. */
  private fileGroups = 0;
  /** Set while a new chat's layout (one note or one per month) waits for its size. */
  private spool: MonthSpool | undefined;
  /** Messages of this run now in a block (rendered or found unchanged). */
  private placed = 0;
  /** A file of this run could not be stored: a re-import must look at the chat again. */
  private filesMissed = false;
  /** Warnings about this chat in this run (the first ones), replayed when a re-import skips it. */
  private readonly warnings: JobWarning[] = [];

  constructor(
    private readonly run: ArchiveRun,
    readonly chat: ChatHeaderIn,
    private readonly mediaSource: MessageMediaSource,
  ) {
    this.notes = new ChatNotes(run, chat);
    this.topicTracker = new TopicTracker(/supergroup/.test(chat.type));
    this.scope = new RenderScope(chat.id, chat.title, chat.type, this.notes, this.topicTracker);
  }

  async begin(): Promise<void> {
    await this.notes.open();
    const { header } = this.notes;
    // The layout of a chat is chosen once, before its first note exists, and then kept.
    if (this.run.settings.splitByMonthOver > 0 && header.notes.length === 0) {
      this.spool = new MonthSpool(this.run.fs, path.join(this.run.layout.telegramStateDir, 'tmp', `spool-${this.chat.id}.jsonl`));
    } else if (!header.notes.length) header.layout = 'single';
  }

  /**
   * The next message of the chat, already validated by its connector. `topic`: the forum topic a
   * connector knows the message is in (live sync; null = none); left out, it is found from the
   * reply chain as an export requires.
   */
  push(msg: ExportMessage, raw?: string, topic?: Topic | null): Promise<void> | undefined {
    // Counted as it comes in, not when its block is rendered: rendering lags reading by the window
    // (a small chat, and a new chat's spool, render only at the end), so the items/s a live sync
    // shows would be 0 while it reads and a burst after.
    this.run.metrics.itemsProcessed(1);
    if (this.spool) return this.spooled(msg, raw, topic);
    // Most messages need no waiting at all: a promise only when some step has to wait (a block to
    // write, a note to flush), so 100k messages do not make 100k promises and microtask turns.
    return this.process(msg, raw, topic);
  }

  private async spooled(msg: ExportMessage, raw: string | undefined, topic: Topic | null | undefined): Promise<void> {
    await this.spool!.push({ msg, raw, topic });
    if (this.spool!.count > this.run.settings.splitByMonthOver) await this.decideLayout('monthly');
  }

  /**
   * Forum topics the connector knows of before their messages come (live sync's topic list), so
   * replies to a topic's first message read as topic membership in every run, not only the one
   * that met the topic's creation.
   */
  declareTopics(topics: readonly Topic[]): void {
    for (const t of topics) this.topicTracker.declare(t);
  }

  /**
   * The chat's messages ended (normally, or cut short by a malformed source). `sourceDigest`: what
   * the connector read, in full; recorded so that a re-import of the same source skips the chat
   * (unchangedChat.ts) — unless a file could not be stored, which a re-import may find.
   */
  async end(sourceDigest?: string): Promise<void> {
    if (this.spool) await this.decideLayout('single');
    for (const g of this.grouper.flush()) await this.enqueue(g);
    while (this.window.length) await this.processHead();
    const { header } = this.notes;
    header.sourceDigest = sourceDigest !== undefined && !this.filesMissed ? sourceDigest : undefined;
    header.sourceRun = header.sourceDigest ? { placed: this.placed, warnings: this.warnings } : undefined;
    await this.notes.finish();
  }

  /**
   * Cancelled: what was read is written, the group still being assembled (perhaps half an album)
   * is left for the next run, and the vault is left consistent.
   */
  async abort(): Promise<void> {
    this.notes.header.sourceDigest = undefined;
    this.notes.header.sourceRun = undefined;
    if (this.spool) await this.spool.discard();
    this.spool = undefined;
    while (this.window.length) await this.processHead();
    await this.notes.finish();
  }

  /** After an error nothing more is written; writers release their notes. */
  async dispose(): Promise<void> {
    await this.notes.dispose();
  }

  private async decideLayout(layout: 'single' | 'monthly'): Promise<void> {
    const spool = this.spool!;
    this.spool = undefined;
    this.notes.header.layout = layout;
    await spool.drain(async (e) => {
      await this.process(e.msg, e.raw, e.topic);
    });
  }

  private process(msg: ExportMessage, raw: string | undefined, placed?: Topic | null): Promise<void> | undefined {
    let topic: Topic | undefined;
    try {
      topic = placed === undefined ? this.topicTracker.topicOf(msg) : this.topicTracker.place(msg, placed ?? undefined);
    } catch (err) {
      this.warn(msg.id, `could not place the message in a forum topic (${describe(err)})`);
    }
    if (topic) this.notes.topicTitles.set(topic.id, topic.title);
    this.extraOf.set(msg, { raw, topic });
    let groups: ExportMessage[][];
    try {
      groups = this.grouper.push(msg);
    } catch (err) {
      this.warn(msg.id, `skipped: ${describe(err)}`);
      this.extraOf.delete(msg);
      return undefined;
    }
    for (let i = 0; i < groups.length; i++) {
      const waiting = this.enqueue(groups[i]);
      if (waiting) return this.processRest(groups, i + 1, waiting);
    }
    return this.notes.maybeFlushWriters();
  }

  private async processRest(groups: readonly ExportMessage[][], from: number, waiting: Promise<void>): Promise<void> {
    await waiting;
    for (let i = from; i < groups.length; i++) await this.enqueue(groups[i]);
    await this.notes.maybeFlushWriters();
  }

  /** Puts the group in the window; a promise when the window must shrink first (blocks written). */
  private enqueue(group: ExportMessage[]): Promise<void> | undefined {
    const submitted = this.submitMedia(group);
    const job: GroupJob = { msgs: group, topic: this.extraOf.get(group[0])?.topic, media: submitted.results, hasFiles: submitted.files > 0, ready: submitted.files === 0 };
    if (!job.ready) void job.media.then(() => (job.ready = true));
    if (job.hasFiles) this.fileGroups++;
    this.window.push(job);
    return this.mustShrink() ? this.shrinkWindow() : undefined;
  }

  /** Beyond WINDOW groups the oldest is written — unless its files are still on their way: then
   *  it reads further ahead, within bounds. */
  private mustShrink(): boolean {
    if (this.window.length <= WINDOW) return false;
    return this.window[0].ready || this.window.length >= MAX_WINDOW || this.fileGroups >= MAX_FILE_GROUPS;
  }

  private async shrinkWindow(): Promise<void> {
    while (this.mustShrink()) await this.processHead();
  }

  /** Submits every file of the group to the media pipeline now (synchronously, in message order). */
  private submitMedia(group: ExportMessage[]): { results: Promise<ReadonlyMap<string, string | null>>; files: number } {
    const jobs: Promise<[string, string | null]>[] = [];
    const isNew = this.notes.table.find(group[0].id) < 0;
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
        const ref = f.exportPath;
        const located = this.mediaSource.locate(ref);
        const result = this.run.media.submit({
          source: () => located,
          preferredPath: this.mediaSource.attachmentPath(this.notes.chatDir, ref),
          chatId: this.chat.id,
          countAsNew: isNew,
        });
        jobs.push(result.then((r) => [ref, this.mediaOutcome(msg.id, ref, r)] as [string, string | null]));
      }
    }
    // Most groups name no file: they share one settled answer instead of a Promise.all and a Map each.
    if (!jobs.length) return { results: NO_MEDIA, files: 0 };
    return { results: Promise.all(jobs).then((pairs) => new Map(pairs)), files: jobs.length };
  }

  private mediaOutcome(msgId: number, ref: string, r: MediaResult): string | null {
    if (r.vaultPath) return r.vaultPath;
    this.filesMissed = true;
    if (r.outcome === 'missing') this.warn(msgId, r.error ?? `file "${ref}" is not in the export`);
    else if (r.outcome === 'refused') this.warn(msgId, r.error ?? `refused file path "${ref}"`);
    else this.warn(msgId, `could not copy "${ref}": ${r.error ?? 'unknown error'}`);
    return null;
  }

  /**
   * Renders the oldest group once its media are stored, and puts it where it belongs; a block
   * whose source key is unchanged since it was written is left as it is without rendering.
   */
  private async processHead(): Promise<void> {
    const job = this.window.shift();
    if (!job) return;
    if (job.hasFiles) this.fileGroups--;
    const media = await job.media;
    const { table } = this.notes;
    const msgs = job.msgs;
    const raws: (string | undefined)[] = [];
    const ids: number[] = [];
    const rows: number[] = [];
    let known: number | undefined;
    for (const m of msgs) {
      raws.push(this.extraOf.get(m)?.raw);
      this.extraOf.delete(m);
      ids.push(m.id);
      const r = table.find(m.id);
      rows.push(r);
      if (known === undefined && r >= 0) known = r;
    }
    const note = known !== undefined ? this.notes.noteOfRow(known) : await this.notes.noteFor(job.topic, msgs[0]);
    const scope = this.scope.set(note.rec.path, ids, media);
    const key = sourceKey({ chatTitle: this.chat.title, chatType: this.chat.type, notePath: scope.currentNote!, msgs, raws, media, links: scope });
    if (known !== undefined && isSameBlock(table, ids, rows) && table.hasSourceKey(rows[0], key)) {
      this.counted(note, msgs);
      this.placed += ids.length;
      this.run.totals.duplicatesSkipped += ids.length;
      this.run.metrics.add('duplicatesPrevented', ids.length);
      return;
    }
    let text: string;
    try {
      text = renderBlock(msgs, scope);
    } catch (err) {
      this.warn(ids[0], `could not render the message: ${describe(err)}`);
      return;
    }
    this.counted(note, msgs);
    this.placed += ids.length;
    const lacksFiles = lacksSomeFile(msgs, media);
    await placeGroup(this.notes, note, { ids, rows, text, hash: blockHash(text), lacksFiles }, this.run.totals, this.run.metrics);
    // A block rendered without some files may be kept as archived (with them): its key stays unknown.
    if (!lacksFiles) table.setSourceKey(table.find(ids[0]), key);
  }

  /** The group is in the note: its dates widen the note's range (it was counted as processed when pushed). */
  private counted(note: NoteState, msgs: readonly ExportMessage[]): void {
    for (const m of msgs) this.notes.noteDate(note, m.date);
  }

  /** A warning about this chat (its connector's too): reported, and kept for a re-import that skips the chat. */
  warn(item: string | number, message: string): void {
    const w: JobWarning = { source: shortTitle(this.chat.title), item, message };
    if (this.warnings.length < MAX_KEPT_WARNINGS) this.warnings.push(w);
    this.run.warn(w);
  }
}

/** The source left out some of the group's files (Telegram's remark instead of a path), or one
 *  could not be stored. */
function lacksSomeFile(msgs: readonly ExportMessage[], media: ReadonlyMap<string, string | null>): boolean {
  for (const m of msgs) for (const k of PLACEHOLDER_FIELDS) if (isPlaceholderPath(m[k])) return true;
  for (const stored of media.values()) if (stored === null) return true;
  return false;
}
