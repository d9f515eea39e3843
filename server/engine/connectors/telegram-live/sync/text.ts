/**
 * Message text and its entities the way Telegram Desktop's exporter writes them (ParseText in
 * export_data.cpp): the text cut into consecutive runs, each entity a run of its type, the gaps
 * plain; an entity that starts inside the previous one (nested or overlapping) is dropped, as the
 * exporter drops it. `text` is the bare string when the whole text is one plain run, else the
 * array of runs with plain runs as strings; `text_entities` lists every run as an object.
 * Offsets and lengths are UTF-16 code units on both sides.
 */
import { Api } from 'telegram';
import type { TextEntity, TextValue } from '../../../telegram-notes/message';
import { numericId } from './peers';

export interface ConvertedText {
  readonly text: TextValue;
  readonly text_entities: TextEntity[];
}

type Extra = Omit<TextEntity, 'type' | 'text'>;

function entityRun(e: Api.TypeMessageEntity): { type: string; extra: Extra } {
  if (e instanceof Api.MessageEntityMention) return { type: 'mention', extra: {} };
  if (e instanceof Api.MessageEntityHashtag) return { type: 'hashtag', extra: {} };
  if (e instanceof Api.MessageEntityBotCommand) return { type: 'bot_command', extra: {} };
  if (e instanceof Api.MessageEntityUrl) return { type: 'link', extra: {} };
  if (e instanceof Api.MessageEntityEmail) return { type: 'email', extra: {} };
  if (e instanceof Api.MessageEntityBold) return { type: 'bold', extra: {} };
  if (e instanceof Api.MessageEntityItalic) return { type: 'italic', extra: {} };
  if (e instanceof Api.MessageEntityCode) return { type: 'code', extra: {} };
  if (e instanceof Api.MessageEntityPre) return { type: 'pre', extra: { language: e.language ?? '' } };
  if (e instanceof Api.MessageEntityTextUrl) return { type: 'text_link', extra: { href: e.url } };
  if (e instanceof Api.MessageEntityMentionName) return { type: 'mention_name', extra: { user_id: numericId(e.userId) } };
  if (e instanceof Api.InputMessageEntityMentionName) return { type: 'mention_name', extra: {} };
  if (e instanceof Api.MessageEntityPhone) return { type: 'phone', extra: {} };
  if (e instanceof Api.MessageEntityCashtag) return { type: 'cashtag', extra: {} };
  if (e instanceof Api.MessageEntityUnderline) return { type: 'underline', extra: {} };
  if (e instanceof Api.MessageEntityStrike) return { type: 'strikethrough', extra: {} };
  if (e instanceof Api.MessageEntityBlockquote) return { type: 'blockquote', extra: { collapsed: e.collapsed ?? false } };
  if (e instanceof Api.MessageEntityBankCard) return { type: 'bank_card', extra: {} };
  if (e instanceof Api.MessageEntitySpoiler) return { type: 'spoiler', extra: {} };
  if (e instanceof Api.MessageEntityCustomEmoji) return { type: 'custom_emoji', extra: { document_id: String(e.documentId) } };
  return { type: 'unknown', extra: {} };
}

export function convertText(message: string | undefined, entities: readonly Api.TypeMessageEntity[] | undefined): ConvertedText {
  const text = typeof message === 'string' ? message : '';
  const runs: TextEntity[] = [];
  const plain = (from: number, till: number) => {
    if (till > from) runs.push({ type: 'plain', text: text.slice(from, till) });
  };
  let at = 0;
  const sorted = [...(entities ?? [])].filter((e) => e && Number.isInteger(e.offset) && Number.isInteger(e.length)).sort((a, b) => a.offset - b.offset);
  for (const e of sorted) {
    const start = e.offset;
    const end = e.offset + e.length;
    if (start < at || e.length <= 0 || end > text.length) continue;
    plain(at, start);
    const { type, extra } = entityRun(e);
    runs.push({ type, text: text.slice(start, end), ...extra });
    at = end;
  }
  plain(at, text.length);
  if (runs.length === 0) return { text: '', text_entities: [] };
  if (runs.length === 1 && runs[0].type === 'plain') return { text: runs[0].text, text_entities: runs };
  return { text: runs.map((r) => (r.type === 'plain' ? r.text : r)), text_entities: runs };
}

/** A poll's question or answer (TextWithEntities since layer 178; a plain string before). */
export function textValueOf(v: Api.TypeTextWithEntities | string | undefined): TextValue {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return convertText(v.text, v.entities).text;
}
