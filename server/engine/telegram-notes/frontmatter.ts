/**
 * Note properties (YAML frontmatter) in a fixed, Dataview-friendly shape: snake_case keys,
 * numbers as numbers, dates as unquoted local date-times (Obsidian shows them as dates), free
 * text always double-quoted. Keys the user added in Obsidian are kept through rewrites.
 */

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
  /** Tags of the note; default ["telegram"]. Kept as the user edited them. */
  tags?: string[];
  /** Raw YAML lines of properties this module does not own (added by the user); kept verbatim. */
  extraYaml?: string;
}

const OWN_KEYS = new Set(['source', 'chat_id', 'type', 'title', 'topic', 'topic_id', 'message_count', 'first_date', 'last_date', 'last_imported_id', 'tags']);
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const PLAIN_WORD = /^[a-z][a-z0-9_]*$/;
const YAML_KEYWORDS = /^(true|false|null|yes|no|on|off|y|n)$/i;

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

const TAG_OK = /^[\p{L}\p{N}_/-]+$/u;

/** `---\n...---\n\n`. The same meta always gives the same bytes. */
export function renderFrontmatter(meta: NoteMeta): string {
  const lines: string[] = ['---'];
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`${key}: ${value}`);
  };
  put('source', 'telegram');
  put('chat_id', int(meta.chatId) ?? yamlString(String(meta.chatId)));
  put('type', yamlWord(String(meta.chatType ?? '')));
  put('title', yamlString(String(meta.title ?? '')));
  if (meta.topic !== undefined) put('topic', yamlString(meta.topic));
  put('topic_id', int(meta.topicId));
  put('message_count', int(meta.messageCount) ?? '0');
  if (meta.firstDate !== undefined) put('first_date', yamlDate(meta.firstDate));
  if (meta.lastDate !== undefined) put('last_date', yamlDate(meta.lastDate));
  put('last_imported_id', int(meta.lastImportedId));
  const tags = meta.tags ?? ['telegram'];
  if (tags.length) {
    lines.push('tags:');
    for (const t of tags) lines.push(`  - ${TAG_OK.test(t) && !YAML_KEYWORDS.test(t) && !/^\d+$/.test(t) ? t : yamlString(t)}`);
  }
  if (meta.extraYaml) {
    for (const l of meta.extraYaml.replace(/\r\n?/g, '\n').split('\n')) {
      if (l !== '' && l !== '---' && l !== '...') lines.push(l);
    }
  }
  lines.push('---', '', '');
  return lines.join('\n');
}

/** Reads back a double-quoted YAML scalar (the escapes yamlString writes, and the common others). */
function unquoteDouble(s: string): string | undefined {
  if (!/^".*"$/s.test(s)) return undefined;
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', '0': '\0', ' ': ' ', e: '\x1b', a: '\x07', b: '\b', f: '\f', v: '\v', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029' };
    if (e in simple) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else return undefined;
  }
  return out;
}

function scalar(raw: string): string {
  const v = raw.trim();
  const dq = unquoteDouble(v);
  if (dq !== undefined) return dq;
  if (/^'.*'$/s.test(v)) return v.slice(1, -1).replace(/''/g, "'");
  return v.replace(/\s+#.*$/, '');
}

function numberOf(raw: string): number | undefined {
  const v = scalar(raw);
  return /^-?\d{1,16}$/.test(v) ? Number(v) : undefined;
}

/**
 * The properties of a note written by renderFrontmatter (and tolerant of edits made in Obsidian:
 * reordered keys, single quotes, added properties). `end` is where the body starts.
 * undefined when the note has no frontmatter or it is not one of ours (no `source: telegram`).
 */
export function parseFrontmatter(noteText: string): { meta: NoteMeta; end: number } | undefined {
  if (!noteText.startsWith('---\n')) return undefined;
  const close = noteText.indexOf('\n---', 3);
  if (close < 0) return undefined;
  const afterFence = close + 4;
  if (afterFence < noteText.length && noteText[afterFence] !== '\n') return undefined;
  let end = Math.min(afterFence + 1, noteText.length);
  if (noteText[end] === '\n') end++;
  const lines = noteText.slice(4, close + 1).split('\n');
  const values = new Map<string, string>();
  const tags: string[] = [];
  const extra: string[] = [];
  let inTags = false;
  let inExtra = false;
  for (const line of lines) {
    if (line === '') continue;
    const key = /^([A-Za-z0-9_-]+):(.*)$/.exec(line);
    if (key) {
      inTags = false;
      inExtra = false;
      const [, k, rest] = key;
      if (k === 'tags') {
        const inline = rest.trim();
        if (inline.startsWith('[')) {
          for (const t of inline.replace(/^\[|\]$/g, '').split(',')) if (scalar(t) !== '') tags.push(scalar(t));
        } else if (inline !== '') tags.push(scalar(inline));
        else inTags = true;
        values.set('tags', '');
      } else if (OWN_KEYS.has(k)) values.set(k, rest);
      else {
        extra.push(line);
        inExtra = true;
      }
      continue;
    }
    if (inTags && /^\s+-\s*/.test(line)) {
      const t = scalar(line.replace(/^\s+-\s*/, ''));
      if (t !== '') tags.push(t);
    } else if (inExtra) extra.push(line);
  }
  if (scalar(values.get('source') ?? '') !== 'telegram') return undefined;
  const chatId = numberOf(values.get('chat_id') ?? '');
  if (chatId === undefined) return undefined;
  const meta: NoteMeta = {
    source: 'telegram',
    chatId,
    chatType: scalar(values.get('type') ?? ''),
    title: scalar(values.get('title') ?? ''),
    messageCount: numberOf(values.get('message_count') ?? '') ?? 0,
  };
  if (values.has('topic')) meta.topic = scalar(values.get('topic')!);
  const topicId = numberOf(values.get('topic_id') ?? '');
  if (topicId !== undefined) meta.topicId = topicId;
  if (values.has('first_date')) meta.firstDate = scalar(values.get('first_date')!);
  if (values.has('last_date')) meta.lastDate = scalar(values.get('last_date')!);
  const last = numberOf(values.get('last_imported_id') ?? '');
  if (last !== undefined) meta.lastImportedId = last;
  if (values.has('tags')) meta.tags = tags;
  if (extra.length) meta.extraYaml = extra.join('\n');
  return { meta, end };
}
