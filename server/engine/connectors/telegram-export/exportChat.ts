/**
 * One chat of an export on its way into the chat archive: each entry of its messages array is
 * checked (validate.ts) and pushed, and the chat's digest (chatDigest.ts) is kept as it goes.
 *
 * A chat archived in full before is read "skimming" first: the reader hands its messages out
 * unparsed, only the digest is computed, and if it matches the archive's record (and the notes
 * and files are as left) the chat is skipped without parsing or rendering anything. Otherwise —
 * or as soon as the buffered text passes a bound — the buffered entries are parsed and pushed
 * and the chat goes on the ordinary way.
 */
import type { WorkerSettings } from '../../../../shared/types';
import { ChatArchive } from '../../chat-archive/chatArchive';
import type { ArchiveRun, ChatHeaderIn, MessageMediaSource } from '../../chat-archive/types';
import { skipIfUnchanged } from '../../chat-archive/unchangedChat';
import { type FileFacts, chatDigest, exportFileOf, fileRefsIn } from './chatDigest';
import { ExportMessageValidator } from './validate';

/** Bytes held while skimming before giving up on the fast path (bounds memory for huge chats). */
const SKIM_BUFFER_BYTES = 16 << 20;
/** Files whose size and mtime are asked for at once, while the chat is still being read. */
const FACTS_BATCH = 256;

export interface ExportChatOptions {
  readonly run: ArchiveRun;
  readonly chat: ChatHeaderIn;
  readonly media: MessageMediaSource;
  readonly settings: WorkerSettings;
  /** Kinds already warned about in this import (shared by its chats). */
  readonly reportedKinds: Set<string>;
  /** The reader hands this chat's messages out unparsed. */
  readonly skimming: boolean;
  /** The export folder (the files the messages name are inside it). */
  readonly exportRoot: string;
}

/** A message entry that JSON.parse refused (when the reader left parsing to us). */
export interface MalformedEntry {
  readonly index: number;
  readonly message: string;
}

export class ExportChat {
  private readonly archive: ChatArchive;
  private readonly validator: ExportMessageValidator;
  /** Entries held while skimming (their bytes); undefined once the chat goes the ordinary way. */
  private held: { bytes: Buffer; index: number }[] | undefined;
  /** Files the chat's messages name, in order of first mention (their size and mtime join the digest). */
  private readonly fileRefs = new Set<string>();
  /** Files of `fileRefs` inside the export not yet asked about; the answers asked for so far, in
   *  order. Asked while reading (where file tasks run, off this thread by default), so the digest
   *  at the chat's end finds them ready instead of stat-ing thousands of files then. */
  private factsToAsk: string[] = [];
  private readonly factsAsked: Promise<FileFacts[]>[] = [];
  private heldBytes = 0;
  private begun = false;
  /** Id of the last entry pushed, for a break in the file. */
  lastMessageId: unknown;

  constructor(private readonly opts: ExportChatOptions) {
    this.archive = new ChatArchive(opts.run, opts.chat, opts.media);
    this.validator = new ExportMessageValidator(opts.reportedKinds);
    if (opts.skimming) this.held = [];
  }

  get chat(): ChatHeaderIn {
    return this.opts.chat;
  }

  async start(): Promise<void> {
    if (!this.held) await this.begin();
  }

  /** The next entry of the messages array: parsed, or (while skimming) its bytes only. A promise
   *  only when something had to wait (most messages go straight into the window). */
  message(entry: { readonly raw: string; readonly value: unknown } | { readonly bytes: Buffer }, index: number): Promise<MalformedEntry | undefined> | undefined {
    if ('bytes' in entry) return this.entryBytes(entry.bytes, index);
    for (const ref of fileRefsIn(entry.raw)) this.addFileRef(ref);
    return this.push(entry.value, entry.raw, index);
  }

  private entryBytes(bytes: Buffer, index: number): Promise<MalformedEntry | undefined> | undefined {
    for (const ref of fileRefsIn(bytes)) this.addFileRef(ref);
    if (!this.held) return this.parseAndPush(bytes.toString('utf8'), index);
    this.held.push({ bytes, index });
    this.heldBytes += bytes.length;
    if (this.heldBytes <= SKIM_BUFFER_BYTES) return undefined;
    return this.stopSkimming();
  }

  /**
   * The chat's messages ended. `bytesDigest`: the reader's digest of the whole messages array;
   * undefined when the file broke off inside it.
   */
  async end(bytesDigest: string | undefined): Promise<MalformedEntry | undefined> {
    const digest = bytesDigest === undefined ? undefined : await this.sourceDigest(bytesDigest);
    if (this.held && digest !== undefined && (await skipIfUnchanged(this.opts.run, this.opts.chat, digest))) {
      this.held = undefined;
      return undefined;
    }
    const malformed = await this.stopSkimming();
    await this.archive.end(malformed ? undefined : digest);
    return malformed;
  }

  private async sourceDigest(bytesDigest: string): Promise<string> {
    const { run, chat, settings, exportRoot } = this.opts;
    this.askFacts();
    // Should asking have failed (it does not for a file that is missing), the digest stats itself.
    const insideFacts = await Promise.all(this.factsAsked).then(
      (batches) => batches.flat(),
      () => undefined,
    );
    return chatDigest({ chat, settings, bytesDigest, fs: run.fs, exportRoot, fileRefs: [...this.fileRefs], insideFacts });
  }

  private addFileRef(ref: string): void {
    if (this.fileRefs.has(ref)) return;
    this.fileRefs.add(ref);
    const file = exportFileOf(this.opts.exportRoot, ref);
    if (file === undefined) return;
    this.factsToAsk.push(file);
    if (this.factsToAsk.length >= FACTS_BATCH) this.askFacts();
  }

  private askFacts(): void {
    if (!this.factsToAsk.length) return;
    const asked = this.opts.run.media.fileFacts(this.factsToAsk);
    asked.catch(() => undefined); // awaited (or dropped, when the chat is cancelled) later
    this.factsAsked.push(asked);
    this.factsToAsk = [];
  }

  async abort(): Promise<void> {
    this.held = undefined;
    if (this.begun) await this.archive.abort();
  }

  async dispose(): Promise<void> {
    if (this.begun) await this.archive.dispose();
  }

  private async begin(): Promise<void> {
    this.begun = true;
    await this.archive.begin();
  }

  /** The fast path is off: what was held is parsed and pushed, then the chat goes on as usual. */
  private async stopSkimming(): Promise<MalformedEntry | undefined> {
    const held = this.held;
    if (!held) return undefined;
    this.held = undefined;
    await this.begin();
    for (const h of held) {
      const bad = await this.parseAndPush(h.bytes.toString('utf8'), h.index);
      if (bad) return bad;
    }
    return undefined;
  }

  private parseAndPush(raw: string, index: number): Promise<MalformedEntry | undefined> | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      return Promise.resolve({ index, message: err instanceof Error ? err.message : String(err) });
    }
    return this.push(parsed, raw, index);
  }

  private push(value: unknown, raw: string, index: number): Promise<undefined> | undefined {
    const msg = this.validator.check(value, index, (item, message) => this.archive.warn(item, message));
    if (!msg) return undefined;
    this.lastMessageId = msg.id;
    return this.archive.push(msg, raw)?.then(() => undefined);
  }
}
