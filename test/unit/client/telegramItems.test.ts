import assert from 'node:assert/strict';
import { apiHashProblem, apiIdProblem, chatRow, looksLikeChatRef, promptBox } from '../../../client/telegramItems';

describe('Telegram picker rows and sign-in boxes', () => {
  it('shows a chat with its kind, username and about how many messages', () => {
    assert.deepEqual(chatRow({ id: 1, markedId: -1000000000001, title: 'News', type: 'channel', forum: false, username: 'news', lastMessageId: 12345 }), {
      label: '$(megaphone) News',
      description: '@news · channel · ~12,345 messages',
    });
    assert.deepEqual(chatRow({ id: 2, markedId: -1000000000002, title: 'Makers', type: 'supergroup', forum: true }), { label: '$(organization) Makers', description: 'forum' });
    assert.equal(chatRow({ id: 3, markedId: 3, title: 'Alice', type: 'user', forum: false, lastMessageId: 40 }).description, 'person');
  });

  it('offers typed links, @usernames and ids as a direct choice, not other text', () => {
    for (const t of ['@sandbox_news', 't.me/sandbox_news', 'https://t.me/c/123/4', '-1001234567890', '1600000002']) assert.ok(looksLikeChatRef(t), t);
    for (const t of ['sandbox', 'alice archer', '@ab', '12']) assert.ok(!looksLikeChatRef(t), t);
  });

  it('masks the password box, shows the refused answer\'s reason first, and checks API credentials', () => {
    assert.equal(promptBox({ kind: 'password', hint: 'Two-step verification password (hint: horse)' }).password, true);
    assert.equal(promptBox({ kind: 'code', hint: 'Sent to your app.', error: 'That code is not right.' }).prompt, 'That code is not right. Sent to your app.');
    assert.equal(promptBox({ kind: 'phone' }).password, false);
    assert.equal(apiIdProblem('611335'), undefined);
    assert.match(apiIdProblem('abc')!, /my\.telegram\.org\/apps/);
    assert.equal(apiHashProblem('d524b414d21f4d37f08684c1df41ac9c'), undefined);
    assert.match(apiHashProblem('short')!, /32 letters/);
  });
});
