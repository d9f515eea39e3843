/**
 * Names of chat folders and note files, from chat and topic titles (untrusted text).
 */
import type { ExportChatHeader } from './message';
import { DEFAULT_MAX_NAME_BYTES, sanitizeFileName } from '../vault/fileNames';
import { isLocalDateTime } from './dates';

/** A human title for a chat, also when the export has none (Saved Messages has no name). */
export function chatDisplayTitle(header: Pick<ExportChatHeader, 'id' | 'name' | 'type'>): string {
  if (typeof header.name === 'string' && header.name.trim() !== '') return header.name;
  switch (header.type) {
    case 'saved_messages':
      return 'Saved Messages';
    case 'replies':
      return 'Replies';
    case 'verification_codes':
      return 'Verification Codes';
    case 'personal_chat':
      if (header.name === null) return 'Deleted Account';
  }
  return `Chat ${header.id}`;
}

const SHORT_TITLE_CHARS = 60;

/**
 * A chat title short enough to name the chat on every line of a warning list: one line, at most 60
 * characters (whole code points, so no emoji is cut in half), an ellipsis when it was longer.
 */
export function shortTitle(title: string, max = SHORT_TITLE_CHARS): string {
  const line = String(title).replace(/[\r\n\u0085\u2028\u2029\t]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  if (chars.length <= max) return line;
  return chars.slice(0, max - 1).join('').trimEnd() + '…';
}

/** Folder for a chat under Telegram/ (sanitised; the engine adds " (id)" on collision). */
export function chatFolderName(title: string, chatId: number): string {
  return sanitizeFileName(title, { fallback: `Chat ${chatId}` });
}

const MONTH_KEY = /^\d{4}-(0[1-9]|1[0-2])$/;

/** "YYYY-MM" of an export date ("2024-03-01T18:41:04"), for month-split notes; nothing for a text that is not a date-time. */
export function monthKeyOf(date: unknown): string | undefined {
  return isLocalDateTime(date) ? date.slice(0, 7) : undefined;
}

/**
 * File name of a note, ".md" included: "Makers Forum.md", "Makers Forum 2024-03.md". `fallback`
 * names it when the title has nothing printable (the chat's folder uses "Chat <id>" then too).
 */
export function noteFileName(baseTitle: string, monthKey?: string, fallback?: string): string {
  if (monthKey !== undefined && !MONTH_KEY.test(monthKey)) throw new Error(`noteFileName: not a month key: ${monthKey}`);
  const suffix = monthKey ? ` ${monthKey}` : '';
  const base = sanitizeFileName(baseTitle, { maxBytes: DEFAULT_MAX_NAME_BYTES - suffix.length, fallback });
  return `${base}${suffix}.md`;
}

/** File name for an attachment from the name in the export (extension kept, lower-cased). */
export function attachmentFileName(exportName: string): string {
  return sanitizeFileName(exportName, { keepExtension: true, fallback: 'file' });
}
