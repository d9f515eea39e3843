/**
 * One message (or one album) as one note block:
 *
 *   > **Alice Martin** · 2024-03-01 18:41:04 · edited 18:46:04
 *   > ↩ Reply to [[Telegram/Alice Martin/Alice Martin#^m3|message 3]]
 *   >
 *   > ![[Telegram/Alice Martin/attachments/photo_1.jpg]]
 *   >
 *   > Sunset from the balcony 🌅
 *   >
 *   > 🔥 2
 *
 *   ^m4
 *
 * Everything the message contributes sits inside the quote, so no content can reach column 0:
 * the id line, the frontmatter fence and headings are out of reach, and code fences, HTML and
 * lists end where the quote ends. The id line after the quote names the whole quote for
 * Obsidian (links and embeds show the whole message) and marks the block as complete.
 */
import type { ExportMessage, Reaction } from './message';
import type { ChatContext } from './context';
import { aliasText, escapeInline, nameText, oneLine, strong, wikiLink } from './markdown';
import { editDate, messageDate } from './dates';
import { extraFieldLines } from './fields';
import { buttonLines, mediaLines } from './media';
import { serviceSentence } from './service';
import { renderTextLines } from './text';

/** "2024-03-01T18:41:04" as shown: "2024-03-01 18:41:04"; kept as written (local time, no zone). */
export function displayDate(date: unknown): string {
  if (typeof date !== 'string' || date === '') return 'unknown date';
  if (date.length === 19 && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(date)) return date.slice(0, 10) + ' ' + date.slice(11);
  // not a date-time: shown as written (escaped, never altered)
  return escapeInline(oneLine(date.replace(/^(\d{4}-\d{2}-\d{2})T/, '$1 ')));
}

/**
 * The date a block shows: the message's local date-time (from `date_unixtime` in UTC when `date`
 * is missing), or `date` as written, escaped, when it is not a date-time.
 */
function shownDate(msg: ExportMessage): string {
  const date = messageDate(msg);
  if (date !== undefined) return displayDate(date);
  // set by the importer's validation when `date` was not a date-time (kept out of properties)
  const asWritten = typeof msg.invalid_date === 'string' ? msg.invalid_date : msg.date;
  return displayDate(asWritten);
}

function editedMark(date: string | undefined, edited: string | undefined): string | undefined {
  if (typeof edited !== 'string' || edited === '') return undefined;
  const d = /^(\d{4}-\d{2}-\d{2})T(.*)$/.exec(edited);
  if (d && typeof date === 'string' && date.startsWith(d[1] + 'T')) return `edited ${escapeInline(d[2])}`;
  return `edited ${displayDate(edited)}`;
}

function senderName(msg: ExportMessage, ctx: ChatContext): string {
  if (msg.from === null) return strong('Deleted Account');
  if (typeof msg.from === 'string' && oneLine(msg.from) !== '') return strong(msg.from);
  if (/channel/.test(ctx.chatType) && oneLine(ctx.chatTitle) !== '') return strong(ctx.chatTitle);
  return strong('Unknown sender');
}

const USERNAME = /^@([A-Za-z0-9_]{3,32})$/;

function botLink(via: string): string {
  const m = USERNAME.exec(via);
  return m ? `[${escapeInline(via)}](https://t.me/${m[1]})` : nameText(via);
}

/** Anchor text for a link to message `id`: `[[note#^m5|label]]`, within the same note `[[#^m5|label]]`. */
function messageLink(ctx: ChatContext, id: number, label: string): string | undefined {
  const note = ctx.noteOf(id);
  if (note === undefined) return undefined;
  const anchor = `^m${ctx.anchorOf?.(id) ?? id}`;
  if (ctx.currentNote !== undefined && note === ctx.currentNote) return `[[#${anchor}|${label}]]`;
  return wikiLink(note, anchor, label);
}

function refOrText(ctx: ChatContext): (id: number, label: string) => string {
  return (id, label) => messageLink(ctx, id, label) ?? escapeInline(label);
}

function headerLine(group: readonly ExportMessage[], ctx: ChatContext): string {
  const first = group[0];
  let who = senderName(first, ctx);
  if (typeof first.author === 'string' && oneLine(first.author) !== '' && first.author !== first.from) who += ` (${nameText(first.author)})`;
  if (typeof first.via_bot === 'string' && first.via_bot !== '') who += ` via ${botLink(first.via_bot)}`;
  const parts = [who, shownDate(first)];
  const edits = group.map((m) => editDate(m)).filter((e): e is string => e !== undefined).sort();
  const edited = editedMark(messageDate(first), edits[edits.length - 1]);
  if (edited) parts.push(edited);
  let line = parts.join(' · ');
  // album members other than the first have no block id of their own: listed here (hidden in
  // reading view) so a re-import and an index rebuild recognise every one of them
  if (group.length > 1) line += ` %%album: ${group.map((m) => `m${m.id}`).join(' ')}%%`;
  return line;
}

function forwardLine(msg: ExportMessage): string | undefined {
  const hasFwd = 'forwarded_from' in msg;
  const hasSaved = typeof msg.saved_from === 'string' && msg.saved_from !== '';
  if (!hasFwd && !hasSaved) return undefined;
  const fwd = hasFwd ? (typeof msg.forwarded_from === 'string' && oneLine(msg.forwarded_from) !== '' ? strong(msg.forwarded_from) : 'an unknown sender') : undefined;
  const saved = hasSaved ? strong(msg.saved_from as string) : undefined;
  if (fwd && saved && saved !== fwd) return `↪ Forwarded from ${fwd} (saved from ${saved})`;
  if (fwd) return `↪ Forwarded from ${fwd}`;
  return `↪ Saved from ${saved}`;
}

function replyLine(msg: ExportMessage, ctx: ChatContext): string | undefined {
  const id = msg.reply_to_message_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  if (typeof msg.reply_to_peer_id === 'string' && msg.reply_to_peer_id !== '') return `↩ Reply to message ${id} in another chat`;
  // in a forum, "replying" to the topic's first message only means "posted in that topic"
  if (ctx.isTopicRoot?.(id)) return undefined;
  const link = messageLink(ctx, id, `message ${id}`);
  return link ? `↩ Reply to ${link}` : `↩ Reply to message ${id} *(not in the archive)*`;
}

function reactionKey(r: Reaction): string {
  return r.type === 'emoji' ? `e:${r.emoji}` : r.type === 'custom_emoji' ? `c:${r.document_id}` : `t:${r.type}`;
}

function reactionLabel(r: Reaction): string {
  if (r.type === 'emoji' && typeof r.emoji === 'string' && r.emoji !== '') return escapeInline(aliasText(r.emoji));
  if (r.type === 'paid') return '⭐';
  if (r.type === 'custom_emoji') return '(custom emoji)';
  return escapeInline(aliasText(String(r.type)));
}

/** "👍 3 · 🔥 1": reactions of all messages of the group, counts summed, first-seen order. */
function reactionsLine(group: readonly ExportMessage[]): string | undefined {
  const totals = new Map<string, { label: string; count: number }>();
  for (const m of group) {
    for (const r of Array.isArray(m.reactions) ? m.reactions : []) {
      if (!r || typeof r !== 'object') continue;
      const key = reactionKey(r);
      const count = typeof r.count === 'number' && Number.isFinite(r.count) ? r.count : 0;
      const t = totals.get(key);
      if (t) t.count += count;
      else totals.set(key, { label: reactionLabel(r), count });
    }
  }
  if (totals.size === 0) return undefined;
  return Array.from(totals.values(), (t) => `${t.label} ${t.count}`).join(' · ');
}

/** Sections of a block: each a list of lines; joined with one blank quote line between them. */
function joinSections(sections: (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const s of sections) {
    if (s.length === 0) continue;
    if (out.length) out.push('');
    out.push(...s);
  }
  return out;
}

function messageSections(group: readonly ExportMessage[], ctx: ChatContext): string[] {
  const first = group[0];
  const head = [headerLine(group, ctx)];
  const fwd = forwardLine(first);
  if (fwd) head.push(fwd);
  const reply = replyLine(first, ctx);
  if (reply) head.push(reply);
  if (first.type !== 'message') head.push(`*(message of unknown type ${escapeInline(aliasText(String(first.type)))})*`);

  const media: string[] = [];
  const texts: string[][] = [];
  const buttons: string[] = [];
  const extras: string[] = [];
  for (const m of group) {
    media.push(...mediaLines(m, ctx));
    const t = renderTextLines(m.text, m.text_entities);
    if (t.length) texts.push(t);
    buttons.push(...buttonLines(m));
    extras.push(...extraFieldLines(m));
  }
  const reactions = reactionsLine(group);
  return joinSections([head, media, ...texts, extras, buttons, reactions ? [reactions] : []]);
}

function serviceSections(msg: ExportMessage, ctx: ChatContext): string[] {
  const { icon, text } = serviceSentence(msg, ctx, refOrText(ctx));
  return joinSections([[`${icon} ${text} · ${shownDate(msg)}`], mediaLines(msg, ctx), extraFieldLines(msg)]);
}

function unsupportedSections(msg: ExportMessage): string[] {
  const when = messageDate(msg) !== undefined || typeof msg.date === 'string' ? ` · ${shownDate(msg)}` : '';
  return [`⚠️ *Unsupported message: Telegram Desktop could not export it*${when}`];
}

/** Prefixes every line with the quote marker; empty lines become a bare ">". */
function quoteLines(lines: readonly string[]): string {
  return lines.map((l) => (l === '' ? '>' : `> ${l}`)).join('\n');
}

/** The block of a message or album: quote, blank line, `^m<first id>`, blank line. Deterministic. */
export function renderBlock(group: readonly ExportMessage[], ctx: ChatContext): string {
  if (group.length === 0) throw new Error('renderBlock: a block needs at least one message');
  for (const m of group) {
    if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) throw new Error(`renderBlock: message without a numeric id (${JSON.stringify(m.id)})`);
  }
  const first = group[0];
  const lines = first.type === 'service' ? serviceSections(first, ctx) : first.type === 'unsupported' ? unsupportedSections(first) : messageSections(group, ctx);
  return `${quoteLines(lines)}\n\n^m${first.id}\n\n`;
}
