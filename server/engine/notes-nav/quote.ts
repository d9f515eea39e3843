/**
 * A message quoted for a hover: who wrote it, when, where, its text (trimmed) and the media it
 * embeds. Markdown out; the note's own Markdown text is kept (it is escaped already), links
 * that VS Code cannot follow (`[[…]]`) become their label.
 */
import * as path from 'node:path';
import { linksInLine } from './links';
import type { NoteBlock, NoteModel } from './noteModel';
import { plainText } from './outline';

export const MAX_QUOTE_LINES = 12;
export const MAX_QUOTE_CHARS = 600;

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg|avif)$/i;
const AUDIO = /\.(mp3|ogg|oga|opus|m4a|wav|flac)$/i;
const VIDEO = /\.(mp4|webm|mov|mkv|m4v|ogv)$/i;

function mediaIcon(file: string): string {
  return IMAGE.test(file) ? '🖼' : AUDIO.test(file) ? '🎵' : VIDEO.test(file) ? '🎬' : '📎';
}

/** `[[a/b|label]]` → `label`, `![[x]]` → nothing: VS Code's hover cannot follow wikilinks. */
function withoutWikiLinks(line: string): string {
  let out = '';
  let last = 0;
  for (const l of linksInLine(line, 0)) {
    out += line.slice(last, l.start);
    if (!l.embed) out += l.alias ?? (l.path ? path.posix.basename(l.path) : l.fragment ?? '');
    last = l.end;
  }
  return (out + line.slice(last)).replace(/%%[\s\S]*?%%/g, '').trimEnd();
}

export interface QuoteOptions {
  /** Where the message is, e.g. "Alice Martin" (the note's title or name). */
  readonly where?: string;
  /** A link for an embedded file (a vault-relative path), e.g. a file: URI; none: names only. */
  readonly fileLink?: (vaultPath: string) => string | undefined;
}

/** The hover's Markdown for one message block. */
export function quoteMessage(model: NoteModel, block: NoteBlock, options: QuoteOptions = {}): string {
  const head: string[] = [];
  if (block.author !== undefined) head.push(`**${escapeMd(block.author)}**`);
  else head.push(escapeMd(plainText(block.header.replace(/ · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, ''))));
  if (block.date) head.push(block.date);
  if (options.where) head.push(`in ${escapeMd(options.where)}`);

  const text: string[] = [];
  const media: string[] = [];
  let chars = 0;
  let clipped = false;
  for (let i = block.startLine + 1; i < block.idLine; i++) {
    const raw = model.lines[i]!;
    if (!raw.startsWith('>')) continue;
    const body = raw.replace(/^>\s?/, '');
    if (body.startsWith('↩ ') || body.startsWith('↪ ')) continue;
    for (const l of linksInLine(body, 0)) if (l.embed && l.path) media.push(l.path);
    const shown = withoutWikiLinks(body);
    if (shown.trim() === '' && (text.length === 0 || text[text.length - 1] === '')) continue;
    if (text.length >= MAX_QUOTE_LINES || chars + shown.length > MAX_QUOTE_CHARS) {
      clipped = true;
      continue;
    }
    text.push(shown);
    chars += shown.length;
  }
  while (text.length && text[text.length - 1]!.trim() === '') text.pop();
  if (clipped) text.push('…');

  const parts = [head.join(' · ')];
  if (text.length) parts.push(text.map((t) => (t === '' ? '>' : `> ${t}`)).join('\n'));
  if (media.length) {
    const items = [...new Set(media)].map((m) => {
      const name = escapeMd(path.posix.basename(m));
      const href = options.fileLink?.(m);
      return `${mediaIcon(m)} ${href ? `[${name}](${href})` : name}`;
    });
    parts.push(items.join('  \n'));
  }
  return parts.join('\n\n');
}

/** Text shown as itself in Markdown. */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|~^$&]/g, '\\$&');
}
