/**
 * A note's outline: a chat note's messages grouped by day, a video note's chapters. Plain data;
 * server/lsp/ turns it into DocumentSymbols.
 */
import { linksInLine } from './links';
import { type NoteBlock, type NoteModel, unescapeMarkdown } from './noteModel';

export type OutlineKind = 'day' | 'message' | 'event' | 'chapter';

export interface OutlineItem {
  readonly name: string;
  readonly detail?: string;
  readonly kind: OutlineKind;
  /** Lines covered, both inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  /** The line to select (a message's header, a heading). */
  readonly selectionLine: number;
  readonly children?: OutlineItem[];
}

const MAX_NAME = 80;

function clip(s: string, max = MAX_NAME): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : one.slice(0, max - 1).trimEnd() + '…';
}

/** Markdown of a line as plain text: links as their alias, emphasis and escapes dropped. */
export function plainText(markdown: string): string {
  let out = '';
  let last = 0;
  for (const l of linksInLine(markdown, 0)) {
    out += markdown.slice(last, l.start) + (l.embed ? '' : l.alias ?? (l.fragment && !l.path ? l.fragment : l.path.split('/').pop() ?? ''));
    last = l.end;
  }
  out += markdown.slice(last);
  return unescapeMarkdown(
    out
      .replace(/%%[\s\S]*?%%/g, '')
      .replace(/<\/?[a-z][^>]*>/gi, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/~~|(?<!\\)\*|(?<![\w\\])_|(?<!\\)_(?!\w)/g, ''),
  ).trim();
}

/**
 * The first line of a message's text, for the outline's detail: its words, without the quote
 * markers of a quoted text, code fences or callout titles; for a message with no text, its first
 * attachment's name.
 */
function firstTextLine(model: NoteModel, b: NoteBlock): string | undefined {
  let attachment: string | undefined;
  for (let i = b.startLine + 1; i < b.idLine; i++) {
    const body = model.lines[i]!.replace(/^(?:>\s?)+/, '');
    if (body === '' || body.startsWith('↩ ') || body.startsWith('↪ ') || /^(`{3,}|~{3,})/.test(body) || /^\[![a-z]+\][+-]?\s*$/i.test(body)) continue;
    if (body.startsWith('![[')) {
      attachment ??= linksInLine(body, 0)[0]?.path.split('/').pop();
      continue;
    }
    const t = plainText(body);
    if (t) return clip(t, 60);
  }
  return attachment && clip(attachment, 60);
}

function messageItem(model: NoteModel, b: NoteBlock): OutlineItem {
  const time = b.date?.slice(11, 16);
  const event = b.author === undefined;
  const who = event ? plainText(b.header.replace(/ · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, '')) : b.author!;
  const name = clip([time, who].filter(Boolean).join(' ')) || `^${b.id}`;
  return {
    name,
    detail: event ? `^${b.id}` : firstTextLine(model, b) ?? `^${b.id}`,
    kind: event ? 'event' : 'message',
    startLine: b.startLine,
    endLine: b.idLine,
    selectionLine: b.startLine,
  };
}

/** Messages by day, consecutive blocks of one day together (the notes are in message order). */
function byDay(model: NoteModel): OutlineItem[] {
  const days: OutlineItem[] = [];
  let current: { day: string; children: OutlineItem[] } | undefined;
  const close = (): void => {
    if (!current) return;
    const first = current.children[0]!;
    const last = current.children[current.children.length - 1]!;
    const n = current.children.length;
    days.push({ name: current.day, detail: `${n} message${n === 1 ? '' : 's'}`, kind: 'day', startLine: first.startLine, endLine: last.endLine, selectionLine: first.startLine, children: current.children });
  };
  for (const b of model.blocks) {
    if (b.author === undefined && b.date === undefined) continue; // a user's own block, not a message
    const day = b.date?.slice(0, 10) ?? 'Undated';
    if (current?.day !== day) {
      close();
      current = { day, children: [] };
    }
    current.children.push(messageItem(model, b));
  }
  close();
  return days;
}

/** A video note's chapters, each at its line. */
function chapters(model: NoteModel): OutlineItem[] {
  return model.chapters.map((c) => ({ name: clip(`${c.time} ${c.title}`) || c.time, kind: 'chapter' as const, startLine: c.line, endLine: c.line, selectionLine: c.line }));
}

/**
 * The outline of a note: a chat note's messages by day, a video note's chapters. Headings are
 * left to VS Code's own Markdown outline (shown next to this one), so nothing appears twice.
 */
export function outlineOf(model: NoteModel): OutlineItem[] {
  return [...chapters(model), ...byDay(model)].sort((a, b) => a.startLine - b.startLine);
}
