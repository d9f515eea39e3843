/**
 * Markdown primitives for untrusted text: escaping that keeps Telegram text literal in Obsidian,
 * inline formatting that never mis-nests, links, and the line model every block is built from.
 *
 * Two rules drive everything here. (1) Whatever a message contains, it renders as the same text
 * in Obsidian's reading view: no accidental headings, lists, tags, comments, math, highlights,
 * HTML, embeds or links. (2) Escapes are added only where a character could mean something, so the
 * note stays readable as plain text ("snake_case" stays as is, "C#" stays as is).
 */

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const UNICODE_PUNCT = /[\p{P}\p{S}]/u;
const ALNUM = /[\p{L}\p{N}]/u;
const WHITESPACE = /\s/u;

export function isAsciiPunct(ch: string | undefined): boolean {
  return ch !== undefined && ASCII_PUNCT.test(ch);
}
export function isPunct(ch: string | undefined): boolean {
  return ch !== undefined && UNICODE_PUNCT.test(ch);
}
export function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && ALNUM.test(ch);
}
export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && WHITESPACE.test(ch);
}

/** Anything cleanText would change. */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const UNCLEAN = /[\r\u0085\u2028\u2029\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/;

/**
 * Text as the note may hold it: one kind of line break ("\n"; CR, CRLF, NEL and the Unicode line
 * and paragraph separators all become "\n", because some editors split lines on them), no control
 * characters except tab, no lone surrogates (they cannot be written as UTF-8).
 */
export function cleanText(s: string): string {
  const str = String(s);
  if (!UNCLEAN.test(str)) return str;
  return str
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const ENTITY_AHEAD = /^&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;
/** Characters that may need an escape anywhere in a line. */
const SPECIAL_ANYWHERE = /[\\*`[\]<|$^~_=%#&!]/;
/** What may need an escape only at the start of a line. */
const SPECIAL_AT_START = /^(?:[>\-+=]|\d{1,9}[.)])/;

function isAlnumAt(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return isAlnum(s[i]); // astral letters count as not alphanumeric: they only cause an extra escape
}

/**
 * Escapes one line of plain text (no "\n") so it renders literally. `atLineStart`: the text begins
 * a Markdown line (or a list item), where "#", ">", "-", "+", "=", "1." would start a block.
 */
export function escapeInline(s: string, atLineStart = false): string {
  if (!SPECIAL_ANYWHERE.test(s) && !(atLineStart && SPECIAL_AT_START.test(s))) return s;
  let out = '';
  let digitsRun = atLineStart ? 0 : -1; // leading digits so far, -1 once anything else was seen
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const prev = i > 0 ? s[i - 1] : undefined;
    const next = i + 1 < s.length ? s[i + 1] : undefined;
    const first = i === 0 && atLineStart;
    const afterLeadingDigits = digitsRun > 0 && digitsRun <= 9;
    if (digitsRun >= 0) digitsRun = ch >= '0' && ch <= '9' ? digitsRun + 1 : -1;
    switch (ch) {
      case '\\':
        out += next === undefined || isAsciiPunct(next) ? '\\\\' : '\\';
        break;
      // always meaningful somewhere: emphasis, code, links/embeds/footnotes, HTML/autolinks,
      // tables, math, block ids and inline footnotes, strikethrough
      case '*':
      case '`':
      case '[':
      case ']':
      case '<':
      case '|':
      case '$':
      case '^':
      case '~':
        out += '\\' + ch;
        break;
      case '_':
        // intraword underscores cannot open or close emphasis: leave snake_case readable
        out += isAlnumAt(s, i - 1) && isAlnumAt(s, i + 1) ? '_' : '\\_';
        break;
      case '=':
        // "==" highlights; a line of "=" underlines the line above into a heading
        out += first || prev === '=' || next === '=' ? '\\=' : '=';
        break;
      case '%':
        // "%%" opens an Obsidian comment, which may run to the end of the note. Whether Obsidian
        // honours "\\%" is not documented, so two "%" are never left side by side: the second
        // is written as the entity "&#37;" (still "%" in reading view).
        out += prev === '%' ? '&#37;' : '%';
        break;
      case '#':
        out += isAlnumAt(s, i - 1) ? '#' : '\\#'; // headings and tags; "C#" stays
        break;
      case '&':
        out += ENTITY_AHEAD.test(s.slice(i, i + 40)) ? '\\&' : '&';
        break;
      case '!':
        out += next === '[' ? '\\!' : '!'; // "![" would embed (LineBuilder covers "!" + a link segment)
        break;
      case '>':
      case '-':
      case '+':
        out += first ? '\\' + ch : ch; // quote, list item, thematic break, setext underline
        break;
      case '.':
      case ')':
        out += afterLeadingDigits ? '\\' + ch : ch; // "1." / "1)" ordered list
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** Characters kept as they are in link destinations; everything else is percent-encoded. */
const URL_SAFE = /[A-Za-z0-9\-._~:/?#@!$&'*+,;=]/;

/** A link destination that cannot break out of `(...)`: spaces, brackets, quotes, "%%" encoded. */
export function encodeUrl(url: string): string {
  let out = '';
  const chars = Array.from(cleanText(url).replace(/\n/g, ''));
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '%' && /^%[0-9A-Fa-f]{2}$/.test(chars.slice(i, i + 3).join('')) && chars[i + 1] !== '%') out += ch;
    else if (URL_SAFE.test(ch)) out += ch;
    else out += Array.from(Buffer.from(ch, 'utf8'), (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
  }
  return out;
}

const SAFE_SCHEMES = /^(https?|mailto|tel|tg|ftp|sftp|ton|obsidian):/i;

/** True for links worth making clickable; "javascript:" and other odd schemes are shown as text. */
export function isSafeHref(href: string): boolean {
  return SAFE_SCHEMES.test(href.trim());
}

/** Text usable as a wikilink alias or file label: no "]]", "|", "[" or line breaks. */
export function aliasText(s: string): string {
  const c = cleanText(s);
  if (!/[\n[\]|]/.test(c) && c.trim() === c) return c;
  return c.replace(/\n/g, ' ').replace(/\[/g, '(').replace(/\]/g, ')').replace(/\|/g, '/').trim();
}

/** Text on one line: cleaned, line breaks as spaces, no blanks at the edges (names, titles). */
export function oneLine(s: string): string {
  return cleanText(String(s)).replace(/\n/g, ' ').trim();
}

/**
 * A person's or chat's name as written, for Markdown text: escaped, never altered, so "a||b" and
 * "[team]" read as they were written (aliasText's replacements are only for wikilink aliases).
 */
export function nameText(s: string): string {
  return escapeInline(oneLine(s));
}

/** Whether a vault path can sit inside [[...]]: Obsidian forbids these in link targets. */
function wikiSafe(target: string): boolean {
  return !/[[\]|#^\n\r]/.test(target) && target.trim() === target && target !== '';
}

function encodePath(p: string): string {
  return p.split('/').map((seg) => encodeURIComponent(seg).replace(/[()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
}

/** `[[target#anchor|alias]]`, or a Markdown link when the path has characters a wikilink cannot hold. */
export function wikiLink(target: string, anchor: string | undefined, alias: string): string {
  // an alias is not Markdown (no escapes): "%%" is split so it cannot open a comment
  const a = aliasText(alias).replace(/%(?=%)/g, '% ');
  if (wikiSafe(target)) return `[[${target}${anchor ? '#' + anchor : ''}${a ? '|' + a : ''}]]`;
  return `[${escapeInline(a)}](${encodePath(target)}${target.endsWith('.md') || !anchor ? '' : '.md'}${anchor ? '#' + encodeURIComponent(anchor).replace(/%5E/gi, '^') : ''})`;
}

/** `![[path]]` (with an optional display width), or `![](path)` for paths a wikilink cannot hold. */
export function embed(target: string, width?: number): string {
  if (wikiSafe(target)) return `![[${target}${width ? '|' + width : ''}]]`;
  return `![](${encodePath(target)})`;
}

// ---------------------------------------------------------------------------------------------
// Line model: inline content is collected as segments so that formatting can look at its
// neighbours before choosing Markdown delimiters or their HTML equivalents.

export type WrapKind = 'bold' | 'italic' | 'strike' | 'underline' | 'spoiler';

const MD_WRAP: Partial<Record<WrapKind, string>> = { bold: '**', italic: '*', strike: '~~' };
const HTML_WRAP: Record<WrapKind, readonly [string, string]> = {
  bold: ['<b>', '</b>'],
  italic: ['<i>', '</i>'],
  strike: ['<s>', '</s>'],
  underline: ['<u>', '</u>'],
  spoiler: ['<span class="tg-spoiler">', '</span>'],
};

type Segment =
  | { readonly kind: 'text'; readonly md: string }
  | { readonly kind: 'wrap'; readonly wrap: WrapKind; readonly inner: string }
  | { readonly kind: 'code'; readonly raw: string };

const DELIMITER_CHARS = new Set(['*', '_', '~', '=', '`']);

/** Markdown delimiters work only when flanking rules hold on both sides; otherwise use HTML tags. */
function markdownWrapFits(delim: string, inner: string, prev: string | undefined, next: string | undefined): boolean {
  const first = Array.from(inner)[0];
  const last = Array.from(inner).pop();
  if (first === undefined || last === undefined || isSpace(first) || isSpace(last)) return false;
  if (prev !== undefined && DELIMITER_CHARS.has(prev)) return false;
  if (next !== undefined && DELIMITER_CHARS.has(next)) return false;
  if (prev === '\\') return false;
  // left-flanking opener: punctuation right after it needs space/punctuation/start before it
  if (isPunct(first) && prev !== undefined && !isSpace(prev) && !isPunct(prev)) return false;
  // right-flanking closer: punctuation right before it needs space/punctuation/end after it
  if (isPunct(last) && next !== undefined && !isSpace(next) && !isPunct(next)) return false;
  // "*" and "~~" may be intraword; the inner text must not start/end with the delimiter itself
  if (inner.startsWith(delim[0]) || inner.endsWith(delim[0])) return false;
  return true;
}

/**
 * Bold text for templates where it stands between spaces (names in headers and remarks):
 * `**name**` when that parses as bold, `<b>name</b>` when the name would defeat the delimiters.
 */
export function strong(s: string): string {
  const inner = nameText(s);
  if (inner === '') return '';
  return markdownWrapFits('**', inner, ' ', ' ') ? `**${inner}**` : `<b>${inner}</b>`;
}

function codeSpan(raw: string): string {
  const longest = Math.max(0, ...Array.from(raw.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = raw.startsWith('`') || raw.endsWith('`') || (raw.startsWith(' ') && raw.endsWith(' ') && raw.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${raw}${pad}${fence}`;
}

/** True when `s` ends with `ch` not escaped by a backslash (an even run of backslashes before it). */
function endsWithUnescaped(s: string, ch: string): boolean {
  if (!s.endsWith(ch)) return false;
  let n = 0;
  for (let i = s.length - ch.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 0;
}

/** One output line under construction. */
export class LineBuilder {
  private segments: Segment[] = [];

  get empty(): boolean {
    return this.segments.length === 0;
  }

  /** Plain text (no "\n"), escaped here; `atLineStart` is decided by position. */
  text(s: string): void {
    if (s === '') return;
    this.segments.push({ kind: 'text', md: escapeInline(s, this.segments.length === 0) });
  }

  /** Markup we produced ourselves (links, tags, embeds): inserted as is. */
  raw(md: string): void {
    if (md !== '') this.segments.push({ kind: 'text', md });
  }

  /** Formatted text; whitespace at its edges moves outside the delimiters. */
  wrap(kind: WrapKind, s: string): void {
    const m = /^(\s*)([\s\S]*?)(\s*)$/u.exec(s)!;
    if (m[2] === '') return this.text(s);
    this.text(m[1]);
    this.segments.push({ kind: 'wrap', wrap: kind, inner: escapeInline(m[2], false) });
    this.text(m[3]);
  }

  /** Formatted Markdown we built (e.g. a link inside bold). */
  wrapMarkdown(kind: WrapKind, md: string): void {
    if (md !== '') this.segments.push({ kind: 'wrap', wrap: kind, inner: md });
  }

  code(s: string): void {
    if (s !== '') this.segments.push({ kind: 'code', raw: s });
  }

  private firstChar(seg: Segment | undefined): string | undefined {
    if (!seg) return undefined;
    if (seg.kind === 'text') return seg.md[0];
    if (seg.kind === 'code') return '`';
    return MD_WRAP[seg.wrap]?.[0] ?? '<';
  }

  /** The finished Markdown line: leading blanks made non-breaking (so they cannot indent into a
   *  code block or lose their meaning), trailing blanks dropped. */
  finish(): string {
    let out = '';
    this.segments.forEach((seg, i) => {
      // "!" right before a link we build would turn the link into an embed
      if (seg.kind === 'text' && seg.md.startsWith('[') && endsWithUnescaped(out, '!')) out = out.slice(0, -1) + '\\!';
      const prev = out === '' ? undefined : Array.from(out).pop();
      const next = this.firstChar(this.segments[i + 1]);
      if (seg.kind === 'text') out += seg.md;
      else if (seg.kind === 'code') {
        // text between inline tags is still Markdown: Markdown escapes keep it literal
        out += prev === '`' || next === '`' ? `<code>${escapeInline(seg.raw)}</code>` : codeSpan(seg.raw);
      } else {
        const delim = MD_WRAP[seg.wrap];
        if (delim && markdownWrapFits(delim, seg.inner, prev, next)) out += delim + seg.inner + delim;
        else out += HTML_WRAP[seg.wrap][0] + seg.inner + HTML_WRAP[seg.wrap][1];
      }
    });
    this.segments = [];
    return out
      .replace(/^[ \t]+/, (ws) => ws.replace(/ /g, '\u00a0').replace(/\t/g, '\u00a0'.repeat(4)))
      .replace(/[ \t]+$/, '');
  }
}
