/**
 * Note properties (YAML frontmatter) in a fixed, Dataview-friendly shape: snake_case keys,
 * numbers as numbers, dates as unquoted local date-times (Obsidian shows them as dates), free
 * text always double-quoted.
 *
 * What a person adds is theirs: their own keys, their values, their comments and their `tags`
 * survive every rewrite as they wrote them (frontmatterYaml.ts). Reading goes through a real
 * YAML parser, except for a header exactly as we render it, which is recognised by rendering it
 * again (cheap, and most notes are like that).
 *
 * Frontmatter that is not valid YAML (a tab, an unclosed quote) is never dropped: the lines that
 * break it are kept as YAML comments under a note saying so (see salvage), the note's own keys are
 * read from the rest, and the parse result carries a warning. When even `source` or `chat_id`
 * cannot be read, the note is not recognised as ours: callers treat it as a note without
 * frontmatter, and the old text stays in the note, below the new header.
 */
import { type OwnPiece, layoutOf, mergeFrontmatter, salvage, scalarText, tagsOf, type YamlLayout } from './frontmatterYaml';

export interface NoteMeta {
  source: 'telegram';
  chatId: number;
  chatType: string;
  title: string;
  topic?: string;
  topicId?: number;
  messageCount: number;
  firstDate?: string;
  lastDate?: string;
  lastImportedId?: number;
  /**
   * Tags of the note; default ["telegram"]. Kept as the user edited them: [] when they emptied
   * or deleted the property (then none is written).
   */
  tags?: string[];
  /**
   * What the user added to the frontmatter, as YAML text (set by parseFrontmatter, opaque to
   * callers): their own keys with the comments above them, comments they put above or on our
   * keys, `tags` when written in another shape than ours, comments at the end. Plain
   * `key: value` lines work too. renderFrontmatter takes our keys' values from the other fields
   * and everything else from here.
   */
  extraYaml?: string;
}

export interface ParsedFrontmatter {
  meta: NoteMeta;
  /** Where the body starts (after the closing `---` and one blank line). */
  end: number;
  /** Set when the frontmatter was not valid YAML: what was done about it (the lines are kept as comments). */
  warnings?: string[];
}

/** Our keys, in the order we write them. */
const OWN_KEYS = ['source', 'chat_id', 'type', 'title', 'topic', 'topic_id', 'message_count', 'first_date', 'last_date', 'last_imported_id', 'tags'] as const;
type OwnKey = (typeof OWN_KEYS)[number];
const OWN_KEY_SET: ReadonlySet<string> = new Set(OWN_KEYS);
const DEFAULT_TAGS = ['telegram'];
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const PLAIN_WORD = /^[a-z][a-z0-9_]*$/;
const YAML_KEYWORDS = /^(true|false|null|yes|no|on|off|y|n)$/i;
const TAG_OK = /^[\p{L}\p{N}_/-]+$/u;
const SAFE_INTEGER_TEXT = /^-?\d{1,16}$/;

/** A YAML double-quoted scalar that any YAML 1.1/1.2 parser reads back as exactly `s`. */
export function yamlString(s: string): string {
  let out = '"';
  for (const ch of String(s)) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd'; // lone surrogate
    else out += ch;
  }
  return out + '"';
}

function yamlWord(s: string): string {
  return PLAIN_WORD.test(s) && !YAML_KEYWORDS.test(s) ? s : yamlString(s);
}

function yamlDate(s: string): string {
  return LOCAL_DATE_TIME.test(s) ? s : yamlString(s);
}

function int(n: number | undefined): string | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) ? String(n) : undefined;
}

function tagsText(tags: readonly string[]): string {
  if (!tags.length) return '';
  // Plain only when no YAML 1.1/1.2 parser can read it as anything but that string: a digit or
  // sign first may be a number or a date (0x1F, 1e3, 2024-01-01), a lone "-" a nested list.
  const plain = (t: string) => TAG_OK.test(t) && /^[\p{L}_/]/u.test(t) && !YAML_KEYWORDS.test(t);
  return 'tags:\n' + tags.map((t) => `  - ${plain(t) ? t : yamlString(t)}\n`).join('');
}

/** Our keys as we write them, in our order; '' for a key that is absent. */
function ownPieces(meta: NoteMeta): OwnPiece[] {
  const values: Record<Exclude<OwnKey, 'tags'>, string | undefined> = {
    source: 'telegram',
    chat_id: int(meta.chatId) ?? yamlString(String(meta.chatId)),
    type: yamlWord(String(meta.chatType ?? '')),
    title: yamlString(String(meta.title ?? '')),
    topic: meta.topic !== undefined ? yamlString(meta.topic) : undefined,
    topic_id: int(meta.topicId),
    message_count: int(meta.messageCount) ?? '0',
    first_date: meta.firstDate !== undefined ? yamlDate(meta.firstDate) : undefined,
    last_date: meta.lastDate !== undefined ? yamlDate(meta.lastDate) : undefined,
    last_imported_id: int(meta.lastImportedId),
  };
  return OWN_KEYS.map((key) => {
    if (key === 'tags') return { key, text: tagsText(meta.tags ?? DEFAULT_TAGS) };
    const value = values[key];
    return { key, text: value === undefined ? '' : `${key}: ${value}\n` };
  });
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** `---\n...---\n\n`. The same meta always gives the same bytes. */
export function renderFrontmatter(meta: NoteMeta): string {
  const pieces = ownPieces(meta);
  if (!meta.extraYaml) return `---\n${pieces.map((p) => p.text).join('')}---\n\n`;
  const tags = meta.tags ?? DEFAULT_TAGS;
  const body = mergeFrontmatter(pieces, meta.extraYaml, (key, value) => key === 'tags' && sameTags(tagsOf(value), tags));
  return `---\n${body}---\n\n`;
}

/** The frontmatter's text between the fences (ending with "\n", or '') and where the body starts. */
function fenced(noteText: string): { yaml: string; end: number } | undefined {
  if (!noteText.startsWith('---\n')) return undefined;
  // The same closing line as bodyStart (parse.ts): the first line that is exactly `---`.
  let close = noteText.indexOf('\n---\n', 3);
  let end = close + 5;
  if (close < 0) {
    if (!noteText.endsWith('\n---') || noteText.length < 7) return undefined;
    close = noteText.length - 4;
    end = noteText.length;
  }
  if (noteText[end] === '\n') end++;
  return { yaml: noteText.slice(4, close + 1), end };
}

function safeNumber(text: string | undefined): number | undefined {
  return text !== undefined && SAFE_INTEGER_TEXT.test(text) ? Number(text) : undefined;
}

/** NoteMeta from our keys' values as text; undefined when the note is not ours. */
function metaOf(values: ReadonlyMap<string, string>, tags: string[]): NoteMeta | undefined {
  if (values.get('source') !== 'telegram') return undefined;
  const chatId = safeNumber(values.get('chat_id'));
  if (chatId === undefined) return undefined;
  const meta: NoteMeta = {
    source: 'telegram',
    chatId,
    chatType: values.get('type') ?? '',
    title: values.get('title') ?? '',
    messageCount: safeNumber(values.get('message_count')) ?? 0,
  };
  if (values.has('topic')) meta.topic = values.get('topic');
  const topicId = safeNumber(values.get('topic_id'));
  if (topicId !== undefined) meta.topicId = topicId;
  if (values.has('first_date')) meta.firstDate = values.get('first_date');
  if (values.has('last_date')) meta.lastDate = values.get('last_date');
  const last = safeNumber(values.get('last_imported_id'));
  if (last !== undefined) meta.lastImportedId = last;
  meta.tags = tags;
  return meta;
}

const CANONICAL_LINE = /^([a-z_]+): (.+)$/;

/**
 * The meta of a frontmatter exactly as renderFrontmatter writes it (no user content), without a
 * YAML parser: read line by line, then rendered again and compared byte for byte, so anything
 * else (a comment, another quoting, a key of the user's) falls through to the real parser.
 */
function readCanonical(yaml: string): NoteMeta | undefined {
  const lines = yaml.split('\n');
  if (lines.pop() !== '') return undefined;
  const values = new Map<string, string>();
  const tags: string[] = [];
  let inTags = false;
  const decode = (raw: string): string | undefined => {
    if (!raw.startsWith('"')) return raw;
    try {
      return JSON.parse(raw) as string; // what yamlString writes is also a JSON string
    } catch {
      return undefined;
    }
  };
  for (const line of lines) {
    const m = inTags ? /^ {2}- (.+)$/.exec(line) : CANONICAL_LINE.exec(line);
    if (!m) {
      if (line !== 'tags:' || inTags) return undefined;
      inTags = true;
      continue;
    }
    const value = decode(inTags ? m[1] : m[2]);
    if (value === undefined || (!inTags && (values.has(m[1]) || !OWN_KEY_SET.has(m[1])))) return undefined;
    if (inTags && value === '') return undefined; // an empty tag is not a tag (tagsOf): the YAML path keeps it as written
    if (inTags) tags.push(value);
    else values.set(m[1], value);
  }
  const meta = metaOf(values, tags);
  if (!meta || `---\n${yaml}---\n\n` !== renderFrontmatter(meta)) return undefined;
  return meta;
}

/** The YAML text of what, in a frontmatter, is the user's (see NoteMeta.extraYaml), without its last line break; '' for nothing. */
function userPart(layout: YamlLayout): string {
  let kept = '';
  for (const e of layout.entries) {
    const ours = e.key !== undefined && OWN_KEY_SET.has(e.key);
    const annotated = /\S/.test(e.prefix) || /\S/.test(e.trailing);
    if (!ours || annotated || (e.key === 'tags' && e.text !== tagsText(tagsOf(e.value)))) kept += e.prefix + e.text;
  }
  if (/\S/.test(layout.tail)) kept += layout.tail;
  return kept.replace(/\n$/, '');
}

function readWithYaml(yaml: string, end: number): ParsedFrontmatter | undefined {
  let layout = layoutOf(yaml);
  let warnings: string[] | undefined;
  if (!layout) {
    layout = layoutOf(salvage(yaml));
    if (!layout) return undefined;
    warnings = ['the frontmatter is not valid YAML: the lines that break it are kept as comments'];
  }
  const values = new Map<string, string>();
  let tags: string[] = [];
  for (const e of layout.entries) {
    if (e.key === undefined || !OWN_KEY_SET.has(e.key) || values.has(e.key)) continue;
    if (e.key === 'tags') {
      tags = tagsOf(e.value);
      values.set('tags', '');
    } else values.set(e.key, scalarText(e.value) ?? '');
  }
  const meta = metaOf(values, tags);
  if (!meta) return undefined;
  // A `tags` that had to be commented out was broken, not deleted: our default stays.
  if (warnings && !values.has('tags') && /^tags[ \t]*:/m.test(yaml)) delete meta.tags;
  const extra = userPart(layout);
  if (extra) meta.extraYaml = extra;
  return warnings ? { meta, end, warnings } : { meta, end };
}

/**
 * The properties of a note (one written by renderFrontmatter, and any valid YAML a person or
 * Obsidian made of it). `end` is where the body starts. undefined when the note has no
 * frontmatter or it is not one of ours (no `source: telegram` and numeric `chat_id`). Never throws.
 */
export function parseFrontmatter(noteText: string): ParsedFrontmatter | undefined {
  const fm = fenced(noteText);
  if (!fm) return undefined;
  const canonical = readCanonical(fm.yaml);
  if (canonical) return { meta: canonical, end: fm.end };
  try {
    return readWithYaml(fm.yaml, fm.end);
  } catch {
    return undefined;
  }
}
