/**
 * Message text (the exporter's text parts, one entity type per part) rendered to Markdown lines.
 * Every entity type of Telegram Desktop's exporter has a rendering; unknown types render as plain
 * text so a newer export never loses words.
 */
import type { TextEntity, TextValue } from './message';
import { LineBuilder, cleanText, encodeUrl, escapeInline, isSafeHref } from './markdown';

/** The parts of a message's text: `text_entities` when present, else `text` (string or array). */
export function textParts(text: TextValue | undefined, entities?: readonly TextEntity[]): TextEntity[] {
  if (Array.isArray(entities) && entities.length > 0) return entities.filter((e) => e && typeof e.text === 'string');
  if (typeof text === 'string') return text === '' ? [] : [{ type: 'plain', text }];
  if (Array.isArray(text)) {
    return text
      .map((p) => (typeof p === 'string' ? { type: 'plain', text: p } : p))
      .filter((p): p is TextEntity => !!p && typeof p.text === 'string');
  }
  return [];
}

/** Plain text of parts, e.g. for a poll question in a title. */
export function plainText(value: TextValue | undefined): string {
  return textParts(value).map((p) => p.text).join('');
}

const USERNAME = /^@([A-Za-z0-9_]{3,32})$/;
const TAG = /^#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)$/u;
const EMAIL = /^[A-Za-z0-9.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
const BARE_URL = /^https?:\/\/[A-Za-z0-9\-.]+(?::\d+)?(?:\/[A-Za-z0-9\-./?#@!&+,;:'=_]*)?$/;
/** "_" inside a bare URL is harmless only between letters or digits (it cannot open emphasis there). */
const LOOSE_UNDERSCORE = /(^|[^A-Za-z0-9])_|_([^A-Za-z0-9]|$)/;

/** Builds the lines of a body; block constructs (code, quotes) always own whole lines. */
class BodyBuilder {
  readonly lines: string[] = [];
  private line = new LineBuilder();
  /** The last thing emitted was a block; the next "\n" only ends its line. */
  private afterBlock = false;
  private needBlank = false;

  private endLine(): void {
    this.lines.push(this.line.finish());
  }

  private ensureLineStart(): void {
    if (!this.line.empty) this.endLine();
  }

  private beginContent(): void {
    if (this.needBlank) {
      // a quote would otherwise swallow the next line ("lazy continuation")
      if (this.lines.length && this.lines[this.lines.length - 1] !== '') this.lines.push('');
      this.needBlank = false;
    }
    this.afterBlock = false;
  }

  /** Inline content that may contain "\n": `emit` renders one line-piece. */
  inline(text: string, emit: (piece: string, line: LineBuilder) => void): void {
    const pieces = text.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (this.afterBlock) this.afterBlock = false;
        else this.endLine();
      }
      if (piece !== '') {
        this.beginContent();
        emit(piece, this.line);
      }
    });
  }

  /** A fenced code block. The fence is longer than any backtick run inside, so it always closes. */
  pre(code: string, language: string | undefined): void {
    this.ensureLineStart();
    this.beginContent();
    const body = code.replace(/\n+$/, '');
    const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    const lang = (language ?? '').replace(/[^A-Za-z0-9_+#.-]/g, '').slice(0, 32);
    this.lines.push(fence + lang);
    for (const l of body.split('\n')) this.lines.push(l.replace(/\t/g, '    ').replace(/[ ]+$/, ''));
    this.lines.push(fence);
    this.afterBlock = true;
  }

  /** A quote inside the message; collapsed quotes become a folded callout. */
  quote(text: string, collapsed: boolean): void {
    this.ensureLineStart();
    this.beginContent();
    const inner = new BodyBuilder();
    inner.inline(text, (piece, line) => line.text(piece));
    const body = inner.finish();
    if (body.length === 0) return;
    if (collapsed) this.lines.push('> [!quote]-');
    for (const l of body) this.lines.push(l === '' ? '>' : '> ' + l);
    this.afterBlock = true;
    this.needBlank = true;
  }

  finish(): string[] {
    if (!this.line.empty) this.endLine();
    // no blank lines at the edges, never two in a row
    const out: string[] = [];
    for (const l of this.lines) {
      if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
      out.push(l);
    }
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }
}

/**
 * What surrounds a `link` part in the text: a bare URL is a link in Obsidian (GFM autolinks) and
 * markdown-it (linkify) only when it stands alone, and it swallows whatever non-blank text follows
 * it ("https://x/a.jpgгыгы" would be one link).
 */
interface LinkSurroundings {
  /** The character before the URL on its line; "" at the start of a line. */
  readonly before: string;
  /** The text right after the URL on its line (a few characters); "" at the end of a line. */
  readonly after: string;
}

const BLOCK_PARTS = new Set(['pre', 'blockquote']);

function linkSurroundings(parts: readonly TextEntity[], i: number): LinkSurroundings {
  const prev = parts[i - 1];
  const before = prev === undefined || BLOCK_PARTS.has(prev.type) ? '' : cleanText(prev.text).slice(-1);
  let after = '';
  for (let k = i + 1; k < parts.length && after.length < 4; k++) {
    if (BLOCK_PARTS.has(parts[k].type)) break;
    after += cleanText(parts[k].text);
  }
  return { before: before === '\n' ? '' : before, after: after.split('\n')[0] };
}

/** True when nothing around a bare URL would join it: blank or nothing before, blank (or end-of-sentence punctuation and blank) after. */
function standsAlone(s: LinkSurroundings | undefined): boolean {
  if (!s) return true;
  if (s.before !== '' && !/\s/u.test(s.before)) return false;
  return /^(?:[.,:!?]*(?:\s|$))/u.test(s.after);
}

function renderPart(b: BodyBuilder, part: TextEntity, around?: LinkSurroundings): void {
  const text = cleanText(part.text);
  if (text === '') return;
  switch (part.type) {
    case 'bold':
      return b.inline(text, (p, l) => l.wrap('bold', p));
    case 'italic':
      return b.inline(text, (p, l) => l.wrap('italic', p));
    case 'underline':
      return b.inline(text, (p, l) => l.wrap('underline', p));
    case 'strikethrough':
      return b.inline(text, (p, l) => l.wrap('strike', p));
    case 'spoiler':
      return b.inline(text, (p, l) => l.wrap('spoiler', p));
    case 'code':
      return b.inline(text, (p, l) => l.code(p));
    case 'pre':
      return b.pre(text, part.language);
    case 'blockquote':
      return b.quote(text, part.collapsed === true);
    case 'text_link': {
      const href = typeof part.href === 'string' ? cleanText(part.href).trim() : '';
      if (!isSafeHref(href)) {
        // not clickable, but nothing lost: the text, then where it pointed
        return b.inline(text + (href ? ` (${href.replace(/\n/g, ' ')})` : ''), (p, l) => l.text(p));
      }
      return b.inline(text, (p, l) => l.raw(`[${escapeInline(p)}](${encodeUrl(href)})`));
    }
    case 'link': {
      if (text.includes('\n')) return b.inline(text, (p, l) => l.text(p));
      const href = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
      if (!isSafeHref(href)) return b.inline(text, (p, l) => l.text(p));
      if (BARE_URL.test(text)) {
        // a bare URL reads best; only when nothing in it or around it means anything to Markdown
        const plain = !LOOSE_UNDERSCORE.test(text) && !/==|&[#A-Za-z0-9]+;|[.,:;!?')]$/.test(text);
        if (plain && standsAlone(around)) return b.inline(text, (p, l) => l.raw(p));
        // text right after it ("https://x/a.jpgгыгы"): an autolink ends exactly at ">"
        if (!standsAlone(around)) return b.inline(text, (p, l) => l.raw(`<${p}>`));
      }
      return b.inline(text, (p, l) => l.raw(`[${escapeInline(p)}](${encodeUrl(href)})`));
    }
    case 'email':
      if (EMAIL.test(text)) return b.inline(text, (p, l) => l.raw(`[${escapeInline(p)}](mailto:${encodeUrl(p)})`));
      return b.inline(text, (p, l) => l.text(p));
    case 'phone': {
      const digits = text.replace(/[^\d+]/g, '');
      if (/^\+?\d{3,20}$/.test(digits)) return b.inline(text, (p, l) => l.raw(`[${escapeInline(p)}](tel:${digits})`));
      return b.inline(text, (p, l) => l.text(p));
    }
    case 'mention': {
      const m = USERNAME.exec(text);
      if (m) return b.inline(text, (p, l) => l.raw(`[${escapeInline(p)}](https://t.me/${m[1]})`));
      return b.inline(text, (p, l) => l.text(p));
    }
    case 'mention_name': {
      const id = Number(part.user_id);
      if (Number.isSafeInteger(id) && id > 0) return b.inline(text, (p, l) => l.raw(`[${escapeInline(p)}](tg://user?id=${id})`));
      return b.inline(text, (p, l) => l.text(p));
    }
    case 'hashtag':
      // Telegram hashtags become Obsidian tags when Obsidian can read them as one
      if (TAG.test(text)) return b.inline(text, (p, l) => l.raw(p));
      return b.inline(text, (p, l) => l.text(p));
    // cashtag, bot_command, bank_card, custom_emoji (its text is the fallback emoji), plain, unknown
    default:
      return b.inline(text, (p, l) => l.text(p));
  }
}

/** Markdown lines of a message text (no quote prefix yet); [] for an empty text. */
export function renderTextLines(text: TextValue | undefined, entities?: readonly TextEntity[]): string[] {
  const b = new BodyBuilder();
  const parts = textParts(text, entities);
  parts.forEach((part, i) => renderPart(b, part, part.type === 'link' ? linkSurroundings(parts, i) : undefined));
  return b.finish();
}

/**
 * One line of inline Markdown for short texts (poll answers, titles): line breaks become spaces.
 * Escaped as if it began a line, so it is safe anywhere, including right after a list marker.
 */
export function renderInline(value: TextValue | undefined): string {
  const parts = textParts(value).map((p) => ({ ...p, text: cleanText(p.text).replace(/\n/g, ' ') }));
  const lines = new BodyBuilder();
  for (const p of parts) {
    if (p.type === 'pre') renderPart(lines, { type: 'code', text: p.text });
    else if (p.type === 'blockquote') renderPart(lines, { type: 'italic', text: p.text });
    else renderPart(lines, p);
  }
  return lines.finish().filter((l) => l !== '').join(' ');
}
