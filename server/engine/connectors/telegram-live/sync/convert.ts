/**
 * GramJS messages → the one message model the chat archive renders (telegram-notes/message.ts),
 * field for field as Telegram Desktop's JSON export writes it, so a chat imported from an export
 * and then synced live reads as one chat with the same blocks. Pure: names come from the pages'
 * users and chats (PeerNames), files from the media registry, the time zone from `formatDate`.
 */
import { Api } from 'telegram';
import type { ExportMessage, InlineButton, Reaction, ReactionRecent } from '../../../telegram-notes/message';
import type { LiveMediaRegistry } from '../media/types';
import { mediaFields } from './media';
import { type PeerKind, type PeerNames, exportPeerId, peerOf } from './peers';
import { serviceFields } from './service';
import { convertText } from './text';

export interface ConvertContext {
  /** The chat being synced. */
  readonly chat: { readonly kind: PeerKind; readonly id: number };
  readonly inputPeer: Api.TypeInputPeer;
  /** The signed-in user (the sender of outgoing private messages Telegram sends without from_id). */
  readonly selfId: number;
  readonly names: PeerNames;
  readonly media: LiveMediaRegistry;
  /** Unix seconds → "YYYY-MM-DDTHH:MM:SS" in the zone an export made here would use. */
  readonly formatDate: (unixSeconds: number) => string;
}

/** The local time of this computer, as Telegram Desktop writes `date`. */
export function localExportDate(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A date formatter for a fixed offset from UTC in minutes (tests, and exports made elsewhere). */
export function fixedOffsetDate(offsetMinutes: number): (unixSeconds: number) => string {
  return (s) => new Date((s + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
}

/** Converts one message; undefined for an empty slot (MessageEmpty: deleted). */
export function convertMessage(m: Api.TypeMessage, ctx: ConvertContext): ExportMessage | undefined {
  if (m instanceof Api.Message) return convertRegular(m, ctx);
  if (m instanceof Api.MessageService) return convertService(m, ctx);
  return undefined;
}

function dateFields(date: number, edit: number | undefined, ctx: ConvertContext): Record<string, string> {
  const out: Record<string, string> = { date: ctx.formatDate(date), date_unixtime: String(date) };
  if (edit) {
    out.edited = ctx.formatDate(edit);
    out.edited_unixtime = String(edit);
  }
  return out;
}

/** Who sent it: from_id when Telegram gives one, else the chat itself (posts, incoming private messages), or us. */
function senderOf(m: Api.Message | Api.MessageService, ctx: ConvertContext): { kind: PeerKind; id: number } {
  const from = peerOf(m.fromId);
  if (from) return from;
  if (ctx.chat.kind === 'user' && m.out) return { kind: 'user', id: ctx.selfId };
  return peerOf(m.peerId) ?? ctx.chat;
}

function replyOf(m: Api.Message | Api.MessageService, ctx: ConvertContext): { id?: number; peer?: string } {
  const r = m.replyTo;
  if (!(r instanceof Api.MessageReplyHeader) || r.replyToMsgId === undefined) return {};
  const other = peerOf(r.replyToPeerId);
  if (other && (other.kind !== ctx.chat.kind || other.id !== ctx.chat.id)) return { id: r.replyToMsgId, peer: exportPeerId(other) };
  return { id: r.replyToMsgId };
}

function convertRegular(m: Api.Message, ctx: ConvertContext): ExportMessage {
  const from = senderOf(m, ctx);
  const reply = replyOf(m, ctx);
  const out: Record<string, unknown> = { id: m.id, type: 'message', ...dateFields(m.date, m.editHide ? undefined : m.editDate, ctx) };
  out.from = ctx.names.nameOf(from);
  out.from_id = exportPeerId(from);
  if (m.postAuthor) out.author = m.postAuthor;
  if (m.fwdFrom instanceof Api.MessageFwdHeader) {
    const f = m.fwdFrom;
    out.forwarded_from = f.fromName ?? ctx.names.nameOf(peerOf(f.fromId));
    const saved = peerOf(f.savedFromPeer);
    if (saved) out.saved_from = ctx.names.nameOf(saved) ?? undefined;
  }
  if (reply.id !== undefined) out.reply_to_message_id = reply.id;
  if (reply.peer !== undefined) out.reply_to_peer_id = reply.peer;
  if (m.viaBotId !== undefined && m.viaBotId !== null) {
    const bot = ctx.names.userById(Number(m.viaBotId));
    if (bot?.username) out.via_bot = `@${bot.username}`;
  }
  Object.assign(out, mediaFields(m.media, { peer: ctx.inputPeer, messageId: m.id, registry: ctx.media }));
  const buttons = inlineButtons(m.replyMarkup);
  if (buttons) out.inline_bot_buttons = buttons;
  Object.assign(out, convertText(m.message, m.entities));
  const reactions = reactionsOf(m.reactions, ctx);
  if (reactions) out.reactions = reactions;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as ExportMessage;
}

function convertService(m: Api.MessageService, ctx: ConvertContext): ExportMessage {
  const actor = senderOf(m, ctx);
  const reply = replyOf(m, ctx);
  const out: Record<string, unknown> = { id: m.id, type: 'service', ...dateFields(m.date, undefined, ctx) };
  out.actor = ctx.names.nameOf(actor);
  out.actor_id = exportPeerId(actor);
  Object.assign(out, serviceFields(m.action, ctx.names, reply.id));
  if (out.action === 'edit_group_photo' && m.action instanceof Api.MessageActionChatEditPhoto && m.action.photo instanceof Api.Photo) {
    // The new group photo is a file like any other photo.
    Object.assign(out, mediaFields(new Api.MessageMediaPhoto({ photo: m.action.photo }), { peer: ctx.inputPeer, messageId: m.id, registry: ctx.media }));
  }
  out.text = '';
  out.text_entities = [];
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as ExportMessage;
}

function reactionsOf(r: Api.TypeMessageReactions | undefined, ctx: ConvertContext): Reaction[] | undefined {
  if (!(r instanceof Api.MessageReactions) || !r.results.length) return undefined;
  const keyOf = (x: Api.TypeReaction): string =>
    x instanceof Api.ReactionEmoji ? `e:${x.emoticon}` : x instanceof Api.ReactionCustomEmoji ? `c:${String(x.documentId)}` : x instanceof Api.ReactionPaid ? 'paid' : 'other';
  const recent = new Map<string, ReactionRecent[]>();
  for (const p of r.recentReactions ?? []) {
    const who = peerOf(p.peerId);
    const list = recent.get(keyOf(p.reaction)) ?? [];
    list.push({ from: ctx.names.nameOf(who) ?? undefined, from_id: who ? exportPeerId(who) : undefined, date: ctx.formatDate(p.date) });
    recent.set(keyOf(p.reaction), list);
  }
  const out: Reaction[] = [];
  for (const c of r.results) {
    const x = c.reaction;
    const base =
      x instanceof Api.ReactionEmoji
        ? { type: 'emoji', count: c.count, emoji: x.emoticon }
        : x instanceof Api.ReactionCustomEmoji
          ? { type: 'custom_emoji', count: c.count, document_id: String(x.documentId) }
          : x instanceof Api.ReactionPaid
            ? { type: 'paid', count: c.count }
            : undefined;
    if (!base) continue;
    const rec = recent.get(keyOf(x));
    out.push(rec?.length ? { ...base, recent: rec.map((e) => JSON.parse(JSON.stringify(e)) as ReactionRecent) } : base);
  }
  return out.length ? out : undefined;
}

function inlineButtons(markup: Api.TypeReplyMarkup | undefined): InlineButton[][] | undefined {
  if (!(markup instanceof Api.ReplyInlineMarkup)) return undefined;
  return markup.rows.map((row) =>
    row.buttons.map((b): InlineButton => {
      const text = (b as { text?: string }).text ?? '';
      if (b instanceof Api.KeyboardButtonUrl) return { type: 'url', text, data: b.url };
      if (b instanceof Api.KeyboardButtonCallback) {
        const data = Buffer.from(b.data);
        return { type: b.requiresPassword ? 'callback_with_password' : 'callback', text, dataBase64: data.toString('base64').replace(/=+$/, ''), data: '' };
      }
      if (b instanceof Api.KeyboardButtonSwitchInline) return { type: b.samePeer ? 'switch_inline_same' : 'switch_inline', text, data: b.query };
      if (b instanceof Api.KeyboardButtonGame) return { type: 'game', text };
      if (b instanceof Api.KeyboardButtonBuy) return { type: 'buy', text };
      if (b instanceof Api.KeyboardButtonUrlAuth) return { type: 'auth', text, data: b.url };
      if (b instanceof Api.KeyboardButtonWebView) return { type: 'web_view', text, data: b.url };
      return { type: 'default', text };
    }),
  );
}
