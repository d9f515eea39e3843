/**
 * renderBlock for every message and media kind, with the expected block written out.
 */
import { strict as assert } from 'node:assert';
import { renderBlock } from '../../../server/engine/telegram-notes';
import { HEAD, block, ctx, msg } from './helpers';
import { parseMarkdown } from './structure';

const A = 'Telegram/Test Chat/attachments';

describe('format: message blocks', () => {
  it('text message: header, blank line, text, id line', () => {
    const m = msg({ id: 5, text: 'Hello', text_entities: [{ type: 'plain', text: 'Hello' }] });
    assert.equal(renderBlock([m], ctx()), `> ${HEAD}\n>\n> Hello\n\n^m5\n\n`);
  });

  it('edited mark: time only on the same day, full date otherwise', () => {
    assert.equal(renderBlock([msg({ id: 6, text: 'x', edited: '2024-03-01T18:46:04' })], ctx()), block(6, `${HEAD} · edited 18:46:04`, '', 'x'));
    assert.equal(renderBlock([msg({ id: 7, text: 'x', edited: '2024-03-02T08:00:00' })], ctx()), block(7, `${HEAD} · edited 2024-03-02 08:00:00`, '', 'x'));
  });

  it('signature, via bot, deleted account, channel posts without a sender', () => {
    assert.equal(renderBlock([msg({ id: 8, text: 'x', from: 'Tech Digest', author: 'Maria K.' })], ctx()), block(8, '**Tech Digest** (Maria K.) · 2024-03-01 18:41:04', '', 'x'));
    assert.equal(renderBlock([msg({ id: 9, text: 'x', via_bot: '@gif' })], ctx()), block(9, '**Alice Martin** via [@gif](https://t.me/gif) · 2024-03-01 18:41:04', '', 'x'));
    assert.equal(renderBlock([msg({ id: 10, text: 'x', from: null })], ctx()), block(10, '**Deleted Account** · 2024-03-01 18:41:04', '', 'x'));
    assert.equal(renderBlock([msg({ id: 11, text: 'x', from: undefined })], ctx({ chatType: 'public_channel', chatTitle: 'News' })), block(11, '**News** · 2024-03-01 18:41:04', '', 'x'));
  });

  it('forwarded (named, hidden) and saved-from lines', () => {
    assert.equal(renderBlock([msg({ id: 12, text: 'x', forwarded_from: 'Bob' })], ctx()), block(12, HEAD, '↪ Forwarded from **Bob**', '', 'x'));
    assert.equal(renderBlock([msg({ id: 13, text: 'x', forwarded_from: null })], ctx()), block(13, HEAD, '↪ Forwarded from an unknown sender', '', 'x'));
    assert.equal(renderBlock([msg({ id: 14, text: 'x', forwarded_from: 'Bob', saved_from: 'Group' })], ctx()), block(14, HEAD, '↪ Forwarded from **Bob** (saved from **Group**)', '', 'x'));
    assert.equal(renderBlock([msg({ id: 15, text: 'x', saved_from: 'Group' })], ctx()), block(15, HEAD, '↪ Saved from **Group**', '', 'x'));
  });

  it('reply links: same note, other note, album anchor, missing, other chat, topic root', () => {
    const c = ctx({ notes: { 3: 'Telegram/Test Chat/Test Chat', 4: 'Telegram/Test Chat/Other', 21: 'Telegram/Test Chat/Test Chat' }, currentNote: 'Telegram/Test Chat/Test Chat', anchors: { 21: 20 }, roots: [6] });
    assert.equal(renderBlock([msg({ id: 30, text: 'x', reply_to_message_id: 3 })], c), block(30, HEAD, '↩ Reply to [[#^m3|message 3]]', '', 'x'));
    assert.equal(renderBlock([msg({ id: 31, text: 'x', reply_to_message_id: 4 })], c), block(31, HEAD, '↩ Reply to [[Telegram/Test Chat/Other#^m4|message 4]]', '', 'x'));
    assert.equal(renderBlock([msg({ id: 32, text: 'x', reply_to_message_id: 21 })], c), block(32, HEAD, '↩ Reply to [[#^m20|message 21]]', '', 'x'));
    assert.equal(renderBlock([msg({ id: 33, text: 'x', reply_to_message_id: 2 })], c), block(33, HEAD, '↩ Reply to message 2 *(not in the archive)*', '', 'x'));
    assert.equal(renderBlock([msg({ id: 34, text: 'x', reply_to_message_id: 3, reply_to_peer_id: 'channel9' })], c), block(34, HEAD, '↩ Reply to message 3 in another chat', '', 'x'));
    assert.equal(renderBlock([msg({ id: 35, text: 'x', reply_to_message_id: 6 })], c), block(35, HEAD, '', 'x'));
  });

  it('a note path a wikilink cannot hold becomes a Markdown link', () => {
    const c = ctx({ notes: { 3: 'Telegram/A#B/Note' } });
    assert.equal(renderBlock([msg({ id: 36, text: 'x', reply_to_message_id: 3 })], c), block(36, HEAD, '↩ Reply to [message 3](Telegram/A%23B/Note.md#^m3)', '', 'x'));
  });

  it('reactions: emoji, custom emoji, paid; summed over an album', () => {
    const m = msg({ id: 40, text: 'x', reactions: [{ type: 'emoji', count: 3, emoji: '👍' }, { type: 'custom_emoji', count: 2, document_id: '77' }, { type: 'paid', count: 5 }] });
    assert.equal(renderBlock([m], ctx()), block(40, HEAD, '', 'x', '', '👍 3 · (custom emoji) 2 · ⭐ 5'));
  });

  it('inline keyboard: URL buttons as links, others as labels', () => {
    const m = msg({ id: 41, text: 'Pick', inline_bot_buttons: [[{ type: 'callback', text: 'Paris', data: '' }, { type: 'url', text: 'Site', data: 'https://w.example/' }]] });
    assert.equal(renderBlock([m], ctx()), block(41, HEAD, '', 'Pick', '', '🔘 Paris · [Site](https://w.example/)'));
  });

  it('unsupported message and unknown message type', () => {
    assert.equal(renderBlock([{ id: 50, type: 'unsupported' } as never], ctx()), block(50, '⚠️ *Unsupported message: Telegram Desktop could not export it*'));
    assert.equal(renderBlock([msg({ id: 51, type: 'hologram', text: 'x' })], ctx()), block(51, HEAD, '*(message of unknown type hologram)*', '', 'x'));
  });

  it('refuses a message without a numeric id', () => {
    assert.throws(() => renderBlock([msg({ id: 'x' as never })], ctx()), /numeric id/);
    assert.throws(() => renderBlock([], ctx()), /at least one/);
  });
});

describe('format: media blocks', () => {
  it('photo: an embed of the stored file; spoiler marked', () => {
    assert.equal(renderBlock([msg({ id: 60, photo: 'photos/photo_1@01-03-2024_18-41-04.jpg', width: 64, height: 48 })], ctx()), block(60, HEAD, '', `![[${A}/photo_1@01-03-2024_18-41-04.jpg]]`));
    assert.equal(renderBlock([msg({ id: 61, photo: 'photos/p.jpg', media_spoiler: true })], ctx()), block(61, HEAD, '', `![[${A}/p.jpg]] *(spoiler)*`));
  });

  it('photo with caption: media first, then the caption', () => {
    assert.equal(renderBlock([msg({ id: 62, photo: 'photos/p.jpg', text: 'Sunset' })], ctx()), block(62, HEAD, '', `![[${A}/p.jpg]]`, '', 'Sunset'));
  });

  it('photo missing from the export folder, not included, too large, unavailable, self-destructing', () => {
    const c = ctx({ files: { 'photos/gone.jpg': null } });
    assert.equal(renderBlock([msg({ id: 63, photo: 'photos/gone.jpg' })], c), block(63, HEAD, '', '🖼 *Photo missing from the export folder* `photos/gone.jpg`'));
    assert.equal(renderBlock([msg({ id: 64, photo: '(File not included. Change data exporting settings to download.)' })], c), block(64, HEAD, '', '🖼 *Photo not included in the export*'));
    assert.equal(renderBlock([msg({ id: 65, photo: '(File exceeds maximum size. Change data exporting settings to download.)' })], c), block(65, HEAD, '', '🖼 *Photo larger than the export size limit*'));
    assert.equal(renderBlock([msg({ id: 66, photo: '(File unavailable, please try again later)' })], c), block(66, HEAD, '', '🖼 *Photo unavailable when the export was made*'));
    assert.equal(renderBlock([msg({ id: 67, photo: '', self_destruct_period_seconds: 10 })], c), block(67, HEAD, '', '🖼 *Photo self-destructing, not exported*'));
  });

  it('generic file that Obsidian cannot show: a link with the original name and size', () => {
    const m = msg({ id: 70, file: 'files/plan (1).pdf', file_name: 'plan.pdf', file_size: 2048, mime_type: 'application/pdf', text: 'The plan' });
    assert.equal(renderBlock([m], ctx()), block(70, HEAD, '', `📎 [[${A}/plan (1).pdf|plan.pdf]] · 2.0 KB`, '', 'The plan'));
  });

  it('an image sent as a file is embedded', () => {
    assert.equal(renderBlock([msg({ id: 71, file: 'files/diagram.png', file_name: 'diagram.png', mime_type: 'image/png' })], ctx()), block(71, HEAD, '', `![[${A}/diagram.png]]`));
  });

  it('video file: label with name, duration and size, then the embed', () => {
    const m = msg({ id: 72, file: 'video_files/clip.mp4', file_name: 'clip.mp4', file_size: 1536, media_type: 'video_file', mime_type: 'video/mp4', duration_seconds: 75 });
    assert.equal(renderBlock([m], ctx()), block(72, HEAD, '', '🎬 clip.mp4 · 1:15 · 1.5 KB', `![[${A}/clip.mp4]]`));
    const unnamed = msg({ id: 73, file: 'video_files/video_1@01-03-2024_19-39-54.mp4', media_type: 'video_file', duration_seconds: 4 });
    assert.equal(renderBlock([unnamed], ctx()), block(73, HEAD, '', '🎬 Video · 0:04', `![[${A}/video_1@01-03-2024_19-39-54.mp4]]`));
  });

  it('voice message and round video message', () => {
    assert.equal(renderBlock([msg({ id: 74, file: 'voice_messages/audio_1.ogg', media_type: 'voice_message', duration_seconds: 3 })], ctx()), block(74, HEAD, '', '🎤 Voice message · 0:03', `![[${A}/audio_1.ogg]]`));
    assert.equal(renderBlock([msg({ id: 75, file: 'round_video_messages/file_1.mp4', media_type: 'video_message', duration_seconds: 3725 })], ctx()), block(75, HEAD, '', '⏺ Video message · 1:02:05', `![[${A}/file_1.mp4]]`));
  });

  it('music: performer — title', () => {
    const m = msg({ id: 76, file: 'files/song.mp3', file_name: 'song.mp3', media_type: 'audio_file', performer: 'The Band', title: 'Road', duration_seconds: 200, file_size: 100 });
    assert.equal(renderBlock([m], ctx()), block(76, HEAD, '', '🎵 The Band — Road · 3:20 · 100 B', `![[${A}/song.mp3]]`));
  });

  it('animation: just the embed', () => {
    assert.equal(renderBlock([msg({ id: 77, file: 'animations/giphy.mp4', media_type: 'animation', duration_seconds: 2 })], ctx()), block(77, HEAD, '', `![[${A}/giphy.mp4]]`));
  });

  it('stickers: static embedded small; animated (.tgs) linked with its preview', () => {
    assert.equal(renderBlock([msg({ id: 78, file: 'stickers/sticker.webp', media_type: 'sticker', sticker_emoji: '😎' })], ctx()), block(78, HEAD, '', `![[${A}/sticker.webp|128]]`));
    const tgs = msg({ id: 79, file: 'stickers/Anim.tgs', thumbnail: 'stickers/Anim.tgs_thumb.jpg', media_type: 'sticker', sticker_emoji: '💃' });
    assert.equal(renderBlock([tgs], ctx()), block(79, HEAD, '', `Sticker 💃 · [[${A}/Anim.tgs|Anim.tgs]]`, `![[${A}/Anim.tgs_thumb.jpg|128]]`));
  });

  it('document not included: its label, the reason, and the thumbnail when exported', () => {
    const m = msg({ id: 80, file: '(File not included. Change data exporting settings to download.)', thumbnail: 'video_files/drive.mp4_thumb.jpg', file_name: 'drive.mp4', media_type: 'video_file', duration_seconds: 30 });
    assert.equal(renderBlock([m], ctx()), block(80, HEAD, '', '🎬 drive.mp4 · 0:30 — *not included in the export*', `![[${A}/drive.mp4_thumb.jpg]]`));
  });

  it('document missing from the export folder', () => {
    const m = msg({ id: 81, file: 'files/x.zip', file_name: 'x.zip', file_size: 10 });
    assert.equal(renderBlock([m], ctx({ files: { 'files/x.zip': null } })), block(81, HEAD, '', '📎 x.zip · 10 B — *file missing from the export folder* `files/x.zip`'));
  });

  it('contact with phone link and vCard', () => {
    const m = msg({ id: 82, contact_information: { first_name: 'Chen', last_name: 'Wei', phone_number: '+1 555 0104' }, contact_vcard: 'contacts/contact_1.vcard' });
    assert.equal(renderBlock([m], ctx()), block(82, HEAD, '', `👤 **Chen Wei** · [+1 555 0104](tel:+15550104) · [[${A}/contact_1.vcard|vCard]]`));
  });

  it('location, live location, venue, invalid point', () => {
    const osm = 'https://www.openstreetmap.org/?mlat=48.85&mlon=2.29#map=16/48.85/2.29';
    assert.equal(renderBlock([msg({ id: 83, location_information: { latitude: 48.85, longitude: 2.29 } })], ctx()), block(83, HEAD, '', `📍 [48.85, 2.29](${osm})`));
    assert.equal(renderBlock([msg({ id: 84, location_information: { latitude: 48.85, longitude: 2.29 }, live_location_period_seconds: 900 })], ctx()), block(84, HEAD, '', `📍 Live location (15 min): [48.85, 2.29](${osm})`));
    assert.equal(renderBlock([msg({ id: 85, place_name: 'Café', address: '1 Rue', location_information: { latitude: 48.85, longitude: 2.29 } })], ctx()), block(85, HEAD, '', `📍 **Café** · 1 Rue · [48.85, 2.29](${osm})`));
    assert.equal(renderBlock([msg({ id: 86, location_information: null })], ctx()), block(86, HEAD, '', '📍 *location unavailable*'));
  });

  it('poll: question, answers with votes and the chosen one, voters and state', () => {
    const m = msg({ id: 87, poll: { question: 'Where?', closed: true, total_voters: 3, answers: [{ text: 'Lyon', voters: 2, chosen: true }, { text: '# Dijon', voters: 1, chosen: false }] } });
    assert.equal(renderBlock([m], ctx()), block(87, HEAD, '', '📊 **Poll:** Where?', '- ✔ Lyon — 2 votes', '- \\# Dijon — 1 vote', '', '*3 voters · closed*'));
    // The voters line must not read as part of the last answer (a lazy continuation of its list item).
    const items = parseMarkdown(renderBlock([m], ctx())).filter((t) => t.type === 'inline' && /Dijon/.test(t.content));
    assert.equal(items.length, 1);
    assert.doesNotMatch(items[0].content, /voters/);
  });

  it('to-do list, game, invoice, giveaway, paid media', () => {
    const todo = msg({ id: 88, todo_list: { title: 'Groceries', answers: [{ text: 'Milk', id: 1 }, { text: '- [ ] Bread', id: 2 }] } });
    assert.equal(renderBlock([todo], ctx()), block(88, HEAD, '', '☑ **To-do:** Groceries', '- ☐ Milk', '- ☐ \\- \\[ \\] Bread'));
    const game = msg({ id: 89, game_title: 'Quiz', game_description: 'Guess', game_link: 'https://t.me/b?game=q' });
    assert.equal(renderBlock([game], ctx()), block(89, HEAD, '', '🎮 **Quiz** · Guess · [play](https://t.me/b?game=q)'));
    const inv = msg({ id: 90, invoice_information: { title: 'Premium', description: '30 days', amount: 499, currency: 'EUR' } });
    assert.equal(renderBlock([inv], ctx()), block(90, HEAD, '', '🧾 **Premium** · 30 days · 4.99 EUR'));
    const give = msg({ id: 91, giveaway_information: { quantity: 3, months: 3, until_date: '2024-03-08T10:00:00' } });
    assert.equal(renderBlock([give], ctx()), block(91, HEAD, '', '🎁 Giveaway: 3 prizes · 3 months of Premium · until 2024-03-08 10:00:00'));
    assert.equal(renderBlock([msg({ id: 92, paid_stars_amount: 25 })], ctx()), block(92, HEAD, '', '⭐ *Paid media, 25 stars — not included in the export*'));
  });

  it('album: one block, every member listed in the header, media in order, captions after', () => {
    const g = [
      msg({ id: 17, photo: 'photos/a.jpg', text: 'Day one' }),
      msg({ id: 18, photo: 'photos/b.jpg' }),
      msg({ id: 19, file: 'video_files/c.mp4', media_type: 'video_file', duration_seconds: 4, reactions: [{ type: 'emoji', count: 1, emoji: '🔥' }] }),
    ];
    assert.equal(renderBlock(g, ctx()), block(17, `${HEAD} %%album: m17 m18 m19%%`, '', `![[${A}/a.jpg]]`, `![[${A}/b.jpg]]`, '🎬 Video · 0:04', `![[${A}/c.mp4]]`, '', 'Day one', '', '🔥 1'));
  });

  it('attachment paths a wikilink cannot hold are embedded as Markdown images', () => {
    assert.equal(renderBlock([msg({ id: 93, photo: 'photos/p.jpg' })], ctx({ files: { 'photos/p.jpg': 'Telegram/A [b]/attachments/p 1.jpg' } })), block(93, HEAD, '', '![](Telegram/A%20%5Bb%5D/attachments/p%201.jpg)'));
  });
});
