/**
 * The vault note format for Telegram messages: pure functions (no I/O) shared by the export
 * importer and live sync. See FORMAT.md next to this file for the layout they produce.
 *
 * Bodies are being filled in; signatures are the contract with the import engine
 * (/work/briefs/import-contract.md) and will not change without notice.
 */
import type { ExportMessage } from '../exportTypes';

export interface ChatContext {
  readonly chatId: number;
  readonly chatTitle: string;
  readonly chatType: string;
  /** Vault-relative note path without ".md" of the note that holds message `id` (for reply links), or undefined. */
  noteOf(messageId: number): string | undefined;
  /** Vault-relative path where the attachment written in the export as `exportPath` is stored; null = missing. */
  attachmentOf(exportPath: string): string | null;
}

function notImplemented(): never {
  throw new Error('not implemented');
}

/** Files a message refers to (photo, file, thumbnail), as written in the export; "(File not included...)" placeholders excluded. */
export function mediaFilesOf(_msg: ExportMessage): { exportPath: string; role: 'photo' | 'file' | 'thumbnail' }[] {
  return notImplemented();
}

/** Groups consecutive messages into albums (same sender, same second, consecutive ids, media). */
export class AlbumGrouper {
  push(_msg: ExportMessage): ExportMessage[][] {
    return notImplemented();
  }
  flush(): ExportMessage[][] {
    return notImplemented();
  }
}

/** Forum topics recovered from topic_created/topic_edit and the reply chain; bounded memory (id→topic map only). */
export class TopicTracker {
  constructor(readonly isForum: boolean) {}
  topicOf(_msg: ExportMessage): { id: number; title: string } | undefined {
    return notImplemented();
  }
  topics(): { id: number; title: string }[] {
    return notImplemented();
  }
}

/** One Markdown block for a message or an album; ends with the block-id line `^m<first id>` and a blank line. */
export function renderBlock(_group: readonly ExportMessage[], _ctx: ChatContext): string {
  return notImplemented();
}

/** Inverse of the layout: the message blocks of a note (frontmatter skipped), with every message id each holds. */
export function parseBlocks(_noteText: string): { ids: number[]; start: number; end: number }[] {
  return notImplemented();
}

export interface NoteMeta {
  source: 'telegram';
  chatId: number;
  chatType: string;
  title: string;
  topic?: string;
  topicId?: number;
  messageCount: number;
  firstDate?: string;
  lastDate?: string;
  lastImportedId?: number;
}

/** '---\n...---\n\n'; YAML-safe quoting of every string. */
export function renderFrontmatter(_meta: NoteMeta): string {
  return notImplemented();
}

export function parseFrontmatter(_noteText: string): { meta: NoteMeta; end: number } | undefined {
  return notImplemented();
}

/** Folder name for a chat (sanitised; no collision handling — the engine adds " (id)" on collision). */
export function chatFolderName(_title: string, _chatId: number): string {
  return notImplemented();
}

/** File name for a note, including ".md" (sanitised; no collision handling). */
export function noteFileName(_baseTitle: string, _monthKey?: string): string {
  return notImplemented();
}
