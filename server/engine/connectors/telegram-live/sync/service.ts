/**
 * A live service message's action as the export writes it (export_output_json.cpp, one set of
 * fields per action): the action name the renderer knows (telegram-notes/service.ts) and its
 * fields. Actions the exporter has no name for become `information_text`-less unknown actions
 * named after the TL class, which the renderer shows as "unknown action" rather than dropping.
 */
import { Api } from 'telegram';
import type { PeerNames } from './peers';
import { numericId, peerOf } from './peers';
import { textValueOf } from './text';

type Fields = Record<string, unknown>;

function memberNames(names: PeerNames, ids: readonly unknown[]): (string | null)[] {
  return ids.map((id) => names.userById(numericId(id))?.name ?? null);
}

function discardReason(r: Api.TypePhoneCallDiscardReason | undefined): string | undefined {
  if (r instanceof Api.PhoneCallDiscardReasonMissed) return 'missed';
  if (r instanceof Api.PhoneCallDiscardReasonBusy) return 'busy';
  if (r instanceof Api.PhoneCallDiscardReasonDisconnect) return 'disconnect';
  if (r instanceof Api.PhoneCallDiscardReasonHangup) return 'hangup';
  return undefined;
}

export function serviceFields(a: Api.TypeMessageAction, names: PeerNames, replyToMsgId: number | undefined): Fields {
  if (a instanceof Api.MessageActionChatCreate) return { action: 'create_group', title: a.title, members: memberNames(names, a.users) };
  if (a instanceof Api.MessageActionChatEditTitle) return { action: 'edit_group_title', title: a.title };
  if (a instanceof Api.MessageActionChatEditPhoto) return { action: 'edit_group_photo' };
  if (a instanceof Api.MessageActionChatDeletePhoto) return { action: 'delete_group_photo' };
  if (a instanceof Api.MessageActionChatAddUser) return { action: 'invite_members', members: memberNames(names, a.users) };
  if (a instanceof Api.MessageActionChatDeleteUser) return { action: 'remove_members', members: memberNames(names, [a.userId]) };
  if (a instanceof Api.MessageActionChatJoinedByLink) return { action: 'join_group_by_link', inviter: names.userById(numericId(a.inviterId))?.name ?? null };
  if (a instanceof Api.MessageActionChannelCreate) return { action: 'create_channel', title: a.title };
  if (a instanceof Api.MessageActionChatMigrateTo) return { action: 'migrate_to_supergroup' };
  if (a instanceof Api.MessageActionChannelMigrateFrom) return { action: 'migrate_from_group', title: a.title };
  if (a instanceof Api.MessageActionPinMessage) return { action: 'pin_message', ...(replyToMsgId !== undefined ? { message_id: replyToMsgId } : {}) };
  if (a instanceof Api.MessageActionHistoryClear) return { action: 'clear_history' };
  if (a instanceof Api.MessageActionGameScore) return { action: 'score_in_game', ...(replyToMsgId !== undefined ? { game_message_id: replyToMsgId } : {}), score: a.score };
  if (a instanceof Api.MessageActionPaymentSent) {
    return { action: 'send_payment', amount: Number(a.totalAmount), currency: a.currency, ...(replyToMsgId !== undefined ? { invoice_message_id: replyToMsgId } : {}) };
  }
  if (a instanceof Api.MessageActionPhoneCall) {
    const reason = discardReason(a.reason);
    return { action: 'phone_call', ...(a.duration ? { duration_seconds: a.duration } : {}), ...(reason ? { discard_reason: reason } : {}) };
  }
  if (a instanceof Api.MessageActionScreenshotTaken) return { action: 'take_screenshot' };
  if (a instanceof Api.MessageActionCustomAction) return { information_text: a.message };
  if (a instanceof Api.MessageActionBotAllowed) return { action: 'allow_sending_messages', ...(a.domain ? { reason_domain: a.domain } : {}) };
  if (a instanceof Api.MessageActionSecureValuesSent) return { action: 'send_passport_values' };
  if (a instanceof Api.MessageActionContactSignUp) return { action: 'joined_telegram' };
  if (a instanceof Api.MessageActionGeoProximityReached) {
    const from = peerOf(a.fromId);
    const to = peerOf(a.toId);
    return { action: 'proximity_reached', from: names.nameOf(from), to: names.nameOf(to), distance: a.distance };
  }
  if (a instanceof Api.MessageActionGroupCall) return { action: 'group_call', ...(a.duration ? { duration: a.duration } : {}) };
  if (a instanceof Api.MessageActionInviteToGroupCall) return { action: 'invite_to_group_call', members: memberNames(names, a.users) };
  if (a instanceof Api.MessageActionSetMessagesTTL) return { action: 'set_messages_ttl', period: a.period };
  if (a instanceof Api.MessageActionGroupCallScheduled) return { action: 'group_call_scheduled' };
  if (a instanceof Api.MessageActionSetChatTheme) return { action: 'edit_chat_theme', emoticon: a.emoticon };
  if (a instanceof Api.MessageActionChatJoinedByRequest) return { action: 'join_group_by_request' };
  if (a instanceof Api.MessageActionWebViewDataSent) return { action: 'send_webview_data', text: a.text };
  if (a instanceof Api.MessageActionGiftPremium) return { action: 'send_premium_gift', months: a.months, cost: `${Number(a.amount)} ${a.currency}` };
  if (a instanceof Api.MessageActionTopicCreate) return { action: 'topic_created', title: a.title };
  if (a instanceof Api.MessageActionTopicEdit) {
    return { action: 'topic_edit', ...(a.title !== undefined ? { new_title: a.title } : {}), ...(a.iconEmojiId !== undefined && Number(a.iconEmojiId) !== 0 ? { new_icon_emoji_id: Number(a.iconEmojiId) } : {}) };
  }
  if (a instanceof Api.MessageActionSuggestProfilePhoto) return { action: 'suggest_profile_photo' };
  if (a instanceof Api.MessageActionRequestedPeer) return { action: 'requested_peer' };
  if (a instanceof Api.MessageActionSetChatWallPaper) return { action: a.same ? 'set_same_chat_wallpaper' : 'set_chat_wallpaper' };
  if (a instanceof Api.MessageActionGiftCode) return { action: 'gift_code_prize', months: a.months };
  if (a instanceof Api.MessageActionGiveawayLaunch) return { action: 'giveaway_launch' };
  if (a instanceof Api.MessageActionGiveawayResults) return { action: 'giveaway_results' };
  if (a instanceof Api.MessageActionBoostApply) return { action: 'boost_apply', boosts: a.boosts };
  if (a instanceof Api.MessageActionPaymentRefunded) return { action: 'refunded_payment', amount: Number(a.totalAmount), currency: a.currency };
  if (a instanceof Api.MessageActionGiftStars) return { action: 'send_stars_gift', stars: Number(a.stars) };
  if (a instanceof Api.MessageActionPrizeStars) return { action: 'stars_prize', stars: Number(a.stars) };
  if (a instanceof Api.MessageActionStarGift) return { action: 'send_star_gift', ...(a.message ? { gift_text: textValueOf(a.message) } : {}) };
  // An action newer than this code: named after its class so the note says what it was.
  const cls = (a as { className?: string }).className ?? 'MessageActionUnknown';
  return { action: cls.replace(/^MessageAction/, '').replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase()) };
}
