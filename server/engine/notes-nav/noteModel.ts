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
  const lines = text.split('\n');
  return text.includes('\r') ? lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)) : lines;
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

/** Lines read per slice by parseNoteInSlices before it lets other work run. */
const SLICE_LINES = 50_000;

export function parseNote(text: string): NoteModel {
  const reader = new NoteReader(text);
  reader.read(reader.lines.length);
  return reader.model();
}

/**
 * parseNote for big notes without holding the worker: reads `SLICE_LINES` lines at a time and
 * yields between slices, so other requests (and progress of a running import) go on meanwhile.
 */
export async function parseNoteInSlices(
  text: string,
  pause: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
  sliceLines = SLICE_LINES,
): Promise<NoteModel> {
  const reader = new NoteReader(text);
  while (!reader.done) {
    reader.read(sliceLines);
    if (!reader.done) await pause();
  }
  return reader.model();
}

/** parseNote's state between slices. */
class NoteReader {
  readonly lines: string[];
  private readonly props: NoteProps;
  private readonly bodyLine: number;
  private readonly blocks: NoteBlock[] = [];
  private readonly headings: NoteHeading[] = [];
  private readonly chapters: NoteChapter[] = [];
  private section = '';
  private blockStart = -1; // first line of the quote or paragraph being read
  private fence = false;
  private next: number;

  constructor(text: string) {
    this.lines = splitLines(text);
    const fmEnd = frontmatterEnd(this.lines);
    this.props = fmEnd > 0 ? propsOf(this.lines.slice(1, fmEnd).join('\n')) : {};
    this.bodyLine = fmEnd > 0 ? fmEnd + 1 : 0;
    this.next = this.bodyLine;
  }

  get done(): boolean {
    return this.next >= this.lines.length;
  }

  read(count: number): void {
    const lines = this.lines;
    const until = Math.min(lines.length, this.next + count);
    for (let i = this.next; i < until; i++) {
      const line = lines[i]!;
      const afterBlank = i > 0 && lines[i - 1]!.trim() === '';
      // most lines are a message's quote: nothing else to look for in them
      if (!this.fence && line.charCodeAt(0) === 62 /* > */) {
        if (this.blockStart < 0 || afterBlank) this.blockStart = i;
        continue;
      }
      if (/^\s{0,3}(```|~~~)/.test(line)) this.fence = !this.fence;
      if (this.fence || line.trim() === '') continue; // a blank line keeps blockStart: the id line comes after one
      this.readLine(line, i, afterBlank);
    }
    this.next = until;
  }

  private readLine(line: string, i: number, afterBlank: boolean): void {
    const lines = this.lines;
    const id = ID_LINE.exec(line);
    if (id && afterBlank) {
      const start = this.blockStart >= 0 ? this.blockStart : i;
      const header = start < i ? lines[start]!.replace(/^>\s?/, '') : '';
      this.blocks.push({ id: id[1]!, startLine: start, idLine: i, header, ...(start < i && lines[start]!.startsWith('>') ? readHeader(header) : {}) });
      this.blockStart = -1;
      return;
    }
    const h = HEADING.exec(line);
    if (h) {
      this.headings.push({ line: i, level: h[1]!.length, text: unescapeMarkdown(h[2]!) });
      this.section = h[2]!.toLowerCase();
      this.blockStart = -1;
      return;
    }
    if (this.section === 'chapters') {
      const c = CHAPTER.exec(line);
      if (c) this.chapters.push({ line: i, time: c[1]!, title: unescapeMarkdown(c[2]!) });
    }
    const trailing = TRAILING_ID.exec(line);
    if (trailing) {
      this.blocks.push({ id: trailing[1]!, startLine: i, idLine: i, header: line.slice(0, trailing.index) });
      this.blockStart = -1;
      return;
    }
    // a new paragraph starts after a blank line (or after the previous block)
    if (this.blockStart < 0 || afterBlank) this.blockStart = i;
  }

  model(): NoteModel {
    return modelOf(this.lines, this.props, this.bodyLine, this.blocks, this.headings, this.chapters);
  }
}

function modelOf(lines: readonly string[], props: NoteProps, bodyLine: number, blocks: NoteBlock[], headings: NoteHeading[], chapters: NoteChapter[]): NoteModel {
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
