/**
 * The vault note format for Telegram messages: pure functions (no I/O) shared by the export
 * importer and live sync. FORMAT.md next to this file describes what they produce.
 */
import type { ExportMessage } from './message';

export type { ChatContext } from './context';

/**
 * Version of what renderBlock produces. A re-import skips rendering a message whose source and
 * lookups are unchanged (chat-archive source keys include this number), so any change to the
 * rendered text must bump it: the format test that records the sample's rendering says when.
 */
export const RENDER_VERSION = 1;

/** Message fields holding the id of another message of the chat that a block links to. */
const LINKED_ID_FIELDS = ['reply_to_message_id', 'message_id', 'game_message_id', 'invoice_message_id'] as const;

/**
 * Every message id renderBlock may look up (noteOf, anchorOf, isTopicRoot) for this message: what
 * its block depends on besides the message itself, its files and the chat.
 */
export function linkedMessageIds(msg: ExportMessage): number[] {
  const out: number[] = [];
  for (const k of LINKED_ID_FIELDS) {
    const v = (msg as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
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
