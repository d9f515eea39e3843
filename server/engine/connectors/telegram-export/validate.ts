/**
 * Checks one entry of a chat's `messages` array before it reaches the chat archive: what is not a
 * message is reported and skipped; everything else is kept. Odd but readable messages — exports of
 * any Telegram Desktop version from 2016 on, fields of the wrong type, kinds this version does not
 * know — are normalised where that loses nothing (a number where text belongs becomes that text, a
 * missing `date` is taken from `date_unixtime`) and reported with ONE warning per kind per import:
 * a 100,000-message export written by a newer Telegram must not bury its summary in repeats.
 *
 * One validator per chat (it remembers the ids it met); the set of kinds already reported is shared
 * by every chat of an import run when the importer passes the same set to each.
 */
import { MAX_MESSAGE_ID } from '../../chat-archive/chatIndex';
import type { ExportMessage } from '../../telegram-notes';
import { isLocalDateTime, localDateTimeFromUnixtime, unixtimeOf } from '../../telegram-notes/dates';
import { type FieldForm, fieldForm, readableAs } from '../../telegram-notes/fields';
import { KNOWN_MEDIA_TYPES } from '../../telegram-notes/media';
import { KNOWN_ACTIONS } from '../../telegram-notes/service';

type Warn = (item: string | number, message: string) => void;

/** Entity types Telegram Desktop writes (docs/telegram.md); others are warned about once per import. */
const KNOWN_ENTITIES = new Set([
  'plain', 'mention', 'hashtag', 'bot_command', 'link', 'email', 'bold', 'italic', 'code', 'pre', 'text_link', 'mention_name',
  'phone', 'cashtag', 'underline', 'strikethrough', 'blockquote', 'bank_card', 'spoiler', 'custom_emoji', 'unknown',
]);

const KNOWN_TYPES = new Set(['message', 'service', 'unsupported']);

export class ExportMessageValidator {
  private readonly idsSeen = new IdSet();

  /** @param warned kinds already reported in this import run (share one set across its chats). */
  constructor(private readonly warned: Set<string> = new Set()) {}

  check(value: unknown, index: number, warn: Warn): ExportMessage | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      warn(`#${index + 1}`, 'skipped an entry of "messages" that is not a message object');
      return undefined;
    }
    const m = value as Record<string, unknown>;
    const id = this.idOf(m, warn);
    if (id === undefined) {
      warn(`#${index + 1}`, `skipped a message without a valid id (${JSON.stringify(m.id) ?? 'none'})`);
      return undefined;
    }
    m.id = id;
    // Two messages with one id would take turns replacing each other's block on every import.
    if (!this.idsSeen.add(id)) {
      warn(id, 'skipped a second message with the same id in this chat (the first one is kept)');
      return undefined;
    }
    const once: Once = { warned: this.warned, warn, id };
    checkKind(m, once);
    checkDate(m, once);
    checkFields(m, once);
    checkEntities(m, once);
    if (m.text === undefined || m.text === null) m.text = '';
    return m as unknown as ExportMessage;
  }

  /**
   * The message id as a number: negative ids are real (a group upgraded to a supergroup keeps its
   * old history under ids below zero); an id written as a string of digits is read as its number.
   */
  private idOf(m: Record<string, unknown>, warn: Warn): number | undefined {
    let id = m.id;
    if (typeof id === 'string' && /^-?\d{1,10}$/.test(id)) {
      id = Number(id);
      if (!this.warned.has('form:id')) {
        this.warned.add('form:id');
        warn(id as number, 'message ids written as text were read as numbers');
      }
    }
    if (typeof id !== 'number' || !Number.isInteger(id) || Math.abs(id) > MAX_MESSAGE_ID) return undefined;
    return id === 0 ? 0 : id; // -0 would be written "0" but compare oddly nowhere else
  }
}

/** Reports a kind the first time it is met in the run (no closure per message: this runs for every message). */
interface Once {
  readonly warned: Set<string>;
  readonly warn: Warn;
  readonly id: number;
}

function report(once: Once, kind: string, message: string): void {
  if (once.warned.has(kind)) return;
  once.warned.add(kind);
  once.warn(once.id, message);
}

function checkKind(m: Record<string, unknown>, once: Once): void {
  if (typeof m.type !== 'string') {
    if (m.type !== undefined) report(once, 'form:type', `a message type that is not text (${describe(m.type)}) was read as "message"`);
    m.type = 'message';
  }
  const type = m.type as string;
  if (!KNOWN_TYPES.has(type)) report(once, `type:${type}`, `message type "${type}" is not one Telegram Desktop documents; archived as far as it can be read`);
  if (type === 'service' && typeof m.action === 'string' && !KNOWN_ACTIONS.has(m.action)) {
    report(once, `action:${m.action}`, `service action "${m.action}" is not known to this version; shown by name, with its fields as text`);
  }
  if (typeof m.media_type === 'string' && m.media_type !== '' && !KNOWN_MEDIA_TYPES.has(m.media_type)) {
    report(once, `media:${m.media_type}`, `media type "${m.media_type}" is not known to this version; its file is kept and named as that type`);
  }
}

/**
 * `date` must be a local date-time ("2024-03-01T18:41:04") before it may reach a note's
 * properties, its month or an album: one taken from `date_unixtime` (UTC) when missing; one that
 * is something else moves to `invalid_date`, which the block shows as written.
 */
function checkDate(m: Record<string, unknown>, once: Once): void {
  if (isLocalDateTime(m.date) || m.type === 'unsupported') return;
  if (m.date === undefined || m.date === null || m.date === '') {
    delete m.date;
    const unix = unixtimeOf(m.date_unixtime);
    const derived = unix === undefined ? undefined : localDateTimeFromUnixtime(unix);
    if (derived !== undefined) {
      m.date = derived;
      report(once, 'date:from-unixtime', 'messages without "date" are dated from "date_unixtime", in UTC');
    } else {
      report(once, 'date:none', 'messages without any date are archived without one (they stay out of the note\'s first and last date)');
    }
    return;
  }
  m.invalid_date = typeof m.date === 'string' ? m.date : (JSON.stringify(m.date) ?? String(m.date));
  delete m.date;
  report(once, 'date:invalid', `a date that is not a date-time (${describe(m.invalid_date)}) is shown as written and left out of the note's properties`);
}

/** Fields this version does not know, and known fields in a form the renderers cannot read. */
function checkFields(m: Record<string, unknown>, once: Once): void {
  const unknownAction = m.type === 'service' && typeof m.action === 'string' && !KNOWN_ACTIONS.has(m.action);
  for (const name of Object.keys(m)) {
    const value = m[name];
    if (value === undefined) continue;
    const form = fieldForm(name);
    if (form === undefined) {
      // the fields of an unknown action are covered by the action's own warning
      if (!unknownAction) report(once, `field:${name}`, `field "${name}" is not one this version knows; kept as text in the note`);
      continue;
    }
    if (readableAs(form, value)) continue;
    const coerced = coerce(form, value);
    if (coerced !== undefined) {
      m[name] = coerced;
      report(once, `form:${name}:${kindOf(value)}`, `field "${name}" held ${describe(value)} where ${FORM_WORDS[form]} belongs; read as ${describe(coerced)}`);
    } else if (name !== 'text' || (value !== null && value !== undefined)) {
      report(once, `form:${name}:${kindOf(value)}`, `field "${name}" held ${kindOf(value)} where ${FORM_WORDS[form]} belongs; kept as text in the note`);
    }
  }
}

function checkEntities(m: Record<string, unknown>, once: Once): void {
  for (const list of [m.text, m.text_entities]) {
    if (!Array.isArray(list)) continue;
    for (const e of list) {
      const t = (e as { type?: unknown } | null)?.type;
      if (typeof t !== 'string' || KNOWN_ENTITIES.has(t)) continue;
      report(once, `entity:${t}`, `text entity type "${t}" is not one Telegram Desktop documents; its text is kept as plain text`);
    }
  }
}

const FORM_WORDS: Record<FieldForm, string> = {
  string: 'text',
  name: 'a name',
  number: 'a number',
  boolean: 'true or false',
  text: 'text',
  object: 'an object',
  objectOrNull: 'an object',
  array: 'a list',
  any: 'a value',
};

/** A value in a form the renderers read, when that loses nothing (12345 as text is "12345"). */
function coerce(form: FieldForm, value: unknown): unknown {
  const scalar = typeof value === 'number' ? Number.isFinite(value) : typeof value === 'boolean';
  if ((form === 'string' || form === 'name' || form === 'text') && scalar) return String(value);
  if (form === 'number' && typeof value === 'string' && /^-?\d{1,15}(?:\.\d{1,15})?$/.test(value)) return Number(value);
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return typeof value === 'string' ? 'text' : typeof value;
}

/** A short quotation of a value for a warning. */
function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

/** Ids met in one chat: a sparse bitmap (512 bytes per 4,096 ids in use), flat for dense ids. */
class IdSet {
  private readonly chunks = new Map<number, Uint32Array>();

  /** Adds the id (negative ids too); false when it was there already. */
  add(id: number): boolean {
    const key = Math.floor(id / 4096);
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = new Uint32Array(128);
      this.chunks.set(key, chunk);
    }
    const bit = id - key * 4096; // 0..4095 for negative ids as well
    const mask = 1 << (bit & 31);
    if (chunk[bit >>> 5] & mask) return false;
    chunk[bit >>> 5] |= mask;
    return true;
  }
}
