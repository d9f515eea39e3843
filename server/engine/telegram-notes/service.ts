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

/** Icon and sentence of a service message (without date). */
export function serviceSentence(msg: ExportMessage, ctx: ChatContext, ref: MessageRef): { icon: string; text: string } {
  const channelLike = /channel/.test(ctx.chatType);
  const actor = name(msg.actor, channelLike ? nameText(ctx.chatTitle) || 'The channel' : 'Someone');
  const a = msg.action;
  const isGroup = /group/.test(ctx.chatType);
  switch (a) {
    case 'create_group':
      return { icon: '✨', text: `${actor} created the group ${quoted(msg.title)}${Array.isArray(msg.members) && msg.members.length ? ` with ${list(msg.members)}` : ''}` };
    case 'create_channel':
      return { icon: '✨', text: `${actor} created the ${isGroup ? 'group' : 'channel'} ${quoted(msg.title)}` };
    case 'edit_group_title':
      return { icon: '✏️', text: `${actor} changed the title to ${quoted(msg.title)}` };
    case 'edit_group_photo':
      return { icon: '🖼', text: `${actor} changed the ${channelLike && !isGroup ? 'channel' : 'group'} photo` };
    case 'delete_group_photo':
      return { icon: '🖼', text: `${actor} removed the ${channelLike && !isGroup ? 'channel' : 'group'} photo` };
    case 'invite_members': {
      const members = Array.isArray(msg.members) ? msg.members : [];
      if (members.length === 1 && members[0] === msg.actor) return { icon: '👋', text: `${actor} joined the group` };
      return { icon: '👋', text: `${actor} added ${list(members)}` };
    }
    case 'remove_members': {
      const members = Array.isArray(msg.members) ? msg.members : [];
      if (members.length === 1 && members[0] === msg.actor) return { icon: '🚪', text: `${actor} left the group` };
      return { icon: '🚪', text: `${actor} removed ${list(members)}` };
    }
    case 'join_group_by_link':
      return { icon: '👋', text: `${actor} joined via an invite link${msg.inviter !== undefined ? ` from ${name(msg.inviter, 'someone')}` : ''}` };
    case 'join_group_by_request':
      return { icon: '👋', text: `${actor} joined after their request was approved` };
    case 'joined_telegram':
      return { icon: '👋', text: `${actor} joined Telegram` };
    case 'migrate_to_supergroup':
      return { icon: '➡️', text: `${actor} converted this group to a supergroup` };
    case 'migrate_from_group':
      return { icon: '➡️', text: `${actor} converted the group ${quoted(msg.title)} to this supergroup` };
    case 'pin_message': {
      const id = num(msg.message_id);
      return { icon: '📌', text: `${actor} pinned ${id !== undefined ? ref(id, `message ${id}`) : 'a message'}` };
    }
    case 'clear_history':
      return { icon: '🧹', text: `${actor} cleared the history` };
    case 'score_in_game': {
      const id = num(msg.game_message_id);
      return { icon: '🎮', text: `${actor} scored ${num(msg.score) ?? 0}${id !== undefined ? ` in ${ref(id, 'the game')}` : ''}` };
    }
    case 'send_payment': {
      const id = num(msg.invoice_message_id);
      return { icon: '💳', text: `Payment of ${formatAmount(msg.amount, msg.currency) ?? 'an amount'} sent${id !== undefined ? ` for ${ref(id, 'the invoice')}` : ''}` };
    }
    case 'refunded_payment':
      return { icon: '💳', text: `Refund of ${formatAmount(msg.amount, msg.currency) ?? 'a payment'}` };
    case 'phone_call':
    case 'conference_call': {
      const duration = formatDuration(num(msg.duration_seconds));
      const kind = a === 'conference_call' ? 'conference call' : 'call';
      if (msg.discard_reason === 'missed' || msg.is_missed === true) return { icon: '📞', text: `Missed ${kind} from ${actor}` };
      if (msg.discard_reason === 'busy') return { icon: '📞', text: `${actor} called (line busy)` };
      return { icon: '📞', text: `${actor} started a ${kind}${duration ? ` (${duration})` : ''}` };
    }
    case 'group_call': {
      const duration = formatDuration(num(msg.duration));
      return { icon: '🎙', text: `${actor} started a voice chat${duration ? ` (${duration})` : ''}` };
    }
    case 'invite_to_group_call':
      return { icon: '🎙', text: `${actor} invited ${list(msg.members)} to the voice chat` };
    case 'group_call_scheduled': {
      const when = scheduleDate(msg.schedule_date);
      return { icon: '🎙', text: `${actor} scheduled a voice chat${when ? ` for ${when}` : ''}` };
    }
    case 'take_screenshot':
      return { icon: '📸', text: `${actor} took a screenshot` };
    case 'allow_sending_messages':
    case 'attach_menu_bot_allowed':
    case 'web_app_bot_allowed': {
      const where = typeof msg.reason_domain === 'string' ? ` when logging in on ${escapeInline(aliasText(msg.reason_domain))}` : typeof msg.reason_app_name === 'string' ? ` via ${escapeInline(aliasText(msg.reason_app_name))}` : '';
      return { icon: '🤖', text: `You allowed this bot to message you${where}` };
    }
    case 'send_passport_values':
      return { icon: '🛂', text: 'Passport data was shared with the bot' };
    case 'proximity_reached':
      return { icon: '📍', text: `${name(msg.from, 'Someone')} is now within ${num(msg.distance) ?? '?'} m of ${name(msg.to, 'someone')}` };
    case 'requested_phone_number':
      return { icon: '☎️', text: `${actor} requested a phone number` };
    case 'set_messages_ttl': {
      const period = num(msg.period);
      return { icon: '⏲', text: period ? `${actor} set messages to auto-delete after ${formatPeriod(period)}` : `${actor} turned off auto-delete` };
    }
    case 'edit_chat_theme':
      return { icon: '🎨', text: typeof msg.emoticon === 'string' && msg.emoticon ? `${actor} changed the chat theme to ${escapeInline(aliasText(msg.emoticon))}` : `${actor} turned off the chat theme` };
    case 'send_webview_data':
      return { icon: '🤖', text: `Data sent to the bot: ${escapeInline(aliasText(String(msg.text ?? '')))}` };
    case 'send_premium_gift':
      return { icon: '🎁', text: `${actor} gifted Telegram Premium${num(msg.months) ? ` for ${msg.months} months` : ''}` };
    case 'topic_created':
      return { icon: '🗂', text: `${actor} created the topic ${quoted(msg.title)}` };
    case 'topic_edit':
      if (typeof msg.new_title === 'string') return { icon: '✏️', text: `${actor} renamed the topic to ${quoted(msg.new_title)}` };
      if (msg.new_icon_emoji_id !== undefined) return { icon: '✏️', text: `${actor} changed the topic icon` };
      return { icon: '✏️', text: `${actor} edited the topic` };
    case 'suggest_profile_photo':
      return { icon: '🖼', text: `${actor} suggested a profile photo` };
    case 'requested_peer':
      return { icon: '🤖', text: `${actor} shared a chat with the bot` };
    case 'set_chat_wallpaper':
    case 'set_same_chat_wallpaper':
      return { icon: '🎨', text: `${actor} set a new wallpaper` };
    case 'boost_apply':
      return { icon: '⚡', text: `${actor} boosted the group${num(msg.boosts) && msg.boosts! > 1 ? ` ${msg.boosts} times` : ''}` };
    case 'gift_code_prize':
      return { icon: '🎁', text: `Gift code for ${num(msg.months) ?? '?'} months of Telegram Premium` };
    case 'giveaway_launch':
      return { icon: '🎁', text: `${actor} started a giveaway` };
    case 'giveaway_results':
      return { icon: '🎁', text: `Giveaway finished: ${num(msg.winners) ?? '?'} winners` };
    case 'send_stars_gift':
    case 'send_ton_gift':
      return { icon: '🎁', text: `${actor} sent a gift${typeof msg.cost === 'string' ? ` (${escapeInline(aliasText(msg.cost))})` : ''}` };
    case 'stars_prize':
      return { icon: '🎁', text: `${actor} won ${num(msg.stars) ?? '?'} stars in a giveaway` };
    case 'send_star_gift': {
      const note = plainText(msg.gift_text as never);
      return { icon: '🎁', text: `${actor} sent a gift${num(msg.stars) ? ` (${msg.stars} stars)` : ''}${note ? `: “${escapeInline(aliasText(note))}”` : ''}` };
    }
    case 'paid_messages_refund':
      return { icon: '⭐', text: `${actor} refunded ${num(msg.stars_count) ?? '?'} stars for paid messages` };
    case 'paid_messages_price_change':
      return { icon: '⭐', text: `${actor} set the price per message to ${num(msg.price_stars) ?? '?'} stars` };
    case 'todo_completions':
      return { icon: '☑', text: `${actor} updated the to-do list` };
    case 'todo_append_tasks':
      return { icon: '☑', text: `${actor} added tasks to the to-do list` };
    case undefined:
      if (typeof msg.information_text === 'string') return { icon: 'ℹ️', text: escapeInline(aliasText(msg.information_text)) };
      return { icon: '⚙️', text: `${actor}: service message` };
    default:
      return { icon: '⚙️', text: `${actor}: ${escapeInline(aliasText(String(a).replace(/_/g, ' ')))}` };
  }
}

export { strong };
