/**
 * The vault note format for Telegram messages: pure functions (no I/O) shared by the export
 * importer and live sync. FORMAT.md next to this file describes what they produce.
 */
import type { ExportMessage } from './message';

export interface ChatContext {
  readonly chatId: number;
  readonly chatTitle: string;
  readonly chatType: string;
  /** Vault-relative note path without ".md" of the note that holds message `id` (for reply links), or undefined. */
  noteOf(messageId: number): string | undefined;
  /** Vault-relative path where the attachment written in the export as `exportPath` is stored; null = missing. */
  attachmentOf(exportPath: string): string | null;
  /** Optional: the note being written (no ".md"); links into it become `[[#^m5]]`, which survive renames. */
  readonly currentNote?: string;
  /** Optional: the block id holding `messageId` (the album's first id for album members); default the id itself. */
  anchorOf?(messageId: number): number | undefined;
  /** Optional: true for a forum topic's first message; replies to it are topic membership, not shown as replies. */
  isTopicRoot?(messageId: number): boolean;
}

export { mediaFilesOf, isPlaceholderPath, embedKind, formatDuration, formatSize, type MediaRole } from './media';
export { AlbumGrouper } from './albums';
export { TopicTracker, type Topic } from './topics';
export { renderBlock, displayDate } from './block';
export { parseBlocks, bodyStart, type ParsedBlock } from './parse';
export { renderFrontmatter, parseFrontmatter, yamlString, type NoteMeta, type ParsedFrontmatter } from './frontmatter';
export { chatFolderName, noteFileName, chatDisplayTitle, monthKeyOf, attachmentFileName, shortTitle } from './names';
export { isLocalDateTime, messageDate, editDate } from './dates';
export { renderTextLines, textParts, plainText } from './text';
export { escapeInline, cleanText } from './markdown';

// re-exported so callers need one import for everything about a message
export type { ExportMessage };
