/** How sync finds the chat a stored source names: by the id in the source, through the account's resolver. */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { TelegramChat } from '../../../server/engine/connectors/telegram-live/dialogs';
import { exportChatType, resolveSource, sourceRef } from '../../../server/engine/connectors/telegram-live/sync/resolveChat';
import { UserError } from '../../../server/engine/errors';

const chat = (o: Partial<TelegramChat> & Pick<TelegramChat, 'id' | 'type'>): TelegramChat => ({ markedId: o.id, title: `chat ${o.id}`, forum: false, ...o });

describe('live sync: resolving a stored source', () => {
  it('resolves by the chat id in the source id, never by a @username typed long ago', () => {
    // The username may since belong to another chat: the id is what the notes were made from.
    assert.equal(sourceRef({ id: 'telegram:777', ref: '@oldname' }), '777');
    assert.equal(sourceRef({ id: 'telegram:-999678449', ref: 't.me/whatever' }), '-999678449');
    assert.equal(sourceRef({ id: 'telegram:@news', ref: '  t.me/news ' }), 't.me/news');
    assert.equal(sourceRef({ id: 'telegram:@news' }), '@news');
    assert.throws(() => sourceRef({ id: 'telegram:' }), UserError);
  });

  it('names chat types as a Telegram Desktop export does', () => {
    const self = 5;
    assert.equal(exportChatType(chat({ id: 5, type: 'user' }), self), 'saved_messages');
    assert.equal(exportChatType(chat({ id: 6, type: 'user' }), self), 'personal_chat');
    assert.equal(exportChatType(chat({ id: 7, type: 'bot', username: 'helper_bot' }), self), 'bot_chat');
    assert.equal(exportChatType(chat({ id: 8, type: 'group' }), self), 'private_group');
    assert.equal(exportChatType(chat({ id: 9, type: 'supergroup' }), self), 'private_supergroup');
    assert.equal(exportChatType(chat({ id: 9, type: 'supergroup', username: 'devs' }), self), 'public_supergroup');
    assert.equal(exportChatType(chat({ id: 10, type: 'channel' }), self), 'private_channel');
    assert.equal(exportChatType(chat({ id: 10, type: 'channel', username: 'news' }), self), 'public_channel');
  });

  it('gives sync the resolved chat with its input peer and MTProto kind', async () => {
    const asked: string[] = [];
    const forum = chat({ id: 1234, markedId: -1000000001234, type: 'supergroup', forum: true, title: 'Forum' });
    const peer = new Api.InputPeerEmpty();
    const live = await resolveSource(
      {
        resolve: async (ref) => (asked.push(ref), forum),
        inputPeer: async (c) => (assert.equal(c.markedId, forum.markedId), peer),
      },
      { id: 'telegram:1234', ref: '@forum' },
      5,
    );
    assert.deepEqual(asked, ['1234']);
    assert.deepEqual({ ...live, inputPeer: undefined }, { kind: 'channel', id: 1234, title: 'Forum', type: 'private_supergroup', forum: true, inputPeer: undefined });
    assert.equal(live.inputPeer, peer);
  });

  it('says so when Telegram lists the chat but no longer gives access to it', async () => {
    const gone = chat({ id: 42, type: 'channel', title: 'Closed', forbidden: true });
    await assert.rejects(
      resolveSource({ resolve: async () => gone, inputPeer: async () => assert.fail('no peer for a forbidden chat') }, { id: 'telegram:42' }, 5),
      (err: unknown) => err instanceof UserError && /no longer gives this account access to Closed/.test(err.message),
    );
  });
});
