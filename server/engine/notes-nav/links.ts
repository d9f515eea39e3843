/**
 * Finding Obsidian links in a note's text: `[[target#fragment|alias]]`, `![[embed]]`, and the
 * Markdown links the importer writes when a path cannot sit inside `[[…]]`
 * (`[message 3](Telegram/Odd%20%23Chat/Odd%20%23Chat.md#^m3)`). Pure: text in, positions out.
 *
 * Not links: anything inside a code span or a fenced code block (also inside a quote, where
 * every message lives), and brackets escaped with a backslash (the importer escapes `[` in
 * message text, so a message that says `\[\[x]]` stays text).
 */

export interface NoteLink {
  /** 0-based line of the link. */
  readonly line: number;
  /** UTF-16 offsets of the whole link (`[[` … `]]`) in its line, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly embed: boolean;
  /** File path or name as written (decoded for Markdown links); empty for a link into the same note. */
  readonly path: string;
  /** What follows the first `#`, without it: `^m42` or a heading. */
  readonly fragment?: string;
  readonly alias?: string;
}

/** `^m42` → `m42`; undefined for fragments that are headings. */
export function blockIdOf(fragment: string | undefined): string | undefined {
  const m = fragment === undefined ? null : /^\^([A-Za-z0-9-]+)$/.exec(fragment);
  return m ? m[1] : undefined;
}

const FENCE = /^(?:>\s?)*\s{0,3}(`{3,}|~{3,})/;

/** Replaces code spans with spaces, so positions stay where they were and nothing in code is a link. */
function blankCodeSpans(line: string): string {
  if (!line.includes('`')) return line;
  return line.replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (m) => ' '.repeat(m.length));
}

function parseInner(inner: string): { path: string; fragment?: string; alias?: string } | undefined {
  // Inside a table cell the importer writes `\|` for the alias bar.
  const bar = inner.search(/\\?\|/);
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const alias = bar < 0 ? undefined : inner.slice(bar + (inner[bar] === '\\' ? 2 : 1));
  const hash = target.indexOf('#');
  const path = (hash < 0 ? target : target.slice(0, hash)).trim();
  const fragment = hash < 0 ? undefined : target.slice(hash + 1).trim();
  if (path === '' && !fragment) return undefined;
  return { path, fragment: fragment || undefined, alias: alias === undefined ? undefined : alias.trim() };
}

const WIKI = /(!?)\[\[([^[\]\n]+?)\]\]/g;
// A Markdown link to a note: no scheme, ends in .md, optional fragment. `[text](dest)`
const MD_LINK = /(!?)\[((?:\\.|[^\]\\])*)\]\(([^()\s]+)\)/g;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isEscaped(line: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** The links of one line (not in a fence: the caller knows). */
export function linksInLine(rawLine: string, lineNo: number): NoteLink[] {
  const line = blankCodeSpans(rawLine);
  if (!line.includes('[')) return [];
  const out: NoteLink[] = [];
  for (const m of line.matchAll(WIKI)) {
    const start = m.index;
    const bracket = start + m[1].length;
    if (isEscaped(line, bracket)) continue;
    const parsed = parseInner(m[2]);
    if (!parsed) continue;
    out.push({ line: lineNo, start, end: start + m[0].length, embed: m[1] === '!', ...parsed });
  }
  for (const m of line.matchAll(MD_LINK)) {
    const start = m.index;
    if (isEscaped(line, start + m[1].length)) continue;
    const dest = m[3];
    if (/^[a-z][a-z0-9+.-]*:/i.test(dest) || dest.startsWith('#')) continue; // a URL, or VS Code's own heading links
    const hash = dest.indexOf('#');
    const file = decode(hash < 0 ? dest : dest.slice(0, hash));
    if (!/\.md$/i.test(file)) continue; // attachments and the rest: VS Code's Markdown links do these
    const fragment = hash < 0 ? undefined : decode(dest.slice(hash + 1)) || undefined;
    out.push({ line: lineNo, start, end: start + m[0].length, embed: m[1] === '!', path: file, fragment, alias: m[2] });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every link of a note, outside fenced code. `lines` is the note split into lines. */
export function linksInNote(lines: readonly string[], fromLine = 0): NoteLink[] {
  const out: NoteLink[] = [];
  let fence: string | undefined;
  let fenceInQuote = false;
  for (let i = fromLine; i < lines.length; i++) {
    const line = lines[i]!;
    // a quote's fence ends where the quote ends
    if (fence !== undefined && fenceInQuote && !line.startsWith('>')) fence = undefined;
    const f = FENCE.exec(line);
    if (f) {
      if (fence === undefined) {
        fence = f[1];
        fenceInQuote = line.startsWith('>');
      } else if (f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    if (line.includes('[')) out.push(...linksInLine(line, i));
  }
  return out;
}

/** The link under a position, if any. */
export function linkAt(lines: readonly string[], line: number, character: number): NoteLink | undefined {
  const text = lines[line];
  if (text === undefined || !text.includes('[')) return undefined;
  return linksInLine(text, line).find((l) => character >= l.start && character <= l.end);
}
