/**
 * Service messages: one sentence each, with the action names Telegram Desktop's exporter writes.
 */
import { strict as assert } from 'node:assert';
import { renderBlock } from '../../../server/engine/telegram-notes';
import { block, ctx, service } from './helpers';

const D = '2024-03-01 18:41:04';
const line = (action: string | undefined, fields: Record<string, unknown> = {}, c = ctx()) => {
  const m = service(action, { id: 1, ...fields });
  const out = renderBlock([m], c);
  return out.slice(2, out.indexOf('\n'));
};

describe('format: service messages', () => {
  it('block shape: one quoted sentence with the date', () => {
    assert.equal(renderBlock([service('take_screenshot', { id: 9 })], ctx()), block(9, `📸 Sam Carter took a screenshot · ${D}`));
  });

  it('group life: create, title, photo, members, links, requests, migration', () => {
    assert.equal(line('create_group', { title: 'Book club', members: ['Alice', 'Bob'] }), `✨ Sam Carter created the group «Book club» with Alice and Bob · ${D}`);
    assert.equal(line('create_channel', { title: 'News' }, ctx({ chatType: 'public_channel' })), `✨ Sam Carter created the channel «News» · ${D}`);
    assert.equal(line('create_channel', { title: 'Forum' }, ctx({ chatType: 'private_supergroup' })), `✨ Sam Carter created the group «Forum» · ${D}`);
    assert.equal(line('edit_group_title', { title: 'New' }), `✏️ Sam Carter changed the title to «New» · ${D}`);
    assert.equal(line('delete_group_photo'), `🖼 Sam Carter removed the group photo · ${D}`);
    assert.equal(line('invite_members', { members: ['Alice', null, 'Bob'] }), `👋 Sam Carter added Alice, Deleted Account and Bob · ${D}`);
    assert.equal(line('invite_members', { members: ['Sam Carter'] }), `👋 Sam Carter joined the group · ${D}`);
    assert.equal(line('remove_members', { members: ['Sam Carter'] }), `🚪 Sam Carter left the group · ${D}`);
    assert.equal(line('remove_members', { members: ['Dana'] }), `🚪 Sam Carter removed Dana · ${D}`);
    assert.equal(line('join_group_by_link', { inviter: 'Alice' }), `👋 Sam Carter joined via an invite link from Alice · ${D}`);
    assert.equal(line('join_group_by_request'), `👋 Sam Carter joined after their request was approved · ${D}`);
    assert.equal(line('joined_telegram'), `👋 Sam Carter joined Telegram · ${D}`);
    assert.equal(line('migrate_to_supergroup'), `➡️ Sam Carter converted this group to a supergroup · ${D}`);
    assert.equal(line('migrate_from_group', { title: 'Old' }), `➡️ Sam Carter converted the group «Old» to this supergroup · ${D}`);
    assert.equal(line('clear_history'), `🧹 Sam Carter cleared the history · ${D}`);
  });

  it('a new group photo is embedded under the sentence', () => {
    const out = renderBlock([service('edit_group_photo', { id: 2, photo: 'photos/photo_1.jpg', width: 64, height: 64 })], ctx());
    assert.equal(out, block(2, `🖼 Sam Carter changed the group photo · ${D}`, '', '![[Telegram/Test Chat/attachments/photo_1.jpg]]'));
  });

  it('pins link to the pinned message', () => {
    assert.equal(line('pin_message', { message_id: 38 }, ctx({ notes: { 38: 'Telegram/Test Chat/Test Chat' } })), `📌 Sam Carter pinned [[Telegram/Test Chat/Test Chat#^m38|message 38]] · ${D}`);
    assert.equal(line('pin_message', { message_id: 38 }), `📌 Sam Carter pinned message 38 · ${D}`);
  });

  it('calls: finished with duration, missed, busy, group calls', () => {
    assert.equal(line('phone_call', { duration_seconds: 125, discard_reason: 'hangup' }), `📞 Sam Carter started a call (2:05) · ${D}`);
    assert.equal(line('phone_call', { discard_reason: 'missed' }), `📞 Missed call from Sam Carter · ${D}`);
    assert.equal(line('phone_call', { discard_reason: 'busy' }), `📞 Sam Carter called (line busy) · ${D}`);
    assert.equal(line('conference_call', { is_missed: false, is_active: false }), `📞 Sam Carter started a conference call · ${D}`);
    assert.equal(line('group_call', { duration: 1800 }), `🎙 Sam Carter started a voice chat (30:00) · ${D}`);
    assert.equal(line('invite_to_group_call', { members: ['Bob'] }), `🎙 Sam Carter invited Bob to the voice chat · ${D}`);
  });

  it('forum topics: created, renamed, icon changed', () => {
    assert.equal(line('topic_created', { title: '3D printing' }), `🗂 Sam Carter created the topic «3D printing» · ${D}`);
    assert.equal(line('topic_edit', { new_title: 'Memes' }), `✏️ Sam Carter renamed the topic to «Memes» · ${D}`);
    assert.equal(line('topic_edit', { new_icon_emoji_id: 5 }), `✏️ Sam Carter changed the topic icon · ${D}`);
  });

  it('chat settings, bots, payments, gifts, boosts', () => {
    assert.equal(line('set_messages_ttl', { period: 86400 }), `⏲ Sam Carter set messages to auto-delete after 1 day · ${D}`);
    assert.equal(line('set_messages_ttl', { period: 0 }), `⏲ Sam Carter turned off auto-delete · ${D}`);
    assert.equal(line('edit_chat_theme', { emoticon: '🌊' }), `🎨 Sam Carter changed the chat theme to 🌊 · ${D}`);
    assert.equal(line('allow_sending_messages', { reason_domain: 'w.example' }), `🤖 You allowed this bot to message you when logging in on w.example · ${D}`);
    assert.equal(line('requested_phone_number'), `☎️ Sam Carter requested a phone number · ${D}`);
    assert.equal(line('score_in_game', { game_message_id: 5, score: 42 }), `🎮 Sam Carter scored 42 in the game · ${D}`);
    assert.equal(line('send_payment', { amount: 499, currency: 'EUR', invoice_message_id: 6 }), `💳 Payment of 4.99 EUR sent for the invoice · ${D}`);
    assert.equal(line('send_payment', { amount: 500, currency: 'JPY' }), `💳 Payment of 500 JPY sent · ${D}`);
    assert.equal(line('send_star_gift', { stars: 50, gift_text: 'Thanks!' }), `🎁 Sam Carter sent a gift (50 stars): “Thanks!” · ${D}`);
    assert.equal(line('boost_apply', { boosts: 2 }), `⚡ Sam Carter boosted the group 2 times · ${D}`);
  });

  it('custom service text, unknown actions and deleted actors still render', () => {
    assert.equal(line(undefined, { information_text: 'Dana changed the *rules*' }), `ℹ️ Dana changed the \\*rules\\* · ${D}`);
    assert.equal(line('some_future_action'), `⚙️ Sam Carter: some future action · ${D}`);
    assert.equal(line('take_screenshot', { actor: null }), `📸 Deleted Account took a screenshot · ${D}`);
    assert.equal(line('create_channel', { actor: undefined, title: 'News' }, ctx({ chatType: 'public_channel', chatTitle: 'Tech Digest' })), `✨ Tech Digest created the channel «News» · ${D}`);
  });

  it('escapes names and titles, never altering them ("[[x]] | y" reads as written)', () => {
    assert.equal(line('topic_created', { title: '# [[x]] | %%' , actor: '**Eve**' }), `🗂 \\*\\*Eve\\*\\* created the topic «\\# \\[\\[x\\]\\] \\| %&#37;» · ${D}`);
    assert.equal(line('invite_members', { actor: 'a||b', members: ['[team] lead'] }), `👋 a\\|\\|b added \\[team\\] lead · ${D}`);
  });
});
