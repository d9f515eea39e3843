/**
 * Malformed exports: fields of the wrong type must never make rendering throw (the importer would
 * lose the rest of the chat) nor break the block structure.
 */
import { strict as assert } from 'node:assert';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { AlbumGrouper, TopicTracker, mediaFilesOf, renderBlock } from '../../../server/engine/telegram-notes';
import { Prng } from '../../../scripts/export-generator/prng';
import { ctx } from './helpers';
import { assertNoteStructure, parseMarkdown } from './structure';

const FIELDS = [
  'type', 'date', 'edited', 'from', 'from_id', 'author', 'forwarded_from', 'saved_from', 'reply_to_message_id', 'reply_to_peer_id', 'via_bot',
  'actor', 'action', 'title', 'new_title', 'members', 'message_id', 'duration_seconds', 'discard_reason', 'text', 'text_entities',
  'photo', 'photo_file_size', 'width', 'height', 'file', 'file_name', 'file_size', 'thumbnail', 'media_type', 'mime_type', 'sticker_emoji',
  'performer', 'contact_information', 'contact_vcard', 'location_information', 'live_location_period_seconds', 'place_name', 'address',
  'poll', 'reactions', 'media_spoiler', 'game_title', 'game_link', 'invoice_information', 'todo_list', 'giveaway_information',
  'giveaway_results', 'paid_stars_amount', 'inline_bot_buttons', 'information_text', 'inviter', 'period', 'emoticon', 'amount', 'currency',
  'self_destruct_period_seconds',
];

function garbage(prng: Prng, depth = 0): unknown {
  switch (prng.int(0, 11)) {
    case 0: return null;
    case 1: return undefined;
    case 2: return prng.int(-5, 5);
    case 3: return prng.next() * 1e20;
    case 4: return NaN;
    case 5: return '';
    case 6: return prng.pick(['x', '(File not included. Change data exporting settings to download.)', 'photos/a.jpg', '---\n^m1', 'service', 'message', 'sticker', 'pin_message', 'topic_created']);
    case 7: return prng.chance(0.5);
    case 8: return depth > 2 ? [] : Array.from({ length: prng.int(0, 3) }, () => garbage(prng, depth + 1));
    case 9: return depth > 2 ? {} : { type: garbage(prng, depth + 1), text: garbage(prng, depth + 1), count: garbage(prng, depth + 1), answers: garbage(prng, depth + 1), question: garbage(prng, depth + 1), latitude: garbage(prng, depth + 1) };
    case 10: return [[{ type: 'url', text: garbage(prng, 3), data: garbage(prng, 3) }]];
    default: return { type: 'bold', text: 'b' };
  }
}

describe('format: malformed input', () => {
  it('random wrong-typed fields never throw and never break the block', () => {
    const prng = new Prng(99);
    const tracker = new TopicTracker(true);
    const grouper = new AlbumGrouper();
    for (let id = 1; id <= 1500; id++) {
      const m: Record<string, unknown> = { id, type: prng.pick(['message', 'service', 'unsupported', 'weird']), date: '2024-01-01T00:00:00', date_unixtime: '1' };
      for (let k = prng.int(1, 8); k > 0; k--) m[prng.pick(FIELDS)] = garbage(prng);
      const msg = m as unknown as ExportMessage;
      const label = JSON.stringify(m);
      let block = '';
      assert.doesNotThrow(() => {
        tracker.topicOf(msg);
        grouper.push(msg);
        mediaFilesOf(msg);
        block = renderBlock([msg], ctx({ notes: { 1: 'Telegram/Test Chat/Test Chat' } }));
      }, label);
      assertNoteStructure(block, [{ ids: [id], fences: countFences(block), lists: countLists(block) }]);
    }
  });
});

describe('format: media fields that are not file paths', () => {
  for (const value of [{ path: 'x.jpg' }, 12345, ['a.jpg'], true]) {
    it(`says the field is malformed for ${JSON.stringify(value)}, never "[object Object]" or the raw value`, () => {
      for (const field of ['photo', 'file'] as const) {
        const msg = { id: 1, type: 'message', date: '2024-01-01T00:00:00', date_unixtime: '1', text: '', [field]: value } as unknown as ExportMessage;
        assert.deepEqual(mediaFilesOf(msg), [], 'nothing to copy');
        const block = renderBlock([msg], ctx({}));
        assert.match(block, /malformed file field in the export/, block);
        assert.doesNotMatch(block, /object Object|12345|a\.jpg|true/, block);
      }
    });
  }
});

function countFences(block: string): number {
  return parseMarkdown(block).filter((t) => t.type === 'fence').length;
}
function countLists(block: string): number {
  return parseMarkdown(block).filter((t) => t.type === 'bullet_list_open').length;
}
