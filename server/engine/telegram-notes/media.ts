/**
 * Attachments of a message: which files the importer must copy (mediaFilesOf) and how each kind
 * is shown in the note (an Obsidian embed where Obsidian can display the file, a link otherwise,
 * and a visible remark when the file is missing or was left out of the export).
 */
import type { ExportMessage } from './message';
import type { ChatContext } from './context';
import { aliasText, cleanText, embed, encodeUrl, escapeInline, oneLine, strong, wikiLink } from './markdown';
import { plainText, renderInline } from './text';

export type MediaRole = 'photo' | 'file' | 'thumbnail';

/** `media_type` values Telegram Desktop writes; others are shown with their name. */
export const KNOWN_MEDIA_TYPES: ReadonlySet<string> = new Set(['sticker', 'video_message', 'voice_message', 'animation', 'video_file', 'audio_file']);

/**
 * True for what Telegram Desktop writes instead of a path when a file is not in the export:
 * "(File not included. Change data exporting settings to download.)", "(File exceeds maximum
 * size. ...)", "(File unavailable, please try again later)". Real paths always have a folder.
 */
export function isPlaceholderPath(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim();
  return v === '' || (/^\(.*\)$/s.test(v) && !v.includes('/'));
}

function realPath(value: unknown): string | undefined {
  return typeof value === 'string' && !isPlaceholderPath(value) ? value : undefined;
}

/** Why a file is absent, in words for the note; a field that is not text at all is malformed. */
function absenceReason(value: unknown): string {
  if (value !== undefined && value !== null && typeof value !== 'string') return 'malformed file field in the export';
  return placeholderReason(value ?? '');
}

/** Why a file is absent, in words for the note. */
export function placeholderReason(value: string): string {
  if (/exceeds maximum size/i.test(value)) return 'larger than the export size limit';
  if (/unavailable/i.test(value)) return 'unavailable when the export was made';
  if (/not included/i.test(value)) return 'not included in the export';
  return value.trim() === '' ? 'not included in the export' : escapeInline(aliasText(value.replace(/^\(|\)$/g, '')));
}

const IMAGE = new Set(['avif', 'bmp', 'gif', 'jpeg', 'jpg', 'png', 'svg', 'webp']);
const AUDIO = new Set(['flac', 'm4a', 'mp3', 'ogg', 'oga', 'opus', 'wav', '3gp']);
const VIDEO = new Set(['mkv', 'mov', 'mp4', 'ogv', 'webm', 'm4v']);

/** What Obsidian can show inline for a file name; PDFs are linked, not embedded (a full viewer per message is too much). */
export function embedKind(fileName: string): 'image' | 'audio' | 'video' | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  if (IMAGE.has(ext)) return 'image';
  if (AUDIO.has(ext)) return 'audio';
  if (VIDEO.has(ext)) return 'video';
  return undefined;
}

/** The thumbnail is shown (and so copied) only when the document itself cannot be displayed. */
function thumbnailShown(msg: ExportMessage): boolean {
  if (!realPath(msg.thumbnail)) return false;
  const file = msg.file;
  if (typeof file !== 'string' || isPlaceholderPath(file)) return true;
  return embedKind(file) === undefined;
}

/** Files a message refers to, as written in the export; placeholders excluded. */
export function mediaFilesOf(msg: ExportMessage): { exportPath: string; role: MediaRole }[] {
  const out: { exportPath: string; role: MediaRole }[] = [];
  const photo = realPath(msg.photo);
  if (photo) out.push({ exportPath: photo, role: 'photo' });
  const file = realPath(msg.file);
  if (file) out.push({ exportPath: file, role: 'file' });
  if (thumbnailShown(msg)) out.push({ exportPath: msg.thumbnail as string, role: 'thumbnail' });
  const vcard = realPath(msg.contact_vcard);
  if (vcard) out.push({ exportPath: vcard, role: 'file' });
  return out;
}

/** "1:05", "1:02:03". */
export function formatDuration(seconds: number | undefined): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "512 B", "12.3 KB", "4.0 MB" (1024-based, as Telegram shows sizes). */
export function formatSize(bytes: number | undefined): string | undefined {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return undefined;
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function join(parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => !!p).join(' · ');
}

/** Export path shown in a remark: in a code span, so nothing in it can act as Markdown. */
function pathCode(p: string): string {
  const clean = cleanText(p).replace(/\n/g, ' ');
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function remark(s: string): string {
  return `*${s}*`;
}

/** Lines for the photo of a message (or of a service message such as a new group photo). */
function photoLines(msg: ExportMessage, ctx: ChatContext): string[] {
  if (msg.photo === undefined) return [];
  const spoiler = msg.media_spoiler ? ' ' + remark('(spoiler)') : '';
  if (typeof msg.photo !== 'string' || isPlaceholderPath(msg.photo)) {
    const why = msg.self_destruct_period_seconds ? 'self-destructing, not exported' : absenceReason(msg.photo);
    return [`🖼 ${remark(`Photo ${why}`)}`];
  }
  const stored = ctx.attachmentOf(msg.photo);
  if (stored === null) return [`🖼 ${remark('Photo missing from the export folder')} ${pathCode(msg.photo)}`];
  return [embed(stored) + spoiler];
}

function documentLabel(msg: ExportMessage): string {
  const name = typeof msg.file_name === 'string' ? msg.file_name : typeof msg.file === 'string' && !isPlaceholderPath(msg.file) ? baseName(msg.file) : undefined;
  const duration = formatDuration(msg.duration_seconds);
  const size = formatSize(msg.file_size);
  switch (msg.media_type) {
    case 'voice_message':
      return join(['🎤 Voice message', duration]);
    case 'video_message':
      return join(['⏺ Video message', duration]);
    case 'video_file':
      // generated names ("video_1@01-03-2024_19-39-54.mp4") say nothing: only a real name is shown
      return join([`🎬 ${typeof msg.file_name === 'string' && msg.file_name !== '' ? escapeInline(aliasText(msg.file_name)) : 'Video'}`, duration, size]);
    case 'animation':
      return join(['🎞 GIF', duration]);
    case 'audio_file': {
      const title = [msg.performer, msg.title].filter((s) => typeof s === 'string' && s !== '').join(' — ');
      return join([`🎵 ${escapeInline(aliasText(title || name || 'Audio'))}`, duration, size]);
    }
    case 'sticker':
      return join([`Sticker${msg.sticker_emoji ? ' ' + escapeInline(aliasText(msg.sticker_emoji)) : ''}`]);
    default:
      return join([`📎 ${escapeInline(aliasText(name ?? 'File'))}${unknownKind(msg)}`, size]);
  }
}

/** A `media_type` this version does not know, named after the label so a newer kind is not mistaken for a plain file. */
function unknownKind(msg: ExportMessage): string {
  const t = msg.media_type;
  if (t === undefined || t === null || (typeof t === 'string' && (t === '' || KNOWN_MEDIA_TYPES.has(t)))) return '';
  return ' ' + remark(`(media type ${escapeInline(aliasText(String(t)))})`);
}

/** Lines for the document of a message: file, sticker, voice, video, GIF, music. */
function documentLines(msg: ExportMessage, ctx: ChatContext): string[] {
  if (msg.file === undefined) {
    // a media kind without its file field (a newer exporter's kind): still say what it was
    return msg.media_type !== undefined && msg.media_type !== null && msg.media_type !== '' ? [`${documentLabel(msg)} — ${remark('no file in the export')}`] : [];
  }
  const label = documentLabel(msg);
  const spoiler = msg.media_spoiler ? ' ' + remark('(spoiler)') : '';
  const thumbPath = thumbnailShown(msg) ? (msg.thumbnail as string) : undefined;
  const thumb = thumbPath ? ctx.attachmentOf(thumbPath) : null;
  const sticker = msg.media_type === 'sticker';
  const thumbEmbed = thumb ? embed(thumb, sticker ? 128 : undefined) : undefined;

  if (typeof msg.file !== 'string' || isPlaceholderPath(msg.file)) {
    const lines = [`${label} — ${remark(absenceReason(msg.file))}`];
    if (thumbEmbed) lines.push(thumbEmbed);
    return lines;
  }
  const stored = ctx.attachmentOf(msg.file);
  if (stored === null) return [`${label} — ${remark('file missing from the export folder')} ${pathCode(msg.file)}`];
  const kind = embedKind(stored);
  if (sticker) {
    // a sticker is its picture; the emoji is what it "says" when it cannot be shown
    if (kind === 'image' || kind === 'video') return [embed(stored, kind === 'image' ? 128 : undefined) + spoiler];
    const lines = [`${label} · ${wikiLink(stored, undefined, baseName(stored))}`];
    if (thumbEmbed) lines.push(thumbEmbed);
    return lines;
  }
  if (msg.media_type === 'animation' && kind) return [embed(stored) + spoiler];
  if (kind === undefined) {
    // not displayable in Obsidian: a link with the original name, and the preview if there is one
    const name = typeof msg.file_name === 'string' && msg.file_name !== '' ? msg.file_name : baseName(stored);
    const size = formatSize(msg.file_size);
    const lines = [join([`📎 ${wikiLink(stored, undefined, name)}${unknownKind(msg)}`, size]) + spoiler];
    if (thumbEmbed) lines.push(thumbEmbed);
    return lines;
  }
  if (kind === 'image' && !msg.media_type) return [embed(stored) + spoiler];
  return [label + spoiler, embed(stored)];
}

function osmLink(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

function isObject<T>(v: T | undefined | null): v is T {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function number(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function locationLines(msg: ExportMessage): string[] {
  const hasVenue = typeof msg.place_name === 'string' || typeof msg.address === 'string';
  // null is the exporter's "invalid point"; a form that is neither is shown as text with the odd fields
  const raw = msg.location_information;
  if ((raw === undefined || (raw !== null && !isObject(raw))) && !hasVenue) return [];
  const loc = isObject(raw) ? raw : undefined;
  const lat = number(loc?.latitude);
  const lon = number(loc?.longitude);
  const point = lat !== undefined && lon !== undefined ? `[${lat}, ${lon}](${encodeUrl(osmLink(lat, lon))})` : remark('location unavailable');
  if (hasVenue) {
    const name = typeof msg.place_name === 'string' ? strong(msg.place_name) || undefined : undefined;
    const address = typeof msg.address === 'string' && msg.address !== '' ? escapeInline(aliasText(msg.address)) : undefined;
    return [`📍 ${join([name, address, point])}`];
  }
  const live = number(msg.live_location_period_seconds);
  return [live ? `📍 Live location (${formatPeriod(live)}): ${point}` : `📍 ${point}`];
}

/** "15 min", "2 h", "1 day", "1 week". */
export function formatPeriod(seconds: number): string {
  const units: [number, string, string][] = [
    [604800, 'week', 'weeks'],
    [86400, 'day', 'days'],
    [3600, 'h', 'h'],
    [60, 'min', 'min'],
  ];
  for (const [size, one, many] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${n === 1 ? one : many}`;
    }
  }
  return `${seconds} s`;
}

function contactLines(msg: ExportMessage, ctx: ChatContext): string[] {
  const c = msg.contact_information;
  if (!isObject(c)) return []; // any other form is shown as text with the message's odd fields
  const name = oneLine([c.first_name, c.last_name].filter((s) => typeof s === 'string' && s !== '').join(' ')) || 'Contact';
  const phone = typeof c.phone_number === 'string' && c.phone_number !== '' ? c.phone_number : undefined;
  const digits = phone?.replace(/[^\d+]/g, '');
  const phoneMd = phone ? (digits && /^\+?\d{3,20}$/.test(digits) ? `[${escapeInline(phone)}](tel:${digits})` : escapeInline(phone)) : undefined;
  let vcard: string | undefined;
  if (typeof msg.contact_vcard === 'string' && !isPlaceholderPath(msg.contact_vcard)) {
    const stored = ctx.attachmentOf(msg.contact_vcard);
    vcard = stored ? wikiLink(stored, undefined, 'vCard') : `${remark('vCard missing from the export folder')}`;
  }
  return [`👤 ${join([strong(name), phoneMd, vcard])}`];
}

function pluralVotes(n: number): string {
  return `${n} ${n === 1 ? 'vote' : 'votes'}`;
}

function pollLines(msg: ExportMessage): string[] {
  const poll = msg.poll;
  if (!isObject(poll)) return [];
  const lines = [`📊 **Poll:** ${renderInline(poll.question) || remark('no question')}`];
  for (const a of Array.isArray(poll.answers) ? poll.answers : []) {
    const text = renderInline(a.text) || remark('empty answer');
    lines.push(`- ${a.chosen ? '✔ ' : ''}${text} — ${pluralVotes(number(a.voters) ?? 0)}`);
  }
  const voters = number(poll.total_voters) ?? 0;
  // A blank line first: right after the list it would continue the last answer's item.
  lines.push('');
  lines.push(remark(`${voters} ${voters === 1 ? 'voter' : 'voters'}${poll.closed ? ' · closed' : ''}`));
  return lines;
}

function todoLines(msg: ExportMessage): string[] {
  const todo = msg.todo_list;
  if (!isObject(todo)) return [];
  const lines = [`☑ **To-do:** ${renderInline(todo.title) || remark('untitled')}`];
  // not "- [ ]": real Obsidian tasks would show up in every task query of the vault
  for (const item of Array.isArray(todo.answers) ? todo.answers : []) lines.push(`- ☐ ${renderInline(item.text)}`);
  return lines;
}

const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF', 'XTR']);

/** Telegram amounts are in the currency's smallest unit. */
export function formatAmount(amount: unknown, currency: unknown): string | undefined {
  const n = number(amount);
  if (n === undefined) return undefined;
  const cur = typeof currency === 'string' ? currency.toUpperCase() : '';
  const value = ZERO_DECIMAL.has(cur) ? String(n) : (n / 100).toFixed(2);
  return escapeInline(`${value} ${cur}`.trim());
}

function otherLines(msg: ExportMessage): string[] {
  const lines: string[] = [];
  if (typeof msg.game_title === 'string') {
    const link = typeof msg.game_link === 'string' && /^https?:/i.test(msg.game_link) ? `[play](${encodeUrl(msg.game_link)})` : undefined;
    lines.push(`🎮 ${join([strong(msg.game_title) || 'Game', msg.game_description ? escapeInline(aliasText(msg.game_description)) : undefined, link])}`);
  }
  const inv = msg.invoice_information;
  if (inv && typeof inv === 'object') {
    lines.push(`🧾 ${join([strong(String(inv.title ?? '')) || 'Invoice', inv.description ? escapeInline(aliasText(String(inv.description))) : undefined, formatAmount(inv.amount, inv.currency)])}`);
  }
  const g = msg.giveaway_information;
  if (g && typeof g === 'object') {
    const until = typeof g.until_date === 'string' ? `until ${escapeInline(g.until_date.replace('T', ' '))}` : undefined;
    const prize = number(g.stars) ? `${g.stars} stars` : number(g.months) ? `${g.months} months of Premium` : undefined;
    lines.push(`🎁 ${join([`Giveaway: ${number(g.quantity) ?? '?'} prizes`, prize, g.additional_prize ? escapeInline(aliasText(g.additional_prize)) : undefined, until])}`);
  }
  const r = msg.giveaway_results;
  if (r && typeof r === 'object') {
    lines.push(`🎁 ${join([`Giveaway results: ${number(r.winners_count) ?? '?'} winners`, number(r.unclaimed_count) ? `${r.unclaimed_count} unclaimed` : undefined])}`);
  }
  if (number(msg.paid_stars_amount) !== undefined) lines.push(`⭐ ${remark(`Paid media, ${msg.paid_stars_amount} stars — not included in the export`)}`);
  return lines;
}

/** Every attachment-like line of one message: media first, then structured content. */
export function mediaLines(msg: ExportMessage, ctx: ChatContext): string[] {
  return [...photoLines(msg, ctx), ...documentLines(msg, ctx), ...contactLines(msg, ctx), ...locationLines(msg), ...pollLines(msg), ...todoLines(msg), ...otherLines(msg)];
}

/** Inline keyboard rows under a bot message: URL buttons as links, the rest as labels. */
export function buttonLines(msg: ExportMessage): string[] {
  const rows = msg.inline_bot_buttons;
  if (!Array.isArray(rows)) return [];
  const lines: string[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const cells = row
      .filter((b) => b && typeof b === 'object')
      .map((b) => {
        const label = escapeInline(aliasText(String(b.text ?? b.type ?? 'button')));
        return b.type === 'url' && typeof b.data === 'string' && /^https?:/i.test(b.data) ? `[${label}](${encodeUrl(b.data)})` : label;
      });
    if (cells.length) lines.push(`🔘 ${cells.join(' · ')}`);
  }
  return lines;
}

/** Text shown for a stored file name in remarks (used by the service renderer). */
export function fileRemark(p: string): string {
  return pathCode(p);
}

export { plainText };
