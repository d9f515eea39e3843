/**
 * Album inference and forum topic recovery, the two things the export does not record.
 */
import { strict as assert } from 'node:assert';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { AlbumGrouper, TopicTracker } from '../../../server/engine/telegram-notes';
import { msg, service } from './helpers';

function group(messages: ExportMessage[]): number[][] {
  const g = new AlbumGrouper();
  const out: ExportMessage[][] = [];
  for (const m of messages) out.push(...g.push(m));
  out.push(...g.flush());
  return out.map((x) => x.map((m) => m.id));
}

const photo = (id: number, extra: Record<string, unknown> = {}) => msg({ id, photo: `photos/${id}.jpg`, date_unixtime: '1000', ...extra });

describe('format: AlbumGrouper', () => {
  it('groups consecutive media from one sender in one second', () => {
    assert.deepEqual(group([photo(1), photo(2), photo(3)]), [[1, 2, 3]]);
  });

  it('mixes photos and videos, but not photos and files or music', () => {
    const video = (id: number) => msg({ id, file: 'v.mp4', media_type: 'video_file', date_unixtime: '1000' });
    const file = (id: number) => msg({ id, file: 'f.pdf', date_unixtime: '1000' });
    assert.deepEqual(group([photo(1), video(2), file(3), file(4)]), [[1, 2], [3, 4]]);
  });

  it('splits on a gap in ids, another second, another sender, another reply target, a text message', () => {
    assert.deepEqual(group([photo(1), photo(3)]), [[1], [3]]);
    assert.deepEqual(group([photo(1), photo(2, { date_unixtime: '1001' })]), [[1], [2]]);
    assert.deepEqual(group([photo(1), photo(2, { from_id: 'user9' })]), [[1], [2]]);
    assert.deepEqual(group([photo(1, { reply_to_message_id: 5 }), photo(2, { reply_to_message_id: 6 })]), [[1], [2]]);
    assert.deepEqual(group([photo(1), msg({ id: 2, text: 'hi', date_unixtime: '1000' }), photo(3)]), [[1], [2], [3]]);
  });

  it('never groups stickers, voice, round videos, GIFs or service messages', () => {
    const doc = (id: number, media_type: string) => msg({ id, file: 'x', media_type, date_unixtime: '1000' });
    assert.deepEqual(group([doc(1, 'sticker'), doc(2, 'sticker')]), [[1], [2]]);
    assert.deepEqual(group([doc(1, 'voice_message'), doc(2, 'video_message'), doc(3, 'animation')]), [[1], [2], [3]]);
    assert.deepEqual(group([photo(1), service('pin_message', { id: 2, date_unixtime: '1000' })]), [[1], [2]]);
  });

  it('caps an album at 10, Telegram\'s limit', () => {
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    assert.deepEqual(group(ids.map((i) => photo(i))), [ids.slice(0, 10), [11, 12]]);
  });

  it('returns groups in order, holding at most one pending album', () => {
    const g = new AlbumGrouper();
    assert.deepEqual(g.push(photo(1)), []);
    assert.deepEqual(g.push(photo(2)).length, 0);
    const out = g.push(msg({ id: 3, text: 'x' }));
    assert.deepEqual(out.map((x) => x.map((m) => m.id)), [[1, 2], [3]]);
    assert.deepEqual(g.flush(), []);
  });
});

describe('format: TopicTracker', () => {
  function run(isForum: boolean, messages: ExportMessage[]): (number | undefined)[] {
    const t = new TopicTracker(isForum);
    return messages.map((m) => t.topicOf(m)?.id);
  }

  it('places replies to a topic root and reply chains inside the topic', () => {
    const ms = [
      service('create_channel', { id: 1, title: 'F' }),
      msg({ id: 2, text: 'general' }),
      service('topic_created', { id: 5, title: 'Printing' }),
      msg({ id: 6, text: 'in topic', reply_to_message_id: 5 }),
      msg({ id: 7, text: 'reply in topic', reply_to_message_id: 6 }),
      msg({ id: 8, text: 'reply to reply', reply_to_message_id: 7 }),
      msg({ id: 9, text: 'reply to general', reply_to_message_id: 2 }),
      msg({ id: 10, text: 'reply to a deleted message', reply_to_message_id: 4 }),
    ];
    assert.deepEqual(run(true, ms), [undefined, undefined, 5, 5, 5, 5, undefined, undefined]);
  });

  it('does nothing for chats that are not forums', () => {
    assert.deepEqual(run(false, [service('topic_created', { id: 5, title: 'x' }), msg({ id: 6, reply_to_message_id: 5 })]), [undefined, undefined]);
  });

  it('places a pin in the topic of the pinned message; other service messages stay in General', () => {
    const ms = [service('topic_created', { id: 5, title: 'T' }), msg({ id: 6, reply_to_message_id: 5 }), service('pin_message', { id: 7, message_id: 6 }), service('topic_edit', { id: 8, new_title: 'U' })];
    assert.deepEqual(run(true, ms), [5, 5, 5, undefined]);
  });

  it('renames a topic when a topic_edit can be placed in it', () => {
    const t = new TopicTracker(true);
    t.topicOf(service('topic_created', { id: 5, title: 'Old' }));
    const edit = t.topicOf(service('topic_edit', { id: 6, new_title: 'New', reply_to_message_id: 5 }));
    assert.deepEqual(edit, { id: 5, title: 'New' });
    assert.deepEqual(t.topics(), [{ id: 5, title: 'New' }]);
  });

  it('ignores replies into another chat and untitled topics get a name', () => {
    const t = new TopicTracker(true);
    t.topicOf(service('topic_created', { id: 5, title: '  ' }));
    assert.equal(t.topicOf(msg({ id: 6, reply_to_message_id: 5, reply_to_peer_id: 'channel1' })), undefined);
    assert.deepEqual(t.topics(), [{ id: 5, title: 'Topic 5' }]);
    assert.equal(t.isTopicRoot(5), true);
    assert.equal(t.isTopicRoot(6), false);
  });

  it('handles negative ids (messages migrated from a basic group) and huge sparse ids', () => {
    const t = new TopicTracker(true);
    t.topicOf(service('topic_created', { id: 2000000000, title: 'Far' }));
    assert.deepEqual(t.topicOf(msg({ id: 2000000001, reply_to_message_id: 2000000000 })), { id: 2000000000, title: 'Far' });
    assert.equal(t.topicOf(msg({ id: -999999990, reply_to_message_id: -999999991 })), undefined);
  });

  it('tracks many messages in little memory (one int per id)', () => {
    const t = new TopicTracker(true);
    t.topicOf(service('topic_created', { id: 1, title: 'T' }));
    let inTopic = 0;
    for (let id = 2; id < 200000; id++) if (t.topicOf({ id, type: 'message', date: '', date_unixtime: '', text: '', reply_to_message_id: id - 1 } as ExportMessage)?.id === 1) inTopic++;
    assert.equal(inTopic, 199998);
  });
});
