/**
 * A note read for navigation: its properties, its message blocks with their lines, headings and
 * a video's chapters. Built from the text alone (the notes are the truth); pure and lenient, so a
 * note being edited, or a user's own note, still gives what can be read from it.
 *
 * Message blocks are written as (server/engine/telegram-notes/FORMAT.md):
 *
 *   > **Alice Martin** · 2024-03-01 11:44:35 · edited 11:49:35
 *   > ↩ Reply to [[#^m3|message 3]]
 *   >
 *   > text
 *
 *   ^m4
 *
 * A block id on its own line names the quote or paragraph above it; a line ending in ` ^id`
 * (Obsidian's other form) names that line.
 */
import { parse as parseYaml } from 'yaml';

export interface NoteBlock {
  /** Block id without `^` (`m4`). */
  readonly id: string;
  /** First line of the block (its header for a message). */
  readonly startLine: number;
  /** The line holding `^id`. */
  readonly idLine: number;
  /** Sender as shown (unescaped); undefined for service events and other blocks. */
  readonly author?: string;
  /** `2024-03-01 11:44:35` when the header has one. */
  readonly date?: string;
  /** The header line without its `> ` (service events: their sentence). */
  readonly header: string;
}

export interface NoteHeading {
  readonly line: number;
  readonly level: number;
  readonly text: string;
}

export interface NoteChapter {
  readonly line: number;
  /** `1:05` as shown. */
  readonly time: string;
  readonly title: string;
}

export interface NoteProps {
  readonly source?: string;
  readonly title?: string;
  readonly topic?: string;
  readonly type?: string;
  /** YouTube video notes: the channel note's name (from `channel: "[[Name]]"`). */
  readonly channel?: string;
  readonly videoId?: string;
  readonly channelId?: string;
  readonly published?: string;
}

export interface NoteModel {
  readonly lines: readonly string[];
  readonly props: NoteProps;
  /** First line after the frontmatter. */
  readonly bodyLine: number;
  readonly blocks: readonly NoteBlock[];
  readonly headings: readonly NoteHeading[];
  readonly chapters: readonly NoteChapter[];
  blockById(id: string): NoteBlock | undefined;
  /** The block a line belongs to (header to id line). */
  blockAtLine(line: number): NoteBlock | undefined;
}

export function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The frontmatter's end line (the closing `---`), or -1. */
function frontmatterEnd(lines: readonly string[]): number {
  if (lines[0] !== '---') return -1;
  for (let i = 1; i < lines.length; i++) if (lines[i] === '---') return i;
  return -1;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** Properties of a frontmatter's YAML (lines between the fences); bad YAML gives none. */
export function propsOf(yamlText: string): NoteProps {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch {
    return {};
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const d = data as Record<string, unknown>;
  const channelLink = str(d.channel);
  const channel = channelLink ? /^\[\[([^\]|#]+)/.exec(channelLink)?.[1] ?? channelLink : undefined;
  return {
    source: str(d.source),
    title: str(d.title),
    topic: str(d.topic),
    type: str(d.type),
    channel,
    videoId: str(d.video_id),
    channelId: str(d.channel_id),
    published: str(d.published),
  };
}

/** Removes Markdown backslash escapes and the `&#37;` the importer writes for a second `%`. */
export function unescapeMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!|<>~^$=&%])/g, '$1').replace(/&#37;/g, '%');
}

const DATE_TIME = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/;

/** Author and date of a block's header line (without its `> `). */
export function readHeader(header: string): { author?: string; date?: string } {
  const clean = header.replace(/ ?%%[\s\S]*?%%/g, '');
  // the sender in bold: `**name**`, or `<b>name</b>` where `**` would not parse (the name is escaped)
  const [open, close] = clean.startsWith('**') ? ['**', '**'] : clean.startsWith('<b>') ? ['<b>', '</b>'] : ['', ''];
  if (open) {
    let end = -1;
    for (let i = open.length; i < clean.length; i++) {
      if (clean[i] === '\\') {
        i++;
        continue;
      }
      if (clean.startsWith(close, i)) {
        end = i;
        break;
      }
    }
    if (end > open.length) {
      const rest = clean.slice(end + close.length);
      return { author: unescapeMarkdown(clean.slice(open.length, end)), date: dateIn(rest.split(' · ')) };
    }
  }
  // a service event: "📌 Sam pinned … · 2024-03-02 05:33:49"
  return { date: dateIn([clean.split(' · ').pop() ?? '']) };
}

function dateIn(parts: readonly string[]): string | undefined {
  for (const p of parts) {
    const m = DATE_TIME.exec(p.trim());
    if (m && m.index === 0) return `${m[1]} ${m[2]}`;
  }
  return undefined;
}

const ID_LINE = /^\^([A-Za-z0-9-]+)\s*$/;
const TRAILING_ID = /\s\^([A-Za-z0-9-]+)\s*$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHAPTER = /^- \[((?:\d{1,2}:)?\d{1,2}:\d{2})\]\([^)]*\)\s*(.*)$/;

export function parseNote(text: string): NoteModel {
  const lines = splitLines(text);
  const fmEnd = frontmatterEnd(lines);
  const props = fmEnd > 0 ? propsOf(lines.slice(1, fmEnd).join('\n')) : {};
  const bodyLine = fmEnd > 0 ? fmEnd + 1 : 0;
  const blocks: NoteBlock[] = [];
  const headings: NoteHeading[] = [];
  const chapters: NoteChapter[] = [];
  let section = '';
  let blockStart = -1; // first line of the quote or paragraph being read
  let fence = false;
  for (let i = bodyLine; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s{0,3}(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    if (line.trim() === '') {
      continue; // a blank line keeps blockStart: the id line comes after one
    }
    const id = ID_LINE.exec(line);
    if (id && i > 0 && lines[i - 1]!.trim() === '') {
      const start = blockStart >= 0 ? blockStart : i;
      const header = start < i ? lines[start]!.replace(/^>\s?/, '') : '';
      blocks.push({ id: id[1]!, startLine: start, idLine: i, header, ...(start < i && lines[start]!.startsWith('>') ? readHeader(header) : {}) });
      blockStart = -1;
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      headings.push({ line: i, level: h[1]!.length, text: unescapeMarkdown(h[2]!) });
      section = h[2]!.toLowerCase();
      blockStart = -1;
      continue;
    }
    if (section === 'chapters') {
      const c = CHAPTER.exec(line);
      if (c) chapters.push({ line: i, time: c[1]!, title: unescapeMarkdown(c[2]!) });
    }
    const trailing = TRAILING_ID.exec(line);
    if (trailing && !line.startsWith('>')) {
      blocks.push({ id: trailing[1]!, startLine: i, idLine: i, header: line.slice(0, trailing.index) });
      blockStart = -1;
      continue;
    }
    // a new quote or paragraph starts after a blank line (or after the previous block)
    if (blockStart < 0 || lines[i - 1]!.trim() === '') blockStart = i;
  }
  let byId: Map<string, NoteBlock> | undefined;
  return {
    lines,
    props,
    bodyLine,
    blocks,
    headings,
    chapters,
    blockById(blockId) {
      byId ??= new Map(blocks.map((b) => [b.id, b]));
      return byId.get(blockId);
    },
    blockAtLine(line) {
      // binary search: blocks are in line order
      let lo = 0;
      let hi = blocks.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const b = blocks[mid]!;
        if (line < b.startLine) hi = mid - 1;
        else if (line > b.idLine) lo = mid + 1;
        else return b;
      }
      return undefined;
    },
  };
}
