/**
 * What search sees of a message block (telegram-notes/FORMAT.md, "One block per message"): its
 * author and date from the header line, the words a reader sees (link labels, not link targets
 * or embed paths; no block id, album comment or quote markers), and what it carries (a photo, a
 * file, a link, a poll). Read from the note's text, so it works for every source that writes
 * this format (export import, live sync).
 */
import type { HasKind } from './query';

export interface BlockInfo {
  readonly author?: string;
  /** "YYYY-MM-DDTHH:MM:SS" as the note shows it (local time), when the header has one. */
  readonly date?: string;
  /** The readable text of the block, markdown syntax removed (input of the indexer and snippets). */
  readonly text: string;
  readonly has: number;
}

export const HAS_BITS: Readonly<Record<HasKind, number>> = { photo: 1, file: 2, link: 4, poll: 8 };

/**
 * What a message carries, as terms of its own in the full-text index, so `has:` is part of the
 * FTS5 MATCH (an intersection of doclists) instead of a check of the docs table for every match
 * of the words (`little has:photo` read all 100k messages with "little" to count 285 of them).
 * They begin with "·", which folding always turns into a separator (fold.ts), so no word of a
 * note or of a query is ever one of them.
 */
export const HAS_TERMS: Readonly<Record<HasKind, string>> = { photo: '·photo', file: '·file', link: '·link', poll: '·poll' };

/** The has-terms of a document's bits, each after a space ('' for none). */
export function hasTerms(has: number): string {
  if (!has) return '';
  let out = '';
  for (const k of Object.keys(HAS_BITS) as HasKind[]) if (has & HAS_BITS[k]) out += ` ${HAS_TERMS[k]}`;
  return out;
}

const HEADER_DATE = /(?:^| · )(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: ·|$| %%)/;
const BOLD_NAME = /^\*\*((?:\\.|[^*\\])+)\*\*/;
const IMAGE_EMBED = /!\[\[[^\]\n]*\.(?:jpe?g|png|webp|gif|bmp|heic|tiff?)(?:\|[^\]\n]*)?\]\]/i;
const PHOTO_NOTE = /🖼 \*Photo/;
const FILE_LINE = /(?:^|\n)(?:📎|🎬|🎤|🎵|⏺) /u;
const URL = /https?:\/\/|\]\((?:mailto|tel|tg):/;
const POLL = /(?:^|\n)📊 \*\*Poll:\*\*/u;

/** The text of one line of a quote without its "> " marker. */
function unquote(line: string): string {
  if (line.startsWith('> ')) return line.slice(2);
  if (line.startsWith('>')) return line.slice(1);
  return line;
}

/** Backslash escapes and HTML entities the renderer writes, undone; markup removed. */
export function readableText(md: string): string {
  let t = md;
  // each step only where its syntax occurs: most messages are plain text (and this runs per message)
  if (t.includes('%%')) t = t.replace(/%%[\s\S]*?%%/g, ' ');
  if (t.includes('[')) {
    t = t
      .replace(/!\[\[[^\]\n]*\]\]/g, ' ') // embeds: a file path, not words of the message
      .replace(/\[\[[^\]|\n]*\|([^\]\n]*)\]\]/g, '$1')
      .replace(/\[\[([^\]\n]*)\]\]/g, (_, x: string) => x.split('/').pop() ?? x)
      .replace(/!\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
      .replace(/\[([^\]\n]*)\]\((?:https?:\/\/)?([^)\s]*)\)/g, (_, label: string, url: string) => (label === url || `https://${url}` === label || `http://${url}` === label ? label : `${label} ${url}`));
  }
  if (t.includes('<')) t = t.replace(/<\/?[a-z][^>\n]*>/gi, ' ');
  if (t.includes('&')) t = t.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&(amp|lt|gt|quot);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[e] ?? e);
  if (/[*~=`_]/.test(t)) t = t.replace(/(?<!\\)(?:\*{1,3}|~~|==|`+|__)/g, '');
  if (t.includes('\\')) t = t.replace(/\\(.)/g, '$1');
  return t;
}

/** Reads a complete block (its quote, id line and blank lines) as written by renderBlock. */
export function readBlock(block: string): BlockInfo {
  const idLine = block.lastIndexOf('\n^m');
  const quote = idLine >= 0 ? block.slice(0, idLine) : block;
  const lines = quote.split('\n');
  const header = unquote(lines[0] ?? '');
  const bold = BOLD_NAME.exec(header);
  const author = bold ? bold[1]!.replace(/\\(.)/g, '$1') : undefined;
  const date = HEADER_DATE.exec(header);
  // the reply line is a link to another message, not words of this one
  let body = '';
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('>') && !l.startsWith('> ↩ Reply to ')) body += (body ? '\n' : '') + unquote(l);
  }
  let has = 0;
  if (IMAGE_EMBED.test(body) || PHOTO_NOTE.test(body)) has |= HAS_BITS.photo;
  if (FILE_LINE.test(body)) has |= HAS_BITS.file;
  if (URL.test(body)) has |= HAS_BITS.link;
  if (POLL.test(body)) has |= HAS_BITS.poll;
  // A service line ("📌 Sam pinned … · date") is the whole message: its words are searchable.
  const headerWords = bold ? header.slice(bold[0].length).replace(/ · edited [^·%]*/, ' ').replace(HEADER_DATE, ' ') : header.replace(HEADER_DATE, ' ');
  const text = readableText(`${headerWords}\n${body}`).replace(/\n{2,}/g, '\n').trim();
  return { author, date: date ? `${date[1]}T${date[2]}` : undefined, text, has };
}
