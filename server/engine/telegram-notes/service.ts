/**
 * Service messages (joins, pins, calls, topic changes, ...) as one readable sentence each.
 * Action names are those Telegram Desktop's JSON exporter writes; an action this version does not
 * know still renders (its name in words), so a newer export never fails here.
 */
import type { ExportMessage } from './message';
import type { ChatContext } from './context';
import { aliasText, escapeInline, nameText, oneLine, strong } from './markdown';
import { formatAmount, formatDuration, formatPeriod } from './media';
import { plainText } from './text';
import { localDateTimeFromUnixtime, unixtimeOf } from './dates';

/** Actions with a sentence of their own below; others are shown by name, with their fields as text. */
export const KNOWN_ACTIONS: ReadonlySet<string> = new Set([
  'create_group', 'create_channel', 'edit_group_title', 'edit_group_photo', 'delete_group_photo', 'invite_members', 'remove_members',
  'join_group_by_link', 'join_group_by_request', 'joined_telegram', 'migrate_to_supergroup', 'migrate_from_group', 'pin_message',
  'clear_history', 'score_in_game', 'send_payment', 'refunded_payment', 'phone_call', 'conference_call', 'group_call',
  'invite_to_group_call', 'group_call_scheduled', 'take_screenshot', 'allow_sending_messages', 'attach_menu_bot_allowed',
  'web_app_bot_allowed', 'send_passport_values', 'proximity_reached', 'requested_phone_number', 'set_messages_ttl', 'edit_chat_theme',
  'send_webview_data', 'send_premium_gift', 'topic_created', 'topic_edit', 'suggest_profile_photo', 'requested_peer',
  'set_chat_wallpaper', 'set_same_chat_wallpaper', 'boost_apply', 'gift_code_prize', 'giveaway_launch', 'giveaway_results',
  'send_stars_gift', 'send_ton_gift', 'stars_prize', 'send_star_gift', 'paid_messages_refund', 'paid_messages_price_change',
  'todo_completions', 'todo_append_tasks',
]);

/** A person's or chat's name as written (escaped, never altered), or `fallback`. */
function name(value: unknown, fallback: string): string {
  if (value === null) return 'Deleted Account';
  return typeof value === 'string' && oneLine(value) !== '' ? nameText(value) : fallback;
}

/** A title in «», as written. */
function quoted(value: unknown): string {
  return `«${nameText(typeof value === 'string' ? value : String(value ?? ''))}»`;
}

/** The exporter writes a scheduled call's date as a unixtime number. */
function scheduleDate(value: unknown): string | undefined {
  if (typeof value === 'string') return escapeInline(oneLine(value).replace('T', ' '));
  const unix = unixtimeOf(value);
  const date = unix === undefined ? undefined : localDateTimeFromUnixtime(unix);
  return date === undefined ? undefined : `${date.replace('T', ' ')} UTC`;
}

function list(values: unknown): string {
  const names = Array.isArray(values) ? values.map((v) => name(v, 'someone')) : [];
  if (names.length === 0) return 'someone';
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Link to another message of the chat (pinned message, game, invoice), or its number. */
export type MessageRef = (messageId: number, label: string) => string;

/** What a service sentence needs besides the message: who acted, what kind of chat, links. */
interface Scene {
  readonly actor: string;
  readonly action: unknown;
  readonly isGroup: boolean;
  readonly channelLike: boolean;
  readonly ref: MessageRef;
}

type Sentence = { icon: string; text: string };

/** One sentence per service action Telegram Desktop writes (KNOWN_ACTIONS). */
const SENTENCES: Record<string, ((msg: ExportMessage, s: Scene) => Sentence) | undefined> = {
  create_group: (msg, s) => ({ icon: '✨', text: `${s.actor} created the group ${quoted(msg.title)}${Array.isArray(msg.members) && msg.members.length ? ` with ${list(msg.members)}` : ''}` }),
  create_channel: (msg, s) => ({ icon: '✨', text: `${s.actor} created the ${s.isGroup ? 'group' : 'channel'} ${quoted(msg.title)}` }),
  edit_group_title: (msg, s) => ({ icon: '✏️', text: `${s.actor} changed the title to ${quoted(msg.title)}` }),
  edit_group_photo: (_msg, s) => ({ icon: '🖼', text: `${s.actor} changed the ${s.channelLike && !s.isGroup ? 'channel' : 'group'} photo` }),
  delete_group_photo: (_msg, s) => ({ icon: '🖼', text: `${s.actor} removed the ${s.channelLike && !s.isGroup ? 'channel' : 'group'} photo` }),
  invite_members: (msg, s) => {
    const members = Array.isArray(msg.members) ? msg.members : [];
    if (members.length === 1 && members[0] === msg.actor) return { icon: '👋', text: `${s.actor} joined the group` };
    return { icon: '👋', text: `${s.actor} added ${list(members)}` };
  },
  remove_members: (msg, s) => {
    const members = Array.isArray(msg.members) ? msg.members : [];
    if (members.length === 1 && members[0] === msg.actor) return { icon: '🚪', text: `${s.actor} left the group` };
    return { icon: '🚪', text: `${s.actor} removed ${list(members)}` };
  },
  join_group_by_link: (msg, s) => ({ icon: '👋', text: `${s.actor} joined via an invite link${msg.inviter !== undefined ? ` from ${name(msg.inviter, 'someone')}` : ''}` }),
  join_group_by_request: (_msg, s) => ({ icon: '👋', text: `${s.actor} joined after their request was approved` }),
  joined_telegram: (_msg, s) => ({ icon: '👋', text: `${s.actor} joined Telegram` }),
  migrate_to_supergroup: (_msg, s) => ({ icon: '➡️', text: `${s.actor} converted this group to a supergroup` }),
  migrate_from_group: (msg, s) => ({ icon: '➡️', text: `${s.actor} converted the group ${quoted(msg.title)} to this supergroup` }),
  pin_message: (msg, s) => {
    const id = num(msg.message_id);
    return { icon: '📌', text: `${s.actor} pinned ${id !== undefined ? s.ref(id, `message ${id}`) : 'a message'}` };
  },
  clear_history: (_msg, s) => ({ icon: '🧹', text: `${s.actor} cleared the history` }),
  score_in_game: (msg, s) => {
    const id = num(msg.game_message_id);
    return { icon: '🎮', text: `${s.actor} scored ${num(msg.score) ?? 0}${id !== undefined ? ` in ${s.ref(id, 'the game')}` : ''}` };
  },
  send_payment: (msg, s) => {
    const id = num(msg.invoice_message_id);
    return { icon: '💳', text: `Payment of ${formatAmount(msg.amount, msg.currency) ?? 'an amount'} sent${id !== undefined ? ` for ${s.ref(id, 'the invoice')}` : ''}` };
  },
  refunded_payment: (msg, _s) => ({ icon: '💳', text: `Refund of ${formatAmount(msg.amount, msg.currency) ?? 'a payment'}` }),
  phone_call: (msg, s) => {
    const duration = formatDuration(num(msg.duration_seconds));
    const kind = s.action === 'conference_call' ? 'conference call' : 'call';
    if (msg.discard_reason === 'missed' || msg.is_missed === true) return { icon: '📞', text: `Missed ${kind} from ${s.actor}` };
    if (msg.discard_reason === 'busy') return { icon: '📞', text: `${s.actor} called (line busy)` };
    return { icon: '📞', text: `${s.actor} started a ${kind}${duration ? ` (${duration})` : ''}` };
  },
  conference_call: (msg, s) => SENTENCES.phone_call!(msg, s),
  group_call: (msg, s) => {
    const duration = formatDuration(num(msg.duration));
    return { icon: '🎙', text: `${s.actor} started a voice chat${duration ? ` (${duration})` : ''}` };
  },
  invite_to_group_call: (msg, s) => ({ icon: '🎙', text: `${s.actor} invited ${list(msg.members)} to the voice chat` }),
  group_call_scheduled: (msg, s) => {
    const when = scheduleDate(msg.schedule_date);
    return { icon: '🎙', text: `${s.actor} scheduled a voice chat${when ? ` for ${when}` : ''}` };
  },
  take_screenshot: (_msg, s) => ({ icon: '📸', text: `${s.actor} took a screenshot` }),
  allow_sending_messages: (msg, _s) => {
    const where = typeof msg.reason_domain === 'string' ? ` when logging in on ${escapeInline(aliasText(msg.reason_domain))}` : typeof msg.reason_app_name === 'string' ? ` via ${escapeInline(aliasText(msg.reason_app_name))}` : '';
    return { icon: '🤖', text: `You allowed this bot to message you${where}` };
  },
  attach_menu_bot_allowed: (msg, s) => SENTENCES.allow_sending_messages!(msg, s),
  web_app_bot_allowed: (msg, s) => SENTENCES.allow_sending_messages!(msg, s),
  send_passport_values: (_msg, _s) => ({ icon: '🛂', text: 'Passport data was shared with the bot' }),
  proximity_reached: (msg, _s) => ({ icon: '📍', text: `${name(msg.from, 'Someone')} is now within ${num(msg.distance) ?? '?'} m of ${name(msg.to, 'someone')}` }),
  requested_phone_number: (_msg, s) => ({ icon: '☎️', text: `${s.actor} requested a phone number` }),
  set_messages_ttl: (msg, s) => {
    const period = num(msg.period);
    return { icon: '⏲', text: period ? `${s.actor} set messages to auto-delete after ${formatPeriod(period)}` : `${s.actor} turned off auto-delete` };
  },
  edit_chat_theme: (msg, s) => ({ icon: '🎨', text: typeof msg.emoticon === 'string' && msg.emoticon ? `${s.actor} changed the chat theme to ${escapeInline(aliasText(msg.emoticon))}` : `${s.actor} turned off the chat theme` }),
  send_webview_data: (msg, _s) => ({ icon: '🤖', text: `Data sent to the bot: ${escapeInline(aliasText(String(msg.text ?? '')))}` }),
  send_premium_gift: (msg, s) => ({ icon: '🎁', text: `${s.actor} gifted Telegram Premium${num(msg.months) ? ` for ${msg.months} months` : ''}` }),
  topic_created: (msg, s) => ({ icon: '🗂', text: `${s.actor} created the topic ${quoted(msg.title)}` }),
  topic_edit: (msg, s) => {
    if (typeof msg.new_title === 'string') return { icon: '✏️', text: `${s.actor} renamed the topic to ${quoted(msg.new_title)}` };
    if (msg.new_icon_emoji_id !== undefined) return { icon: '✏️', text: `${s.actor} changed the topic icon` };
    return { icon: '✏️', text: `${s.actor} edited the topic` };
  },
  suggest_profile_photo: (_msg, s) => ({ icon: '🖼', text: `${s.actor} suggested a profile photo` }),
  requested_peer: (_msg, s) => ({ icon: '🤖', text: `${s.actor} shared a chat with the bot` }),
  set_chat_wallpaper: (_msg, s) => ({ icon: '🎨', text: `${s.actor} set a new wallpaper` }),
  set_same_chat_wallpaper: (msg, s) => SENTENCES.set_chat_wallpaper!(msg, s),
  boost_apply: (msg, s) => ({ icon: '⚡', text: `${s.actor} boosted the group${num(msg.boosts) && msg.boosts! > 1 ? ` ${msg.boosts} times` : ''}` }),
  gift_code_prize: (msg, _s) => ({ icon: '🎁', text: `Gift code for ${num(msg.months) ?? '?'} months of Telegram Premium` }),
  giveaway_launch: (_msg, s) => ({ icon: '🎁', text: `${s.actor} started a giveaway` }),
  giveaway_results: (msg, _s) => ({ icon: '🎁', text: `Giveaway finished: ${num(msg.winners) ?? '?'} winners` }),
  send_stars_gift: (msg, s) => ({ icon: '🎁', text: `${s.actor} sent a gift${typeof msg.cost === 'string' ? ` (${escapeInline(aliasText(msg.cost))})` : ''}` }),
  send_ton_gift: (msg, s) => SENTENCES.send_stars_gift!(msg, s),
  stars_prize: (msg, s) => ({ icon: '🎁', text: `${s.actor} won ${num(msg.stars) ?? '?'} stars in a giveaway` }),
  send_star_gift: (msg, s) => {
    const note = plainText(msg.gift_text as never);
    return { icon: '🎁', text: `${s.actor} sent a gift${num(msg.stars) ? ` (${msg.stars} stars)` : ''}${note ? `: “${escapeInline(aliasText(note))}”` : ''}` };
  },
  paid_messages_refund: (msg, s) => ({ icon: '⭐', text: `${s.actor} refunded ${num(msg.stars_count) ?? '?'} stars for paid messages` }),
  paid_messages_price_change: (msg, s) => ({ icon: '⭐', text: `${s.actor} set the price per message to ${num(msg.price_stars) ?? '?'} stars` }),
  todo_completions: (_msg, s) => ({ icon: '☑', text: `${s.actor} updated the to-do list` }),
  todo_append_tasks: (_msg, s) => ({ icon: '☑', text: `${s.actor} added tasks to the to-do list` }),
};

/** Icon and sentence of a service message (without date). */
export function serviceSentence(msg: ExportMessage, ctx: ChatContext, ref: MessageRef): Sentence {
  const channelLike = /channel/.test(ctx.chatType);
  const s: Scene = {
    actor: name(msg.actor, channelLike ? nameText(ctx.chatTitle) || 'The channel' : 'Someone'),
    action: msg.action,
    isGroup: /group/.test(ctx.chatType),
    channelLike,
    ref,
  };
  const a = msg.action;
  if (a === undefined) {
    if (typeof msg.information_text === 'string') return { icon: 'ℹ️', text: escapeInline(aliasText(msg.information_text)) };
    return { icon: '⚙️', text: `${s.actor}: service message` };
  }
  const sentence = typeof a === 'string' && Object.hasOwn(SENTENCES, a) ? SENTENCES[a] : undefined;
  if (sentence) return sentence(msg, s);
  return { icon: '⚙️', text: `${s.actor}: ${escapeInline(aliasText(String(a).replace(/_/g, ' ')))}` };
}

export { strong };
