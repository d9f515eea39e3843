/**
 * Every field Telegram Desktop's exporter has written on a message (2018 to 2026 versions), with
 * the form the renderers read it in. Whatever a message holds beyond that — a field a newer
 * exporter added, a known field in a form no renderer can read, the fields of a service action this
 * version does not know — is shown in the block as text ("🧩 `field`: value"), so no export loses
 * information on the way into the vault.
 */
import type { ExportMessage, TextValue } from './message';
import { cleanText, escapeInline } from './markdown';
import { fileRemark } from './media';
import { KNOWN_ACTIONS } from './service';
import { renderTextLines } from './text';

/**
 * How a renderer reads a field. `name`: text or null (a deleted account); `text`: a string or an
 * array of text parts; `any`: every form is handled where the field is read (file paths say
 * "malformed" themselves; peer ids were numbers before 2021 and "user123" since; the block's header
 * shows an odd `id`, `type` or date itself).
 */
export type FieldForm = 'string' | 'name' | 'number' | 'boolean' | 'text' | 'object' | 'objectOrNull' | 'array' | 'any';

const FORMS: Record<string, FieldForm> = {
  // every message
  id: 'any', type: 'any', date: 'any', date_unixtime: 'any', edited: 'any', edited_unixtime: 'any',
  from: 'name', from_id: 'any', author: 'string', forwarded_from: 'name', forwarded_from_id: 'any', saved_from: 'name',
  saved_from_id: 'any', reply_to_message_id: 'number', reply_to_peer_id: 'any', via_bot: 'string', via_bot_id: 'any',
  text: 'text', text_entities: 'array', reactions: 'array', inline_bot_buttons: 'array',
  // media
  photo: 'any', photo_file_size: 'number', width: 'number', height: 'number', file: 'any', file_name: 'string',
  file_size: 'number', thumbnail: 'any', thumbnail_file_size: 'number', media_type: 'string', mime_type: 'string',
  sticker_emoji: 'string', performer: 'string', title: 'string', duration_seconds: 'number', self_destruct_period_seconds: 'number',
  media_spoiler: 'boolean', contact_information: 'object', contact_vcard: 'any', contact_vcard_file_size: 'number',
  location_information: 'objectOrNull', live_location_period_seconds: 'number', place_name: 'string', address: 'string',
  poll: 'object', todo_list: 'object', game_title: 'string', game_description: 'string', game_link: 'string',
  invoice_information: 'object', giveaway_information: 'object', giveaway_results: 'object', paid_stars_amount: 'number',
  // service messages
  actor: 'name', actor_id: 'any', action: 'string', members: 'array', new_title: 'string', message_id: 'number',
  discard_reason: 'string', is_active: 'boolean', is_missed: 'boolean', information_text: 'string', inviter: 'name',
  period: 'number', emoticon: 'string', new_icon_emoji_id: 'any', game_message_id: 'number', score: 'number',
  amount: 'number', currency: 'string', invoice_message_id: 'number', recurring: 'string', boosts: 'number',
  duration: 'number', distance: 'number', to: 'name', to_id: 'any', stars: 'number', cost: 'string', months: 'number',
  days: 'number', reason_domain: 'string', reason_app_id: 'any', reason_app_name: 'string', values: 'array',
  schedule_date: 'any', button_id: 'number', peer_id: 'any', peers: 'array', gift_code: 'string', boost_peer_id: 'any',
  boost_peer_name: 'name', unclaimed: 'any', via_giveaway: 'boolean', winners: 'any', peer_name: 'name', charge_id: 'any',
  amount_whole: 'any', amount_nano: 'any', is_unclaimed: 'boolean', giveaway_msg_id: 'number', transaction_id: 'any',
  gift_id: 'any', is_limited: 'boolean', is_anonymous: 'boolean', gift_text: 'text', messages_count: 'number',
  stars_count: 'number', price_stars: 'number', is_broadcast_messages_allowed: 'boolean', completed: 'array',
  incompleted: 'array', items: 'array', rejected: 'boolean', comment: 'string', price_amount_whole: 'any',
  price_amount_nano: 'any', price_currency: 'string', scheduled_date: 'any', user_initiated: 'boolean', day: 'number',
  month: 'number', year: 'number',
  // set by the importer's validation, not by Telegram Desktop (see message.ts)
  invalid_date: 'string',
};

/** Fields a service block shows whatever its action: the sentence and the date come from these. */
const SERVICE_BASE = new Set(['id', 'type', 'date', 'date_unixtime', 'edited', 'edited_unixtime', 'actor', 'actor_id', 'action', 'text', 'text_entities', 'invalid_date']);
/** Fields the media renderer shows on any message (a service message's new photo, ...). */
const MEDIA_FIELDS = new Set([
  'photo', 'photo_file_size', 'width', 'height', 'file', 'file_name', 'file_size', 'thumbnail', 'thumbnail_file_size', 'media_type',
  'mime_type', 'sticker_emoji', 'performer', 'duration_seconds', 'self_destruct_period_seconds', 'media_spoiler', 'contact_information',
  'contact_vcard', 'contact_vcard_file_size', 'location_information', 'live_location_period_seconds', 'place_name', 'address', 'poll',
  'todo_list', 'game_title', 'game_description', 'game_link', 'invoice_information', 'giveaway_information', 'giveaway_results', 'paid_stars_amount',
]);

const FORM_OF = new Map<string, FieldForm>(Object.entries(FORMS));

export function fieldForm(name: string): FieldForm | undefined {
  return FORM_OF.get(name);
}

function isTextParts(value: unknown): boolean {
  return Array.isArray(value) && value.every((p) => typeof p === 'string' || (!!p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'));
}

/** True when `value` is in a form the renderers read for a field of form `form`. */
export function readableAs(form: FieldForm, value: unknown): boolean {
  switch (form) {
    case 'string':
      return typeof value === 'string';
    case 'name':
      return typeof value === 'string' || value === null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'text':
      return typeof value === 'string' || isTextParts(value);
    case 'object':
      return !!value && typeof value === 'object' && !Array.isArray(value);
    case 'objectOrNull':
      return value === null || (typeof value === 'object' && !Array.isArray(value));
    case 'array':
      return Array.isArray(value);
    case 'any':
      return true;
  }
}

export type LeftoverReason = 'unknown field' | 'unreadable form' | 'field of an unknown action';

/** A field of `msg` the block cannot show in its usual place, and why. */
export interface Leftover {
  readonly name: string;
  readonly reason: LeftoverReason;
}

/** The fields of a message that only `extraFieldLines` shows, in the message's own key order. */
export function leftoverFields(msg: ExportMessage): Leftover[] {
  const out: Leftover[] = [];
  const unknownAction = msg.type === 'service' && typeof msg.action === 'string' && !KNOWN_ACTIONS.has(msg.action);
  for (const name of Object.keys(msg)) {
    const value = (msg as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (unknownAction && !SERVICE_BASE.has(name) && !MEDIA_FIELDS.has(name)) {
      out.push({ name, reason: 'field of an unknown action' });
      continue;
    }
    const form = fieldForm(name);
    if (form === undefined) out.push({ name, reason: 'unknown field' });
    else if (!readableAs(form, value)) out.push({ name, reason: 'unreadable form' });
  }
  return out;
}

/** A field's value as Markdown lines: text as text (line breaks kept), anything else as compact JSON. */
function valueLines(value: unknown): string[] {
  if (typeof value === 'string' || isTextParts(value)) return renderTextLines(value as TextValue);
  const json = JSON.stringify(value) ?? String(value);
  return [escapeInline(cleanText(json).replace(/\n/g, ' '))];
}

/** Lines for one field: `🧩 \`field\`: value`, the value on lines of its own when it has several. */
function fieldLines(name: string, value: unknown, into: string[]): void {
  const label = `🧩 ${fileRemark(name)}:`;
  const v = valueLines(value);
  if (v.length === 0) into.push(`${label} ${escapeInline(JSON.stringify(value) ?? '')}`.trimEnd());
  else if (v.length === 1 && !/^(?:`{3,}|>)/.test(v[0])) into.push(`${label} ${v[0]}`);
  else into.push(label, ...v);
}

/**
 * Lines for the fields no other part of the block shows, one per field. A service message's text
 * is shown too when its action does not use it (only bots' web-view data does).
 */
export function extraFieldLines(msg: ExportMessage): string[] {
  const lines: string[] = [];
  for (const f of leftoverFields(msg)) fieldLines(f.name, (msg as Record<string, unknown>)[f.name], lines);
  if (msg.type === 'service' && msg.action !== 'send_webview_data' && readableAs('text', msg.text)) {
    lines.push(...renderTextLines(msg.text, msg.text_entities));
  }
  return lines;
}
